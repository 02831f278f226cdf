"""Two-host drill: two web instances with different local disks and one worker share PostgreSQL, Redis
and the bucket. Prints what each host served; `tests/parity/test_two_hosts.py` runs it in CI's parity
stage and asserts the same figures.

1. Evidence uploaded through host A is downloaded through host B, byte for byte.
2. A release published by the worker (asked from a third process with its own empty disk) is served
   identically by A and B at /donnees/latest/ and in its files.
3. A project file uploaded on A is read by the worker, and its dry run is followed from B.

Run on demand:  DATABASE_URL=postgres://superuser@127.0.0.1/postgres python bench/two_hosts.py
"""

from __future__ import annotations

import hashlib
import re
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.parity.clients import Client
from tests.parity.stack import ROOT, Stack

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n% drill " + uuid.uuid4().hex.encode() + b"\n"
SAMPLE = ROOT / "tests" / "data" / "sirano-opendata-sample.csv"
FILE_INPUT = re.compile(r"<input[^>]*type=\"file\"[^>]*>")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def declare_milestone(member: Client, comment: str):
    """Declare the member's first declarable milestone with a PDF for each evidence field: a draft
    request; returns the answer (the request's page)."""
    projects = sorted(set(re.findall(r'href="(/portail/projets/[^"/]+/)"', member.get("/portail/").text)))
    declare = None
    for project in projects:
        found = re.search(r'href="(/portail/projets/[^"]+/jalons/\d+/declarer/)"', member.get(project).text)
        if found:
            declare = found.group(1)
            break
    assert declare, "no declarable milestone for this member"
    form = member.get(declare).text
    names = [re.search(r'name="([^"]+)"', tag).group(1) for tag in FILE_INPUT.findall(form)]
    files = {name: (f"{name}.pdf", PDF, "application/pdf") for name in names}
    return member.post_form(
        declare, {"reached_on": time.strftime("%Y-%m-%d"), "comment": comment}, files=files
    )


def evidence_across_hosts(stack: Stack, a: str, b: str) -> dict:
    member = Client(a)
    member.sign_in_portal("chu-lyon")
    answer = declare_milestone(member, "Exercice à deux hôtes.")
    assert "/portail/demandes/" in answer.url, answer.url
    documents = sorted(set(re.findall(r'href="(/portail/documents/\d+/)"', answer.text)))
    assert documents, "the request page lists no evidence"
    via_a = member.get(documents[0], base_url=a)
    via_b = member.get(documents[0], base_url=b)
    return {
        "uploaded_on": a,
        "document": documents[0],
        "status_a": via_a.status_code,
        "status_b": via_b.status_code,
        "same_bytes": via_a.content == via_b.content == PDF,
    }


def _job_status(stack: Stack, pk: int) -> str:
    with psycopg.connect(stack.owner_url) as conn:
        return conn.execute("SELECT status FROM reports_backgroundjob WHERE id = %s", [pk]).fetchone()[0]


def release_across_hosts(stack: Stack, a: str, b: str, *, timeout: float = 300) -> dict:
    with tempfile.TemporaryDirectory() as empty:
        output = stack.run(
            "ask-release",
            'python manage.py shell -c "from reports import jobs; from reports.models import BackgroundJob; '
            'print(jobs.request_job(kind=BackgroundJob.Kind.RELEASE, actor=None).pk)"',
            env={"SIRANO_VAR_DIR": empty},
        )
    pk = int(output.strip().splitlines()[-1])
    deadline = time.monotonic() + timeout
    while (status := _job_status(stack, pk)) in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.5)
    citizen = Client(a)
    page_a, page_b = citizen.get("/donnees/latest/", base_url=a), citizen.get("/donnees/latest/", base_url=b)
    # The latest release's page links to its dated files; `latest` itself must serve them too.
    links = sorted(set(re.findall(r'href="(/donnees/[^"/]+/[^"/]+\.(?:csv|xlsx|json|md))"', page_a.text)))
    links += [link.replace(link.split("/")[2], "latest", 1) for link in links]
    files = {}
    for link in links:
        via_a, via_b = citizen.get(link, base_url=a), citizen.get(link, base_url=b)
        files[link] = (via_a.status_code, digest(via_a.content), via_b.status_code, digest(via_b.content))
    return {
        "job": pk,
        "job_status": status,
        "latest_a": page_a.status_code,
        "latest_b": page_b.status_code,
        "files": len(files),
        "files_identical": bool(files)
        and all(sa == sb == 200 and da == db for sa, da, sb, db in files.values()),
    }


def import_across_hosts(stack: Stack, a: str, b: str, *, timeout: float = 300) -> dict:
    agent = Client(a)
    agent.sign_in_admin("admin")
    answer = agent.post_form(
        "/admin/imports/nouveau/",
        {"format": "opendata", "submission": uuid.uuid4().hex},
        files={"file": (SAMPLE.name, SAMPLE.read_bytes(), "text/csv")},
    )
    run = re.search(r"/admin/imports/(\d+)/", answer.url)
    assert run, answer.url
    progress = f"/admin/imports/{run.group(1)}/progression/"
    deadline = time.monotonic() + timeout
    state = agent.get(progress, base_url=b).json()
    while not state["finished"] and time.monotonic() < deadline:
        time.sleep(0.5)
        state = agent.get(progress, base_url=b).json()
    return {"run": int(run.group(1)), "followed_on": b, **{k: state[k] for k in ("status", "done", "total")}}


def drill(stack: Stack) -> dict:
    """Hosts A and B (their own SIRANO_VAR_DIR each) and the worker (its own) on the shared services."""
    while len(stack.web_urls) < 2:
        stack.start_web(f"web-{len(stack.web_urls) + 1}")
    a, b = stack.web_urls[:2]
    return {
        "evidence": evidence_across_hosts(stack, a, b),
        "release": release_across_hosts(stack, a, b),
        "import": import_across_hosts(stack, a, b),
    }


def main() -> None:
    stack = Stack(workdir=Path(tempfile.mkdtemp(prefix="sirano-two-hosts-")))
    try:
        stack.start_services()
        stack.release()
        stack.seed()
        stack.start_web("web-1")
        stack.start_web("web-2")
        stack.start_worker()
        for name, result in drill(stack).items():
            print(f"{name}: {result}")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
