"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for tests and benchmarks.

Behaviour per request is scripted by the request's instruction text: `script[instruction]` is a list
of actions consumed one per request (the last one repeats). Actions:

* `ok`: 200 with a well-formed completion whose text is `answer(instruction)`
* `429`: 429 with `Retry-After: 0`
* `500`, `503`: a server error
* `400`: a client error (not retried)
* `400-leak`: a client error whose body quotes the request's Authorization header (a careless proxy)
* `slow`: sleep `slow_s` before answering (longer than the client's timeout)
* `malformed`: 200 with a body that is not a completion
* `drop`: close the connection without answering

Every request is recorded (headers, parsed body) so tests can assert what the client sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class ServerState:
    """Script, latency and the log of received requests (shared with handler threads)."""

    script: dict[str, list[str]] = field(default_factory=dict)
    latency_s: float = 0.0
    slow_s: float = 2.0
    answer: Callable[[str], str] = lambda instruction: f"echo: {instruction}"
    requests: list[dict[str, Any]] = field(default_factory=list)
    calls: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_action(self, instruction: str) -> str:
        with self.lock:
            actions = self.script.get(instruction, ["ok"])
            index = self.calls[instruction]
            self.calls[instruction] += 1
        return actions[min(index, len(actions) - 1)]


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Buffer the reply so headers and body leave in one segment (no Nagle / delayed-ACK stall on
    # keep-alive connections); BaseHTTPRequestHandler flushes after each request.
    wbufsize = 1 << 16

    def log_message(self, format: str, *args: Any) -> None:  # silence per-request logging
        return

    def do_POST(self) -> None:
        state = self.server.state
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        instruction = _instruction(body)
        with state.lock:
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
        action = state.next_action(instruction)
        if state.latency_s:
            time.sleep(state.latency_s)
        if action == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if action == "slow":
            time.sleep(state.slow_s)
            action = "ok"
        if action == "429":
            self._send(429, b'{"error": {"message": "rate limited"}}', {"Retry-After": "0"})
        elif action in ("500", "503", "400"):
            self._send(int(action), json.dumps({"error": {"message": f"injected {action}"}}).encode())
        elif action == "400-leak":
            leak = {"error": {"message": f"bad credentials: {self.headers.get('Authorization')}"}}
            self._send(400, json.dumps(leak).encode())
        elif action == "malformed":
            self._send(200, b"<html>this is not json</html>")
        else:
            completion = {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "model": body.get("model"),
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": state.answer(instruction)}}
                ],
                "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
            }
            self._send(200, json.dumps(completion).encode())

    def _send(self, status: int, payload: bytes, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass


def _instruction(body: dict[str, Any]) -> str:
    for part in body["messages"][0]["content"]:
        if part.get("type") == "text":
            return part["text"]
    return ""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, state: ServerState) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


class LoopbackServer:
    """Context manager serving an HTTP server (bound to 127.0.0.1) on a background thread.

    `base_url` ends in /v1. Used by the fake OpenAI server here and the fault-injection server of the
    hardening tests.
    """

    def __init__(self, server: ThreadingHTTPServer) -> None:
        self._server = server
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


class FakeOpenAIServer(LoopbackServer):
    """The fake OpenAI-compatible server, running on a background thread."""

    def __init__(self, state: ServerState | None = None) -> None:
        self.state = state or ServerState()
        super().__init__(_Server(self.state))
