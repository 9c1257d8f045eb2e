"""`isac verify-disjoint SFT_DIR TEST_DIR`: prove a training corpus shares nothing with a test set.

Compares item ids, audio paths, audio bytes (with --data-root) and instructions (normalised, and near
duplicates at or above a word-bigram Jaccard threshold); exits 1 listing the offending rows.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from isac.compiler.training.disjoint import verify_disjoint

HELP = "Check that a training corpus shares no audio item or instruction with a test set."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """SFT_DIR, TEST_DIR, --data-root."""
    parser.add_argument("sft_dir", type=Path, metavar="SFT_DIR", help="corpus folder written by isac sft")
    parser.add_argument("test_dir", type=Path, metavar="TEST_DIR", help="compiled test set or release")
    parser.add_argument(
        "--data-root", type=Path, help="datasets folder: also compare audio content (sha256 of the files)"
    )


def run(args: argparse.Namespace) -> int:
    """Exit 0 when disjoint, 1 with the offending rows otherwise."""
    report = verify_disjoint(args.sft_dir, args.test_dir, args.data_root)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1
