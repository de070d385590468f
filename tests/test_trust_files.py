"""What a repository's files can make mantracheck read and write (issue 18, items 1, 9, 10):
links that lead out of the linted folders, files and folders it may not read, sockets, and
``--fix`` racing another program that writes the same file.

Permission tests run in a real process that cannot override file permissions: the tests run
as root, where chmod 000 stops nothing, so the process is started without the two
capabilities that let root read anything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH). It stays
uid 0 because the interpreter lives under /root (mode 700), which nobody else may enter; the
files it must not read are owned by root with no permission bits for their owner.
"""

from __future__ import annotations

import fcntl
import os
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli
from mantracheck.errors import InputError

SECRET = "We guarantee the vault code is zq7781x."
G = "We guarantee it.\n"
ASAP = "We'll reply ASAP.\n"
LINT = ("lint", "--no-config", "--format", "concise")


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# -- 10. --fix racing another writer ----------------------------------------------------------
APPENDER = r"""
import fcntl, os, sys, time
path, stop, cooperate = sys.argv[1], time.monotonic() + float(sys.argv[2]), sys.argv[3] == "1"
n = 0
while time.monotonic() < stop:
    while True:
        with open(path, "a", encoding="utf-8") as handle:
            if cooperate:  # the lock, then check that the name still leads to the locked file
                fcntl.flock(handle, fcntl.LOCK_EX)
                if os.fstat(handle.fileno()).st_ino != os.stat(path).st_ino:
                    continue
            handle.write(f"line {n}\n")
        break
    n += 1
    if n % 10 == 0:  # (bursts, so that some fixes find the file unchanged since it was read)
        time.sleep(0.001)
print(n)
"""


def _hammer(tmp_path: Path, seconds: float, cooperate: bool) -> tuple[int, int, list[str]]:
    """--fix's atomic write run over and over on a file another process appends lines to;
    returns (lines appended, fixes made, lines the file ends with)."""
    from mantracheck.fix import write_atomically

    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    appender = subprocess.Popen([sys.executable, "-c", APPENDER, str(target), str(seconds), "1" if cooperate else "0"], stdout=subprocess.PIPE, text=True)
    fixed = 0
    try:
        while appender.poll() is None:
            text = target.read_text(encoding="utf-8")
            swap = ("ASAP", "as soon as we can") if "ASAP" in text else ("as soon as we can", "ASAP")
            try:
                write_atomically(str(target), text, text.replace(swap[0], swap[1], 1), "utf-8")
                fixed += 1
            except InputError as exc:  # changed since it was read: left alone, as promised
                assert "changed" in str(exc), exc
    finally:
        out, _ = appender.communicate(timeout=60)
    lines = target.read_text(encoding="utf-8").splitlines()
    return int(out), fixed, lines


@pytest.mark.parametrize("cooperate", [False, True], ids=["plain-appends", "locking-appends"])
def test_fix_never_loses_a_concurrent_append(tmp_path: Path, cooperate: bool) -> None:
    appended, fixed, lines = _hammer(tmp_path, 4.0, cooperate)
    assert fixed > 100 and appended > 1000, (fixed, appended)
    assert lines[0] in ("We'll reply ASAP.", "We'll reply as soon as we can.")
    got = [int(line.split()[1]) for line in lines[1:]]
    missing = sorted(set(range(appended)) - set(got))
    assert missing == [] and len(got) == appended, f"{len(missing)} of {appended} appends lost over {fixed} fixes: {missing[:10]}"
    assert [p.name for p in tmp_path.iterdir() if ".mantracheck-" in p.name] == []


def test_temporary_files_are_named_after_the_file_and_stale_ones_are_removed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mantracheck import fix

    target = tmp_path / "reply.txt"
    target.write_text(ASAP, encoding="utf-8")
    old = time.time() - 60
    made = {}
    for name in (
        ".reply.txt.mantracheck-k1lled00.tmp",  # left by a run killed mid-write: removed
        ".other.txt.mantracheck-k1lled00.tmp",  # the same, for another file in the folder
        ".reply.txt.mantracheck-l1ve0000.tmp",  # a run still writing holds its lock: kept
        ".reply.txt.mantracheck-y0ung000.tmp",  # just made, its lock not yet taken: kept
        ".mantracheck-0ld0name.tmp",  # not our pattern (an older version's): kept
    ):
        made[name] = tmp_path / name
        made[name].write_bytes(b"We'll re")
        if "y0ung" not in name:
            os.utime(made[name], (old, old))
    names: list[str] = []
    real_replace = os.replace

    def replace(src: str, dst: str) -> None:
        names.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(fix.os, "replace", replace)
    with open(made[".reply.txt.mantracheck-l1ve0000.tmp"], "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        fix.write_atomically(str(target), ASAP, "We'll reply as soon as we can.\n", "utf-8")
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"
    assert len(names) == 1 and names[0].startswith(".reply.txt.mantracheck-") and names[0].endswith(".tmp"), names
    assert sorted(p.name for p in tmp_path.iterdir()) == [".mantracheck-0ld0name.tmp", ".reply.txt.mantracheck-l1ve0000.tmp", ".reply.txt.mantracheck-y0ung000.tmp", "reply.txt"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_a_run_killed_mid_fix_leaves_a_temporary_file_the_next_run_removes(tmp_path: Path) -> None:
    """SIGKILL at the rename: the original is whole, and a later --fix cleans up."""
    target = tmp_path / "reply.txt"
    target.write_text(ASAP, encoding="utf-8")
    script = (
        "import os, signal, sys\n"
        "from mantracheck import fix\n"
        "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
        f"fix.write_atomically({str(target)!r}, {ASAP!r}, 'We will reply soon.\\n', 'utf-8')\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, check=False, timeout=60)
    assert proc.returncode == -9, proc.stderr
    left = [p.name for p in tmp_path.iterdir() if p.name != "reply.txt"]
    assert len(left) == 1 and left[0].startswith(".reply.txt.mantracheck-"), left
    assert target.read_text(encoding="utf-8") == ASAP
    from mantracheck.fix import STALE_AFTER, write_atomically

    old = time.time() - STALE_AFTER - 1  # (a few seconds later)
    os.utime(tmp_path / left[0], (old, old))
    write_atomically(str(target), ASAP, "We'll reply as soon as we can.\n", "utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reply.txt"]


def test_a_file_locked_by_another_program_is_waited_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mantracheck import fix

    target = tmp_path / "reply.txt"
    target.write_text(ASAP, encoding="utf-8")
    monkeypatch.setattr(fix, "LOCK_TIMEOUT", 0.3)
    with open(target, "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)
        started = time.monotonic()
        with pytest.raises(InputError, match="another program has held a lock on it for 0.3 s; left unchanged"):
            fix.write_atomically(str(target), ASAP, "We'll reply soon.\n", "utf-8")
        assert time.monotonic() - started < 5
    assert target.read_text(encoding="utf-8") == ASAP
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reply.txt"]
