"""The one registry mechanism (isac.compiler.registry) and the registries built on it."""

from __future__ import annotations

import subprocess
import sys
import uuid
from collections.abc import Callable
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from isac.compiler import registry as registry_module
from isac.compiler.errors import DatasetError, IsacError, RunError, ScoringError
from isac.compiler.registry import Registry, RegistryError, lazy
from isac.runtime.scoring.checkers.base import CheckerKind

NOT_INSTALLED = "the test plugin isac_example_plugin is not installed in this venv; run scripts/setup.sh"


@pytest.fixture
def make_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], str]:
    """Write a uniquely named module on sys.path and return its name (so no test sees another's)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    created: list[str] = []

    def make(source: str) -> str:
        name = f"isac_registry_test_{uuid.uuid4().hex}"
        (tmp_path / f"{name}.py").write_text(source, encoding="utf-8")
        created.append(name)
        return name

    yield make
    for name in created:
        sys.modules.pop(name, None)


def fake_entry_points(monkeypatch: pytest.MonkeyPatch, group: str, points: dict[str, str]) -> None:
    """Make `entry_points(group=group)` answer `points` (name -> "module:attr")."""
    real = registry_module.entry_points

    def answer(*, group: str = group, **_: object) -> list[EntryPoint]:
        if group != fake_group:
            return list(real(group=group))
        return [EntryPoint(name=name, value=value, group=group) for name, value in points.items()]

    fake_group = group
    monkeypatch.setattr(registry_module, "entry_points", answer)


def test_builtins_are_imported_only_when_asked_for(make_module: Callable[[str], str]) -> None:
    module = make_module("VALUE = 41\n")
    parts: Registry[int] = Registry("test part", "isac.test", {"answer": f"{module}:VALUE"})
    assert parts.names() == ("answer",)
    assert "answer" in parts and parts.origin("answer") == "builtin"
    assert module not in sys.modules  # listing and origin do not import
    assert parts.get("answer") == 41
    assert module in sys.modules
    assert lazy(parts, "answer")() == 41


def test_unknown_name_lists_the_known_ones_with_the_registry_error_type() -> None:
    parts: Registry[int] = Registry(
        "dataset adapter", "isac.test", {"b": "m:B", "a": "m:A"}, error=DatasetError
    )
    with pytest.raises(DatasetError, match=r"unknown dataset adapter 'zzz'; expected one of a, b$"):
        parts.get("zzz")
    with pytest.raises(DatasetError, match="unknown dataset adapter 'zzz'"):
        parts.origin("zzz")


def test_register_overrides_and_unregister_restores(make_module: Callable[[str], str]) -> None:
    builtin = make_module("VALUE = 1\n")
    replacement = make_module("VALUE = 2\n")
    parts: Registry[int] = Registry("test part", "isac.test", {"x": f"{builtin}:VALUE"})
    assert parts.get("x") == 1
    parts.register("x", 10)  # an object is used as it is
    assert (parts.get("x"), parts.origin("x")) == (10, "registered")
    parts.register("x", f"{replacement}:VALUE")  # a location string is imported when used
    assert parts.get("x") == 2
    parts.register("y", 20)
    assert parts.names() == ("x", "y")
    parts.unregister("x")
    assert (parts.get("x"), parts.origin("x")) == (1, "builtin")
    with pytest.raises(ValueError, match="empty name"):
        parts.register(" ", 30)


def test_broken_builtin_says_what_to_install(make_module: Callable[[str], str]) -> None:
    module = make_module("VALUE = 1\n")
    parts: Registry[int] = Registry(
        "adapter scheme",
        "isac.test",
        {"gone": "isac_no_such_module_anywhere:thing", "typo": f"{module}:VALEU"},
        error=RunError,
        hints={"gone": "pip install gone-extra"},
    )
    with pytest.raises(
        RunError, match=r"adapter scheme 'gone' cannot be loaded .*; it needs pip install gone-extra"
    ):
        parts.get("gone")
    with pytest.raises(RunError, match=rf"adapter scheme 'typo': {module}:VALEU does not exist"):
        parts.get("typo")


def test_entry_points_of_the_installed_test_plugin_are_discovered() -> None:
    kinds: Registry[CheckerKind] = Registry("checker kind", "isac.checkers", {})
    if "starts_with_word" not in kinds.names():
        pytest.fail(NOT_INSTALLED, pytrace=False)
    assert kinds.origin("starts_with_word").startswith("entry point ")
    kind = kinds.get("starts_with_word")
    assert isinstance(kind, CheckerKind) and kind.name == "starts_with_word"


def test_entry_points_override_builtins_and_register_overrides_both(
    monkeypatch: pytest.MonkeyPatch, make_module: Callable[[str], str]
) -> None:
    builtin = make_module("VALUE = 'builtin'\n")
    plugin = make_module("VALUE = 'plugin'\n")
    fake_entry_points(monkeypatch, "isac.test", {"x": f"{plugin}:VALUE"})
    parts: Registry[str] = Registry("test part", "isac.test", {"x": f"{builtin}:VALUE"})
    assert (parts.get("x"), parts.origin("x")) == ("plugin", f"entry point {plugin}:VALUE")
    parts.register("x", ["mine"])
    assert (parts.get("x"), parts.origin("x")) == (["mine"], "registered")


@pytest.mark.parametrize(
    ("source", "attribute", "found"),
    [
        (None, "THING", "ModuleNotFoundError"),  # the entry point names a module that is not installed
        ("raise RuntimeError('plugin exploded')\n", "THING", "RuntimeError: plugin exploded"),
        ("OTHER = 1\n", "THING", "AttributeError"),
    ],
)
def test_a_broken_entry_point_gives_an_isac_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
    make_module: Callable[[str], str],
    source: str | None,
    attribute: str,
    found: str,
) -> None:
    module = "isac_no_such_plugin_module" if source is None else make_module(source)
    location = f"{module}:{attribute}"
    fake_entry_points(monkeypatch, "isac.checkers", {"broken": location})
    kinds: Registry[CheckerKind] = Registry("checker kind", "isac.checkers", {}, error=ScoringError)
    assert "broken" in kinds.names()
    with pytest.raises(ScoringError) as caught:
        kinds.get("broken")
    message = str(caught.value)
    assert isinstance(caught.value, IsacError)
    assert (
        f"checker kind 'broken' cannot be loaded from entry point isac.checkers: broken = {location}"
        in message
    )
    assert found in message
    assert "uninstall the package" in message


def test_refresh_rescans_entry_points(
    monkeypatch: pytest.MonkeyPatch, make_module: Callable[[str], str]
) -> None:
    module = make_module("VALUE = 3\n")
    parts: Registry[int] = Registry("test part", "isac.test", {})
    fake_entry_points(monkeypatch, "isac.test", {})
    assert parts.names() == ()
    fake_entry_points(monkeypatch, "isac.test", {"late": f"{module}:VALUE"})
    assert parts.names() == ()  # cached until refreshed
    parts.refresh()
    assert parts.get("late") == 3


def test_registry_error_is_the_default_error_type() -> None:
    with pytest.raises(RegistryError, match="unknown widget 'q'; expected one of "):
        Registry("widget", "isac.test", {}).get("q")


# ------------------------------------------------------------------ the registries built on it


def test_every_isac_registry_uses_its_group_and_error() -> None:
    from isac.compiler.datasets import ADAPTERS as DATASETS
    from isac.runtime.adapters.registry import ADAPTERS
    from isac.runtime.cli import COMMANDS
    from isac.runtime.scoring.checkers import KINDS
    from isac.runtime.scoring.profiles import PROFILES, get_profile

    assert [r.group for r in (ADAPTERS, KINDS, DATASETS, PROFILES, COMMANDS)] == [
        "isac.adapters",
        "isac.checkers",
        "isac.datasets",
        "isac.profiles",
        "isac.commands",
    ]
    assert {"hf", "openai", "replay", "constant", "oracle"} <= set(ADAPTERS.names())
    assert {"librispeech", "covost2", "iemocap", "audiocaps", "jsonl"} <= set(DATASETS.names())
    assert {"exec", "score", "compile"} <= set(COMMANDS.names())
    with pytest.raises(ScoringError, match="unknown scoring profile 'nope'; expected one of default, isa-v1"):
        get_profile("nope")
    assert get_profile("isa-v1").name == "isa-v1"


def test_model_errors_name_the_model_option() -> None:
    from isac.runtime.adapters.registry import build_adapter

    with pytest.raises(RunError, match=r"^--model: unknown adapter scheme 'gguf'; expected one of .*oracle"):
        build_adapter("gguf:x")


def test_spec_adapter_cross_check_uses_the_dataset_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    from isac.compiler.datasets import ADAPTERS as DATASETS

    DATASETS.register("clotho", "isac.compiler.datasets.jsonl:JsonlAdapter")
    try:
        assert "clotho" in DATASETS.names()
        assert DATASETS.get("clotho")().name == "jsonl"
    finally:
        DATASETS.unregister("clotho")
    assert "clotho" not in DATASETS


def test_a_registered_command_runs_and_only_the_chosen_command_is_imported(
    make_module: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    from isac.runtime.cli import COMMANDS, main

    module = make_module(
        'HELP = "say hello"\n'
        "def add_arguments(parser):\n    parser.add_argument('who')\n"
        "def run(args):\n    print(f'hello {args.who}')\n    return 0\n"
    )
    COMMANDS.register("hello", module)
    try:
        assert main(["hello", "plugin"]) == 0
        assert capsys.readouterr().out == "hello plugin\n"
    finally:
        COMMANDS.unregister("hello")

    code = (
        "import sys; from isac.runtime.cli import build_parser; build_parser(only='exec');"
        "print(sorted(m for m in sys.modules"
        " if m.endswith('_cmd') or m.startswith('isac.compiler.commands.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['isac.runtime.cli.exec_cmd']"


def test_a_command_module_without_run_is_a_clear_error(
    make_module: Callable[[str], str], capsys: pytest.CaptureFixture[str]
) -> None:
    from isac.runtime.cli import COMMANDS, main

    COMMANDS.register("half", make_module('HELP = "half a command"\n'))
    try:
        assert main(["half"]) == 2
    finally:
        COMMANDS.unregister("half")
    assert "command 'half' (registered) does not define add_arguments, run" in capsys.readouterr().err


def test_the_convention_registers_each_module_defining_the_attribute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = f"isac_convention_{uuid.uuid4().hex}"
    folder = tmp_path / package
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "alpha.py").write_text("THING = 'alpha thing'\n", encoding="utf-8")
    (folder / "beta.py").write_text("def THING(x):\n    return x\n", encoding="utf-8")
    (folder / "helper.py").write_text("OTHER = 1  # mentions THING only here\n", encoding="utf-8")
    (folder / "_private.py").write_text("THING = 'hidden'\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        registry: Registry[object] = Registry(
            "thing", "isac.test-none", {"gamma": f"{package}.alpha:THING"}, convention=(package, "THING")
        )
        # alpha.py is listed once, under its explicit name; beta by its module name; helper and _private not
        assert registry.names() == ("beta", "gamma")
        assert f"{package}.beta" not in sys.modules  # listing reads files, imports nothing
        assert registry.get("beta")(3) == 3
        assert registry.get("gamma") == "alpha thing"
        (folder / "delta.py").write_text("THING = 'new'\n", encoding="utf-8")
        registry.refresh()
        assert registry.get("delta") == "new"
    finally:
        for name in [name for name in sys.modules if name.startswith(package)]:
            sys.modules.pop(name)


def test_built_in_parts_are_found_by_their_modules() -> None:
    from isac.compiler.datasets import ADAPTERS as DATASETS
    from isac.runtime.adapters.registry import ADAPTERS as MODELS
    from isac.runtime.scoring.checkers import KINDS
    from isac.runtime.scoring.metric_registry import METRICS

    assert {"accuracy", "bleu", "meteor", "wer"} <= set(METRICS.names())
    assert {"prefix", "suffix", "wrap", "label", "text", "separator", "json_keys"} <= set(KINDS.names())
    assert {"base", "params", "textutil"}.isdisjoint(KINDS.names())
    assert set(DATASETS.names()) >= {"librispeech", "covost2", "iemocap", "audiocaps", "jsonl"}
    assert {"oracle", "constant", "replay", "openai", "hf"} <= set(MODELS.names())
    assert "openai_compat" not in MODELS.names()
