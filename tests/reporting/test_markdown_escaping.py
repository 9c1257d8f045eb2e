"""Markdown escaping of untrusted text: fences that cannot be closed early, cells that cannot break out."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from isac.runtime.reporting.document import clip
from isac.runtime.reporting.markdown import escape, fenced

UNTRUSTED = st.text(alphabet=st.sampled_from("`~|<>&*_[]\\#!ab \n"), max_size=60)


@given(UNTRUSTED)
def test_a_fence_is_longer_than_any_backtick_run_inside(text: str) -> None:
    block = fenced(text)
    opening, _, rest = block.partition("\n")
    fence = opening.removesuffix("text")
    body, _, closing = rest.rpartition("\n")
    assert body == text and closing == fence
    assert len(fence) >= 3 and set(fence) == {"`"}
    assert all(len(run) < len(fence) for run in re.findall(r"`+", text))


@given(UNTRUSTED)
def test_escaped_cell_text_has_no_bare_markup(text: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped
    unescaped = re.sub(r"\\(.)", "", escaped)  # drop every backslash-escaped character
    assert not set(unescaped) & set("`|<>&*_[]#!~\\")


def test_escape_examples() -> None:
    assert escape("a|b") == "a\\|b"
    assert escape("<script>") == "\\<script\\>"
    assert escape("two\nlines") == "two lines"


def test_control_characters_become_visible_escapes() -> None:
    assert clip("a\x00b\x1b[31m\tc\nd", 100) == "a\\x00b\\x1b[31m\tc\nd"
    assert clip("x" * 10, 4) == "xxxx… [6 more characters]"
