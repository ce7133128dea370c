"""kill -9 of gunicorn (master and workers), three times during a burst of safety updates on
a SQLite file database, with uvicorn workers (ainet.asgi) and then with gthread workers
(ainet.wsgi): every acknowledged update must be stored once with its content.
Runs bench/reliability_safety_kill.py (which also covers PostgreSQL when run by hand); it
takes about a minute on a quiet machine, most of it migrating the new database."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None,
    reason="gunicorn is not installed in this environment",
)
def test_no_acknowledged_update_is_lost_when_the_server_is_killed_on_sqlite() -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "reliability_safety_kill.py"),
            "--database",
            "sqlite",
            "--server",
            "both",
            "--rounds",
            "3",
            "--clients",
            "6",
            "--port",
            "8172",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for server in ("asgi", "wsgi"):
        assert f"[sqlite, {server}] no acknowledged update lost" in result.stdout
        assert f"[sqlite, {server}] 3 rounds" in result.stdout
