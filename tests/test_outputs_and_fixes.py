"""Output formats (SARIF against its official schema, GitHub annotations), fixes, --jobs,
per-folder configuration, and the promise that nothing is written without --fix."""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from mantracheck.api import lint_paths
from mantracheck.cli import cli
from mantracheck.formatters import indented
from mantracheck.models import Severity

DATA = Path(__file__).resolve().parent / "data"

SWAP_RULE = """\
    kind: substitution
    severity: warning
    message: "Write '{replacement}' instead of '{match}'."
    description: Say it plainly.
    swap:
      - {phrase: asap, replacement: as soon as we can}
      - {phrase: per my last email, replacement: as I mentioned}
    suggestions: ["Use '{replacement}'."]
    examples:
      good: ["We'll reply as soon as we can."]
      bad: ["We'll reply ASAP."]
"""
PROMISE_RULE = """\
    kind: existence
    severity: error
    message: "'{match}' is a promise."
    description: Promises need a basis.
    patterns: [{lemma: guarantee}]
    skip_when: [negated]
    suggestions: ["Say what you will do."]
    examples:
      good: ["We can't guarantee it."]
      bad: ["We guarantee it."]
"""


def make_pack(root: Path, rules: dict[str, str]) -> str:
    pack = root / "team"
    pack.mkdir(parents=True, exist_ok=True)
    for name, body in rules.items():
        (pack / f"{name}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    return str(root)


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def rules_dir(tmp_path: Path) -> str:
    return make_pack(tmp_path / "packs", {"asap": SWAP_RULE, "promise": PROMISE_RULE})


def test_sarif_validates_against_the_official_schema(tmp_path: Path, rules_dir: str) -> None:
    schema = json.loads((DATA / "sarif-2.1.0-rtm.5.json").read_text(encoding="utf-8"))
    (tmp_path / "a.txt").write_text("We guarantee a reply ASAP.\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("Thanks!\n", encoding="utf-8")
    result = invoke("lint", "--no-config", "--format", "sarif", "--rules", rules_dir, str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert result.exit_code == 1, result.output
    sarif = json.loads(result.output)
    jsonschema.validate(sarif, schema)
    run = sarif["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == sorted(ids) and "team.promise" in ids
    results = {r["ruleId"]: r for r in run["results"]}
    promise = results["team.promise"]
    assert promise["level"] == "error"
    region = promise["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"], region["endColumn"], region["snippet"]["text"]) == (1, 4, 13, "guarantee")
    fix = results["team.asap"]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert fix["insertedContent"]["text"] == "as soon as we can"
    # Deterministic: a second run prints the same bytes.
    again = invoke("lint", "--no-config", "--format", "sarif", "--rules", rules_dir, str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert again.output == result.output


def test_github_annotations(rules_dir: str) -> None:
    result = invoke("lint", "--no-config", "--format", "github", "--rules", rules_dir, "--select", "team", "-", input="Hi, we guarantee it, 100%, ok\n")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "::error file=<stdin>,line=1,col=8,endLine=1,endColumn=17,title=team.promise::'guarantee' is a promise. Suggestion: Say what you will do."
    ]


def test_fix_changes_only_fixable_spans_and_is_idempotent(tmp_path: Path, rules_dir: str) -> None:
    target = tmp_path / "reply.txt"
    original = "Hi {{ name }},\r\nWe'll reply ASAP, per my last email.\r\nWe guarantee it.\r\n"
    target.write_bytes(b"\xef\xbb\xbf" + original.encode("utf-8"))  # BOM + CRLF
    os.chmod(target, 0o640)
    untouched = tmp_path / "clean.txt"
    untouched.write_bytes(b"Thanks for writing in.\n")
    before_clean = untouched.read_bytes()

    first = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(target), str(untouched))
    assert first.exit_code == 1  # the guarantee is not fixable and remains
    assert "team.promise" in first.output and "team.asap" not in first.output
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data[3:].decode("utf-8") == "Hi {{ name }},\r\nWe'll reply as soon as we can, as I mentioned.\r\nWe guarantee it.\r\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640
    assert untouched.read_bytes() == before_clean

    second = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(target))
    assert target.read_bytes() == data
    assert "Fixed" not in second.output


def test_diff_shows_changes_and_writes_nothing(tmp_path: Path, rules_dir: str) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    before = target.read_bytes()
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--diff", str(target))
    assert "-We'll reply ASAP." in result.output and "+We'll reply as soon as we can." in result.output
    assert target.read_bytes() == before


OVERLAP_RULES = {
    "contraction": """\
        kind: substitution
        severity: info
        message: "'{match}' -> '{replacement}'"
        description: Contract it.
        swap:
          - regex: '(?i)\\b(?P<m>we are sorry)\\b'
            replacement: we're sorry
        examples:
          good: ["We're sorry."]
          bad: ["We are sorry."]
    """,
    "inconvenience": """\
        kind: substitution
        severity: error
        message: "'{match}' -> '{replacement}'"
        description: Say what went wrong.
        swap:
          - regex: '(?i)\\b(?P<m>sorry for the inconvenience)\\b'
            replacement: sorry about the trouble
        examples:
          good: ["We're sorry about the trouble."]
          bad: ["Sorry for the inconvenience."]
    """,
}


def test_fixes_that_overlap_are_applied_in_rounds_and_what_is_left_is_where_it_now_is(tmp_path: Path, rules_dir: str) -> None:
    """An overlapping fix used to be skipped and its finding dropped (exit 0, and a second
    --fix changed the file again); the findings after --fix were at their old columns."""
    packs = make_pack(tmp_path / "overlap", OVERLAP_RULES)
    target = tmp_path / "reply.txt"
    target.write_text("Hi Sam, we are sorry for the inconvenience.\n", encoding="utf-8")
    first = invoke("lint", "--no-config", "--rules", packs, "--select", "team", "--fix", str(target))
    assert first.exit_code == 0, first.output
    assert target.read_text(encoding="utf-8") == "Hi Sam, we're sorry about the trouble.\n"
    again = invoke("lint", "--no-config", "--rules", packs, "--select", "team", "--fix", str(target))
    assert again.exit_code == 0 and target.read_text(encoding="utf-8") == "Hi Sam, we're sorry about the trouble.\n"

    moved = tmp_path / "moved.txt"
    moved.write_text("We'll reply ASAP. We guarantee it.\n", encoding="utf-8")
    fixed = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", "--format", "json", str(moved))
    relinted = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--format", "json", str(moved))
    where = [[(f["line"], f["column"], f["rule"]) for f in json.loads(r.stdout)["files"][0]["findings"]] for r in (fixed, relinted)]
    assert where[0] == where[1] == [(1, 35, "team.promise")]


def test_a_fix_that_writes_its_own_match_again_leaves_the_file_alone(tmp_path: Path) -> None:
    packs = make_pack(tmp_path / "grow", {"grow": """\
        kind: substitution
        severity: info
        message: "'{match}' -> '{replacement}'"
        description: A rule whose fix writes its own match.
        swap:
          - regex: '\\b(?P<m>team)\\b'
            replacement: support team
        examples:
          good: ["Our crew."]
          bad: ["Our team."]
    """})
    target = tmp_path / "reply.txt"
    target.write_text("Our team will reply.\n", encoding="utf-8")
    result = invoke("lint", "--no-config", "--rules", packs, "--select", "team", "--fix", str(target))
    assert result.exit_code == 1 and "the fixes do not settle (team.grow" in result.stderr
    assert target.read_text(encoding="utf-8") == "Our team will reply.\n"


def test_fix_through_a_link_and_its_target_named_together_fixes_the_target(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "z.txt").write_text("We'll reply ASAP.\n", encoding="utf-8")
    (tmp_path / "a.txt").symlink_to("z.txt")
    monkeypatch.chdir(tmp_path)
    for order in (["a.txt", "z.txt"], ["."]):
        (tmp_path / "z.txt").write_text("We'll reply ASAP.\n", encoding="utf-8")
        result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", *order)
        assert result.exit_code == 0, (order, result.output)
        assert (tmp_path / "z.txt").read_text(encoding="utf-8") == "We'll reply as soon as we can.\n", order
        assert (tmp_path / "a.txt").is_symlink()


def test_diff_applies_with_git_and_reads_standard_input(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines are LF-ended as patch counts them (a form feed, U+2028 or a lone CR is text), a
    last line without LF gets git's marker, and `--diff -` shows the fixes of standard input."""
    import subprocess

    texts = {"n.txt": b"Hello.\nWe'll reply ASAP.", "ff.txt": b"Page1\x0cPage2.\nWe'll reply ASAP.\n", "ls.txt": "Hi\u2028there.\nWe'll reply ASAP.\n".encode(), "cr.txt": b"Hi\rWe'll reply ASAP.\rBye\r"}
    for name, data in texts.items():
        (tmp_path / name).write_bytes(data)
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    monkeypatch.chdir(tmp_path)
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--diff", *texts)
    patch = tmp_path / "fixes.diff"
    patch.write_bytes(result.stdout_bytes)
    applied = subprocess.run(["git", "apply", str(patch)], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert applied.returncode == 0, applied.stderr + result.stdout
    for name, data in texts.items():
        assert (tmp_path / name).read_bytes() == data.replace(b"ASAP", b"as soon as we can"), name
    for name, data in texts.items():
        (tmp_path / name).write_bytes(data)
    dotted = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--diff", "./n.txt", str(tmp_path / "ff.txt"))
    assert "--- a/n.txt\n" in dotted.stdout and "--- a/ff.txt\n" in dotted.stdout  # (git apply takes no a/./n.txt or a//tmp/...)
    piped = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--diff", "-", input="We'll reply ASAP.\n")
    assert "-We'll reply ASAP.\n+We'll reply as soon as we can.\n" in piped.stdout


def test_fix_on_read_only_file_reports_and_leaves_it(tmp_path: Path, rules_dir: str) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    os.chmod(target, 0o444)
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(target))
    assert "reply.txt: cannot fix: file is read-only; left unchanged" in result.output
    assert "mantracheck: 1 file could not be checked or fixed (see above)." in result.stderr
    assert target.read_text(encoding="utf-8") == "We'll reply ASAP.\n"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o444


def test_fix_refuses_when_access_says_no(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    monkeypatch.setattr(os, "access", lambda path, mode: not (mode == os.W_OK and str(path) == str(target)))
    result = lint_paths([str(target)], rule_paths=(rules_dir,), select=("team",), fix="fix")
    (report,) = result.files
    assert report.error is not None and "read-only" in report.error
    assert target.read_text(encoding="utf-8") == "We'll reply ASAP.\n"


def test_failure_halfway_leaves_the_original(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")

    def boom(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    result = lint_paths([str(target)], rule_paths=(rules_dir,), select=("team",), fix="fix")
    assert "No space left on device" in (result.files[0].error or "")
    assert target.read_text(encoding="utf-8") == "We'll reply ASAP.\n"
    assert [p.name for p in tmp_path.iterdir() if ".mantracheck-" in p.name] == []  # (.NAME.mantracheck-XXXXXXXX.tmp)


def test_no_file_is_written_without_fix(tmp_path: Path, rules_dir: str) -> None:
    tree = tmp_path / "tree"
    for i in range(30):
        sub = tree / f"d{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"r{i}.txt").write_text(f"Reply {i}: we guarantee it ASAP.\n", encoding="utf-8")
    (tree / "bin.txt").write_bytes(b"\x00\x01binary")
    before = tree_digest(tree)
    mtimes = {p: p.stat().st_mtime_ns for p in tree.rglob("*")}
    for fmt in ("text", "json", "sarif", "github"):
        invoke("lint", "--no-config", "--rules", rules_dir, "--format", fmt, str(tree))
    invoke("lint", "--no-config", "--rules", rules_dir, "--diff", str(tree))
    assert tree_digest(tree) == before
    assert {p: p.stat().st_mtime_ns for p in tree.rglob("*")} == mtimes


def test_jobs_do_not_change_findings(tmp_path: Path, rules_dir: str) -> None:
    for i in range(150):
        (tmp_path / f"r{i:03}.txt").write_text(f"Reply {i}. We guarantee it ASAP." + (" Thanks!" if i % 2 else ""), encoding="utf-8")
    one = invoke("lint", "--no-config", "--rules", rules_dir, "--format", "json", "--jobs", "1", str(tmp_path))
    two = invoke("lint", "--no-config", "--rules", rules_dir, "--format", "json", "--jobs", "2", str(tmp_path))
    assert json.loads(one.stdout)["summary"]["findings"] >= 300  # (stderr: the pack's files, not linted)
    assert one.output == two.output


def test_per_folder_profiles_and_team_pack_from_pyproject(tmp_path: Path) -> None:
    make_pack(tmp_path / "team-rules", {"promise": PROMISE_RULE})
    (tmp_path / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [tool.mantracheck]
            rule_paths = ["team-rules"]
            exclude = ["drafts/**"]

            [tool.mantracheck.overrides]
            "templates/support/**" = {profile = "support"}
            "emails/**" = {profile = "marketing"}
            """
        ),
        encoding="utf-8",
    )
    text = "Your parcel is on its way and should arrive on Tuesday, so keep an eye out for it. We guarantee it.\n"
    for folder in ("templates/support", "emails", "drafts"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "note.txt").write_text(text, encoding="utf-8")
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = invoke("lint", "--format", "json", ".")  # (stderr: team-rules/team not linted)
        effective = json.loads(invoke("config", "emails/note.txt").output)
    finally:
        os.chdir(old)
    assert result.exit_code == 1, result.output
    files = {f["path"].replace(os.sep, "/").lstrip("./"): {x["rule"] for x in f["findings"]} for f in json.loads(result.stdout)["files"]}
    assert set(files) == {"templates/support/note.txt", "emails/note.txt"}  # drafts excluded
    assert "team.promise" in files["emails/note.txt"] and "team.promise" in files["templates/support/note.txt"]
    assert "courtesy.greeting" in files["templates/support/note.txt"]  # support asks for a greeting
    assert "courtesy.greeting" not in files["emails/note.txt"]  # marketing does not
    assert effective["profile"] == "marketing" and effective["config_file"].endswith("pyproject.toml")


def test_config_with_unknown_key_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    cfg = tmp_path / ".mantracheck.toml"
    cfg.write_text("profle = 'support'\n", encoding="utf-8")
    result = invoke("lint", "--config", str(cfg), "-", input="Hello")
    assert result.exit_code == 2
    assert result.output.strip().startswith(f"mantracheck: error: {cfg}: profle: unknown key; expected one of profile, select, ignore, ")
    assert len(result.output.strip().splitlines()) == 1


def test_terminal_view_statistics_and_quiet(rules_dir: str) -> None:
    text = "We guarantee it ASAP.\n"
    colored = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--color", "-", input=text)
    assert "\x1b[" in colored.output and "│ We guarantee it ASAP." in colored.output and "^^^^^^^^^" in colored.output
    plain = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "-", input=text)
    assert "\x1b[" not in plain.output
    stats = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--statistics", "-", input=text)
    assert [line.split() for line in stats.output.splitlines()] == [["1", "team.asap", "warning"], ["1", "team.promise", "error"]]
    quiet = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "-q", "-", input=text)
    assert "Found" not in quiet.output and quiet.output.count("<stdin>:1:") == 2


def test_terminal_view_never_replays_control_characters_from_the_file(rules_dir: str) -> None:
    """An ESC sequence in a template must not reach the terminal (it could rewrite the screen)."""
    text = "\x1b[2JWe guarantee \x1b]0;owned\x07 it.\n"
    colored = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--color", "-", input=text)
    assert colored.exit_code == 1, colored.output
    assert "\x1b[2J" not in colored.output and "\x1b]0;" not in colored.output and "\x07" not in colored.output
    assert "│ \u241b[2JWe guarantee \u241b]0;owned\u2407 it." in colored.output
    plain = [re.sub(r"\x1b\[[0-9;]*m", "", line) for line in colored.output.splitlines()]
    source_line, carets = next((a, b) for a, b in zip(plain, plain[1:]) if "│ " in a and "guarantee" in a and "^" in b)
    start = carets.index("^")
    assert source_line[start : start + len(carets.strip(" │"))] == "guarantee", (source_line, carets)


def test_no_file_is_opened_for_writing_without_fix(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over a tree of every hostile input (encodings, binary, broken YAML...) and fixable
    files: every output format, --diff, --statistics, --scores and --verbose open nothing for
    writing, and every byte and mtime stays as it was."""
    import builtins
    import shutil
    import tempfile

    tree = tmp_path / "tree"
    shutil.copytree(DATA.parent / "hostile", tree / "hostile")
    (tree / "fixable.txt").write_text("We'll reply ASAP, per my last email.\r\n", encoding="utf-16")
    (tree / "fixable.md").write_bytes(b"\xef\xbb\xbfWe'll reply ASAP.\n")
    before = tree_digest(tree)
    mtimes = {p: p.stat().st_mtime_ns for p in tree.rglob("*")}
    writes: list[str] = []
    real_open, real_os_open, real_mkstemp = builtins.open, os.open, tempfile.mkstemp

    def watch_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+"):
            writes.append(f"open({file!r}, {mode!r})")
        return real_open(file, mode, *args, **kwargs)

    def watch_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND):
            writes.append(f"os.open({path!r})")
        return real_os_open(path, flags, *args, **kwargs)

    def watch_mkstemp(*args: Any, **kwargs: Any) -> Any:
        writes.append(f"mkstemp{args}{kwargs}")
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(builtins, "open", watch_open)
    monkeypatch.setattr(os, "open", watch_os_open)
    monkeypatch.setattr(tempfile, "mkstemp", watch_mkstemp)
    runs = [["--format", fmt] for fmt in ("text", "concise", "json", "sarif", "github")]
    runs += [["--diff"], ["--statistics"], ["--scores", "--verbose"]]
    outputs = [invoke("lint", "--no-config", "--rules", rules_dir, *args, str(tree)) for args in runs]
    monkeypatch.undo()
    assert writes == []
    for result in outputs:
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    assert "+We'll reply as soon as we can, as I mentioned." in outputs[5].output  # --diff did show the fix
    assert tree_digest(tree) == before
    assert {p: p.stat().st_mtime_ns for p in tree.rglob("*")} == mtimes


def test_fix_keeps_utf16_bom_crlf_and_windows_1252_bytes(tmp_path: Path, rules_dir: str) -> None:
    utf16 = tmp_path / "utf16.txt"
    utf16.write_bytes("We'll reply ASAP.\r\nThanks.\r\n".encode("utf-16-be").join([b"\xfe\xff", b""]))
    cp1252 = tmp_path / "cp1252.txt"
    cp1252.write_bytes(b"Caf\xe9 \x81\x9d: we'll reply ASAP.\r")  # 0x81 and 0x9D are undefined in Windows-1252
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(utf16), str(cp1252))
    assert result.exit_code == 0, result.output
    assert utf16.read_bytes() == b"\xfe\xff" + "We'll reply as soon as we can.\r\nThanks.\r\n".encode("utf-16-be")
    assert cp1252.read_bytes() == b"Caf\xe9 \x81\x9d: we'll reply as soon as we can.\r"


def test_fix_through_a_symlink_rewrites_the_target_and_keeps_the_link(tmp_path: Path, rules_dir: str) -> None:
    """Only when asked (--fix-follow-links): tests/test_trust_files.py checks the refusal."""
    target = tmp_path / "real.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to("real.txt")
    invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", "--fix-follow-links", str(link))
    assert link.is_symlink() and os.readlink(link) == "real.txt"
    assert target.read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"


@pytest.mark.parametrize("fail_at", ["write", "fsync", "chmod"])
def test_a_failed_write_leaves_the_original_and_no_temporary_file(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch, fail_at: str) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    other = tmp_path / "other.txt"
    other.write_text("We'll reply ASAP too.\n", encoding="utf-8")
    from mantracheck import fix

    def boom(*args: Any, **kwargs: Any) -> None:
        raise OSError(5, "Input/output error")

    if fail_at == "write":
        real_fdopen = os.fdopen

        class Failing:
            def __init__(self, handle: Any) -> None:
                self.handle = handle

            def __enter__(self) -> Any:
                self.handle.__enter__()
                self.handle.write(b"We'll")  # half of it, then the disk fails
                self.write = boom
                return self

            def __exit__(self, *exc: object) -> Any:
                return self.handle.__exit__(*exc)

            def __getattr__(self, name: str) -> Any:
                return getattr(self.handle, name)

        monkeypatch.setattr(fix.os, "fdopen", lambda fd, mode: Failing(real_fdopen(fd, mode)))
    else:
        monkeypatch.setattr(fix.os, fail_at, boom)
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(target))
    monkeypatch.undo()
    assert "reply.txt: cannot fix: Input/output error; left unchanged" in result.output
    assert result.exit_code == 1  # the fix was asked for and could not be made
    assert target.read_text(encoding="utf-8") == "We'll reply ASAP.\n"
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["other.txt", "reply.txt"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing a file's owner needs root")
def test_fix_keeps_the_files_owner_and_group(tmp_path: Path, rules_dir: str) -> None:
    target = tmp_path / "reply.txt"
    target.write_text("We'll reply ASAP.\n", encoding="utf-8")
    os.chown(target, 4321, 4322)
    invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(target))
    assert target.read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"
    assert (target.stat().st_uid, target.stat().st_gid) == (4321, 4322)


def test_fix_refuses_what_a_rewrite_would_not_keep(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rename cannot keep a hard link (the other name would keep the old text) nor, when
    chown is refused, the owner: one line, exit 1, nothing changed. Extended attributes and
    ACLs are carried over."""
    text = "We'll reply ASAP.\n"
    linked = tmp_path / "reply.txt"
    linked.write_text(text, encoding="utf-8")
    os.link(linked, tmp_path / "other-name.txt")
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(linked))
    assert result.exit_code == 1 and "cannot fix: it has 2 hard links" in result.stderr
    assert linked.read_text(encoding="utf-8") == (tmp_path / "other-name.txt").read_text(encoding="utf-8") == text

    owned = tmp_path / "owned.txt"
    owned.write_text(text, encoding="utf-8")
    os.chown(owned, 4321, 4322)

    def refused(*args: object) -> None:
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "chown", refused)
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(owned))
    assert result.exit_code == 1 and "could not be given the old one's owner and group" in result.stderr
    assert owned.read_text(encoding="utf-8") == text and owned.stat().st_uid == 4321
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # (no temporary file left)
    monkeypatch.undo()

    tagged = tmp_path / "tagged.txt"
    tagged.write_text(text, encoding="utf-8")
    try:
        os.setxattr(tagged, "user.reviewed-by", b"ana")
    except OSError:
        pytest.skip("this file system keeps no user extended attributes")
    invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", str(tagged))
    assert tagged.read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"
    assert os.getxattr(tagged, "user.reviewed-by") == b"ana"


def test_a_file_named_twice_is_fixed_once(tmp_path: Path, rules_dir: str, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reply.txt").write_text("We'll reply ASAP.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = invoke("lint", "--no-config", "--rules", rules_dir, "--select", "team", "--fix", "reply.txt", "./reply.txt")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "reply.txt").read_text(encoding="utf-8") == "We'll reply as soon as we can.\n"
    assert "changed since it was read" not in result.output


# -- the indented JSON writer is json.dumps(indent=2, ensure_ascii=False), faster ----------


_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=12)
    | st.sampled_from(list(Severity))
)
_keys = st.text(max_size=6) | st.integers(-3, 3) | st.booleans() | st.none() | st.floats(-2, 2)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.lists(inner, max_size=3).map(tuple) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=500, deadline=None)
@given(_values)
def test_indented_json_is_json_dumps_text(value: Any) -> None:
    assert indented.dumps(value) == json.dumps(value, indent=2, ensure_ascii=False)


def test_indented_json_hands_what_it_does_not_know_to_json() -> None:
    class Weird:
        pass

    with pytest.raises(TypeError, match="not JSON serializable"):
        indented.dumps({"a": [Weird()]})
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        indented.dumps({"a": loop})
    assert indented.dumps({1: "x", "y": {None: 2}}) == json.dumps({1: "x", "y": {None: 2}}, indent=2, ensure_ascii=False)
