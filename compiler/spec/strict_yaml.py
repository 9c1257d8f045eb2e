"""YAML loading that refuses duplicate keys and documents whose aliases expand without bound.

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


# How many nodes a document may hold once every alias is expanded. Aliases share nodes while parsing,
# but everything reading the data afterwards (schema checks, hashing, pydantic) walks the expansion, so
# a few kilobytes of nested aliases (a "billion laughs" document) would exhaust memory there.
MAX_EXPANDED_NODES = 1_000_000


def expanded_size(node: yaml.Node, memo: dict[int, int] | None = None) -> int:
    """Nodes in `node` with every alias expanded, computed in time linear in the distinct nodes."""
    memo = {} if memo is None else memo
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # a recursive alias counts once (PyYAML builds it as a self-referencing object)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(expanded_size(child, memo) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(expanded_size(k, memo) + expanded_size(v, memo) for k, v in node.value)
    size = min(size, MAX_EXPANDED_NODES + 1)  # enough to know it is too large; keeps numbers small
    memo[key] = size
    return size


def load_yaml(text: str, *, file: str) -> Any:
    """Parse one YAML document like `yaml.safe_load`; duplicate keys and alias bombs are `SpecError`s."""
    loader = UniqueKeyLoader(text)
    loader.file = file
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if expanded_size(node) > MAX_EXPANDED_NODES:
            raise SpecError(
                f"{file}: aliases (*name) expand to more than {MAX_EXPANDED_NODES} values; "
                "a spec file this large is refused (nested aliases can grow exponentially)"
            )
        return loader.construct_document(node)
    finally:
        loader.dispose()
