"""Throughput and CPU cost of `isac exec openai:` against OpenAI-compatible servers on 127.0.0.1.

Compiles the bundled mini set (1,272 rows over 76 audio items, FLAC and WAV), then runs the real CLI
as a subprocess at concurrency 8, 32 and 64 against one server with a fixed 50 ms latency, and (with
`--servers 2`) against two such servers at once (`--base-url` given twice). Each run starts from a fresh
run directory. Printed per run: rows/s as the run summary reports it (execution only), the ideal
(concurrency / latency), the wall time of the whole command, and the exec process's CPU per row: its
user+system CPU minus that of the same command limited to 64 rows on a
fresh directory (interpreter start, imports, manifest loading, readiness check: every fixed cost),
divided by the difference in rows; at the end, the largest peak RSS of an exec process. The servers run
in this process, so they share the machine's cores with the client, as a real co-located server would.
Bounded: a 180 s limit per run, only 127.0.0.1.

    .venv/bin/python benchmarks/bench_exec_api.py [--latency 0.05] [--servers 1|2] [--concurrency 8,32,64]
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "runtime"))  # the test server and row builders

from exec_helpers import row  # noqa: E402
from fake_openai import FakeOpenAIServer, ServerState  # noqa: E402

RUN_TIMEOUT_S = 180
SMALL = 64  # rows of the run whose CPU is subtracted as the fixed cost
# The CLI, which at exit prints its own peak RSS (VmHWM, Linux) on stderr. `ru_maxrss` of children does not
# do here: a forked child inherits the resident size of this process (the test server keeps every request
# it received, audio included), so it grows with each run whatever exec itself uses.
_PEAK_MARK = "isac-bench-peak-kib"
_CLI = [
    sys.executable, "-c",
    "import atexit, sys\n"
    "def peak():\n"
    "    try:\n"
    "        lines = open('/proc/self/status').read().splitlines()\n"
    "    except OSError:\n"
    "        return\n"
    "    kib = [line.split()[1] for line in lines if line.startswith('VmHWM:')]\n"
    f"    print('{_PEAK_MARK}', *kib, file=sys.stderr)\n"
    "atexit.register(peak)\n"
    "from isac.runtime.cli import main\n"
    "sys.exit(main())",
]  # fmt: skip


def _peak_mib(stderr: str) -> float | None:
    found = re.findall(rf"^{_PEAK_MARK} (\d+)$", stderr, re.MULTILINE)
    return int(found[-1]) / 1024 if found else None


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(command: list[str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run a command; return it with its wall time and CPU seconds."""
    cpu = _child_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=REPO)
    return done, time.perf_counter() - started, _child_cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--servers", type=int, default=1, help="also run against this many servers")
    parser.add_argument("--concurrency", default="8,32,64")
    args = parser.parse_args()
    levels = [int(value) for value in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="isac-bench-exec-") as scratch:
        root = Path(scratch)
        data = REPO / "data" / "mini"
        compiled = subprocess.run(
            [*_CLI, "compile", str(REPO / "spec"), "--out", str(root / "set"), "--data-root", str(data)],
            capture_output=True, text=True, timeout=RUN_TIMEOUT_S, cwd=REPO,
        )  # fmt: skip
        if compiled.returncode != 0:
            print(compiled.stderr, file=sys.stderr)
            return 1
        rows = sum(1 for path in (root / "set").glob("*.jsonl") for _ in path.open())
        print(f"isac exec -> OpenAI-compatible server(s) on 127.0.0.1, {args.latency * 1000:.0f} ms latency, "
              f"mini set: {rows} rows")  # fmt: skip
        columns = "{:>7}  {:>11}  {:>8}  {:>8}  {:>7}  {:>11}"
        print(columns.format("servers", "concurrency", "rows/s", "ideal", "wall s", "CPU ms/row"))
        plans = [(1, level) for level in levels]
        if args.servers > 1:
            plans += [(args.servers, level) for level in levels if level >= 32]
        peaks: list[float] = []
        with ExitStack() as stack:
            servers = [
                stack.enter_context(FakeOpenAIServer(ServerState(latency_s=args.latency)))
                for _ in range(max(1, args.servers))
            ]
            for count, concurrency in plans:
                out = root / f"run-s{count}-c{concurrency}"
                urls = [part for server in servers[:count] for part in ("--base-url", server.base_url)]
                command = [
                    *_CLI, "exec", str(root / "set"), "--model", "openai:bench", "--out", str(out),
                    "--data-root", str(data), *urls,
                    "--concurrency", str(concurrency), "--no-progress",
                ]  # fmt: skip
                done, wall, cpu = _run(command)
                if done.returncode != 0:
                    print(done.stdout, done.stderr, file=sys.stderr)
                    return 1
                match = re.search(r"^rows/s\s+([\d.]+)", done.stdout, re.MULTILINE)
                errors = re.search(r"^errors\s+(\d+)", done.stdout, re.MULTILINE)
                if match is None or errors is None or errors.group(1) != "0":
                    print(done.stdout, file=sys.stderr)
                    return 1
                # The same command on a fresh directory for SMALL rows: every fixed cost (start-up,
                # imports such as scipy for the first FLAC, the readiness check) and few rows.
                small = [*command, "--limit", str(SMALL)]
                small[small.index(str(out))] = str(out) + "-small"
                short, _, small_cpu = _run(small)
                if short.returncode != 0:
                    print(short.stderr, file=sys.stderr)
                    return 1
                peaks += [peak for peak in (_peak_mib(done.stderr), _peak_mib(short.stderr)) if peak]
                rate = float(match.group(1))
                ideal = concurrency / args.latency
                per_row = (cpu - small_cpu) / (rows - SMALL) * 1000
                print(columns.format(count, concurrency, f"{rate:.1f}", f"{ideal:.0f}", f"{wall:.2f}",
                                     f"{per_row:.2f}"))  # fmt: skip
    if peaks:
        print(f"peak RSS of an exec process: {max(peaks):.0f} MiB")
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
