"""``mantracheck lint``."""

from __future__ import annotations

import sys

import click

from mantracheck.cli.options import SEVERITIES, model_option, rule_paths_option, split_names


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("--profile", default=None, help="Which rules apply: support (default), script or marketing.")
@click.option("--select", multiple=True, help="Only these rules or packs (comma-separated, repeatable).")
@click.option("--ignore", multiple=True, help="Skip these rules or packs (comma-separated, repeatable).")
@click.option("--fail-on", type=click.Choice(SEVERITIES), default="error", show_default=True, help="Lowest severity that makes the exit code 1.")
@click.option("--input-format", default=None, help="Read every input as this format instead of guessing from the extension.")
@rule_paths_option
@model_option
def lint(paths: tuple[str, ...], fmt: str, profile: str | None, select: tuple[str, ...], ignore: tuple[str, ...], fail_on: str, input_format: str | None, rule_paths: tuple[str, ...], model: str | None) -> None:
    """Lint files, folders, or - (standard input).

    Exit status: 0 when nothing reaches --fail-on, 1 when something does, 2 for usage,
    configuration or rule errors.
    """
    from mantracheck.api import Options, lint_paths
    from mantracheck.errors import UsageError
    from mantracheck.formatters import FORMATTERS
    from mantracheck.models import Severity

    if not paths:
        raise UsageError("nothing to lint: give files, folders, or - for standard input")
    stdin_text = sys.stdin.read() if "-" in paths else None
    options = Options(
        profile=profile,
        select=split_names(select),
        ignore=split_names(ignore),
        rule_paths=rule_paths,
        model=model,
        input_format=input_format,
    )
    result = lint_paths(paths, options=options, stdin_text=stdin_text)
    for notice in result.notices:
        click.echo(f"mantracheck: {notice}", err=True)
    for report in result.files:
        if report.error is not None:
            click.echo(f"mantracheck: {report.path}: {report.error}", err=True)
    click.echo(FORMATTERS[fmt](result), nl=False)
    sys.exit(int(result.exit_code(Severity.parse(fail_on))))
