"""Scoring: checkers, metrics, the DuckDB layer and profiles."""
