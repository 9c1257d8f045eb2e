"""Measure `isac demo` end to end on the bundled mini corpus: wall time per stage and peak memory.

Usage: python benchmarks/bench_demo.py [--no-tiny] [--no-meteor] [--tiny-shards N]
Prints figures; asserts nothing. Runs in a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from isac.runtime.demo import DemoConfig, run_demo
from isac.runtime.reporting.report import write_report


def main() -> None:
    """Run the demo once, then the report stage alone, and print the timings."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-tiny", action="store_true")
    parser.add_argument("--no-meteor", action="store_true")
    parser.add_argument("--tiny-shards", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "demo"
        config = DemoConfig(
            out=out, tiny=not args.no_tiny, meteor=not args.no_meteor, tiny_shards=args.tiny_shards
        )
        started = time.perf_counter()
        result = run_demo(config, log=lambda _message: None)
        total = time.perf_counter() - started
        report_start = time.perf_counter()
        write_report(out / "scores.duckdb", out / "report-again")
        report_alone = time.perf_counter() - report_start
    print(f"cpus: {os.cpu_count()}  load average: {os.getloadavg()[0]:.1f}")
    print(f"manifest rows: {result.manifest_rows}")
    for summary in result.executions:
        print(f"exec {summary.model}: {summary.executed} rows in {summary.wall_s:.1f} s")
    for name, seconds in result.stage_seconds:
        print(f"stage {name:<24} {seconds:8.1f} s")
    print(f"demo total (wall)              {total:8.1f} s")
    print(f"report alone (warm process)    {report_alone:8.1f} s")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    for reason in result.skipped:
        print(reason)


if __name__ == "__main__":
    main()
