"""A stratified sample of manifest rows: spread evenly over (dimension, variation class, task).

`--limit N` takes the first N rows (all of them from the first manifest); `--sample N` takes rows from
every stratum in turn, each stratum's rows in a seeded hash order, so a quick look covers every dimension,
class and task. It depends only on the rows and the seed, so a rerun picks the same rows and resumes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from isac.compiler.rows import ManifestRow


def _order(row_id: str, seed: int) -> bytes:
    return hashlib.sha256(f"{seed}:{row_id}".encode()).digest()


def stratified_sample(rows: Sequence[ManifestRow], size: int, *, seed: int = 0) -> list[ManifestRow]:
    """`size` rows taken round-robin over the (dimension, class, task) strata, in the rows' order."""
    strata: dict[tuple[str, str, str], list[ManifestRow]] = {}
    for row in rows:
        strata.setdefault((row.dimension, row.variation_class, row.task), []).append(row)
    queues = [
        sorted(members, key=lambda row: _order(row.id, seed)) for _key, members in sorted(strata.items())
    ]
    chosen: set[str] = set()
    depth = 0
    while len(chosen) < size and any(depth < len(queue) for queue in queues):
        for queue in queues:
            if depth < len(queue) and len(chosen) < size:
                chosen.add(queue[depth].id)
        depth += 1
    return [row for row in rows if row.id in chosen]
