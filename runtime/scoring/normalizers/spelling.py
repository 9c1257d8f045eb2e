"""British to American spelling, word by word, from the list in `british_american.json`.

The list (1,739 entries such as "colour" -> "color") is the one Whisper's English normaliser ships,
itself taken from https://www.tysto.com/uk-us-spelling-list.html; it is data, loaded once.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path

SPELLINGS_PATH = Path(__file__).with_name("british_american.json")


@cache
def british_to_american() -> Mapping[str, str]:
    """The spelling map (lowercase British word -> American word)."""
    with SPELLINGS_PATH.open(encoding="utf-8") as handle:
        mapping = json.load(handle)
    return {str(british): str(american) for british, american in mapping.items()}


def americanize(text: str, mapping: Mapping[str, str]) -> str:
    """Replace every whitespace-separated word found in `mapping`; words end up single-space separated."""
    return " ".join([mapping.get(word, word) for word in text.split()])
