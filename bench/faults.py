"""Faults, measured: the production stack (tests/parity/stack.py, two web instances behind a fail-over
balancer, one worker) under 16 reading and 4 writing clients, while one fault at a time hits it:

- a web instance killed (SIGKILL) and started again;
- the worker killed during a project import, then started again;
- Redis restarted;
- PostgreSQL restarted (`pg_ctlcluster`, only with --postgres: it restarts the whole local cluster).

For each fault it prints the 5xx answers seen during the outage and outside it, connection errors, the
writes acknowledged and the writes lost (an acknowledged evidence upload or desk transition missing
from the database afterwards: must be 0), and for the import what became of the interrupted run.

Run on demand (figures in docs/deployment.md):
    DATABASE_URL=postgres://superuser@127.0.0.1/postgres python bench/faults.py [--postgres]
"""

from __future__ import annotations

import argparse
import collections
import itertools
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.two_hosts import declare_milestone
from tests.parity.clients import Client
from tests.parity.stack import ROOT, Stack

READERS, WRITERS = 16, 4
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SAMPLE = ROOT / "tests" / "data" / "sirano-opendata-sample.csv"


class Balancer:
    """Round robin over the web instances; a refused connection goes to the next one (nginx's
    `proxy_next_upstream error`), as a load balancer in front of two hosts does."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        self.turn = itertools.count()

    def request(self, session: requests.Session, method: str, path: str, **kwargs) -> requests.Response:
        start = next(self.turn)
        last: Exception | None = None
        for offset in range(len(self.urls)):
            base = self.urls[(start + offset) % len(self.urls)]
            try:
                return session.request(method, base + path, timeout=30, **kwargs)
            except requests.ConnectionError as error:
                last = error
        raise last  # type: ignore[misc]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: list[tuple[float, int]] = field(default_factory=list)
    connection_errors: list[float] = field(default_factory=list)
    uploads: list[str] = field(default_factory=list)
    transitions: list[tuple[int, str]] = field(default_factory=list)
    #: what the writes' POSTs answered, acknowledged or not (a refusal is not a lost write)
    write_answers: collections.Counter = field(default_factory=collections.Counter)

    def answer(self, status: int) -> None:
        with self.lock:
            self.answers.append((time.monotonic(), status))


def _csrf(text: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)


def reader(balancer: Balancer, paths: list[str], stop: threading.Event, tally: Tally) -> None:
    session = requests.Session()
    rng = random.Random()
    while not stop.is_set():
        try:
            tally.answer(balancer.request(session, "GET", rng.choice(paths)).status_code)
        except requests.RequestException:
            tally.connection_errors.append(time.monotonic())
            time.sleep(0.2)


def portal_writer(
    balancer: Balancer,
    drafts: dict[str, int],
    client: Client,
    username: str,
    stop: threading.Event,
    tally: Tally,
) -> None:
    """Evidence uploads to one of the establishment's draft requests, each with a unique name (an
    upload leaves the request a draft: the same request takes every phase's uploads)."""
    pk = drafts[username]
    page = client.get(f"/portail/demandes/{pk}/").text
    evidence_type = re.search(
        r'<select[^>]*name="evidence_type"[^>]*>.*?<option value="(\d+)"', page, re.S
    ).group(1)
    while not stop.is_set():
        name = f"panne-{uuid.uuid4().hex[:12]}.pdf"
        try:
            page = balancer.request(client.session, "GET", f"/portail/demandes/{pk}/")
            answer = balancer.request(
                client.session,
                "POST",
                f"/portail/demandes/{pk}/justificatifs/",
                data={"csrfmiddlewaretoken": _csrf(page.text), "evidence_type": evidence_type},
                # Distinct bytes: a request refuses the same document twice.
                files={"file": (name, PDF + f"% {name}\n".encode(), "application/pdf")},
            )
            tally.answer(answer.status_code)
            tally.write_answers[
                f"upload {answer.status_code}{'' if name in answer.text else ' refused'}"
            ] += 1
            if answer.ok and name in answer.text:
                with tally.lock:
                    tally.uploads.append(name)
        except (requests.RequestException, AttributeError):
            tally.connection_errors.append(time.monotonic())
        time.sleep(0.3)


def draft_request(client: Client) -> int:
    """A draft request of the member's establishment: one it declares now (a draft takes any number
    of documents, so every phase's uploads go to it)."""
    answer = declare_milestone(client, "Exercice de pannes.")
    found = re.search(r"/portail/demandes/(\d+)/", answer.url)
    assert found, answer.url
    return int(found.group(1))


def desk_writer(
    balancer: Balancer, stack: Stack, client: Client, stop: threading.Event, tally: Tally
) -> None:
    """Desk transitions: take a submitted request into review, then ask for changes."""
    while not stop.is_set():
        try:
            with psycopg.connect(stack.owner_url) as conn:
                row = conn.execute(
                    "SELECT id FROM workflows_trancherequest WHERE status = 'submitted' ORDER BY random() LIMIT 1"
                ).fetchone()
        except psycopg.OperationalError:  # the bench's own connection, during a database restart
            time.sleep(1)
            continue
        if row is None:
            time.sleep(1)
            continue
        for action, state, extra in (
            ("start_review", "under_review", {}),
            ("request_changes", "changes_requested", {"comment": "Merci de compléter.", "confirmed": "1"}),
        ):
            try:
                path = f"/admin/bureau/demandes/{row[0]}/{action}/"
                form = balancer.request(client.session, "GET", f"/admin/bureau/demandes/{row[0]}/")
                answer = balancer.request(
                    client.session, "POST", path, data={"csrfmiddlewaretoken": _csrf(form.text), **extra}
                )
                tally.answer(answer.status_code)
                tally.write_answers[f"{action} {answer.status_code}"] += 1
                with psycopg.connect(stack.owner_url) as conn:
                    now = conn.execute(
                        "SELECT status FROM workflows_trancherequest WHERE id = %s", [row[0]]
                    ).fetchone()[0]
                if answer.ok and now == state:
                    with tally.lock:
                        tally.transitions.append((row[0], state))
            except (requests.RequestException, AttributeError, psycopg.OperationalError):
                tally.connection_errors.append(time.monotonic())
                break
        time.sleep(0.3)


def lost_writes(stack: Stack, tally: Tally) -> int:
    with psycopg.connect(stack.owner_url) as conn:
        stored = {
            name
            for (name,) in conn.execute(
                "SELECT original_name FROM workflows_evidencedocument WHERE original_name LIKE 'panne-%%'"
            )
        }
        audited = {
            (pk, state)
            for pk, state in conn.execute(
                "SELECT tranche_request_id, to_state FROM workflows_auditevent WHERE to_state IN "
                "('under_review', 'changes_requested') AND tranche_request_id IS NOT NULL"
            )
        }
    return sum(name not in stored for name in tally.uploads) + sum(
        t not in audited for t in tally.transitions
    )


def import_run_state(stack: Stack, pk: int) -> tuple[str, str]:
    with psycopg.connect(stack.owner_url) as conn:
        status, report = conn.execute(
            "SELECT status, report FROM workflows_importrun WHERE id = %s", [pk]
        ).fetchone()
    return status, str((report or {}).get("error", ""))


def start_import(client: Client) -> int:
    answer = client.post_form(
        "/admin/imports/nouveau/",
        {"format": "opendata", "submission": uuid.uuid4().hex},
        files={"file": (SAMPLE.name, SAMPLE.read_bytes(), "text/csv")},
    )
    return int(re.search(r"/admin/imports/(\d+)/", answer.url).group(1))


def run_phase(name: str, stack: Stack, fault, clients: dict[str, Client], *, seconds: float = 20) -> dict:
    balancer = Balancer(stack.web_urls)
    paths = ["/", "/projets/", "/projets/?q=essai", "/api/v1/projects/?page_size=20", "/donnees/"]
    paths += [
        f"/projets/{m}/"
        for m in re.findall(
            r'href="/projets/([A-Z0-9]+-\d{4}-\d+)/"',
            requests.get(stack.web_urls[0] + "/projets/", timeout=30).text,
        )
    ]
    tally, stop = Tally(), threading.Event()
    threads = [threading.Thread(target=reader, args=(balancer, paths, stop, tally)) for _ in range(READERS)]
    threads += [
        threading.Thread(
            target=portal_writer, args=(balancer, clients["drafts"], clients[user], user, stop, tally)
        )
        for user in ("chu-lyon", "aphp")
    ]
    threads += [
        threading.Thread(target=desk_writer, args=(balancer, stack, clients["instructeur"], stop, tally))
        for _ in range(2)
    ]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 4)
    outage_start = time.monotonic()
    detail = fault(stack, clients) or {}
    outage_end = time.monotonic()
    time.sleep(seconds * 3 / 4)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    grace = 2.0
    errors = [(t, s) for t, s in tally.answers if s >= 500]
    during = sum(outage_start <= t <= outage_end + grace for t, _ in errors)
    return {
        "fault": name,
        "requests": len(tally.answers),
        "5xx_during_outage": during,
        "5xx_outside": len(errors) - during,
        "connection_errors": len(tally.connection_errors),
        "writes_acknowledged": len(tally.uploads) + len(tally.transitions),
        "writes_lost": lost_writes(stack, tally),
        "outage_s": round(outage_end - outage_start, 1),
        "write_answers": dict(tally.write_answers),
        **detail,
    }


def kill_web(stack: Stack, clients: dict[str, Client]) -> dict:
    stack.restart("web-1", sig=signal.SIGKILL)
    stack._wait_http(f"{stack.web_urls[0]}/robots.txt")
    return {}


def kill_worker_during_import(stack: Stack, clients: dict[str, Client]) -> dict:
    pk = start_import(clients["admin"])
    deadline = time.monotonic() + 60
    while import_run_state(stack, pk)[0] == "queued" and time.monotonic() < deadline:
        time.sleep(0.1)
    stack.restart("worker", sig=signal.SIGKILL)
    # A stopped worker is noticed after 45 s without a beat, by a recovery run at most 60 s apart.
    deadline = time.monotonic() + 150
    while import_run_state(stack, pk)[0] in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(1)
    status, error = import_run_state(stack, pk)
    with psycopg.connect(stack.owner_url) as conn:
        attempts = conn.execute(
            "SELECT report->>'attempts' FROM workflows_importrun WHERE id = %s", [pk]
        ).fetchone()[0]
    return {
        "import_run": pk,
        "import_status_after_wait": status,
        "import_attempts": int(attempts or 1),
        "import_message": error[:160],
    }


def restart_redis(stack: Stack, clients: dict[str, Client]) -> dict:
    stack.process("redis").stop()
    stack.processes.remove(stack.process("redis"))
    time.sleep(2)
    stack.start_redis()
    return {}


def restart_postgres(stack: Stack, clients: dict[str, Client]) -> dict:
    subprocess.run(["pg_ctlcluster", "15", "main", "restart"], check=True)
    return {}


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the stack on a plain kill too
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="also restart the local PostgreSQL cluster")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--only-postgres", action="store_true", help="run only the PostgreSQL restart")
    args = parser.parse_args()
    stack = Stack(workdir=Path(tempfile.mkdtemp(prefix="sirano-faults-")))
    try:
        stack.start_services()
        stack.release()
        stack.seed(projects=400)
        stack.start_web("web-1")
        stack.start_web("web-2")
        stack.start_worker()
        # Signed in once (agents enrol their second factor at the first sign-in).
        clients = {name: Client(stack.web_urls[0]) for name in ("chu-lyon", "aphp", "instructeur", "admin")}
        clients["chu-lyon"].sign_in_portal("chu-lyon")
        clients["aphp"].sign_in_portal("aphp")
        clients["instructeur"].sign_in_admin("instructeur")
        clients["admin"].sign_in_admin("admin")
        clients["drafts"] = {user: draft_request(clients[user]) for user in ("chu-lyon", "aphp")}
        faults = [
            ("web instance killed", kill_web),
            ("worker killed during an import", kill_worker_during_import),
            ("Redis restarted", restart_redis),
        ]
        if args.only_postgres:
            faults = []
        if args.postgres or args.only_postgres:
            faults.append(("PostgreSQL restarted", restart_postgres))
        for name, fault in faults:
            print(run_phase(name, stack, fault, clients, seconds=args.seconds), flush=True)
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
