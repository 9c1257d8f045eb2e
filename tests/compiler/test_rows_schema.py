"""The scoring database's `rows` table mirrors ManifestRow (compiler/rows.py owns the row).

Reads the `CREATE TABLE ... rows` statement of runtime/scoring/db/schema.sql as text: every field of
ManifestRow except `meta` must have a column of that name and a compatible DuckDB type, there must be no
other column, and a NOT NULL column must be a required field.
"""

from __future__ import annotations

import re
from importlib import resources
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from isac.compiler.rows import ManifestRow

NOT_IN_TABLE: set[str] = set()  # every field is stored (meta: read by the two-way bootstrap)
_TEXT = {"VARCHAR", "TEXT", "STRING"}
_TABLE_CONSTRAINT = re.compile(r"(PRIMARY|UNIQUE|CHECK|FOREIGN|CONSTRAINT)\b", re.I)  # not a column


def _rows_columns() -> dict[str, tuple[str, bool]]:
    """Column name -> (type, NOT NULL) of the `rows` table, parsed from schema.sql."""
    sql = resources.files("isac.runtime.scoring.db").joinpath("schema.sql").read_text("utf-8")
    sql = re.sub(r"--[^\n]*", "", sql)
    found = re.search(
        r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?\"?rows\"?\s*\((.*?)\)\s*;", sql, re.S | re.I
    )
    assert found, "schema.sql has no CREATE TABLE rows statement"
    columns: dict[str, tuple[str, bool]] = {}
    for entry in _split_top_level(found.group(1)):
        if _TABLE_CONSTRAINT.match(entry):
            continue
        match = re.fullmatch(r'("[^"]+"|\w+)\s+([\w\[\]]+)(.*)', entry, re.S)
        assert match, f"cannot read column definition {entry!r}"
        name = match.group(1).strip('"')
        assert name not in columns, f"column {name} defined twice"
        columns[name] = (match.group(2).upper(), bool(re.search(r"NOT\s+NULL", match.group(3), re.I)))
    return columns


def _split_top_level(body: str) -> list[str]:
    parts, depth, current = [], 0, []
    for char in body:
        depth += char == "("
        depth -= char == ")"
        if char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _compatible_types(annotation: Any) -> set[str]:
    """DuckDB column types that hold a field of this Python type."""
    origin = get_origin(annotation)
    if origin in (Union, UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        assert len(members) == 1, f"unsupported union {annotation}"
        return _compatible_types(members[0])
    if annotation is str or (origin is Literal and all(isinstance(a, str) for a in get_args(annotation))):
        return _TEXT
    if origin is tuple and get_args(annotation)[0] is str:
        return {f"{name}[]" for name in _TEXT}
    if origin is dict or (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
        return {"JSON"}
    raise AssertionError(f"no DuckDB type known for ManifestRow annotation {annotation}")


def test_every_row_field_has_a_column_and_no_column_is_extra() -> None:
    columns = _rows_columns()
    fields = set(ManifestRow.model_fields) - NOT_IN_TABLE
    assert set(columns) == fields, (
        f"missing columns: {sorted(fields - set(columns))}; extra columns: {sorted(set(columns) - fields)}"
    )


def test_column_types_are_compatible_with_the_field_types() -> None:
    columns = _rows_columns()
    for name, field in ManifestRow.model_fields.items():
        if name in NOT_IN_TABLE:
            continue
        column_type, not_null = columns[name]
        assert column_type in _compatible_types(field.annotation), (
            f"rows.{name} is {column_type}; ManifestRow.{name} is {field.annotation}"
        )
        if not_null:
            assert field.is_required(), f"rows.{name} is NOT NULL but ManifestRow.{name} has a default"


def test_the_parser_reads_the_statement_it_checks() -> None:
    # Guards the parser itself: the statement has the id and the quoted "references" column.
    columns = _rows_columns()
    assert columns["id"] == ("VARCHAR", True)
    assert columns["references"] == ("JSON", False)
    assert columns["subtasks"] == ("VARCHAR[]", True)
    assert columns["checker"] == ("JSON", False)  # a column name that starts like a CHECK constraint
