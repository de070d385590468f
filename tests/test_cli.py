"""The command line, through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from mantracheck.cli import cli
from tests.conftest import run_cli, shared

OVERPROMISE = "We guarantee your refund will arrive within 24 hours.\n"
COURTEOUS = "Hi Sam, we can't promise a date yet, but we'll update you as soon as we hear back. Thanks for your patience! Best, Ana\n"
LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning|info) (?P<rule>[a-z0-9.-]+) (?P<msg>.+)$")


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


def test_overpromise_from_stdin_exits_1_with_positions() -> None:
    result = invoke("lint", "-", input=OVERPROMISE)
    assert result.exit_code == 1, result.output
    found = {m["rule"]: (int(m["line"]), int(m["col"])) for m in map(LINE.match, result.output.splitlines()) if m}
    assert found["overpromise.guarantee"] == (1, 1)
    time_rules = [r for r in found if r.startswith("overpromise.") and r != "overpromise.guarantee"]
    assert time_rules, result.output
    assert (1, 38) in {found[r] for r in time_rules}  # "within 24 hours" starts at column 38
    assert "suggestion:" in result.output


def test_courteous_hedged_reply_exits_0_without_overpromise() -> None:
    result = invoke("lint", "-", input=COURTEOUS)
    assert result.exit_code == 0, result.output
    assert "overpromise." not in result.output


def test_json_output_follows_the_documented_schema() -> None:
    result = invoke("lint", "--format", "json", "-", input=OVERPROMISE)
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["version"] == 1
    assert set(payload) == {"version", "files", "summary", "notices"}
    (file,) = payload["files"]
    assert file["path"] == "<stdin>"
    for finding in file["findings"]:
        assert set(finding) == {"rule", "severity", "line", "column", "end_line", "end_column", "message", "match", "suggestions", "fix"}
        assert finding["severity"] in ("error", "warning", "info")
        assert OVERPROMISE.splitlines()[finding["line"] - 1][finding["column"] - 1 : finding["end_column"] - 1] == finding["match"]
    assert payload["summary"]["findings"] == len(file["findings"])
    assert payload["summary"]["error"] >= 1


def test_json_over_postmark_templates_parses_and_points_at_matches() -> None:
    folder = shared("support-templates", "postmark")
    result = invoke("lint", "--format", "json", str(folder))
    assert result.exit_code in (0, 1), result.output
    payload = json.loads(result.output)
    assert len(payload["files"]) >= 10
    for file in payload["files"]:
        lines = Path(file["path"]).read_text(encoding="utf-8").splitlines()
        for f in file["findings"]:
            if f["line"] == f["end_line"]:
                assert lines[f["line"] - 1][f["column"] - 1 : f["end_column"] - 1] == f["match"]


def test_fail_on_controls_exit_code(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "soon.yaml").write_text(
        "kind: existence\nseverity: warning\nmessage: m\ndescription: d\npatterns: [soon]\n"
        "suggestions: [s]\nexamples: {good: [later], bad: [soon]}\n",
        encoding="utf-8",
    )
    args = ["lint", "--no-config", "--rules", str(tmp_path), "--select", "team"]
    assert invoke(*args, "-", input="See you soon.").exit_code == 0  # a warning only
    assert invoke(*args, "--fail-on", "warning", "-", input="See you soon.").exit_code == 1
    assert invoke(*args, "--fail-on", "warning", "-", input="See you later.").exit_code == 0


def test_usage_errors_exit_2_with_one_line() -> None:
    for args in (["lint"], ["lint", "--select", "nonsense", "-"], ["lint", "--profile", "sales", "-"], ["lint", "no/such/file.txt"]):
        result = invoke(*args, input="")
        assert result.exit_code == 2, (args, result.output)
        assert len(result.output.strip().splitlines()) == 1, result.output
        assert "Traceback" not in result.output


def test_rules_listing_and_explain() -> None:
    result = invoke("rules")
    assert result.exit_code == 0
    assert "overpromise.guarantee" in result.output and "courtesy.greeting" in result.output
    listed = json.loads(invoke("rules", "--format", "json").output)
    assert {"id", "kind", "severity", "profiles", "summary", "link"} <= set(listed[0])
    explain = invoke("rules", "explain", "overpromise.guarantee")
    assert explain.exit_code == 0
    assert "16 CFR 239" in explain.output or "part-239" in explain.output
    assert "Bad:" in explain.output and "Good:" in explain.output
    unknown = invoke("rules", "explain", "guarantee")
    assert unknown.exit_code == 2 and "Did you mean overpromise.guarantee" in unknown.output


def test_broken_user_rule_pack_exits_2_naming_file(tmp_path: Path) -> None:
    (tmp_path / "team").mkdir()
    (tmp_path / "team" / "x.yaml").write_text("kind: existence\n", encoding="utf-8")
    result = invoke("lint", "--rules", str(tmp_path), "-", input="hello")
    assert result.exit_code == 2
    assert str(tmp_path / "team" / "x.yaml") in result.output


def test_subprocess_end_to_end_offline(tmp_path: Path) -> None:
    """python -m mantracheck as a real process, with every socket call made to fail."""
    bad = tmp_path / "refund.txt"
    bad.write_text(OVERPROMISE, encoding="utf-8")
    result = run_cli("lint", str(bad))
    assert result.returncode == 1, result.stderr
    assert f"{bad}:1:1: error overpromise.guarantee" in result.stdout
    assert "Traceback" not in result.stderr
    clean = run_cli("lint", "-", input=COURTEOUS)
    assert clean.returncode == 0, clean.stdout + clean.stderr


def test_subprocess_version_and_help_do_not_import_spacy() -> None:
    probe = run_cli("--version")
    assert probe.returncode == 0 and "mantracheck" in probe.stdout
    import subprocess
    import sys

    code = "import sys; from mantracheck.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit: pass\nprint('spacy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().endswith("False"), out.stdout + out.stderr


def test_scores_in_json_text_and_min_courtesy_gate() -> None:
    polite = "Hi Sam,\n\nThanks so much for your patience, and sorry for the wait. Could you please send us the order number?\n\nBest,\nAna\n"
    curt = "Send the order number.\n"
    payload = json.loads(invoke("lint", "--no-config", "--format", "json", "-", input=polite).output)
    scores = payload["files"][0]["scores"]
    assert set(scores) == {"courtesy", "overpromise_risk"}
    assert {"value", "markers", "missing"} <= set(scores["courtesy"])
    names = {m["name"] for m in scores["courtesy"]["markers"]}
    assert {"greeting", "gratitude", "please"} <= names
    for marker in scores["courtesy"]["markers"]:
        if marker["line"] is not None:
            line = polite.splitlines()[marker["line"] - 1]
            assert line[marker["column"] - 1 :].startswith(marker["text"].split("\n")[0])
    curt_value = json.loads(invoke("lint", "--no-config", "--format", "json", "-", input=curt).output)["files"][0]["scores"]["courtesy"]["value"]
    assert scores["courtesy"]["value"] > curt_value
    promise = json.loads(invoke("lint", "--no-config", "--format", "json", "-", input="We guarantee it.").output)["files"][0]["scores"]
    assert promise["overpromise_risk"]["value"] > 0
    text = invoke("lint", "--no-config", "--scores", "-", input=polite)
    assert "<stdin>: courtesy " in text.output and "overpromise risk 0/100" in text.output
    threshold = (scores["courtesy"]["value"] + curt_value) / 2
    assert invoke("lint", "--no-config", "--min-courtesy", str(threshold), "-", input=polite).exit_code == 0
    gated = invoke("lint", "--no-config", "--min-courtesy", str(threshold), "-", input=curt)
    assert gated.exit_code == 1 and "is below the minimum" in gated.output
    assert "<stdin>: courtesy" not in invoke("lint", "--no-config", "-", input=curt).output  # text: only with --scores


def test_streamed_text_output_is_what_the_text_formatter_makes_of_the_whole_run(tmp_path: Path) -> None:
    """One-line-per-finding output is written as each file's report comes; it must be
    exactly the formatter's text for the collected run, with errors on stderr."""
    from mantracheck.api import lint_paths
    from mantracheck.formatters.text import format_concise, format_text

    (tmp_path / "b.txt").write_text(OVERPROMISE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(COURTEOUS, encoding="utf-8")
    (tmp_path / "c.yaml").write_text("body: [unclosed\n", encoding="utf-8")
    (tmp_path / "d.md").write_text("# Sale\n\nBest deals, guaranteed. 100% risk-free!\n", encoding="utf-8")
    run = lint_paths([str(tmp_path)])
    expected = format_text(run)
    for fmt, formatted in (("concise", format_concise(run)), ("text", expected)):
        result = CliRunner().invoke(cli, ["lint", "--format", fmt, "--no-color", str(tmp_path)])
        assert result.exit_code == 1
        assert result.stdout == formatted
        assert f"{tmp_path / 'c.yaml'}: " in result.stderr
    quiet = CliRunner().invoke(cli, ["lint", "-q", str(tmp_path)])
    assert quiet.stdout == "".join(line for line in expected.splitlines(keepends=True) if not line.startswith("Found "))
    assert expected.count("\n") > 5 and expected.startswith(str(tmp_path / "b.txt"))


def test_main_collects_garbage_again_once_built_and_restores_the_collector(tmp_path: Path, monkeypatch) -> None:
    """cli.main keeps the cyclic collector off during start-up only: linting runs with it on
    and the start-up heap frozen, and main leaves the collector as it found it."""
    import gc

    import pytest

    import mantracheck.cli.lint as lint_cmd
    from mantracheck.cli import main, ready

    seen = []
    original = lint_cmd._stream_text

    def spy(*args, **kwargs):
        seen.append((gc.isenabled(), gc.get_freeze_count() > 0))
        return original(*args, **kwargs)

    monkeypatch.setattr(lint_cmd, "_stream_text", spy)
    monkeypatch.setenv("NO_COLOR", "1")
    bad = tmp_path / "refund.txt"
    bad.write_text(OVERPROMISE, encoding="utf-8")
    assert gc.isenabled()
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "--format", "concise", str(bad)])
    assert exit_info.value.code == 1
    assert seen == [(True, True)]
    assert gc.isenabled() and gc.get_freeze_count() == 0
    ready()  # outside main (the API, click's runner): changes nothing
    assert gc.isenabled() and gc.get_freeze_count() == 0
    gc.disable()
    try:
        with pytest.raises(SystemExit):
            main(["lint", "--format", "concise", str(bad)])
        assert not gc.isenabled()  # left off, as it was
    finally:
        gc.enable()


def test_console_script_exit_keeps_status_output_and_atexit_handlers(tmp_path: Path) -> None:
    """cli.run ends the process with os._exit: the exit status, every byte of a large
    output and the atexit handlers registered by others must all survive it."""
    import subprocess
    import sys

    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('atexit ran'))  # buffered: run() must flush it\n"
        "sys.argv = ['mantracheck', *sys.argv[1:]]\n"
        "from mantracheck.cli import run\n"
        "run()\n"
    )
    import os

    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # block-buffered, as usual
    found = subprocess.run([sys.executable, "-c", code, "lint", "--format", "concise", "-"], input=OVERPROMISE, capture_output=True, text=True, env=env)
    assert found.returncode == 1, found.stderr
    assert "<stdin>:1:1: error overpromise.guarantee" in found.stdout
    assert found.stdout.rstrip().endswith("atexit ran")
    usage = subprocess.run([sys.executable, "-c", code, "lint"], capture_output=True, text=True, env=env)
    assert usage.returncode == 2 and "nothing to lint" in usage.stderr
    for i in range(300):
        (tmp_path / f"reply-{i:03}.txt").write_text(OVERPROMISE * 3, encoding="utf-8")
    big = subprocess.run([sys.executable, "-m", "mantracheck", "lint", "--format", "json", str(tmp_path)], capture_output=True, text=True, env=env)
    assert big.returncode == 1, big.stderr
    payload = json.loads(big.stdout)  # the whole document was flushed
    assert len(payload["files"]) == 300 and all(f["findings"] for f in payload["files"])


def test_console_script_with_stdout_closed_exits_as_python_would(tmp_path: Path) -> None:
    """No standard output at all (fd 1 closed at start: sys.stdout is None): run() must not
    trip over it on the way out."""
    import os
    import subprocess
    import sys

    ok = tmp_path / "ok.txt"
    ok.write_text(COURTEOUS, encoding="utf-8")
    for args in (["--version"], ["lint", str(ok)]):
        done = subprocess.run([sys.executable, "-m", "mantracheck", *args], stderr=subprocess.PIPE, text=True, preexec_fn=lambda: os.close(1))  # noqa: PLW1509
        assert done.returncode == 0, (args, done.stderr)
        assert "Traceback" not in done.stderr


def test_main_leaves_a_callers_frozen_objects_frozen(tmp_path: Path) -> None:
    import gc

    import pytest

    from mantracheck.cli import main

    bad = tmp_path / "refund.txt"
    bad.write_text(OVERPROMISE, encoding="utf-8")
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with pytest.raises(SystemExit):
            main(["lint", "--format", "concise", str(bad)])
        # neither unfrozen (0) nor grown by the start-up heap (100,000 more); a few frozen
        # objects may have been freed meanwhile
        assert frozen - 1000 <= gc.get_freeze_count() <= frozen and gc.isenabled()
    finally:
        gc.unfreeze()
