"""Append accepted fragments to a pool in a task YAML file, editing the text so comments and layout stay.

The pool's block list is located with PyYAML's node positions; the new items are written after its last
item with the same indentation and quoting style. The edited text is loaded again (strict loader) and must
hold exactly the old pool plus the new fragments, and nothing else changed, before the file is replaced
atomically; otherwise nothing is written.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from isac.compiler.errors import IsacError
from isac.compiler.spec.strict_yaml import load_yaml


def _find(node: yaml.Node, key_path: Sequence[str], file: str) -> yaml.SequenceNode:
    for key in key_path:
        if not isinstance(node, yaml.MappingNode):
            raise IsacError(f"{file}: {'.'.join(key_path)}: expected a mapping above {key!r}")
        match = next((value for name, value in node.value if name.value == key), None)
        if match is None:
            raise IsacError(f"{file}: key {'.'.join(key_path)} not found")
        node = match
    if not isinstance(node, yaml.SequenceNode) or node.flow_style or not node.value:
        raise IsacError(f"{file}: {'.'.join(key_path)}: expected a non-empty block list ('- item' lines)")
    return node


def _scalar(text: str, style: str | None) -> str:
    # the pool's own quoting style when it can hold the text; JSON escapes are valid YAML double quotes
    if style == "'" and "'" not in text:
        return f"'{text}'"
    if style is None:
        try:
            if load_yaml(f"- {text}\n", file="<new item>") == [text] and "#" not in text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def append_to_pool(path: Path, key_path: Sequence[str], texts: Sequence[str]) -> None:
    """Append `texts` to the block list at `key_path` of the YAML file `path` (see module docstring)."""
    original = path.read_text(encoding="utf-8")
    file = path.as_posix()
    sequence = _find(yaml.compose(original), key_path, file)
    last = sequence.value[-1]
    first = sequence.value[0]
    indent = " " * (first.start_mark.column - 2)  # items are written "- text": the dash sits 2 before
    lines = original.splitlines(keepends=True)
    end_line = last.end_mark.line if last.end_mark.column > 0 else last.end_mark.line - 1
    new_lines = [f"{indent}- {_scalar(text, getattr(first, 'style', None))}\n" for text in texts]
    if not lines[end_line].endswith("\n"):
        lines[end_line] += "\n"
    edited = "".join([*lines[: end_line + 1], *new_lines, *lines[end_line + 1 :]])
    before: Any = load_yaml(original, file=file)
    after: Any = load_yaml(edited, file=file)
    expected = _with_appended(before, key_path, texts)
    if after != expected:
        raise IsacError(f"{file}: appending to {'.'.join(key_path)} would change other keys; nothing written")
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(edited, encoding="utf-8")
    os.replace(temporary, path)


def _with_appended(document: Any, key_path: Sequence[str], texts: Sequence[str]) -> Any:
    if not key_path:
        return [*document, *texts]
    head, *rest = key_path
    return {**document, head: _with_appended(document[head], rest, texts)}
