"""Bytes to text: detect binary, honour BOMs, fall back to Windows-1252, never crash, never hang.

Every outcome is either a ``SourceText`` or an ``InputError`` with a one-line reason (its
``skipped`` flag says the file was left alone on purpose: binary, too big, not a regular
file). Files are opened with ``O_NONBLOCK`` and checked with ``fstat`` before reading, so a
FIFO or a device named like a template cannot block the run (a socket, which cannot be opened
at all, is told apart by ``stat`` and skipped too), and at most ``MAX_BYTES + 1``
bytes are ever read, however much a file grows while it is read.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from dataclasses import dataclass

from mantracheck.errors import InputError

#: Files larger than this are skipped with a notice. Linting runs at roughly 0.3-0.5 MB of text
#: a second on one core, and spaCy holds about 100 bytes per token, so 16 MiB is about a
#: minute and 2 GB of memory: the most one file may cost. Help-desk exports are far smaller.
MAX_BYTES = 16 * 1024 * 1024
#: How much of the start of a file is searched for NUL bytes (what git does).
BINARY_SNIFF = 8192
#: The error handler that maps the five bytes Windows-1252 leaves undefined (0x81, 0x8D,
#: 0x8F, 0x90, 0x9D) to the C1 controls U+0081... and back, so that such a file decodes and
#: re-encodes byte for byte.
C1_HANDLER = "mantracheck-c1"

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_O_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def _c1_errors(exc: UnicodeError) -> tuple[str | bytes, int]:
    if isinstance(exc, UnicodeDecodeError):
        return "".join(chr(b) for b in exc.object[exc.start : exc.end]), exc.end
    if isinstance(exc, UnicodeEncodeError):
        chunk = exc.object[exc.start : exc.end]
        if all(0x80 <= ord(c) <= 0x9F for c in chunk):
            return bytes(ord(c) for c in chunk), exc.end
    raise exc


codecs.register_error(C1_HANDLER, _c1_errors)


@dataclass(frozen=True, slots=True)
class SourceText:
    text: str
    encoding: str
    bom: bool = False


def describe_encoding(encoding: str | None) -> str:
    """How a file was read, for ``--verbose``: ``utf-8 with BOM``."""
    names = {
        "utf-8": "utf-8",
        "utf-8-sig": "utf-8 with BOM",
        "utf-16": "utf-16 with BOM",
        "utf-32": "utf-32 with BOM",
        "cp1252": "windows-1252 (not valid utf-8)",
    }
    return names.get(encoding or "", encoding or "unknown encoding")


def decode_bytes(data: bytes, name: str = "<input>") -> SourceText:
    """Decode file contents; raise InputError with a one-line reason for binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return SourceText(data.decode(encoding), encoding, bom=True)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} despite its byte-order mark ({exc.reason} at byte {exc.start})") from None
    if b"\x00" in data[:BINARY_SNIFF]:
        raise InputError("binary file (contains NUL bytes), skipped", skipped=True)
    try:
        return SourceText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    return SourceText(data.decode("cp1252", errors=C1_HANDLER), "cp1252")


def read_file(path: str) -> SourceText:
    """Read and decode one file, or raise InputError saying why not in one line."""
    return decode_bytes(read_bytes(path), path)


def read_bytes(path: str, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or InputError."""
    try:
        fd = os.open(path, _O_FLAGS)
    except OSError as exc:
        special = _special_file(path)
        if special is not None:  # a socket (ENXIO) or a device without its driver: skipped
            raise InputError(f"not a regular file ({special}), skipped", skipped=True) from None
        raise InputError(_os_reason(path, exc)) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"not a regular file ({_file_type(info.st_mode)}), skipped", skipped=True)
        if info.st_size > limit:
            raise InputError(_too_big(info.st_size, limit), skipped=True)
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise InputError(_os_reason(path, exc)) from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while being read
        raise InputError(_too_big(len(data), limit), skipped=True)
    return data


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks, size = [], 0
    while size < limit:
        chunk = os.read(fd, min(1 << 20, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _too_big(size: int, limit: int) -> str:
    mib = 1024 * 1024
    return f"file is over the {limit / mib:g} MiB limit ({size / mib:.1f} MiB or more), skipped"


def _special_file(path: str) -> str | None:
    """What a path that could not be opened is, when it is not a file or a folder (a socket
    refuses to be opened with ENXIO): "a socket", "a FIFO", "a device"; None otherwise."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    return _file_type(mode)


def _file_type(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"


def _os_reason(path: str, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    if exc.errno == errno.ENOENT:
        try:
            return f"broken symbolic link (its target {os.readlink(path)!r} does not exist)"
        except OSError:
            pass
        return "no such file (deleted or moved while mantracheck ran?)"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EISDIR:
        return "is a directory"
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]
