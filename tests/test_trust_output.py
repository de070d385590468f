"""What mantracheck prints is safe to print (issue 18, items 5, 6 and part of 9).

A repository's file names and texts are untrusted: a newline in a name or in a team rule's
match must not start a line of its own (``::error::`` is a GitHub workflow command), an
escape sequence (``ESC ] 52;`` writes the clipboard) must not reach a terminal, and two names
that are not valid UTF-8 must stay distinct. The JSON report is written as it is made, byte
for byte what the collected formatter writes. A full disk on standard output is an I/O
error in one line, not a bug.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli
from mantracheck.formatters import indented
from tests.conftest import NONET

G = "We guarantee it ASAP.\n"
#: Every name is made with bytes (os.fsdecode gives the undecodable ones as surrogate escapes).
NAMES = {
    "newline": b"reply\n::error::x.txt",
    "osc52": b"osc\x1b]52;c;aGk=\x07.txt",
    "title": b"title\x1b]0;owned\x07\r::warning::y.txt",
    "ff": b"a\xff.txt",
    "fe": b"a\xfe.txt",
}
#: A team rule's match spans a newline and an escape sequence from the file's text.
INJECTING_TEXT = "We guarantee\n::error::injected now.\nWe guarantee \x1b]52;c;aGk=\x07 today.\n"

TEAM_RULES = {
    "promise": """\
        kind: existence
        severity: error
        message: "'{match}' is a promise."
        description: Promises need a basis.
        patterns:
          - regex: 'guarantee\\s+\\S+'
        suggestions: ["Say what you will do instead of '{match}'."]
        examples:
          good: ["We can do it."]
          bad: ["We guarantee it."]
    """,
    "asap": """\
        kind: substitution
        severity: warning
        message: "Write '{replacement}' instead of '{match}'."
        description: Say it plainly.
        swap:
          - {phrase: asap, replacement: as soon as we can}
        examples:
          good: ["We'll reply as soon as we can."]
          bad: ["We'll reply ASAP."]
    """,
}

#: What must never reach a human or line-based output: C0 but tab and newline, DEL, C1,
#: U+2028/9, and lone surrogates (a name's undecodable bytes, which printed as U+FFFD).
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffd]")


def invoke(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input)


def bpath(folder: Path, name: bytes) -> bytes:
    return os.path.join(os.fsencode(folder), name)


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``d/`` of files with hostile names (a guarantee and an ASAP in each), one of them also
    with the injecting text; a binary file with a hostile name (a notice on stderr); a team
    pack. The working folder is ``tmp_path``."""
    folder = tmp_path / "d"
    folder.mkdir()
    for key, name in NAMES.items():
        with open(bpath(folder, name), "wb") as handle:
            handle.write((G + (INJECTING_TEXT if key == "newline" else "")).encode())
    with open(bpath(folder, b"bin\n::warning::z\x1b]0;t\x07.txt"), "wb") as handle:
        handle.write(b"\x00binary")
    pack = tmp_path / "packs" / "team"
    pack.mkdir(parents=True)
    for rule, body in TEAM_RULES.items():
        (pack / f"{rule}.yaml").write_text(textwrap.dedent(body), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args: str) -> Any:
    return invoke("lint", "--no-config", "--rules", "packs", "--select", "team", *args, "d")


def assert_safe(output: str, *, workflow_commands: bool = False) -> None:
    assert not UNSAFE.search(output), [line for line in output.split("\n") if UNSAFE.search(line)]
    for line in output.split("\n"):
        if workflow_commands:  # only the annotations mantracheck writes, each whole
            assert not line or re.match(r"::(error|warning|notice) file=[^,\n]*,", line), line
        else:
            assert not line.lstrip().startswith("::"), line


# -- item 5: every human and line-based output ------------------------------------------------
@pytest.mark.parametrize("fmt", ["text", "concise"])
def test_text_and_concise_escape_names_and_matches(hostile: Path, fmt: str) -> None:
    result = lint("--format", fmt, "--no-color", "--scores")
    assert result.exit_code == 1, result.output
    assert_safe(result.stdout)
    assert_safe(result.stderr)
    out = result.stdout
    assert "d/reply\\n::error::x.txt:1:4: error team.promise 'guarantee it' is a promise." in out
    assert "d/reply\\n::error::x.txt:2:4: error team.promise 'guarantee\\n::error::injected' is a promise." in out
    assert "d/reply\\n::error::x.txt:4:4: error team.promise 'guarantee \\x1b]52;c;aGk=\\x07' is a promise." in out
    assert "d/osc\\x1b]52;c;aGk=\\x07.txt:1:4: error team.promise" in out
    assert "d/title\\x1b]0;owned\\x07\\r::warning::y.txt:1:4:" in out
    # The two names that are not UTF-8 stay apart (both printed as 'a\ufffd.txt' before).
    assert "d/a\\xff.txt:1:4:" in out and "d/a\\xfe.txt:1:4:" in out
    assert "d/a\\xff.txt: courtesy" in out
    if fmt == "text":
        assert "    suggestion: Say what you will do instead of 'guarantee\\n::error::injected'.\n" in out


def test_terminal_renderer_escapes_names_messages_and_suggestions(hostile: Path) -> None:
    result = lint("--format", "text", "--color", "--scores")
    assert result.exit_code == 1, result.output
    no_sgr = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # the renderer's own colours
    assert_safe(no_sgr)
    assert "d/reply\\n::error::x.txt" in no_sgr and "d/a\\xff.txt" in no_sgr and "d/a\\xfe.txt" in no_sgr
    assert "'guarantee\\n::error::injected' is a promise." in no_sgr


def test_statistics_and_diff_escape_names(hostile: Path) -> None:
    stats = lint("--statistics")
    assert_safe(stats.stdout)
    diff = lint("--diff")
    assert diff.exit_code == 1, diff.output
    headers = [line for line in diff.stdout.split("\n") if line.startswith(("--- ", "+++ "))]
    assert "--- a/d/reply\\n::error::x.txt" in headers and "+++ b/d/a\\xfe.txt" in headers
    assert len(headers) == 2 * len(NAMES)
    assert not any(line.startswith("::") for line in diff.stdout.split("\n"))
    assert_safe(diff.stderr)


def test_github_annotations_escape_data_properties_and_stderr(hostile: Path) -> None:
    result = lint("--format", "github")
    assert result.exit_code == 1, result.output
    assert_safe(result.stdout, workflow_commands=True)
    assert_safe(result.stderr)
    out = result.stdout
    # GitHub's own escapes where it decodes them (%, CR, LF; ':' and ',' in properties).
    assert "::error file=d/reply%0A%3A%3Aerror%3A%3Ax.txt,line=2,col=4," in out
    assert "title=team.promise::'guarantee%0A::error::injected' is a promise." in out
    # A control character GitHub does not decode is shown, not sent.
    assert "file=d/osc\\x1b]52;c;aGk=\\x07.txt," in out
    assert "file=d/a\\xff.txt," in out and "file=d/a\\xfe.txt," in out
    assert "::error::injected" not in out.replace("'guarantee%0A::error::injected'", "")


def test_stderr_notices_and_error_messages_are_escaped(hostile: Path) -> None:
    result = lint("--format", "concise", "--verbose", "--min-courtesy", "100")
    assert result.exit_code == 1
    assert_safe(result.stderr)
    err = result.stderr.split("\n")
    assert "mantracheck: d/bin\\n::warning::z\\x1b]0;t\\x07.txt: binary file (contains NUL bytes), skipped" in err
    assert "mantracheck: d/a\\xff.txt: read as utf-8" in err
    assert any(line.startswith("mantracheck: d/reply\\n::error::x.txt: courtesy ") for line in err)
    # A configuration error names its file: one line, escaped.
    with open(bpath(hostile, b"bad\n::error::cfg\x1b]52;c;aGk=\x07.toml"), "wb") as handle:
        handle.write(b"nope = [\n")
    config = os.fsdecode(b"bad\n::error::cfg\x1b]52;c;aGk=\x07.toml")
    broken = invoke("lint", "--config", config, "-", input="Hello.\n")
    assert broken.exit_code == 2, broken.output
    assert_safe(broken.stderr)
    assert broken.stderr.startswith("mantracheck: error: bad\\n::error::cfg\\x1b]52;c;aGk=\\x07.toml")
    assert broken.stderr.count("\n") == 1


def test_json_keeps_every_name_exact_and_distinct(hostile: Path) -> None:
    result = lint("--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert_safe(result.stderr)
    files = report["files"]

    def name_bytes(entry: dict[str, Any]) -> bytes:
        # path_bytes (hex) when the name is not valid UTF-8; otherwise the path itself.
        if "path_bytes" in entry:
            return bytes.fromhex(entry["path_bytes"])
        return entry["path"].encode("utf-8")

    got = sorted(name_bytes(f) for f in files)
    assert got == sorted([b"d/" + n for n in NAMES.values()] + [b"d/bin\n::warning::z\x1b]0;t\x07.txt"])
    by_name = {name_bytes(f): f for f in files}
    assert by_name[b"d/a\xff.txt"]["path"] == "d/a\ufffd.txt"  # valid Unicode for strict readers
    assert "path_bytes" not in by_name[b"d/reply\n::error::x.txt"]
    assert list(by_name[b"d/a\xfe.txt"])[:3] == ["path", "path_bytes", "findings"]
    matches = [f["match"] for f in by_name[b"d/reply\n::error::x.txt"]["findings"] if f["rule"] == "team.promise"]
    assert matches == ["guarantee it", "guarantee\n::error::injected", "guarantee \x1b]52;c;aGk=\x07"]
    # Read as bytes, the report is valid UTF-8 holding no raw control character.
    assert not re.search(rb"[\x00-\x09\x0b-\x1f]", result.stdout_bytes)
    result.stdout_bytes.decode("utf-8")


def test_sarif_uris_keep_every_name_exact_and_distinct(hostile: Path) -> None:
    result = lint("--format", "sarif")
    assert result.exit_code == 1, result.output
    assert_safe(result.stderr)
    sarif = json.loads(result.stdout)
    uris = {a["location"]["uri"] for a in sarif["runs"][0]["artifacts"]}
    assert {unquote_to_bytes(u) for u in uris} == {b"d/" + n for n in NAMES.values()}
    assert not re.search(rb"[\x00-\x09\x0b-\x1f]", result.stdout_bytes)
    notes = [n["message"]["text"] for n in sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]]
    assert "d/bin\n::warning::z\x1b]0;t\x07.txt: binary file (contains NUL bytes), skipped" in notes


@pytest.mark.parametrize("color", ["--no-color", "--color"])
def test_mantra_views_escape_the_candidates_from_a_file(tmp_path: Path, color: str) -> None:
    candidates = tmp_path / "mantras.txt"
    candidates.write_text("People serving \x1b]52;c;aGk=\x07people.\n[link=http://x]Click[/link] \x1b[2J here.\n", encoding="utf-8")
    result = invoke("mantra", color, "--file", str(candidates))
    assert result.exit_code == 0, result.output
    out = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)  # the table's own colours
    assert_safe(out)
    assert "\\x1b]52;c;aGk=\\x07people." in out and "[link=http://x]Click[/link] \\x1b[2J here." in out


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb\rc", "a\\nb\\rc"),
        ("\x1b]52;c;aGk=\x07", "\\x1b]52;c;aGk=\\x07"),
        ("del\x7f c1\x9b nel\x85", "del\\x7f c1\\x9b nel\\x85"),
        ("tab\tkept é ü 日本", "tab\tkept é ü 日本"),
        (os.fsdecode(b"a\xff\xfe"), "a\\xff\\xfe"),
        ("lone \ud800 sep\u2028", "lone \\ud800 sep\\u2028"),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    from mantracheck.formatters.escape import printable

    assert printable(raw) == shown


# -- item 6: the JSON report is streamed ------------------------------------------------------
TEXTS = [
    "Hi {{ first_name }},\n\nWe guarantee your refund will arrive within 24 hours. Send us the receipt ASAP.\n",
    "Thanks for writing. I'm sorry about the delay; could you please send the order number?\n\nKind regards,\nMarco\n",
    "Dear customer, your ticket is fixed 100%. It will never happen again!!!\n\nBest,\nDana\n",
]


def _corpus(root: Path, n: int) -> Path:
    for i in range(n):
        sub = root / f"d{i % 5}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"r{i:04}.{'md' if i % 4 == 0 else 'txt'}").write_text(f"Reply {i}. {TEXTS[i % len(TEXTS)]}", encoding="utf-8")
    (root / "d0" / "broken.yaml").write_text("body: [unclosed\n", encoding="utf-8")
    (root / "d1" / "binary.txt").write_bytes(b"\x00binary")
    (root / "d2" / "clean.txt").write_text("Thanks.\n", encoding="utf-8")
    return root


def _collected_json(result: Any) -> str:
    """The JSON formatter as it was before streaming: the whole payload, dumped at once."""
    payload = {
        "version": 1,
        "files": [r.to_dict() for r in result.files],
        "summary": result.summary(),
        "notices": [str(n) for n in result.notices],
    }
    return indented.dumps(payload) + "\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streamed_json_is_byte_for_byte_the_collected_report(tmp_path: Path, jobs: str) -> None:
    from mantracheck.api import lint_paths
    from mantracheck.formatters.json import format_json, format_json_compact

    root = _corpus(tmp_path / "t", 300)
    result = invoke("lint", "--no-config", "--format", "json", "--jobs", jobs, str(root))
    assert result.exit_code == 1, result.stderr
    collected = lint_paths([str(root)], jobs=1, scores=True)
    assert result.stdout == _collected_json(collected)
    assert format_json(collected) == _collected_json(collected)
    assert len(json.loads(result.stdout)["files"]) == 303
    # what `serve` answers: the same report without the layout
    compact = format_json_compact(collected)
    assert "\n" not in compact and json.loads(compact) == json.loads(result.stdout)
    # No file, and an empty run: the same too.
    empty = tmp_path / "empty"
    empty.mkdir()
    none = invoke("lint", "--no-config", "--format", "json", str(empty))
    assert none.stdout == _collected_json(lint_paths([str(empty)], jobs=1, scores=True))


def test_json_report_is_written_as_the_files_are_linted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI never holds the run whole: output is written while reports are still to come,
    and no LintResult (the list of every report) is built."""
    import mantracheck.cli.lint as cli_lint
    from mantracheck import api, models

    root = _corpus(tmp_path / "t", 200)
    made = [0]
    writes: list[int] = []
    start = api.start_lint

    def counting_start(*args: Any, **kwargs: Any) -> Any:
        run = start(*args, **kwargs)
        inner = run._reports

        def reports(render: Any) -> Iterator[Any]:
            for item in inner(render):
                made[0] += 1
                yield item

        return api.LintRun(notices=run.notices, rules=run.rules, count=run.count, _reports=reports)

    echo = cli_lint._echo

    def recording_echo(text: str, **kwargs: Any) -> None:
        if not kwargs.get("err"):
            writes.append(made[0])
        echo(text, **kwargs)

    class NoResult:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise AssertionError("the JSON output collected every report")

    monkeypatch.setattr(api, "start_lint", counting_start)
    monkeypatch.setattr(cli_lint, "_echo", recording_echo)
    monkeypatch.setattr(models, "LintResult", NoResult)
    result = invoke("lint", "--no-config", "--format", "json", "--jobs", "1", str(root))
    assert result.exit_code == 1, result.output
    assert made[0] == 203 and len(json.loads(result.stdout)["files"]) == 203
    assert writes and writes[0] < 203, writes  # the first files were written before the last was linted


def test_json_stream_consumes_reports_lazily() -> None:
    from mantracheck.formatters.json import iter_json

    pulled = [0]

    def chunks() -> Iterator[str]:
        for i in range(1000):
            pulled[0] += 1
            yield f'{{\n      "path": "f{i}"\n    }}'

    seen = []
    for piece in iter_json(chunks(), lambda: {"files": 1000}, ()):
        seen.append(pulled[0])
        if '"f5"' in piece:
            assert pulled[0] == 6
    assert seen[-1] == 1000


# -- item 9 (part): a full disk on standard output ----------------------------------------
@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize(
    "command",
    [
        ("lint", "--no-config", "--format", "concise", "-"),
        ("lint", "--no-config", "--format", "json", "-"),
        ("lint", "--no-config", "--format", "sarif", "-"),
        ("mantra", "People serving people."),
        ("rules",),
    ],
    ids=["concise", "json", "sarif", "mantra", "rules"],
)
def test_a_full_disk_on_stdout_is_an_io_error_in_one_line(command: tuple[str, ...]) -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(NONET), os.environ.get("PYTHONPATH", "")]))
    env.pop("CI", None)
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "mantracheck", *command],
            input="We guarantee it.\n",
            stdout=full,
            check=False,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=300,
        )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == "mantracheck: error: cannot write the output: no space left on device\n"


def test_a_mantra_below_the_bar_and_a_team_rule_print_escaped(tmp_path: Path) -> None:
    """The --min-score line names the candidate, and 'rules explain' a team pack's text: a
    control character in either is shown escaped, not sent to the terminal."""
    from click.testing import CliRunner

    from mantracheck.cli import cli

    mantra = tmp_path / "MANTRA"
    mantra.write_text("We \x1b]52;c;aGk=\x07 leverage synergies across verticals holistically.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["mantra", "--min-score", "99", "--files", str(mantra)])
    assert result.exit_code == 1 and "\x1b" not in result.output and "\\x1b]52;c;aGk=\\x07" in result.output, result.output
    pack = tmp_path / "team"
    pack.mkdir()
    (pack / "odd.yaml").write_text(
        'kind: existence\nseverity: error\nmessage: "x"\ndescription: "line\\n::error::injected \\e]0;t\\a"\npatterns: [synergy]\n'
        'examples:\n  good: ["hello"]\n  bad: ["synergy"]\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["rules", "--rules", str(pack), "explain", "team.odd"])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\n::error::" not in result.output and "line\\n::error::injected \\x1b]0;t\\x07" in result.output, result.output
