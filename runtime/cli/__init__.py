"""The `isac` command line: one subcommand per module, registered by name.

Each command module defines `HELP: str`, `add_arguments(parser)` and `run(args) -> int`. Modules are
imported only when the parser is built, so a light install (no torch) still gets every command that
does not need the heavy extras.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from isac.compiler.errors import IsacError

# subcommand name -> module path; the order is the order `isac --help` lists them
COMMANDS: dict[str, str] = {
    "validate": "isac.compiler.commands.validate",
    "compile": "isac.compiler.commands.compile",
    "verify": "isac.compiler.commands.verify",
    "release": "isac.compiler.commands.release",
    "import-isa-v1": "isac.compiler.commands.import_isa_v1",
    "exec": "isac.runtime.cli.exec_cmd",
    "score": "isac.runtime.cli.score_cmd",
    "query": "isac.runtime.cli.query_cmd",
    "score-official": "isac.runtime.cli.score_official_cmd",
    "leaderboard": "isac.runtime.cli.leaderboard_cmd",
    "report": "isac.runtime.cli.report_cmd",
    "demo": "isac.runtime.cli.demo_cmd",
}


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand."""
    parser = argparse.ArgumentParser(prog="isac", description="ISA-Bench compiler, runner and scorer.")
    from isac.compiler import __version__

    parser.add_argument("--version", action="version", version=f"isac {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module_path in COMMANDS.items():
        try:
            module = importlib.import_module(module_path)
        except ModuleNotFoundError as error:
            if error.name == module_path:  # command not built yet in this tree
                continue
            raise
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.add_arguments(sub)
        sub.set_defaults(handler=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `isac` console script."""
    parser = build_parser()
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
