"""Where the default spec and the bundled mini corpus are, in a checkout and in an installed wheel.

In a checkout they are `spec/` and `data/mini/` beside `compiler/`; a wheel carries them as package
data of the `isac` package (`isac/spec/`, `isac/data/mini/`, mapped in setup.py). Every command that
needs a default (`isac compile`, `isac demo`, `isac eval`, scoring of old lock-less manifests) asks here,
so a plain `pip install` and an editable checkout behave alike.
"""

from __future__ import annotations

from pathlib import Path

import isac.compiler

# The data root a lock records when a set was compiled from the bundled corpus: resolvable on any
# machine and in any install, so a release of the mini corpus carries no machine-specific path.
BUNDLED_DATA_ROOT = "bundled:mini"


def _candidates(*parts: str) -> list[Path]:
    package = Path(isac.compiler.__file__).resolve().parent  # .../compiler or .../isac/compiler
    return [package.parent.joinpath(*parts)]


def bundled_spec_dir() -> Path | None:
    """The default spec folder (holding benchmark.yaml), or None when this install has none."""
    for path in _candidates("spec"):
        if (path / "benchmark.yaml").is_file():
            return path
    return None


def bundled_data_root() -> Path | None:
    """The bundled mini corpus folder, or None when this install has none."""
    for path in _candidates("data", "mini"):
        if path.is_dir():
            return path
    return None


def is_bundled_data_root(path: Path) -> bool:
    """True when `path` is the bundled mini corpus of this install."""
    bundled = bundled_data_root()
    return bundled is not None and Path(path).resolve() == bundled.resolve()
