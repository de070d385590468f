"""Formats: a registry from name to extractor, and from file extension to format."""

from __future__ import annotations

import os
import re
from collections.abc import Callable

from mantracheck.text.offsets import Extracted, TextBuilder
from mantracheck.text.placeholders import STAND_IN, compile_placeholders, is_block

Extractor = Callable[[str, "re.Pattern[str]"], list[Extracted]]


def add_text(builder: TextBuilder, source: str, start: int, end: int, placeholders: re.Pattern[str]) -> None:
    """Copy ``source[start:end]`` into ``builder``, turning placeholders into stand-ins."""
    pos = start
    for match in placeholders.finditer(source, start, end):
        builder.copy(pos, match.start())
        if is_block(match):
            builder.opaque(" ", match.start(), match.end())
        else:
            builder.opaque(STAND_IN, match.start(), match.end())
        pos = match.end()
    builder.copy(pos, end)


def extract_plain(source: str, placeholders: re.Pattern[str]) -> list[Extracted]:
    builder = TextBuilder(source)
    add_text(builder, source, 0, len(source), placeholders)
    return [builder.build()]


#: name -> extractor. Other modules register more formats here.
FORMATS: dict[str, Extractor] = {"text": extract_plain}

#: file extension -> format name. Only these are picked up when a directory is linted.
EXTENSIONS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    ".tmpl": "text",
    ".tpl": "text",
    ".j2": "text",
    ".jinja": "text",
    ".jinja2": "text",
    ".liquid": "text",
    ".mustache": "text",
}


def format_for_path(path: str) -> str | None:
    name = os.path.basename(path).lower()
    for ext, fmt in EXTENSIONS.items():
        if name.endswith(ext):
            return fmt
    return None


def extract(source: str, fmt: str = "text", extra_placeholders: tuple[str, ...] = ()) -> list[Extracted]:
    try:
        extractor = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown input format {fmt!r}; expected one of {', '.join(sorted(FORMATS))}") from None
    return extractor(source, compile_placeholders(extra_placeholders))
