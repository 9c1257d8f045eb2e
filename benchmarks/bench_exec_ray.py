"""Rows/s of `isac exec hf:` on the tiny Qwen2-Audio: local, `--ray` with 1 replica, `--ray` with 2.

In-process (`execute`, as the CLI runs it) on a local Ray cluster started once; each run has a fresh run
directory. Rows/s is the run summary's (execution only: model loading, and for Ray the start of the
first replica, come before it). The three plans run in turn `--repeats` times and the median is shown,
so a burst of load on the machine does not decide the ratio. The overhead of `--ray` is the local run's
rows/s over the 1-replica Ray run's (target <= 1.10), shown twice: as the ratio of the two medians, and as
the median of the ratios within each repeat (the two runs of a repeat are seconds apart, so a slow
minute of a shared machine weighs on both). On 2 cores two replicas compete for the same
CPUs, so 2 vs 1 shows dispatch, not scaling.

    .venv/bin/python benchmarks/bench_exec_ray.py [--rows 192] [--batch-size 4] [--new-tokens 8] [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "runtime"))

from exec_helpers import row, write_manifest, write_tone  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=192)
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--new-tokens", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    import ray

    from isac.runtime.adapters.base import AdapterOptions
    from isac.runtime.execution.ray_backend import RayOptions
    from isac.runtime.execution.runner import ExecConfig, execute
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    with tempfile.TemporaryDirectory(prefix="isac-bench-ray-") as scratch:
        root = Path(scratch)
        checkpoint = build_tiny_qwen2_audio(root / "tiny", seed=0)
        rows = [row(i) for i in range(args.rows)]
        for index, item in enumerate(rows):
            write_tone(root / "data" / item.audio, seconds=1.0 + index % 3)
        manifest = write_manifest(root / "m" / "f-asr.jsonl", rows)
        ray.init(num_cpus=os.cpu_count() or 2, include_dashboard=False, log_to_driver=False)
        options = AdapterOptions(device="cpu", max_new_tokens=args.new_tokens)
        rates: dict[str, list[float]] = {}
        plans = [
            ("local", None),
            ("ray, 1 replica", RayOptions(replicas=1)),
            ("ray, 2 replicas", RayOptions(replicas=2)),
        ]
        for repeat in range(args.repeats):
            for name, ray_options in plans:
                config = ExecConfig(
                    manifests=(str(manifest),), model=f"hf:{checkpoint}",
                    out=root / f"{name.replace(' ', '_').replace(',', '')}-{repeat}", data_root=root / "data",
                    batch_size=args.batch_size, options=options, progress=False, ray=ray_options,
                )  # fmt: skip
                summary = execute(config)
                if summary.errors:
                    print(f"{name}: {summary.errors} error records", file=sys.stderr)
                    return 1
                rates.setdefault(name, []).append(summary.executed / summary.wall_s)
        ray.shutdown()
    median = {name: statistics.median(runs) for name, runs in rates.items()}
    for name, runs in rates.items():
        shown = ", ".join(f"{rate:.1f}" for rate in runs)
        print(f"{name:>16}: {median[name]:7.2f} rows/s, median of ({shown})")
    overhead = median["local"] / median["ray, 1 replica"]
    paired = statistics.median(
        local / ray for local, ray in zip(rates["local"], rates["ray, 1 replica"], strict=True)
    )
    print(
        f"overhead of --ray with 1 replica: {overhead:.2f}x (ratio of medians), {paired:.2f}x "
        "(median of per-repeat ratios); target <= 1.10"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
