"""`isac eval`: compile (or reuse a compiled set), execute several models, score and report in one call."""
