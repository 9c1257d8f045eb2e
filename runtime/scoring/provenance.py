"""What produced each scored run, stored in the `provenance` table so that a number can be traced.

Per run: the isac versions (that ran it, that scored it), the spec and manifest-set (lock) sha256 and
the release it came from, the model fingerprint and generation settings, the scoring profile, each
task's metric with its version and signature (sacrebleu's signature string, the METEOR backend, the WER
normaliser), run and scoring dates, token and latency totals, and whether the data set has the paper's
full scale. A run whose item counts differ from the paper's (the bundled mini corpus, a --limit run,
a subset) is flagged `comparable_with_paper: false` with the reasons: its numbers must not be set next
to the published leaderboard as if they were.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import duckdb

# Items per (dimension, task) of the full ISA-Bench v1 data (LibriSpeech test-clean for ASR and GR,
# CoVoST2 zh test for S2TT, IEMOCAP for SER, Clotho for AAC; N rows use 791 IEMOCAP items).
PAPER_ITEMS: Mapping[tuple[str, str], int] = {
    **{(d, "ASR"): 2620 for d in ("D", "F")},
    **{(d, "S2TT"): 15531 for d in ("D", "F")},
    **{(d, "SER"): 1241 for d in ("D", "F")},
    **{(d, "GR"): 2620 for d in ("D", "F")},
    **{(d, "AAC"): 964 for d in ("D", "F")},
    **{("N", task): 791 for task in ("ASR", "SER", "GR")},
}

CREATE_TABLE = "CREATE TABLE IF NOT EXISTS provenance (run_id VARCHAR NOT NULL, model VARCHAR, data JSON)"


def _package(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _lock_facts(manifest_paths: Sequence[Path]) -> dict[str, Any]:
    """Spec and lock hashes and the release of the compiled set(s) the manifests belong to."""
    sets = []
    for directory in sorted({path.parent for path in manifest_paths}):
        lock = directory / "isac.lock.json"
        if not lock.is_file():
            sets.append({"directory": str(directory), "lock": None})
            continue
        content = json.loads(lock.read_text(encoding="utf-8"))
        release = directory.name if directory.parent.name == "releases" else None
        sets.append(
            {
                "directory": str(directory),
                "lock_sha256": _sha256(lock),
                "spec_sha256": content.get("spec_sha256"),
                "compiled_by": content.get("isac_version"),
                "seed": content.get("seed"),
                "release": release,
            }
        )
    return {"manifest_sets": sets}


def metric_signatures(connection: duckdb.DuckDBPyConnection, model: str) -> dict[str, dict[str, Any]]:
    """Per task: metric, version, options and the scorer's own signature (sacrebleu, METEOR backend)."""
    signatures: dict[str, dict[str, Any]] = {}
    for task, metric_name, metric_version, options in connection.execute(
        "SELECT task, metric_name, metric_version, metric_options FROM tasks ORDER BY task_order"
    ).fetchall():
        opts = json.loads(options) if isinstance(options, str) else (options or {})
        entry: dict[str, Any] = {"metric": metric_name, "version": metric_version, "options": opts}
        if metric_name == "bleu":
            try:
                from sacrebleu.metrics import BLEU

                tokenize = opts.get("tokenize")
                scorer = (
                    BLEU(tokenize=tokenize, smooth_method="exp", force=True)
                    if tokenize
                    else BLEU(smooth_method="exp", force=True)
                )
                scorer.num_refs = 1  # isac scores against the first reference (sacrebleu needs the count)
                entry["signature"] = str(scorer.get_signature())
            except Exception as error:  # a signature is informative; scoring already succeeded
                entry["signature"] = f"unavailable ({type(error).__name__})"
        elif metric_name == "wer":
            entry["normalizer"] = opts.get("normalizer", "default")
            entry["jiwer"] = _package("jiwer")
        elif metric_name == "meteor":
            backends = connection.execute(
                "SELECT DISTINCT backend FROM group_scores "
                "WHERE model = ? AND task = ? AND backend IS NOT NULL",
                [model, task],
            ).fetchall()
            entry["backend"] = sorted(b for (b,) in backends) or None
        signatures[task] = entry
    return signatures


def scale_check(connection: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, Any]:
    """Whether the run's items per (dimension, task) equal the paper's; the reasons when not."""
    counts = {
        (d, t): n
        for d, t, n in connection.execute(
            """
            SELECT r.dimension, s.subtask, count(DISTINCT r.item_id)
            FROM run_rows AS rr JOIN rows AS r ON r.id = rr.row_id
            CROSS JOIN unnest(r.subtasks) AS s(subtask)
            WHERE rr.run_id = ? GROUP BY ALL
            """,
            [run_id],
        ).fetchall()
    }
    reasons = []
    for key, expected in PAPER_ITEMS.items():
        found = counts.get(key, 0)
        if found != expected:
            reasons.append(f"{key[0]} {key[1]}: {found} items, the paper has {expected}")
    return {
        "comparable_with_paper": not reasons,
        "items": {f"{d}/{t}": n for (d, t), n in sorted(counts.items())},
        "reasons": reasons,
    }


def run_provenance(
    connection: duckdb.DuckDBPyConnection,
    *,
    run_id: str,
    model: str,
    fingerprint: Mapping[str, Any],
    profile: str,
    created_at: str,
    manifest_paths: Sequence[Path],
) -> dict[str, Any]:
    """The provenance record of one run (see the module docstring); reads the stored run."""
    from isac.compiler import __version__

    tokens = connection.execute(
        """
        SELECT count(*), sum(prompt_tokens), sum(completion_tokens), sum(latency_s),
               count(*) FILTER (WHERE error IS NOT NULL)
        FROM responses WHERE run_id = ?
        """,
        [run_id],
    ).fetchone()
    scored_at = connection.execute("SELECT scored_at FROM runs WHERE run_id = ?", [run_id]).fetchone()
    return {
        "run_id": run_id,
        "model": model,
        "isac_scored_with": __version__,
        "isac_ran_with": fingerprint.get("libraries", {}).get("isac"),
        "model_fingerprint": dict(fingerprint),
        "generation": fingerprint.get("generation"),
        "profile": profile,
        **_lock_facts(manifest_paths),
        "metrics": metric_signatures(connection, model),
        "created_at": created_at,
        "scored_at": None if not scored_at or scored_at[0] is None else str(scored_at[0]),
        "usage": {
            "responses": tokens[0],
            "prompt_tokens": tokens[1],
            "completion_tokens": tokens[2],
            "latency_s": tokens[3],
            "errors": tokens[4],
        },
        "scale": scale_check(connection, run_id),
    }


def store_provenance(connection: duckdb.DuckDBPyConnection, record: Mapping[str, Any]) -> None:
    """Replace the run's provenance line."""
    connection.execute(CREATE_TABLE)
    connection.execute("DELETE FROM provenance WHERE run_id = ?", [record["run_id"]])
    connection.execute(
        "INSERT INTO provenance VALUES (?, ?, ?)",
        [record["run_id"], record["model"], json.dumps(record, sort_keys=True, default=str)],
    )


def load_provenance(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Every stored provenance record (an empty list for databases scored before provenance existed)."""
    try:
        rows = connection.execute("SELECT data FROM provenance ORDER BY model, run_id").fetchall()
    except duckdb.CatalogException:
        return []
    return [json.loads(data) for (data,) in rows]


def comparable_models(records: Sequence[Mapping[str, Any]]) -> dict[str, bool]:
    """Per model: True only when every one of its runs has the paper's full scale."""
    result: dict[str, bool] = {}
    for record in records:
        ok = bool(record.get("scale", {}).get("comparable_with_paper"))
        result[record["model"]] = result.get(record["model"], True) and ok
    return result
