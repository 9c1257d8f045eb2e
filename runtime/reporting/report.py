"""`write_report`: scoring database in, report folder out (the I/O edge of the reporting package)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from isac.runtime.reporting.charts import area_bars_png, radar_png
from isac.runtime.reporting.document import ReportDocument, build_document
from isac.runtime.reporting.html import render_html
from isac.runtime.reporting.markdown import render_markdown
from isac.runtime.reporting.queries import read_report_data

IMAGE_FILES: dict[str, str] = {
    "radar_ifr": "radar_ifr.png",
    "radar_rps": "radar_rps.png",
    "area_ratios": "area_ratios.png",
}
MARKDOWN_FILE = "report.md"
HTML_FILE = "report.html"


@dataclass(frozen=True)
class ReportFiles:
    """Where a report was written, and the document it shows."""

    out_dir: Path
    markdown: Path
    html: Path
    images: tuple[Path, ...]
    document: ReportDocument


def render_images(document: ReportDocument) -> dict[str, bytes]:
    """The three figures as PNG bytes, keyed like IMAGE_FILES."""
    return {
        "radar_ifr": radar_png(
            "IFR per axis (%)", document.radar_axes, document.radar_ifr, 100.0, (25, 50, 75, 100)
        ),
        "radar_rps": radar_png(
            "RPS per axis", document.radar_axes, document.radar_rps, 1.0, (0.25, 0.5, 0.75, 1.0)
        ),
        "area_ratios": area_bars_png(document.area_bars),
    }


def write_report(db_path: Path, out_dir: Path, *, examples: int = 3, worst: int = 5) -> ReportFiles:
    """Read `db_path` and write report.md, report.html and the PNG figures into `out_dir`.

    `examples` non-compliant responses are shown per (model, variant); `worst` lowest-IFR variants
    per model. Each file is replaced atomically, so a reader never sees a half-written report.
    """
    document = build_document(
        read_report_data(Path(db_path), examples=examples, worst=worst), examples=examples
    )
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    images = render_images(document)
    for key, name in IMAGE_FILES.items():
        _write_atomic(out_dir / name, images[key])
    _write_atomic(out_dir / MARKDOWN_FILE, render_markdown(document, IMAGE_FILES).encode("utf-8"))
    _write_atomic(out_dir / HTML_FILE, render_html(document, images).encode("utf-8"))
    return ReportFiles(
        out_dir=out_dir,
        markdown=out_dir / MARKDOWN_FILE,
        html=out_dir / HTML_FILE,
        images=tuple(out_dir / name for name in IMAGE_FILES.values()),
        document=document,
    )


def _write_atomic(path: Path, payload: bytes) -> None:
    # A plain open (not mkstemp) so the file gets the usual umask permissions, not 0600.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        temporary.write_bytes(payload)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
