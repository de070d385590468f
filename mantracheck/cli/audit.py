"""``mantracheck audit``: a whole archive of sent replies, on this machine or a Dask cluster."""

from __future__ import annotations

import os
import re
import sys
from typing import Any

import click

from mantracheck.cli.options import model_option, rule_paths_option, split_names

#: mirror mantracheck.audit (kept literal so that --help stays instant)
PRESET_NAMES = ("freshdesk", "helpscout", "intercom", "twcs", "zendesk")
OUTPUT_FORMATS = ("json", "csv", "parquet", "html")
INPUT_FORMATS = ("auto", "text", "html", "markdown")
_SIZE = re.compile(r"(?i)\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*")
_UNITS = {None: 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30}


def _size(ctx: click.Context, param: click.Parameter, value: str) -> int:
    m = _SIZE.fullmatch(value)
    if m is None or float(m.group(1)) <= 0:
        raise click.BadParameter(f"expected a size such as 4MB or 512k, got {value!r}")
    return max(1, int(float(m.group(1)) * _UNITS[(m.group(2) or "").lower() or None]))


def _pairs(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        name, eq, column = value.partition("=")
        if not eq or not name.strip() or not column.strip():
            raise click.BadParameter(f"expected NAME=COLUMN, got {value!r}", param_hint="'--column'")
        out[name.strip()] = column.strip()
    return out


@click.command()
@click.argument("exports", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--text-column", default=None, metavar="COLUMN", help="The column that holds the reply text (a preset names one).")
@click.option("--preset", type=click.Choice(PRESET_NAMES), default=None, help="Column names and filters of a help desk's export: zendesk, freshdesk, helpscout, intercom, twcs.")
@click.option("--group-by", "group_by", multiple=True, metavar="NAMES", help="Group by these (comma-separated): team, agent, month, or any column.")
@click.option("--where", "where", multiple=True, metavar="COLUMN=VALUE", help="Keep only rows where COLUMN is VALUE (or != VALUE; values comma-separated, quoted as in CSV when they hold a comma), e.g. inbound=false. Repeatable.")
@click.option("--column", "columns", multiple=True, metavar="NAME=COLUMN", help="The column for text, id, agent, team or timestamp (over the preset's). Repeatable.")
@click.option("--input-format", type=click.Choice(INPUT_FORMATS), default=None, help="How a reply is read: auto (HTML when it has tags or entities; default), text, html, markdown.")
@click.option("--profile", default=None, help="Which rules apply: support (default), script, social or marketing.")
@click.option("--select", multiple=True, help="Only these rules or packs (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (comma-separated, repeatable).")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="json", show_default=True, help="json: everything; csv and parquet: one row per group; html: a summary page with charts.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None, help="Write here instead of standard output (needed for parquet on a terminal).")
@click.option("--examples", type=click.IntRange(min=0), default=3, show_default=True, help="Example replies kept per rule, over all replies.")
@click.option("--group-examples", type=click.IntRange(min=0), default=1, show_default=True, help="Example replies kept per rule in each group.")
@click.option("--no-examples", is_flag=True, help="Leave every piece of reply text out: no examples, no flagged phrases (counts and scores only).")
@click.option("--engine", type=click.Choice(("local", "dask")), default="local", show_default=True, help="local: processes on this machine; dask: a Dask distributed cluster (--scheduler).")
@click.option("--scheduler", default=None, metavar="ADDRESS", help="The Dask scheduler, e.g. tcp://10.0.0.5:8786 (with --engine dask).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Local processes (default: one per CPU).")
@click.option("--partition-size", default="4MB", show_default=True, callback=_size, help="About how much of an export one task reads.")
@click.option("--progress/--no-progress", default=None, help="A progress bar on stderr (default: on a terminal, never under CI).")
@click.option("--quiet", "-q", is_flag=True, help="No notices on stderr.")
@rule_paths_option
@model_option
def audit(
    exports: tuple[str, ...],
    text_column: str | None,
    preset: str | None,
    group_by: tuple[str, ...],
    where: tuple[str, ...],
    columns: tuple[str, ...],
    input_format: str | None,
    profile: str | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: str | None,
    examples: int,
    group_examples: int,
    no_examples: bool,
    engine: str,
    scheduler: str | None,
    jobs: int | None,
    partition_size: int,
    progress: bool | None,
    quiet: bool,
    rule_paths: tuple[str, ...],
    model: str | None,
) -> None:
    """Audit an export of sent replies: courtesy scores, findings and overpromises, per group.

    \b
      mantracheck audit tickets.csv --text-column body --group-by agent,month
      mantracheck audit twcs.csv.gz --preset twcs --group-by agent --format html -o audit.html
      mantracheck audit comments.parquet --preset zendesk --engine dask --scheduler tcp://HOST:8786
    """
    from mantracheck.audit import prepare
    from mantracheck.audit.outputs import RENDER
    from mantracheck.cli import ready
    from mantracheck.cli.lint import _in_ci
    from mantracheck.errors import UsageError

    if fmt == "parquet" and output is None and sys.stdout.isatty():
        raise UsageError("parquet output is binary: name a file with --output FILE")
    if engine == "dask" and not scheduler:
        raise UsageError("--engine dask needs --scheduler ADDRESS (tcp://host:8786)")
    if scheduler and engine != "dask":
        raise UsageError("--scheduler is for --engine dask (add it, or leave --scheduler out to audit on this machine)")
    if output is not None:
        if not output.strip():
            raise UsageError("--output needs a file name")
        _check_output(output, exports)
    plan = prepare(
        list(exports),
        text_column=text_column,
        preset=preset,
        group_by=split_names(group_by),
        where=where,
        columns=_pairs(columns),
        input_format=input_format,
        profile=profile,
        select=split_names(select),
        ignore=split_names(ignore),
        rule_paths=rule_paths,
        model=model,
        examples=0 if no_examples else examples,
        group_examples=group_examples,
        partition_bytes=partition_size,
    )
    ready()
    show = progress if progress is not None else sys.stderr.isatty() and not _in_ci()
    if show:
        agg = _with_progress(plan, engine, jobs, scheduler)
    else:
        agg = plan.run(engine=engine, jobs=jobs, scheduler=scheduler)
    report = plan.report(agg)
    rendered = RENDER[fmt](report)
    _write(rendered, output)
    if not quiet:
        totals = report["totals"]
        if not totals["replies"]:
            why = ", ".join(f"{totals[k]:,} {label}" for k, label in (("filtered_out", "left out by --where or the preset"), ("empty", "empty"), ("malformed", "malformed"), ("not_linted", "not linted")) if totals[k])
            click.echo(f"mantracheck: no reply was audited ({totals['rows']:,} row{'s' if totals['rows'] != 1 else ''}{': ' + why if why else ''})", err=True)
        if totals["malformed"]:
            click.echo(f"mantracheck: {totals['malformed']:,} malformed row{'s' if totals['malformed'] != 1 else ''} skipped (listed under \"malformed\" in the JSON output)", err=True)
        if totals["not_linted"]:
            click.echo(f"mantracheck: {totals['not_linted']:,} repl{'ies' if totals['not_linted'] != 1 else 'y'} could not be linted (listed under \"not_linted\")", err=True)
        if totals["no_month"]:
            click.echo(f"mantracheck: {totals['no_month']:,} repl{'ies' if totals['no_month'] != 1 else 'y'} without a readable time, grouped under month \"unknown\"", err=True)


def _with_progress(plan: Any, engine: str, jobs: int | None, scheduler: str | None) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    replies = 0
    with Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("partitions"), TextColumn("{task.description}"), TimeRemainingColumn(), console=console, transient=True) as bar:
        task = bar.add_task("", total=len(plan.parts))

        def advance(done: Any) -> None:
            nonlocal replies
            replies += sum(g.replies for g in done.groups.values())
            bar.update(task, advance=1, description=f"{replies:,} replies")

        return plan.run(engine=engine, jobs=jobs, scheduler=scheduler, progress=advance)


def _check_output(output: str, exports: tuple[str, ...]) -> None:
    """Before the audit runs (it may take hours): the output is none of the exports, and its
    folder takes a new file."""
    from mantracheck.errors import UsageError

    real = os.path.realpath(output)
    for export in exports:
        same = os.path.realpath(export) == real
        if not same and os.path.exists(output) and os.path.exists(export):
            same = os.path.samefile(output, export)  # (a case-insensitive file system, a hard link)
        if same:
            raise UsageError(f"{output}: is one of the exports being audited; write the report elsewhere")
    folder = os.path.dirname(output) or "."
    probe = os.path.join(folder, f".{os.path.basename(output)}.{os.getpid()}.probe")
    try:
        with open(probe, "xb"):
            pass
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"{output}: cannot write there: {(exc.strerror or str(exc)).lower()}") from None


def _write(rendered: str | bytes, output: str | None) -> None:
    """To standard output, or to ``output`` written whole (a temporary file renamed)."""
    from mantracheck.errors import OutputError, UsageError

    data = rendered.encode("utf-8") if isinstance(rendered, str) else rendered
    if output is None:
        try:
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise OutputError(exc) from None
        return
    tmp = os.path.join(os.path.dirname(output) or ".", f".{os.path.basename(output)}.{os.getpid()}.tmp")
    try:
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as handle:
            handle.write(data)
        os.replace(tmp, output)
    except OSError as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise UsageError(f"{output}: cannot write it: {(exc.strerror or str(exc)).lower()}") from None
