"""Throughput of `isac exec` against an OpenAI-compatible server on 127.0.0.1 with a fixed 50 ms latency.

Runs the real CLI as a subprocess at concurrency 1, 8 and 32 over the same few hundred rows (fresh run
directory each time) and prints rows/s as reported by the run summary (execution only) and as wall time
of the whole command (including interpreter start), next to the ideal concurrency / latency. Bounded:
ROWS rows per run, a 120 s limit per run, only 127.0.0.1.

    .venv/bin/python benchmarks/bench_exec_api.py [--rows 320] [--latency 0.05]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "runtime"))  # the test server and row builders

from exec_helpers import row, write_manifest, write_tone  # noqa: E402
from fake_openai import FakeOpenAIServer, ServerState  # noqa: E402

CONCURRENCY = (1, 8, 32)
RUN_TIMEOUT_S = 120


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=320)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--audio-seconds", type=float, default=1.0, help="length of each row's WAV")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="isac-bench-exec-") as scratch:
        root = Path(scratch)
        rows = [row(i, instruction=f"benchmark question {i}") for i in range(args.rows)]
        manifest = write_manifest(root / "m" / "d-asr.jsonl", rows)
        tone = write_tone(root / "tone.wav", seconds=args.audio_seconds)
        for item in rows:
            target = root / "data" / item.audio
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(tone, target)

        print(f"isac exec -> OpenAI-compatible server on 127.0.0.1, {args.latency * 1000:.0f} ms latency, "
              f"{args.rows} rows, {args.audio_seconds:g} s WAV each")  # fmt: skip
        columns = "{:>11}  {:>8}  {:>8}  {:>8}  {:>7}  {:>11}"
        print(columns.format("concurrency", "rows/s", "ideal", "scaling", "wall s", "rows/s wall"))
        baseline: float | None = None
        with FakeOpenAIServer(ServerState(latency_s=args.latency)) as server:
            for concurrency in CONCURRENCY:
                out = root / f"run-c{concurrency}"
                command = [
                    sys.executable, "-c", "import sys; from isac.runtime.cli import main; sys.exit(main())",
                    "exec", str(manifest), "--model", "openai:bench", "--out", str(out),
                    "--data-root", str(root / "data"), "--base-url", server.base_url,
                    "--concurrency", str(concurrency), "--no-progress",
                ]  # fmt: skip
                started = time.perf_counter()
                done = subprocess.run(
                    command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=REPO
                )
                wall = time.perf_counter() - started
                if done.returncode != 0:
                    print(done.stderr, file=sys.stderr)
                    return 1
                match = re.search(r"^rows/s\s+([\d.]+)", done.stdout, re.MULTILINE)
                errors = re.search(r"^errors\s+(\d+)", done.stdout, re.MULTILINE)
                if match is None or errors is None or errors.group(1) != "0":
                    print(done.stdout, file=sys.stderr)
                    return 1
                rate = float(match.group(1))
                baseline = baseline or rate
                ideal = concurrency / args.latency
                figures = (f"{rate:.1f}", f"{ideal:.1f}", f"{rate / baseline:.1f}x", f"{wall:.2f}")
                print(columns.format(concurrency, *figures, f"{args.rows / wall:.1f}"))
    peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak RSS of an isac exec process: {peak_mib:.0f} MiB")
    engine_overhead(root_rows=20_000)
    return 0


def engine_overhead(root_rows: int) -> None:
    """Per-row cost of the engine itself (request, record, one write) with an adapter that does nothing.

    This is what `isac exec` adds on top of a model's own generate time, per row.
    """
    from isac.runtime.adapters.constant import ConstantAdapter
    from isac.runtime.execution.engine import WorkItem, run_engine
    from isac.runtime.execution.selection import SelectedRow
    from isac.runtime.results import ResultLog

    items = [WorkItem(SelectedRow(row(i), "0" * 64)) for i in range(root_rows)]
    adapter = ConstantAdapter("constant:x", "The transcription is: a response of typical length")
    with tempfile.TemporaryDirectory(prefix="isac-bench-engine-") as scratch:
        for batch_size, concurrency in ((1, 1), (8, 1), (1, 8)):
            with ResultLog.open(Path(scratch) / f"r{batch_size}-{concurrency}.jsonl") as log:
                started = time.perf_counter()
                run_engine(
                    items,
                    adapter,
                    log,
                    data_root=Path(scratch),
                    batch_size=batch_size,
                    concurrency=concurrency,
                )
                elapsed = time.perf_counter() - started
            print(
                f"engine overhead, batch {batch_size}, concurrency {concurrency}: "
                f"{elapsed / root_rows * 1e6:.1f} us/row over {root_rows} rows"
            )


if __name__ == "__main__":
    sys.exit(main())
