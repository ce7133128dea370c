"""Calling an ASGI application as the tests call a WSGI one (tests/api/test_fastpath.py,
tests/core/test_asgi.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any


def _header_name(key: str) -> str:
    name = "content-type" if key == "CONTENT_TYPE" else "content-length"
    return key[5:].replace("_", "-").lower() if key.startswith("HTTP_") else name


class OverASGI:
    """An ASGI application called as the tests call a WSGI one: the request as a server
    would give it (the body in two messages), the answer's header names as WSGI's (they are
    case-insensitive), one event loop per test."""

    def __init__(self, application: Any) -> None:
        self.application = application
        self.loop = asyncio.new_event_loop()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = [
            (_header_name(key).encode(), str(value).encode())
            for key, value in environ.items()
            if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH")
        ]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": environ["REQUEST_METHOD"],
            "scheme": environ["wsgi.url_scheme"],
            "path": environ["PATH_INFO"],
            "raw_path": environ["PATH_INFO"].encode(),
            "query_string": environ.get("QUERY_STRING", "").encode(),
            "root_path": "",
            "headers": headers,
            "server": (environ["SERVER_NAME"], int(environ["SERVER_PORT"])),
            "client": ("127.0.0.1", 50000),
        }
        half = len(body) // 2
        messages = [
            {"type": "http.request", "body": body[:half], "more_body": True},
            {"type": "http.request", "body": body[half:], "more_body": False},
        ]
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if messages:
                return messages.pop(0)
            await asyncio.Event().wait()  # the client is still there, sending nothing
            raise AssertionError("not reached")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        self.loop.run_until_complete(self.application(scope, receive, send))
        start = sent[0]
        out = [
            ("-".join(part.capitalize() for part in k.decode().split("-")), v.decode())
            for k, v in start["headers"]
        ]
        start_response(f"{start['status']} -", out)
        return [b"".join(m.get("body", b"") for m in sent[1:])]

    def close(self) -> None:
        # The path's own connections, then Django's threads (each closed its connection at
        # the end of its request: CONN_MAX_AGE is 0 here).
        self.loop.run_until_complete(self.application.aclose())
        self.loop.close()
