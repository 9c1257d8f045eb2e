"""`isac validate SPEC_DIR`: check a spec against its schemas, references and templates."""

from __future__ import annotations

import argparse
from pathlib import Path

from isac.compiler.spec import load_spec
from isac.compiler.spec.templates import compile_templates

HELP = "Validate a spec directory (schemas, cross references, templates); report every problem at once."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SPEC_DIR."""
    parser.add_argument("spec_dir", type=Path, metavar="SPEC_DIR", help="the spec directory, e.g. spec/")


def run(args: argparse.Namespace) -> int:
    """Print a summary of a valid spec; an invalid one raises `SpecProblems` (exit 2)."""
    spec = load_spec(args.spec_dir)
    compile_templates(spec)
    print(f"{spec.name} {spec.version}: spec is valid (sha256 {spec.sha256[:16]}, seed {spec.seed})")
    for name, task in spec.tasks.items():
        print(
            f"  {name:<5} {task.dataset:<12} {task.metric.name:<9} "
            f"D_t {len(task.task_descriptions):>3}  D_f {len(task.default_format.descriptions):>3}  "
            f"F1 {len(task.answer_only):>3}  D4 {len(task.rewrites.simple)}/{len(task.rewrites.neutral)}/"
            f"{len(task.rewrites.complex)}"
        )
    print(f"  D variants: {', '.join(v.variant for v in spec.d_variants)}")
    print(f"  F variants: {', '.join(v.variant for v in spec.f_variants)}")
    if spec.n is not None:
        sizes = ", ".join(f"{size} tasks -> {cls}" for size, cls in spec.n.sizes.items())
        formats = ", ".join(fmt.variant for fmt in spec.n.formats)
        print(f"  N: {'/'.join(spec.n.tasks)} on {spec.n.dataset} ({sizes}; formats {formats})")
    return 0
