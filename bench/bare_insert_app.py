"""The floor of the HTTP stack for bench_safety_updates.py: a WSGI app with no framework that
stores each POSTed update as one prepared single-row INSERT (psycopg, one connection per
gunicorn thread, autocommit) into a scratch table shaped like pgbench's, and answers its
key. It checks nothing and is never served by ainet: it shows what gunicorn + psycopg reach
on this machine with the same server settings and the same client, so that the ainet rate can
be read against both it and pgbench. ALL data is synthetic.

    AINET_BENCH_BARE_DSN="host=127.0.0.1 user=postgres dbname=…" gunicorn bare_insert_app:app
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterable
from typing import Any

import psycopg

TABLE = "bench_bare_inserts"
INSERT = (
    f"INSERT INTO {TABLE} (campaign_id, idempotency_key, person_id, status, note, observed_at,"  # noqa: S608
    " received_at) VALUES (1, %s, %s, %s, %s, now(), now())"
    " ON CONFLICT (campaign_id, idempotency_key) DO NOTHING RETURNING id"
)
_local = threading.local()


def _connection() -> psycopg.Connection[Any]:
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = psycopg.connect(
            os.environ["AINET_BENCH_BARE_DSN"], autocommit=True, prepare_threshold=0
        )
    return conn


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    if environ["REQUEST_METHOD"] != "POST":
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
        return [b"ok"]
    body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
    update = json.loads(body)
    row = (
        _connection()
        .execute(
            INSERT,
            (update["idempotency_key"], update["person"], update["status"], update["note"]),
        )
        .fetchone()
    )
    out = json.dumps({"id": row[0] if row else None, "idempotency_key": update["idempotency_key"]})
    data = out.encode()
    start_response("201 Created" if row else "200 OK", [("Content-Type", "application/json"),
                                   ("Content-Length", str(len(data)))])  # fmt: skip
    return [data]
