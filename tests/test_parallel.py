"""--jobs: the same findings, scores, notices and order whatever the number of processes."""

from __future__ import annotations

from pathlib import Path

import pytest

from mantracheck.api import Options, lint_paths
from mantracheck.formatters import FORMATTERS
from mantracheck.parallel import CHUNK, MIN_FILES_PER_JOB, default_jobs

TEXTS = [
    "Hi {{ first_name }},\n\nWe guarantee your refund will arrive within 24 hours. Send us the receipt ASAP.\n",
    "Dear customer, your ticket %{ticket.number} is fixed 100%. It will never happen again!!!\n\nBest,\nDana\n",
    "Thanks for writing. I'm sorry about the delay; could you please send the order number?\n\nKind regards,\nMarco\n",
    "# Our biggest sale\n\nShop the best deals in town, guaranteed. Risk-free!\n\n[Shop now]({{ shop_url }})\n",
]


def _tree(root: Path, n: int) -> Path:
    for i in range(n):
        sub = root / f"d{i % 7}" / ("deep" if i % 3 == 0 else "")
        sub.mkdir(parents=True, exist_ok=True)
        text = TEXTS[i % len(TEXTS)]
        if i % 5 == 0:
            (sub / f"r{i:04}.md").write_text(text, encoding="utf-8")
        elif i % 5 == 1:
            (sub / f"r{i:04}.html").write_text(f"<p>{text}</p>", encoding="utf-8")
        elif i % 11 == 2:
            (sub / f"r{i:04}.yaml").write_text(f"subject: Re\nbody: |\n  {text.strip().replace(chr(10), ' ')}\n", encoding="utf-8")
        else:
            (sub / f"r{i:04}.txt").write_text(f"Reply {i}. {text}", encoding="utf-8")
    (root / "d0" / "broken.yaml").write_text("body: [unclosed\n", encoding="utf-8")
    (root / "d1" / "binary.txt").write_bytes(b"\x00\x01\x02binary")
    return root


@pytest.mark.parametrize("scores", [False, True])
def test_findings_are_identical_whatever_jobs(tmp_path: Path, scores: bool) -> None:
    root = _tree(tmp_path / "t", CHUNK * 4 + 7)  # several chunks, the last one short
    options = Options(scores=scores)
    outputs = {}
    for jobs in (1, 2, 3, None):
        result = lint_paths([str(root), "-"], options=options, stdin_text=TEXTS[0], jobs=jobs)
        outputs[jobs] = (FORMATTERS["json"](result), FORMATTERS["text"](result))
    assert sum(len(r.findings) for r in result.files) > 300
    assert outputs[2] == outputs[1]
    assert outputs[3] == outputs[1]
    assert outputs[None] == outputs[1]


def test_reports_come_sorted_by_path(tmp_path: Path) -> None:
    root = _tree(tmp_path / "t", 60)
    paths = [r.path for r in lint_paths([str(root)], jobs=2).files]
    assert paths == sorted(paths) and len(paths) == 62


def test_default_jobs_is_one_for_a_handful_of_files_else_the_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("os.sched_getaffinity", lambda _: {0, 1, 2, 3}, raising=False)
    assert default_jobs(1) == 1
    assert default_jobs(MIN_FILES_PER_JOB - 1) == 1
    assert default_jobs(MIN_FILES_PER_JOB * 2) == 2
    assert default_jobs(10_000) == 4


def test_reports_survive_the_trip_from_a_worker_whole() -> None:
    """Reports are pickled field by field (models._pickled_by_fields): every field comes back."""
    import pickle

    from mantracheck.models import FileReport, Finding, Fix, Severity

    finding = Finding("r.id", Severity.WARNING, 1, 2, 3, 4, "message", "match", ("a", "b"), Fix(5, 6, "x"))
    report = FileReport("p.txt", (finding,), "an error", "cp1252", {"courtesy": {"value": 3}}, 2, "a diff", True)
    assert pickle.loads(pickle.dumps(report)) == report
    assert pickle.loads(pickle.dumps(FileReport("q.txt"))) == FileReport("q.txt")


def test_a_streamed_run_reports_what_lint_paths_does_in_the_same_order(tmp_path: Path) -> None:
    from mantracheck.api import start_lint

    root = _tree(tmp_path / "t", CHUNK * 2 + 3)
    other = tmp_path / "a-first.txt"
    other.write_text(TEXTS[1], encoding="utf-8")
    args = [str(root), "-", str(other)]
    run = start_lint(args, stdin_text=TEXTS[2], jobs=2)
    assert run.count == CHUNK * 2 + 3 + 2 + 2
    assert [r.id for r in run.rules] == sorted(r.id for r in run.rules) and run.rules
    streamed = list(run.reports())
    collected = lint_paths(args, stdin_text=TEXTS[2], jobs=1).files
    assert streamed == list(collected)
    paths = [r.path for r in streamed]
    assert paths == sorted(paths) and "<stdin>" in paths


def _render_with_pid(report: object) -> tuple[object, int]:
    import os

    return report, os.getpid()


def test_rendered_runs_in_the_workers_and_gives_what_reports_do(tmp_path: Path) -> None:
    """``LintRun.rendered`` applies its function where each report is made (a --jobs worker)
    and yields the results in the order ``reports()`` gives, standard input included."""
    import os

    from mantracheck.api import start_lint

    root = _tree(tmp_path / "t", CHUNK * 3)
    args = [str(root), "-"]
    expected = list(start_lint(args, stdin_text=TEXTS[0], jobs=1).reports())
    rendered = list(start_lint(args, stdin_text=TEXTS[0], jobs=2).rendered(_render_with_pid))
    assert [r for r, _ in rendered] == expected
    pids = {pid for r, pid in rendered if r.path != "<stdin>"}  # type: ignore[attr-defined]
    assert len(pids) >= 1 and os.getpid() not in pids
    assert [pid for r, pid in rendered if r.path == "<stdin>"] == [os.getpid()]  # type: ignore[attr-defined]
    assert [r for r, _ in start_lint(args, stdin_text=TEXTS[0], jobs=1).rendered(_render_with_pid)] == expected


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_streamed_text_output_counts_and_lines_match_the_collected_formatter(tmp_path: Path, jobs: str) -> None:
    """The one-line-per-finding output, rendered in the workers, is the text formatter's
    output for the collected run, summary and exit code included."""
    from click.testing import CliRunner

    from mantracheck.cli import cli
    from mantracheck.formatters.text import format_text

    root = _tree(tmp_path / "t", CHUNK * 2 + 5)
    result = CliRunner().invoke(cli, ["lint", "--jobs", jobs, "--no-color", str(root)])
    collected = lint_paths([str(root)], jobs=1)
    assert result.stdout == format_text(collected)
    assert result.exit_code == 1 and result.stdout.count("\n") > 100
    assert "broken.yaml" in result.stderr and "Found " in result.stdout
