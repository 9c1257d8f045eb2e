"""Make a dataset's label references agree with the label sets the spec declares.

A label task (one with `labels:` in its YAML) is scored by finding one of its labels in the answer, so
a reference outside the set could never be matched: compile refuses it, naming the item, rather than
producing rows that silently score 0. Labels are compared case-insensitively and stored in lower case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from isac.compiler.datasets.base import DatasetIndex, DatasetItem
from isac.compiler.errors import DatasetError


def conform_labels(index: DatasetIndex, labels_by_task: Mapping[str, tuple[str, ...]]) -> DatasetIndex:
    """`index` with every label reference of a label task lower-cased and checked against its set."""
    chosen = {task: {label.lower() for label in labels} for task, labels in labels_by_task.items() if labels}
    if not chosen:
        return index
    items: list[DatasetItem] = []
    changed = False
    for item in index.items:
        references = dict(item.references)
        for task, allowed in chosen.items():
            values = references.get(task)
            if values is None:
                continue
            cleaned = tuple(value.strip().lower() for value in values)
            for value in cleaned:
                if value not in allowed:
                    raise DatasetError(
                        f"dataset {index.name!r}: item {item.item_id}: {task} label {value!r} is not one of "
                        f"the task's labels {sorted(allowed)} (declared in tasks/{task.lower()}.yaml)"
                    )
            if cleaned != values:
                references[task] = cleaned
                changed = True
        items.append(replace(item, references=references) if references != item.references else item)
    return replace(index, items=tuple(items)) if changed else index
