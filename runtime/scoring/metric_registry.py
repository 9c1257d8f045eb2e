"""The metric registry: metric name (as a task's YAML writes it) -> `MetricDefinition`.

Built-in metrics (the modules of `isac.runtime.scoring.metrics` that define `METRIC`) are imported only
when used; a separate package adds one through the `isac.metrics`
entry point group (`mymetric = "mypkg.metric:METRIC"`). The database tables and the `metric_if` view
are generated from every registered metric (see `isac.runtime.scoring.db.schema`).
"""

from __future__ import annotations

from isac.compiler.errors import ScoringError
from isac.compiler.registry import Registry
from isac.runtime.scoring.metrics.definition import MetricDefinition, StatColumn

# Every module of isac.runtime.scoring.metrics defining `METRIC` is the metric of its module's name
# (wer, bleu, accuracy, meteor): a new metric is one module there, or one entry point elsewhere.
METRICS: Registry[MetricDefinition] = Registry(
    "metric", "isac.metrics", {}, error=ScoringError, convention=("isac.runtime.scoring.metrics", "METRIC")
)


def get_metric(name: str) -> MetricDefinition:
    """The metric registered as `name` (ScoringError listing the known metrics otherwise)."""
    metric = METRICS.get(name)
    if not isinstance(metric, MetricDefinition) or metric.name != name:
        raise ScoringError(f"metric {name!r}: its registry entry is not a MetricDefinition named {name!r}")
    return metric


def all_metrics() -> tuple[MetricDefinition, ...]:
    """Every registered metric, by name."""
    return tuple(get_metric(name) for name in METRICS.names())


def stat_columns() -> tuple[StatColumn, ...]:
    """The `row_scores` statistic columns of every registered metric, in registry order."""
    columns: dict[str, StatColumn] = {}
    for metric in all_metrics():
        for column in metric.columns:
            if column.name in columns:
                raise ScoringError(f"metric {metric.name!r}: column {column.name!r} is declared twice")
            columns[column.name] = column
    return tuple(columns.values())
