"""YAML loading that refuses duplicate keys.

`yaml.safe_load` keeps the last of two equal keys in a mapping and says nothing, so a pool written twice
(or a key pasted into the wrong block) silently loses one of them. Spec files are read with
`load_yaml`, which is `safe_load` plus an error naming the file, line and key.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import yaml

from isac.compiler.errors import SpecError

_MERGE_TAG = "tag:yaml.org,2002:merge"


class UniqueKeyLoader(yaml.SafeLoader):
    """A SafeLoader whose mappings raise `SpecError` on a repeated key; `file` names the document."""

    file = "<yaml>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        """The mapping of `node`, after checking that no key is written twice."""
        seen: dict[Any, int] = {}
        for key_node, _value_node in node.value:
            if key_node.tag == _MERGE_TAG:  # `<<: *anchor` merges on purpose; later keys override it
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                continue  # an unhashable key: the base constructor reports it
            if first is not None:
                raise SpecError(f"{self.file}:{line}: duplicate key {key!r} (first written on line {first})")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, *, file: str) -> Any:
    """Parse one YAML document like `yaml.safe_load`, refusing duplicate keys (`SpecError`)."""
    loader = UniqueKeyLoader(text)
    loader.file = file
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
