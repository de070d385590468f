"""Shared click options and their parsing."""

from __future__ import annotations

from collections.abc import Iterable

import click

SEVERITIES = ("error", "warning", "info")


def split_names(values: Iterable[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` -> ("a", "b", "c")."""
    return tuple(n.strip() for v in values for n in v.split(",") if n.strip())


rule_paths_option = click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A folder of your own rule packs (repeatable).",
)
#: A path or any package name as the pipeline comes from here or ``--model`` (the user's
#: choice), never from a repository's config file (``mantracheck.config._model``).
MODEL_ENVVAR = "MANTRACHECK_MODEL"
model_option = click.option(
    "--model",
    default=None,
    metavar="NAME|PATH",
    envvar=MODEL_ENVVAR,
    show_envvar=True,
    help="A trained spaCy pipeline to use (installed package or path; never downloaded). A config file may name only an installed pipeline package.",
)
