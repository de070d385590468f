"""Apply fixes to a file: only the fixable spans, atomically, keeping encoding, BOM, line
endings and permissions. A file whose text would not change is not touched at all."""

from __future__ import annotations

import codecs
import difflib
import os
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass

from mantracheck.errors import InputError
from mantracheck.models import Fix
from mantracheck.text.reader import C1_HANDLER

_ENDIAN_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


@dataclass(frozen=True)
class FixOutcome:
    path: str
    applied: int
    new_text: str
    diff: str


def apply_fixes(text: str, fixes: Sequence[Fix]) -> tuple[str, int]:
    """The text with non-overlapping fixes applied (an overlapping later one is skipped)."""
    out, pos, applied = [], 0, 0
    for fix in sorted(fixes, key=lambda f: (f.start, f.end)):
        if fix.start < pos or text[fix.start : fix.end] == fix.replacement:
            continue
        out.append(text[pos : fix.start])
        out.append(fix.replacement)
        pos = fix.end
        applied += 1
    out.append(text[pos:])
    return "".join(out), applied


def unified_diff(path: str, old: str, new: str) -> str:
    return "".join(
        difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}")
    )


def fix_file(path: str, text: str, encoding: str, fixes: Sequence[Fix], *, write: bool) -> FixOutcome:
    new_text, applied = apply_fixes(text, fixes)
    diff = unified_diff(path, text, new_text) if applied else ""
    if write and applied:
        write_atomically(path, text, new_text, encoding)
    return FixOutcome(path, applied, new_text, diff)


def write_atomically(path: str, old_text: str, new_text: str, encoding: str) -> None:
    """Replace ``path`` with ``new_text`` in its own encoding, via a temporary file and a rename.

    Refuses when the file on disk no longer holds ``old_text`` (changed since it was read) or
    when its encoding cannot represent it losslessly. On any failure the original stays intact.
    A symbolic link is followed (its target is rewritten, the link stays a link); the new file
    gets the old one's permission bits and, where allowed, its owner and group.
    """
    path = os.path.realpath(path)
    try:
        with open(path, "rb") as handle:
            original = handle.read()
    except OSError as exc:
        raise InputError(f"cannot fix: {exc.strerror or exc}") from None
    try:
        same = original == _encode(old_text, encoding, original)
        data = _encode(new_text, encoding, original)
    except (UnicodeError, LookupError):
        same = False
        data = b""
    if not same:
        raise InputError(f"cannot fix: the file changed since it was read, or its {encoding} encoding does not round-trip; left unchanged")
    info = os.stat(path)
    mode = stat.S_IMODE(info.st_mode)
    # Honour the file's mode even where the user could override it (root): a read-only
    # template is read-only on purpose.
    if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise InputError("cannot fix: file is read-only; left unchanged")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".mantracheck-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot fix: cannot create a temporary file next to it ({exc.strerror or exc}); left unchanged") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        _keep_owner(tmp, info)
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"cannot fix: {exc.strerror or exc}; left unchanged") from None
        raise


def _keep_owner(tmp: str, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group (possible as root or the owner)."""
    if not hasattr(os, "chown"):  # pragma: no cover - Windows
        return
    if (info.st_uid, info.st_gid) == (os.getuid(), os.getgid()):
        return
    try:
        os.chown(tmp, info.st_uid, info.st_gid)
    except OSError:
        pass


def _encode(text: str, encoding: str, original: bytes) -> bytes:
    """Encode like the original: the same byte order and byte-order mark for UTF-16/32."""
    if encoding in ("utf-16", "utf-32"):
        for bom, codec in _ENDIAN_BOMS:
            if original.startswith(bom) and codec.startswith(encoding):
                return bom + text.encode(codec)
    return text.encode(encoding, errors=C1_HANDLER if encoding == "cp1252" else "strict")


def write_text_atomically(path: str, text: str, encoding: str = "utf-8") -> None:
    """Write a file we generate (docs) via a temporary file and a rename."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".mantracheck-", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
