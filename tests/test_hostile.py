"""The hostile-inputs corpus (tests/hostile/CASES.yaml): every file gets a one-line answer,
the other files are still linted, nothing hangs, no traceback is ever shown."""

from __future__ import annotations

import base64
import errno
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from mantracheck.cli import cli
from tests.conftest import NONET

HOSTILE = Path(__file__).resolve().parent / "hostile"
MANIFEST = yaml.safe_load((HOSTILE / "CASES.yaml").read_text(encoding="utf-8"))
FILE_CASES: list[dict[str, Any]] = MANIFEST["files"]
PACK_CASES: list[dict[str, Any]] = MANIFEST["packs"]
LINT = ("lint", "--no-config", "--select", "overpromise.guarantee", "--format", "concise")
G = "We guarantee it."


def invoke(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input)


# -- cases made at test time -----------------------------------------------------------------
def make_long_line(folder: Path) -> None:
    (folder / "long-line.txt").write_text("word " * 200_000 + G, encoding="utf-8")


def make_punctuation_run(folder: Path) -> None:
    (folder / "punctuation-run.txt").write_text("=" * 100_000 + "\n" + G, encoding="utf-8")


def make_unclosed_placeholders(folder: Path) -> None:
    (folder / "unclosed-placeholders.txt").write_text("}} " + "{{ " * 20_000 + "{#" * 20_000 + "\n" + G, encoding="utf-8")


def make_whitespace_run(folder: Path) -> None:
    (folder / "whitespace-run.txt").write_text(" " * 200_000 + "\t" * 100_000 + G, encoding="utf-8")


def make_word_run(folder: Path) -> None:
    (folder / "word-run.txt").write_text("a:" * 100_000 + " " + G, encoding="utf-8")


def make_unclosed_tags(folder: Path) -> None:
    (folder / "unclosed-tags.html").write_text("<a " * 20_000 + "<!--" * 10_000 + "\n" + G, encoding="utf-8")


def make_huge(folder: Path) -> None:
    with open(folder / "huge.txt", "wb") as handle:
        handle.write((G + "\n").encode())
        handle.truncate(50 * 1024 * 1024)


def make_symlink_loop(folder: Path) -> None:
    if os.path.islink(folder / "symlink-loop.txt"):
        return  # made for the other end of the loop
    os.symlink("symlink-loop-2.txt", folder / "symlink-loop.txt")
    os.symlink("symlink-loop.txt", folder / "symlink-loop-2.txt")


def make_broken_link(folder: Path) -> None:
    os.symlink("no-such-target.txt", folder / "broken-link.txt")


def make_fifo(folder: Path) -> None:
    os.mkfifo(folder / "fifo.txt")


def make_unreadable(folder: Path) -> None:
    (folder / "unreadable.txt").write_text(G, encoding="utf-8")


def make_vanished(folder: Path) -> None:
    (folder / "vanished.txt").write_text(G, encoding="utf-8")


def make_link_out(folder: Path) -> None:
    (folder.parent / "outside-secret.txt").write_text(G, encoding="utf-8")
    (folder / "link-out").mkdir()
    os.symlink("../../outside-secret.txt", folder / "link-out" / "leak.txt")


def make_socket(folder: Path) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "socket.txt"))


def make_unlistable_folder(folder: Path) -> None:
    (folder / "unlistable-folder").mkdir()
    (folder / "unlistable-folder" / "reply.txt").write_text(G, encoding="utf-8")


def make_folder_link_loop(folder: Path) -> None:
    loop = folder / "link-loop-folder"
    loop.mkdir()
    (loop / "reply.txt").write_text(G, encoding="utf-8")
    os.symlink("..", loop / "up")


def make_guarantee_repeat(folder: Path) -> None:
    (folder / "guarantee-repeat.md").write_text("we guarantee " * 8_000 + "\n", encoding="utf-8")


def make_please_wait(folder: Path) -> None:
    (folder / "please-wait.txt").write_text("Please wait. Send it. " * 10_000 + G + "\n", encoding="utf-8")


def make_eml_base64(folder: Path) -> None:
    body = base64.b64encode(("We guarantee it. " * 15_000).encode()).decode()
    (folder / "eml-base64.eml").write_text(
        "From: a@example.com\nSubject: hi\nMIME-Version: 1.0\nContent-Type: text/html\nContent-Transfer-Encoding: base64\n\n" + body + "\n",
        encoding="utf-8",
    )


def make_html_p(folder: Path) -> None:
    (folder / "html-p.html").write_text("<p>" * 300_000 + G + "\n", encoding="utf-8")


def make_html_links(folder: Path) -> None:
    (folder / "html-links.html").write_text("<p>" + '<a href="#">Go</a> and ' * 80_000 + G + "</p>\n", encoding="utf-8")


def make_html_link_paragraphs(folder: Path) -> None:
    (folder / "html-link-paragraphs.html").write_text('<p><a href="#">Send us a photo</a></p>\n' * 30_000 + "<p>" + G + "</p>\n", encoding="utf-8")


def make_md_table(folder: Path) -> None:
    rows = ["| Plan | " + " | ".join(f"Note {i}" for i in range(20)) + " |", "|" + " --- |" * 21]
    rows += ["| Plan | " + " | ".join(f"We guarantee item {r} {i} ships today" for i in range(20)) + " |" for r in range(400)]
    (folder / "md-table.md").write_text("\n".join(rows) + "\n", encoding="utf-8")


def make_yaml_bodies(folder: Path) -> None:
    lines = ["replies:"] + [f"  - body: 'Hi, thanks for writing. Order {i} ships today.'" for i in range(20_000)] + [f"  - body: '{G}'"]
    (folder / "yaml-bodies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_alias_expansion(folder: Path) -> None:
    body = "We guarantee it. " * 6_000  # 102 KB, repeated by 200 aliases: 20 MB of text
    lines = [f"shared: &b '{body}'", "replies:"] + ["  - body: *b"] * 200
    (folder / "alias-expansion.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def make_deep_multipart(folder: Path) -> None:
    parts = ["From: a@example.com\nSubject: hi\nMIME-Version: 1.0\n"]
    parts += [f'Content-Type: multipart/mixed; boundary="b{n}"\n\n--b{n}\n' for n in range(3_000)]
    (folder / "deep-multipart.eml").write_text("".join(parts) + "Content-Type: text/plain\n\n" + G + "\n", encoding="utf-8")


def make_control_names(folder: Path) -> None:
    (folder / "name\n::error::x.txt").write_text(G, encoding="utf-8")
    (folder / "osc\x1b]52;c;aGk=\x07.txt").write_text(G, encoding="utf-8")
    (folder / "skip\n::warning::y\x1b]0;t\x07.txt").write_bytes(b"\x00" + G.encode())


MAKERS = {
    "control-names": make_control_names,
    "deep-multipart": make_deep_multipart,
    "alias-expansion": make_alias_expansion,
    "guarantee-repeat": make_guarantee_repeat,
    "please-wait": make_please_wait,
    "eml-base64": make_eml_base64,
    "html-p": make_html_p,
    "html-links": make_html_links,
    "html-link-paragraphs": make_html_link_paragraphs,
    "md-table": make_md_table,
    "yaml-bodies": make_yaml_bodies,
    "long-line": make_long_line,
    "punctuation-run": make_punctuation_run,
    "unclosed-placeholders": make_unclosed_placeholders,
    "whitespace-run": make_whitespace_run,
    "word-run": make_word_run,
    "unclosed-tags": make_unclosed_tags,
    "huge": make_huge,
    "symlink-loop": make_symlink_loop,
    "broken-link": make_broken_link,
    "fifo": make_fifo,
    "unreadable": make_unreadable,
    "vanished": make_vanished,
    "folder-link-loop": make_folder_link_loop,
    "link-out": make_link_out,
    "socket": make_socket,
    "unlistable-folder": make_unlistable_folder,
}
#: cases that need the test process to simulate them (monkeypatching), not the file system
IN_PROCESS_ONLY = {"unreadable", "vanished", "unlistable-folder"}


def simulate(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Unreadable: os.open refuses the file with EACCES (as root, chmod 000 does not stop a
    read). Vanished: the file is deleted after the folder was listed, just before the read."""
    import mantracheck.api
    from mantracheck.text import reader

    real_open, real_read = os.open, mantracheck.api.read_file

    def refusing_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if os.path.basename(os.fspath(path)) == "unreadable.txt":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_open(path, flags, *args, **kwargs)

    def deleting_read(path: str) -> Any:
        if os.path.basename(path) == "vanished.txt" and os.path.exists(path):
            os.unlink(path)
        return real_read(path)

    from mantracheck.text import walk

    real_scandir = os.scandir

    def refusing_scandir(path: Any) -> Any:
        if os.path.basename(os.fspath(path)) == "unlistable-folder":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", refusing_scandir)
    monkeypatch.setattr(reader.os, "open", refusing_open)
    monkeypatch.setattr(mantracheck.api, "read_file", deleting_read)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """The committed corpus plus every case made at test time, in one folder."""
    folder = tmp_path / "hostile"
    shutil.copytree(HOSTILE, folder, symlinks=True)
    for make in dict.fromkeys(c["make"] for c in FILE_CASES if "make" in c):
        MAKERS[make](folder)
    return folder


def test_every_case_tested_elsewhere_names_a_test_that_exists() -> None:
    for case in MANIFEST["elsewhere"]:
        path, name = case["test"].split("::")
        source = (HOSTILE.parent.parent / path).read_text(encoding="utf-8")
        assert f"\ndef {name}(" in source, case["test"]


def test_every_case_in_the_manifest_exists_or_is_made() -> None:
    listed = {c["file"] for c in FILE_CASES}
    committed = {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.rglob("*") if p.is_file() and p.suffix in (".txt", ".md", ".json", ".yaml", ".html", ".eml") and p.name != "CASES.yaml"}
    committed -= {p.relative_to(HOSTILE).as_posix() for p in HOSTILE.glob("packs/*/*/*.yaml") if "yaml-bomb" not in str(p)}
    assert committed <= listed, f"files without a case: {sorted(committed - listed)}"
    for case in FILE_CASES:
        assert ("make" in case) != os.path.lexists(HOSTILE / case["file"]), case["file"]
        assert case["exit"] in (0, 1, 2) and "expect" in case
    for case in PACK_CASES:
        assert (HOSTILE / case["rules"]).is_dir(), case["rules"]


@pytest.mark.parametrize("case", FILE_CASES, ids=[c["file"] for c in FILE_CASES])
def test_each_file_alone(case: dict[str, Any], corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus)
    simulate(monkeypatch, corpus)
    started = time.monotonic()
    lint = (*LINT[:2], "--select", case["select"], *LINT[4:]) if "select" in case else LINT
    result = invoke(*lint, "--verbose", case["file"])
    assert time.monotonic() - started < case.get("within", 60)
    out = result.output
    assert "Traceback" not in out and not isinstance(result.exception, Exception), out
    assert result.exit_code == case["exit"], out
    problem_lines = [line for line in out.splitlines() if line.startswith("mantracheck: ") and ": read as " not in line and "(see above)" not in line]
    if case["expect"] is None:
        assert problem_lines == [] and "error overpromise" not in out, out
    else:
        assert case["expect"] in out.splitlines() or any(line.startswith(case["expect"]) for line in out.splitlines()), out
        # a problem file gets exactly one line, naming it
        assert len(problem_lines) <= 1, out
    if "verbose" in case:
        assert case["verbose"] in out.splitlines(), out


def _problem_cases(skip: set[str] = set()) -> list[dict[str, Any]]:  # noqa: B006 - read only
    return [c for c in FILE_CASES if c.get("make") not in skip]


def _check_whole_run(out: str, exit_code: int, cases: list[dict[str, Any]], prefix: str) -> None:
    assert "Traceback" not in out, out
    assert exit_code == 1, out  # findings, and files that could not be checked
    lines = out.splitlines()
    for case in cases:
        if case["expect"] is None:
            continue
        expect = case["expect"].replace("mantracheck: ", f"mantracheck: {prefix}", 1) if case["expect"].startswith("mantracheck: ") else prefix + case["expect"]
        hits = [line for line in lines if line.startswith(expect)]
        assert len(hits) == case.get("count", 1), f"{case['file']}: expected {case.get('count', 1)} line(s) starting {expect!r}\n{out}"
    unreadable = sum(1 for c in cases if c["exit"] == 1 and (c["expect"] or "").startswith("mantracheck: "))
    skipped = sum(1 for c in cases if c["exit"] == 0 and (c["expect"] or "").startswith("mantracheck: "))
    files = lambda n: f"{n} file{'s' if n != 1 else ''}"
    assert f"mantracheck: {files(unreadable)} could not be checked; {files(skipped)} skipped (see above)." in lines, out


def test_the_whole_corpus_in_one_run(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(corpus.parent)
    simulate(monkeypatch, corpus)
    result = invoke(*LINT, "hostile/")
    _check_whole_run(result.output, result.exit_code, FILE_CASES, "hostile/")


@pytest.mark.slow
def test_the_whole_corpus_as_a_subprocess(corpus: Path) -> None:
    """A real process: the FIFO cannot block it, the folder link loop cannot make it walk
    forever, and stdout/stderr hold no traceback."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(NONET), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    env.pop("CI", None)
    for name in ("unreadable.txt", "vanished.txt"):
        (corpus / name).unlink()
    shutil.rmtree(corpus / "unlistable-folder")
    proc = subprocess.run([sys.executable, "-m", "mantracheck", *LINT, "hostile/"], cwd=corpus.parent, check=False, capture_output=True, text=True, timeout=300, env=env)
    _check_whole_run(proc.stdout + proc.stderr, proc.returncode, _problem_cases(IN_PROCESS_ONLY), "hostile/")
    assert all(line.startswith("hostile/") for line in proc.stdout.splitlines() if not line.startswith(("    suggestion:", "Found "))), proc.stdout


def test_the_committed_corpus_in_place() -> None:
    """What a new user runs: mantracheck lint tests/hostile/ (from the repository root)."""
    cwd = os.getcwd()
    os.chdir(HOSTILE.parent.parent)
    try:
        result = invoke(*LINT, "tests/hostile/")
    finally:
        os.chdir(cwd)
    committed = [c for c in FILE_CASES if "make" not in c]
    _check_whole_run(result.output, result.exit_code, committed, "tests/hostile/")


@pytest.mark.parametrize("case", PACK_CASES, ids=[c["rules"].split("/")[-1] for c in PACK_CASES])
def test_hostile_rule_packs_fail_fast_or_run_fast(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(HOSTILE)
    pwned = Path("/tmp/mantracheck-pwned")
    if pwned.exists():
        pwned.unlink()
    text = case["input"] * case.get("repeat_input", 1)
    started = time.monotonic()
    result = invoke("lint", "--no-config", "--rules", case["rules"], "--select", "hostile", "-", input=text)
    elapsed = time.monotonic() - started
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception), result.output
    assert result.exit_code == case["exit"], result.output
    assert elapsed < case["within"], f"took {elapsed:.1f} s"
    if case["expect"] is not None:
        assert result.output.splitlines() == [case["expect"]]
    assert not pwned.exists(), "a rule file ran code"


def test_catastrophic_regex_still_finds_its_matches() -> None:
    """RE2 is not a way of skipping the rule: it reports what the pattern matches."""
    result = invoke("lint", "--no-config", "--rules", str(HOSTILE / "packs" / "catastrophic-regex"), "--select", "hostile", "--format", "concise", "-", input="a" * 50_000 + "b")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("<stdin>:1:1: error hostile.nested-repeat 'aaaa")


def test_file_names_that_are_not_utf8_in_every_format(tmp_path: Path) -> None:
    os.mkdir(tmp_path / "d")
    with open(os.path.join(os.fsencode(tmp_path / "d"), b"\xff\xfe-name.txt"), "wb") as handle:
        handle.write(G.encode())
    for fmt in ("concise", "json", "sarif", "github"):
        result = invoke("lint", "--no-config", "--select", "overpromise.guarantee", "--format", fmt, str(tmp_path / "d"))
        assert result.exit_code == 1 and not isinstance(result.exception, Exception), (fmt, result.output)
    assert "%FF%FE-name.txt" in result.output or "%FF%FE-name.txt" in invoke("lint", "--no-config", "--format", "sarif", str(tmp_path / "d")).output


def test_a_bug_is_one_line_and_exit_code_3_never_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from mantracheck import formatters

    def broken(result: Any) -> str:
        raise ValueError("formatter bug\nwith two lines")

    monkeypatch.setitem(formatters.FORMATTERS, "sarif", broken)  # (json is streamed, not a FORMATTERS call)
    result = invoke("lint", "--no-config", "--format", "sarif", "-", input=G)
    assert result.exit_code == 3
    assert result.output.splitlines() == ["mantracheck: internal error: ValueError: formatter bug with two lines; please report it (MANTRACHECK_DEBUG=1 shows the traceback)"]


def test_config_placeholders_that_backtrack_on_python_re_do_not_hang_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repository's config placeholders run on RE2: a cubic one ('\\w+\\s*\\w+\\s*\\w+\\s*:')
    and an exponential one ('(\\w+\\s*)+\\$') on a 20,000-letter word finish at once (Python's
    re did not finish in minutes)."""
    (tmp_path / ".mantracheck.toml").write_text('placeholders = ["\\\\w+\\\\s*\\\\w+\\\\s*\\\\w+\\\\s*:", "(\\\\w+\\\\s*)+\\\\$"]\n', encoding="utf-8")
    (tmp_path / "reply.txt").write_text("a" * 20_000 + " word" * 2_000 + "\n" + G + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    started = time.monotonic()
    result = invoke("lint", "--select", "overpromise.guarantee", "--format", "concise", "reply.txt")
    assert time.monotonic() - started < 20
    assert result.exit_code == 1 and result.output.splitlines()[0].startswith("reply.txt:2:1: error overpromise.guarantee"), result.output


def test_config_placeholders_that_match_nothing_too_do_not_hang_a_run(tmp_path: Path) -> None:
    """'x*' or '(%%[a-z]+%%)?' also match the empty string: the search gave that empty match at
    the end of the text again and again, and the run never ended (run in a process with a
    time limit, so that a hang fails the test rather than the suite)."""
    (tmp_path / ".mantracheck.toml").write_text('placeholders = ["x*", "(%%[a-z]+%%)?"]\n', encoding="utf-8")
    (tmp_path / "reply.txt").write_text("Hi %%name%%, xx " + G + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mantracheck", "lint", "--select", "overpromise.guarantee", "--format", "concise", "reply.txt"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1 and "overpromise.guarantee" in done.stdout, done.stdout + done.stderr
