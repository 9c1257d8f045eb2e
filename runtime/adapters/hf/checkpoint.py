"""Where a transformers checkpoint lives and which exact weights it holds.

A model string `hf:<x>` names either a local checkpoint folder or a hub id. The revision recorded in a
run's fingerprint is the hub commit when the folder tells us (a hub cache snapshot, or a folder written
by `huggingface-cli download --local-dir`), else a sha256 over the weight files' names, sizes and first
megabyte, which changes whenever the weights are replaced and costs milliseconds even for 15 GB.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from isac.compiler.errors import RunError

WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".gguf")
HASHED_PREFIX_BYTES = 1 << 20
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class CheckpointRef:
    """A resolved `hf:` target: `source` is what `from_pretrained` gets (absolute path or hub id)."""

    source: str
    local_dir: Path | None  # the folder holding the files, when known without a download

    @property
    def is_local(self) -> bool:
        """True when the user named a folder rather than a hub id."""
        return self.local_dir is not None and str(self.local_dir) == self.source


def resolve_checkpoint(model_path: str) -> CheckpointRef:
    """Turn the part after `hf:` into a folder or a hub id; RunError when it is neither."""
    if not model_path.strip():
        raise RunError("model string 'hf:' names no checkpoint: expected hf:<folder> or hf:<org>/<name>")
    candidate = Path(model_path).expanduser()
    if candidate.exists():
        if not candidate.is_dir():
            raise RunError(f"hf:{model_path}: expected a checkpoint folder holding config.json, found a file")
        folder = candidate.resolve()
        if not (folder / "config.json").is_file():
            raise RunError(
                f"hf:{model_path}: {folder} holds no config.json; is it a transformers checkpoint?"
            )
        return CheckpointRef(source=str(folder), local_dir=folder)
    looks_like_hub_id = re.fullmatch(r"[\w.-]+/[\w.-]+", model_path) is not None
    if not looks_like_hub_id or model_path.startswith((".", "/", "~")):
        raise RunError(f"hf:{model_path}: no such checkpoint folder (and not a hub id of the form org/name)")
    return CheckpointRef(source=model_path, local_dir=_cached_snapshot(model_path))


def _cached_snapshot(repo_id: str) -> Path | None:
    """The hub cache's snapshot folder for `repo_id`, if its config is cached (never downloads)."""
    try:
        from huggingface_hub import try_to_load_from_cache
    except ImportError:
        return None
    cached = try_to_load_from_cache(repo_id, "config.json")
    return Path(cached).parent if isinstance(cached, str) else None


def checkpoint_revision(local_dir: Path | None) -> str | None:
    """The hub commit of the folder when known, else `sha256:<hex>` of its weight files; None if unknown."""
    if local_dir is None:
        return None
    commit = hub_commit(local_dir)
    if commit is not None:
        return commit
    digest = weights_digest(local_dir)
    return f"sha256:{digest}" if digest is not None else None


def hub_commit(local_dir: Path) -> str | None:
    """The commit hash of a hub snapshot folder or of a `--local-dir` download, if recorded."""
    if local_dir.parent.name == "snapshots" and _COMMIT.match(local_dir.name):
        return local_dir.name
    # `huggingface-cli download --local-dir` leaves one metadata file per file: commit on line 1.
    metadata_dir = local_dir / ".cache" / "huggingface" / "download"
    metadata = metadata_dir / "config.json.metadata"
    if metadata.is_file():
        first_line = metadata.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
        if first_line and _COMMIT.match(first_line[0].strip()):
            return first_line[0].strip()
    return None


def weights_digest(local_dir: Path) -> str | None:
    """sha256 over each weight file's relative name, size and first megabyte, in name order."""
    weight_files = sorted(
        path for path in local_dir.rglob("*") if path.is_file() and path.name.endswith(WEIGHT_SUFFIXES)
    )
    if not weight_files:
        return None
    digest = hashlib.sha256()
    for path in weight_files:
        relative = path.relative_to(local_dir).as_posix()
        digest.update(f"{relative}\0{path.stat().st_size}\0".encode())
        with path.open("rb") as handle:
            digest.update(handle.read(HASHED_PREFIX_BYTES))
    return digest.hexdigest()
