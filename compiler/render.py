"""Jinja2 rendering of fragment templates and the joining of fragments into one instruction.

Fragments are Jinja2 templates evaluated in a sandbox with `StrictUndefined`, so a misspelt variable is
an error rather than an empty string. Each distinct template source is compiled once and cached: an
item's instruction is rendered from already compiled templates, which keeps compiling 350k rows fast.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from isac.compiler.errors import SpecError

_SENTENCE_END = (".", "!", "?")
_RENDER_CACHE_SIZE = 200_000


# The longest instruction a template may render: far above any real one (a few hundred characters),
# far below what makes a manifest balloon (`{{ 'a' * 2000000 }}` would write megabytes per row).
MAX_INSTRUCTION_CHARS = 10_000


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with `*` and `**` refused when they would build a huge string, list or number."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        """Multiply or raise to a power only when the result stays small."""
        if operator == "**" and _number(left) and _number(right) and abs(right) > 64:
            raise SecurityError(f"{left!r} ** {right!r} is too large for a template")
        if operator == "*":
            for sequence, count in ((left, right), (right, left)):
                sized = isinstance(sequence, str | list | tuple) and isinstance(count, int)
                if sized and len(sequence) * count > MAX_INSTRUCTION_CHARS:
                    raise SecurityError(
                        f"repeating a value {count} times makes more than {MAX_INSTRUCTION_CHARS} "
                        "characters or items"
                    )
        return super().call_binop(context, operator, left, right)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def make_environment() -> SandboxedEnvironment:
    """The one environment every template is compiled in (no loader: `include` and `import` fail)."""
    return _BoundedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, trim_blocks=False
    )


class TemplateBank:
    """Compiles template sources once and renders them by source text.

    A source without Jinja syntax is returned as it is without calling Jinja at all, which is most
    fragments; it is still parsed once so a stray `{{` is reported at load time.
    """

    def __init__(self) -> None:
        self._environment = make_environment()
        self._compiled: dict[str, Any] = {}
        # (source, context items) -> text: items reuse few fragment/value combinations, and a Jinja render
        # costs tens of microseconds, so identical renders are served from here
        self._rendered: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}

    def compile(self, source: str, *, where: str) -> None:
        """Parse `source` now; `where` names the spec file and key for the error message."""
        if source in self._compiled:
            return
        if not _is_template(source):
            self._compiled[source] = None
            return
        try:
            self._compiled[source] = self._environment.from_string(source)
        except TemplateError as error:
            raise SpecError(f"{where}: invalid template {source!r}: {error}") from None

    def render(self, source: str, context: Mapping[str, Any], *, where: str = "template") -> str:
        """Render a compiled source with `context` (compiling it first if it was never seen)."""
        if source not in self._compiled:
            self.compile(source, where=where)
        template = self._compiled[source]
        if template is None:
            return source
        key = (source, tuple(sorted(context.items())))
        cached = self._rendered.get(key)
        if cached is not None:
            return cached
        try:
            text = template.render(context)
        except TemplateError as error:
            raise SpecError(f"{where}: cannot render {source!r}: {error}") from None
        except (TypeError, ValueError, ArithmeticError, MemoryError, RecursionError) as error:
            # e.g. `{% include %}` (no loader in the sandbox), `range(10**9)` (OverflowError)
            reason = "templates cannot include or import other files" if "loader" in str(error) else error
            raise SpecError(f"{where}: cannot render {source!r}: {type(error).__name__}: {reason}") from None
        if len(text) > MAX_INSTRUCTION_CHARS:
            raise SpecError(
                f"{where}: {source!r} renders to {len(text)} characters; an instruction fragment may "
                f"have at most {MAX_INSTRUCTION_CHARS}"
            )
        if len(self._rendered) < _RENDER_CACHE_SIZE:
            self._rendered[key] = text
        return text

    def check(self, source: str, context: Mapping[str, Any], *, where: str) -> None:
        """Compile and trial-render with `context`, so undefined variables fail at load time."""
        self.compile(source, where=where)
        self.render(source, context, where=where)


def _is_template(source: str) -> bool:
    return "{{" in source or "{%" in source or "{#" in source


def labels_text(labels: Sequence[str], conjunction: str = "or") -> str:
    """`happy, sad, angry or neutral`; `male or female`."""
    if not labels:
        return ""
    if len(labels) == 1:
        return labels[0]
    return f"{', '.join(labels[:-1])} {conjunction} {labels[-1]}"


def join_list(items: Sequence[str], conjunction: str = "and") -> str:
    """`a, b and c` for any number of items."""
    return labels_text(items, conjunction)


def join_clauses(left: str, connector: str, right: str) -> str:
    """`left + connector + right`, fixing the case of the right clause's first letter.

    After a connector that ends a sentence (". ", ": " ...) the right clause starts with a capital;
    after a comma, "and" or a symbol it starts in lower case, unless its first word is an acronym or
    starts with a quote mark.
    """
    if not right:
        return left + connector
    stripped = connector.rstrip()
    ends_sentence = stripped.endswith(_SENTENCE_END)
    return left + connector + _fix_initial(right, capital=ends_sentence)


def _fix_initial(text: str, *, capital: bool) -> str:
    first = text[0]
    if not first.isalpha():
        return text
    if capital:
        return first.upper() + text[1:]
    first_word = text.split(" ", 1)[0]
    is_acronym = len(first_word) > 1 and first_word[1:2].isupper()
    return text if is_acronym else first.lower() + text[1:]


def sentence_start(text: str) -> str:
    """`text` with its first letter capitalised (the start of an instruction)."""
    return _fix_initial(text, capital=True) if text else text
