"""`openai:<model>`: any OpenAI-compatible chat-completions endpoint with audio input (vLLM, GPT-4o audio).

Each row is one POST to `{base_url}/chat/completions` whose user message holds the instruction as a
text part and the audio as an `input_audio` part (base64 WAV). WAV files are sent as they are; any other
format is decoded and re-encoded as 16 kHz mono 16-bit WAV. Transient failures (HTTP 429 and 5xx,
timeouts, refused or dropped connections) are retried up to `max_retries` times with exponential backoff
and full jitter, waiting at least what a `Retry-After` header asks. Anything else, and a transient failure
that outlasts the retries, becomes an error record.

The API key is read from the environment variable named by `api_key_env` at construction and kept in
memory only: it is never part of the fingerprint, and it is scrubbed from every error message and
response (before any truncation, so no prefix of it survives a cut).

Failing fast: `timeout_s` is a deadline for a whole request (connect, headers and body; a watchdog
closes the socket when it passes, so a server dripping bytes cannot hold a row), a row spends at most
`max_row_time_s` in attempts and retry waits, `check_ready` makes one real request before a run (an
unreachable endpoint or a refused key stops it at once), and `max_connection_failures` consecutive
connection failures across rows stop the run (`AbortRun`) instead of filling the log with errors.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import io
import json
import os
import random
import socket
import threading
import time
import urllib.parse
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import soundfile

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

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_TARGET_RATE = 16_000
_MAX_RETRY_AFTER_S = 120.0  # a server asking for longer is treated as asking for this long
_MAX_BACKOFF_S = 30.0
_BODY_SNIPPET = 200
_MAX_ERROR_BODY = 1 << 16  # bytes of an error body read (quoted, after the key is scrubbed, in part)
_MAX_BODY_BYTES = 64 << 20  # a completion body larger than this is refused, not buffered
_READY_TIMEOUT_S = 15.0


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


class OpenAICompatAdapter:
    """Chat-completions client for one model on one endpoint (see module docstring)."""

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
    ) -> None:
        self.model_id = model_id
        self.model_name = model_name
        self.base_url = (options.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.url = self.base_url + "/chat/completions"
        self.options = options
        self.retry = retry or RetryPolicy(max_retries=max(0, options.max_retries))
        self.max_row_time_s = max_row_time_s
        self.max_connection_failures = max_connection_failures
        self._api_key = os.environ.get(options.api_key_env) or None
        self._failures_lock = threading.Lock()
        self._connection_failures = 0  # consecutive attempts that got no HTTP response at all
        self._aborted: str | None = None

    def fingerprint(self) -> dict[str, Any]:
        """Model name and generation settings; the endpoint is recorded but only warned about on change."""
        return {
            "model_id": self.model_id,
            "adapter": "openai",
            "weights": self.model_name,
            "revision": None,
            "generation": {
                "max_new_tokens": self.options.max_new_tokens,
                "temperature": self.options.temperature,
            },
            "endpoint": self.base_url,
            "libraries": {"isac": __version__},
        }

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """One HTTP exchange per request, in order (the engine runs batches concurrently)."""
        return [self._answer(request) for request in requests]

    def close(self) -> None:
        """No pooled connections to close (one connection per request)."""

    def check_ready(self) -> None:
        """One real request (`GET {base_url}/models`) before a run: RunError if the run cannot work.

        An endpoint that cannot be reached, or that refuses the key (HTTP 401/403), would turn every row
        into an error record after its retries; any other answer (even 404 from a server without the
        route) shows a server is there.
        """
        if self._api_key is None and self.base_url == DEFAULT_BASE_URL:
            raise RunError(
                f"--model {self.model_id}: no API key: ${self.options.api_key_env} is not set "
                "(set it, name another variable with --api-key-env, or pass --base-url for a local server)"
            )
        timeout = min(self.options.timeout_s, _READY_TIMEOUT_S)
        try:
            status, _headers, body = self._exchange("GET", self.base_url + "/models", None, timeout)
        except _Transient as error:
            raise RunError(
                f"--base-url {self.base_url}: endpoint unusable before the run started: "
                f"{self._cut(self._scrub(str(error)))}; check the URL and that the server is running"
            ) from None
        if status in (401, 403):
            snippet = self._cut(self._scrub(body.decode("utf-8", "replace").strip()))
            raise RunError(
                f"--base-url {self.base_url}: the endpoint refused the API key (HTTP {status}: {snippet}); "
                f"check ${self.options.api_key_env}"
            )

    # ------------------------------------------------------------------------------------ one request

    def _answer(self, request: GenerationRequest) -> Generation:
        if self._aborted is not None:
            raise AbortRun(self._aborted)
        try:
            body = json.dumps(self._payload(request), ensure_ascii=False).encode("utf-8")
        except (_Permanent, OSError, IsacError) as error:
            return Generation(response=None, error=self._cut(self._scrub(f"audio: {error}")))
        retry = 0
        row_started = time.monotonic()
        while True:
            started = time.perf_counter()
            remaining = self.max_row_time_s - (time.monotonic() - row_started)
            try:
                reply = self._post(body, min(self.options.timeout_s, max(remaining, 0.001)))
            except _Permanent as error:
                self._note_connection(ok=True)
                return Generation(response=None, error=self._cut(self._scrub(str(error))))
            except _Transient as error:
                self._note_connection(ok=not error.connection, reason=str(error))
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
            self._note_connection(ok=True)
            return Generation(
                response=self._scrub(reply.text),
                latency_s=time.perf_counter() - started,
                prompt_tokens=reply.prompt_tokens,
                completion_tokens=reply.completion_tokens,
            )

    def _note_connection(self, *, ok: bool, reason: str = "") -> None:
        """Count consecutive connection failures; past the limit, stop the run (AbortRun)."""
        with self._failures_lock:
            if ok:
                self._connection_failures = 0
                return
            self._connection_failures += 1
            if self._connection_failures < self.max_connection_failures or self.max_connection_failures < 1:
                return
            self._aborted = (
                f"--base-url {self.base_url}: {self._connection_failures} consecutive connection failures "
                f"(last: {self._cut(self._scrub(reason))}); stopping the run, the rows answered so far are "
                "kept; rerun the same command to resume once the endpoint is back"
            )
        raise AbortRun(self._aborted)

    def _payload(self, request: GenerationRequest) -> dict[str, Any]:
        audio = base64.b64encode(wav_bytes(request.audio_path)).decode("ascii")
        payload: dict[str, Any] = {
            "model": self.model_name,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": request.row.instruction},
                        {"type": "input_audio", "input_audio": {"data": audio, "format": "wav"}},
                    ],
                }
            ],
            "max_tokens": self.options.max_new_tokens,
            "temperature": self.options.temperature,
        }
        # -G arguments: system_prompt becomes a system message; the rest are request fields (top_p, seed...)
        extra = dict(self.options.generation_args)
        system = extra.pop("system_prompt", None)
        if system:
            payload["messages"].insert(0, {"role": "system", "content": str(system)})
        payload.update(extra)
        return payload

    def _post(self, body: bytes, timeout: float) -> _Reply:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        status, response_headers, raw = self._exchange("POST", self.url, body, timeout, headers)
        if status >= 400:
            raise _classify_http_error(status, response_headers, raw)
        return parse_reply(raw)

    def _exchange(
        self,
        method: str,
        url: str,
        body: bytes | None,
        timeout: float,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """One HTTP exchange finished within `timeout` seconds in all, or `_Transient`.

        Socket timeouts apply per read, so a server sending a byte at a time could hold the request
        forever; a watchdog timer shuts the socket down when the deadline passes.
        """
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise _Permanent(f"--base-url {self.base_url}: expected an http:// or https:// URL")
        factory = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = factory(parts.hostname, parts.port, timeout=timeout)
        expired = threading.Event()

        def expire() -> None:
            expired.set()
            sock = connection.sock
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

        watchdog = threading.Timer(timeout, expire)
        watchdog.daemon = True
        watchdog.start()
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, target or "/", body=body, headers=headers or {})
            response = connection.getresponse()
            limit = _MAX_ERROR_BODY if response.status >= 400 else _MAX_BODY_BYTES
            raw = response.read(limit + 1)
            if expired.is_set():  # the watchdog shut the socket: what arrived is a cut-off body
                raise _Transient(f"timed out after {timeout:g} s (no complete response)", connection=True)
            if len(raw) <= limit and response.length:  # fewer bytes than Content-Length promised
                raise _Transient("connection closed before the whole response arrived", connection=True)
            if len(raw) > limit and response.status < 400:
                raise _Permanent(f"response body larger than {limit} bytes; refused")
            return response.status, response.headers, raw[:limit]
        except (OSError, http.client.HTTPException) as error:
            if expired.is_set():
                raise _Transient(
                    f"timed out after {timeout:g} s (no complete response)", connection=True
                ) from None
            if isinstance(error, TimeoutError | socket.timeout):
                raise _Transient(f"timed out after {timeout:g} s", connection=True) from None
            reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
            raise _Transient(
                f"connection failed: {type(error).__name__}: {reason}", connection=True
            ) from None
        finally:
            watchdog.cancel()
            connection.close()

    def _scrub(self, message: str) -> str:
        """Remove the API key from text that may quote server output (before any truncation)."""
        if self._api_key:
            message = message.replace(self._api_key, "***")
        return message

    @staticmethod
    def _cut(message: str, limit: int = 2 * _BODY_SNIPPET) -> str:
        """Shorten a message for the log; only ever applied to already scrubbed text."""
        return message if len(message) <= limit else message[: limit - 3] + "..."


def _classify_http_error(status: int, headers: http.client.HTTPMessage, raw: bytes) -> Exception:
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
    from isac.runtime.audio import load_audio  # scipy only when a conversion is needed

    samples = load_audio(path, _TARGET_RATE)
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, _TARGET_RATE, format="WAV", subtype="PCM_16")
    return buffer.getvalue()


def create_adapter(model_id: str, options: AdapterOptions) -> OpenAICompatAdapter:
    """Registry factory: `openai:<model name>`; `--base-url` picks the endpoint."""
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
    )
