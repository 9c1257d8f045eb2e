"""`openai:<model>`: any OpenAI-compatible chat-completions endpoint with audio input (vLLM, GPT-4o audio).

Each row is one POST to `{base_url}/chat/completions` whose user message holds the instruction as a
text part and the audio as an `input_audio` part (base64 WAV). WAV files are sent as they are; any other
format is decoded and re-encoded as 16 kHz mono 16-bit WAV. Transient failures (HTTP 429 and 5xx,
timeouts, refused or dropped connections) are retried up to `max_retries` times with exponential backoff
and full jitter, waiting at least what a `Retry-After` header asks. Anything else, and a transient failure
that outlasts the retries, becomes an error record.

The API key is read from the environment variable named by `api_key_env` at construction and kept in
memory only: it is never part of the fingerprint, and it is scrubbed from every error message.
"""

from __future__ import annotations

import base64
import http.client
import io
import json
import os
import random
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import soundfile

from isac.compiler import __version__
from isac.compiler.errors import IsacError, RunError
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest

DEFAULT_BASE_URL = "https://api.openai.com/v1"
_TARGET_RATE = 16_000
_MAX_RETRY_AFTER_S = 120.0  # a server asking for longer is treated as asking for this long
_MAX_BACKOFF_S = 30.0
_BODY_SNIPPET = 200


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
    """A failure worth retrying; `retry_after` is the server's hint in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


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
        self, model_id: str, model_name: str, options: AdapterOptions, *, retry: RetryPolicy | None = None
    ) -> None:
        self.model_id = model_id
        self.model_name = model_name
        self.base_url = (options.base_url or DEFAULT_BASE_URL).rstrip("/")
        self.url = self.base_url + "/chat/completions"
        self.options = options
        self.retry = retry or RetryPolicy(max_retries=max(0, options.max_retries))
        self._api_key = os.environ.get(options.api_key_env) or None

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
        """No pooled connections to close (urllib opens one per request)."""

    # ------------------------------------------------------------------------------------ one request

    def _answer(self, request: GenerationRequest) -> Generation:
        try:
            body = json.dumps(self._payload(request), ensure_ascii=False).encode("utf-8")
        except (_Permanent, OSError, IsacError) as error:
            return Generation(response=None, error=self._scrub(f"audio: {error}"))
        retry = 0
        while True:
            started = time.perf_counter()
            try:
                reply = self._post(body)
            except _Permanent as error:
                return Generation(response=None, error=self._scrub(str(error)))
            except _Transient as error:
                if retry >= self.retry.max_retries:
                    attempts = retry + 1
                    message = f"{error} (gave up after {attempts} attempt{'s' if attempts > 1 else ''})"
                    return Generation(response=None, error=self._scrub(message))
                time.sleep(self.retry.delay(retry, error.retry_after))
                retry += 1
                continue
            return Generation(
                response=reply.text,
                latency_s=time.perf_counter() - started,
                prompt_tokens=reply.prompt_tokens,
                completion_tokens=reply.completion_tokens,
            )

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

    def _post(self, body: bytes) -> _Reply:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._api_key:
            headers["Authorization"] = f"Bearer {self._api_key}"
        http_request = urllib.request.Request(self.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(http_request, timeout=self.options.timeout_s) as response:
                raw = response.read()
        except urllib.error.HTTPError as error:
            raise _classify_http_error(error) from None
        except TimeoutError:
            raise _Transient(f"timed out after {self.options.timeout_s:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise _Transient(f"timed out after {self.options.timeout_s:g} s") from None
            raise _Transient(f"connection failed: {error.reason}") from None
        except (ConnectionError, http.client.HTTPException) as error:
            raise _Transient(f"connection failed: {type(error).__name__}: {error}") from None
        return parse_reply(raw)

    def _scrub(self, message: str) -> str:
        """Remove the API key from a message that may quote server output."""
        if self._api_key:
            message = message.replace(self._api_key, "***")
        return message


def _classify_http_error(error: urllib.error.HTTPError) -> Exception:
    try:
        snippet = error.read()[:_BODY_SNIPPET].decode("utf-8", "replace").strip()
    except OSError:
        snippet = ""
    message = f"HTTP {error.code}" + (f": {snippet}" if snippet else "")
    if error.code == 429 or error.code >= 500:
        return _Transient(message, retry_after=_retry_after_seconds(error.headers.get("Retry-After")))
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
        snippet = raw[:_BODY_SNIPPET].decode("utf-8", "replace")
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
        model_id, name, options, retry=RetryPolicy(max_retries=max(0, options.max_retries), backoff_s=backoff)
    )
