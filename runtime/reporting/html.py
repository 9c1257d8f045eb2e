"""Render a ReportDocument as one self-contained HTML page (pure: returns the text).

The page needs no other file: the stylesheet is inlined and every figure is a base64 `data:` URI.
Jinja2 autoescaping escapes every value put into the page, so a model's response cannot inject markup.
"""

from __future__ import annotations

import base64
import struct
from dataclasses import dataclass
from functools import cache
from importlib import resources

from jinja2 import Environment, StrictUndefined, Template
from markupsafe import Markup

from isac.runtime.reporting.document import FAILURES_INTRODUCTION, INTRODUCTION, ReportDocument

CAPTIONS: dict[str, str] = {
    "radar_ifr": "IFR per axis",
    "radar_rps": "RPS per axis",
    "area_ratios": "Area ratios per model",
}


@dataclass(frozen=True)
class Figure:
    """An embedded PNG figure."""

    key: str
    caption: str
    data_uri: str
    width: int
    height: int


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG image")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def data_uri(png: bytes) -> str:
    """A `data:image/png;base64,...` URI of the bytes."""
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _resource(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def _template() -> Template:
    environment = Environment(autoescape=True, undefined=StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(_resource("report.html.j2"))


def render_html(document: ReportDocument, images: dict[str, bytes]) -> str:
    """The page; `images` maps a figure key (see CAPTIONS) to its PNG bytes."""
    figures = []
    for key, caption in CAPTIONS.items():
        if key in images:
            width, height = png_size(images[key])
            figures.append(Figure(key, caption, data_uri(images[key]), width, height))
    # The stylesheet is our own file, so it is the one value marked safe (it contains '>' selectors).
    return _template().render(
        document=document,
        figures=figures,
        css=Markup(_resource("report.css")),
        introduction=INTRODUCTION,
        failures_introduction=FAILURES_INTRODUCTION,
    )
