"""Importers: turn instruction sets published in other formats into isac manifest rows."""
