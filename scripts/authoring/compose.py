"""Compose candidates for the isac 1.1 pools from the phrase banks, keep those the validator accepts.

    python scripts/authoring/compose.py OUT_DIR

writes OUT_DIR/<task>.<pool>.json (a JSON array per pool) holding, in a fixed shuffled order, the first
candidates that pass every rule of `isac.compiler.authoring.validate` against the shipped pool, up to
the target size. The files are then fed to `isac author TASK POOL --from-file FILE` (which validates
them again and records provenance) and merged with `isac author accept`.
"""

from __future__ import annotations

import itertools
import json
import random
import sys
from pathlib import Path

from banks import (
    BANKS,
    GENERIC_LEADS,
    LABEL_FRAMES,
    OPENS,
    POLITE,
    PREFIX_FRAMES,
    RESPOND,
    STOPS,
    TARGETS,
)

from isac.compiler.authoring.pools import pool_fragments
from isac.compiler.authoring.validate import PoolValidator
from isac.compiler.spec import load_spec

TARGET = {
    "task_descriptions": 84,
    "format_descriptions": 64,
    "rewrites.simple": 208,
    "rewrites.neutral": 208,
    "rewrites.complex": 208,
}
WH_VERBS = {"Determine", "Work", "Figure", "Tell", "Judge", "Assess", "Infer", "Establish", "Find", "Decide"}
SHORT_WH = {"man or woman": {"Say", "Guess", "Tell"}}


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:] if not text.startswith("I'") else text


# an object that already says where the sound is takes no place phrase ("the emotion heard in the clip")
PLACED = ("hear", "heard", "conveyed", "expressed", "audio", "clip", "recording", "voice")


def _cores(bank: dict[str, list[str]]) -> list[str]:
    cores = []
    for verb, obj, place in itertools.product(bank["verbs"], bank["objects"], bank["places"]):
        if obj.split()[0] in {"whether", "which"} and verb.split()[0] not in WH_VERBS:
            continue
        if place and any(word in obj for word in PLACED):
            continue
        # the place follows the object, before any complement of the verb ("... in the audio into Chinese")
        cores.append(verb.format(o=" ".join(part for part in (obj, place) if part)))
    return sorted(set(cores))


def _join_tail(core: str, tail: str) -> str:
    # a participle or "as ..." clause reads as an aside: set it off with a comma
    first = tail.split()[0]
    return f"{core}, {tail}" if first.endswith("ing") or first == "as" else f"{core} {tail}"


def candidates(task: str, pool: str, label_task: bool) -> list[str]:
    bank = BANKS[task]
    if pool == "task_descriptions":
        found = _cores(bank)
    elif pool == "rewrites.simple":
        found = []
        for verb, obj in itertools.product(bank["short_verbs"], bank["short_objects"]):
            allowed = SHORT_WH.get(obj)
            if allowed is not None and verb.split()[0] not in allowed:
                continue
            core = verb.format(o=obj) if "{o}" in verb else f"{verb} {obj}"
            found += [core, f"Please {_lower_first(core)}", f"Just {_lower_first(core)}"]
    elif pool == "rewrites.neutral":
        found = [frame.format(v=_lower_first(core)) for frame in POLITE for core in _cores(bank)]
    elif pool == "rewrites.complex":
        found = [
            _join_tail(f"{lead}, {_lower_first(core)}", tail)
            for lead in GENERIC_LEADS
            for core in _cores(bank)
            for tail in bank["tails"]
        ]
    elif label_task:
        found = [
            frame.format(respond=respond, stop=stop)
            for frame in LABEL_FRAMES
            for respond in RESPOND
            for stop in STOPS
        ]
    else:
        found = [
            frame.format(open=open_, target=target, ans=ans, tag=tag)
            for frame in PREFIX_FRAMES
            for open_ in OPENS
            for target in TARGETS
            for ans in bank["format_answers"]
            for tag in bank["tag"]
        ]
    unique = sorted(set(found))
    random.Random(f"isac-1.1/{task}/{pool}").shuffle(unique)
    return unique


def main(out: Path) -> None:
    spec = load_spec(Path("spec"))
    out.mkdir(parents=True, exist_ok=True)
    for name, task in spec.tasks.items():
        for pool, target in TARGET.items():
            need = target - len(pool_fragments(task, pool))
            validator = PoolValidator(task, pool)
            chosen: list[str] = []
            for text in candidates(name, pool, task.is_label_task):
                if len(chosen) >= need:
                    break
                if not validator.check(text):
                    chosen.append(text)
            print(f"{name:5} {pool:20} {len(chosen):4} of {need}")
            (out / f"{name.lower()}.{pool}.json").write_text(json.dumps(chosen, indent=1) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
