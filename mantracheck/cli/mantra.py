"""``mantracheck mantra``: score, explain and rank candidate mantras."""

from __future__ import annotations

import os
import re
import sys

import click

from mantracheck.cli.options import model_option

OUTPUT_FORMATS = ("text", "json", "csv", "html")
_BULLET = re.compile(r"^\s*(?:[-*+>]|\d+[.)])\s+")


def candidates_in(text: str) -> list[str]:
    """One candidate per line: blank lines and '#' lines (comments, Markdown headings) are
    skipped, a list bullet or quote marker is dropped, surrounding quotes too."""
    return [candidate for _, candidate in candidate_lines(text)]


def candidate_lines(text: str) -> list[tuple[int, str]]:
    """``candidates_in``'s candidates with the 1-based line of the text each is on."""
    out = []
    for number, physical in enumerate(text.split("\n"), 1):
        for line in physical.splitlines():  # (a form feed or U+2028 splits as before)
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            line = _BULLET.sub("", line).strip()
            if len(line) >= 2 and line[0] == line[-1] and line[0] in "\"'" or len(line) >= 2 and line[0] == "\u201c" and line[-1] == "\u201d":
                line = line[1:-1].strip()
            if line:
                out.append((number, line))
    return out


def _read(path: str) -> str:
    from mantracheck.errors import UsageError

    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8-sig") as handle:
            return handle.read()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a folder; name a file of candidates, one per line") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: cannot read: not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start}); save it as UTF-8") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {(exc.strerror or str(exc)).lower()}") from None


@click.command()
@click.argument("texts", nargs=-1)
@click.option("--file", "-f", "files", multiple=True, metavar="FILE", help="Read candidates from FILE, one per line ('-' for standard input; repeatable).")
@click.option("--files", "args_are_files", is_flag=True, help="Treat every argument as a file of candidates (for pre-commit).")
@click.option("--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="text", show_default=True, help="text: a ranking table (bars on a terminal) and each candidate's facts; json: one object per line; csv.")
@click.option("--min-score", type=click.IntRange(0, 100), default=None, help="Exit 1 when any candidate scores below this (0-100).")
@click.option("--details/--no-details", default=None, help="Show each candidate's facts and suggestions (default: for up to 10 candidates).")
@click.option("--color/--no-color", default=None, help="A table with bars and colour (default: on a terminal, unless CI or NO_COLOR is set).")
@click.option("--weights", "weights_path", type=click.Path(dir_okay=False), default=None, help="Use this mantra-score data file instead of the built-in rules/mantra-score.yaml.")
@model_option
def mantra(
    texts: tuple[str, ...],
    files: tuple[str, ...],
    args_are_files: bool,
    fmt: str,
    min_score: int | None,
    details: bool | None,
    color: bool | None,
    weights_path: str | None,
    model: str | None,
) -> None:
    """Score candidate mantras 0-100 and rank them, with the facts behind each sub-score.

    \b
      mantracheck mantra "People serving people." "We put customers first."
      mantracheck mantra --file candidates.txt --format json
      mantracheck mantra --min-score 70 --file MANTRA

    Sub-scores: brevity, simplicity, memorability, focus. Exit status: 0, or 1 when a
    candidate is below --min-score; 2 for usage or data errors.
    """
    from mantracheck.cli import ready
    from mantracheck.cli.lint import _use_color, _width
    from mantracheck.errors import UsageError
    from mantracheck.formatters.mantra import MANTRA_FORMATTERS, Origin, format_mantra_terminal
    from mantracheck.scoring.mantra import rank_mantras, scorer

    sources = [*files, *(texts if args_are_files else ())]
    # Each candidate's origin: its file and line there, or (None, its position among the arguments).
    arguments = [] if args_are_files else [t.strip() for t in texts if t.strip()]
    candidates = list(arguments)
    origins = [Origin(None, i) for i in range(1, len(arguments) + 1)]
    if sum(1 for s in sources if s == "-") > 1:
        raise UsageError("standard input ('-') can be read only once")
    for path in sources:
        for number, candidate in candidate_lines(_read(path)):
            candidates.append(candidate)
            origins.append(Origin("<stdin>" if path == "-" else path, number))
    if not candidates:
        raise UsageError("no candidates: give texts, or --file FILE (one per line, - for standard input)")
    if weights_path is not None and not os.path.lexists(weights_path):
        raise UsageError(f"{weights_path}: no such file (--weights)")
    scorer(weights_path, model)  # built once (cached): the pipeline, the word lists, the weights
    ready()  # collect garbage again (see cli.main)
    reports = rank_mantras(candidates, model_path=weights_path, pipeline=model)
    stdout = sys.stdout
    if fmt == "text" and _use_color(color, stdout):
        click.echo(format_mantra_terminal(reports, details, width=_width()), nl=False, color=True)
    elif fmt == "html":
        import json

        from mantracheck.formatters.html import format_mantra_html

        records = [json.loads(line) for line in MANTRA_FORMATTERS["json"](reports, details, origins=origins).splitlines()]
        click.echo(format_mantra_html(records), nl=False)
    else:
        click.echo(MANTRA_FORMATTERS[fmt](reports, details, origins=origins), nl=False)
    from mantracheck.formatters.escape import printable

    failed = [r for r in reports if min_score is not None and r.score < min_score]
    for r in sorted(failed, key=lambda r: r.index):
        origin = origins[r.index]
        where = f"mantra {origin.line}" if origin.file is None else f"{origin.file}:{origin.line}: mantra"
        click.echo(f"mantracheck: {printable(where)} scores {r.score}, below the minimum of {min_score}: {printable(r.text)}", err=True)
    sys.exit(1 if failed else 0)
