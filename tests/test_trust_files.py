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
import json
import os
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli
from mantracheck.errors import InputError
from tests.conftest import NONET

SECRET = "We guarantee the vault code is zq7781x."
G = "We guarantee it.\n"
ASAP = "We'll reply ASAP.\n"
LINT = ("lint", "--no-config", "--format", "concise")


def invoke(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


# -- 1. links that leave the linted folders ---------------------------------------------------
@pytest.fixture
def leaky(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """repo/ with links out of it (to a file and to a folder) and links inside it."""
    (tmp_path / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "notes.txt").write_text(SECRET + "\n", encoding="utf-8")
    repo = tmp_path / "repo"
    (repo / "replies").mkdir(parents=True)
    (repo / "replies" / "refund.txt").write_text(G, encoding="utf-8")
    (repo / "leak.txt").symlink_to("../secret.txt")
    (repo / "replies" / "deep-leak.txt").symlink_to("../../secret.txt")
    (repo / "elsewhere").symlink_to("../outside", target_is_directory=True)
    (repo / "same.txt").symlink_to("replies/refund.txt")  # inside: still read
    monkeypatch.chdir(tmp_path)
    return repo


@pytest.mark.parametrize("fmt", ["json", "sarif", "concise"])
def test_a_link_out_of_the_linted_folder_is_not_read(leaky: Path, fmt: str) -> None:
    result = invoke("lint", "--no-config", "--format", fmt, "repo")
    assert "vault" not in result.output and "zq7781x" not in result.output, result.output
    if fmt == "sarif":  # nothing found in the files the links lead to
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(result.stdout)["runs"][0]["results"]]
        assert uris and not [u for u in uris if "leak" in u], uris
    elif fmt == "concise":
        assert "leak.txt:1:" not in result.stdout and "repo/replies/refund.txt:1:1: error" in result.stdout, result.stdout
    assert result.exit_code == 1  # repo/replies/refund.txt and the link to it
    notices = [line for line in result.stderr.splitlines() if "outside the paths being linted" in line]
    assert notices == [
        "mantracheck: repo/elsewhere: symbolic link to a folder outside the paths being linted, not followed",
        "mantracheck: repo/leak.txt: symbolic link to a file outside the paths being linted, not followed",
        "mantracheck: repo/replies/deep-leak.txt: symbolic link to a file outside the paths being linted, not followed",
    ], result.stderr
    if fmt == "json":
        report = json.loads(result.stdout)
        assert [(f["path"], f.get("skipped", False)) for f in report["files"]] == [
            ("repo/elsewhere", True),
            ("repo/leak.txt", True),
            ("repo/replies/deep-leak.txt", True),
            ("repo/replies/refund.txt", False),
            ("repo/same.txt", False),
        ]
        assert report["files"][1]["error"] == "symbolic link to a file outside the paths being linted, not followed"
        assert report["summary"]["skipped_files"] == 3 and report["summary"]["unreadable_files"] == 0


def test_a_link_named_outright_is_read_and_a_folder_named_outright_widens_the_roots(leaky: Path) -> None:
    """The user chose it (as ruff and Vale lint a path given on the command line)."""
    result = invoke(*LINT, "repo/leak.txt")
    assert result.exit_code == 1 and result.stdout.startswith("repo/leak.txt:1:1: error overpromise.guarantee"), result.output
    both = invoke(*LINT, "repo", "secret.txt")  # secret.txt named too: the link to it is read
    assert "repo/leak.txt:1:1: error" in both.stdout and "leak.txt: symbolic link" not in both.stderr, both.output
    assert "repo/elsewhere: symbolic link to a folder outside" in both.stderr  # (folder links are never walked)
    whole = invoke(*LINT, ".")
    assert "outside the paths being linted" not in whole.stderr, whole.output


def test_fix_does_not_write_through_a_link_unless_asked(leaky: Path) -> None:
    target = leaky.parent / "outside" / "asap.txt"
    target.write_text(ASAP, encoding="utf-8")
    (leaky / "asap.txt").symlink_to("../outside/asap.txt")
    result = invoke(*LINT, "--fix", "repo/asap.txt")
    assert target.read_text(encoding="utf-8") == ASAP
    assert (leaky / "asap.txt").is_symlink()
    assert "mantracheck: repo/asap.txt: cannot fix: it is a symbolic link, and --fix does not write through links (--fix-follow-links does); left unchanged" in result.stderr.splitlines(), result.output
    assert result.exit_code == 1
    # in a folder walk: the link out of it is not even read, with or without the opt-in
    walk = invoke(*LINT, "--fix", "--fix-follow-links", "repo")
    assert target.read_text(encoding="utf-8") == ASAP, walk.output
    assert "repo/asap.txt: symbolic link to a file outside" in walk.stderr
    # asked for: the target is rewritten, the link stays a link
    asked = invoke(*LINT, "--fix", "--fix-follow-links", "repo/asap.txt")
    assert asked.exit_code == 0, asked.output
    assert target.read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"
    assert os.readlink(leaky / "asap.txt") == "../outside/asap.txt"


def test_fix_does_not_write_through_a_link_inside_the_tree_either(leaky: Path) -> None:
    (leaky / "replies" / "asap.txt").write_text(ASAP, encoding="utf-8")
    (leaky / "asap-link.txt").symlink_to("replies/asap.txt")
    invoke(*LINT, "--fix", "repo/asap-link.txt")
    assert (leaky / "replies" / "asap.txt").read_text(encoding="utf-8") == ASAP
    invoke(*LINT, "--fix", "repo/replies/asap.txt")  # the file itself is fixed
    assert (leaky / "replies" / "asap.txt").read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"


# -- 9. files and folders that cannot be read -------------------------------------------------
def _drop_file_capabilities() -> None:  # pragma: no cover - runs in the child
    """In the child, before exec: drop CAP_DAC_OVERRIDE (1) and CAP_DAC_READ_SEARCH (2) from
    the bounding set, so that the program it becomes is bound by file permissions as root."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            os._exit(97)


def unprivileged(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(NONET), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.pop("CI", None)
    drop: Callable[[], None] | None = _drop_file_capabilities if os.geteuid() == 0 else None
    return subprocess.run([sys.executable, "-m", "mantracheck", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, preexec_fn=drop, check=False)


@pytest.fixture
def locked(tmp_path: Path) -> Iterator[Path]:
    """ok.txt (clean), flagged.txt (a finding), secret.txt and a folder no one may read."""
    tmp_path.chmod(0o755)
    (tmp_path / "ok.txt").write_text("Thanks for writing.\n", encoding="utf-8")
    (tmp_path / "flagged.txt").write_text(G, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(G, encoding="utf-8")
    (tmp_path / "secret.txt").chmod(0)
    (tmp_path / "closed").mkdir()
    (tmp_path / "closed" / "inside.txt").write_text(G, encoding="utf-8")
    (tmp_path / "closed").chmod(0)
    probe = subprocess.run([sys.executable, "-c", "open('secret.txt').read()"], cwd=tmp_path, capture_output=True, preexec_fn=_drop_file_capabilities if os.geteuid() == 0 else None, check=False)
    if probe.returncode == 0:
        pytest.skip("cannot start a process that file permissions bind")
    yield tmp_path
    (tmp_path / "closed").chmod(0o755)


def test_an_unreadable_file_named_on_the_command_line_is_reported_and_the_rest_linted(locked: Path) -> None:
    """As pre-commit passes them: one line naming it, every other file linted, exit 1."""
    proc = unprivileged(*LINT, "flagged.txt", "secret.txt", "ok.txt", cwd=locked)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.startswith("flagged.txt:1:1: error overpromise.guarantee"), proc.stdout
    assert proc.stderr.splitlines() == ["mantracheck: secret.txt: permission denied", "mantracheck: 1 file could not be checked (see above)."]
    alone = unprivileged(*LINT, "secret.txt", "ok.txt", cwd=locked)
    assert alone.returncode == 1 and "mantracheck: secret.txt: permission denied" in alone.stderr, alone.stderr


def test_a_file_under_a_folder_that_cannot_be_searched_is_reported_and_the_rest_linted(locked: Path) -> None:
    proc = unprivileged(*LINT, "closed/inside.txt", "ok.txt", cwd=locked)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == ["mantracheck: closed/inside.txt: permission denied", "mantracheck: 1 file could not be checked (see above)."]
    typo = unprivileged(*LINT, "no-such.txt", "ok.txt", cwd=locked)  # a name that is not there: usage
    assert typo.returncode == 2 and "no-such.txt: no such file or folder" in typo.stderr, typo.stderr


def test_a_folder_that_cannot_be_listed_fails_the_gate(locked: Path) -> None:
    (locked / "secret.txt").chmod(0o644)
    (locked / "secret.txt").write_text("Thanks.\n", encoding="utf-8")
    (locked / "flagged.txt").unlink()
    walked = unprivileged(*LINT, ".", cwd=locked)  # every file it can read is clean
    assert walked.returncode == 1, walked.stderr
    assert walked.stderr.splitlines() == ["mantracheck: ./closed: cannot list folder: permission denied", "mantracheck: 1 file could not be checked (see above)."]
    named = unprivileged(*LINT, "closed", "ok.txt", cwd=locked)
    assert named.returncode == 1 and "mantracheck: closed: cannot list folder: permission denied" in named.stderr, named.stderr
    as_json = unprivileged("lint", "--no-config", "--format", "json", ".", cwd=locked)
    report = json.loads(as_json.stdout)
    assert {"path": "./closed", "findings": [], "error": "cannot list folder: permission denied"} in report["files"]
    assert report["summary"]["unreadable_files"] == 1
    # told otherwise: a folder excluded by the configuration is not reported
    (locked / ".mantracheck.toml").write_text('exclude = ["closed"]\n', encoding="utf-8")
    excluded = unprivileged("lint", "--format", "concise", ".", cwd=locked)
    assert excluded.returncode == 0 and excluded.stderr == "", excluded.stderr


def test_a_socket_or_fifo_named_on_the_command_line_is_skipped_and_never_blocks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.txt").write_text("Thanks for writing.\n", encoding="utf-8")
    server = socket.socket(socket.AF_UNIX)
    server.bind("sock.txt")
    server.listen()
    os.mkfifo("fifo.txt")
    try:
        proc = unprivileged(*LINT, "sock.txt", "fifo.txt", "ok.txt", cwd=tmp_path, timeout=60)
    finally:
        server.close()
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines() == [
        "mantracheck: fifo.txt: not a regular file (a FIFO), skipped",
        "mantracheck: sock.txt: not a regular file (a socket), skipped",
        "mantracheck: 2 files skipped (see above).",
    ]


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


def test_a_fix_written_but_warned_about_is_reported_as_fixed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another program rewriting the file as it is renamed: the file is fixed (its fixes leave
    the report, 'fixed' counts them) and the warning is the file's one line."""
    from mantracheck import fix
    from mantracheck.api import start_lint

    reply = tmp_path / "reply.txt"
    reply.write_text("Hi Sam, we'll reply ASAP. Thanks, Ana\n", encoding="utf-8")

    def rewritten(*args: object) -> None:
        raise fix.FixedButWarned("fixed, but another program rewrote the file as it was being renamed; check it")

    monkeypatch.setattr(fix, "_carry_over_appends", rewritten)
    run = start_lint([str(reply)], fix="fix", jobs=1)
    (report,) = list(run.reports())
    assert report.fixed == 1 and report.error is not None and report.error.startswith("fixed, but")
    assert all(f.fix is None for f in report.findings)
    assert "as soon as" in reply.read_text(encoding="utf-8")


def test_lease_breaks_cannot_end_the_process() -> None:
    """The kernel signals a lease holder (SIGIO, which ends a process by default) when another
    program opens the file for writing: it is ignored before any lease is taken."""
    import signal

    from mantracheck import fix

    old = signal.signal(signal.SIGIO, signal.SIG_DFL)
    try:
        assert fix._lease_breaks_are_harmless()
        assert signal.getsignal(signal.SIGIO) == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGIO, old)
