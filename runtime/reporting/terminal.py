"""The report's tables as rich tables for the terminal."""

from __future__ import annotations

from rich.table import Table as RichTable
from rich.text import Text

from isac.runtime.reporting.tables import Table


def rich_table(table: Table) -> RichTable:
    """A rich rendering of a report table (numeric columns right-aligned).

    Cells are plain `Text`, never markup: a model label such as `hf:runs[2]` must print as written.
    """
    rendered = RichTable(title=Text(table.title), title_justify="left")
    for column, numeric in zip(table.columns, table.numeric, strict=True):
        rendered.add_column(Text(column), justify="right" if numeric else "left", overflow="fold")
    for row in table.rows:
        rendered.add_row(*(Text(cell) for cell in row))
    if table.note:
        rendered.caption = Text(table.note)
        rendered.caption_justify = "left"
    return rendered
