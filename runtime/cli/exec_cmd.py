"""`isac exec`: run a model over manifests into a resumable run directory."""

from __future__ import annotations

import argparse
import dataclasses
import re
import signal
import sys
from pathlib import Path
from types import FrameType

from isac.compiler.data_roots import locks_near, resolve_data_root
from isac.compiler.errors import RunError
from isac.runtime.adapters.arguments import apply_arguments, parse_assignments
from isac.runtime.adapters.base import DEFAULT_MAX_CONNECTION_FAILURES, DEFAULT_MAX_ROW_TIME_S, AdapterOptions
from isac.runtime.adapters.registry import split_model_string
from isac.runtime.execution.engine import WorkItem
from isac.runtime.execution.progress import render_summary
from isac.runtime.execution.ray_backend import DEFAULT_MAX_RESTARTS, RayOptions
from isac.runtime.execution.runner import (
    DEFAULT_MAX_ERROR_RATE,
    DEFAULT_MAX_RESPONSE_CHARS,
    ExecConfig,
    check_data_root,
    error_rate_problem,
    execute,
)
from isac.runtime.execution.selection import (
    RowFilter,
    Shard,
    expand_manifest_paths,
    load_manifests,
    select_rows,
)

# Model schemes that read no audio: their runs need no data root.
AUDIO_FREE_SCHEMES = frozenset({"oracle", "constant", "replay"})

_LOCAL_RAY = "local"  # --ray given without an address
_RAY_ADDRESS = re.compile(r"auto|(ray://)?[A-Za-z0-9_.\-\[\]:]+:\d+")

HELP = "Run a model over manifests; results go to an append-only, resumable log in --out."

_EPILOG = """\
Model strings: oracle | constant:TEXT | replay:FILE | openai:NAME (with --base-url) | hf:PATH_OR_HUB_ID.
Rerunning the same command resumes: rows with a record are skipped. A run directory is tied to one model
fingerprint (adapter, weights, revision, generation settings) and one version of each manifest; reusing
it with other settings or an edited manifest is refused. Library versions and API endpoints may change
between resumes (a warning is printed). --limit applies after filters and --shard, so a rerun with the
same --limit resumes the same rows. Shards are numbered from 0: --shard 0/4 ... --shard 3/4.
The manifests must match the isac.lock.json of their directory (as `isac verify` checks) unless
--no-verify. Exit status: 0 done, 1 too many error records (--max-error-rate), 2 bad input or a run
that cannot continue (unreachable endpoint, repeated connection failures), 130 interrupted.
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Register the exec options."""
    parser.epilog = _EPILOG
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument(
        "manifests", nargs="+", metavar="MANIFEST_OR_DIR", help="manifest files or directories"
    )
    parser.add_argument("--model", required=True, help="model string, e.g. oracle, hf:PATH, openai:NAME")
    parser.add_argument("--out", required=True, type=Path, help="run directory (created or resumed)")
    parser.add_argument(
        "--data-root",
        type=Path,
        default=None,
        help="root of the audio paths (default: $ISAC_DATA_ROOT, else the data root recorded in the "
        "manifests' isac.lock.json, else .)",
    )

    run = parser.add_argument_group("execution")
    run.add_argument("--batch-size", type=int, default=1, help="rows per adapter call (default 1)")
    run.add_argument("--concurrency", type=int, default=1, help="batches in flight at once (default 1)")
    run.add_argument("--retry-errors", action="store_true", help="rerun only rows whose last record failed")
    run.add_argument(
        "--max-error-rate",
        type=float,
        default=DEFAULT_MAX_ERROR_RATE,
        metavar="SHARE",
        help="exit with status 1 when more than this share of the rows run end in an error record "
        f"(default {DEFAULT_MAX_ERROR_RATE:g}; 0 = any error fails)",
    )
    run.add_argument(
        "--no-verify",
        dest="verify",
        action="store_false",
        help="run manifests that are not an intact compiled set (hand-made or deliberately edited "
        "subsets); by default they must match their directory's isac.lock.json",
    )
    run.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: on a tty)",
    )

    scale = parser.add_argument_group("scale-out (Ray; pip install 'isac[ray]'; see docs/scale-out.md)")
    scale.add_argument(
        "--ray",
        nargs="?",
        const=_LOCAL_RAY,
        default=None,
        metavar="ADDRESS",
        help="run the model on Ray replicas; no ADDRESS starts a local cluster, 'auto' or HOST:PORT joins "
        "a running one (the audio must be at the same --data-root path on every node)",
    )
    scale.add_argument("--replicas", type=int, default=1, help="--ray: adapter replicas (actors) (default 1)")
    scale.add_argument("--gpus-per-replica", type=float, default=0.0, help="--ray: GPUs each replica holds")
    scale.add_argument(
        "--cpus-per-replica",
        type=float,
        default=None,
        help="--ray: CPUs each replica holds, and so its torch threads (default: 1 with GPUs, else an even "
        "share of the cluster's CPUs, at most one node's)",
    )
    scale.add_argument(
        "--max-replica-restarts",
        type=int,
        default=DEFAULT_MAX_RESTARTS,
        help=f"--ray: dead replicas replaced in one run before it stops (default {DEFAULT_MAX_RESTARTS})",
    )

    select = parser.add_argument_group("row selection")
    select.add_argument("--limit", type=int, default=None, help="at most N rows (after filters and shard)")
    select.add_argument("--shard", default=None, metavar="I/N", help="run shard I of N (by row id hash)")
    select.add_argument("--dimension", action="append", default=[], help="D, F or N (repeat or comma-join)")
    select.add_argument("--class", dest="classes", action="append", default=[], help="e.g. F3 (repeatable)")
    select.add_argument("--task", action="append", default=[], help="e.g. ASR (repeatable; matches subtasks)")

    model = parser.add_argument_group("model options")
    model.add_argument("--device", default="auto", help="hf: cpu, cuda, cuda:1 or auto")
    model.add_argument("--dtype", default="auto", help="hf: auto, float32, bfloat16, float16")
    model.add_argument("--max-new-tokens", type=int, default=256)
    model.add_argument("--temperature", type=float, default=0.0, help="0 = greedy decoding")
    model.add_argument(
        "--base-url",
        action="append",
        default=None,
        help="openai: endpoint, e.g. http://127.0.0.1:8000/v1; repeat for several replicas of one served "
        "model (each request goes to the one with the fewest in flight)",
    )
    model.add_argument(
        "--base-urls-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="openai: endpoints, one URL per line (# comments), added to any --base-url",
    )
    model.add_argument(
        "--api-key-env", default="OPENAI_API_KEY", help="openai: environment variable holding the API key"
    )
    model.add_argument("--timeout", type=float, default=120.0, help="openai: seconds per HTTP request")
    model.add_argument("--max-retries", type=int, default=5, help="openai: retries of a transient failure")
    model.add_argument(
        "--retry-backoff", type=float, default=1.0, help="openai: first backoff ceiling in seconds (doubles)"
    )
    model.add_argument(
        "--max-row-time",
        type=float,
        default=DEFAULT_MAX_ROW_TIME_S,
        help="openai: seconds one row may spend in attempts and retry waits "
        f"(default {DEFAULT_MAX_ROW_TIME_S:g})",
    )
    model.add_argument(
        "--max-connection-failures",
        type=int,
        default=DEFAULT_MAX_CONNECTION_FAILURES,
        help="openai: stop the run after this many consecutive connection failures "
        f"(default {DEFAULT_MAX_CONNECTION_FAILURES}; 0 = never)",
    )
    run.add_argument(
        "--max-response-chars",
        type=int,
        default=DEFAULT_MAX_RESPONSE_CHARS,
        help="store at most this many characters of a response; longer ones are cut and the record "
        f"says so in response_chars (default {DEFAULT_MAX_RESPONSE_CHARS})",
    )
    model.add_argument(
        "-M",
        dest="model_args",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="model loading argument (hf: a from_pretrained keyword, e.g. attn_implementation=sdpa)",
    )
    model.add_argument(
        "-G",
        dest="generation_args",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="generation argument (top_p=0.9, system_prompt=..., seed=1); repeatable; in the fingerprint",
    )


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def read_base_urls(given: str | list[str] | None, path: Path | None) -> tuple[str, ...]:
    """--base-url values (repeated) and the lines of --base-urls-file, in order, each once."""
    urls = [given] if isinstance(given, str) else list(given or [])
    if path is not None:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as error:
            raise RunError(f"--base-urls-file {path}: cannot read ({error.strerror or error})") from None
        listed = [line.split("#", 1)[0].strip() for line in text.splitlines()]
        listed = [line for line in listed if line]
        if not listed:
            raise RunError(f"--base-urls-file {path}: no URL in the file (expected one per line)")
        bad = [line for line in listed if not line.startswith(("http://", "https://"))]
        if bad:
            raise RunError(f"--base-urls-file {path}: {bad[0]!r} is not an http:// or https:// URL")
        urls += listed
    return tuple(dict.fromkeys(url.strip() for url in urls if url.strip()))


def config_from_args(args: argparse.Namespace) -> ExecConfig:
    """Translate parsed arguments into an ExecConfig."""
    row_filter = RowFilter(
        dimensions=tuple(value.upper() for value in _split(args.dimension)),
        classes=tuple(value.upper() for value in _split(args.classes)),
        tasks=tuple(value.upper() for value in _split(args.task)),
        shard=Shard.parse(args.shard) if args.shard else None,
        limit=args.limit,
    )
    urls = read_base_urls(args.base_url, getattr(args, "base_urls_file", None))
    options = AdapterOptions(
        device=args.device,
        dtype=args.dtype,
        max_new_tokens=args.max_new_tokens,
        temperature=args.temperature,
        base_url=urls[0] if urls else None,
        base_urls=urls if len(urls) > 1 else (),
        api_key_env=args.api_key_env,
        timeout_s=args.timeout,
        max_retries=args.max_retries,
        extra=(
            ("retry_backoff_s", args.retry_backoff),
            ("max_row_time_s", args.max_row_time),
            ("max_connection_failures", args.max_connection_failures),
        ),
    )
    options = apply_arguments(
        options, parse_assignments(args.model_args, "-M"), parse_assignments(args.generation_args, "-G")
    )
    ray_address = getattr(args, "ray", None)
    ray = None
    if ray_address not in (None, _LOCAL_RAY) and not _RAY_ADDRESS.fullmatch(ray_address):
        raise RunError(
            f"--ray {ray_address!r}: expected no address (a local cluster), 'auto', HOST:PORT or "
            "ray://HOST:PORT; a manifest right after a bare --ray is read as its address, so put --ray "
            "after the manifests or write --ray=ADDRESS"
        )
    if ray_address is not None:
        ray = RayOptions(
            address=None if ray_address == _LOCAL_RAY else ray_address,
            replicas=args.replicas,
            gpus_per_replica=args.gpus_per_replica,
            cpus_per_replica=args.cpus_per_replica,
            max_restarts=args.max_replica_restarts,
        )
    return ExecConfig(
        manifests=tuple(args.manifests),
        model=args.model,
        out=args.out,
        data_root=args.data_root,
        batch_size=args.batch_size,
        concurrency=args.concurrency,
        row_filter=row_filter,
        retry_errors=args.retry_errors,
        options=options,
        progress=args.progress,
        verify=args.verify,
        max_error_rate=args.max_error_rate,
        max_response_chars=args.max_response_chars,
        ray=ray,
    )


def _interrupt_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # SIGTERM (e.g. a job scheduler's stop) takes the same graceful path as Ctrl-C.
    raise KeyboardInterrupt


def resolve_config_data_root(config: ExecConfig) -> ExecConfig:
    """Apply the data-root rule (flag, $ISAC_DATA_ROOT, the lock beside the manifests; else the runner's
    fallback, the working directory)."""
    found = resolve_data_root(config.data_root, locks=locks_near(config.manifests))
    return config if found is None else dataclasses.replace(config, data_root=found.path)


def check_audio_before_loading(config: ExecConfig) -> None:
    """Refuse a data root under which no sampled audio file exists, before any model is built (building
    an hf: adapter imports torch and reads the checkpoint, which takes seconds)."""
    if split_model_string(config.model)[0] in AUDIO_FREE_SCHEMES or config.data_root is None:
        return
    _files, rows = load_manifests(expand_manifest_paths(config.manifests))
    selected = select_rows(rows, config.row_filter)
    check_data_root([WorkItem(item, attempt=1) for item in selected], Path(config.data_root))


def run(args: argparse.Namespace) -> int:
    """Execute and print the summary table."""
    config = resolve_config_data_root(config_from_args(args))
    check_audio_before_loading(config)
    previous = signal.signal(signal.SIGTERM, _interrupt_on_sigterm)
    try:
        summary = execute(config)
    finally:
        signal.signal(signal.SIGTERM, previous)
    print(render_summary(summary))
    problem = error_rate_problem(summary, config.max_error_rate)
    if problem is not None:
        print(f"isac: error: {problem}", file=sys.stderr)
        return 1
    return 0
