"""Readers: bytes -> decoded source -> clean text with an exact map back to the source."""

from mantracheck.text.offsets import Extracted, OffsetMap, TextBuilder, LineIndex
from mantracheck.text.formats import extract, format_for_path, FORMATS
from mantracheck.text.reader import SourceText, decode_bytes, read_file

__all__ = [
    "Extracted",
    "OffsetMap",
    "TextBuilder",
    "LineIndex",
    "extract",
    "format_for_path",
    "FORMATS",
    "SourceText",
    "decode_bytes",
    "read_file",
]
