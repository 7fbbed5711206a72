"""Benchmark of the directory at 1 000 and at 100 000 associations, on SQLite and PostgreSQL.

    .venv/bin/python bench/run.py [--sizes 1000,100000] [--databases sqlite,postgresql]
                                  [--database-url postgres://postgres@127.0.0.1:5432/silta_bench]
                                  [--requests 50] [--reuse] [--sqlite-path PATH]

With --reuse the databases are kept between runs: a SQLite file or PostgreSQL database
that already holds the generated data of that size is only migrated and analysed (not
dropped and filled again). `{size}` in --database-url and --sqlite-path becomes "1k",
"100k", ... so each size keeps its own database (`.../silta_bench_{size}`).

For each database and size a throw-away database is made (a SQLite file under /tmp, a
PostgreSQL database that is dropped and created), migrated, filled by
`manage.py generate_national` (three activities per association) and analysed; then
Django's test Client makes the requests of each scenario in-process, so the times are
those of Django and the database without a network or a web server in between. Each
(database, size) runs in its own process, with its own DATABASE_URL.

Printed: median and p95 time per request (ms) and the largest SQL query count per request,
then PASS/FAIL per scenario against the goal of issue 3: p95 at the largest size at most
twice p95 at the smallest, and at most 8 queries per request at every size. JSON goes to
bench/results/ (gitignored).
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
TMP = Path(tempfile.gettempdir())
SQLITE_PATH = str(TMP / "silta_bench_{size}.sqlite3")  # {size}: "1k", "100k", ...
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/silta_bench"
MAX_QUERIES = 8
MAX_GROWTH = 2.0

# Inflected words people type, prefixes of live search, and words that find nothing.
QUERIES = [
    "yhdistyksen",
    "kylätalolla",
    "urheiluseuran",
    "eläkeläiset",
    "kuoro",
    "kyläyhdistys",
    "partio",
    "metsästysseuran",
    "kuoroon",
    "nuorisoseuralla",
    "kotiseutu",
    "perhekahvila",
    "hiihto",
    "eläk",
    "kyl",
    "urh",
    "kalastus seura",
    "sydän",
    "marttojen",
    "veteraanit",
    "xylofonisti",
    "qwertyasdf",
    "zzz",
    "koivumäen kyläyhdistys",
]
# Municipalities the requests go round: the largest city, a large one, a small one.
CODES = ["091", "564", "244"]


# --- the worker: one database, one size -------------------------------------------------


def _setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "silta.settings")
    os.environ.setdefault("DEMO_MODE", "true")
    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the "testserver" host; mail to memory
    from django.conf import settings

    settings.WHITENOISE_AUTOREFRESH = True  # no rescan of static files per Client
    # No collectstatic for a throw-away database: plain static storage, as the tests use.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _label(size: int) -> str:
    """1000 → "1k", 100000 → "100k" (for database names)."""
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def _fill(size: int, reuse: bool = False) -> dict:
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_places", stdout=quiet)
        if reuse:
            from silta.associations.management.commands.generate_national import generated

            if generated().count() == size:
                _analyse(connection)
                return {"fill_seconds": 0.0, "reused": True}
        call_command(
            "generate_national",
            associations=size,
            activities=3 * size,
            seed=2026,
            force=True,
            reset=reuse,
            stdout=quiet,
        )
    _analyse(connection)
    return {"fill_seconds": round(time.monotonic() - started, 1)}


def _analyse(connection):
    """Statistics for the planner; on PostgreSQL also VACUUM, which a production database
    gets from autovacuum: it sets the visibility map, without which no index-only scan
    can skip the table."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _liaison(municipality):
    from silta.accounts.models import Membership, Role, User

    user, _created = User.objects.get_or_create(
        email=f"mittaus.{municipality.code}@kansallinen.silta.example",
        defaults={"full_name": "Mittaus Yhdyshenkilö"},
    )
    Membership.objects.get_or_create(user=user, role=Role.LIAISON, municipality=municipality)
    return user


def _scenarios(requests: int, clients: dict):
    """(name, [(client persona, url)] of `requests` items)."""
    from django.urls import NoReverseMatch, reverse

    from silta.associations.models import Association
    from silta.places.models import Municipality

    def directory(code):
        try:
            return reverse("associations:directory", args=[code])
        except NoReverseMatch:
            return None

    municipalities = {m.code: m for m in Municipality.objects.filter(code__in=CODES)}
    counts = {
        code: Association.objects.public().in_municipality(m).count()
        for code, m in municipalities.items()
    }

    def deepest(who, base, parameter):
        """Page 50, or, when there are fewer pages, the deepest of 25, 12, 6, ... that exists
        (each page knows its own page size, so ask rather than compute)."""
        if base is None:
            return None
        number = 50
        while number > 1:
            joiner = "&" if "?" in base else "?"
            url = f"{base}{joiner}{parameter}={number}"
            status = clients[who].get(url, secure=True).status_code
            if status == 200:
                break
            number //= 2
        return number

    deep = {
        "directory": {c: deepest("anonymous", directory(c), "sivu") for c in CODES},
        "workspace": {c: deepest(c, reverse("places:workspace", args=[c]), "sivu") for c in CODES},
        "api": {
            c: deepest("anonymous", f"/api/v1/associations?municipality={c}", "page") for c in CODES
        },
    }

    def cycle(make):
        return [make(i) for i in range(requests)]

    def code_of(i):
        return CODES[i % len(CODES)]

    def query(i):
        return QUERIES[(i // len(CODES)) % len(QUERIES)]

    from urllib.parse import urlencode

    scenarios = [
        (
            "haku: hakemistosivu",
            cycle(
                lambda i: (
                    "anonymous",
                    directory(code_of(i))
                    and f"{directory(code_of(i))}?{urlencode({'q': query(i)})}",
                )
            ),
        ),
        (
            "haku: API, kunta",
            cycle(
                lambda i: (
                    "anonymous",
                    "/api/v1/associations?"
                    + urlencode({"municipality": code_of(i), "q": query(i)}),
                )
            ),
        ),
        (
            "haku: API, koko maa",
            cycle(
                lambda i: (
                    "anonymous",
                    "/api/v1/associations?" + urlencode({"q": QUERIES[i % len(QUERIES)]}),
                )
            ),
        ),
        (
            "haku: API, toiminta",
            cycle(
                lambda i: (
                    "anonymous",
                    "/api/v1/activities?" + urlencode({"municipality": code_of(i), "q": query(i)}),
                )
            ),
        ),
        (
            "lista: hakemistosivu s. 1",
            cycle(lambda i: ("anonymous", directory(code_of(i)))),
        ),
        (
            "lista: hakemistosivu syvä",
            cycle(
                lambda i: (
                    "anonymous",
                    directory(code_of(i))
                    and f"{directory(code_of(i))}?sivu={deep['directory'][code_of(i)]}",
                )
            ),
        ),
        (
            "lista: työtila s. 1",
            cycle(lambda i: (code_of(i), reverse("places:workspace", args=[code_of(i)]))),
        ),
        (
            "lista: työtila syvä",
            cycle(
                lambda i: (
                    code_of(i),
                    reverse("places:workspace", args=[code_of(i)])
                    + f"?sivu={deep['workspace'][code_of(i)]}",
                )
            ),
        ),
        (
            "lista: API yhdistykset s. 1",
            cycle(lambda i: ("anonymous", f"/api/v1/associations?municipality={code_of(i)}")),
        ),
        (
            "lista: API yhdistykset syvä",
            cycle(
                lambda i: (
                    "anonymous",
                    f"/api/v1/associations?municipality={code_of(i)}&page={deep['api'][code_of(i)]}",
                )
            ),
        ),
        (
            "lista: API toiminta s. 1",
            cycle(lambda i: ("anonymous", f"/api/v1/activities?municipality={code_of(i)}")),
        ),
    ]
    return scenarios, {"associations_in": counts, "deep_page": deep}


def _percentile(values, p):
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def worker(size: int, requests: int, reuse: bool = False) -> None:
    """One database and size, driven request by request over stdin/stdout (JSON lines), so
    that the driver can alternate the sizes' requests (see _run_database)."""
    import logging

    _setup_django()
    # The search for the deepest page asks for pages that do not exist: 404s, expected.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from silta.places.models import Municipality

    info = {"size": size, "vendor": connection.vendor}
    info.update(_fill(size, reuse))
    # A page that fails is counted as a 500 (and FAIL), not a crash of the benchmark.
    clients = {"anonymous": Client(raise_request_exception=False)}
    for m in Municipality.objects.filter(code__in=CODES):
        client = Client(raise_request_exception=False)
        client.force_login(_liaison(m))
        clients[m.code] = client
    scenarios, info["data"] = _scenarios(requests, clients)
    info["scenarios"] = [
        {"name": name, "available": all(url is not None for _who, url in calls)}
        for name, calls in scenarios
    ]
    _say(info)
    for line in sys.stdin:
        asked = json.loads(line)
        if asked.get("done"):
            break
        name, calls = scenarios[asked["scenario"]]
        who, url = calls[asked["request"]]
        if asked.get("warm"):
            clients[who].get(url, secure=True)  # warm-up: imports, the analyser, caches
        reset_queries()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = clients[who].get(url, secure=True)  # production redirects to https
            took = (time.perf_counter() - started) * 1000
        _say(
            {
                "ms": took,
                "queries": len(captured.captured_queries),
                "status": response.status_code,
                "url": url,
            }
        )


def _say(message: dict) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _summary(times, queries, statuses, example) -> dict:
    return {
        "available": True,
        "requests": len(times),
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(_percentile(times, 0.95), 2),
        "max_ms": round(max(times), 2),
        "queries_median": statistics.median(queries),
        "queries_max": max(queries),
        "statuses": sorted(statuses),
        "example": example,
    }


# --- the driver -----------------------------------------------------------------------


def _prepare_postgres(url: str) -> None:
    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _postgres_exists(url: str) -> bool:
    import psycopg

    parsed = urlparse(url)
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [parsed.path.lstrip("/")]
        ).fetchone()
    return row is not None


def _start_worker(
    vendor: str,
    size: int,
    requests: int,
    pg_url: str,
    reuse: bool = False,
    sqlite_path: str = SQLITE_PATH,
):
    """A worker process for one database and size, filled and ready: (process, its info)."""
    if vendor == "sqlite":
        path = sqlite_path.format(size=_label(size))
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(path + suffix).unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = pg_url.replace("{size}", _label(size))
        if not (reuse and _postgres_exists(url)):
            _prepare_postgres(url)
    env = {**os.environ, "DATABASE_URL": url, "DEMO_MODE": "true", "DEBUG": "false"}
    env.setdefault("SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
    env.setdefault("ALLOWED_HOSTS", "testserver")
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own script with our own arguments
        [
            sys.executable,
            __file__,
            "--worker",
            str(size),
            "--requests",
            str(requests),
            *(["--reuse"] if reuse else []),
        ],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()
    if not line:
        process.wait()
        raise SystemExit(f"{vendor} {size}: the worker stopped ({process.returncode})")
    info = json.loads(line)
    info["setup_seconds"] = round(time.monotonic() - started, 1)
    print(
        f"  {vendor} {size}: täyttö {info['fill_seconds']} s, valmis {info['setup_seconds']} s",
        flush=True,
    )
    return process, info


def _ask(process, message: dict) -> dict:
    process.stdin.write(json.dumps(message) + "\n")
    process.stdin.flush()
    line = process.stdout.readline()
    if not line:
        raise SystemExit("a worker stopped in the middle of the benchmark")
    return json.loads(line)


def _run_database(vendor: str, sizes: list[int], requests: int, **options) -> list[dict]:
    """Every size of one database, measured scenario by scenario in the order A B B A:
    the first half of a scenario's requests at each size, then the second half in the
    reverse order, each block after one warm-up request. The sizes of a scenario are then
    measured within seconds of each other, and a slow drift of the machine's speed falls
    on both alike (before, each size ran all its scenarios in one go, minutes apart)."""
    workers = [(size, *_start_worker(vendor, size, requests, **options)) for size in sizes]
    runs = []
    try:
        names = [s["name"] for s in workers[0][2]["scenarios"]]
        timings = {
            size: {name: {"times": [], "queries": [], "statuses": set()} for name in names}
            for size in sizes
        }
        for index, name in enumerate(names):
            if not all(info["scenarios"][index]["available"] for _s, _p, info in workers):
                continue
            half = requests // 2
            blocks = [(w, range(half)) for w in workers]
            blocks += [(w, range(half, requests)) for w in workers[::-1]]
            for (size, process, _info), block in blocks:
                for request in block:
                    asked = {"scenario": index, "request": request, "warm": request == block[0]}
                    answer = _ask(process, asked)
                    measured = timings[size][name]
                    measured["times"].append(answer["ms"])
                    measured["queries"].append(answer["queries"])
                    measured["statuses"].add(answer["status"])
                    measured.setdefault("example", answer["url"])
        for size, _process, info in workers:
            results = {}
            for name in names:
                m = timings[size][name]
                results[name] = (
                    _summary(m["times"], m["queries"], m["statuses"], m["example"])
                    if m["times"]
                    else {"available": False}
                )
            runs.append({**info, "scenarios": results})
    finally:
        for _size, process, _info in workers:
            if process.poll() is None:
                process.stdin.write(json.dumps({"done": True}) + "\n")
                process.stdin.close()
                process.wait()
    return runs


def _table(runs: list[dict], sizes: list[int]) -> list[dict]:
    """One line per (database, scenario) with PASS/FAIL."""
    lines = []
    by = {(r["vendor"], r["size"]): r for r in runs}
    vendors = sorted({r["vendor"] for r in runs}, key=lambda v: v != "sqlite")
    small, large = min(sizes), max(sizes)
    for vendor in vendors:
        names = list(by[(vendor, small)]["scenarios"])
        for name in names:
            row = {"database": vendor, "scenario": name, "sizes": {}}
            cells = [by[(vendor, s)]["scenarios"].get(name, {}) for s in sizes]
            if not all(c.get("available") for c in cells):
                row["verdict"] = "not available"
                lines.append(row)
                continue
            for s, c in zip(sizes, cells, strict=True):
                row["sizes"][s] = c
            ratio = cells[-1]["p95_ms"] / max(cells[0]["p95_ms"], 0.001)
            most = max(c["queries_max"] for c in cells)
            bad_status = any(st != 200 for c in cells for st in c["statuses"])
            row["p95_ratio"] = round(ratio, 2)
            row["queries_max"] = most
            ok = (ratio <= MAX_GROWTH or small == large) and most <= MAX_QUERIES and not bad_status
            row["verdict"] = "PASS" if ok else "FAIL"
            lines.append(row)
    return lines


def _print(lines, sizes):
    head = f"{'tietokanta':<11}{'skenaario':<30}"
    for s in sizes:
        head += f"{f'{s} med':>11}{f'{s} p95':>11}{'kyselyt':>8}"
    head += f"{'p95 suhde':>10}  tulos"
    print(head)
    print("-" * len(head))
    for row in lines:
        text = f"{row['database']:<11}{row['scenario']:<30}"
        if row["verdict"] == "not available":
            print(text + "  not available (URL-nimeä ei ole)")
            continue
        for s in sizes:
            c = row["sizes"][s]
            text += f"{c['median_ms']:>11.1f}{c['p95_ms']:>11.1f}{c['queries_max']:>8}"
        text += f"{row['p95_ratio']:>10.2f}  {row['verdict']}"
        print(text)


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG))
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--reuse", action="store_true", help="keep and reuse the databases")
    parser.add_argument("--sqlite-path", default=SQLITE_PATH)
    parser.add_argument("--worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker is not None:
        worker(args.worker, args.requests, args.reuse)
        return 0

    sizes = sorted(int(s) for s in args.sizes.split(","))
    vendors = [v.strip() for v in args.databases.split(",") if v.strip()]
    runs = []
    for vendor in vendors:
        runs += _run_database(
            vendor,
            sizes,
            args.requests,
            pg_url=args.database_url,
            reuse=args.reuse,
            sqlite_path=args.sqlite_path,
        )
    lines = _table(runs, sizes)
    print()
    _print(lines, sizes)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {
        "when": stamp,
        "sizes": sizes,
        "requests": args.requests,
        "goal": {"max_queries": MAX_QUERIES, "max_p95_growth": MAX_GROWTH},
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "runs": runs,
        "lines": lines,
    }
    for path in (RESULTS / f"{stamp}.json", RESULTS / "latest.json"):
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nTulokset: {RESULTS / f'{stamp}.json'}")
    return 0 if all(r["verdict"] != "FAIL" for r in lines) else 1


if __name__ == "__main__":
    sys.exit(main())
