"""The `isac eval` configuration: a YAML or TOML file, validated, with command-line flags on top.

```yaml
spec: spec/                # compile this spec (default: the bundled default spec) ...
# manifests: artifacts/releases/mini-1.1.0   # ... or use a compiled set or a release as it is
data_root: /data/isa       # default: $ISAC_DATA_ROOT, else the root recorded in the set's lock
out: eval-output
models:
  - oracle
  - name: qwen2-audio
    model: hf:Qwen/Qwen2-Audio-7B-Instruct
    model_args: {attn_implementation: sdpa}
    generation_args: {system_prompt: "You are a helpful assistant."}
    batch_size: 8
model_args: {}             # for every model (a model's own entries win)
generation_args: {}
select: {dimensions: [F], tasks: [], classes: [], sample: 60}
exec: {device: auto, dtype: auto, max_new_tokens: 256, temperature: 0.0, batch_size: 1, concurrency: 1}
score: {profile: default, meteor: true}
report: {examples: 3}
```
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from isac.compiler.errors import IsacError, first_validation_problem


class EvalConfigError(IsacError):
    """An eval config file or flag combination that cannot be run."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


ArgumentValue = str | int | float | bool | None | list[str | int | float | bool]


class ModelEntry(_Strict):
    """One model: its model string, the run folder name (default: from the string) and its arguments."""

    model: str = Field(min_length=1)
    name: str | None = None
    model_args: dict[str, ArgumentValue] = {}
    generation_args: dict[str, ArgumentValue] = {}
    batch_size: int | None = Field(default=None, ge=1)
    concurrency: int | None = Field(default=None, ge=1)

    @field_validator("name")
    @classmethod
    def _folder_name(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+-]*", value):
            raise ValueError(f"{value!r}: a model name is a folder name (letters, digits, . _ + -)")
        return value

    @property
    def label(self) -> str:
        """The run folder name and report label."""
        return self.name or default_name(self.model)


class Selection(_Strict):
    """Which rows run: filters, then a stratified `sample` or the first `limit` rows."""

    dimensions: list[str] = []
    classes: list[str] = []
    tasks: list[str] = []
    sample: int | None = Field(default=None, ge=1)
    limit: int | None = Field(default=None, ge=1)
    seed: int = 0

    @model_validator(mode="after")
    def _one_size(self) -> Selection:
        if self.sample is not None and self.limit is not None:
            raise ValueError("give sample (stratified) or limit (first rows), not both")
        return self


class ExecSettings(_Strict):
    """Adapter options shared by every model."""

    device: str = "auto"
    dtype: str = "auto"
    max_new_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0)
    batch_size: int = Field(default=1, ge=1)
    concurrency: int = Field(default=1, ge=1)
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    timeout: float = Field(default=120.0, gt=0)
    max_retries: int = Field(default=5, ge=0)
    retry_errors: bool = False


class ScoreSettings(_Strict):
    """Scoring profile and METEOR."""

    profile: str = "default"
    meteor: bool = True


class ReportSettings(_Strict):
    """Report knobs."""

    examples: int = Field(default=3, ge=0)


class EvalConfig(_Strict):
    """Everything `isac eval` does (see the module docstring)."""

    spec: Path | None = None
    manifests: Path | None = None
    data_root: Path | None = None
    out: Path = Path("eval-output")
    models: list[ModelEntry] = Field(min_length=1)
    model_args: dict[str, ArgumentValue] = {}
    generation_args: dict[str, ArgumentValue] = {}
    select: Selection = Selection()
    exec: ExecSettings = ExecSettings()
    score: ScoreSettings = ScoreSettings()
    report: ReportSettings = ReportSettings()

    @field_validator("models", mode="before")
    @classmethod
    def _plain_strings(cls, value: Any) -> Any:
        # `- oracle` is short for `- {model: oracle}`
        if isinstance(value, list):
            return [{"model": item} if isinstance(item, str) else item for item in value]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> EvalConfig:
        if self.spec is not None and self.manifests is not None:
            raise ValueError("give spec (compile it) or manifests (a compiled set or release), not both")
        labels = [entry.label for entry in self.models]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ValueError(
                f"two models share the run folder name {', '.join(duplicates)}; give them distinct `name`s"
            )
        return self


def default_name(model: str) -> str:
    """A folder name for a model string: `hf:/ckpt/qwen2-audio` -> `qwen2-audio`, `constant:I am not
    sure.` -> `constant-I-am-not-sure`."""
    scheme, _, target = model.partition(":")
    if scheme in ("hf", "replay") and target:
        target = Path(target.rstrip("/")).name
        base = target if scheme == "hf" else f"replay-{Path(target).stem}"
    else:
        base = f"{scheme}-{target}" if target else scheme
    cleaned = re.sub(r"[^A-Za-z0-9._+-]+", "-", base).strip("-.")
    return cleaned or "model"


def read_config_file(path: Path) -> dict[str, Any]:
    """The raw mapping of a YAML (.yaml/.yml) or TOML (.toml) file; EvalConfigError names the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EvalConfigError(f"{path}: cannot read the eval config ({error.strerror})") from None
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (tomllib.TOMLDecodeError, yaml.YAMLError) as error:
        raise EvalConfigError(
            f"{path}: not valid {'TOML' if path.suffix == '.toml' else 'YAML'}: {error}"
        ) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise EvalConfigError(f"{path}: expected a mapping of settings at the top level")
    # relative paths in a file are relative to the file, as they would be read by someone looking at it
    for key in ("spec", "manifests", "data_root", "out"):
        if isinstance(data.get(key), str):
            data[key] = str(path.parent / data[key])
    return data


def build_config(raw: dict[str, Any], source: str) -> EvalConfig:
    """Validate a merged mapping; EvalConfigError names `source`, the key path and what was expected."""
    try:
        return EvalConfig.model_validate(raw)
    except ValidationError as error:
        where, problem = first_validation_problem(error, "(top level)")
        count = error.error_count()
        more = f" (and {count - 1} more problem{'s' if count > 2 else ''})" if count > 1 else ""
        raise EvalConfigError(f"{source}: at {where}: {problem}{more}") from None


def merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    """`base` with `overrides` on top; nested mappings (select, exec, ...) merge key by key."""
    merged = dict(base)
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict) and key not in _REPLACED:
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# Mappings that a flag replaces as a whole rather than merges into (none today; arguments merge).
_REPLACED: frozenset[str] = frozenset()
