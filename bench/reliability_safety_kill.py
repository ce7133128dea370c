"""kill -9 the application server repeatedly during a burst of safety updates; afterwards
every acknowledged update (a 2xx received) must be stored, once, with the content sent.
Exits non-zero on any loss or duplicate.

Field clients (threads, logged in through the log-in page; half keep the browser session,
half make a personal API token and send with it, which on PostgreSQL takes the fast path)
send updates with fresh keys and re-send the same key and content after every broken
connection, as a phone does; gunicorn's
master and all its workers get SIGKILL at random moments and are started again each time.
SQLite runs on a file database (WAL, synchronous=FULL, IMMEDIATE transactions, as the
settings configure it); PostgreSQL on a scratch database.

    .venv/bin/python bench/reliability_safety_kill.py          # both databases, both servers
    .venv/bin/python bench/reliability_safety_kill.py --database sqlite --server asgi --rounds 3

Each database is tried with gunicorn's uvicorn workers (ainet.asgi, as docs/operations.md
recommends) and with its gthread workers (ainet.wsgi).

tests/disaster/test_safety_kill.py runs the SQLite variant in the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import safety_load

DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/ainet_bench_safety_kill"


def _env(data_dir: str, url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AINET_")}
    env.update(
        AINET_DATA_DIR=data_dir,
        AINET_ENV="development",
        AINET_DEBUG="false",
        DJANGO_SETTINGS_MODULE="ainet.settings",
        PYTHONPATH=str(safety_load.ROOT / "src"),
    )
    if url:
        env["AINET_DATABASE_URL"] = url
    return env


class _Merged:
    """The acknowledged count across the session and token clients, while they run."""

    def __init__(self, outcomes: dict[str, safety_load.Outcome]) -> None:
        self.outcomes = outcomes

    @property
    def acked(self) -> list[str]:
        return [key for o in list(self.outcomes.values()) for key in list(o.acked)]


def run(database: str, server_kind: str, rounds: int, clients: int, port: int, seed: int) -> int:
    rng = random.Random(seed)
    label = f"{database}, {server_kind}"
    data_dir = tempfile.mkdtemp(prefix=f"ainet-kill-{database}-")
    url = None
    if database == "postgresql":
        url = os.environ.get("AINET_BENCH_SAFETY_KILL_DB", DEFAULT_PG)
        safety_load.ensure_database(url)
    env = _env(data_dir, url)
    try:
        started = time.perf_counter()
        prepared = safety_load.prepare(env, users=clients, people=60, synthetic_care=False)
        print(f"[{label}] prepared in {time.perf_counter() - started:.1f} s", flush=True)
        server = safety_load.Server(env, port, workers=2, threads=4, asgi=server_kind == "asgi")
        server.start()
        # Half the phones with the browser session, half with an API token (on PostgreSQL
        # the token updates take the fast path, ainet/api/fastpath.py).
        stop = threading.Event()
        kinds = ["session", "token"] if clients > 1 else ["session"]
        outcomes = {kind: safety_load.Outcome() for kind in kinds}
        readies = {kind: threading.Event() for kind in kinds}
        loads = [
            threading.Thread(
                target=safety_load.run_clients,
                args=(port, prepared, max(1, clients // len(kinds)), 3600, outcomes[kind], stop),
                kwargs={"resend_share": 0.1, "ready": readies[kind], "auth": kind},
                daemon=True,
            )
            for kind in kinds
        ]
        for load in loads:
            load.start()
        outcome = _Merged(outcomes)
        killed = 0
        try:
            if not all(ready.wait(timeout=120) for ready in readies.values()):
                raise RuntimeError("the clients could not log in")
            for _round in range(rounds):
                # Kill while the burst is under way: after a few more acknowledgements.
                wanted = len(outcome.acked) + rng.randint(5, 40)
                deadline = time.monotonic() + 20
                while len(outcome.acked) < wanted and time.monotonic() < deadline:
                    time.sleep(0.01)
                before = len(outcome.acked)
                killed += server.kill_hard()
                time.sleep(rng.uniform(0.0, 0.3))
                server.start()
                print(
                    f"[{label}] kill -9 #{_round + 1}: {before} acknowledged so far",
                    flush=True,
                )
            time.sleep(1.0)
        finally:
            stop.set()
            for load in loads:
                load.join(timeout=120)
            server.stop()
        if any(load.is_alive() for load in loads):
            print(f"[{label}] PROBLEM: clients did not finish")
            return 1
        outcome = safety_load.Outcome.merged(outcomes.values())
        stored = safety_load.stored_updates(env, prepared["campaign"])
        problems = safety_load.verify(outcome, stored)
        if outcome.failures:
            problems.append(f"{len(outcome.failures)} updates refused: {outcome.failures[:3]}")
        unacked = len({row[0] for row in stored} - set(outcome.acked))
        print(
            f"[{label}] {rounds} rounds, {killed} processes killed; "
            f"{len(outcome.acked)} acknowledged, {len(stored)} stored "
            f"({unacked} stored but never acknowledged), {outcome.replayed} replays answered "
            f"200, {outcome.retries} re-sends after failures"
        )
        if not outcome.acked:
            problems.append("nothing was acknowledged")
        for problem in problems:
            print(f"[{label}] PROBLEM: {problem}")
        print(f"[{label}] {'no acknowledged update lost' if not problems else 'FAILED'}")
        return 1 if problems else 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--server",
        choices=["asgi", "wsgi", "both"],
        default="both",
        help="uvicorn workers (ainet.asgi, as docs/operations.md recommends), gthread "
        "workers (ainet.wsgi), or each in turn",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    servers = ["asgi", "wsgi"] if args.server == "both" else [args.server]
    failed = 0
    for database in databases:
        for server in servers:
            failed |= run(database, server, args.rounds, args.clients, args.port, args.seed)
    return failed


if __name__ == "__main__":
    raise SystemExit(main())
