"""The SQL one request runs, with each query's time and plan.

    DATABASE_URL=... .venv/bin/python bench/explain.py [--as CODE] [--plans] URL [URL ...]

Prints every query of the request (time, first characters), and with --plans the plan of
each query slower than 2 ms: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN
on SQLite. --as CODE signs in as that municipality's liaison (for the workspace).
"""

import argparse
import sys
import time

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.dirname(__file__)))
from run import _liaison, _setup_django  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--as", dest="who")
    parser.add_argument("--plans", action="store_true")
    parser.add_argument("--full", action="store_true", help="print whole SQL")
    args = parser.parse_args()
    _setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from silta.places.models import Municipality

    client = Client(raise_request_exception=False)
    if args.who:
        client.force_login(_liaison(Municipality.objects.get(code=args.who)))
    for url in args.urls:
        client.get(url, secure=True)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url, secure=True)
            total = (time.perf_counter() - started) * 1000
        print(f"\n=== {url}  {response.status_code}  {total:.1f} ms  {len(captured)} queries")
        for q in captured.captured_queries:
            sql = q["sql"]
            print(f"--- {float(q['time']) * 1000:7.1f} ms  {sql if args.full else sql[:300]}")
            if (
                args.plans
                and float(q["time"]) > 0.002
                and sql.lstrip().upper().startswith(("SELECT", "WITH"))
            ):
                with connection.cursor() as cursor:
                    if connection.vendor == "postgresql":
                        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                    else:
                        cursor.execute("EXPLAIN QUERY PLAN " + sql)
                    for row in cursor.fetchall():
                        print("      ", " | ".join(str(c) for c in row))


if __name__ == "__main__":
    main()
