"""Small helpers shared by the dataset adapters: reading index files, checking options, building paths.

Every failure here is a `DatasetError` that names the file (and line) at fault and what was expected,
because the person reading it is looking at a dataset folder, not at our code.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from isac.compiler.errors import DatasetError


@dataclass(frozen=True)
class Line:
    """One line of a text index file with its 1-based number (for error messages)."""

    number: int
    text: str


def check_options(adapter: str, options: Mapping[str, Any], allowed: Mapping[str, str]) -> None:
    """Refuse option keys the adapter does not know, so a typo in the spec is not silently ignored.

    `allowed` maps each option name to a one-line description used in the error message.
    """
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        accepted = ", ".join(f"{key} ({meaning})" for key, meaning in allowed.items()) or "none"
        raise DatasetError(
            f"dataset adapter {adapter!r}: unknown option(s) {', '.join(map(repr, unknown))}; "
            f"accepted options: {accepted}"
        )


def str_option(adapter: str, options: Mapping[str, Any], key: str, default: str) -> str:
    """A non-empty string option, or its default when absent."""
    value = options.get(key, default)
    if not isinstance(value, str) or not value:
        raise DatasetError(
            f"dataset adapter {adapter!r}: option {key!r} must be a non-empty string, got {value!r}"
        )
    return value


def int_option(adapter: str, options: Mapping[str, Any], key: str, default: int) -> int:
    """An integer option (booleans refused), or its default when absent."""
    value = options.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DatasetError(f"dataset adapter {adapter!r}: option {key!r} must be an integer, got {value!r}")
    return value


def relative_option(adapter: str, options: Mapping[str, Any], key: str, default: str) -> PurePosixPath:
    """A path option that must stay inside the data root (relative, no `..`), as a POSIX path."""
    raw = str_option(adapter, options, key, default)
    path = PurePosixPath(raw.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise DatasetError(
            f"dataset adapter {adapter!r}: option {key!r} must be a path relative to the data root "
            f"without '..', got {raw!r}"
        )
    return path


def extension_option(adapter: str, options: Mapping[str, Any], key: str, default: str | None) -> str | None:
    """An audio extension option ("wav" or ".wav"), normalised to ".wav"; None keeps the original."""
    value = options.get(key, default)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip(".") or "/" in value:
        raise DatasetError(
            f"dataset adapter {adapter!r}: option {key!r} must be an extension like 'wav', got {value!r}"
        )
    return "." + value.strip(".")


def read_text(path: Path) -> str:
    """Decode an index file as UTF-8 (a BOM is tolerated), naming the file when absent or undecodable."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise DatasetError(f"index file not found: {path}") from None
    except OSError as error:
        raise DatasetError(f"cannot read index file {path}: {error.strerror}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: not valid UTF-8 text") from None


def iter_lines(text: str) -> Iterator[Line]:
    """Lines split on newline only, with a trailing carriage return removed.

    `str.splitlines` is not used because it also breaks on characters such as U+2028 or U+0085 that
    may occur inside a transcript or translation.
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for number, raw in enumerate(lines, start=1):
        yield Line(number, raw.removesuffix("\r"))


def require_dir(path: Path, expected: str) -> None:
    """Fail with a message describing the expected layout when a folder is missing."""
    if not path.is_dir():
        raise DatasetError(f"folder not found: {path} (expected {expected})")


def posix_relative(path: Path, root: Path) -> str:
    """A path inside the data root as a POSIX string relative to it (the form manifests store)."""
    return path.relative_to(root).as_posix()


def replace_extension(name: str, extension: str | None) -> str:
    """Swap a file name's extension (e.g. clips converted from mp3 to wav); None keeps it."""
    if extension is None:
        return name
    return str(PurePosixPath(name).with_suffix(extension))
