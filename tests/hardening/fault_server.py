"""A fault-injection HTTP server on 127.0.0.1 for the API adapter's tests (issue 12).

Each POST consumes the next fault of `FaultState.faults` (the last one repeats):

* `ok`: a well-formed chat completion answering `FaultState.answer`
* `drip`: headers at once, then the body one byte every `drip_s` seconds (never-ending slow body)
* `reset`: the connection is closed without a reply
* `429`: a rate limit with `Retry-After: <retry_after>`
* `garbage`: 200 with bytes that are not JSON
* `huge`: 200 with a completion whose answer is `huge_chars` characters long
* `401`: the key is refused, the error body quoting the Authorization header

`GET /v1/models` answers 200, or 401 while `refuse_key` is set or when `require_key` is set and the
request's `Authorization` is not `Bearer <require_key>` (as OpenAI's own /models does). Every
request is counted; `drip_bytes` counts bytes dripped, so a test can see the client hung up. Bounded:
a drip stops after `drip_limit` bytes or when the client goes away, and the server is shut down when
its context exits.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.runtime.fake_openai import LoopbackServer


@dataclass
class FaultState:
    faults: list[str] = field(default_factory=lambda: ["ok"])
    answer: str = "fine"
    drip_s: float = 0.05
    drip_limit: int = 400
    retry_after: str = "0"
    huge_chars: int = 2_000_000
    refuse_key: bool = False
    require_key: str | None = None
    posts: int = 0
    gets: int = 0
    drip_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_fault(self) -> str:
        with self.lock:
            fault = self.faults[min(self.posts, len(self.faults) - 1)]
            self.posts += 1
        return fault


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        state = self.server.state
        with state.lock:
            state.gets += 1
        wrong_key = state.require_key is not None and (
            self.headers.get("Authorization") != f"Bearer {state.require_key}"
        )
        if state.refuse_key or wrong_key:
            self._send(
                401, json.dumps({"error": "bad key " + str(self.headers.get("Authorization"))}).encode()
            )
        else:
            self._send(200, b'{"data": []}')

    def do_POST(self) -> None:
        state = self.server.state
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        fault = state.next_fault()
        if fault == "reset":
            self.close_connection = True
            self.connection.close()
        elif fault == "drip":
            self._drip(state)
        elif fault == "429":
            self._send(429, b'{"error": "slow down"}', {"Retry-After": state.retry_after})
        elif fault == "garbage":
            self._send(200, b"\x00\xff<html>not json")
        elif fault == "401":
            leak = {"error": {"message": f"invalid key {self.headers.get('Authorization')} for this org"}}
            self._send(401, json.dumps(leak).encode())
        else:
            text = "x" * state.huge_chars if fault == "huge" else state.answer
            self._send(200, json.dumps({"choices": [{"message": {"content": text}}]}).encode())

    def _drip(self, state: FaultState) -> None:
        body = json.dumps({"choices": [{"message": {"content": "late"}}]}).encode().ljust(state.drip_limit)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            for index in range(len(body)):
                self.wfile.write(body[index : index + 1])
                self.wfile.flush()
                with state.lock:
                    state.drip_bytes += 1
                time.sleep(state.drip_s)
        except OSError:  # the client hung up: what a deadline should cause
            self.close_connection = True

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FaultState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class FaultServer(LoopbackServer):
    """The fault-injection server on a background thread (see `LoopbackServer`)."""

    def __init__(self, state: FaultState) -> None:
        self.state = state
        super().__init__(_Server(state))
