"""Bootstrap confidence intervals for every view value: variant IFR and metric, class, RPS, axis, area.

The resampling unit is the *item* (an audio clip with its references): all variants of an item are
built from the same clip, so their scores are correlated and rows must not be resampled one by one.
Items are drawn with replacement within their data set (a multinomial weight per item and resample),
and every model gets the same weights, so differences between models are paired.

The two-way bootstrap also resamples the instruction *fragments* (the pool entries recorded in each
row's `meta`: task description 18, ending 1, ...): every pool (task, kind of fragment) gets its own
multinomial weights and a row's weight is its item's weight times the weights of the fragments it drew
(the "pigeonhole" bootstrap of crossed random factors). Use it when a claim should hold for other
rewrites of the instructions too, not only for other audio items; it is conservative (wider).

Nothing is re-scored: per resample, each cell's sufficient statistics are the weighted sums of its
rows' statistics (one sparse-times-dense product per task), and the metric's own `value_sql` is
evaluated on those sums by DuckDB, so a resample with weights 1 reproduces the views exactly (index 0
of every replicate array is that point estimate). Metrics aggregated in Python (METEOR 1.5) are
recomputed on every resample from their rows' summable totals with the metric's vectorised
`value_of_totals` (for METEOR, the jar's formula, tested against the jar). Only a metric without one, or
rows that cannot be summed together (METEOR rows from two backends), is held at its point value: its
variant CI is NULL and `bootstrap_info.meteor_fixed` lists those tasks.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
from scipy import sparse

from isac.compiler.errors import ScoringError
from isac.runtime.scoring.metric_registry import get_metric

_CHUNK = 16384  # units per sparse product: bounds the dense weight block at resamples x _CHUNK
_NOT_FRAGMENTS = frozenset({"edits"})  # meta keys that describe edits, not pool entries
_VALUES_VIEW = "isac_bootstrap_sums"


@dataclass(frozen=True)
class BootstrapOptions:
    """How to resample. `models` restricts (and orders) the pool; `shared_items` keeps only items
    every selected model has in the cell's (dimension, task)."""

    resamples: int = 1000
    seed: int = 0
    confidence: float = 0.95
    two_way: bool = False
    models: tuple[str, ...] | None = None
    shared_items: bool = False

    def __post_init__(self) -> None:
        if self.resamples < 1:
            raise ScoringError(f"--resamples must be at least 1, got {self.resamples}")
        if not 0.0 < self.confidence < 1.0:
            raise ScoringError(f"--confidence must be between 0 and 1, got {self.confidence}")


@dataclass(frozen=True)
class Level:
    """One level of the views (variants, classes, axes or areas): keys per cell and replicate arrays
    of shape (resamples + 1, cells), row 0 the point estimate."""

    keys: dict[str, np.ndarray]
    values: dict[str, np.ndarray]
    counts: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.keys.values())))

    def key_tuples(self) -> list[tuple[object, ...]]:
        """The cells' keys as tuples, in cell order."""
        return list(zip(*(column.tolist() for column in self.keys.values()), strict=True))


@dataclass(frozen=True)
class Replicates:
    """Bootstrap replicates of every level, computed with one set of weights."""

    options: BootstrapOptions
    variants: Level
    classes: Level
    axes: Level
    areas: Level
    fixed_metrics: tuple[str, ...]  # tasks whose metric is held at its point value
    seconds: float
    items: tuple[str, ...]  # "dataset/item_id", in the column order of item_weights
    item_weights: np.ndarray  # (resamples + 1, items): how often each item was drawn


# ------------------------------------------------------------------------------------------ loading


@dataclass
class _Units:
    """Resampling units of one task: (cell, item[, fragments]) with summed statistics."""

    task: str
    metric: str
    cell: np.ndarray  # index into the task's cells
    item: np.ndarray  # global item index
    fragments: np.ndarray  # (units, slots) global fragment indices, -1 for none
    stats: np.ndarray  # (units, K): n, compliant, metric columns
    columns: list[str]
    cells: list[tuple[str, str, str, str]]  # (model, dimension, class, variant)


def _model_filter(options: BootstrapOptions) -> tuple[str, list[object]]:
    if options.models is None:
        return "", []
    marks = ", ".join("?" for _ in options.models)
    return f" AND ru.model IN ({marks})", list(options.models)


def _load_units(
    connection: duckdb.DuckDBPyConnection,
    options: BootstrapOptions,
    item_index: dict[str, int],
    item_stratum: dict[str, str],
    fragment_index: dict[str, int],
) -> tuple[list[_Units], list[str]]:
    tasks = connection.execute("SELECT task, metric_name FROM tasks ORDER BY task_order, task").fetchall()
    units: list[_Units] = []
    fixed: list[str] = []
    for task, metric_name in tasks:
        metric = get_metric(metric_name)
        columns = [c.name for c in metric.columns if c.summable] if metric.value_sql is not None else []
        totals: np.ndarray | None = None
        if metric.value_sql is None and metric.row_totals is not None and metric.value_of_totals is not None:
            # a Python-aggregated metric that can be resampled: one unit per row, its totals as statistics
            raw = [c.name for c in metric.columns]
            loaded = _load_task(connection, options, task, [], raw_columns=raw)
            if loaded is not None:
                data = loaded[0]
                stored = [_python_values(data[name]) for name in raw]
                totals = metric.row_totals(list(zip(*stored, strict=True)))
                if totals is not None:
                    columns = [f"{metric.name}_total_{k}" for k in range(totals.shape[1])]
                    for k, name in enumerate(columns):
                        data[name] = totals[:, k]
        if metric.value_sql is None and totals is None:
            fixed.append(task)
            loaded = _load_task(connection, options, task, columns)
        elif metric.value_sql is not None:
            loaded = _load_task(connection, options, task, columns)
        if loaded is None:
            continue
        data, cells, items, metas = loaded
        # task-local item and meta codes (dense ranks) map onto the global indices
        local_items = np.empty(len(items), dtype=np.int64)
        for i, (item, stratum) in enumerate(items):
            if item not in item_index:
                item_index[item] = len(item_index)
                item_stratum[item] = stratum
            local_items[i] = item_index[item]
        fragments = _fragment_matrix(task, metas, fragment_index)[
            np.asarray(data["meta_code"], dtype=np.int64)
        ]
        stat_names = ["n", "compliant", *columns]
        stats = np.column_stack(
            [np.nan_to_num(np.asarray(data[name], dtype=np.float64)) for name in stat_names]
        )
        units.append(
            _Units(
                task=task,
                metric=metric_name,
                cell=np.asarray(data["cell"], dtype=np.int64),
                item=local_items[np.asarray(data["item_code"], dtype=np.int64)],
                fragments=fragments,
                stats=stats,
                columns=stat_names,
                cells=cells,
            )
        )
    return units, fixed


def _load_task(
    connection: duckdb.DuckDBPyConnection,
    options: BootstrapOptions,
    task: str,
    columns: Sequence[str],
    raw_columns: Sequence[str] = (),
) -> tuple[dict[str, np.ndarray], list[tuple[str, str, str, str]], list[tuple[str, str]], list[str | None]]:
    """One task's units with integer codes (ranked in DuckDB, so no per-row Python work), and the
    distinct cells, items and metas the codes index. With `raw_columns`, every row is its own unit and
    those stored columns come back as they are (for metrics whose statistics SQL cannot sum)."""
    where, params = _model_filter(options)
    shared, shared_params = "", []
    if options.shared_items and options.models:
        # keep items that every selected model scored in this (dimension, task)
        marks = ", ".join("?" for _ in options.models)
        shared = f"""
            AND (r.dimension, r.dataset, r.item_id) IN (
                SELECT r2.dimension, r2.dataset, r2.item_id FROM row_scores AS s2
                JOIN runs AS ru2 ON ru2.run_id = s2.run_id JOIN rows AS r2 ON r2.id = s2.row_id
                WHERE s2.subtask = ? AND ru2.model IN ({marks})
                GROUP BY ALL HAVING count(DISTINCT ru2.model) = {len(options.models)})"""
        shared_params = [task, *options.models]
    meta = "r.meta::VARCHAR" if options.two_way else "NULL::VARCHAR"
    sums = "".join(f", sum({name})::DOUBLE AS {name}" for name in columns)
    counts = "count(*)::DOUBLE AS n, count(*) FILTER (WHERE s.compliant)::DOUBLE AS compliant"
    grouping = "GROUP BY ALL"
    if raw_columns:
        counts = "1.0::DOUBLE AS n, s.compliant::DOUBLE AS compliant, s.row_id AS row_key"
        sums = "".join(f", s.{name} AS {name}" for name in raw_columns)
        grouping = ""
    base = f"""
        SELECT ru.model, r.dimension, r.variation_class, r.variant,
               coalesce(r.dataset, '') || '/' || coalesce(r.item_id, r.id) AS item,
               coalesce(r.dataset, '') AS stratum, {meta} AS meta,
               {counts}{sums}
        FROM row_scores AS s
        JOIN runs AS ru ON ru.run_id = s.run_id
        JOIN rows AS r ON r.id = s.row_id
        WHERE s.subtask = ?{where}{shared}
        {grouping}
    """
    every = [task, *params, *shared_params]
    # aggregate once into a temporary table (allowed on a read-only database), then rank and list
    connection.execute(f"CREATE OR REPLACE TEMP TABLE isac_bootstrap_units AS {base}", every)
    try:
        data = connection.execute(f"""
            SELECT dense_rank() OVER (ORDER BY model, dimension, variation_class, variant) - 1 AS cell,
                   dense_rank() OVER (ORDER BY item) - 1 AS item_code,
                   dense_rank() OVER (ORDER BY meta) - 1 AS meta_code,
                   n, compliant{"".join(f", {name}" for name in (*columns, *raw_columns))}
            FROM isac_bootstrap_units
        """).fetchnumpy()
        if len(data["n"]) == 0:
            return None
        cells = connection.execute(
            "SELECT DISTINCT model, dimension, variation_class, variant FROM isac_bootstrap_units "
            "ORDER BY ALL"
        ).fetchall()
        items = connection.execute(
            "SELECT item, any_value(stratum) FROM isac_bootstrap_units GROUP BY item ORDER BY item"
        ).fetchall()
        metas = [
            m
            for (m,) in connection.execute(
                "SELECT DISTINCT meta FROM isac_bootstrap_units ORDER BY meta"
            ).fetchall()
        ]
    finally:
        connection.execute("DROP TABLE IF EXISTS isac_bootstrap_units")
    return data, cells, items, metas


def _python_values(column: np.ndarray) -> list[object]:
    """A fetched column as Python values, NULL (masked) as None."""
    mask = np.ma.getmaskarray(column)
    return [
        None if missing else value
        for value, missing in zip(np.ma.getdata(column).tolist(), mask, strict=True)
    ]


def _fragment_matrix(task: str, metas: Sequence[str | None], index: dict[str, int]) -> np.ndarray:
    """(metas, slots) indices of the pool entries each distinct meta drew, -1 padded; a pool is
    (task, kind of fragment)."""
    rows: list[list[int]] = []
    for meta in metas:
        entries: list[int] = []
        for kind, value in sorted((json.loads(meta) if meta else {}).items()):
            if kind in _NOT_FRAGMENTS:
                continue
            entries.append(index.setdefault(f"{task}\x1f{kind}\x1f{value}", len(index)))
        rows.append(entries)
    slots = max((len(row) for row in rows), default=0)
    matrix = np.full((max(len(rows), 1), max(slots, 1)), -1, dtype=np.int64)
    for i, row in enumerate(rows):
        matrix[i, : len(row)] = row
    return matrix


# ------------------------------------------------------------------------------------------ weights


def multinomial_weights(rng: np.random.Generator, groups: Sequence[str], resamples: int) -> np.ndarray:
    """(resamples + 1, len(groups)) weights: row 0 all ones, then a multinomial draw within each group."""
    weights = np.ones((resamples + 1, len(groups)), dtype=np.float64)
    members: dict[str, list[int]] = {}
    for i, group in enumerate(groups):
        members.setdefault(group, []).append(i)
    for group in sorted(members):
        idx = np.asarray(members[group], dtype=np.int64)
        draws = rng.multinomial(len(idx), np.full(len(idx), 1.0 / len(idx)), size=resamples)
        weights[1:, idx] = draws
    return weights


def _fragment_weights(rng: np.random.Generator, index: Mapping[str, int], resamples: int) -> np.ndarray:
    """Weights of every fragment (resampled within its pool) plus a trailing column of ones (padding)."""
    pools = [""] * len(index)
    for key, i in index.items():
        task, kind, _value = key.split("\x1f")
        pools[i] = f"{task}\x1f{kind}"
    weights = multinomial_weights(rng, pools, resamples)
    return np.hstack([weights, np.ones((resamples + 1, 1))])


# ------------------------------------------------------------------------------------------ sums


def _cell_sums(units: _Units, item_w: np.ndarray, fragment_w: np.ndarray | None) -> np.ndarray:
    """(resamples + 1, cells, K) weighted sums of the task's statistics."""
    n_cells, n_stats = len(units.cells), units.stats.shape[1]
    result = np.zeros((n_cells * n_stats, item_w.shape[0]))
    stat_offsets = np.arange(n_stats)
    for start in range(0, len(units.cell), _CHUNK):
        stop = min(start + _CHUNK, len(units.cell))
        weights = item_w[:, units.item[start:stop]]
        if fragment_w is not None:
            for slot in range(units.fragments.shape[1]):
                weights = weights * fragment_w[:, units.fragments[start:stop, slot]]
        count = stop - start
        # row c * K + k of the sparse matrix holds statistic k of the units in cell c
        rows = (units.cell[start:stop, None] * n_stats + stat_offsets[None, :]).ravel()
        cols = np.repeat(np.arange(count), n_stats)
        matrix = sparse.csr_matrix(
            (units.stats[start:stop].ravel(), (rows, cols)), shape=(n_cells * n_stats, count)
        )
        result += matrix @ weights.T
    return result.T.reshape(item_w.shape[0], n_cells, n_stats)


def _metric_values(connection: duckdb.DuckDBPyConnection, units: _Units, sums: np.ndarray) -> np.ndarray:
    """The metric's value_sql evaluated by DuckDB on every (resample, cell) of summed statistics."""
    metric = get_metric(units.metric)
    frame = {name: sums[:, :, k].ravel() for k, name in enumerate(units.columns)}
    connection.register(_VALUES_VIEW, frame)
    try:
        sql = f"SELECT ({metric.sql_value('s')})::DOUBLE AS v FROM {_VALUES_VIEW} AS s"
        values = connection.execute(sql).fetchnumpy()["v"]
    finally:
        connection.unregister(_VALUES_VIEW)
    values = np.ma.filled(np.ma.asarray(values, dtype=np.float64), np.nan)
    return np.asarray(values, dtype=np.float64).reshape(sums.shape[0], sums.shape[1])


def _fixed_values(connection: duckdb.DuckDBPyConnection, units: _Units, resamples: int) -> np.ndarray:
    """Python-aggregated metrics (METEOR): the materialised point value in every resample."""
    found = {
        (m, d, c, v): value
        for m, d, c, v, value in connection.execute(
            "SELECT model, dimension, variation_class, variant, value FROM group_scores "
            "WHERE task = ? AND metric_name = ?",
            [units.task, units.metric],
        ).fetchall()
    }
    point = np.array([np.nan if found.get(cell) is None else found[cell] for cell in units.cells])
    return np.broadcast_to(point, (resamples + 1, len(units.cells))).copy()


# ------------------------------------------------------------------------------------------ levels


def _group_mean(values: np.ndarray, groups: np.ndarray, n_groups: int) -> np.ndarray:
    """Per resample, the mean of the non-NaN values of each group (NaN when a group has none)."""
    present = ~np.isnan(values)
    one_hot = np.zeros((values.shape[1], n_groups))
    one_hot[np.arange(values.shape[1]), groups] = 1.0
    totals = np.where(present, values, 0.0) @ one_hot
    counts = present.astype(np.float64) @ one_hot
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, totals / np.where(counts > 0, counts, 1.0), np.nan)


def _index(keys: Sequence[tuple[object, ...]]) -> tuple[list[tuple[object, ...]], np.ndarray]:
    distinct = sorted(set(keys), key=lambda key: tuple(str(part) for part in key))
    position = {key: i for i, key in enumerate(distinct)}
    return distinct, np.fromiter((position[key] for key in keys), dtype=np.int64, count=len(keys))


def _columns(keys: Sequence[tuple[object, ...]], names: Sequence[str]) -> dict[str, np.ndarray]:
    return {name: np.array([key[i] for key in keys], dtype=object) for i, name in enumerate(names)}


def _distinct_items(cell_groups: np.ndarray, unit_cells: np.ndarray, unit_items: np.ndarray) -> np.ndarray:
    """Distinct items per group, given each unit's cell and each cell's group."""
    groups = cell_groups[unit_cells]
    width = int(unit_items.max(initial=0)) + 1
    keys = np.sort(groups * width + unit_items)  # a sort is faster than np.unique's hashing here
    pairs = keys[np.concatenate(([True], keys[1:] != keys[:-1]))] if len(keys) else keys
    return np.bincount(pairs // width, minlength=int(cell_groups.max(initial=-1)) + 1)


def compute_replicates(
    connection: duckdb.DuckDBPyConnection, options: BootstrapOptions = BootstrapOptions()
) -> Replicates:
    """Bootstrap every level of the views on an open scoring database (read-only use)."""
    started = time.perf_counter()
    rng = np.random.default_rng(options.seed)
    item_index: dict[str, int] = {}
    item_stratum: dict[str, str] = {}
    fragment_index: dict[str, int] = {}
    all_units, fixed = _load_units(connection, options, item_index, item_stratum, fragment_index)
    if not all_units:
        raise ScoringError("nothing to bootstrap: the database has no scored rows for the selected models")
    items = sorted(item_index, key=item_index.__getitem__)
    item_w = multinomial_weights(rng, [item_stratum[item] for item in items], options.resamples)
    fragment_w = _fragment_weights(rng, fragment_index, options.resamples) if options.two_way else None

    higher = dict(connection.execute("SELECT task, higher_is_better FROM tasks").fetchall())
    variant_keys: list[tuple[object, ...]] = []
    ifr_parts, value_parts, n_parts, items_parts = [], [], [], []
    unit_cells, unit_items = [], []
    for units in all_units:
        sums = _cell_sums(units, item_w, fragment_w)
        with np.errstate(invalid="ignore", divide="ignore"):
            ifr_parts.append(100.0 * sums[:, :, 1] / sums[:, :, 0])
        metric = get_metric(units.metric)
        if units.task in fixed:
            value_parts.append(_fixed_values(connection, units, options.resamples))
        elif metric.value_sql is None and metric.value_of_totals is not None:
            value_parts.append(metric.value_of_totals(sums[:, :, 2:]))  # n, compliant, then the totals
        else:
            value_parts.append(_metric_values(connection, units, sums))
        n_parts.append(sums[0, :, 0])
        offset = len(variant_keys)
        unit_cells.append(units.cell + offset)
        unit_items.append(units.item)
        variant_keys.extend((m, d, c, v, units.task) for m, d, c, v in units.cells)
        items_parts.append(_distinct_items(np.arange(len(units.cells)), units.cell, units.item))
    all_cells = np.concatenate(unit_cells)
    all_items = np.concatenate(unit_items)
    variant_ifr = np.hstack(ifr_parts)
    variant_value = np.hstack(value_parts)
    variants = Level(
        keys=_columns(variant_keys, ("model", "dimension", "variation_class", "variant", "task")),
        values={"ifr": variant_ifr, "value": variant_value},
        counts={"items": np.concatenate(items_parts), "n": np.concatenate(n_parts)},
    )

    # classes: unweighted mean over the class's variants (class_scores)
    class_keys, class_of = _index([(m, d, c, t) for m, d, c, _v, t in variant_keys])
    class_ifr = _group_mean(variant_ifr, class_of, len(class_keys))
    class_value = _group_mean(variant_value, class_of, len(class_keys))
    class_rps = _rps(class_keys, class_value, higher)
    classes = Level(
        keys=_columns(class_keys, ("model", "dimension", "variation_class", "task")),
        values={"ifr": class_ifr, "value": class_value, "rps": class_rps},
        counts={
            "items": _distinct_items(class_of, all_cells, all_items),
            "n": np.bincount(class_of, weights=variants.counts["n"], minlength=len(class_keys)),
        },
    )

    # axes: mean over the model's tasks in the class, for classes that are radar axes (axis_scores)
    axis_order = {
        c: (d, i)
        for c, d, i in connection.execute(
            "SELECT variation_class, dimension, axis_index FROM axes"
        ).fetchall()
    }
    on_axis = np.array([key[2] in axis_order for key in class_keys], dtype=bool)
    axis_keys, axis_of = _index(
        [(k[0], k[1], k[2], axis_order[k[2]][1]) for k in class_keys if k[2] in axis_order]
    )
    axis_ifr = _group_mean(class_ifr[:, on_axis], axis_of, len(axis_keys))
    axis_rps = _group_mean(class_rps[:, on_axis], axis_of, len(axis_keys))
    class_to_axis = np.full(len(class_keys), -1)
    class_to_axis[np.flatnonzero(on_axis)] = axis_of
    axis_cells = class_to_axis[class_of]
    keep = axis_cells[all_cells] >= 0
    axes = Level(
        keys=_columns(axis_keys, ("model", "dimension", "variation_class", "axis_index")),
        values={"ifr": axis_ifr, "rps": axis_rps},
        counts={
            "items": _distinct_items(np.maximum(axis_cells, 0), all_cells[keep], all_items[keep])
            if keep.any()
            else np.zeros(len(axis_keys), dtype=np.int64),
            "tasks": np.bincount(axis_of, minlength=len(axis_keys)),
        },
    )
    areas = _areas(connection, options, axis_keys, axis_ifr, axis_rps, axis_order)
    return Replicates(
        options=options,
        variants=variants,
        classes=classes,
        axes=axes,
        areas=areas,
        fixed_metrics=tuple(fixed),
        seconds=time.perf_counter() - started,
        items=tuple(items),
        item_weights=item_w,
    )


def _rps(
    class_keys: Sequence[tuple[object, ...]], values: np.ndarray, higher: Mapping[str, bool]
) -> np.ndarray:
    """RPS per resample: the class value against the best model's for the same (class, task)."""
    rps = np.full_like(values, np.nan)
    groups: dict[tuple[object, object], list[int]] = {}
    for i, (_model, _dimension, variation_class, task) in enumerate(class_keys):
        groups.setdefault((variation_class, task), []).append(i)
    for (_variation_class, task), members in groups.items():
        block = values[:, members]
        better = bool(higher.get(str(task), True))
        with np.errstate(invalid="ignore", divide="ignore"), _all_nan_ok():
            best = np.nanmax(block, axis=1) if better else np.nanmin(block, axis=1)
            ratio = block / best[:, None] if better else best[:, None] / block
        ratio = np.where(block == best[:, None], 1.0, ratio)
        rps[:, members] = np.where(np.isnan(block), np.nan, ratio)
    return rps


class _all_nan_ok:
    """Silence numpy's all-NaN slice warning (a class no model has a value for stays NaN)."""

    def __enter__(self) -> None:
        import warnings

        self._catch = warnings.catch_warnings()
        self._catch.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc: object) -> None:
        self._catch.__exit__(*exc)


def _areas(
    connection: duckdb.DuckDBPyConnection,
    options: BootstrapOptions,
    axis_keys: Sequence[tuple[object, ...]],
    axis_ifr: np.ndarray,
    axis_rps: np.ndarray,
    axis_order: Mapping[str, tuple[str, int]],
) -> Level:
    """Radar areas per model (area_ratios): radii clamped to [0, 1], a missing axis is 0."""
    where, params = _model_filter(options)
    models = [
        m
        for (m,) in connection.execute(
            f"SELECT DISTINCT model FROM runs AS ru WHERE true{where} ORDER BY 1", params
        ).fetchall()
    ]
    ordered = sorted(axis_order, key=lambda c: axis_order[c][1])
    position = {c: i for i, c in enumerate(ordered)}
    model_pos = {m: i for i, m in enumerate(models)}
    shape = (axis_ifr.shape[0], len(models), len(ordered))
    radius_ifr, radius_rps = np.zeros(shape), np.zeros(shape)
    present = np.zeros(len(models), dtype=np.int64)
    for j, (model, _dimension, variation_class, _axis) in enumerate(axis_keys):
        if model not in model_pos:
            continue
        m, a = model_pos[model], position[str(variation_class)]
        radius_ifr[:, m, a] = np.nan_to_num(axis_ifr[:, j] / 100.0)
        radius_rps[:, m, a] = np.nan_to_num(axis_rps[:, j])
        present[m] += 1
    values = {}
    for name, radii in (("ifr_area", radius_ifr), ("rps_area", radius_rps)):
        radii = np.clip(radii, 0.0, 1.0)
        if len(ordered):
            values[name] = 100.0 * (radii * np.roll(radii, -1, axis=2)).sum(axis=2) / len(ordered)
        else:
            values[name] = np.zeros(shape[:2])
    return Level(keys={"model": np.array(models, dtype=object)}, values=values, counts={"axes": present})


# ------------------------------------------------------------------------------------------ tables

CI_TABLES: tuple[str, ...] = ("metric_if_ci", "class_scores_ci", "axis_scores_ci", "area_ratios_ci")


def interval(replicates: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval over the resamples (rows 1..B) of every cell; NaN where all are NaN."""
    tail = 100.0 * (1.0 - confidence) / 2.0
    with _all_nan_ok():
        low, high = np.nanpercentile(replicates[1:], [tail, 100.0 - tail], axis=0)
    return low, high


def level_table(level: Level, confidence: float) -> dict[str, np.ndarray]:
    """Keys, counts, and for each value its point estimate, lower and upper bound."""
    table: dict[str, np.ndarray] = dict(level.keys)
    table.update({name: np.asarray(column) for name, column in level.counts.items()})
    for name, replicates in level.values.items():
        low, high = interval(replicates, confidence)
        table[name] = replicates[0]
        table[f"{name}_lo"] = low
        table[f"{name}_hi"] = high
    return table


def write_ci_tables(connection: duckdb.DuckDBPyConnection, replicates: Replicates) -> None:
    """Replace the `*_ci` tables and the `bootstrap_info` line with these replicates' intervals."""
    confidence = replicates.options.confidence
    levels = zip(
        CI_TABLES,
        (replicates.variants, replicates.classes, replicates.axes, replicates.areas),
        strict=True,
    )
    connection.execute("BEGIN TRANSACTION")
    try:
        for name, level in levels:
            frame = {k: _nullable(v) for k, v in level_table(level, confidence).items()}
            connection.register("isac_ci_frame", frame)
            try:
                connection.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM isac_ci_frame")
            finally:
                connection.unregister("isac_ci_frame")
        options = replicates.options
        connection.execute(
            "CREATE OR REPLACE TABLE bootstrap_info (method VARCHAR, resamples BIGINT, seed BIGINT, "
            "confidence DOUBLE, models VARCHAR[], meteor_fixed VARCHAR[], seconds DOUBLE, "
            "created_at TIMESTAMP)"
        )
        connection.execute(
            "INSERT INTO bootstrap_info VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)",
            [
                "items x fragments" if options.two_way else "items",
                options.resamples,
                options.seed,
                confidence,
                list(replicates.areas.keys["model"].tolist()),
                list(replicates.fixed_metrics),
                replicates.seconds,
            ],
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _nullable(column: np.ndarray) -> np.ndarray:
    """NaN becomes NULL in DuckDB (an object column with None)."""
    if column.dtype.kind == "f" and np.isnan(column).any():
        out = column.astype(object)
        out[np.isnan(column)] = None
        return out
    return column
