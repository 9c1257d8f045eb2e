"""Reports people read: tables, radar charts and failure examples from a scoring database.

`write_report(db, out_dir)` writes `report.md`, a self-contained `report.html` and three PNG figures.
Modules: `queries` (SQL -> records), `tables` and `document` (pure arrangement), `charts`, `markdown`
and `html` (pure rendering), `terminal` (rich tables), `report` (files).
"""

from __future__ import annotations

from isac.runtime.reporting.report import ReportFiles, write_report

__all__ = ["ReportFiles", "write_report"]
