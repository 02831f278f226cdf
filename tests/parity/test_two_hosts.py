"""Issue 22, observation 3, in production's shape: two web instances with different local disks and one
worker share PostgreSQL, Redis and the bucket (the drill of bench/two_hosts.py, run here in CI)."""

from __future__ import annotations

from bench.two_hosts import drill


def test_files_written_on_one_host_are_served_by_the_other(stack):
    result = drill(stack)
    evidence, release, run = result["evidence"], result["release"], result["import"]
    assert evidence["status_a"] == evidence["status_b"] == 200 and evidence["same_bytes"], evidence
    assert release["job_status"] == "done", release
    assert release["latest_a"] == release["latest_b"] == 200 and release["files_identical"], release
    assert run["status"] == "dry_run" and run["total"] and run["done"] == run["total"], run
