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
