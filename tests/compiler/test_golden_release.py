"""The frozen golden release: compiling the default spec on the bundled mini corpus reproduces it exactly.

`artifacts/releases/mini-1.2.0/` (spec 1.1 with the S2TT answer-only rows' `script` check) was cut with
`isac compile spec --data-root data/mini --out OUT` and `isac release mini-1.2.0 --from OUT`; the earlier
releases stay as released (mini-1.0.0: the first pools; mini-1.1.0: the pools grown with `isac author`).
Any change that alters a manifest row, the compiled task table or the axes fails here; such a change is
deliberate only with a new release version (and this test pointed at it).
"""

from __future__ import annotations

import json
from pathlib import Path

from isac.compiler.manifests import LOCK_FILE, verify_manifest_set
from isac.runtime.cli import main

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "artifacts" / "releases" / "mini-1.2.0"
# Parts of the lock that depend on how the spec files are written (comments, schema layout) or on the
# isac version, not on what was compiled: compared separately or not at all.
_VOLATILE_LOCK_KEYS = ("isac_version", "spec_sha256")
# Where the set was compiled from: a hint for exec/eval, not compiled content (no manifest depends on it);
# the locks of mini-1.0.0 and mini-1.1.0 predate it and record none.
_LOCATION_LOCK_KEYS = ("data_root",)


def test_the_golden_release_is_intact() -> None:
    report = verify_manifest_set(GOLDEN)
    assert report.ok, report.lines()
    assert report.rows_checked == 1272


def test_compiling_again_reproduces_the_golden_release_byte_for_byte(tmp_path: Path) -> None:
    out = tmp_path / "again"
    assert (
        main(["compile", str(REPO / "spec"), "--data-root", str(REPO / "data" / "mini"), "--out", str(out)])
        == 0
    )
    golden_files = sorted(path.name for path in GOLDEN.glob("*.jsonl"))
    assert sorted(path.name for path in out.glob("*.jsonl")) == golden_files
    for name in golden_files:
        assert (out / name).read_bytes() == (GOLDEN / name).read_bytes(), f"{name} differs from the release"
    fresh = json.loads((out / LOCK_FILE).read_text(encoding="utf-8"))
    frozen = json.loads((GOLDEN / LOCK_FILE).read_text(encoding="utf-8"))
    for key in _VOLATILE_LOCK_KEYS:
        fresh.pop(key)
        frozen.pop(key)
    assert fresh.pop("data_root") == "bundled:mini"  # path-independent: resolvable in any install
    for key in _LOCATION_LOCK_KEYS:
        frozen.pop(key, None)
    assert fresh == frozen


def test_s2tt_answer_only_rows_require_the_han_script_and_nothing_else_changed() -> None:
    previous = REPO / "artifacts" / "releases" / "mini-1.1.0"
    for name in sorted(path.name for path in GOLDEN.glob("*.jsonl")):
        if name != "f-s2tt.jsonl":
            assert (GOLDEN / name).read_bytes() == (previous / name).read_bytes(), name
    rows = [json.loads(line) for line in (GOLDEN / "f-s2tt.jsonl").read_text(encoding="utf-8").splitlines()]
    only = [row for row in rows if row["variant"] == "answer_only"]
    assert len(only) == 8
    for row in only:
        assert row["checker"]["kind"] == "text"
        assert row["checker"]["params"]["script"] == "Han" and row["checker"]["params"]["script_share"] == 0.5
    for other in (GOLDEN / "f-asr.jsonl", GOLDEN / "f-aac.jsonl"):
        for line in other.read_text(encoding="utf-8").splitlines():
            assert "script" not in json.loads(line)["checker"]["params"]
