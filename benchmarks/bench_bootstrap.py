"""Benchmark `isac bootstrap` (1000 resamples) on the full-scale synthetic database of bench_score.py.

    python benchmarks/bench_score.py --no-meteor --keep DIR      # writes DIR/scores.duckdb (one model)
    python benchmarks/bench_bootstrap.py DIR/scores.duckdb [--models 4] [--resamples 1000] [--two-way]

The database is copied and its model cloned into `--models` models (each clone flips the compliance of
about 10 % of its rows), so the pool, the RPS and the paired weights have several models to work on.
Prints wall time and peak RSS of computing and writing the *_ci tables.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from isac.runtime.scoring.bootstrap import BootstrapOptions, compute_replicates, write_ci_tables
from isac.runtime.scoring.db.schema import open_database


def clone_models(db: Path, models: int) -> None:
    """Add models-1 perturbed copies of the database's single model."""
    connection = open_database(db)
    try:
        (source,) = connection.execute("SELECT model FROM runs LIMIT 1").fetchone()
        for i in range(1, models):
            connection.execute(
                f"INSERT INTO runs SELECT run_id || '-{i}', 'model{i}', * EXCLUDE (run_id, model) "
                "FROM runs WHERE model = ?",
                [source],
            )
            connection.execute(
                f"""INSERT INTO row_scores SELECT * REPLACE (run_id || '-{i}' AS run_id,
                    CASE WHEN hash(row_id, {i}) % 10 = 0 THEN NOT compliant ELSE compliant END AS compliant)
                FROM row_scores WHERE run_id IN (SELECT run_id FROM runs WHERE model = ?)""",
                [source],
            )
    finally:
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("db", type=Path)
    parser.add_argument("--models", type=int, default=4)
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--two-way", action="store_true")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="isac-bench-bootstrap-"))
    try:
        db = work / "scores.duckdb"
        shutil.copy(args.db, db)
        clone_models(db, args.models)
        connection = open_database(db)
        try:
            connection.execute("SET enable_progress_bar = false")
            rows = connection.execute("SELECT count(*) FROM row_scores").fetchone()[0]
            start = time.perf_counter()
            replicates = compute_replicates(
                connection, BootstrapOptions(resamples=args.resamples, two_way=args.two_way)
            )
            computed = time.perf_counter() - start
            write_ci_tables(connection, replicates)
            total = time.perf_counter() - start
        finally:
            connection.close()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{rows} row_scores, {args.models} models, {args.resamples} resamples, two-way {args.two_way}")
        print(f"compute {computed:.1f} s, with tables {total:.1f} s, peak RSS {peak:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
