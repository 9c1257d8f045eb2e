"""Benchmark `isac score-official` on a seeded full-scale input in the official result format.

Writes DIR/d/NAME_<task>_results.json and DIR/f/NAME_<task>_results.json for asr, s2tt, aac, ser and gr
(ASR 2620, S2TT 15531, SER 1241, GR 2620, AAC 964 items; D 9 responses per item, F 7, 5 for S2TT) and
DIR/n/NAME_n_results.json (791 items x 24 composite records): about 355k responses, laid out like the
official example result files. Responses mix compliant, non-compliant and empty answers. Then times
`isac score-official` in a child process (wall time and the child's peak RSS).

When $ISA_OFFICIAL_CODE points at a checkout of the official ISA-Bench `code/` folder (with its
dependencies installed), the official scripts (metric/{d,f}/compute_if_*.py and
metric/n/compute_ifr_metrics.py, each printing its metric table) are run on the same files one after
the other, timed, and every table is compared with isac's: the ratio and whether every value is
identical are printed. Without it only isac's figures are printed.

    python benchmarks/bench_score_official.py [--scale 0.1] [--no-meteor] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import permutations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_score import HANZI, WORDS  # the same seeded vocabulary as bench_score

ITEMS = {"asr": 2620, "s2tt": 15531, "ser": 1241, "gr": 2620, "aac": 964}
N_ITEMS = 791
MODEL = "bench"
OFFICIAL_TASK = {
    "asr": "asr",
    "s2tt": "translation_ec",
    "aac": "audiocaption",
    "ser": "emotion_recognition",
    "gr": "gender_recognition",
}
EMOTIONS = ("Happy", "Sad", "Angry", "Neutral")
GENDERS = ("Male", "Female")
D_PREFIX = {"asr": "The transcript is: ", "s2tt": "The translation is: ", "aac": "The audio caption is: "}
N_KEYS = {"ASR": "asr_output", "SER": "emotion_output", "GR": "gender_output"}
METRIC_SCRIPT = {"asr": "wer", "s2tt": "bleu", "aac": "aac", "ser": "acc", "gr": "acc"}


# ------------------------------------------------------------------------------------------ input


def _sentence(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))


def item_text(task: str, item: int) -> str:
    """The item's `text` as the official files hold it (AAC captions joined with '|')."""
    rng = random.Random(f"official-{task}-{item}")
    if task == "asr":
        return _sentence(rng, 8, 30).upper()
    if task == "s2tt":
        return "".join(rng.choice(HANZI) for _ in range(rng.randint(12, 40))) + "。"
    if task == "aac":
        return "|".join(_sentence(rng, 6, 14).capitalize() for _ in range(5))
    return rng.choice(EMOTIONS if task == "ser" else GENDERS)


def answer(task: str, text: str, rng: random.Random) -> str:
    """A plausible bare answer: the reference with noise; many answers repeat across variants."""
    if task in ("ser", "gr"):
        labels = EMOTIONS if task == "ser" else GENDERS
        return (text if rng.random() < 0.7 else rng.choice(labels)).lower()
    if task == "s2tt":
        if rng.random() < 0.3:
            return text
        chars = list(text[: max(1, int(len(text) * rng.uniform(0.6, 1.0)))])
        for _ in range(rng.randint(0, 3)):
            chars[rng.randrange(len(chars))] = rng.choice(HANZI)
        return "".join(chars)
    if task == "aac":
        caption = text.split("|")[rng.randrange(5)].lower()
        return caption if rng.random() < 0.3 else _sentence(rng, 5, 12)
    words = text.lower().split()
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        words[rng.randrange(len(words))] = rng.choice(WORDS)
    return " ".join(words)


def d_response(task: str, text: str, rng: random.Random) -> str:
    """A D response: 75 % with the task's fixed prefix (labels: the bare label), else chatter or ""."""
    draw = rng.random()
    if draw < 0.03:
        return ""
    body = answer(task, text, rng)
    if draw < 0.25:
        return f"Sure! Here it is: {body}"
    if task in ("ser", "gr"):
        return body.capitalize() + ("." if rng.random() < 0.2 else "")
    return D_PREFIX[task] + body


def d_item(task: str, item: int, rng: random.Random) -> dict[str, Any]:
    """One D item with its 9 responses in the official nesting."""
    text = item_text(task, item)

    def one() -> str:
        return d_response(task, text, rng)

    return {
        "path": f"/data/{task}/{item:05d}.wav",
        "text": text,
        "task": OFFICIAL_TASK[task],
        "base": ["description", "constraint"],
        "variation_responses": {
            "default": one(),
            "case": {"upper_case": one().upper(), "lower_case": one().lower()},
            "robust": {"grammar_robust": one(), "syntax_robust": one()},
            "semantic_equal_simple": [one()],
            "semantic_equal_neutral": [one()],
            "semantic_equal_complex": [one()],
            "alter_symbol": [one()],
        },
    }


def f_item(task: str, item: int, rng: random.Random) -> dict[str, Any]:
    """One F item: constrain, upper/lower case (not for S2TT), prefix, suffix, wrap and json."""
    text = item_text(task, item)

    def body() -> str:
        return "" if rng.random() < 0.03 else answer(task, text, rng)

    def maybe(formatted: str, plain: str) -> str:
        return formatted if rng.random() < 0.8 else f"Sure! {plain}"

    key = {"asr": "transcript", "s2tt": "translation", "aac": "caption", "ser": "emotion", "gr": "gender"}[
        task
    ]
    responses: dict[str, Any] = {"constrain": body()}
    if task != "s2tt":
        responses["upper_case"] = maybe(body().upper(), body())
        responses["lower_case"] = maybe(body().lower(), body().upper())
    plain = body()
    responses["prefix"] = [{"prefix": "Answer: ", "response": maybe(f"Answer: {plain}", plain)}]
    plain = body()
    responses["suffix"] = [{"suffix": " <END>", "response": maybe(f"{plain} <END>", plain)}]
    plain = body()
    responses["wrap"] = [{"lrt": "<<|>>", "response": maybe(f"<<{plain}>>", plain)}]
    plain = body()
    responses["json"] = [{"key": key, "value": "v", "response": maybe(json.dumps({key: plain}), plain)}]
    return {
        "path": f"/data/{task}/{item:05d}.wav",
        "text": text,
        "task": OFFICIAL_TASK[task],
        "base": ["description", "constraint"],
        "variation_responses": responses,
    }


def n_item(item: int, rng: random.Random) -> dict[str, Any]:
    """One N item: single-stage separation and json blocks, every ordered 2- and 3-subset (24 records)."""
    text = item_text("asr", item)
    gold = {"ASR": text.lower(), "SER": rng.choice(EMOTIONS), "GR": rng.choice(GENDERS)}
    pairs, triples = list(permutations(("ASR", "SER", "GR"), 2)), list(permutations(("ASR", "SER", "GR"), 3))

    def parts(order: tuple[str, ...]) -> list[str]:
        return [answer("asr", text, rng) if t == "ASR" else gold[t].lower() for t in order]

    def separated(order: tuple[str, ...]) -> dict[str, str]:
        joined = "\\".join(parts(order)) if rng.random() < 0.8 else "I cannot do that."
        return {"task": "|".join(order), "separator": "\\", "response": joined}

    def as_json(order: tuple[str, ...]) -> dict[str, str]:
        keys = [N_KEYS[t] for t in order]
        value = json.dumps(dict(zip(keys, parts(order), strict=True)))
        return {
            "task": "|".join(order),
            "key": "|".join(keys),
            "response": value if rng.random() < 0.8 else "",
        }

    return {
        "path": f"/data/n/{item:05d}.wav",
        "text": text,
        "emotion": gold["SER"],
        "gender": gold["GR"],
        "instructions": {
            "variations": {
                "single-stage": {
                    "separation": [[separated(o) for o in pairs], [separated(o) for o in triples]],
                    "json": [[as_json(o) for o in pairs], [as_json(o) for o in triples]],
                }
            }
        },
    }


def synthesize(root: Path, scale: float) -> int:
    """Write the official-format result files under `root`; return the number of responses."""
    rng = random.Random(14)
    responses = 0
    for dimension in ("d", "f"):
        (root / dimension).mkdir(parents=True, exist_ok=True)
        for task, count in ITEMS.items():
            build = d_item if dimension == "d" else f_item
            items = [build(task, item, rng) for item in range(max(1, int(count * scale)))]
            responses += sum(_count_responses(item["variation_responses"]) for item in items)
            path = root / dimension / f"{MODEL}_{task}_results.json"
            path.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
    (root / "n").mkdir(exist_ok=True)
    n_items = [n_item(item, rng) for item in range(max(1, int(N_ITEMS * scale)))]
    responses += 24 * len(n_items)
    n_path = root / "n" / f"{MODEL}_n_results.json"
    n_path.write_text(json.dumps({"annotation": n_items}, ensure_ascii=False, indent=1), encoding="utf-8")
    return responses


def _count_responses(value: Any) -> int:
    if isinstance(value, dict):
        return sum(_count_responses(inner) for inner in value.values())
    if isinstance(value, list):
        return len(value)
    return 1


# ------------------------------------------------------------------------------------------ timing


def timed(command: list[str], cwd: Path | None = None, stdout: Path | None = None) -> tuple[float, float]:
    """Run `command` in a child process: (wall seconds, the child's peak RSS in MiB). Fails loudly."""
    start = time.perf_counter()
    handle = stdout.open("w", encoding="utf-8") if stdout is not None else subprocess.DEVNULL
    try:
        pid = subprocess.Popen(command, cwd=cwd, stdout=handle).pid
        _, status, usage = os.wait4(pid, 0)
    finally:
        if stdout is not None:
            handle.close()  # type: ignore[union-attr]
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with status {os.waitstatus_to_exitcode(status)}")
    return seconds, usage.ru_maxrss / 1024.0


def run_official(code: Path, root: Path, out: Path) -> tuple[float, float, dict[str, Any]]:
    """Run the 11 official scripts on `root`'s files: (total seconds, max peak RSS MiB, tables)."""
    total = peak = 0.0
    tables: dict[str, Any] = {}
    jobs = [(d, t, f"metric/{d}/compute_if_{METRIC_SCRIPT[t]}.py") for d in ("d", "f") for t in ITEMS]
    jobs.append(("n", "only", "metric/n/compute_ifr_metrics.py"))
    out.mkdir(parents=True, exist_ok=True)
    for dimension, task, script in jobs:
        source = (
            root
            / dimension
            / (f"{MODEL}_n_results.json" if dimension == "n" else f"{MODEL}_{task}_results.json")
        )
        target = out / f"{dimension}_{task}.json"
        seconds, rss = timed([sys.executable, script, str(source.resolve())], cwd=code, stdout=target)
        print(f"official {script:<36} {seconds:>7.1f} s {rss:>7.0f} MiB")
        total, peak = total + seconds, max(peak, rss)
        try:
            tables[f"{dimension}/{task}"] = json.loads(target.read_text(encoding="utf-8"))
        except ValueError:
            tables[f"{dimension}/{task}"] = None  # the script printed something else besides JSON
    return total, peak, tables


def compare(isac_model: dict[str, Any], official: dict[str, Any]) -> list[str]:
    """Differences between isac's merged tables and the official scripts' tables (empty: identical)."""
    problems = []
    for name, table in official.items():
        dimension, task = name.split("/")
        mine = isac_model.get(dimension, {}).get(task)
        if table is None:
            problems.append(f"{name}: official output is not one JSON document")
        elif mine != table:
            problems.append(
                f"{name}: differs (isac {json.dumps(mine)[:200]} vs official {json.dumps(table)[:200]})"
            )
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the full item counts")
    parser.add_argument("--no-meteor", action="store_true", help="skip METEOR 1.5 (Java) for AAC")
    parser.add_argument("--keep", type=Path, default=None, help="write everything here and keep it")
    args = parser.parse_args()

    root = args.keep or Path(tempfile.mkdtemp(prefix="isac-bench-official-"))
    try:
        start = time.perf_counter()
        responses = synthesize(root / "results", args.scale)
        print(f"synthesized {responses} responses in {time.perf_counter() - start:.1f} s (not timed)")
        out = root / "merged.json"
        isac = [str(Path(sys.executable).parent / "isac"), "score-official", str(root / "results")]
        isac += ["--model-name", MODEL, "--out", str(out)] + (["--no-meteor"] if args.no_meteor else [])
        seconds, rss = timed(isac)
        print(f"isac score-official: {seconds:.1f} s, peak RSS {rss:.0f} MiB")
        code = os.environ.get("ISA_OFFICIAL_CODE")
        if not code:
            print("ISA_OFFICIAL_CODE not set: official scripts not run")
            return
        official_s, official_rss, tables = run_official(Path(code), root / "results", root / "official")
        print(f"official scripts: {official_s:.1f} s, peak RSS {official_rss:.0f} MiB")
        print(f"speed-up: {official_s / seconds:.1f}x")
        merged = json.loads(out.read_text(encoding="utf-8"))
        problems = compare(merged[MODEL], tables)
        print("every value identical" if not problems else "DIFFERENCES:\n  " + "\n  ".join(problems))
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
