"""Model string -> adapter. The scheme before the first `:` picks the adapter; `oracle` has no colon.

Every scheme maps to a factory `create_adapter(model_id: str, options: AdapterOptions) -> ModelAdapter`
that receives the whole model string (e.g. `hf:/ckpt/qwen2-audio`) and parses its own part. Schemes live
in the `ADAPTERS` registry (`isac.compiler.registry`): built-ins are named as `module:attribute` and
imported only when used, so a light install without torch can run every adapter except `hf:`; installed
packages add schemes through the `isac.adapters` entry point group; code embedding isac calls
`register_adapter`.
"""

from __future__ import annotations

from collections.abc import Callable

from isac.compiler.errors import RunError
from isac.compiler.registry import Registry
from isac.runtime.adapters.base import AdapterOptions, ModelAdapter

AdapterFactory = Callable[[str, AdapterOptions], ModelAdapter]

# scheme -> "module:factory"; imported lazily by `build_adapter`. Besides these, every module of this
# package defining `create_adapter` is the adapter of its module's name (oracle.py -> `oracle`,
# constant.py -> `constant:TEXT`), so a new adapter is one module.
BUILTIN_SCHEMES: dict[str, str] = {
    "hf": "isac.runtime.adapters.registry:create_hf_adapter",
    "openai": "isac.runtime.adapters.openai_compat:create_adapter",
}
# What each optional scheme needs installed, for the message when its import fails.
_EXTRAS: dict[str, str] = {"hf": "pip install 'isac[models]' (torch, transformers)"}

ADAPTERS: Registry[AdapterFactory] = Registry(
    "adapter scheme",
    "isac.adapters",
    BUILTIN_SCHEMES,
    error=RunError,
    hints=_EXTRAS,
    convention=("isac.runtime.adapters", "create_adapter"),
)


def register_adapter(scheme: str, factory: AdapterFactory) -> None:
    """Make `scheme:...` model strings build adapters with `factory` (replaces a built-in scheme)."""
    if not scheme or ":" in scheme:
        raise ValueError(f"invalid adapter scheme {scheme!r}")
    ADAPTERS.register(scheme, factory)


def schemes() -> list[str]:
    """Every scheme a model string may use."""
    return list(ADAPTERS.names())


def split_model_string(model: str) -> tuple[str, str]:
    """`openai:gpt-4o` -> (`openai`, `gpt-4o`); `oracle` -> (`oracle`, ``)."""
    scheme, _, target = model.partition(":")
    return scheme.strip(), target


def resolve_factory(scheme: str) -> AdapterFactory:
    """The factory of a scheme, importing its module on first use; RunError names `--model`."""
    try:
        factory = ADAPTERS.get(scheme)
    except RunError as error:
        raise RunError(f"--model: {error}") from error.__cause__
    if not callable(factory):
        raise RunError(f"--model {scheme}:...: {ADAPTERS.origin(scheme)} is not a factory(model_id, options)")
    return factory


def create_hf_adapter(model_id: str, options: AdapterOptions) -> ModelAdapter:
    """`hf:<folder or hub id>`: hands the target to `isac.runtime.adapters.hf.build_hf_adapter`.

    The hf package (torch, transformers) is imported here, on first use, never at registry import.
    """
    _scheme, _, target = model_id.partition(":")
    if not target.strip():
        raise RunError(f"--model {model_id!r}: expected hf:<checkpoint folder or hub id>")
    try:
        from isac.runtime.adapters.hf import build_hf_adapter
    except ImportError as error:
        raise RunError(
            f"--model {model_id}: the hf adapter cannot be loaded ({error}); needs {_EXTRAS['hf']}"
        ) from None
    return build_hf_adapter(target, options)


def build_adapter(model: str, options: AdapterOptions | None = None) -> ModelAdapter:
    """Build the adapter named by a model string; RunError for an unknown scheme or a bad target."""
    if not model or not model.strip():
        raise RunError("--model: empty model string; expected e.g. oracle, hf:PATH, openai:NAME")
    from isac.runtime.adapters.arguments import record_arguments

    scheme, _ = split_model_string(model)
    options = options or AdapterOptions()
    return record_arguments(resolve_factory(scheme)(model, options), options)
