"""The ASGI floor for bench_safety_updates.py: bare_insert_app.py as an ASGI app for uvicorn
workers, with no framework: each POSTed update stored as one prepared single-row INSERT
(psycopg's async connections, at most AINET_BENCH_BARE_CONNECTIONS per worker, autocommit)
into the same scratch table, answering its key. It checks nothing and is never served by
ainet: it shows what gunicorn's uvicorn workers + psycopg reach on this machine with the same
client, the floor of the way ainet/asgi.py serves the safety fast path. ALL data is synthetic.

    AINET_BENCH_BARE_DSN="host=127.0.0.1 user=postgres dbname=…" \
        gunicorn bare_insert_asgi:app -k uvicorn_worker.UvicornWorker
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from typing import Any

import psycopg
from bare_insert_app import INSERT

SIZE = int(os.environ.get("AINET_BENCH_BARE_CONNECTIONS", "8"))
_idle: asyncio.Queue[psycopg.AsyncConnection[Any] | None] | None = None


async def _acquire() -> psycopg.AsyncConnection[Any]:
    global _idle
    if _idle is None:
        _idle = asyncio.Queue()
        for _ in range(SIZE):
            _idle.put_nowait(None)  # a slot: connected when first taken
    conn = await _idle.get()
    if conn is None:
        conn = await psycopg.AsyncConnection.connect(
            os.environ["AINET_BENCH_BARE_DSN"], autocommit=True, prepare_threshold=0
        )
    return conn


async def app(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    if scope["type"] != "http":
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    if scope["method"] != "POST":
        status, out, kind = 200, b"ok", b"text/plain"
    else:
        update = json.loads(body)
        conn = await _acquire()
        try:
            cursor = await conn.execute(
                INSERT,
                (update["idempotency_key"], update["person"], update["status"], update["note"]),
            )
            row = await cursor.fetchone()
        finally:
            assert _idle is not None
            _idle.put_nowait(conn)
        answer = {"id": row[0] if row else None, "idempotency_key": update["idempotency_key"]}
        status, out, kind = 201 if row else 200, json.dumps(answer).encode(), b"application/json"
    headers = [(b"content-type", kind), (b"content-length", str(len(out)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": out})
