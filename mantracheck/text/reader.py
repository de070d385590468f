"""Bytes to text: detect binary, honour BOMs, fall back to Windows-1252, never crash."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass

from mantracheck.errors import InputError

#: Files larger than this are reported, not read (a help-desk export is rarely bigger).
MAX_BYTES = 64 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    encoding: str
    bom: bool = False


def decode_bytes(data: bytes, name: str = "<input>") -> SourceText:
    """Decode file contents; raise InputError with a one-line reason for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return SourceText(data.decode(encoding), encoding, bom=True)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} despite its byte-order mark ({exc.reason})") from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), skipped")
    try:
        return SourceText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined; map them through latin-1 rather than fail.
    return SourceText(data.decode("cp1252", errors="replace"), "cp1252")


def read_file(path: str) -> SourceText:
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise InputError(f"file is {size // (1024 * 1024)} MiB, over the {MAX_BYTES // (1024 * 1024)} MiB limit, skipped")
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        raise InputError("no such file") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except PermissionError:
        raise InputError("permission denied") from None
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from None
    return decode_bytes(data, path)
