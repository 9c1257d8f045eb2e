"""User-facing errors. The CLI prints them as `isac: error: <message>` and exits with status 2.

Every message names the file, key or row at fault and what was expected there.
"""

from __future__ import annotations

from pydantic import ValidationError


class IsacError(Exception):
    """Base of every error a user can cause and fix (bad spec, missing data, tampered release...)."""


class SpecError(IsacError):
    """The spec is invalid: schema violation, unknown reference, template error."""


class DatasetError(IsacError):
    """A dataset file is missing or malformed, or items lack their audio."""


class ManifestError(IsacError):
    """A manifest, lock file or release is missing, malformed or does not verify."""


class RunError(IsacError):
    """A run directory, model string or result log cannot be used as asked."""


class ScoringError(IsacError):
    """Results or metric inputs cannot be scored as asked."""


def first_validation_problem(error: ValidationError, whole: str) -> tuple[str, str]:
    """(dotted key path, message) of a pydantic error's first problem; `whole` names an empty path."""
    first = error.errors()[0]
    return ".".join(str(part) for part in first["loc"]) or whole, first["msg"]


def first_line(error: BaseException, limit: int = 300) -> str:
    """The first line of an error's message, at most `limit` characters; its type's name when empty."""
    lines = str(error).strip().splitlines()
    return lines[0][:limit] if lines else type(error).__name__


def error_summary(error: BaseException) -> str:
    """`Type: first line` of an unexpected exception, for a message that quotes it (`Type` alone when it
    says nothing)."""
    return f"{type(error).__name__}: {first_line(error)}" if str(error).strip() else type(error).__name__
