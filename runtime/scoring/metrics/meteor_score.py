"""METEOR 1.5's score of summed statistics, vectorised, for resampling without the jar.

The jar (`-l en -norm`, default task parameters alpha 0.85, beta 0.20, gamma 0.60, delta 0.75, module
weights exact 1.0, stem 0.6, synonym 0.8, paraphrase 0.6) turns a statistics vector into a score with a
closed formula (Denkowski and Lavie, 2014): content/function-weighted precision and recall over the four
matcher stages, their harmonic mean weighted by alpha, and a fragmentation penalty gamma * frag^beta with
frag = chunks / mean(matched test words, matched reference words). Exact scoring still asks the jar
(`Meteor15.score_from_totals`); this module reproduces it to floating-point precision (tested against the
jar) so the bootstrap can score thousands of resampled totals at once. Vectors of width 2 are the
nltk-approx fallback's (score sum, count): their value is the mean.
"""

from __future__ import annotations

import numpy as np

ALPHA, BETA, GAMMA, DELTA = 0.85, 0.20, 0.60, 0.75
STAGE_WEIGHTS = np.array([1.0, 0.6, 0.8, 0.6])  # exact, stem, synonym, paraphrase
JAR_WIDTH = 23


def meteor_of_totals(totals: np.ndarray) -> np.ndarray:
    """Scores of summed `MeteorStats.summable()` vectors: shape (..., 23) for the jar, (..., 2) nltk."""
    t = np.asarray(totals, dtype=np.float64)
    if t.shape[-1] == 2:
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(t[..., 1] > 0, t[..., 0] / t[..., 1], np.nan)
    if t.shape[-1] != JAR_WIDTH:
        raise ValueError(f"METEOR totals need 23 (jar) or 2 (nltk) values, got {t.shape[-1]}")
    test_len, ref_len, test_function, ref_function = t[..., 0], t[..., 1], t[..., 2], t[..., 3]
    stages = t[..., 4:20].reshape((*t.shape[:-1], 4, 4))
    test_content, ref_content = stages[..., 0], stages[..., 1]
    test_fn_matches, ref_fn_matches = stages[..., 2], stages[..., 3]
    chunks, test_words, ref_words = t[..., 20], t[..., 21], t[..., 22]
    p_num = (STAGE_WEIGHTS * (DELTA * test_content + (1 - DELTA) * test_fn_matches)).sum(-1)
    r_num = (STAGE_WEIGHTS * (DELTA * ref_content + (1 - DELTA) * ref_fn_matches)).sum(-1)
    p_den = DELTA * (test_len - test_function) + (1 - DELTA) * test_function
    r_den = DELTA * (ref_len - ref_function) + (1 - DELTA) * ref_function
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(p_den > 0, p_num / p_den, 0.0)
        recall = np.where(r_den > 0, r_num / r_den, 0.0)
        positive = (precision > 0) & (recall > 0)
        fmean = np.where(positive, precision * recall / (ALPHA * precision + (1 - ALPHA) * recall), 0.0)
        mean_matches = (test_words + ref_words) / 2
        fragmentation = np.where(mean_matches > 0, chunks / mean_matches, 0.0)
        penalty = GAMMA * fragmentation**BETA
    return np.where(fmean > 0, fmean * (1 - penalty), 0.0)
