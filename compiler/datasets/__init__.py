"""Dataset adapters: index the standard local distributions under a data root.

`load_dataset(adapter, root, options)` picks an adapter by name from the `ADAPTERS` registry
(`isac.compiler.registry`: built-ins are imported on first use; installed packages add adapters through
the `isac.datasets` entry point group, naming a zero-argument factory of a `DatasetAdapter`), lets it
read its index files, and returns a `DatasetIndex`: items sorted by id, the audio presence checked,
and a fingerprint of the index files that depends only on their paths relative to the root and their
bytes (so two machines holding the same distribution agree). Nothing here touches the network.

Each adapter's module docstring lists the options a spec may pass to it. One option is understood by
every adapter because `load_dataset` handles it itself: `skip_missing_audio: true` (the same as the
keyword argument), so a spec can say that, e.g., AudioCaps clips no longer on YouTube are dropped.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from isac.compiler.datasets.base import DatasetAdapter, DatasetIndex, DatasetItem
from isac.compiler.errors import DatasetError
from isac.compiler.registry import Registry

__all__ = ["ADAPTERS", "DatasetAdapter", "DatasetIndex", "DatasetItem", "fingerprint_files", "load_dataset"]

# adapter name (as written in the spec) -> zero-argument factory of the adapter. Every module of this
# package that defines `ADAPTER` is the adapter of its module's name (librispeech.py -> "librispeech").
ADAPTERS: Registry[Callable[[], DatasetAdapter]] = Registry(
    "dataset adapter", "isac.datasets", {}, error=DatasetError, convention=(__name__, "ADAPTER")
)

MISSING_EXAMPLES = 5  # how many missing item ids an error message quotes
SKIP_OPTION = "skip_missing_audio"  # handled here for every adapter, never passed on


def load_dataset(
    adapter: str,
    root: Path,
    options: Mapping[str, Any],
    *,
    name: str | None = None,
    check_audio: bool = True,
    skip_missing_audio: bool = False,
) -> DatasetIndex:
    """Index one dataset under `root` with the named adapter.

    `name` is the dataset's name in the spec (defaults to the adapter name). With `check_audio`, items
    whose audio file is absent raise a `DatasetError` naming how many and the first few ids, unless
    `skip_missing_audio` (or the option of that name is true), which drops them and lists their ids
    in `missing_audio`.
    """
    factory = ADAPTERS.get(adapter)
    options = dict(options or {})
    skip_option = options.pop(SKIP_OPTION, False)
    if not isinstance(skip_option, bool):
        raise DatasetError(f"dataset adapter {adapter!r}: option {SKIP_OPTION!r} must be true or false")
    skip_missing_audio = skip_missing_audio or skip_option
    root = Path(root)
    if not root.is_dir():
        raise DatasetError(f"data root not found: {root} (expected a folder holding the datasets)")
    items, index_files = factory().index(root, options)
    label = name or adapter
    ordered = _sorted_unique(items, label)
    missing: tuple[str, ...] = ()
    if check_audio:
        ordered, missing = _split_missing_audio(ordered, root, label, skip_missing_audio)
    return DatasetIndex(
        name=label,
        adapter=adapter,
        items=tuple(ordered),
        fingerprint=fingerprint_files(index_files, root),
        missing_audio=missing,
    )


def fingerprint_files(files: Iterable[Path], root: Path) -> str:
    """sha256 over (path relative to root, bytes) of each file, taken in sorted path order.

    Each record is length-prefixed so no two different file sets can produce the same byte stream.
    A file outside the root contributes its bare name, keeping the digest machine-independent.
    """
    keyed: dict[str, Path] = {}
    for file in files:
        try:
            key = file.relative_to(root).as_posix()
        except ValueError:
            key = file.name
        keyed[key] = file
    digest = hashlib.sha256()
    for key in sorted(keyed):
        data = keyed[key].read_bytes()
        encoded = key.encode("utf-8")
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def _sorted_unique(items: Iterable[DatasetItem], label: str) -> list[DatasetItem]:
    ordered = sorted(items, key=lambda item: item.item_id)
    duplicates = sorted({a.item_id for a, b in itertools.pairwise(ordered) if a.item_id == b.item_id})
    if duplicates:
        raise DatasetError(
            f"dataset {label!r}: {len(duplicates)} item id(s) occur more than once, e.g. "
            f"{', '.join(duplicates[:MISSING_EXAMPLES])}; item ids must be unique"
        )
    return ordered


def _split_missing_audio(
    items: list[DatasetItem], root: Path, label: str, skip: bool
) -> tuple[list[DatasetItem], tuple[str, ...]]:
    present: list[DatasetItem] = []
    absent: list[DatasetItem] = []
    for item in items:
        (present if (root / item.audio).is_file() else absent).append(item)
    if not absent:
        return items, ()
    if not skip:
        examples = ", ".join(f"{item.item_id} ({item.audio})" for item in absent[:MISSING_EXAMPLES])
        raise DatasetError(
            f"dataset {label!r}: {len(absent)} of {len(items)} items have no audio file under {root}, "
            f"e.g. {examples}; provide the audio or set skip_missing_audio to drop those items"
        )
    return present, tuple(item.item_id for item in absent)
