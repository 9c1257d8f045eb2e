"""What a dataset adapter produces: an index of items with their references, and a fingerprint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class DatasetItem:
    """One audio item and its references, keyed by the task that uses them.

    `references` examples: LibriSpeech {"ASR": (transcript,), "GR": ("male",)}; CoVoST2
    {"S2TT": (chinese,)}; IEMOCAP {"SER": ("happy",), "GR": ("female",), "ASR": (transcript,)};
    AudioCaps {"AAC": (caption1, ..., caption5)}. Labels are lowercase.
    """

    item_id: str
    audio: str  # POSIX path relative to the data root
    references: Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class DatasetIndex:
    """The items of one dataset, sorted by item_id, and a fingerprint of the files that defined them."""

    name: str
    adapter: str
    items: tuple[DatasetItem, ...]
    fingerprint: str  # sha256 over the index files (relative path + bytes), not the audio
    missing_audio: tuple[str, ...] = field(default=())  # item ids skipped because their audio is absent


class DatasetAdapter(Protocol):
    """Indexes one standard local distribution under a data root; never touches the network."""

    name: str

    def index(self, root: Path, options: Mapping[str, Any]) -> tuple[list[DatasetItem], list[Path]]:
        """Return the items (any order) and the index files read (for the fingerprint)."""
        ...
