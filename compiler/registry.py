"""One registry mechanism for every pluggable part of isac.

A `Registry` maps names to objects that are imported only when first asked for. Entries come from three
places, later ones winning:

1. built-in entries, written as `"package.module:attribute"` strings (nothing is imported at start-up),
   and, for registries with a *convention* `(package, attribute)`, every module of that package that
   assigns `attribute` at top level, named after its module: adding `checkers/my_kind.py` with a
   `CHECKER = ...` line adds the checker kind `my_kind`, with no table to edit;
2. Python entry points of the registry's group (e.g. `isac.adapters`), so a separately installed
   package adds a model adapter, checker, metric, dataset adapter, scoring profile or CLI command
   without editing isac (`[project.entry-points."isac.checkers"] mykind = "mypkg.checker:CHECKER"`);
3. `register(name, target)` calls from code embedding isac (tests, notebooks).

Groups: isac.adapters, isac.checkers, isac.metrics, isac.datasets, isac.profiles, isac.commands.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Callable, Iterator, Mapping
from importlib.metadata import entry_points
from pathlib import Path
from typing import Generic, TypeVar

from isac.compiler.errors import IsacError

T = TypeVar("T")

GROUPS: tuple[str, ...] = (
    "isac.adapters",
    "isac.checkers",
    "isac.metrics",
    "isac.datasets",
    "isac.profiles",
    "isac.commands",
)


class RegistryError(IsacError):
    """An unknown name, or an entry whose target cannot be imported."""


def import_target(location: str) -> object:
    """Import `"package.module:attribute"` (or a bare module path) and return the object."""
    module_name, _, attribute = location.partition(":")
    module = importlib.import_module(module_name)
    if not attribute:
        return module
    target: object = module
    for part in attribute.split("."):
        target = getattr(target, part)
    return target


class Registry(Generic[T]):
    """Named, lazily imported parts of one kind (see the module docstring).

    `kind` words messages ("checker kind", "model adapter scheme"); `group` is the entry point group;
    `error` is the IsacError subclass raised for unknown names, so each stage keeps its own error type.
    """

    def __init__(
        self,
        kind: str,
        group: str,
        builtins: Mapping[str, str],
        *,
        error: type[IsacError] = RegistryError,
        hints: Mapping[str, str] | None = None,
        convention: tuple[str, str] | None = None,
    ) -> None:
        self.kind = kind
        self.group = group
        self._explicit = dict(builtins)
        self._convention = convention
        self._scanned: dict[str, str] | None = None
        self._error = error
        self._hints = dict(hints or {})  # name -> what to install when its import fails
        self._registered: dict[str, str | T] = {}
        self._loaded: dict[str, T] = {}
        self._plugins: dict[str, str] | None = None

    # ----------------------------------------------------------------------------------------- entries

    def register(self, name: str, target: str | T) -> None:
        """Add or replace `name`: an object, or a `"module:attribute"` string imported when used."""
        if not name or not name.strip():
            raise ValueError(f"{self.kind}: empty name")
        self._registered[name] = target
        self._loaded.pop(name, None)

    def unregister(self, name: str) -> None:
        """Remove a name added with `register` (built-ins and entry points stay)."""
        self._registered.pop(name, None)
        self._loaded.pop(name, None)

    @property
    def _builtins(self) -> dict[str, str]:
        """Explicit built-ins plus the modules found by the convention (explicit entries win)."""
        if self._scanned is None:
            scanned = _scan_convention(*self._convention) if self._convention else {}
            # a module already registered under another name (openai_compat -> "openai") is not listed twice
            explicit = set(self._explicit.values())
            self._scanned = {name: where for name, where in scanned.items() if where not in explicit}
        return {**self._scanned, **self._explicit}

    def _entry_points(self) -> dict[str, str]:
        if self._plugins is None:
            self._plugins = {point.name: point.value for point in entry_points(group=self.group)}
        return self._plugins

    def refresh(self) -> None:
        """Forget cached entry points and imports (after installing a plugin in this process)."""
        self._plugins = None
        self._scanned = None
        self._loaded.clear()

    def names(self) -> tuple[str, ...]:
        """Every registered name, sorted."""
        return tuple(sorted({*self._builtins, *self._entry_points(), *self._registered}))

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self.names()

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def origin(self, name: str) -> str:
        """Where `name` comes from: `builtin`, `entry point <value>` or `registered`."""
        if name in self._registered:
            return "registered"
        if name in self._entry_points():
            return f"entry point {self._entry_points()[name]}"
        if name in self._builtins:
            return "builtin"
        raise self._unknown(name)

    # ----------------------------------------------------------------------------------------- lookup

    def get(self, name: str) -> T:
        """The object registered as `name`, imported on first use."""
        loaded = self._loaded.get(name)
        if loaded is not None:
            return loaded
        target: str | T
        if name in self._registered:
            target = self._registered[name]
        elif name in self._entry_points():
            target = self._entry_points()[name]
        elif name in self._builtins:
            target = self._builtins[name]
        else:
            raise self._unknown(name)
        if not isinstance(target, str):
            value = target
        elif name not in self._registered and name in self._entry_points():
            value = self._resolve_entry_point(name, target)
        else:
            value = self._resolve(name, target)
        self._loaded[name] = value
        return value

    def _resolve_entry_point(self, name: str, location: str) -> T:
        # A plugin is someone else's code: whatever its import raises, say which entry point broke.
        try:
            return import_target(location)  # type: ignore[return-value]
        except Exception as error:
            raise self._error(
                f"{self.kind} {name!r} cannot be loaded from entry point {self.group}: {name} = {location} "
                f"({type(error).__name__}: {error}); fix or uninstall the package that declares it"
            ) from error

    def _resolve(self, name: str, location: str) -> T:
        try:
            return import_target(location)  # type: ignore[return-value]
        except ImportError as error:
            hint = self._hints.get(name, "a complete isac installation")
            raise self._error(f"{self.kind} {name!r} cannot be loaded ({error}); it needs {hint}") from None
        except AttributeError:
            raise self._error(f"{self.kind} {name!r}: {location} does not exist") from None

    def _unknown(self, name: str) -> IsacError:
        return self._error(f"unknown {self.kind} {name!r}; expected one of {', '.join(self.names())}")

    def items(self) -> Iterator[tuple[str, T]]:
        """(name, object) for every entry, importing each."""
        for name in self.names():
            yield name, self.get(name)


def _scan_convention(package: str, attribute: str) -> dict[str, str]:
    """`{module name: "package.module:attribute"}` for each module of `package` assigning `attribute`.

    The package's files are read as text, not imported, so listing names stays as cheap as the tables:
    a public module (no leading underscore) counts when a line starts with `ATTRIBUTE =`,
    `ATTRIBUTE: ...`, `def ATTRIBUTE(` or `class ATTRIBUTE`.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return {}
    assigns = re.compile(rf"^(?:def |class )?{re.escape(attribute)}\b\s*[:=(]", re.MULTILINE)
    found: dict[str, str] = {}
    for folder in spec.submodule_search_locations:
        for path in sorted(Path(folder).glob("*.py")):
            if path.stem.startswith("_"):
                continue
            if assigns.search(path.read_text(encoding="utf-8")):
                found[path.stem] = f"{package}.{path.stem}:{attribute}"
    return found


def lazy(registry: Registry[T], name: str) -> Callable[[], T]:
    """A zero-argument function returning `registry.get(name)` (for deferred defaults)."""
    return lambda: registry.get(name)
