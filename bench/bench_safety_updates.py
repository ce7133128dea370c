"""Safety updates through the real HTTP stack against pgbench's single-row INSERT rate on the
same PostgreSQL database, in one run; then every acknowledged idempotency key must be stored
exactly once (issue 7: at least 30% of pgbench's rate, zero duplicates, nothing missing).

The load is 64 concurrent clients. Like pgbench, the client that measures the rate is written
in C: wrk (Debian package `wrk`) with bench/safety_wrk.lua, over 64 keep-alive connections,
each request a fresh UUID-like key for a person of one of 64 synthetic supporter accounts,
sent with the personal API token that account made on its account page after logging in
through the log-in page; 5% are deliberate re-sends of an earlier update (which must answer
200 and store nothing). What was in flight when wrk stopped is re-sent afterwards, as a phone
re-sends until answered, and the acknowledged keys are compared with the stored ones.

In the same run, with the same client, on gunicorn's uvicorn workers (ainet/asgi.py, as
docs/operations.md recommends) and again on its gthread workers (ainet/wsgi.py):
- the token updates with the safety fast path (ainet/api/fastpath.py) — the rate the goal
  is about, on uvicorn workers — and with it turned off (AINET_SAFETY_FAST_PATH=off:
  Django's whole request);
- updates with the browser session and its CSRF cookie, from Python client threads (uvicorn);
- GET /healthz (Django's middleware and one `SELECT 1`: any Django request's floor);
- bench/bare_insert_asgi.py and bare_insert_app.py: gunicorn + psycopg storing each POST as
  one prepared INSERT with no framework and no checks — the floor of each kind of worker
  and this driver on this machine;
- pgbench's single-row INSERT into a table shaped like an update (64 clients, -j 2);
- pgbench running the fast path's own statement (bench/fastpath_statement.py: guard, access
  check, insert, latest-status upsert; prepared, as the fast path runs it): what PostgreSQL
  alone reaches with ainet's work per update, the ceiling for any HTTP stack in front of it.

    createdb -h 127.0.0.1 -U postgres ainet_bench_safety      # once; created if missing
    .venv/bin/python bench/bench_safety_updates.py
    .venv/bin/python bench/run.py bench_safety_updates

Environment: AINET_BENCH_SAFETY_DB (default postgres://postgres@127.0.0.1:5432/
ainet_bench_safety — a SCRATCH database), AINET_BENCH_CLIENTS (64), AINET_BENCH_SECONDS
(10), AINET_BENCH_PORT (8170), AINET_BENCH_ASGI_WORKERS (uvicorn workers, 2),
AINET_BENCH_WORKERS and AINET_BENCH_THREADS (gthread, 3 x 4), AINET_BENCH_CARE_SCALE (0.05).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
import safety_load

GOAL = 0.30


def _env(url: str, data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AINET_")}
    env.update(
        AINET_DATABASE_URL=url,
        AINET_DATA_DIR=data_dir,
        AINET_ENV="development",
        AINET_DEBUG="false",
        AINET_BENCH_PG="1",
        AINET_BENCH_CARE_SCALE=os.environ.get("AINET_BENCH_CARE_SCALE", "0.05"),
        DJANGO_SETTINGS_MODULE="ainet.settings",
        PYTHONPATH=str(safety_load.ROOT / "src"),
    )
    return env


def pgbench_tps(url: str, clients: int, seconds: int) -> float:
    """pgbench's rate of single-row INSERTs into a scratch table shaped like an update."""
    name = safety_load.database_name(url)
    conn = safety_load.pg_args(url)
    subprocess.run(
        ["psql", *conn, "-q", "-d", name, "-c",
         "DROP TABLE IF EXISTS bench_pgbench_inserts; CREATE TABLE bench_pgbench_inserts ("
         "id bigserial PRIMARY KEY, campaign_id bigint NOT NULL, idempotency_key varchar(64) "
         "NOT NULL, person_id bigint NOT NULL, status varchar(20) NOT NULL, note text NOT NULL,"
         " observed_at timestamptz NOT NULL, received_at timestamptz NOT NULL,"
         " UNIQUE (campaign_id, idempotency_key))"],
        check=True,
    )  # fmt: skip
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(
            "INSERT INTO bench_pgbench_inserts (campaign_id, idempotency_key, person_id, status,"
            " note, observed_at, received_at) VALUES (1, md5(random()::text || clock_timestamp()"
            "::text), (random() * 1000)::int, 'safe', '', now(), now());\n"
        )
    try:
        out = subprocess.run(
            ["pgbench", *conn, "-n", "-f", script.name, "-c", str(clients), "-j", "2", "-T",
             str(seconds), name],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
    finally:
        os.unlink(script.name)
        subprocess.run(
            ["psql", *conn, "-q", "-d", name, "-c", "DROP TABLE IF EXISTS bench_pgbench_inserts"],
            check=False,
        )
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    if not found:
        found = re.search(r"tps = ([0-9.]+)", out)
    if not found:
        raise RuntimeError(f"cannot read pgbench's output:\n{out}")
    return float(found.group(1))


def statement_tps(
    url: str, env: dict[str, str], prepared: dict[str, Any], clients: int, seconds: int
) -> float:
    """pgbench's rate for the fast path's own statement (bench/fastpath_statement.py), as
    one supporter's fresh updates, prepared and planned as the fast path runs it."""
    account = max(prepared["accounts"], key=lambda a: len(a["people"]))
    conn = safety_load.pg_args(url)
    with tempfile.TemporaryDirectory() as scratch:
        script = Path(scratch) / "statement.sql"
        subprocess.run(
            [sys.executable, str(Path(__file__).with_name("fastpath_statement.py")),
             "--username", account["username"], "--campaign", str(prepared["campaign"]),
             "--people", ",".join(map(str, account["people"])), "--out", str(script)],
            env=env, check=True, cwd=safety_load.ROOT,
        )  # fmt: skip
        # On the generic plan, as the fast path's connections run it (pg_prepared_statements
        # shows them switch to it after five custom plans); pgbench's copy has its values
        # written in, for which PostgreSQL would keep planning each run afresh.
        generic = {**os.environ, "PGOPTIONS": "-c plan_cache_mode=force_generic_plan"}
        out = subprocess.run(
            ["pgbench", *conn, "-n", "-M", "prepared", "-f", str(script), "-c", str(clients),
             "-j", "2", "-T", str(seconds), safety_load.database_name(url)],
            capture_output=True, text=True, check=True, env=generic,
        ).stdout  # fmt: skip
    found = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", out)
    if not found or not re.search(r"number of failed transactions: 0 ", out):
        raise RuntimeError(f"cannot read pgbench's output:\n{out}")
    return float(found.group(1))


def _psql(url: str, sql: str) -> None:
    conn = [*safety_load.pg_args(url), "-d", safety_load.database_name(url)]
    subprocess.run(["psql", *conn, "-q", "-c", sql], check=True, capture_output=True)


def _bare_table(url: str, create: bool) -> None:
    sql = "DROP TABLE IF EXISTS bench_bare_inserts;"
    if create:
        sql += (
            "CREATE TABLE bench_bare_inserts (id bigserial PRIMARY KEY, campaign_id bigint NOT "
            "NULL, idempotency_key varchar(64) NOT NULL, person_id bigint NOT NULL, status "
            "varchar(20) NOT NULL, note text NOT NULL, observed_at timestamptz NOT NULL, "
            "received_at timestamptz NOT NULL, UNIQUE (campaign_id, idempotency_key))"
        )
    _psql(url, sql)


def _healthz_rate(port: int, clients: int, seconds: float) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", str(clients), "-d", f"{max(1, round(seconds))}s", "--latency",
         f"http://127.0.0.1:{port}/healthz"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = re.search(r"Requests/sec:\s+([0-9.]+)", out)
    if not found or "Non-2xx" in out:
        raise RuntimeError(f"wrk /healthz:\n{out}")
    return float(found.group(1)), safety_load.WrkRun(0, {}, [], out).percentiles()


def main() -> int:
    url = os.environ.get(
        "AINET_BENCH_SAFETY_DB", "postgres://postgres@127.0.0.1:5432/ainet_bench_safety"
    )
    clients = int(os.environ.get("AINET_BENCH_CLIENTS", "64"))
    seconds = float(os.environ.get("AINET_BENCH_SECONDS", "10"))
    port = int(os.environ.get("AINET_BENCH_PORT", "8170"))
    workers = int(os.environ.get("AINET_BENCH_WORKERS", "3"))
    threads = int(os.environ.get("AINET_BENCH_THREADS", "4"))
    asgi_workers = int(os.environ.get("AINET_BENCH_ASGI_WORKERS", "2"))
    for tool, package in (("pgbench", "postgresql-client"), ("wrk", "wrk")):
        if not shutil.which(tool):
            print(f"{tool} not found (Debian: {package}); skipped")
            return 0
    safety_load.ensure_database(url)
    data_dir = Path(tempfile.mkdtemp(prefix="ainet-bench-safety-"))
    env = _env(url, str(data_dir))
    parts = urlparse(url)
    bare_env = {
        **env,
        "AINET_BENCH_BARE_DSN": f"host={parts.hostname or '127.0.0.1'} "
        f"port={parts.port or 5432} user={parts.username or 'postgres'} "
        f"dbname={parts.path.lstrip('/')}",
        "PYTHONPATH": str(Path(__file__).resolve().parent),
    }
    accounts_file = data_dir / "accounts.lua"
    try:
        prepared = safety_load.prepare(env, users=clients, people=0, synthetic_care=True)
        # Building the synthetic ward rewrites tens of thousands of rows: without this,
        # autovacuum runs during the first phases and slows only them.
        _psql(url, "VACUUM ANALYZE")
        people = len({p for a in prepared["accounts"] for p in a["people"]})
        print(f"campaign {prepared['campaign']}: {clients} supporter accounts, {people} people")
        fast, fast_wsgi, django, django_wsgi, by_session = (safety_load.Outcome() for _ in range(5))
        # Each worker keeps a statement per token and campaign, built on the token's first
        # request to it (and connections open on the first request): a warm-up of the same
        # load comes first, untimed but checked like the rest, as pgbench leaves out its
        # connection time.
        warm_up = max(2.0, seconds / 4)

        def warm(outcome: safety_load.Outcome) -> None:
            run = safety_load.run_wrk(port, accounts_file, clients, warm_up, data_dir)
            safety_load.settle_wrk(run, phones, outcome)
            outcome.created = outcome.replayed = outcome.retries = 0

        def served(outcome: safety_load.Outcome) -> safety_load.WrkRun:
            """The measured run of the updates, after a warm-up, both checked."""
            warm(outcome)
            run = safety_load.run_wrk(port, accounts_file, clients, seconds, data_dir)
            safety_load.settle_wrk(run, phones, outcome)
            return run

        def asgi_server(
            server_env: dict[str, str], app: str = "ainet.asgi:application"
        ) -> safety_load.Server:
            return safety_load.Server(server_env, port, asgi_workers, threads, app, asgi=True)

        # As docs/operations.md recommends: gunicorn's uvicorn workers (ainet/asgi.py).
        with asgi_server(env):
            # The field phones as a supporter would set them up: log in once, make a personal
            # API token on the account page, then send with the token (no cookies, no CSRF).
            phones = safety_load.token_phones(port, prepared, clients)
            safety_load.write_wrk_accounts(accounts_file, prepared["campaign"], phones)
            fast_run = served(fast)
            healthz, healthz_latency = _healthz_rate(port, clients, seconds)
            # The same with the browser session and its CSRF cookie (Python client threads).
            session_elapsed = safety_load.run_clients(
                port, prepared, clients, seconds, by_session, threading.Event(), auth="session"
            )
        # Django's whole request for every update: the fast path turned off.
        slow_env = {**env, "AINET_SAFETY_FAST_PATH": "off"}
        with asgi_server(slow_env):
            django_run = served(django)
        # The same two on gunicorn's gthread workers (ainet/wsgi.py).
        with safety_load.Server(env, port, workers, threads):
            fast_wsgi_run = served(fast_wsgi)
            healthz_wsgi, healthz_wsgi_latency = _healthz_rate(port, clients, seconds)
        with safety_load.Server(slow_env, port, workers, threads):
            django_wsgi_run = served(django_wsgi)
        # The floors: gunicorn + psycopg, one INSERT per request, no framework, on each kind
        # of worker.
        bare_runs = []
        for bare in (
            asgi_server(bare_env, app="bare_insert_asgi:app"),
            safety_load.Server(bare_env, port, workers, threads, app="bare_insert_app:app"),
        ):
            _bare_table(url, create=True)
            try:
                with bare:
                    safety_load.run_wrk(port, accounts_file, clients, warm_up, data_dir)
                    bare_runs.append(
                        safety_load.run_wrk(port, accounts_file, clients, seconds, data_dir)
                    )
            finally:
                _bare_table(url, create=False)
        tps = pgbench_tps(url, clients, max(1, round(seconds)))
        stored = safety_load.stored_updates(env, prepared["campaign"])
        outcomes = (fast, fast_wsgi, django, django_wsgi, by_session)
        both = safety_load.Outcome.merged(outcomes)
        problems = safety_load.verify(both, stored)
        extra = len({row[0] for row in stored} - set(both.acked))
        if extra:
            problems.append(f"{extra} stored updates were never acknowledged")
        # After the stored updates are read: these are pgbench's, never acknowledged to anyone.
        statement = statement_tps(url, env, prepared, clients, max(1, round(seconds)))
        print(
            f"servers: gunicorn {asgi_workers} uvicorn workers (ASGI, as docs/operations.md "
            f"recommends) and {workers} workers x {threads} threads (gthread, WSGI), keep-alive "
            f"30 s, on {os.cpu_count()} cores shared with the client and PostgreSQL"
        )
        print(f"pgbench single-row INSERT ({clients} clients, -j 2):  {tps:8.1f} /s")
        print(
            f"pgbench running the fast path's own statement (prepared, {clients} clients): "
            f"{statement:8.1f} /s = {statement / tps:5.1%} of pgbench's INSERT — the ceiling "
            "of ainet's work in PostgreSQL alone, with no HTTP and no Python"
        )
        bare_asgi, bare_wsgi = (run.created() / run.seconds for run in bare_runs)
        fast_rate = fast_run.created() / fast_run.seconds

        def wrk_row(label: str, run: safety_load.WrkRun, outcome: safety_load.Outcome) -> Any:
            more = f"; {outcome.replayed} re-sends answered 200, {outcome.retries} re-sent after"
            return (label, run.created() / run.seconds, run.percentiles(), f"{more} wrk stopped")

        rows = [
            ("anchor: uvicorn + psycopg INSERT, no framework", bare_asgi,
             bare_runs[0].percentiles(), ""),
            ("anchor: gthread + psycopg INSERT, no framework", bare_wsgi,
             bare_runs[1].percentiles(), ""),
            ("anchor: GET /healthz through Django (ASGI)", healthz, healthz_latency, ""),
            ("anchor: GET /healthz through Django (WSGI)", healthz_wsgi, healthz_wsgi_latency, ""),
            wrk_row("token updates, fast path, ASGI (wrk)", fast_run, fast),
            wrk_row("token updates, fast path, WSGI (wrk)", fast_wsgi_run, fast_wsgi),
            wrk_row("token updates, Django's path, ASGI (wrk)", django_run, django),
            wrk_row("token updates, Django's path, WSGI (wrk)", django_wsgi_run, django_wsgi),
            ("session + CSRF updates, ASGI (Python clients)", by_session.created / session_elapsed,
             ", ".join(safety_load.iter_percentiles(by_session.latencies)),
             f"; {by_session.replayed} re-sends answered 200"),
        ]  # fmt: skip
        for label, rate, latency, more in rows:
            print(
                f"{label:48s} {rate:8.1f} /s = {rate / tps:5.1%} of pgbench, "
                f"{rate / bare_asgi:5.1%} of the uvicorn floor ({latency}{more})"
            )
        print(
            f"token updates, fast path, ASGI = {fast_rate / statement:5.1%} of that statement's "
            "pgbench rate"
        )
        ratio = fast_rate / tps if tps else 0.0
        verdict = "meets" if ratio >= GOAL else "BELOW"
        print(
            f"ratio HTTP (token, fast path, ASGI) / pgbench: {ratio:.1%} "
            f"({verdict} the {GOAL:.0%} goal)"
        )
        print(
            f"acknowledged keys {len(both.acked)}, stored {len(stored)}, "
            f"distinct stored {len({row[0] for row in stored})}"
        )
        if both.failures:
            problems.append(f"{len(both.failures)} updates refused: {both.failures[:3]}")
        for problem in problems:
            print(f"PROBLEM: {problem}")
        print("acknowledged set == stored set, zero duplicates" if not problems else "FAILED")
        return 1 if problems else 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    # bench/run.py runs every bench in one process: only a failure ends the run.
    if code := main():
        raise SystemExit(code)
