"""The DuckDB scoring database: schema and views (`schema.py`, `*.sql`), writes (`store.py`), the
table of metrics aggregated in Python (`group_table.py`) and the official-structure export (`export.py`)."""

from isac.runtime.scoring.db.schema import open_database

__all__ = ["open_database"]
