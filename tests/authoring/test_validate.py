"""Each validation rule refuses exactly its case, and the shipped pools pass their own rules."""

from __future__ import annotations

import pytest

from isac.compiler.authoring.pools import POOL_NAMES, pool_fragments
from isac.compiler.authoring.similarity import NEAR_DUPLICATE, jaccard, ngrams, normalise
from isac.compiler.authoring.validate import RULES, PoolValidator, validate_all
from isac.compiler.spec import load_spec

from .helpers import SCRIPTED, SPEC_DIR

SPEC = load_spec(SPEC_DIR)
CASES = [(task, pool, text, rules) for (task, pool), items in SCRIPTED.items() for text, rules in items]


@pytest.mark.parametrize(("task", "pool", "text", "rules"), CASES, ids=[repr(c[2])[:40] for c in CASES])
def test_each_rule_rejects_exactly_its_case(task: str, pool: str, text: str, rules: tuple[str, ...]) -> None:
    [found] = validate_all(SPEC.tasks[task], pool, [text])
    assert tuple(rejection.rule for rejection in found) == rules
    assert all(rejection.reason for rejection in found)


def test_every_rule_has_a_scripted_case() -> None:
    covered = {rule for *_, rules in CASES for rule in rules}
    assert covered == set(RULES)


def test_a_candidate_is_compared_with_earlier_accepted_ones_not_with_rejected_ones() -> None:
    task = SPEC.tasks["ASR"]
    results = validate_all(
        task,
        "task_descriptions",
        ["Write out the words spoken by the narrator.", "Write out the words spoken by the narrator",
         "write out the words spoken by the narrator", "Write out all the words spoken by the narrator"],
    )  # fmt: skip
    assert [[r.rule for r in found] for found in results] == [
        ["length"],
        [],
        ["duplicate"],
        ["near_duplicate"],
    ]


def test_pending_accepted_candidates_count_as_existing() -> None:
    [found] = validate_all(
        SPEC.tasks["ASR"], "task_descriptions", ["Note down every word"], accepted=["note down every word"]
    )
    assert [r.rule for r in found] == ["duplicate"]


@pytest.mark.parametrize("pool", POOL_NAMES)
def test_the_shipped_pools_pass_their_own_rules(pool: str) -> None:
    for task in SPEC.tasks.values():
        fragments = pool_fragments(task, pool)
        validator = PoolValidator(task, pool)  # built once per pool: building it reads the whole pool
        seen, normalised = list(validator._seen), dict(validator._normalised)
        for index, text in enumerate(fragments):
            # judge the fragment against the rest of its pool, not against itself
            validator._seen = [(other, grams) for other, grams in seen if other != text]
            validator._normalised = {k: v for k, v in normalised.items() if k != normalise(text)}
            assert validator.check(text) == [], (task.task, pool, index, text)


def test_similarity_threshold_separates_rewordings_from_copies() -> None:
    copy = jaccard(
        ngrams("Transcribe the speech in this recording"), ngrams("Transcribe the speech in the recording")
    )
    reworded = jaccard(
        ngrams("Transcribe the speech in this recording"), ngrams("Write down what the speaker says")
    )
    assert copy >= NEAR_DUPLICATE > reworded
