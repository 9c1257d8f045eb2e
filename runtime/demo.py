"""`isac demo`: the whole pipeline on the bundled mini corpus, from spec to report, in one call.

Stages, each through the Python API of its command:

1. compile the default spec (`spec/`) on the mini corpus (`data/mini/`) into `OUT/manifests`;
2. execute the calibration models `oracle` and `constant:<text>`, and a tiny randomly initialised
   Qwen2-Audio built on the spot (no download; skipped when torch/transformers are missing), each into
   `OUT/runs/<name>` (the tiny model answers every row, or one hash shard of them with tiny_shards);
3. score every run into `OUT/scores.duckdb` (rebuilt from the runs every time);
4. write the report into `OUT/report/`.

Reruns start clean: the demo's own outputs in OUT are removed first. With `keep=True` they are kept and
resumed instead (the tiny checkpoint is reused and rows already answered are skipped). A folder that
holds other files and no demo marker is never cleaned, so a mistyped --out cannot delete anything.
"""

from __future__ import annotations

import contextlib
import importlib.util
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from isac.compiler.commands.compile import compile_to, load_indexes
from isac.compiler.errors import IsacError
from isac.compiler.resources import bundled_data_root, bundled_spec_dir
from isac.compiler.spec import load_spec
from isac.runtime.adapters.base import AdapterOptions
from isac.runtime.evaluation.pipeline import Stages
from isac.runtime.execution.progress import ExecSummary
from isac.runtime.execution.runner import ExecConfig, execute
from isac.runtime.execution.selection import RowFilter, Shard
from isac.runtime.reporting.report import ReportFiles, write_report
from isac.runtime.scoring.pipeline import ScoreReport, score_runs

MARKER = ".isac-demo"
OUTPUTS = ("manifests", "runs", "scores.duckdb", "scores.duckdb.wal", "report", "tiny-qwen2-audio")
TINY_NAME = "tiny-qwen2-audio"
DEFAULT_CONSTANT = "I am not sure."

Log = Callable[[str], None]


class DemoError(IsacError):
    """The demo cannot run: no spec or corpus found, or an output folder it must not touch."""


@dataclass(frozen=True)
class DemoConfig:
    """Options of one demo run (the command-line flags)."""

    out: Path = Path("demo-output")
    data_root: Path | None = None  # default: the bundled data/mini
    spec_dir: Path | None = None  # default: the repository's spec/
    keep: bool = False
    tiny: bool = True
    tiny_shards: int = 1  # the tiny model answers shard 0 of this many (1 = every row)
    max_new_tokens: int = 16
    batch_size: int = 8
    constant_text: str = DEFAULT_CONSTANT
    meteor: bool = True
    examples: int = 3


@dataclass(frozen=True)
class DemoModel:
    """A model the demo runs: its run folder name (also its label in the report) and how to run it."""

    name: str
    model: str
    row_filter: RowFilter = field(default_factory=RowFilter)
    batch_size: int = 1
    options: AdapterOptions = field(default_factory=AdapterOptions)


@dataclass(frozen=True)
class DemoResult:
    """What a demo run did: stage timings, per-model execution, scoring and the report files."""

    out: Path
    manifest_rows: int
    executions: tuple[ExecSummary, ...]
    scores: tuple[ScoreReport, ...]
    report: ReportFiles
    skipped: tuple[str, ...]
    stage_seconds: tuple[tuple[str, float], ...]

    @property
    def total_seconds(self) -> float:
        """Wall time of all stages together."""
        return sum(seconds for _, seconds in self.stage_seconds)


def default_spec_dir() -> Path:
    """The default spec: the checkout's `spec/`, or the copy an installed wheel carries."""
    spec = bundled_spec_dir()
    if spec is None:
        raise DemoError("this install of isac carries no default spec; pass --spec DIR")
    return spec


def default_data_root() -> Path:
    """The bundled mini corpus: the checkout's `data/mini/`, or the copy an installed wheel carries."""
    data = bundled_data_root()
    if data is None:
        raise DemoError("this install of isac carries no bundled mini corpus; pass --data-root DIR")
    return data


def tiny_model_unavailable() -> str | None:
    """Why the tiny transformers model cannot run here, or None when torch and transformers import."""
    missing = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if missing:
        return (
            f"skipping the tiny transformers model: {' and '.join(missing)} not installed "
            "(pip install 'isac[models]')"
        )
    return None


def prepare_out_dir(out: Path, *, keep: bool) -> None:
    """Create OUT (marked as a demo folder); unless `keep`, remove the demo outputs an earlier run left.

    Raises DemoError when OUT holds files but no demo marker (it is someone else's folder).
    """
    if out.exists() and not out.is_dir():
        raise DemoError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise DemoError(
            f"--out {out}: folder is not empty and was not made by `isac demo`; choose a new or empty folder"
        )
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("written by `isac demo`; its outputs here are replaced on the next run\n")
    if keep:
        return
    for name in OUTPUTS:
        path = out / name
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()


def calibration_models(config: DemoConfig) -> list[DemoModel]:
    """The oracle (IFR 100 by construction) and a constant answer (fails almost every format)."""
    return [DemoModel("oracle", "oracle"), DemoModel("constant", f"constant:{config.constant_text}")]


def tiny_model(config: DemoConfig, checkpoint: Path) -> DemoModel:
    """The tiny Qwen2-Audio over one hash shard of the rows, with short greedy generations."""
    shard = Shard(0, config.tiny_shards) if config.tiny_shards > 1 else None
    return DemoModel(
        TINY_NAME,
        f"hf:{checkpoint.resolve()}",
        row_filter=RowFilter(shard=shard),
        batch_size=config.batch_size,
        options=AdapterOptions(max_new_tokens=config.max_new_tokens),
    )


def build_tiny_checkpoint(target: Path) -> Path:
    """Build the tiny checkpoint into `target` unless a complete one is there (written, then renamed)."""
    if (target / "config.json").is_file() and (target / "model.safetensors").is_file():
        return target
    from isac.runtime.tiny_models import build_tiny_qwen2_audio

    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.rmtree(target, ignore_errors=True)
    build_tiny_qwen2_audio(staging, seed=0)
    staging.rename(target)
    return target


def run_demo(config: DemoConfig, log: Log = print) -> DemoResult:
    """Compile, execute, score and report (see the module docstring); return what happened."""
    if config.tiny_shards < 1:
        raise DemoError(f"--tiny-shards {config.tiny_shards}: expected at least 1")
    spec_dir = Path(config.spec_dir) if config.spec_dir is not None else default_spec_dir()
    data_root = (Path(config.data_root) if config.data_root is not None else default_data_root()).resolve()
    out = Path(config.out)
    prepare_out_dir(out, keep=config.keep)
    stages = Stages(log)
    manifests = out / "manifests"

    with stages.stage("compile", f"compiling {spec_dir} on {data_root} into {manifests}"):
        spec = load_spec(spec_dir)
        indexes = load_indexes(spec, data_root, check_audio=True, skip_missing_audio=False)
        # the demo owns its output folder
        lock = compile_to(spec, indexes, manifests, force=True, data_root=data_root)
        rows = sum(entry.rows for entry in lock.manifests.values())
        log(f"    {len(lock.manifests)} manifests, {rows} rows")

    models = calibration_models(config)
    skipped: list[str] = []
    if config.tiny:
        reason = tiny_model_unavailable()
        if reason is None:
            with stages.stage("build tiny model", f"building a tiny random Qwen2-Audio in {out / TINY_NAME}"):
                _quiet_transformers()
                models.append(tiny_model(config, build_tiny_checkpoint(out / TINY_NAME)))
        else:
            skipped.append(reason)
            log(reason)

    executions = []
    for model in models:
        threads = _single_torch_thread() if model.name == TINY_NAME else contextlib.nullcontext()
        with (
            stages.stage(f"exec {model.name}", f"running {model.model} into {out / 'runs' / model.name}"),
            threads,
        ):
            summary = execute(
                ExecConfig(
                    manifests=(str(manifests),),
                    model=model.model,
                    out=out / "runs" / model.name,
                    data_root=data_root,
                    batch_size=model.batch_size,
                    row_filter=model.row_filter,
                    options=model.options,
                ),
                warn=lambda message: log(f"    warning: {message}"),
            )
            executions.append(summary)
            log(f"    {summary.executed} rows answered now, {summary.skipped} already done")

    db_path = out / "scores.duckdb"
    with stages.stage("score", f"scoring {len(models)} runs into {db_path}"):
        scores = score_demo_runs(
            db_path, [(out / "runs" / model.name, model.name) for model in models], config
        )
        for score in scores:
            for warning in score.warnings:
                log(f"    warning: {warning}")

    with stages.stage("report", f"writing the report into {out / 'report'}"):
        report = write_report(db_path, out / "report", examples=config.examples)

    return DemoResult(
        out=out,
        manifest_rows=rows,
        executions=tuple(executions),
        scores=tuple(scores),
        report=report,
        skipped=tuple(skipped),
        stage_seconds=tuple(stages.seconds),
    )


def score_demo_runs(db_path: Path, runs: list[tuple[Path, str]], config: DemoConfig) -> list[ScoreReport]:
    """Score each (run folder, label) into a fresh database, sharing one METEOR process across runs."""
    for stale in (db_path, db_path.with_name(db_path.name + ".wal")):
        stale.unlink(missing_ok=True)
    return score_runs(
        db_path, [run_dir for run_dir, _ in runs], labels=[label for _, label in runs], meteor=config.meteor
    )


@contextmanager
def _single_torch_thread() -> Iterator[None]:
    # The tiny model's matrices are 32 wide: with several intra-op threads, thread synchronisation costs
    # more than the arithmetic (measured 6x slower with 2 threads than with 1 on a busy 2-core machine).
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def _quiet_transformers() -> None:
    # Weight-loading progress bars of transformers would drown the demo's own stage lines.
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    transformers_logging.set_verbosity_error()
