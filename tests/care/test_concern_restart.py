"""A report filed is never lost: file one through the real HTTP stack against a real server
process on a file SQLite database, kill the process, start it again on the same database,
and find the report waiting for acknowledgement."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

PORTS = (8161, 8162)


def _start(data_dir: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "AINET_DATABASE_URL"}
    env.update(
        {
            "AINET_DATA_DIR": str(data_dir),
            "DJANGO_SETTINGS_MODULE": "ainet.settings",
            "AINET_DEMO_PASSWORD": "restart-test-password",
        }
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "ainet", "serve", f"127.0.0.1:{port}", *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return process
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    _kill(process)
    raise AssertionError("the server did not start within 120 s")


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)  # no clean shutdown: as a crash would be
        process.wait(timeout=10)


def _file(port: int, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/care/concerns",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, json.loads(response.read())


def test_a_report_survives_a_killed_server_process(tmp_path: Path) -> None:
    body = {
        "idempotency_key": "restart-test-0001",
        "noticed": "新聞が4日分たまっている",
        "where": "矢向の木造アパート",
        "urgency": "urgent",
        "town": "矢向一丁目",
    }
    first = _start(tmp_path, PORTS[0])
    try:
        status, filed = _file(PORTS[0], body)
    finally:
        _kill(first)
    assert status == 201 and filed["status"] == "received"

    second = _start(tmp_path, PORTS[1], "--no-demo")
    try:
        # The same delivery again, after the restart: the stored report, still waiting.
        status, again = _file(PORTS[1], body)
    finally:
        _kill(second)
    assert status == 200
    assert again["id"] == filed["id"] and again["status"] == "received"
    with sqlite3.connect(tmp_path / "ainet.sqlite3") as db:
        rows = db.execute(
            "SELECT r.status, r.acknowledged_at, d.code FROM care_concernreport r"
            " JOIN core_district d ON d.id = r.district_id WHERE r.idempotency_key = ?",
            (body["idempotency_key"],),
        ).fetchall()
    # (The demo ward has synthetic reports of its own; this one is stored once, as filed.)
    assert rows == [("received", None, "yako")]
