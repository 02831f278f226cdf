"""SIRANo against Datasette on the same data: median and p95 latency of the same reads, and
throughput under concurrent clients.

    .venv/bin/python bench/vs_datasette.py --projects 4000
    .venv/bin/python bench/vs_datasette.py --projects 4000 \
        --database-url postgres://sirano:sirano@127.0.0.1:5432/sirano_bench

What it does, in order:
1. SIRANo's database (`--database-url`, default a SQLite file in `--workdir`, the demo's setup):
   migrated, and seeded with `manage.py seed_demo --projects N` when it holds no project. A
   database that already holds another number of projects is refused (give an empty one).
2. SIRANo under gunicorn (2 workers, DEBUG off, API and export throttling off, static files
   collected) on a free loopback port.
3. Datasette's database built from SIRANo's own `/donnees/sirano.csv` (one table `projets`, the
   14 columns as text, the award as a number), with indexes on the filtered columns and a
   full-text (FTS5) index on the searched ones: the strongest setup a data team would publish
   that file with. Datasette serves it immutable on another port.
4. Each pair of requests (SIRANo, Datasette) runs `--rounds` times, alternating, after two
   warm-up requests each; whole bodies are read. Prints median, p95 and SIRANo / Datasette.
5. Throughput: `--clients` threads for `--seconds` each on two pairs; requests per second.

`--cold` measures first hits instead (`bench/cold_urls.py` builds the workload): distinct URLs
generated from the data with `--seed` (searches from title words, with and without accents and
with a typo, and the most common words; filter combinations, year only among them; random
project pages; deep API pages over every sort key; 1,000-row pages), a data-version bump, then
each URL sent once per server, alternated; then the same list again (warm). Per class: median
and p95 of both, and the ratios. Then throughput right after a write to one project (and after
a bump of the whole data version): `--clients` threads over the same varied list.

Figures are wall-clock on a shared machine: compare ratios, not absolute milliseconds.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `bench.cold_urls` when run as a script
VENV_BIN = Path(sys.executable).parent

#: columns of the Datasette table searched by its full-text index (the directory's search fields
#: that the file carries)
FTS_COLUMNS = (
    "acronyme",
    "titre",
    "discipline_principale",
    "nom_etablissement",
    "nom_porteur",
    "prenom_porteur",
)
#: indexes of the filtered columns (the peer "with indexes")
INDEXES = (
    ("appel_a_projets",),
    ("annee_de_selection",),
    ("region",),
    ("appel_a_projets", "annee_de_selection"),
)
PAGE_SIZE = 100
DEEP_PAGE = 50
DEEP_PAGE_SIZE = 50


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sirano_env(database_url: str, workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SIRANO_VAR_DIR": str(workdir / "var"),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-not-for-production-use-0123456789"),
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "AXES_ENABLED": "false",
        # throttling off: the bench measures speed, not the limits
        "API_ANON_RATE": "off",
        "API_USER_RATE": "off",
        "EXPORT_RATE_PER_MINUTE": "0",
        "LOG_LEVEL": "ERROR",
        "DJANGO_SETTINGS_MODULE": "sirano.settings",
    }


def manage(env: dict[str, str], *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def prepare_sirano(env: dict[str, str], projects: int) -> None:
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "createcachetable")
    count = int(
        manage(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from workflows.models import Project; print(Project.objects.count())",
            capture=True,
        ).strip()
    )
    if count == 0:
        start = time.perf_counter()
        manage({**env, "DEBUG": "true"}, "seed_demo", "--projects", str(projects))
        print(f"seed_demo --projects {projects}: {time.perf_counter() - start:.0f} s", flush=True)
    elif count != projects:
        sys.exit(f"The database holds {count} projects, not {projects}: give an empty database.")
    manage(env, "collectstatic", "--noinput", "-v0")


@contextlib.contextmanager
def server(command: list[str], env: dict[str, str], url: str, log: Path):
    with open(log, "w") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(url, timeout=30)
                break
            except (requests.ConnectionError, requests.Timeout):  # up, or still starting under load
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} did not start: see {log}") from None
                time.sleep(0.3)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def build_datasette_db(csv_bytes: bytes, path: Path) -> int:
    """The ministry's file as a Datasette table, indexed and full-text searchable."""
    path.unlink(missing_ok=True)
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("cp1252"), newline=""), delimiter=";"))
    header, body = rows[0], rows[1:]
    db = sqlite3.connect(path)
    columns = ", ".join(
        f"[{name}] REAL" if name == "financement_total" else f"[{name}] TEXT" for name in header
    )
    db.execute(f"CREATE TABLE projets ({columns})")
    amount = header.index("financement_total")
    for row in body:
        row[amount] = float(row[amount].replace(",", "."))
    db.executemany(f"INSERT INTO projets VALUES ({', '.join('?' * len(header))})", body)
    for index in INDEXES:
        db.execute(f"CREATE INDEX idx_projets_{'_'.join(index)} ON projets ({', '.join(index)})")
    fts = ", ".join(FTS_COLUMNS)
    db.execute(f"CREATE VIRTUAL TABLE projets_fts USING fts5({fts}, content='projets')")
    db.execute(f"INSERT INTO projets_fts (rowid, {fts}) SELECT rowid, {fts} FROM projets")
    db.execute("ANALYZE")
    db.commit()
    db.execute("VACUUM")
    db.close()
    return len(body)


@dataclass
class Pair:
    label: str
    sirano: str
    datasette: str


def fetch(session: requests.Session, url: str) -> tuple[float, int]:
    start = time.perf_counter()
    with session.get(url, stream=True, timeout=600) as response:
        size = sum(len(chunk) for chunk in response.iter_content(65536))
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
    return (time.perf_counter() - start) * 1000, size


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def walk(session: requests.Session, url: str, pages: int, next_of) -> str:
    """The URL of page `pages` (1-based) reached by following next links; the last page if fewer."""
    for _page in range(pages - 1):
        following = next_of(session.get(url, timeout=600).json())
        if not following:
            break
        url = following
    return url


def datasette_next(base: str):
    def next_of(body: dict) -> str | None:
        return body.get("next_url") and urllib.parse.urljoin(base, body["next_url"])

    return next_of


def pairs(sirano: str, datasette: str, session: requests.Session) -> list[Pair]:
    table = f"{datasette}/projets/projets"
    first = session.get(f"{sirano}/api/v1/projects/?page_size=1", timeout=600).json()["results"][0]
    deep_sirano = walk(
        session,
        f"{sirano}/api/v1/projects/?page_size={DEEP_PAGE_SIZE}",
        DEEP_PAGE,
        lambda body: body.get("next"),
    )
    deep_datasette = walk(
        session, f"{table}.json?_size={DEEP_PAGE_SIZE}", DEEP_PAGE, datasette_next(datasette)
    )
    region_label = "Bretagne"
    return [
        Pair("API list, page 1, no filter", f"{sirano}/api/v1/projects/", f"{table}.json?_size={PAGE_SIZE}"),
        Pair(
            "API programme=PHRCN&year=2016",
            f"{sirano}/api/v1/projects/?programme=PHRCN&year=2016",
            f"{table}.json?_size={PAGE_SIZE}&appel_a_projets=PHRCN&annee_de_selection=2016",
        ),
        Pair(
            "API region=BRE",
            f"{sirano}/api/v1/projects/?region=BRE",
            f"{table}.json?_size={PAGE_SIZE}&region={region_label}",
        ),
        Pair(
            "API search=sepsis",
            f"{sirano}/api/v1/projects/?search=sepsis",
            f"{table}.json?_size={PAGE_SIZE}&_search=sepsis",
        ),
        Pair("API page_size=1000", f"{sirano}/api/v1/projects/?page_size=1000", f"{table}.json?_size=1000"),
        Pair(f"API deep page ({DEEP_PAGE} x {DEEP_PAGE_SIZE}, cursor)", deep_sirano, deep_datasette),
        Pair("/projets/ vs table page", f"{sirano}/projets/", table),
        Pair(
            "/projets/?programme=PHRCN&annee=2016",
            f"{sirano}/projets/?programme=PHRCN&annee=2016",
            f"{table}?appel_a_projets=PHRCN&annee_de_selection=2016",
        ),
        Pair("/projets/?q=cardiologie", f"{sirano}/projets/?q=cardiologie", f"{table}?_search=cardiologie"),
        Pair("project page vs row page", f"{sirano}/projets/{first['public_id']}/", f"{table}/1"),
        Pair(
            "/donnees/sirano.csv vs streamed CSV",
            f"{sirano}/donnees/sirano.csv",
            f"{table}.csv?_stream=on&_size=max",
        ),
    ]


def latency(pairs_: list[Pair], rounds: int) -> list[tuple[str, list[float], list[float]]]:
    session = requests.Session()
    results = []
    for pair in pairs_:
        for _ in range(2):
            fetch(session, pair.sirano)
            fetch(session, pair.datasette)
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(fetch(session, pair.sirano)[0])
            theirs.append(fetch(session, pair.datasette)[0])
        results.append((pair.label, ours, theirs))
        print(f"  measured {pair.label}", file=sys.stderr, flush=True)
    return results


def throughput(url: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            fetch(session, url)
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - start)


def bump(env: dict[str, str], what: str) -> None:
    """A write seen by SIRANo's workers: `all` moves the whole data version (an import), `project`
    writes one project's title through a declared scope (an establishment's or an agent's write)."""
    code = {
        "all": "from workflows.data_version import bump_data_version; bump_data_version()",
        "project": (
            "from workflows.data_version import writes_to_projects\n"
            "from workflows.models import Project\n"
            "p = Project.objects.public().order_by('?').first()\n"
            "with writes_to_projects(p.pk):\n"
            "    Project.objects.filter(pk=p.pk).update(title=p.title.rstrip('.') + '.')\n"
        ),
    }[what]
    manage(env, "shell", "--no-imports", "-c", code)


def cold_latency(workload, rounds: int = 1) -> list[tuple[str, str, float, float]]:
    """Each (class, SIRANo URL, Datasette URL) once, alternated: (class, url, ms, peer ms)."""
    session_ours, session_theirs = requests.Session(), requests.Session()
    measured = []
    for index, (label, ours, theirs) in enumerate(workload):
        mine, peer = fetch(session_ours, ours)[0], fetch(session_theirs, theirs)[0]
        measured.append((label, ours, mine, peer))
        if index % 200 == 199:
            print(f"  {index + 1} / {len(workload)}", file=sys.stderr, flush=True)
    return measured


def print_cold_table(cold, warm) -> None:
    labels = list(dict.fromkeys(label for label, *_ in cold))
    print(
        "| class | n | cold SIRANo median | p95 | cold Datasette median | p95 | cold ratio median | "
        "cold ratio p95 | warm SIRANo median | warm ratio median | warm ratio p95 |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label in [*labels, "all"]:
        rows = [row for row in cold if label in ("all", row[0])]
        again = [row for row in warm if label in ("all", row[0])]
        ours, theirs = [r[2] for r in rows], [r[3] for r in rows]
        ours_w, theirs_w = [r[2] for r in again], [r[3] for r in again]
        print(
            f"| {label} | {len(rows)} | {statistics.median(ours):,.1f} ms | {percentile(ours, 0.95):,.1f} ms | "
            f"{statistics.median(theirs):,.1f} ms | {percentile(theirs, 0.95):,.1f} ms | "
            f"{statistics.median(ours) / statistics.median(theirs):.2f}× | "
            f"{percentile(ours, 0.95) / percentile(theirs, 0.95):.2f}× | "
            f"{statistics.median(ours_w):,.1f} ms | "
            f"{statistics.median(ours_w) / statistics.median(theirs_w):.2f}× | "
            f"{percentile(ours_w, 0.95) / percentile(theirs_w, 0.95):.2f}× |",
            flush=True,
        )


def varied_throughput(urls: list[str], clients: int, seconds: float) -> float:
    """`clients` threads taking the next URL of `urls` (cycled) for `seconds`: requests per second."""
    lock = threading.Lock()
    position = [0]

    def next_url() -> str:
        with lock:
            position[0] += 1
            return urls[position[0] % len(urls)]

    done = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        session = requests.Session()
        while time.monotonic() < stop:
            fetch(session, next_url())
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / (time.monotonic() - start)


def run_cold(args, env, sirano: str, datasette: str, db_path: Path) -> None:
    import random

    from bench import cold_urls

    session = requests.Session()
    workload = cold_urls.workload(
        sirano, datasette, db_path, session, random.Random(args.seed), size=args.cold_urls
    )
    print(f"cold workload: {len(workload)} distinct URLs per server, seed {args.seed}", flush=True)
    bump(env, "all")
    cold = cold_latency(workload)
    warm = cold_latency(workload)
    print()
    print_cold_table(cold, warm)
    print()
    print(
        f"| {args.clients} clients, {args.seconds:.0f} s over the varied set | SIRANo req/s | Datasette req/s | SIRANo / Datasette |"
    )
    print("|---|---:|---:|---:|")
    order = list(range(len(workload)))
    random.Random(args.seed + 1).shuffle(order)
    ours = [workload[i][1] for i in order]
    theirs = [workload[i][2] for i in order]
    for what, label in (
        ("project", "right after a write to one project"),
        ("all", "right after a data-version bump"),
    ):
        bump(env, what)
        mine = varied_throughput(ours, args.clients, args.seconds)
        peer = varied_throughput(theirs, args.clients, args.seconds)
        print(f"| {label} | {mine:.1f} | {peer:.1f} | {mine / peer:.2f}× |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=4000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/sirano-vs-datasette"))
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--cold", action="store_true", help="first hits of distinct URLs (see above)")
    parser.add_argument("--seed", type=int, default=26)
    parser.add_argument("--cold-urls", type=int, default=1400, help="distinct URLs per server")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    database_url = args.database_url or f"sqlite:///{args.workdir}/sirano-{args.projects}.sqlite3"
    engine = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
    env = sirano_env(database_url, args.workdir)
    prepare_sirano(env, args.projects)

    sirano_port, datasette_port = free_port(), free_port()
    sirano = f"http://127.0.0.1:{sirano_port}"
    datasette = f"http://127.0.0.1:{datasette_port}"
    env = {**env, "SITE_URL": sirano}  # links in the answers (next pages) are on SITE_URL
    gunicorn = [
        str(VENV_BIN / "gunicorn"),
        "sirano.wsgi",
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{sirano_port}",
        "--timeout",
        "600",
    ]
    with server(gunicorn, env, f"{sirano}/api/v1/", args.workdir / "gunicorn.log"):
        answer = requests.get(f"{sirano}/donnees/sirano.csv", timeout=600)
        answer.raise_for_status()
        csv_bytes = answer.content
        db_path = args.workdir / "projets.db"
        rows = build_datasette_db(csv_bytes, db_path)
        datasette_cmd = [
            str(VENV_BIN / "datasette"),
            "serve",
            "-i",
            str(db_path),
            "--host",
            "127.0.0.1",
            "--port",
            str(datasette_port),
            "--setting",
            "sql_time_limit_ms",
            "60000",
        ]
        with server(
            datasette_cmd, os.environ.copy(), f"{datasette}/-/versions.json", args.workdir / "datasette.log"
        ):
            session = requests.Session()
            versions = session.get(f"{datasette}/-/versions.json", timeout=60).json()
            print(
                f"SIRANo ({engine}, gunicorn 2 workers, DEBUG off, throttling off) vs Datasette "
                f"{versions['datasette']['version']} (SQLite {versions['sqlite']['version']}, immutable, "
                f"{len(INDEXES)} indexes, FTS5): {args.projects} projects seeded, {rows} rows in sirano.csv; "
                f"{args.rounds} alternating rounds",
                flush=True,
            )
            if args.cold:
                run_cold(args, env, sirano, datasette, db_path)
                return
            the_pairs = pairs(sirano, datasette, session)
            results = latency(the_pairs, args.rounds)
            print()
            print("| request | SIRANo median | p95 | Datasette median | p95 | SIRANo / Datasette |")
            print("|---|---:|---:|---:|---:|---:|")
            for label, ours, theirs in results:
                mine, peer = statistics.median(ours), statistics.median(theirs)
                print(
                    f"| {label} | {mine:,.0f} ms | {percentile(ours, 0.95):,.0f} ms | {peer:,.0f} ms | "
                    f"{percentile(theirs, 0.95):,.0f} ms | {mine / peer:.2f}× |"
                )
            by_label = {pair.label: pair for pair in the_pairs}
            print()
            print(
                f"| {args.clients} clients, {args.seconds:.0f} s | SIRANo req/s | Datasette req/s | SIRANo / Datasette |"
            )
            print("|---|---:|---:|---:|")
            for label in ("API programme=PHRCN&year=2016", "/projets/?programme=PHRCN&annee=2016"):
                pair = by_label[label]
                mine = throughput(pair.sirano, args.clients, args.seconds)
                peer = throughput(pair.datasette, args.clients, args.seconds)
                print(f"| {label} | {mine:.1f} | {peer:.1f} | {mine / peer:.2f}× |", flush=True)


if __name__ == "__main__":
    main()
