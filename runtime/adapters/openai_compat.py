"""`openai:<model>`: any OpenAI-compatible chat-completions endpoint with audio input (vLLM, GPT-4o audio).

Each row is one POST to `{base_url}/chat/completions` whose user message holds the instruction as a
text part and the audio as an `input_audio` part (base64 WAV). WAV files are sent as they are; any other
format is decoded and re-encoded as 16 kHz mono 16-bit WAV. Transient failures (HTTP 429 and 5xx,
timeouts, refused or dropped connections) are retried up to `max_retries` times with exponential backoff
and full jitter, waiting at least what a `Retry-After` header asks. Anything else, and a transient failure
that outlasts the retries, becomes an error record.

Speed: one urllib3 connection pool per endpoint keeps connections alive across rows (and honours
`HTTP(S)_PROXY` / `NO_PROXY`); each audio item is read and base64-encoded once and kept in a bounded
LRU cache (an item is sent 9-24 times in a compiled set); the JSON body is joined from pre-encoded
pieces instead of passing a 100 KB base64 string through `json.dumps`.

Several endpoints (`--base-url` repeated, e.g. N `vllm serve` replicas): each request goes to the
endpoint with the fewest requests in flight; an endpoint whose requests fail `_TRIP_FAILURES` times in a
row without a response (or with 5xx) is taken out for a cool-down that doubles while it keeps failing,
so its share goes to the others; a retry goes to whichever endpoint is best then.

The API key is read from the environment variable named by `api_key_env` at construction and kept in
memory only: it is never part of the fingerprint, and it is scrubbed from every error message and
response (before any truncation, so no prefix of it survives a cut).

Failing fast: `timeout_s` is a deadline for a whole request (connect, headers and body; a watchdog
shuts the socket when it passes, so a server dripping bytes cannot hold a row), a row spends at most
`max_row_time_s` in attempts and retry waits, `check_ready` makes one real request to every endpoint
before a run (no endpoint reachable, or a refused key, stops it at once), and `max_connection_failures`
consecutive connection failures across rows stop the run (`AbortRun`) instead of filling the log with
errors.
"""

from __future__ import annotations

import base64
import contextlib
import heapq
import io
import itertools
import json
import os
import random
import socket
import ssl
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.request import getproxies, proxy_bypass

import soundfile
import urllib3

from isac.compiler import __version__
from isac.compiler.errors import IsacError, RunError
from isac.runtime.adapters.base import (
    DEFAULT_MAX_CONNECTION_FAILURES,
    DEFAULT_MAX_ROW_TIME_S,
    AbortRun,
    AdapterOptions,
    Generation,
    GenerationRequest,
)
from isac.runtime.audio import load_audio

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_TARGET_RATE = 16_000
_MAX_RETRY_AFTER_S = 120.0  # a server asking for longer is treated as asking for this long
_MAX_BACKOFF_S = 30.0
_BODY_SNIPPET = 200
_MAX_ERROR_BODY = 1 << 16  # bytes of an error body read (quoted, after the key is scrubbed, in part)
_MAX_BODY_BYTES = 64 << 20  # a completion body larger than this is refused, not buffered
_READY_TIMEOUT_S = 15.0
DEFAULT_AUDIO_CACHE_BYTES = 256 << 20  # base64 WAV kept in memory; the mini set needs ~10 MB
_TRIP_FAILURES = 3  # consecutive failures that take an endpoint out (with several endpoints)
_COOLDOWN_S = 5.0  # first time out; doubles while the endpoint keeps failing
_MAX_COOLDOWN_S = 120.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait between attempts at one request."""

    max_retries: int = 5
    backoff_s: float = 1.0  # the first wait's upper bound; doubles every retry (full jitter)

    def delay(self, retry: int, retry_after: float | None) -> float:
        """Seconds to sleep before retry number `retry` (0-based)."""
        ceiling = min(_MAX_BACKOFF_S, self.backoff_s * (2**retry))
        jittered = random.uniform(0.0, ceiling)
        if retry_after is not None:
            return max(min(retry_after, _MAX_RETRY_AFTER_S), jittered)
        return jittered


class _Transient(Exception):
    """A failure worth retrying; `retry_after` is the server's hint in seconds.

    `connection` marks failures where no HTTP response arrived at all (refused, reset, timed out).
    """

    def __init__(self, message: str, retry_after: float | None = None, *, connection: bool = False) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.connection = connection


class _Permanent(Exception):
    """A failure retrying cannot fix (HTTP 4xx other than 429, a malformed body, bad audio)."""


@dataclass(frozen=True)
class _Reply:
    text: str
    prompt_tokens: int | None
    completion_tokens: int | None


# ------------------------------------------------------------------------------------------ audio cache


class AudioCache:
    """Bounded LRU of base64-encoded WAV bytes, keyed by path, size and modification time.

    Thread-safe and single-flight: when several threads miss the same item at once (64 workers start on
    the same few items), one encodes it and the others wait for that result instead of each decoding the
    file again (on the mini set at concurrency 64 that was 300+ extra decodes). An item larger than the
    whole budget is encoded per request and not kept.
    """

    def __init__(self, max_bytes: int = DEFAULT_AUDIO_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, int, int], bytes] = OrderedDict()
        self._pending: dict[tuple[str, int, int], Future[bytes]] = {}
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def base64_wav(self, path: Path) -> bytes:
        """The item's audio as base64 WAV bytes (ASCII), from the cache when unchanged on disk."""
        try:
            stat = os.stat(path)
        except OSError as error:
            raise _Permanent(f"{path}: cannot read audio ({error.strerror or error})") from None
        key = (str(path), stat.st_size, stat.st_mtime_ns)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None:
                self._entries.move_to_end(key)
                self.hits += 1
                return cached
            pending = self._pending.get(key)
            if pending is None:
                self.misses += 1
                self._pending[key] = encoding = Future()
        if pending is not None:
            return pending.result()  # re-raises the encoding thread's error for this row too
        try:
            encoded = base64.b64encode(wav_bytes(path))
        except BaseException as error:
            with self._lock:
                del self._pending[key]
            encoding.set_exception(error)
            raise
        with self._lock:  # kept before the pending entry goes, so no thread misses in between
            if len(encoded) <= self.max_bytes:
                self._entries[key] = encoded
                self._size += len(encoded)
                while self._size > self.max_bytes:
                    _, dropped = self._entries.popitem(last=False)
                    self._size -= len(dropped)
            del self._pending[key]
        encoding.set_result(encoded)
        return encoded


# ------------------------------------------------------------------------------------------ endpoints


class _Endpoint:
    """One base URL and its routing state (guarded by the pool's lock)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.url = base_url + "/chat/completions"
        self.in_flight = 0
        self.failures = 0  # consecutive failed attempts
        self.trips = 0  # consecutive times taken out (sets the cool-down)
        self.down_until = 0.0
        self.sent = 0


class EndpointPool:
    """Least-in-flight routing over several endpoints, taking out one that keeps failing for a while."""

    def __init__(self, base_urls: Sequence[str]) -> None:
        if not base_urls:
            raise ValueError("at least one endpoint")
        self.endpoints = [_Endpoint(url) for url in base_urls]
        self._lock = threading.Lock()
        self._turn = itertools.count()

    def acquire(self) -> _Endpoint:
        """The endpoint for the next attempt (counted in flight until `release`)."""
        now = time.monotonic()
        with self._lock:
            endpoints = self.endpoints
            if len(endpoints) == 1:
                chosen = endpoints[0]
            else:
                start = next(self._turn) % len(endpoints)  # rotate so ties spread evenly
                order = endpoints[start:] + endpoints[:start]
                up = [endpoint for endpoint in order if endpoint.down_until <= now]
                if up:
                    chosen = min(up, key=lambda endpoint: endpoint.in_flight)
                else:  # all out: try the one back soonest (its failure counts toward AbortRun)
                    chosen = min(order, key=lambda endpoint: endpoint.down_until)
            chosen.in_flight += 1
            chosen.sent += 1
            return chosen

    def release(self, endpoint: _Endpoint, *, failed: bool) -> None:
        """End an attempt; `failed` means no usable response (connection failure, timeout or 5xx)."""
        with self._lock:
            endpoint.in_flight -= 1
            if not failed:
                endpoint.failures = 0
                endpoint.trips = 0
                return
            endpoint.failures += 1
            if len(self.endpoints) > 1 and endpoint.failures >= _TRIP_FAILURES:
                self._take_out(endpoint)

    def take_out(self, endpoint: _Endpoint) -> None:
        """Take an endpoint out now (e.g. unreachable before the run)."""
        with self._lock:
            self._take_out(endpoint)

    def _take_out(self, endpoint: _Endpoint) -> None:
        cooldown = min(_MAX_COOLDOWN_S, _COOLDOWN_S * (2**endpoint.trips))
        endpoint.trips += 1
        endpoint.failures = 0
        endpoint.down_until = time.monotonic() + cooldown

    def describe(self) -> str:
        """The endpoint list as the error messages name it."""
        return ", ".join(endpoint.base_url for endpoint in self.endpoints)


# ------------------------------------------------------------------------------------------ deadlines


class _Watchdog:
    """One thread that shuts a response's socket when its request deadline passes.

    A per-read socket timeout cannot stop a server that drips a byte at a time; one timer thread per
    request would cost a thread start per row. Here every request registers (deadline, socket) in a heap.
    """

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, _Watch]] = []
        self._ids = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def watch(self, deadline: float, sock: socket.socket | None) -> _Watch:
        ticket = _Watch(sock)
        if sock is None:
            return ticket
        with self._wake:
            heapq.heappush(self._heap, (deadline, next(self._ids), ticket))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="isac-http-deadline", daemon=True)
                self._thread.start()
            elif self._heap[0][2] is ticket:
                self._wake.notify()
        return ticket

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][2].done:
                    if self._heap:
                        heapq.heappop(self._heap)
                    else:
                        self._wake.wait()
                deadline, _, ticket = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
            ticket.fire()


class _Watch:
    def __init__(self, sock: socket.socket | None) -> None:
        self.sock = sock
        self.done = False
        self.fired = False
        self._lock = threading.Lock()

    def fire(self) -> None:
        with self._lock:
            if self.done or self.sock is None:
                return
            self.fired = True
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)

    def finish(self) -> None:
        with self._lock:
            self.done = True


_WATCHDOG = _Watchdog()


# ------------------------------------------------------------------------------------------ transport

# Kept-alive connections per endpoint: more than any useful --concurrency, so none is dropped; pools
# open connections only as requests need them.
_POOL_CONNECTIONS = 512


class _Route:
    """How requests reach one endpoint: its own urllib3 pool, or the environment's proxy for its scheme.

    urllib3 rather than httpx: on 2 cores httpx cost ~5 ms of CPU per 120 KB request at concurrency 64
    and topped out at ~270 rows/s; a urllib3 pool per endpoint costs ~1 ms (benchmarks/bench_exec_api.py).
    """

    def __init__(self, base_url: str, tls: ssl.SSLContext | None) -> None:
        parsed = urllib3.util.parse_url(base_url)
        settings: dict[str, Any] = {"maxsize": _POOL_CONNECTIONS, "block": False, "retries": False}
        if tls is not None:  # an https endpoint
            settings["ssl_context"] = tls
        proxy = _environment_proxy(parsed.scheme or "http", parsed.host or "")
        if proxy is None:
            pool = urllib3.connection_from_url(base_url, **settings)
            self._urlopen, self.close = pool.urlopen, pool.close
            self._prefix = (parsed.path or "").rstrip("/")  # request targets are paths on the pool's host
        else:
            manager = urllib3.ProxyManager(proxy, **settings)
            self._urlopen, self.close = manager.urlopen, manager.clear
            self._prefix = base_url  # through a proxy, request targets are whole URLs

    def open(
        self, method: str, suffix: str, body: bytes | None, headers: Mapping[str, str], timeout: float
    ) -> urllib3.BaseHTTPResponse:
        """Send the request; returns once the response headers are in, the body unread."""
        return self._urlopen(
            method,
            self._prefix + suffix,
            body=body,
            headers=dict(headers),
            timeout=urllib3.Timeout(connect=timeout, read=timeout),
            retries=False,
            redirect=False,
            preload_content=False,
        )


def _environment_proxy(scheme: str, host: str) -> str | None:
    """The proxy `HTTP(S)_PROXY` names for this scheme, unless `NO_PROXY` exempts the host."""
    proxy = getproxies().get(scheme)
    if not proxy or proxy_bypass(host):
        return None
    return proxy


def _tls_context() -> ssl.SSLContext:
    """Certificates from SSL_CERT_FILE / SSL_CERT_DIR when set, else certifi's bundle, else the system's."""
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if cafile is None and capath is None:
        try:
            import certifi

            cafile = certifi.where()
        except ImportError:
            pass
    return ssl.create_default_context(cafile=cafile, capath=capath)


# ------------------------------------------------------------------------------------------ adapter


class OpenAICompatAdapter:
    """Chat-completions client for one model on one or more endpoints (see module docstring)."""

    needs_audio = True

    def __init__(
        self,
        model_id: str,
        model_name: str,
        options: AdapterOptions,
        *,
        retry: RetryPolicy | None = None,
        max_row_time_s: float = DEFAULT_MAX_ROW_TIME_S,
        max_connection_failures: int = DEFAULT_MAX_CONNECTION_FAILURES,
        base_urls: Sequence[str] = (),
        audio_cache_bytes: int = DEFAULT_AUDIO_CACHE_BYTES,
    ) -> None:
        self.model_id = model_id
        self.model_name = model_name
        urls = [url.rstrip("/") for url in (base_urls or [options.base_url or DEFAULT_BASE_URL])]
        self.base_urls = tuple(dict.fromkeys(urls))  # repeated URLs once, order kept
        self.base_url = self.base_urls[0]
        self.url = self.base_url + "/chat/completions"
        self.pool = EndpointPool(self.base_urls)
        self.options = options
        self.retry = retry or RetryPolicy(max_retries=max(0, options.max_retries))
        self.max_row_time_s = max_row_time_s
        self.max_connection_failures = max_connection_failures
        self.audio = AudioCache(audio_cache_bytes)
        self._api_key = os.environ.get(options.api_key_env) or None
        self._failures_lock = threading.Lock()
        self._connection_failures = 0  # consecutive attempts that got no HTTP response at all
        self._aborted: str | None = None
        for url in self.base_urls:
            scheme = url.partition("://")[0]
            if scheme not in ("http", "https") or "://" not in url or not url.partition("://")[2]:
                raise RunError(f"--base-url {url}: expected an http:// or https:// URL")
        # The key goes with the readiness check too: OpenAI answers GET /models with 401 without it.
        # Every request names isac (a pool's own default headers apply only to requests that pass none).
        self._auth_headers = {"Accept": "application/json", "User-Agent": f"isac/{__version__}"}
        if self._api_key:
            self._auth_headers["Authorization"] = f"Bearer {self._api_key}"
        self._headers = {"Content-Type": "application/json", **self._auth_headers}
        # Everything but the instruction and the audio, encoded once; see _body.
        # -G arguments: system_prompt becomes a system message; the rest are request fields (top_p, seed...)
        extra = dict(options.generation_args)
        system = extra.pop("system_prompt", None)
        settings = json.dumps(
            {"max_tokens": options.max_new_tokens, "temperature": options.temperature, **extra},
            ensure_ascii=False,
        )
        system_message = (
            json.dumps({"role": "system", "content": str(system)}, ensure_ascii=False).encode("utf-8") + b","
            if system
            else b""
        )
        self._body_head = b'{"model":' + json.dumps(model_name, ensure_ascii=False).encode("utf-8")
        self._body_head += b',"messages":[' + system_message
        self._body_head += b'{"role":"user","content":[{"type":"text","text":'
        self._body_mid = b'},{"type":"input_audio","input_audio":{"data":"'
        self._body_tail = b'","format":"wav"}}]}],' + settings[1:].encode("utf-8")
        self._routes_lock = threading.Lock()
        self._routes: dict[str, _Route] = {}
        self._tls: ssl.SSLContext | None = None

    def _route(self, base_url: str) -> _Route:
        """The endpoint's connection pool, built on first use (loading the CA bundle costs ~60 ms)."""
        route = self._routes.get(base_url)
        if route is None:
            with self._routes_lock:
                route = self._routes.get(base_url)
                if route is None:
                    tls = None
                    if base_url.startswith("https://"):
                        self._tls = tls = self._tls or _tls_context()
                    route = _Route(base_url, tls)
                    self._routes[base_url] = route
        return route

    def fingerprint(self) -> dict[str, Any]:
        """Model name and generation settings; endpoints are recorded, only warned about on change."""
        endpoint: str | list[str] = self.base_url if len(self.base_urls) == 1 else sorted(self.base_urls)
        return {
            "model_id": self.model_id,
            "adapter": "openai",
            "weights": self.model_name,
            "revision": None,
            "generation": {
                "max_new_tokens": self.options.max_new_tokens,
                "temperature": self.options.temperature,
            },
            "endpoint": endpoint,
            "libraries": {"isac": __version__},
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """One HTTP exchange per request, in order (the engine runs batches concurrently)."""
        return [self._answer(request) for request in requests]

    def close(self) -> None:
        """Close every endpoint's pooled connections."""
        with self._routes_lock:
            routes, self._routes = list(self._routes.values()), {}
        for route in routes:
            route.close()

    def check_ready(self) -> None:
        """One real request (`GET {base_url}/models`) to every endpoint before a run.

        RunError when none can be reached, or when one refuses the key (HTTP 401/403): the run would
        only turn rows into error records. An unreachable endpoint among several is taken out (and a
        warning printed); the others serve. Any other answer (even 404 from a server without the route)
        shows a server is there.
        """
        if self._api_key is None and DEFAULT_BASE_URL in self.base_urls:
            raise RunError(
                f"--model {self.model_id}: no API key: ${self.options.api_key_env} is not set "
                "(set it, name another variable with --api-key-env, or pass --base-url for a local server)"
            )
        timeout = min(self.options.timeout_s, _READY_TIMEOUT_S)
        unreachable: list[tuple[_Endpoint, str]] = []
        for endpoint in self.pool.endpoints:
            try:
                status, _headers, body = self._exchange(
                    "GET", endpoint.base_url, "/models", None, timeout, self._auth_headers
                )
            except (_Transient, _Permanent) as error:
                unreachable.append((endpoint, self._cut(self._scrub(str(error)))))
                continue
            if status in (401, 403):
                snippet = self._cut(self._scrub(body.decode("utf-8", "replace").strip()))
                raise RunError(
                    f"--base-url {endpoint.base_url}: the endpoint refused the API key (HTTP {status}: "
                    f"{snippet}); check ${self.options.api_key_env}"
                )
        if len(unreachable) == len(self.pool.endpoints):
            if len(unreachable) == 1:
                where, reasons = unreachable[0][0].base_url, unreachable[0][1]
                what = "endpoint unusable"
            else:
                where = self.pool.describe()
                reasons = "; ".join(f"{endpoint.base_url}: {reason}" for endpoint, reason in unreachable)
                what = f"all {len(unreachable)} endpoints unusable"
            raise RunError(
                f"--base-url {where}: {what} before the run started: {reasons}; check the URL and that "
                "the server is running"
            )
        for endpoint, reason in unreachable:
            self.pool.take_out(endpoint)
            print(
                f"isac: warning: --base-url {endpoint.base_url} unreachable ({reason}); the other "
                "endpoints serve its share until it answers",
                file=sys.stderr,
            )

    # ------------------------------------------------------------------------------------ one request

    def _answer(self, request: GenerationRequest) -> Generation:
        if self._aborted is not None:
            raise AbortRun(self._aborted)
        try:
            body = self._body(request)
        except (_Permanent, OSError, IsacError) as error:
            return Generation(response=None, error=self._cut(self._scrub(f"audio: {error}")))
        retry = 0
        row_started = time.monotonic()
        while True:
            started = time.perf_counter()
            remaining = self.max_row_time_s - (time.monotonic() - row_started)
            endpoint = self.pool.acquire()
            failed = True
            try:
                reply = self._post(endpoint, body, min(self.options.timeout_s, max(remaining, 0.001)))
                failed = False
            except _Permanent as error:
                failed = False
                self._note_connection(ok=True)
                return Generation(response=None, error=self._cut(self._scrub(str(error))))
            except _Transient as error:
                self._note_connection(ok=not error.connection, reason=str(error), endpoint=endpoint)
                attempts = retry + 1
                tries = f"{attempts} attempt{'s' if attempts > 1 else ''}"
                if retry >= self.retry.max_retries:
                    message = f"{self._scrub(str(error))} (gave up after {tries})"
                    return Generation(response=None, error=self._cut(message))
                delay = self.retry.delay(retry, error.retry_after)
                spent = time.monotonic() - row_started
                if spent + delay >= self.max_row_time_s:
                    message = (
                        f"{self._scrub(str(error))} (gave up after {tries} in {spent:.1f} s: "
                        f"the row's time budget is {self.max_row_time_s:g} s)"
                    )
                    return Generation(response=None, error=self._cut(message))
                time.sleep(delay)
                retry += 1
                continue
            finally:
                self.pool.release(endpoint, failed=failed)
            self._note_connection(ok=True)
            return Generation(
                response=self._scrub(reply.text),
                latency_s=time.perf_counter() - started,
                prompt_tokens=reply.prompt_tokens,
                completion_tokens=reply.completion_tokens,
            )

    def _note_connection(self, *, ok: bool, reason: str = "", endpoint: _Endpoint | None = None) -> None:
        """Count consecutive connection failures across rows; past the limit, stop the run (AbortRun)."""
        with self._failures_lock:
            if ok:
                self._connection_failures = 0
                return
            self._connection_failures += 1
            if self._connection_failures < self.max_connection_failures or self.max_connection_failures < 1:
                return
            where = (
                endpoint.base_url if len(self.base_urls) == 1 or endpoint is None else self.pool.describe()
            )
            self._aborted = (
                f"--base-url {where}: {self._connection_failures} consecutive connection failures "
                f"(last: {self._cut(self._scrub(reason))}); stopping the run, the rows answered so far are "
                "kept; rerun the same command to resume once the endpoint is back"
            )
        raise AbortRun(self._aborted)

    def _body(self, request: GenerationRequest) -> bytes:
        """The request body: pre-encoded pieces joined around the instruction and the cached audio.

        Equivalent to `json.dumps(payload)` (tests decode it), without copying the base64 audio through
        a str and the JSON encoder; base64 needs no JSON escaping.
        """
        instruction = json.dumps(request.row.instruction, ensure_ascii=False).encode("utf-8")
        audio = self.audio.base64_wav(request.audio_path)
        return b"".join((self._body_head, instruction, self._body_mid, audio, self._body_tail))

    def _post(self, endpoint: _Endpoint, body: bytes, timeout: float) -> _Reply:
        status, response_headers, raw = self._exchange(
            "POST", endpoint.base_url, "/chat/completions", body, timeout, self._headers
        )
        if status >= 400:
            raise _classify_http_error(status, response_headers, raw)
        return parse_reply(raw)

    def _exchange(
        self,
        method: str,
        base_url: str,
        suffix: str,
        body: bytes | None,
        timeout: float,
        headers: Mapping[str, str],
    ) -> tuple[int, Mapping[str, str], bytes]:
        """One exchange with `base_url + suffix`, finished within `timeout` seconds in all, or `_Transient`.

        The socket timeout bounds connect, each write and the wait for the headers; from the headers on,
        the shared watchdog shuts the socket at the deadline, so a body dripping a byte at a time is cut.
        """
        deadline = time.monotonic() + timeout
        watch: _Watch | None = None
        response: urllib3.BaseHTTPResponse | None = None
        complete = False
        try:
            response = self._route(base_url).open(method, suffix, body, headers, timeout)
            connection = getattr(response, "connection", None)
            watch = _WATCHDOG.watch(deadline, getattr(connection, "sock", None))
            limit = _MAX_ERROR_BODY if response.status >= 400 else _MAX_BODY_BYTES
            chunks: list[bytes] = []
            size = 0
            for chunk in response.stream(1 << 16):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    break
                if time.monotonic() > deadline:  # no socket to shut (e.g. through a proxy)
                    raise _Transient(f"timed out after {timeout:g} s (no complete response)", connection=True)
            raw = b"".join(chunks) if len(chunks) != 1 else chunks[0]
            if watch.fired:
                raise _Transient(f"timed out after {timeout:g} s (no complete response)", connection=True)
            if size > limit and response.status < 400:
                raise _Permanent(f"response body larger than {limit} bytes; refused")
            complete = size <= limit
            return response.status, response.headers, raw[:limit]
        except (urllib3.exceptions.LocationValueError, urllib3.exceptions.URLSchemeUnknown) as error:
            raise _Permanent(f"--base-url {base_url}: {error}") from None
        except urllib3.exceptions.NewConnectionError as error:  # before TimeoutError: it subclasses it
            raise _Transient(f"connection failed: {_transport_reason(error)}", connection=True) from None
        except urllib3.exceptions.TimeoutError:
            raise _Transient(f"timed out after {timeout:g} s", connection=True) from None
        except (urllib3.exceptions.HTTPError, OSError) as error:
            if watch is not None and watch.fired:
                raise _Transient(
                    f"timed out after {timeout:g} s (no complete response)", connection=True
                ) from None
            raise _Transient(f"connection failed: {_transport_reason(error)}", connection=True) from None
        finally:
            if watch is not None:
                watch.finish()
            if response is not None:
                if not complete:  # a connection left mid-body cannot carry the next request
                    response.close()
                response.release_conn()

    def _scrub(self, message: str) -> str:
        """Remove the API key from text that may quote server output (before any truncation)."""
        if self._api_key:
            message = message.replace(self._api_key, "***")
        return message

    @staticmethod
    def _cut(message: str, limit: int = 2 * _BODY_SNIPPET) -> str:
        """Shorten a message for the log; only ever applied to already scrubbed text."""
        return message if len(message) <= limit else message[: limit - 3] + "..."


def _transport_reason(error: BaseException) -> str:
    """`Type: message` of a transport failure, unwrapping urllib3's wrapper of the socket error."""
    cause = error
    if isinstance(error, urllib3.exceptions.ProtocolError) and len(error.args) > 1:
        inner = error.args[1]
        if isinstance(inner, BaseException):
            cause = inner
    reason = str(cause) or type(cause).__name__
    return f"{type(cause).__name__}: {reason}"


def _classify_http_error(status: int, headers: Mapping[str, str], raw: bytes) -> Exception:
    """The whole (bounded) error body is kept here; the adapter scrubs the key first, then cuts."""
    text = raw.decode("utf-8", "replace").strip()
    message = f"HTTP {status}" + (f": {text}" if text else "")
    if status == 429 or status >= 500:
        return _Transient(message, retry_after=_retry_after_seconds(headers.get("Retry-After")))
    return _Permanent(message)


def _retry_after_seconds(value: str | None) -> float | None:
    """`Retry-After` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def parse_reply(raw: bytes) -> _Reply:
    """Extract the answer text and token counts from a chat-completions body."""
    try:
        data = json.loads(raw)
        message = data["choices"][0]["message"]
        content = message.get("content")
    except (json.JSONDecodeError, UnicodeDecodeError, KeyError, IndexError, TypeError, AttributeError):
        # Quoted whole (bounded): the adapter scrubs the key from it before cutting it short.
        snippet = raw[:_MAX_ERROR_BODY].decode("utf-8", "replace")
        raise _Permanent(f"malformed response body: {snippet!r}") from None
    if isinstance(content, list):  # some servers return content parts
        content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
    if not isinstance(content, str):
        raise _Permanent("response holds no text content")
    usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}
    return _Reply(
        content, _int_or_none(usage.get("prompt_tokens")), _int_or_none(usage.get("completion_tokens"))
    )


def _int_or_none(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def wav_bytes(path: Path) -> bytes:
    """The file's bytes if it is a WAV file, else the audio re-encoded as 16 kHz mono 16-bit WAV."""
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError) as error:
        raise _Permanent(f"{path}: cannot decode audio ({error})") from None
    if info.format == "WAV":
        return Path(path).read_bytes()
    samples = load_audio(path, _TARGET_RATE)
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, _TARGET_RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def create_adapter(model_id: str, options: AdapterOptions) -> OpenAICompatAdapter:
    """Registry factory: `openai:<model name>`; `--base-url` (repeatable) picks the endpoint(s)."""
    _scheme, _, name = model_id.partition(":")
    if not name.strip():
        raise RunError(
            f"--model {model_id!r}: expected openai:<model name>, e.g. openai:gpt-4o-audio-preview"
        )
    extra = dict(options.extra)
    backoff = float(extra.get("retry_backoff_s", 1.0))
    return OpenAICompatAdapter(
        model_id,
        name,
        options,
        retry=RetryPolicy(max_retries=max(0, options.max_retries), backoff_s=backoff),
        max_row_time_s=float(extra.get("max_row_time_s", DEFAULT_MAX_ROW_TIME_S)),
        max_connection_failures=int(extra.get("max_connection_failures", DEFAULT_MAX_CONNECTION_FAILURES)),
        base_urls=options.base_urls,
        audio_cache_bytes=int(extra.get("audio_cache_bytes", DEFAULT_AUDIO_CACHE_BYTES)),
    )
