"""Data shipped with the isa-v1 profile: the published ISA-Bench v1 metrics (the paper's public figures)."""
