"""Benchmark `isac score` on a synthetic full-scale run (~356k rows, ~400k subtask scores).

Rows are built directly (not compiled): D 206,784 (9 variants x the five datasets), F 129,770 (7
variants, 5 for S2TT), N 18,984 (791 items x 12 subtask orders x 2 formats). Responses mix compliant,
non-compliant and failed answers; a few rows have no result. Prints wall time and peak RSS per stage.

    python benchmarks/bench_score.py [--scale 0.1] [--no-meteor] [--profile isa-v1] [--keep DIR]

`--no-meteor` skips the Java METEOR 1.5 statistics of the AAC rows (about 15k segments).
Peak RSS is the process's high-water mark when the stage ended (it never goes down).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
import time
from collections.abc import Iterator
from itertools import permutations
from pathlib import Path

from isac.compiler.manifests import write_rows_jsonl
from isac.compiler.rows import CheckerSpec, ManifestRow, canonical_json, make_row
from isac.runtime.scoring.db.schema import VIEWS, open_database
from isac.runtime.scoring.pipeline import StageClock, peak_rss_mib, score_runs

ITEMS = {"ASR": 2620, "S2TT": 15531, "SER": 1241, "GR": 2620, "AAC": 964}
N_ITEMS = 791
D_VARIANTS = {
    "default": "D1",
    "upper_case": "D2",
    "lower_case": "D2",
    "syntax_error": "D3",
    "lexical_error": "D3",
    "simple": "D4",
    "neutral": "D4",
    "complex": "D4",
    "punctuation": "D5",
}
F_VARIANTS = {
    "answer_only": "F1",
    "upper_case": "F2",
    "lower_case": "F2",
    "prefix": "F3",
    "suffix": "F3",
    "wrap": "F3",
    "json": "F4",
}
LABELS = {"SER": ["happy", "sad", "angry", "neutral"], "GR": ["male", "female"]}
PREFIXES = {"ASR": "The transcription is:", "S2TT": "The translation is:", "AAC": "The audio caption is:"}
N_KEYS = {"ASR": "transcript", "SER": "emotion", "GR": "gender"}
HANZI = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动"
    "同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自"
    "二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变"
    "条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总"
    "次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处理府研"
)
WORDS = [
    "".join(
        random.Random(i).choice("abcdefghijklmnopqrstuvwxyz") for _ in range(random.Random(-i).randint(2, 9))
    )
    for i in range(3000)
]


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def _reference(task: str, item: int) -> tuple[str, ...]:
    rng = random.Random(f"{task}-{item}")
    if task == "ASR":
        return (_sentence(rng, 8, 30).upper(),)
    if task == "S2TT":
        return ("".join(rng.choice(HANZI) for _ in range(rng.randint(12, 40))) + "。",)
    if task == "AAC":
        return tuple(_sentence(rng, 6, 14).capitalize() for _ in range(5))
    return (rng.choice(LABELS[task]),)


def _d_checker(task: str) -> CheckerSpec:
    if task in LABELS:
        return CheckerSpec(kind="label", params={"labels": LABELS[task]})
    return CheckerSpec(kind="prefix", params={"text": PREFIXES[task], "case_sensitive": False})


def _f_checker(task: str, variant: str) -> CheckerSpec:
    table = {
        "answer_only": ("label", {"labels": LABELS[task]})
        if task in LABELS
        else ("text", {"forbidden": ["the speaker", "translation"]}),
        "upper_case": ("upper_case", {}),
        "lower_case": ("lower_case", {}),
        "prefix": ("prefix", {"text": "Answer: ", "case_sensitive": True}),
        "suffix": ("suffix", {"text": " <END>", "case_sensitive": True}),
        "wrap": ("wrap", {"left": "<<", "right": ">>"}),
        "json": ("json_key", {"key": "answer"}),
    }
    kind, params = table[variant]
    return CheckerSpec(kind=kind, params=params)


def single_rows(dimension: str, scale: float) -> Iterator[ManifestRow]:
    """Rows of one dimension, dataset by dataset."""
    variants = D_VARIANTS if dimension == "D" else F_VARIANTS
    for task, count in ITEMS.items():
        for item in range(max(1, int(count * scale))):
            references = _reference(task, item)
            for variant, variation_class in variants.items():
                if dimension == "F" and task == "S2TT" and variant in ("upper_case", "lower_case"):
                    continue
                spec = _d_checker(task) if dimension == "D" else _f_checker(task, variant)
                yield make_row(
                    dimension=dimension,
                    variation_class=variation_class,
                    variant=variant,
                    task=task,
                    subtasks=(task,),
                    dataset=task.lower(),
                    item_id=f"{task}-{item:05d}",
                    audio=f"{task.lower()}/{item:05d}.wav",
                    instruction=f"Please do {task} ({variant}) and answer as asked. Item {item}.",
                    references={task: references},
                    checker=spec,
                )


def composite_rows(scale: float) -> Iterator[ManifestRow]:
    """N rows: every ordered 2- and 3-subset of ASR, SER, GR, separator and JSON formats."""
    orders = [*permutations(("ASR", "SER", "GR"), 2), *permutations(("ASR", "SER", "GR"), 3)]
    for item in range(max(1, int(N_ITEMS * scale))):
        references = {"ASR": _reference("ASR", item)[0], "SER": _reference("SER", item)[0]}
        references["GR"] = _reference("GR", item)[0]
        for subtasks in orders:
            labels = {task: LABELS[task] for task in subtasks if task in LABELS}
            for variant in ("separator", "json"):
                if variant == "separator":
                    params = {"separator": " | ", "subtasks": list(subtasks), "labels": labels}
                    spec = CheckerSpec(kind="separator", params=params)
                else:
                    keys = [N_KEYS[task] for task in subtasks]
                    params = {"keys": keys, "subtasks": list(subtasks), "labels": labels}
                    spec = CheckerSpec(kind="json_keys", params=params)
                yield make_row(
                    dimension="N",
                    variation_class="N1" if len(subtasks) == 2 else "N2",
                    variant=variant,
                    task="+".join(subtasks),
                    subtasks=subtasks,
                    dataset="iemocap",
                    item_id=f"N-{item:05d}",
                    audio=f"iemocap/{item:05d}.wav",
                    instruction=f"Do {'+'.join(subtasks)} and answer in {variant} format. Item {item}.",
                    references={task: (references[task],) for task in subtasks},
                    checker=spec,
                )


def _answer(row: ManifestRow, rng: random.Random) -> str:
    """A plausible answer text: the reference with some noise (labels sometimes wrong)."""
    text = row.references[row.subtasks[0]][0]
    if row.subtasks[0] in LABELS:
        return text if rng.random() < 0.7 else rng.choice(LABELS[row.subtasks[0]])
    if row.subtasks[0] == "S2TT":
        return text[: max(1, int(len(text) * rng.uniform(0.6, 1.0)))]
    words = text.lower().split()
    for _ in range(rng.randint(0, 3)):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def response(row: ManifestRow, rng: random.Random) -> str | None:
    """None (a failed call, 2 %), an unformatted answer (15 %) or a formatted one."""
    draw = rng.random()
    if draw < 0.02:
        return None
    spec = row.checker
    if row.dimension == "N":
        parts = {}
        for task in row.subtasks:
            reference = row.references[task][0]
            parts[task] = (
                reference if task in LABELS else _answer(row, rng) if task == row.subtasks[0] else reference
            )
        if draw < 0.17:
            return "I cannot do that."
        if spec.kind == "separator":
            return " | ".join(parts[task] for task in row.subtasks)
        return json.dumps({N_KEYS[task]: parts[task] for task in row.subtasks})
    answer = _answer(row, rng)
    if draw < 0.17:
        return f"Sure! Here it is: {answer}"
    kind, params = spec.kind, spec.params
    formatted = {
        "prefix": lambda: f"{params.get('text', '')} {answer}",
        "suffix": lambda: f"{answer}{params.get('text', '')}",
        "wrap": lambda: f"{params.get('left', '')}{answer}{params.get('right', '')}",
        "json_key": lambda: json.dumps({params.get("key", "answer"): answer}),
        "upper_case": lambda: answer.upper(),
        "lower_case": lambda: answer.lower(),
    }
    return formatted.get(kind, lambda: answer)()


def synthesize(root: Path, scale: float) -> Path:
    """Write manifests and a run directory; return the run directory."""
    rng = random.Random(7)
    manifests = {
        "d-all.jsonl": single_rows("D", scale),
        "f-all.jsonl": single_rows("F", scale),
        "n-composite.jsonl": composite_rows(scale),
    }
    run_dir = root / "run"
    run_dir.mkdir(parents=True)
    recorded = []
    with (run_dir / "results.jsonl").open("w", encoding="utf-8") as results:
        for name, rows in manifests.items():
            path = root / name
            kept: list[ManifestRow] = []
            entry = write_rows_jsonl(path, _remember(rows, kept))
            recorded.append({"path": str(path), "sha256": entry.sha256, "rows": entry.rows})
            for row in kept:
                if rng.random() < 0.001:  # a few rows never ran
                    continue
                text = response(row, rng)
                record = {
                    "row_id": row.id,
                    "manifest_sha256": entry.sha256,
                    "model": "synthetic",
                    "response": text,
                    "error": None if text is not None else "timeout",
                    "latency_s": 0.5,
                    "prompt_tokens": 120,
                    "completion_tokens": 20,
                    "attempt": 1,
                }
                results.write(canonical_json(record) + "\n")
    info = {
        "model": {"model_id": "synthetic", "adapter": "replay", "generation": {}, "libraries": {}},
        "manifests": recorded,
        "data_root": None,
        "created_at": "2025-01-01T00:00:00+00:00",
        "isac_version": "0.1.0",
    }
    (run_dir / "run.json").write_text(json.dumps(info, indent=2), encoding="utf-8")
    return run_dir


def _remember(rows: Iterator[ManifestRow], kept: list[ManifestRow]) -> Iterator[ManifestRow]:
    for row in rows:
        kept.append(row)
        yield row


def time_views(db_path: Path) -> list[tuple[str, float, int]]:
    """(view, seconds, rows) for a full read of every view."""
    figures = []
    connection = open_database(db_path, read_only=True)
    try:
        for view in VIEWS:
            start = time.perf_counter()
            rows = connection.execute(f"SELECT * FROM {view}").fetchall()
            figures.append((view, time.perf_counter() - start, len(rows)))
    finally:
        connection.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full item counts")
    parser.add_argument("--no-meteor", action="store_true", help="skip METEOR (Java) on the AAC rows")
    parser.add_argument("--profile", default="default")
    parser.add_argument("--keep", type=Path, default=None, help="write everything here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="isac-bench-score-"))
    try:
        start = time.perf_counter()
        run_dir = synthesize(root, args.scale)
        lines = sum(1 for _ in (run_dir / "results.jsonl").open())
        print(f"synthesized {lines} results in {time.perf_counter() - start:.1f} s (not part of scoring)")

        clock = StageClock()
        start = time.perf_counter()
        (report,) = score_runs(
            root / "scores.duckdb", [run_dir], profile=args.profile, meteor=not args.no_meteor, clock=clock
        )
        total = time.perf_counter() - start
        print(
            f"rows {report.rows_total}, scored {report.rows_scored}, missing {report.rows_missing}, "
            f"errors {report.rows_error}, METEOR groups {report.meteor_groups}"
        )
        for warning in report.warnings:
            print(f"warning: {warning}")
        print(f"{'stage':<20} {'wall s':>8} {'peak RSS MiB':>13}")
        for figure in clock.figures():
            print(f"{figure.name:<20} {figure.seconds:>8.2f} {figure.peak_rss_mib:>13.0f}")
        print(f"{'score total':<20} {total:>8.2f} {peak_rss_mib():>13.0f}")
        for view, seconds, rows in time_views(root / "scores.duckdb"):
            print(f"view {view:<15} {seconds:>8.3f} s  {rows:>7} rows")
        size = (root / "scores.duckdb").stat().st_size / 2**20
        print(f"database size {size:.0f} MiB")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
