"""The `isac` command line: one subcommand per module, registered by name.

Each command module defines `HELP: str`, `add_arguments(parser)` and `run(args) -> int`. The modules
live in the `COMMANDS` registry (`isac.compiler.registry`); an installed package adds a subcommand
through the `isac.commands` entry point group, naming such a module (`mycmd = "mypkg.cli_mycmd"`). Only
the module of the command being run is imported, so `isac exec` never pays for DuckDB or the report
code, and a light install (no torch) still runs every command that does not need the heavy extras.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from types import ModuleType

from isac.compiler.errors import IsacError
from isac.compiler.registry import Registry

# built-in subcommand -> (module path, one-line summary); `isac --help` lists them in this order, then
# plugin commands by name. The summaries are here so that listing never imports a command module.
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("isac.compiler.commands.validate", "validate a spec: every schema error at once"),
    "schema": ("isac.compiler.commands.schema", "write the spec's JSON Schemas, generated from its models"),
    "compile": ("isac.compiler.commands.compile", "compile a spec and datasets into hashed manifests"),
    "verify": ("isac.compiler.commands.verify", "detect edited, missing or added manifest files or rows"),
    "release": ("isac.compiler.commands.release", "freeze a compiled set under artifacts/releases/"),
    "author": ("isac.compiler.commands.author", "grow fragment pools with validated candidates"),
    "sft": ("isac.compiler.commands.sft", "compile a contamination-checked training (SFT) corpus"),
    "verify-disjoint": (
        "isac.compiler.commands.verify_disjoint",
        "check a training corpus against a test set",
    ),
    "sft-train": (
        "isac.runtime.sft.train_cmd",
        "fine-tune an hf: checkpoint on an SFT corpus (LoRA optional)",
    ),
    "import-isa-v1": ("isac.runtime.isa_v1.import_cmd", "convert the paper's instruction files"),
    "exec": ("isac.runtime.cli.exec_cmd", "run a model over manifests, resumably"),
    "score": ("isac.runtime.cli.score_cmd", "score run directories into a DuckDB database"),
    "query": ("isac.runtime.cli.query_cmd", "run SQL on a scoring database"),
    "bootstrap": ("isac.runtime.cli.bootstrap_cmd", "confidence intervals for every view (*_ci tables)"),
    "compare": ("isac.runtime.cli.compare_cmd", "paired comparison of two models with corrected p-values"),
    "score-official": ("isac.runtime.cli.score_official_cmd", "score official-format result files"),
    "export-official": ("isac.runtime.cli.export_official_cmd", "write a run as official result files"),
    "leaderboard": ("isac.runtime.cli.leaderboard_cmd", "rank models by IFR and RPS area ratios"),
    "report": ("isac.runtime.cli.report_cmd", "write Markdown/HTML reports and charts"),
    "eval": ("isac.runtime.cli.eval_cmd", "compile, run models, score and report in one command"),
    "demo": ("isac.runtime.cli.demo_cmd", "run the whole pipeline on the bundled mini corpus"),
}

COMMANDS: Registry[ModuleType] = Registry(
    "command", "isac.commands", {name: module for name, (module, _) in BUILTIN_COMMANDS.items()}
)


def command_names() -> list[str]:
    """Every subcommand: the built-ins in their listing order, then the others by name."""
    return [*BUILTIN_COMMANDS, *(name for name in COMMANDS.names() if name not in BUILTIN_COMMANDS)]


def _summary(name: str) -> str:
    if COMMANDS.origin(name) == "builtin":
        return BUILTIN_COMMANDS[name][1]
    return f"added by {COMMANDS.origin(name)}"


def _load(name: str) -> ModuleType:
    module = COMMANDS.get(name)
    missing = [part for part in ("HELP", "add_arguments", "run") if not hasattr(module, part)]
    if missing:
        raise IsacError(
            f"command {name!r} ({COMMANDS.origin(name)}) does not define {', '.join(missing)}; a command "
            f"module needs HELP, add_arguments(parser) and run(args)"
        )
    return module


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser; with `only`, just that subcommand's module is imported."""
    from isac.compiler import __version__

    parser = argparse.ArgumentParser(prog="isac", description="ISA-Bench compiler, runner and scorer.")
    parser.add_argument("--version", action="version", version=f"isac {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in command_names():
        summary = _summary(name)
        if only is not None and name != only:
            subparsers.add_parser(name, help=summary)
            continue
        module = _load(name)
        sub = subparsers.add_parser(name, help=summary, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `isac` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((arg for arg in argv if not arg.startswith("-")), None)
    try:
        parser = build_parser(only=chosen if chosen in COMMANDS else "")
    except IsacError as error:  # a plugin command that cannot be imported
        print(f"isac: error: {error}", file=sys.stderr)
        return 2
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except IsacError as error:
        print(f"isac: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("isac: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
