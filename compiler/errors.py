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
