"""``mantracheck lint`` and ``mantracheck config``."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any

import click

from mantracheck.cli.options import SEVERITIES, model_option, rule_paths_option, split_names

OUTPUT_FORMATS = ("text", "concise", "json", "sarif", "github", "html")
#: mirrors mantracheck.text.formats.FORMATS (kept literal so that --help stays instant)
INPUT_FORMATS = ("text", "markdown", "html", "mjml", "inky", "blade", "email", "yaml", "json", "po", "php")
PROGRESS_THRESHOLD = 200


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _use_color(option: bool | None, stream: Any) -> bool:
    if option is not None:
        return option
    if os.environ.get("NO_COLOR") or _in_ci():
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None, help="Use this config file instead of searching for one.")
no_config_option = click.option("--no-config", is_flag=True, help="Ignore configuration files.")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(readable=False))  # (one it cannot read is reported, the rest linted)
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True, help="text: grouped with source lines on a terminal, one line per finding otherwise; concise: always one line per finding.")
@click.option("--profile", default=None, help="Which rules apply: support (default), script, social or marketing.")
@click.option("--select", multiple=True, help="Only these rules or packs (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (comma-separated, repeatable).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default=None, help="Lowest severity that makes the exit code 1 (default: error, or fail_on from the config).")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default=None, help="Read every input as this format instead of guessing from the extension.")
@click.option("--report-unused-directives", is_flag=True, help="Report inline 'mantracheck: disable' directives that suppressed nothing.")
@click.option("--fix", "fix", flag_value="fix", default=None, help="Apply safe fixes to the files (atomically); report what is left.")
@click.option("--diff", "fix", flag_value="diff", help="Show the fixes as a diff; change no file.")
@click.option("--fix-follow-links", is_flag=True, help="With --fix, also rewrite the files that symbolic links point to (a link is never written through otherwise).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Processes to use (default: one per CPU for many files).")
@click.option("--scores", is_flag=True, help="Compute each file's courtesy and overpromise-risk scores (always in JSON).")
@click.option("--min-courtesy", type=click.FloatRange(0, 100), default=None, help="Exit 1 when a file's courtesy score is below this (0-100).")
@click.option("--statistics", is_flag=True, help="Print the number of findings per rule instead of each finding.")
@click.option("--quiet", "-q", is_flag=True, help="Print findings only: no summary, no notices.")
@click.option("--verbose", "-v", is_flag=True, help="Also say how each file was read (its encoding) on stderr.")
@click.option("--color/--no-color", default=None, help="Colour the text output (default: on a terminal, unless CI or NO_COLOR is set).")
@click.option("--progress/--no-progress", default=None, help=f"A progress bar on stderr (default: on a terminal for more than {PROGRESS_THRESHOLD} files, never under CI).")
@config_option
@no_config_option
@rule_paths_option
@model_option
def lint(
    paths: tuple[str, ...],
    fmt: str,
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    input_format: str | None,
    report_unused_directives: bool,
    fix: str | None,
    fix_follow_links: bool,
    jobs: int | None,
    scores: bool,
    min_courtesy: float | None,
    statistics: bool,
    quiet: bool,
    verbose: bool,
    color: bool | None,
    progress: bool | None,
    config_path: str | None,
    no_config: bool,
    rule_paths: tuple[str, ...],
    model: str | None,
) -> None:
    """Lint files, folders, or - (standard input).

    Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for usage,
    configuration or rule errors.
    """
    from mantracheck.api import Options, start_lint
    from mantracheck.cli import ready
    from mantracheck.config import load_config
    from mantracheck.errors import UsageError
    from mantracheck.models import LintResult, Severity

    if not paths:
        raise UsageError("nothing to lint: give files, folders, or - for standard input")
    if fix == "fix" and "-" in paths:
        raise UsageError("--fix cannot write to standard input; use --diff")
    config = load_config(config_path, use_config=not no_config)
    stdin_text = _read_stdin() if "-" in paths else None
    options = Options(
        profile=profile,
        select=split_names(select),
        ignore=split_names(ignore),
        rule_paths=rule_paths,
        model=model,
        input_format=input_format,
        report_unused_directives=report_unused_directives,
        scores=scores or fmt in ("json", "html") or min_courtesy is not None or config.min_courtesy is not None,
    )
    run = start_lint(paths, options=options, config=config, stdin_text=stdin_text, jobs=jobs, fix=fix, fix_follow_links=fix_follow_links)
    ready()  # rules and linters are built: collect garbage again (see cli.main)
    if not quiet:
        for notice in run.notices:
            _warn(str(notice))
    minimum = min_courtesy if min_courtesy is not None else config.min_courtesy
    stderr = sys.stderr
    show_progress = progress
    if show_progress is None:
        show_progress = bool(stderr.isatty()) and not _in_ci() and fmt in ("text", "concise") and run.count > PROGRESS_THRESHOLD
    use_color = _use_color(color, sys.stdout)
    plain_lines = fmt == "concise" or (fmt == "text" and not use_color)
    if plain_lines and fix != "diff" and not statistics and not show_progress:
        # One line per finding: written as each file's report comes, so a large run is
        # never held whole (only its counts are).
        tally = _stream_text(run, minimum, quiet, verbose, suggestions=fmt != "concise")
    elif fmt == "json" and fix != "diff" and not statistics:
        tally = _stream_json(run, minimum, quiet, verbose, show_progress)
    else:
        reports = _with_progress(run.reports(), run.count) if show_progress else run.reports()
        result = LintResult(files=tuple(reports), notices=run.notices, rules=run.rules)
        tally = result.tally(minimum)
        for report in result.files:
            _echo_input_problem(report, quiet, verbose)
        _write_collected(result, fmt, fix, statistics, quiet, use_color, stdin_text)
    summary = tally.summary()
    if fix == "fix" and summary["fixed"] and not quiet:
        _echo(f"Fixed {summary['fixed']} problem{'s' if summary['fixed'] != 1 else ''}.", err=True)
    if not quiet:
        _echo_unread(summary, fixing=fix == "fix")
    threshold = fail_on or (str(config.fail_on) if config.fail_on else "error")
    for report in tally.below:
        _warn(f"{report.path}: courtesy {report.scores['courtesy']['value']} is below the minimum of {minimum:g}")  # type: ignore[index]
    sys.exit(int(tally.exit_code(Severity.parse(threshold))))


def _echo_input_problem(report: Any, quiet: bool, verbose: bool) -> None:
    """A file that could not be checked (or, with --verbose, how it was read), on stderr."""
    if report.error is not None and not (quiet and report.skipped):
        _warn(f"{report.path}: {report.error}")
    elif verbose and not quiet and report.encoding:
        from mantracheck.text.reader import describe_encoding

        _warn(f"{report.path}: read as {describe_encoding(report.encoding)}")


def _stream_text(run: Any, minimum: float | None, quiet: bool, verbose: bool, suggestions: bool = True) -> Any:
    from mantracheck.formatters.text import summary_line
    from mantracheck.models import Severity, Tally

    severity = {int(s): s for s in Severity}
    tally = Tally(minimum)

    def pieces() -> Iterator[str]:
        for report, severities, text in run.rendered(_render_lines if suggestions else _render_concise_lines):
            tally.add(report, [severity[s] for s in severities])
            _echo_input_problem(report, quiet, verbose)
            yield text
        if not quiet:
            yield summary_line(tally.summary())

    _write_batched(pieces())
    return tally


def _stream_json(run: Any, minimum: float | None, quiet: bool, verbose: bool, progress: bool) -> Any:
    """The JSON report written as each file's report comes (each file's object made where
    the report is, a ``--jobs`` worker): the run is never held whole, only its counts."""
    from functools import partial

    from mantracheck.formatters.json import iter_json
    from mantracheck.models import Severity, Tally

    severity = {int(s): s for s in Severity}
    tally = Tally(minimum)
    rendered = run.rendered(partial(_render_json, keep_scores=minimum is not None))
    if progress:
        rendered = _with_progress(rendered, run.count)

    def files() -> Iterator[str]:
        for report, severities, text in rendered:
            tally.add(report, [severity[s] for s in severities])
            _echo_input_problem(report, quiet, verbose)
            yield text

    _write_batched(iter_json(files(), tally.summary, run.notices))
    return tally


def _write_batched(pieces: Iterable[str], size: int = 100_000) -> None:
    """Write ``pieces`` to standard output in batches of about ``size`` characters."""
    batch: list[str] = []
    held = 0
    for piece in pieces:
        if piece:
            batch.append(piece)
            held += len(piece)
            if held >= size:
                _echo("".join(batch), nl=False)
                batch, held = [], 0
    _echo("".join(batch), nl=False)


def _render_lines(report: Any, suggestions: bool = True) -> tuple[Any, tuple[int, ...], str]:
    """A report's output lines, made where the report is (a ``--jobs`` worker), with the
    report, less its findings, and their severities for the counts: what crosses back to
    the parent is a string and a few numbers instead of every finding."""
    from dataclasses import replace

    from mantracheck.formatters.text import report_lines

    text = "".join(report_lines(report, suggestions=suggestions))
    severities = tuple(int(f.severity) for f in report.findings)
    return (replace(report, findings=()) if report.findings else report), severities, text


def _render_concise_lines(report: Any) -> tuple[Any, tuple[int, ...], str]:
    return _render_lines(report, suggestions=False)


def _render_json(report: Any, keep_scores: bool = False) -> tuple[Any, tuple[int, ...], str]:
    """A report's object in the JSON report, made where the report is (see ``_render_lines``);
    the report comes back without its findings, and without its scores unless a courtesy
    minimum needs them."""
    from dataclasses import replace

    from mantracheck.formatters.json import file_json

    text = file_json(report)
    severities = tuple(int(f.severity) for f in report.findings)
    if report.findings or (report.scores is not None and not keep_scores):
        report = replace(report, findings=(), scores=report.scores if keep_scores else None)
    return report, severities, text


def _write_collected(result: Any, fmt: str, fix: str | None, statistics: bool, quiet: bool, use_color: bool, stdin_text: str | None) -> None:
    from mantracheck.formatters import FORMATTERS

    if fix == "diff":
        for report in result.files:
            if report.diff:
                _echo(_diff_with_printable_names(report.path, report.diff), nl=False)
    elif statistics:
        from mantracheck.formatters.terminal import format_statistics

        _echo(format_statistics(result), nl=False)
    elif fmt == "text" and use_color:
        from mantracheck.formatters.terminal import format_terminal

        _echo(format_terminal(result, _source_reader(stdin_text), width=_width()), nl=False, color=True)
    elif fmt == "html":
        from mantracheck.formatters.html import format_lint_html

        _echo(format_lint_html(result, _source_reader(stdin_text)), nl=False)
    elif fmt in ("text", "concise"):
        from mantracheck.formatters.text import iter_text

        lines = iter_text(result, suggestions=fmt != "concise")
        _echo("".join(line for line in lines if not (quiet and line.startswith("Found "))), nl=False)
    else:
        _echo(FORMATTERS[fmt](result), nl=False)


def _diff_with_printable_names(path: str, diff: str) -> str:
    """A file's diff, its ``--- a/`` and ``+++ b/`` lines naming the file ``printable`` (a
    newline in the name would start a line of its own). The changed lines are the file's
    text as it is, as git shows them, so that the diff applies."""
    from mantracheck.fix import patch_path
    from mantracheck.formatters.escape import printable

    name = patch_path(path)
    head = f"--- a/{name}\n+++ b/{name}\n"
    shown = printable(name)
    if shown == name or not diff.startswith(head):
        return diff
    return f"--- a/{shown}\n+++ b/{shown}\n" + diff[len(head) :]


def _warn(message: str) -> None:
    """``mantracheck: message`` on standard error, one line whatever the message holds: file
    names and texts from the repository are shown ``printable`` (see formatters.escape)."""
    from mantracheck.formatters.escape import printable

    _echo(f"mantracheck: {printable(message)}", err=True)


def _echo(text: str, **kwargs: Any) -> None:
    """click.echo, with file names that are not valid UTF-8 (kept by Python as surrogate
    escapes) shown with U+FFFD instead of failing to print. A stream that cannot be written
    (a full disk) is an ``OutputError``; a closed pipe stays a BrokenPipeError (cli.Group)."""
    from mantracheck.errors import OutputError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        try:
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:  # a lone surrogate from a text (a JSON "\ud800")
            text = text.encode("utf-8", "replace").decode("utf-8")
    try:
        click.echo(text, **kwargs)
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise OutputError(exc, stream="stderr" if kwargs.get("err") else "stdout") from None


def _read_stdin() -> str:
    """Standard input, decoded like a file (BOM, UTF-8, Windows-1252), at most MAX_BYTES."""
    from mantracheck.errors import InputError, UsageError
    from mantracheck.text.reader import MAX_BYTES, decode_bytes

    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise UsageError(f"standard input is over the {MAX_BYTES // (1024 * 1024)} MiB limit")
    try:
        return decode_bytes(data, "<stdin>").text
    except InputError as exc:
        raise UsageError(f"standard input: {str(exc).removesuffix(', skipped')}") from None


def _echo_unread(summary: dict[str, int], fixing: bool = False) -> None:
    """The count of files that could not be checked (they make the exit code 1; with --fix,
    a file left unchanged is one) and skipped."""
    parts = []
    if summary["unreadable_files"]:
        n = summary["unreadable_files"]
        parts.append(f"{n} file{'s' if n != 1 else ''} could not be {'checked or fixed' if fixing else 'checked'}")
    if summary["skipped_files"]:
        n = summary["skipped_files"]
        parts.append(f"{n} file{'s' if n != 1 else ''} skipped")
    if parts:
        _echo(f"mantracheck: {'; '.join(parts)} (see above).", err=True)


def _width() -> int:
    import shutil

    return max(60, min(shutil.get_terminal_size((100, 20)).columns, 140))


def _source_reader(stdin_text: str | None) -> Any:
    def read(path: str) -> str | None:
        if path == "<stdin>":
            return stdin_text
        from mantracheck.errors import InputError
        from mantracheck.text import read_file

        try:
            return read_file(path).text
        except InputError:
            return None

    return read


def _with_progress(reports: Any, total: int) -> Any:
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    with Progress(TextColumn("linting"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("lint", total=total)
        for report in reports:
            bar.advance(task)
            yield report


@click.command("config")
@click.argument("path", required=False, type=click.Path())
@config_option
@no_config_option
def show_config(path: str | None, config_path: str | None, no_config: bool) -> None:
    """Print the effective configuration (for PATH, with per-path overrides applied)."""
    import json

    from mantracheck.config import check_names, load_config
    from mantracheck.engine.loader import load_rules

    config = load_config(config_path, use_config=not no_config)
    ruleset = load_rules(tuple(config.rule_paths))
    if config.path is not None:
        check_names(config, [r.id for r in ruleset.rules], ruleset.packs, list(ruleset.profiles))
    payload = config.to_dict(path)
    if payload["profile"] is None:
        payload["profile"] = ruleset.default_profile
    click.echo(json.dumps(payload, indent=2))
