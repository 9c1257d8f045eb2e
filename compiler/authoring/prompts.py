"""Prompt templates for candidate generation: `spec/authoring/<family>.j2`, rendered sandboxed.

A pool's family is its name up to the first dot (`rewrites.complex` -> `rewrites.j2`). Templates are
Jinja2 in the spec's sandbox with StrictUndefined; they see the task's variables (task, answer, labels,
prefix) and the round's: pool, level, count, examples (fragments already in the pool), placeholders,
min_words, max_words. Each round records the template's path and sha256 in the candidates' provenance.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateError

from isac.compiler.authoring.pools import pool_fragments, pool_rules
from isac.compiler.errors import SpecError
from isac.compiler.render import make_environment
from isac.compiler.spec.models import TaskSpec
from isac.compiler.spec.templates import task_context

PROMPTS_DIR = "authoring"
MAX_EXAMPLES = 12  # enough to show the style without filling the context with the pool


@dataclass(frozen=True)
class Prompt:
    """A rendered prompt and the template it came from."""

    text: str
    template: str  # spec-relative path
    sha256: str  # of the template source


def prompt_path(spec_dir: Path, pool: str) -> Path:
    """The template file for `pool` in `spec_dir`."""
    return spec_dir / PROMPTS_DIR / f"{pool.split('.', 1)[0]}.j2"


def render_prompt(spec_dir: Path, task: TaskSpec, pool: str, count: int) -> Prompt:
    """Render the pool's prompt template for `count` candidates."""
    path = prompt_path(spec_dir, pool)
    try:
        source = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(
            f"{path}: prompt template not found (one per pool family in {PROMPTS_DIR}/)"
        ) from None
    rules = pool_rules(task, pool)
    examples = pool_fragments(task, pool)
    context: dict[str, Any] = {
        **task_context(task),
        "pool": pool,
        "level": rules.level or "",
        "count": count,
        "examples": list(examples[:: max(1, len(examples) // MAX_EXAMPLES)][:MAX_EXAMPLES]),
        "placeholders": ["{{ " + name + " }}" for name in sorted(rules.placeholders)],
        "min_words": rules.min_words,
        "max_words": rules.max_words,
    }
    try:
        text = make_environment().from_string(source).render(context)
    except TemplateError as error:
        raise SpecError(f"{path}: cannot render the prompt template: {error}") from None
    return Prompt(
        text=text.strip(),
        template=path.relative_to(spec_dir).as_posix(),
        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
    )
