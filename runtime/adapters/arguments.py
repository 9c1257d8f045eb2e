"""Model and generation arguments (`-M key=value`, `-G key=value`): parsing, and their place in the
fingerprint.

`-M` arguments go to the adapter when it loads the model (for `hf:`, keyword arguments of
`from_pretrained`, e.g. `trust_remote_code=true`, `attn_implementation=sdpa`, `revision=...`); `-G`
arguments go to generation (for `hf:`, fields of transformers' GenerationConfig such as `top_p`, plus
`system_prompt` and `seed`; for `openai:`, fields of the request body plus `system_prompt`).
`max_new_tokens` and `temperature` given with -G set the adapter's own options of those names.
Adapters that generate nothing (oracle, constant, replay) ignore them.

Both are recorded in the run's fingerprint when given (`model_args`, `generation_args`), so a run folder
is never resumed with other arguments; a run without them keeps the fingerprint it always had.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from isac.compiler.errors import RunError
from isac.runtime.adapters.base import AdapterOptions, Generation, GenerationRequest, ModelAdapter

# -G keys that are AdapterOptions fields rather than free generation arguments.
_OPTION_FIELDS = {"max_new_tokens": int, "temperature": float}


def parse_value(text: str) -> Any:
    """A command-line value as YAML reads a scalar: `true` -> True, `0.9` -> 0.9, `none`/`null` -> None,
    anything else stays the string it is (quote it to keep `"true"` a string)."""
    if text.strip().lower() == "none":
        return None
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return text
    if value is None and text.strip() not in ("", "null", "~"):
        return text
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return text  # lists and mappings are not command-line values; keep the text as given


def parse_assignments(values: Sequence[str], flag: str) -> dict[str, Any]:
    """`["top_p=0.9", "system_prompt=Be brief."]` -> {"top_p": 0.9, "system_prompt": "Be brief."}.

    Each value is one `key=value` (commas are part of the value). RunError names the flag and the value.
    """
    parsed: dict[str, Any] = {}
    for value in values:
        key, sep, raw = value.partition("=")
        key = key.strip()
        if not sep or not key or not key.replace("_", "").replace("-", "").isalnum():
            raise RunError(f"{flag} {value!r}: expected key=value, e.g. {flag} top_p=0.9")
        parsed[key] = parse_value(raw)
    return parsed


def check_arguments(arguments: Mapping[str, Any], where: str) -> dict[str, Any]:
    """Arguments from a config file: string keys and JSON-able scalar values, or RunError naming `where`."""
    checked: dict[str, Any] = {}
    for key, value in arguments.items():
        if not isinstance(key, str) or not key:
            raise RunError(f"{where}: argument names must be non-empty strings, got {key!r}")
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            raise RunError(
                f"{where}.{key}: {value!r} is not a plain value (string, number, bool, list)"
            ) from None
        checked[key] = value
    return checked


def apply_arguments(
    options: AdapterOptions, model_args: Mapping[str, Any], generation_args: Mapping[str, Any]
) -> AdapterOptions:
    """`options` with the arguments attached; -G max_new_tokens/temperature set those options."""
    generation = dict(generation_args)
    changes: dict[str, Any] = {}
    for name, kind in _OPTION_FIELDS.items():
        if name in generation:
            value = generation.pop(name)
            try:
                changes[name] = kind(value)
            except (TypeError, ValueError):
                raise RunError(f"-G {name}={value!r}: expected a number") from None
    return dataclasses.replace(
        options,
        **changes,
        model_args=tuple(sorted({**dict(options.model_args), **model_args}.items())),
        generation_args=tuple(sorted({**dict(options.generation_args), **generation}.items())),
    )


class ArgumentRecordingAdapter:
    """Wraps an adapter so that its fingerprint records the -M/-G arguments it was built with."""

    def __init__(self, inner: ModelAdapter, options: AdapterOptions) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.model_args = dict(options.model_args)
        self.generation_args = dict(options.generation_args)

    def __getattr__(self, name: str) -> Any:
        # needs_audio, load() and anything else an adapter offers stay reachable through the wrapper
        return getattr(self.inner, name)

    def fingerprint(self) -> dict[str, Any]:
        """The adapter's own fingerprint plus the arguments given."""
        fingerprint = dict(self.inner.fingerprint())
        if self.model_args:
            fingerprint["model_args"] = self.model_args
        if self.generation_args:
            fingerprint["generation_args"] = self.generation_args
        return fingerprint

    def generate(self, requests: list[GenerationRequest]) -> list[Generation]:
        """The wrapped adapter's answers."""
        return self.inner.generate(requests)

    def close(self) -> None:
        """Close the wrapped adapter."""
        self.inner.close()


def record_arguments(adapter: ModelAdapter, options: AdapterOptions) -> ModelAdapter:
    """`adapter` itself when no arguments were given, else wrapped so its fingerprint records them."""
    if not options.model_args and not options.generation_args:
        return adapter
    return ArgumentRecordingAdapter(adapter, options)
