"""Scoring profiles: which rules decide compliance and extract answers.

A profile is a `Profile` in the `PROFILES` registry (`isac.compiler.registry`, entry point group
`isac.profiles`, whose entries name a `Profile` object); its loader returns a `RowChecker`, a callable
judging one manifest row's response. Loaders import their rules lazily, so a profile whose
implementation is missing from this install fails with a clear ScoringError when it is chosen, never
when isac starts.

* `default`: the checker kinds of `isac.runtime.scoring.checkers`, driven by each row's compiled
  `checker` spec (docs/contracts.md, "Checker kinds").
* `isa-v1`: the official ISA-Bench v1 scorer's rules, quirks included (`isac.runtime.isa_v1`),
  selected by each row's dimension, task and variant.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from isac.compiler.errors import ScoringError
from isac.compiler.registry import Registry
from isac.compiler.rows import ManifestRow


class Verdict(Protocol):
    """What a checker returns: compliance and the answer per subtask ("" everywhere if not compliant)."""

    @property
    def compliant(self) -> bool: ...

    @property
    def answers(self) -> Mapping[str, str]: ...


RowChecker = Callable[[ManifestRow, str | None], Verdict]
"""Judge one row's response; a None response (failed model call) is not compliant."""


@dataclass(frozen=True)
class Profile:
    """A named rule set. `module` and `factory` name the loader, imported on first use."""

    name: str
    description: str
    module: str
    factory: str

    def load(self) -> RowChecker:
        """Import the profile's rules and return its row checker."""
        try:
            module = importlib.import_module(self.module)
            checker: RowChecker = getattr(module, self.factory)()
        except ImportError as error:  # the rules' package (or part of it) is not in this install
            missing = getattr(error, "name", None) or str(error)
            raise ScoringError(
                f"scoring profile {self.name!r} is not available in this install: {missing} could not be "
                f"imported; choose another --profile"
            ) from None
        except AttributeError:
            raise ScoringError(
                f"scoring profile {self.name!r} is not available in this install: "
                f"{self.module}.{self.factory} is missing"
            ) from None
        return checker


DEFAULT = Profile(
    "default",
    "isac's checkers: the compiled checker spec of every row",
    "isac.runtime.scoring.profile_rules",
    "default_checker",
)
ISA_V1 = Profile(
    "isa-v1",
    "the official ISA-Bench v1 scorer's rules and quirks",
    "isac.runtime.isa_v1.profile",
    "isa_v1_checker",
)

PROFILES: Registry[Profile] = Registry(
    "scoring profile",
    "isac.profiles",
    {"default": f"{__name__}:DEFAULT", "isa-v1": f"{__name__}:ISA_V1"},
    error=ScoringError,
)


def get_profile(name: str) -> Profile:
    """The profile registered as `name`; ScoringError names the known profiles otherwise."""
    profile = PROFILES.get(name)
    if not isinstance(profile, Profile):
        raise ScoringError(f"scoring profile {name!r}: {PROFILES.origin(name)} is not a Profile")
    return profile
