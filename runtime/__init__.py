"""isac.runtime: execute models over manifests, score results in DuckDB, write reports; the CLI."""
