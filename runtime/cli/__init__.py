"""The `isac` command line: one subcommand per module, registered by name.

Each command module defines `HELP: str`, `add_arguments(parser)` and `run(args) -> int`. Only the
module of the command being run is imported, so `isac exec` never pays for DuckDB or the report code,
and a light install (no torch) still runs every command that does not need the heavy extras.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from isac.compiler.errors import IsacError

# subcommand name -> (module path, one-line summary); `isac --help` lists them in this order
COMMANDS: dict[str, tuple[str, str]] = {
    "validate": ("isac.compiler.commands.validate", "validate a spec: every schema error at once"),
    "schema": ("isac.compiler.commands.schema", "write the spec's JSON Schemas, generated from its models"),
    "compile": ("isac.compiler.commands.compile", "compile a spec and datasets into hashed manifests"),
    "verify": ("isac.compiler.commands.verify", "detect edited, missing or added manifest files or rows"),
    "release": ("isac.compiler.commands.release", "freeze a compiled set under artifacts/releases/"),
    "import-isa-v1": ("isac.compiler.commands.import_isa_v1", "convert the paper's instruction files"),
    "exec": ("isac.runtime.cli.exec_cmd", "run a model over manifests, resumably"),
    "score": ("isac.runtime.cli.score_cmd", "score run directories into a DuckDB database"),
    "query": ("isac.runtime.cli.query_cmd", "run SQL on a scoring database"),
    "score-official": ("isac.runtime.cli.score_official_cmd", "score official-format result files"),
    "leaderboard": ("isac.runtime.cli.leaderboard_cmd", "rank models by IFR and RPS area ratios"),
    "report": ("isac.runtime.cli.report_cmd", "write Markdown/HTML reports and charts"),
    "demo": ("isac.runtime.cli.demo_cmd", "run the whole pipeline on the bundled mini corpus"),
}


def _load(name: str) -> ModuleType:
    return importlib.import_module(COMMANDS[name][0])


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser; with `only`, just that subcommand's module is imported."""
    from isac.compiler import __version__

    parser = argparse.ArgumentParser(prog="isac", description="ISA-Bench compiler, runner and scorer.")
    parser.add_argument("--version", action="version", version=f"isac {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (_, summary) in COMMANDS.items():
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
    parser = build_parser(only=chosen if chosen in COMMANDS else "")
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
