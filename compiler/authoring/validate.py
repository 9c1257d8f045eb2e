"""The rules every authored candidate must pass, each a pure function named in the review file.

    single_line    one line: no line breaks, tabs or other control characters
    english        printable ASCII only; a fragment of 3+ words has an English function word
    length         the pool's word band (`PoolRules.min_words`..`max_words`), at most `MAX_CHARS`
                   characters, and no sentence punctuation at the end (the compiler adds it)
    template       no Jinja statements or comments; compiles and renders in the sandbox (StrictUndefined)
                   with the task's variables
    placeholders   exactly the pool's placeholders, each once, written `{{ name }}`
    required_text  the prefix placeholder opens a double-quoted span; label words only via `{{ labels }}`
    leakage        a task description or rewrite names no label word (unless it names them all: the
                   choice, not the answer) and not the answer prefix
    complexity     rewrites: the level's word and clause band (`COMPLEXITY_WORDS`, `CLAUSE_BANDS`)
    duplicate      normalised text equal to a pool fragment or an earlier accepted candidate
    near_duplicate 4-gram similarity >= `NEAR_DUPLICATE` to a pool fragment or an earlier accepted one

A candidate is accepted when no rule objects; otherwise every objecting rule is recorded with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from isac.compiler.authoring.pools import COMPLEXITY_WORDS, MAX_CHARS, PoolRules, pool_fragments, pool_rules
from isac.compiler.authoring.similarity import NEAR_DUPLICATE, most_similar, ngrams, normalise
from isac.compiler.errors import SpecError
from isac.compiler.render import TemplateBank
from isac.compiler.spec.models import TaskSpec
from isac.compiler.spec.templates import task_context


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


RULES = (
    "single_line",
    "english",
    "length",
    "template",
    "placeholders",
    "required_text",
    "leakage",
    "complexity",
    "duplicate",
    "near_duplicate",
)
"""Every rule, in the order they are checked and reported."""

CLAUSE_MARKERS = _word_set(
    "and or then while which that so before after whether when where because considering given "
    "including such without if once until as using based from"
)
"""Words that open or join a clause; with commas and semicolons they approximate a fragment's clauses."""

CLAUSE_BANDS: dict[str, tuple[int, int]] = {"simple": (0, 1), "neutral": (0, 2), "complex": (1, 99)}
"""Per rewrite level, the fewest and most clause markers (marker words + commas + semicolons)."""

FUNCTION_WORDS = _word_set(
    "the a an this that these of in on to for with and or what which who how is are be it its you "
    "your me my from by as at into only one any each about whether if their out just do does not no "
    "please can could would will should say tell give all every some down up over here there now "
    "then than but was were has have had them they he she his her we our us when where why very more "
    "most off through per"
)
"""A fragment of three words or more in English holds at least one of these."""

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
_CANONICAL = re.compile(r"\{\{ (\w+) \}\}")
_STATEMENT = re.compile(r"\{%|\{#")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")


@dataclass(frozen=True)
class Rejection:
    """One rule that refused a candidate, and why."""

    rule: str
    reason: str


@dataclass
class PoolValidator:
    """Validates candidates for one pool of one task, remembering those it accepted (for duplicates)."""

    task: TaskSpec
    pool: str
    rules: PoolRules = field(init=False)
    _seen: list[tuple[str, frozenset[str]]] = field(init=False, default_factory=list)
    _normalised: dict[str, str] = field(init=False, default_factory=dict)
    _bank: TemplateBank = field(init=False, default_factory=TemplateBank)

    def __post_init__(self) -> None:
        self.rules = pool_rules(self.task, self.pool)
        for text in pool_fragments(self.task, self.pool):
            self._remember(text, origin="the pool")

    def _remember(self, text: str, *, origin: str) -> None:
        self._seen.append((text, ngrams(text)))
        self._normalised.setdefault(normalise(text), f"{origin}: {text!r}")

    def add_accepted(self, texts: Iterable[str]) -> None:
        """Count `texts` (accepted in an earlier round, not merged yet) as existing for duplicates."""
        for text in texts:
            self._remember(text, origin="an accepted candidate")

    def check(self, text: str) -> list[Rejection]:
        """Every rule that refuses `text`; an empty list accepts it (and remembers it)."""
        found = [Rejection(rule, reason) for rule in RULES if (reason := self._rule(rule, text)) is not None]
        if not found:
            self._remember(text, origin="an accepted candidate")
        return found

    def _rule(self, rule: str, text: str) -> str | None:
        return getattr(self, f"_{rule}")(text)

    # ---- the rules; each returns None (passes) or the reason it refuses

    def _single_line(self, text: str) -> str | None:
        if _CONTROL.search(text):
            return "contains a line break, tab or other control character"
        if text != text.strip():
            return "has leading or trailing spaces"
        return None

    def _english(self, text: str) -> str | None:
        bare = _PLACEHOLDER.sub(" ", text)
        odd = sorted({char for char in bare if char > "~"})  # control characters are single_line's
        if odd:
            return f"non-ASCII characters {''.join(odd)!r} (the pools are English)"
        words = [word.lower() for word in _WORD.findall(bare)]
        if not words:
            return "no words"
        if len(words) >= 3 and not FUNCTION_WORDS.intersection(words):
            return "no English function word (the, a, of, to, ...) in a fragment of three or more words"
        return None

    def _length(self, text: str) -> str | None:
        words = len(_WORD.findall(_PLACEHOLDER.sub(" x ", text)))
        low, high = self.rules.min_words, self.rules.max_words
        if not low <= words <= high:
            return f"{words} words; {self.pool} fragments have {low} to {high}"
        if len(text) > MAX_CHARS:
            return f"{len(text)} characters; at most {MAX_CHARS}"
        if text.rstrip().endswith((".", "!", "?", ";", ":")):
            return "ends with sentence punctuation; the compiler adds the ending"
        return None

    def _template(self, text: str) -> str | None:
        if _STATEMENT.search(text):
            return "Jinja statements or comments ({% %}, {# #}); fragments hold only {{ name }} placeholders"
        try:
            self._bank.check(text, task_context(self.task), where=f"{self.pool} candidate")
        except SpecError as error:
            return str(error)
        return None

    def _placeholders(self, text: str) -> str | None:
        found = _PLACEHOLDER.findall(text)
        expected = self.rules.placeholders
        if "{{" in _PLACEHOLDER.sub("", text):
            return "a {{ ... }} expression other than a bare variable name"
        problems = []
        missing = sorted(expected - set(found))
        extra = sorted(set(found) - expected)
        repeated = sorted({name for name in found if found.count(name) > 1})
        if missing:
            problems.append(f"missing {', '.join('{{ ' + name + ' }}' for name in missing)}")
        if extra:
            problems.append(f"unexpected {', '.join('{{ ' + name + ' }}' for name in extra)}")
        if repeated:
            problems.append(f"repeated {', '.join('{{ ' + name + ' }}' for name in repeated)}")
        if len(_CANONICAL.findall(text)) != len(found):
            problems.append("written other than as '{{ name }}' with one space inside the braces")
        if problems:
            allowed = ", ".join("{{ " + name + " }}" for name in sorted(expected)) or "none"
            return f"{'; '.join(problems)} (this pool's placeholders: {allowed})"
        return None

    def _required_text(self, text: str) -> str | None:
        if self.rules.quoted_prefix and "{{ prefix }}" in text and '"{{ prefix }}' not in text:
            return 'the prefix must open a double-quoted span: "{{ prefix }}" or "{{ prefix }} <answer>"'
        if self.rules.labels_by_placeholder:
            bare = _PLACEHOLDER.sub(" ", text).lower()
            written = [label for label in self.task.labels if re.search(rf"\b{label}\b", bare)]
            if written:
                listed = ", ".join(written)
                return f"label word(s) {listed} written out; state the labels only via {{{{ labels }}}}"
        return None

    def _leakage(self, text: str) -> str | None:
        if not self.rules.no_leakage:
            return None
        lowered = text.lower()
        leaked = [label for label in self.task.labels if re.search(rf"\b{label}\b", lowered)]
        # naming every label states the choice ("male or female"); naming some hints the answer
        if leaked and len(leaked) < len(self.task.labels):
            return f"names the label word(s) {', '.join(leaked)}: a task description must not hint the answer"
        prefix = self.task.default_format.prefix
        if prefix and normalise(prefix) and normalise(prefix) in normalise(text):
            return f"contains the answer prefix {prefix!r}, which belongs to the format description"
        return None

    def _complexity(self, text: str) -> str | None:
        level = self.rules.level
        if level is None:
            return None
        words = [word.lower() for word in _WORD.findall(text)]
        markers = clause_markers(text)
        low, high = COMPLEXITY_WORDS[level]
        marker_low, marker_high = CLAUSE_BANDS[level]
        if not low <= len(words) <= high:
            return f"{len(words)} words; a {level} rewrite has {low} to {high}"
        if not marker_low <= markers <= marker_high:
            return f"{markers} clause markers; a {level} rewrite has {marker_low} to {min(marker_high, 9)}"
        return None

    def _duplicate(self, text: str) -> str | None:
        earlier = self._normalised.get(normalise(text))
        return f"same normalised text as {earlier}" if earlier else None

    def _near_duplicate(self, text: str) -> str | None:
        if normalise(text) in self._normalised:
            return None  # reported by `duplicate`
        score, other = most_similar(ngrams(text), self._seen)
        if score >= NEAR_DUPLICATE:
            return f"4-gram similarity {score:.2f} >= {NEAR_DUPLICATE} with {other!r}"
        return None


def clause_markers(text: str) -> int:
    """Commas, semicolons and clause words (`CLAUSE_MARKERS`) in `text`."""
    words = [word.lower() for word in _WORD.findall(text)]
    return text.count(",") + text.count(";") + sum(word in CLAUSE_MARKERS for word in words)


def validate_all(
    task: TaskSpec, pool: str, texts: Sequence[str], accepted: Iterable[str] = ()
) -> list[list[Rejection]]:
    """Validate `texts` in order against the pool (and `accepted`, pending candidates); one list each."""
    validator = PoolValidator(task, pool)
    validator.add_accepted(accepted)
    return [validator.check(text) for text in texts]
