"""The HTML report in a real browser: headless Chromium loads it, decodes its images, runs no script."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from isac.runtime.reporting import ReportFiles

CHROMIUM = next((found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

# Appended to a copy of the page by the test only: records what the browser made of the page in the DOM,
# which --dump-dom then prints. The report itself contains no script.
PROBE = """
<script>
window.addEventListener("load", () => {
  const images = Array.from(document.images);
  document.body.dataset.images = String(images.length);
  document.body.dataset.decoded = String(images.filter(i => i.complete && i.naturalWidth > 0).length);
  document.body.dataset.scripts = String(document.scripts.length);
  document.body.dataset.tables = String(document.querySelectorAll("table").length);
  document.body.dataset.title = document.title;
  document.body.dataset.details = String(document.querySelectorAll("details").length);
  document.body.dataset.openDetails = String(document.querySelectorAll("details[open]").length);
  const links = Array.from(document.querySelectorAll('nav a[href^="#"]'));
  document.body.dataset.toc = String(links.length);
  document.body.dataset.broken = String(links.filter(a => !document.getElementById(a.hash.slice(1))).length);
  document.body.dataset.done = "yes";
});
</script>
"""


def chromium(tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium offline with a throwaway profile."""
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        *arguments,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_chromium_loads_the_page_and_its_images(report: ReportFiles, tmp_path: Path) -> None:
    page = tmp_path / "probe.html"
    page.write_text(report.html.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"), "utf-8")
    done = chromium(tmp_path, "--virtual-time-budget=5000", "--dump-dom", page.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    assert 'data-done="yes"' in dom
    assert 'data-images="3"' in dom and 'data-decoded="3"' in dom
    assert 'data-scripts="1"' in dom  # only the probe: the malicious responses stayed text
    # summary, areas, provenance, metrics, runs, 2 axis tables, D/F/N classes, D/F/N variants, worst
    assert 'data-tables="14"' in dom
    # the table of contents resolves; 3 variant tables + 7 failure groups (beta 4, evil 4), all collapsed
    assert 'data-toc="8"' in dom and 'data-broken="0"' in dom
    assert 'data-details="11"' in dom and 'data-open-details="0"' in dom
    assert 'data-title="ISA-Bench report"' in dom  # the injected title change never ran
    assert "Why models failed" in dom and "&lt;script&gt;document.title" in dom


def test_chromium_screenshots_the_page(report: ReportFiles, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    done = chromium(
        tmp_path,
        "--enable-logging=stderr",
        "--v=0",
        "--window-size=1280,1600",
        f"--screenshot={shot}",
        report.html.as_uri(),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # Chromium logs page console messages and uncaught errors as "CONSOLE" lines: there must be none.
    assert not [line for line in done.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]
    payload = shot.read_bytes()
    assert payload[:8] == b"\x89PNG\r\n\x1a\n" and len(payload) > 20_000
