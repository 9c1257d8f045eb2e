"""The published leaderboard plus added models: which models are pooled, which are printed.

The official `calc_area` pools every model it loads (the 11 published keys, including the two
unreported `-modified` re-scorings, plus the tested model) for the RPS reference values, but prints
only the 9 reported models and the tested one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from isac.compiler.errors import ScoringError
from isac.runtime.isa_v1.aggregate import ModelScore, score_models
from isac.runtime.isa_v1.merged import ModelMetrics, load_published

# The reported models, in the order the official script lists them.
REPORTED_MODELS: tuple[str, ...] = (
    "desta2.5-audio",
    "gemini-2.5-pro",
    "qwen2.5_omni",
    "gpt-4o-audio-preview",
    "qwen2_audio",
    "kimi-audio",
    "phi4-multimodal-instruct",
    "salmonn",
    "wavllm",
)


@dataclass(frozen=True)
class Leaderboard:
    """Printed rows (with RPS against the whole pool) and the names of every pooled model."""

    rows: tuple[ModelScore, ...]
    pool: tuple[str, ...]

    def as_json(self) -> dict[str, dict[str, float]]:
        """{"ifr_area": {model: value}, "rps_area": {model: value}} in row order."""
        return {
            "ifr_area": {row.model: row.ifr_area for row in self.rows},
            "rps_area": {row.model: row.rps_area for row in self.rows},
        }


def build_leaderboard(published: bool, added: Sequence[Mapping[str, ModelMetrics]]) -> Leaderboard:
    """Pool the published models (if asked) and the added ones; print reported + added models.

    An added model with a published name replaces the published entry (as the official script does).
    """
    pool: dict[str, ModelMetrics] = dict(load_published()) if published else {}
    printed: list[str] = list(REPORTED_MODELS) if published else []
    for models in added:
        for name, metrics in models.items():
            pool[name] = metrics
            if name not in printed:
                printed.append(name)
    if not printed:
        raise ScoringError("nothing to rank: pass --published and/or --add FILE / --db FILE")
    return Leaderboard(rows=tuple(score_models(pool, printed)), pool=tuple(pool))


# ------------------------------------------------------------------------------------ honest board

ISA_V1_FORMULA = "isa-v1: value / (best + 1e-6), best / (WER + 1e-6), rounded as the official script"
ISAC_FORMULA = "isac: value / best (best / value for WER), as the `rps` and `area_ratios` views"


@dataclass(frozen=True)
class BoardRow:
    """One printed model: its areas, where they come from and against which pool RPS was taken."""

    model: str
    ifr_area: float
    rps_area: float
    source: str  # published | file | database
    pool: tuple[str, ...]
    formula: str
    comparable_with_paper: bool | None = None  # None: not known (published values are the paper's)
    ifr_ci: tuple[float, float] | None = None
    rps_ci: tuple[float, float] | None = None

    def as_json(self) -> dict[str, object]:
        """The row as a JSON-ready dict."""
        return {
            "model": self.model,
            "ifr_area": self.ifr_area,
            "rps_area": self.rps_area,
            "ifr_area_ci": list(self.ifr_ci) if self.ifr_ci else None,
            "rps_area_ci": list(self.rps_ci) if self.rps_ci else None,
            "source": self.source,
            "rps_pool": list(self.pool),
            "rps_formula": self.formula,
            "comparable_with_paper": self.comparable_with_paper,
        }


@dataclass(frozen=True)
class DatabaseModels:
    """What the leaderboard needs from an isac database: its models in the official merged format, their
    areas from the views (with CIs when `isac bootstrap` ran) and their provenance."""

    merged: Mapping[str, ModelMetrics]
    areas: Mapping[str, tuple[float, float]]
    cis: Mapping[str, tuple[tuple[float, float], tuple[float, float]]]
    comparable: Mapping[str, bool]
    provenance: Sequence[Mapping[str, object]]


@dataclass(frozen=True)
class Board:
    """The printed rows and the provenance of the database models."""

    rows: tuple[BoardRow, ...]
    provenance: Sequence[Mapping[str, object]] = ()

    def as_json(self) -> dict[str, object]:
        """Areas keyed by model (as before), every row in full, provenance, and what is not comparable."""
        return {
            "ifr_area": {row.model: row.ifr_area for row in self.rows},
            "rps_area": {row.model: row.rps_area for row in self.rows},
            "rows": [row.as_json() for row in self.rows],
            "not_comparable_with_paper": [r.model for r in self.rows if r.comparable_with_paper is False],
            "provenance": list(self.provenance),
        }


def compose_board(
    published: bool,
    added: Sequence[Mapping[str, ModelMetrics]],
    database: DatabaseModels | None,
    *,
    joint_pool: bool = False,
    profile: str = "default",
) -> Board:
    """The leaderboard without silent rescaling.

    Published models keep their published values (RPS against the published pool). Added merged files
    are scored with the isa-v1 formula against the published pool plus the added models. Database models
    use the views (`area_ratios`, RPS against the database's models) under the default profile, or the
    isa-v1 formula against the database's models under `profile="isa-v1"`. `joint_pool=True` recomputes
    every RPS, published ones included, with the isa-v1 formula over one pool of every model.
    """
    files: dict[str, ModelMetrics] = {}
    for models in added:
        files.update(models)
    db_merged = dict(database.merged) if database else {}
    if not published and not files and not db_merged:
        raise ScoringError("nothing to rank: pass --published and/or --add FILE / --db FILE")
    comparable = dict(database.comparable) if database else {}
    rows: list[BoardRow] = []
    if joint_pool:
        pool: dict[str, ModelMetrics] = dict(load_published()) if published else {}
        pool.update(files)
        pool.update(db_merged)
        printed = [*(REPORTED_MODELS if published else ()), *files, *db_merged]
        printed = list(dict.fromkeys(printed))
        for score in score_models(pool, printed):
            source = (
                "database" if score.model in db_merged else "file" if score.model in files else "published"
            )
            rows.append(
                BoardRow(
                    score.model,
                    score.ifr_area,
                    score.rps_area,
                    source,
                    tuple(pool),
                    ISA_V1_FORMULA,
                    comparable.get(score.model),
                )
            )
        return Board(tuple(rows), database.provenance if database else ())
    published_pool = dict(load_published()) if published else {}
    if published:
        for score in score_models(published_pool, REPORTED_MODELS):
            rows.append(
                BoardRow(
                    score.model,
                    score.ifr_area,
                    score.rps_area,
                    "published",
                    tuple(published_pool),
                    ISA_V1_FORMULA,
                )
            )
    if files:
        pool = {**published_pool, **files}
        for score in score_models(pool, list(files)):
            rows.append(
                BoardRow(score.model, score.ifr_area, score.rps_area, "file", tuple(pool), ISA_V1_FORMULA)
            )
    if database and db_merged:
        names = tuple(db_merged)
        if profile == "isa-v1":
            for score in score_models(db_merged, list(names)):
                rows.append(
                    BoardRow(
                        score.model,
                        score.ifr_area,
                        score.rps_area,
                        "database",
                        names,
                        ISA_V1_FORMULA,
                        comparable.get(score.model),
                    )
                )
        else:
            for name in names:
                ifr, rps = database.areas[name]
                ci = database.cis.get(name)
                rows.append(
                    BoardRow(
                        name,
                        ifr,
                        rps,
                        "database",
                        names,
                        ISAC_FORMULA,
                        comparable.get(name),
                        ci[0] if ci else None,
                        ci[1] if ci else None,
                    )
                )
    return Board(tuple(rows), database.provenance if database else ())
