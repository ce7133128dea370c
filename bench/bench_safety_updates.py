"""Safety updates through the real HTTP stack against pgbench's single-row INSERT rate on the
same PostgreSQL database, in one run; then every acknowledged idempotency key must be stored
exactly once (issue 7: at least 30% of pgbench's rate, zero duplicates, nothing missing).

Field clients (threads) log in through the log-in page as synthetic welfare commissioners,
keep their session and CSRF cookies and POST /api/v1/disaster/campaigns/{id}/updates with a
fresh UUID key per update (5% are deliberately sent twice: the second must answer 200 and
store nothing). The server is gunicorn (gthread, the configuration docs/operations.md
recommends) on the bench database; the people are bench/synthetic_care.py's, at a small scale
by default. Two anchors run through the same server and client code right after: GET /healthz
(the whole middleware stack and one `SELECT 1`: the floor of a request on this machine) and
GET /api/v1/me (only the log-in session, the user and their roles read), so the update rate
can be read against what any request, and any authenticated request, costs here.

    createdb -h 127.0.0.1 -U postgres ainet_bench_safety      # once; created if missing
    .venv/bin/python bench/bench_safety_updates.py
    .venv/bin/python bench/run.py bench_safety_updates

Environment: AINET_BENCH_SAFETY_DB (default postgres://postgres@127.0.0.1:5432/
ainet_bench_safety — a SCRATCH database), AINET_BENCH_CLIENTS (64), AINET_BENCH_SECONDS
(10), AINET_BENCH_PORT (8170), AINET_BENCH_WORKERS (3), AINET_BENCH_THREADS (4),
AINET_BENCH_CARE_SCALE (0.05).
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


def _ensure_database(url: str) -> None:
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise SystemExit(f"refusing odd database name {name!r}")
    host = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    user = ["-U", parts.username or "postgres"]
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # noqa: S608 - name checked
    listed = subprocess.run(
        ["psql", *host, *user, "-Atc", query],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if listed != "1":
        subprocess.run(["createdb", *host, *user, name], check=True)


def pgbench_tps(url: str, clients: int, seconds: int) -> float:
    """pgbench's rate of single-row INSERTs into a scratch table shaped like an update."""
    parts = urlparse(url)
    name = parts.path.lstrip("/")
    conn = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    conn += ["-U", parts.username or "postgres"]
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


def main() -> int:
    url = os.environ.get(
        "AINET_BENCH_SAFETY_DB", "postgres://postgres@127.0.0.1:5432/ainet_bench_safety"
    )
    clients = int(os.environ.get("AINET_BENCH_CLIENTS", "64"))
    seconds = float(os.environ.get("AINET_BENCH_SECONDS", "10"))
    port = int(os.environ.get("AINET_BENCH_PORT", "8170"))
    workers = int(os.environ.get("AINET_BENCH_WORKERS", "3"))
    threads = int(os.environ.get("AINET_BENCH_THREADS", "4"))
    if not shutil.which("pgbench"):
        print("pgbench not found (Debian: postgresql-client / postgresql-contrib); skipped")
        return 0
    _ensure_database(url)
    data_dir = tempfile.mkdtemp(prefix="ainet-bench-safety-")
    env = _env(url, data_dir)
    try:
        prepared = safety_load.prepare(env, users=clients, people=0, synthetic_care=True)
        people = len({p for a in prepared["accounts"] for p in a["people"]})
        print(f"campaign {prepared['campaign']}: {clients} supporter accounts, {people} people")
        server = safety_load.Server(env, port, workers, threads)
        server.start()
        outcome = safety_load.Outcome()
        by_session = safety_load.Outcome()
        try:
            # The field phones as a supporter would set them up: log in once, make a personal
            # API token on the account page, then send with the token (no cookies, no CSRF).
            elapsed = safety_load.run_clients(
                port, prepared, clients, seconds, outcome, threading.Event(), auth="token"
            )
            # The same with the browser session and its CSRF cookie instead of a token.
            session_elapsed = safety_load.run_clients(
                port, prepared, clients, seconds, by_session, threading.Event(), auth="session"
            )
            # Anchors through the same server and client code: what a request costs with no
            # work (the floor of Django + gunicorn + this client on this machine), and with
            # only the caller and their roles read.
            anchors = [
                ("GET /healthz (middleware, SELECT 1)", "/healthz", False, "session"),
                ("GET /api/v1/me with a token (user, roles)", "/api/v1/me", True, "token"),
                ("GET /api/v1/me with a session (session, roles)", "/api/v1/me", True, "session"),
            ]
            floors = [
                (label, *safety_load.run_reads(port, prepared, clients, seconds, path, login, auth))
                for label, path, login, auth in anchors
            ]
        finally:
            server.stop()
        acked_rate = outcome.created / elapsed
        session_rate = by_session.created / session_elapsed
        tps = pgbench_tps(url, clients, max(1, round(seconds)))
        stored = safety_load.stored_updates(env, prepared["campaign"])
        both = safety_load.Outcome(
            acked={**outcome.acked, **by_session.acked},
            created=outcome.created + by_session.created,
            replayed=outcome.replayed + by_session.replayed,
            retries=outcome.retries + by_session.retries,
            failures=outcome.failures + by_session.failures,
        )
        problems = safety_load.verify(both, stored)
        extra = len({row[0] for row in stored} - set(both.acked))
        if extra:
            problems.append(f"{extra} stored updates were never acknowledged")
        print(
            f"server: gunicorn {workers} workers x {threads} threads (gthread), keep-alive 30 s, "
            f"on {os.cpu_count()} cores shared with the {clients} client threads and PostgreSQL"
        )
        for label, result, rate in (
            ("an API token", outcome, acked_rate),
            ("a session + CSRF", by_session, session_rate),
        ):
            latency = ", ".join(safety_load.iter_percentiles(result.latencies))
            print(
                f"HTTP safety updates with {label} ({clients} clients): {result.created} stored "
                f"= {rate:8.1f} /s ({rate / tps:.1%} of pgbench; {latency}); {result.replayed} "
                f"deliberate re-sends answered 200, {result.retries} retries"
            )
        print(f"pgbench single-row INSERT ({clients} clients, -j 2):      {tps:8.1f} /s")
        for label, answered, spent, latencies in floors:
            rate = answered / spent
            print(
                f"anchor {label}: {rate:8.1f} /s ({rate / tps:.1%} of pgbench; token updates are "
                f"{acked_rate / rate:.0%} of it; "
                f"{', '.join(safety_load.iter_percentiles(latencies))})"
            )
        ratio = acked_rate / tps if tps else 0.0
        verdict = "meets" if ratio >= GOAL else "BELOW"
        print(f"ratio HTTP (token) / pgbench: {ratio:.1%} ({verdict} the {GOAL:.0%} goal)")
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
