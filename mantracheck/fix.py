"""Apply fixes to a file: only the fixable spans, atomically, keeping encoding, BOM, line
endings and permissions. A file whose text would not change is not touched at all."""

from __future__ import annotations

import codecs
import difflib
import os
import re
import secrets
import stat
import tempfile
import time
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


def _patch_lines(text: str) -> list[str]:
    """Lines as patch(1) and git count them: ended by LF only (a CR, a form feed or U+2028 is
    text), each keeping its LF."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def patch_path(path: str) -> str:
    """The path a patch names: normalised (``./a.txt`` is ``a.txt``), and relative to the
    current folder when it is inside it (git apply takes no ``a//abs`` or ``a/../x``)."""
    shown = os.path.normpath(path)
    if os.path.isabs(shown):
        try:
            relative = os.path.relpath(shown)
        except ValueError:  # (another drive, on Windows)
            return shown
        return relative if not relative.startswith(os.pardir) else shown
    return shown


def unified_diff(path: str, old: str, new: str) -> str:
    """A unified diff that ``git apply`` and ``patch`` take: a last line without a line end
    is followed by git's "\\ No newline at end of file"."""
    out = []
    name = patch_path(path)
    for line in difflib.unified_diff(_patch_lines(old), _patch_lines(new), f"a/{name}", f"b/{name}"):
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


class FixedButWarned(InputError):
    """The file was fixed (renamed into place), but something about it needs a look."""

    applied = 0


def fix_file(path: str, text: str, encoding: str, new_text: str, applied: int, *, write: bool, follow_links: bool = False) -> FixOutcome:
    """``path`` (read as ``text``) rewritten as ``new_text``, which ``applied`` fixes made.
    Raises InputError when the file is left unchanged, FixedButWarned (with ``applied``)
    when it was fixed but another program's writes around the rename need checking."""
    diff = unified_diff(path, text, new_text) if applied else ""
    if write and applied:
        try:
            write_atomically(path, text, new_text, encoding, follow_links=follow_links)
        except FixedButWarned as exc:
            exc.applied = applied
            raise
    return FixOutcome(path, applied, new_text, diff)


def write_atomically(path: str, old_text: str, new_text: str, encoding: str, *, follow_links: bool = False) -> None:
    """Replace ``path`` with ``new_text`` in its own encoding, via a temporary file and a rename.

    Refuses when the file on disk no longer holds ``old_text`` (changed since it was read) or
    when its encoding cannot represent it losslessly. On any failure the original stays intact.
    A symbolic link is refused unless ``follow_links`` (then its target is rewritten, the link
    stays a link): a link committed to a repository may point anywhere. The new file gets the
    old one's permission bits and, where allowed, its owner and group.

    Another program writing the file at the same time loses nothing: the check that the file
    is unchanged and the rename are made holding an advisory lock (``flock``) on the file and
    on the new one, so a program that takes the lock before writing waits; the check is made
    again after the temporary file is written, just before the rename; and a write that lands
    on the old file between that check and the rename (a program that does not take the lock)
    is found there afterwards (the old file is held open) and, when it was added at the end,
    added to the new file, until no program has the old file open for writing (Linux).
    Temporary files are named ``.NAME.mantracheck-XXXXXXXX.tmp``; those
    a killed run left in the file's folder (no process holds their lock) are removed.
    """
    if os.path.islink(path) and not follow_links:
        raise InputError("cannot fix: it is a symbolic link, and --fix does not write through links (--fix-follow-links does); left unchanged")
    path = os.path.realpath(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise InputError(f"cannot fix: {exc.strerror or exc}") from None
    try:
        _lock(fd, path)
        original = _read_all(fd)
        seen = _identity(os.fstat(fd))
        try:
            same = original == _encode(old_text, encoding, original)
            data = _encode(new_text, encoding, original)
        except (UnicodeError, LookupError):
            same = False
            data = b""
        if not same:
            raise InputError(f"cannot fix: the file changed since it was read, or its {encoding} encoding does not round-trip; left unchanged")
        info = os.fstat(fd)
        mode = stat.S_IMODE(info.st_mode)
        # Honour the file's mode even where the user could override it (root): a read-only
        # template is read-only on purpose.
        if not os.access(path, os.W_OK) or not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise InputError("cannot fix: file is read-only; left unchanged")
        if info.st_nlink > 1:
            # (a new file renamed over this name would leave the other names with the old text)
            raise InputError(f"cannot fix: it has {info.st_nlink} hard links, which a rewrite would split; left unchanged")
        _replace(path, fd, original, seen, data, mode, info)
    except OSError as exc:
        raise InputError(f"cannot fix: {exc.strerror or exc}; left unchanged") from None
    finally:
        os.close(fd)  # (releases the lock)


def _replace(path: str, fd: int, original: bytes, seen: tuple[int, ...], data: bytes, mode: int, info: os.stat_result) -> None:
    """Write ``data`` to a temporary file, check the file at ``path`` (open as ``fd``, locked)
    still holds ``original``, rename the temporary file over it, and bring over what was
    appended to the old file in between."""
    folder, name = os.path.split(path)
    _remove_stale_temporaries(folder)
    try:
        tmp_fd, tmp = tempfile.mkstemp(prefix=f".{name}.mantracheck-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot fix: cannot create a temporary file next to it ({exc.strerror or exc}); left unchanged") from None
    renamed = False
    try:
        _lock(tmp_fd, tmp)
        with os.fdopen(os.dup(tmp_fd), "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        _keep_owner(tmp, info)
        _keep_attributes(fd, tmp)
        if _identity(os.fstat(fd)) != seen or _identity(os.stat(path)) != seen or _read_all(fd) != original:
            raise InputError("cannot fix: the file changed while it was being fixed; left unchanged")
        os.replace(tmp, path)
        renamed = True
        # A program waiting for the old file's lock may have it open: let it go on (it finds
        # the name leads elsewhere now, or writes there and its bytes are carried over).
        _unlock(fd)
        _carry_over_appends(fd, original, tmp_fd)
    except BaseException:
        if not renamed:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    finally:
        os.close(tmp_fd)


#: How long to wait, after the rename, for programs that still have the old file open for
#: writing to close it (what they write there is added to the new file meanwhile).
WRITERS_TIMEOUT = 2.0


def _carry_over_appends(old_fd: int, original: bytes, new_fd: int) -> None:
    """Bytes written at the end of the old file after it was checked (by a program that took
    no lock and opened it before the rename) are appended to the new file, until no program
    has the old file open for writing any more (on Linux, where a read lease is granted only
    then; elsewhere, until it stops growing); any other change to it is reported."""
    _set_append(new_fd)
    carried = len(original)
    deadline = time.monotonic() + WRITERS_TIMEOUT
    delay = 0.0005
    while True:
        alone = _no_writers(old_fd)
        now = _read_all(old_fd)
        if now[: len(original)] != original:
            raise FixedButWarned("fixed, but another program rewrote the file as it was being renamed; check it")
        if len(now) > carried:
            os.write(new_fd, now[carried:])
            carried = len(now)
        elif alone is not False:  # (None: cannot tell; nothing new came, so done)
            return
        if time.monotonic() > deadline:
            raise FixedButWarned(f"fixed, but another program still had the old file open for writing {WRITERS_TIMEOUT:g} s later; what it writes there now is not in the fixed file")
        time.sleep(delay)
        delay = min(delay * 2, 0.02)


def _no_writers(fd: int) -> bool | None:
    """Whether no process has the file open for writing (a read lease on ``fd``, opened
    read-only, is granted only then; it is released at once); None where leases cannot tell
    (not Linux, another user's file, a file system without leases)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return None
    setlease = getattr(fcntl, "F_SETLEASE", None)
    if setlease is None or not _lease_breaks_are_harmless():  # pragma: no cover - not Linux
        return None
    try:
        fcntl.fcntl(fd, setlease, fcntl.F_RDLCK)
    except BlockingIOError:
        return False
    except OSError:
        return None
    fcntl.fcntl(fd, setlease, fcntl.F_UNLCK)
    return True


def _lease_breaks_are_harmless() -> bool:
    """A lease held while another process opens the file for writing makes the kernel send
    SIGIO, whose default action ends the process: ignore it (in the main thread, where Python
    can, unless a handler of someone else's is set) or take no lease."""
    import signal
    import threading

    sigio = getattr(signal, "SIGIO", None)
    if sigio is None:  # pragma: no cover
        return False
    if signal.getsignal(sigio) == signal.SIG_DFL:
        if threading.current_thread() is not threading.main_thread():
            return False
        signal.signal(sigio, signal.SIG_IGN)
    return True


def _set_append(fd: int) -> None:
    """Make every write to ``fd`` go to the end of the file, whoever else writes there."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_APPEND)


def _identity(info: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is replaced or written: device, inode, size, modification time."""
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns)


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks: list[bytes] = []
    while True:
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


#: How long to wait for another program's lock on a file being fixed.
LOCK_TIMEOUT = 10.0


def _lock(fd: int, path: str) -> None:
    """An exclusive advisory lock on ``fd``, waiting at most LOCK_TIMEOUT seconds."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks
        return
    deadline = time.monotonic() + LOCK_TIMEOUT
    delay = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() > deadline:
                raise InputError(f"cannot fix: another program has held a lock on it for {LOCK_TIMEOUT:g} s; left unchanged") from None
            time.sleep(delay)
            delay = min(delay * 2, 0.05)
        except OSError:  # a file system without locks: the checks still narrow the window
            return


#: A temporary file of ours: ``.NAME.mantracheck-XXXXXXXX.tmp``.
_TEMPORARY = re.compile(r"\..+\.mantracheck-[a-z0-9_]{8}\.tmp")  # (mkstemp's 8 characters)
#: A temporary file no process holds a lock on is stale once this many seconds old (a live
#: run takes its lock a moment after making it).
STALE_AFTER = 5.0
#: The folders this process has removed stale temporary files from.
_swept: set[str] = set()


def _unlock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_UN)
    except OSError:
        pass


def _remove_stale_temporaries(folder: str) -> None:
    """Remove the temporary files a killed run left in ``folder`` (once per folder and
    process): those of our name pattern that no process holds a lock on (a live run locks
    its temporary file as soon as it has made it) and that are a few seconds old."""
    if folder in _swept:
        return
    _swept.add(folder)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return
    try:
        with os.scandir(folder) as listing:
            found = [e.path for e in listing if _TEMPORARY.fullmatch(e.name) and e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for tmp in found:
        try:
            tmp_fd = os.open(tmp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if time.time() - os.fstat(tmp_fd).st_mtime > STALE_AFTER:
                fcntl.flock(tmp_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.unlink(tmp)
        except OSError:  # held by a live run (or already gone)
            pass
        finally:
            os.close(tmp_fd)


def _keep_owner(tmp: str, info: os.stat_result) -> None:
    """Give the new file the old one's owner and group, or refuse: a file someone else owns
    (group-writable, say) would otherwise become the fixer's."""
    if not hasattr(os, "chown"):  # pragma: no cover - Windows
        return
    if (info.st_uid, info.st_gid) == (os.getuid(), os.getgid()):
        return
    try:
        os.chown(tmp, info.st_uid, info.st_gid)
    except OSError:
        raise InputError("cannot fix: the new file could not be given the old one's owner and group (a rewrite would change them); left unchanged") from None


#: Extended attributes a rewrite carries over: a user's own, and access control lists (the
#: security.* labels of SELinux and the like are the system's to set on a new file).
_KEPT_XATTRS = ("user.", "system.posix_acl_")


def _keep_attributes(fd: int, tmp: str) -> None:
    """Give the new file the old one's extended attributes and ACLs, or refuse."""
    if not hasattr(os, "listxattr"):  # pragma: no cover - not Linux
        return
    try:
        names = [n for n in os.listxattr(fd) if n.startswith(_KEPT_XATTRS)]
    except OSError:  # (a file system without them)
        return
    try:
        for name in names:
            os.setxattr(tmp, name, os.getxattr(fd, name))
        for name in os.listxattr(tmp):
            # (an ACL the new file took from its folder's default ACL, which the old one did not have)
            if name.startswith(_KEPT_XATTRS) and name not in names:
                os.removexattr(tmp, name)
    except OSError as exc:
        raise InputError(f"cannot fix: its extended attributes ({', '.join(names)}) could not be carried over ({exc.strerror or exc}); left unchanged") from None


def _encode(text: str, encoding: str, original: bytes) -> bytes:
    """Encode like the original: the same byte order and byte-order mark for UTF-16/32."""
    if encoding in ("utf-16", "utf-32"):
        for bom, codec in _ENDIAN_BOMS:
            if original.startswith(bom) and codec.startswith(encoding):
                return bom + text.encode(codec)
    return text.encode(encoding, errors=C1_HANDLER if encoding == "cp1252" else "strict")


def write_text_atomically(path: str, text: str, encoding: str = "utf-8") -> None:
    """Write a file we generate (docs) via a temporary file and a rename, with the mode the
    file had, or for a new file the one ``open`` would give (mkstemp's is 0600)."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    try:
        mode: int | None = os.stat(path).st_mode & 0o7777
    except OSError:
        mode = None  # a new file: the kernel applies the umask to 0o666 (no os.umask dance)
    tmp = os.path.join(folder, f".{os.path.basename(path)}.mantracheck-{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as handle:
            handle.write(text)
            if mode is not None:
                os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
