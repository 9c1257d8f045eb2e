"""Aggregation on the shipped published leaderboard: class values, axes, RPS and area ratios."""

from __future__ import annotations

import numpy as np
import pytest

from isac.runtime.isa_v1 import aggregate as agg
from isac.runtime.isa_v1.leaderboard import REPORTED_MODELS, build_leaderboard
from isac.runtime.isa_v1.merged import load_published

# The two tables of the official README ("IFR area-ratio score" and "RPS area-ratio score").
README_IFR_AREA = {
    "desta2.5-audio": 70.3,
    "gemini-2.5-pro": 63.1,
    "gpt-4o-audio-preview": 56.2,
    "qwen2.5_omni": 55.9,
    "qwen2_audio": 41.6,
    "kimi-audio": 30.6,
    "phi4-multimodal-instruct": 26.5,
    "salmonn": 22.7,
    "wavllm": 7.3,
}
README_RPS_AREA = {
    "gemini-2.5-pro": 52.5,
    "desta2.5-audio": 50.5,
    "qwen2.5_omni": 44.8,
    "gpt-4o-audio-preview": 38.6,
    "qwen2_audio": 36.1,
    "kimi-audio": 33.2,
    "phi4-multimodal-instruct": 12.9,
    "salmonn": 7.5,
    "wavllm": 3.3,
}


@pytest.fixture(scope="module")
def published():  # type: ignore[no-untyped-def]
    return load_published()


def test_published_file_has_the_eleven_keys(published) -> None:  # type: ignore[no-untyped-def]
    assert len(published) == 11
    assert {"qwen2_audio-modified", "gemini-2.5-pro-modified"} <= set(published)
    assert published["gpt-4o-audio-preview"].n == {}


def test_every_published_area_equals_the_readme(published) -> None:  # type: ignore[no-untyped-def]
    board = build_leaderboard(True, []).as_json()
    assert board["ifr_area"] == README_IFR_AREA
    assert board["rps_area"] == README_RPS_AREA
    assert list(board["ifr_area"]) == list(REPORTED_MODELS)  # the -modified keys are pooled, not printed


def test_class_values_by_hand(published) -> None:  # type: ignore[no-untyped-def]
    q = agg.class_values(published["qwen2_audio"])
    # D S2TT case = mean(lower_case, upper_case) rounded to 2: IFR (66.32 + 69.95) / 2 = 68.135, which is
    # 68.13499999... in binary, so Python round gives 68.13 (the README prints 68.13 / 23.38);
    # BLEU (22.54 + 24.22) / 2 = 23.38.
    assert q["D-case"]["s2tt"]["ifr"] == 68.13
    assert q["D-case"]["s2tt"]["bleu"] == 23.38
    # D AAC case: METEOR (0.1103 + 0.1043) / 2 = 0.1073 -> 0.11 (rounded to 2 like every field).
    assert q["D-case"]["aac"]["METEOR"] == 0.11
    # D ASR case is the pooled "case" entry as stored (93.99 / 9.07), not a mean.
    assert q["D-case"]["asr"] == {"ifr": 93.99, "wer": 9.07}
    # F decoration for SER: (25.87 + 9.02 + 20.63) / 3 = 18.5066... -> 18.51 (README 18.51 / 9.77:
    # acc (13.05 + 4.67 + 11.6) / 3 = 9.7733 -> 9.77).
    assert q["F-decoration"]["ser"] == {"ifr": 18.51, "acc": 9.77}
    # F case has no S2TT entry.
    assert "s2tt" not in q["F-case"]


def test_ifr_axes_by_hand(published) -> None:  # type: ignore[no-untyped-def]
    axes = agg.ifr_axes(published["wavllm"])
    # D-default over wavllm's tasks in stored order asr, gr, ser, s2tt (no AAC):
    # (14.89 + 4.08 + 81.79 + 31.74) / 4 = 132.5 / 4 = 33.125 -> binary 33.12499... -> 33.12.
    assert axes["D-default"] == 33.12
    # F-json: every task 0.0 -> 0.0; F-constrain: (99.2 + 4.54 + 16.68 + 95.89) / 4 = 54.0775 -> 54.08.
    assert axes["F-json"] == 0.0
    assert axes["F-constrain"] == 54.08
    # N-2-task: (0.0 + 0.08 + 0.08) / 3 = 0.0533 -> 0.05.
    assert axes["N-2-task"] == 0.05
    # gpt-4o has no N results: both N axes are 0.
    gpt = agg.ifr_axes(published["gpt-4o-audio-preview"])
    assert gpt["N-2-task"] == gpt["N-3-task"] == 0.0


def test_rps_axis_by_hand(published) -> None:  # type: ignore[no-untyped-def]
    pool = agg.ReferencePool.of(published)
    axes = agg.rps_axes(published["qwen2_audio"], pool)
    # D-default, tasks in the order asr, gr, ser, s2tt, aac:
    #   ASR WER 10.4 is the pool minimum: 10.4 / (10.4 + 1e-6) = 0.9999999 -> 1.0
    #   GR ACC 89.24 / (92.75 + 1e-6) = 0.9622 -> 0.96      SER 64.87 / (74.62 + 1e-6) = 0.8693 -> 0.87
    #   S2TT BLEU 22.16 / (39.22 + 1e-6) = 0.5650 -> 0.57
    #   AAC METEOR 0.1179 / (0.1311 + 1e-6) = 0.8993 -> 0.9
    #   mean (1.0 + 0.96 + 0.87 + 0.57 + 0.9) / 5 = 0.86
    assert axes["D-default"] == 0.86
    assert agg.relative_score(89.24, [92.75, 1.98], lower_is_better=False) == 0.96
    assert agg.relative_score(10.4, [10.4, 87.45], lower_is_better=True) == 1.0


def test_numpy_rounding_differs_from_python() -> None:
    # The RPS side rounds numpy float64 values (half to even after scaling), the IFR side Python floats.
    assert agg.numpy_round(0.8250000000000001, 2) == 0.82
    assert round(0.8250000000000001, 2) == 0.83
    assert agg.numpy_round(np.float64(0.125), 2) == 0.12


def test_rps_task_order_moves_published_areas(published, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The official mean visits asr, gr, ser, s2tt, aac; summing in another order changes the last bit of
    # two means and, through the 2-decimal roundings, kimi-audio's and salmonn's published RPS areas.
    monkeypatch.setattr(agg, "RPS_TASK_ORDER", ("asr", "s2tt", "aac", "ser", "gr"))
    rows = {row.model: row.rps_area for row in agg.score_models(published, ["kimi-audio", "salmonn"])}
    assert rows == {"kimi-audio": 33.1, "salmonn": 7.6}


def test_modified_entries_set_reference_values(published) -> None:  # type: ignore[no-untyped-def]
    without = {name: model for name, model in published.items() if not name.endswith("-modified")}
    pooled = {row.model: row.rps_area for row in agg.score_models(published, list(REPORTED_MODELS))}
    alone = {row.model: row.rps_area for row in agg.score_models(without, list(REPORTED_MODELS))}
    assert pooled != alone
    assert pooled == README_RPS_AREA


def test_area_ratio_geometry() -> None:
    assert agg.area_ratio([1.0] * 11) == pytest.approx(1.0)
    assert agg.area_ratio([0.5] * 11) == pytest.approx(0.25)
    # Closed form: sum r_i r_(i+1) / 11; one zero axis removes two of the eleven products.
    radii = [1.0] * 10 + [0.0]
    assert agg.area_ratio(radii) == pytest.approx(9 / 11)
