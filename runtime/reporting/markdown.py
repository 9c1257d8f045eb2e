"""Render a ReportDocument as GitHub-flavoured markdown (pure: returns the text).

Responses and instructions are untrusted text: they go into fenced code blocks whose fence is longer
than any backtick run inside, so nothing in them is interpreted as markdown or HTML. Text in tables and
headings has markdown and HTML punctuation backslash-escaped.
"""

from __future__ import annotations

import html
import re

from isac.runtime.reporting.document import FAILURES_INTRODUCTION, INTRODUCTION, Example, ReportDocument
from isac.runtime.reporting.tables import Table

# Punctuation that could start markup inside a table cell or heading (CommonMark lets any ASCII
# punctuation be backslash-escaped).
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#!])")
_BACKTICKS = re.compile(r"`+")


def escape(text: str) -> str:
    """`text` safe inside a markdown paragraph, heading or table cell (one line)."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.splitlines()))


def fenced(text: str, info: str = "text") -> str:
    """A fenced code block holding `text` verbatim, whatever backticks it contains."""
    longest = max((len(run) for run in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def table(table: Table) -> str:
    """A pipe table with its title as a bold line and its note in italics after it."""
    lines = [f"**{escape(table.title)}**", ""]
    lines.append("| " + " | ".join(escape(column) for column in table.columns) + " |")
    lines.append("|" + "|".join("---:" if numeric else "---" for numeric in table.numeric) + "|")
    for row in table.rows:
        lines.append("| " + " | ".join(escape(cell) for cell in row) + " |")
    if not table.rows:
        lines.append("| " + " | ".join("" for _ in table.columns) + " |")
    if table.note:
        lines += ["", f"*{escape(table.note)}*"]
    return "\n".join(lines)


def _example(example: Example) -> str:
    parts = [
        f"Row {escape(example.row_id)} ({escape(example.task)}): **{escape(example.reason)}**",
        "",
        "Instruction:",
        "",
        fenced(example.instruction),
    ]
    if example.response is None:
        parts += ["", "No response; the model call failed:", "", fenced(example.error or "unknown error")]
    elif example.response.strip():
        parts += ["", "Response:", "", fenced(example.response)]
    else:
        parts += ["", "Response: *(empty)*"]
    return "\n".join(parts)


def slug(title: str) -> str:
    """The anchor GitHub gives a heading: lowercase, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")


def _details(summary: str, body: list[str]) -> list[str]:
    """A collapsed block (GitHub renders <details>); the summary is HTML-escaped text."""
    return [f"<details><summary>{html.escape(summary)}</summary>", "", *body, "</details>", ""]


def render_markdown(document: ReportDocument, images: dict[str, str]) -> str:
    """The whole report; `images` maps a figure key (radar_ifr, radar_rps, area_ratios) to its file name."""
    titles = dict(document.sections)
    out = [
        "# ISA-Bench report",
        "",
        f"Scores from `{document.source}`; models: {', '.join(escape(model) for model in document.models)}.",
        "",
        "**Contents:** " + " · ".join(f"[{title}](#{slug(title)})" for _, title in document.sections),
        "",
        INTRODUCTION,
        "",
    ]
    if document.scale_notes:
        out += ["> **Not comparable with the published leaderboard.**", ">"]
        out += [f"> - {escape(note)}" for note in document.scale_notes]
        out += [""]
    out += [f"## {titles['summary']}", ""]
    if document.summary is not None:
        out += [table(document.summary), ""]
    out += [table(document.areas), "", f"## {titles['provenance']}", ""]
    if document.provenance is not None and document.metrics is not None:
        out += [table(document.provenance), "", table(document.metrics), ""]
    else:
        out += ["No provenance recorded (the database was scored by an older isac).", ""]
    out += [table(document.runs), "", f"## {titles['charts']}", ""]
    captions = {
        "radar_ifr": "IFR per axis",
        "radar_rps": "RPS per axis",
        "area_ratios": "Area ratios per model",
    }
    for key, caption in captions.items():
        if key in images:
            out += [f"![{caption}]({images[key]})", ""]
    out += [f"## {titles['axes']}", "", table(document.axis_ifr), "", table(document.axis_rps), ""]
    out += [f"## {titles['classes']}", ""]
    for dimension_table in document.dimension_tables:
        out += [table(dimension_table), ""]
    out += [f"## {titles['variants']}", ""]
    for variant_table in document.variants:
        out += _details(f"{variant_table.title} ({len(variant_table.rows)} rows)", [table(variant_table), ""])
    out += [f"## {titles['worst']}", "", table(document.worst), ""]
    out += [f"## {titles['failures']}", ""]
    out += [f"{FAILURES_INTRODUCTION} At most {document.examples_per_variant} examples per variant.", ""]
    for model_failures in document.failures:
        out += [f"### {escape(model_failures.model)}", ""]
        if not model_failures.groups:
            out += ["No non-compliant responses.", ""]
            continue
        for group in model_failures.groups:
            body: list[str] = []
            for example in group.examples:
                body += [_example(example), ""]
            out += _details(group.heading, body)
    if document.paper is not None:
        out += [f"## {titles['paper']}", "", table(document.paper), ""]
    return "\n".join(out).rstrip("\n") + "\n"
