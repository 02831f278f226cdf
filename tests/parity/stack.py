"""The product as it ships, started on this machine: the Procfile's release, web and worker processes.

One PostgreSQL database owned by one role and served through another (the non-owner application role
of production), Redis as the cache, an S3-compatible object store (moto's server) as the bucket,
`scripts/release.sh` exactly as the Procfile's `release`, then gunicorn and the worker from the
Procfile's own command lines, DEBUG off. Used by the parity browser journeys (`tests/parity/`) and by
the two-host and fault drills (`bench/two_hosts.py`, `bench/faults.py`).

The one difference from production: no TLS on loopback, so cookies are not marked Secure
(`SECURE_COOKIES=false`); everything else is read from the same environment variables.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
BUCKET = "sirano-parity"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def procfile() -> dict[str, str]:
    """The Procfile's process types and their command lines."""
    kinds = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if ":" in line and not line.startswith("#"):
            kind, command = line.split(":", 1)
            kinds[kind.strip()] = command.strip()
    return kinds


def admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise RuntimeError("The production stack needs PostgreSQL: set DATABASE_URL to a superuser's URL.")
    return url


def _psql(url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def _with(url: str, *, user: str, password: str, database: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    return f"postgres://{user}:{password}@{host}:{parts.port or 5432}/{database}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def alive(self) -> bool:
        return self.popen.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> None:
        if not self.alive():
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, sig)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=10)


@dataclass
class Stack:
    """Shared services (database, Redis, bucket) and the application processes started on them."""

    workdir: Path
    # One database and two roles per stack, so that two runs on one PostgreSQL never meet.
    token: str = field(default_factory=lambda: secrets.token_hex(4))
    env: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)
    web_urls: list[str] = field(default_factory=list)
    redis_port: int = 0
    s3_port: int = 0

    # -- shared services ---------------------------------------------------------------------
    def start_services(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self._database()
        self.redis_port = free_port()
        self.start_redis()
        self.s3_port = free_port()
        self._spawn(
            "s3",
            [str(PYTHON), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.s3_port)],
            env={**self._base_env()},
        )
        self._wait_http(f"http://127.0.0.1:{self.s3_port}/", accept_any=True)
        self.env = self._app_env()
        import boto3

        boto3.client(
            "s3",
            endpoint_url=self.env["AWS_S3_ENDPOINT_URL"],
            region_name=self.env["AWS_S3_REGION_NAME"],
            aws_access_key_id="parity",
            aws_secret_access_key="parity",
        ).create_bucket(
            Bucket=BUCKET,
            CreateBucketConfiguration={"LocationConstraint": self.env["AWS_S3_REGION_NAME"]},
        )

    def start_redis(self) -> Process:
        redis = shutil.which("redis-server") or "/usr/bin/redis-server"
        if not Path(redis).exists():
            raise RuntimeError("redis-server is required (apt-get install redis-server).")
        process = self._spawn(
            "redis",
            [
                redis,
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            env=self._base_env(),
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.redis_port), 1):
                return process
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    @property
    def database(self) -> str:
        return f"sirano_parity_{self.token}"

    @property
    def owner_role(self) -> str:
        return f"sirano_parity_owner_{self.token}"

    @property
    def app_role(self) -> str:
        return f"sirano_parity_app_{self.token}"

    def _database(self) -> None:
        admin = admin_url()
        self.owner_password = secrets.token_hex(12)
        self.app_password = secrets.token_hex(12)
        _psql(
            admin,
            f"CREATE ROLE {self.owner_role} LOGIN PASSWORD '{self.owner_password}'",
            # The application's role: no superuser, no CREATE, owns nothing (grant_app_role gives it rows).
            f"CREATE ROLE {self.app_role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
            f"PASSWORD '{self.app_password}'",
            f"CREATE DATABASE {self.database} OWNER {self.owner_role}",
        )
        self.owner_url = _with(
            admin, user=self.owner_role, password=self.owner_password, database=self.database
        )
        self.app_url = _with(admin, user=self.app_role, password=self.app_password, database=self.database)
        # PostgreSQL 15: the new database's public schema belongs to its owner; PUBLIC may not create.

    def _base_env(self) -> dict[str, str]:
        keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "PGPASSFILE")
        env = {key: os.environ[key] for key in keep if key in os.environ}
        env["PATH"] = f"{PYTHON.parent}:{env.get('PATH', '/usr/bin:/bin')}"
        env["PYTHONUNBUFFERED"] = "1"
        return env

    def _app_env(self) -> dict[str, str]:
        """Production's variables (`.env.example`), pointed at this machine's services."""
        return {
            **self._base_env(),
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": self.app_url,
            "MIGRATE_DATABASE_URL": self.owner_url,
            "CONN_MAX_AGE": "60",
            "CACHE_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "AWS_STORAGE_BUCKET_NAME": BUCKET,
            "AWS_S3_ENDPOINT_URL": f"http://127.0.0.1:{self.s3_port}",
            "AWS_ACCESS_KEY_ID": "parity",
            "AWS_SECRET_ACCESS_KEY": "parity",
            "AWS_S3_REGION_NAME": "eu-west-3",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "LOG_LEVEL": "INFO",
            "WEB_CONCURRENCY": "2",
        }

    # -- release and processes ------------------------------------------------------------------
    def release(self) -> None:
        """The Procfile's `release` line, run as it is (migrate as owner, grant, collectstatic)."""
        self.run("release", procfile()["release"], env={"SIRANO_VAR_DIR": str(self.workdir / "release-var")})

    def seed(self, projects: int = 120) -> None:
        """Demo data through the application role (seed_demo and create_demo_users need DEBUG)."""
        env = {"DEBUG": "true", "SIRANO_VAR_DIR": str(self.workdir / "seed-var")}
        self.run("seed", f"python manage.py seed_demo --projects {projects} --seed 2026", env=env)
        self.run("users", "python manage.py create_demo_users", env=env)

    def run(self, name: str, command: str, *, env: dict[str, str] | None = None, timeout: float = 900) -> str:
        log = self.workdir / f"{name}.log"
        result = subprocess.run(
            ["sh", "-c", command],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
        log.write_text(result.stdout)
        if result.returncode:
            raise RuntimeError(f"`{command}` failed ({result.returncode}):\n{result.stdout[-4000:]}")
        return result.stdout

    def start_web(self, name: str = "web", *, var_dir: Path | None = None) -> str:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        env = {
            "PORT": str(port),
            # One public address for every instance, as behind a load balancer.
            "SITE_URL": self.web_urls[0] if self.web_urls else url,
            "SIRANO_VAR_DIR": str(var_dir or self.workdir / f"{name}-var"),
        }
        command = procfile()["web"].replace("0.0.0.0", "127.0.0.1")
        self._spawn(name, ["sh", "-c", f"exec {command}"], env={**self.env, **env})
        self._wait_http(f"{url}/robots.txt")
        self.web_urls.append(url)
        return url

    def start_worker(self, name: str = "worker", *, var_dir: Path | None = None) -> Process:
        env = {"SIRANO_VAR_DIR": str(var_dir or self.workdir / f"{name}-var")}
        if self.web_urls:
            env["SITE_URL"] = self.web_urls[0]
        return self._spawn(name, ["sh", "-c", f"exec {procfile()['worker']}"], env={**self.env, **env})

    def process(self, name: str) -> Process:
        return next(p for p in reversed(self.processes) if p.name == name)

    def _spawn(self, name: str, argv: list[str], *, env: dict[str, str]) -> Process:
        log = self.workdir / f"{name}.log"
        handle = log.open("ab")
        popen = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        process = Process(name, popen, log, argv, env)
        self.processes.append(process)
        return process

    def restart(self, name: str, *, sig: int = signal.SIGTERM) -> Process:
        """Stop a process (SIGKILL for a crash) and start it again with the same command and port."""
        old = self.process(name)
        old.stop(sig)
        self.processes.remove(old)
        return self._spawn(name, old.argv, env=old.env)

    def _wait_http(self, url: str, *, accept_any: bool = False, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status < 500:
                        return
            except urllib.error.HTTPError as error:
                if accept_any or error.code < 500:
                    return
                last = error
            except OSError as error:
                last = error
            dead = [p for p in self.processes if not p.alive()]
            if dead:
                raise RuntimeError(f"{dead[0].name} exited:\n{dead[0].log.read_text()[-4000:]}")
            time.sleep(0.25)
        raise RuntimeError(f"{url} did not answer: {last}")

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        self.processes.clear()
        if getattr(self, "owner_url", None):
            with contextlib.suppress(Exception):
                _psql(
                    admin_url(),
                    f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)",
                    f"DROP ROLE IF EXISTS {self.app_role}",
                    f"DROP ROLE IF EXISTS {self.owner_role}",
                )

    def logs(self) -> str:
        return "\n".join(
            f"== {p.name}\n{p.log.read_text()[-3000:]}" for p in self.processes if p.log.exists()
        )


def command_line(argv: list[str]) -> str:
    return " ".join(shlex.quote(part) for part in argv)
