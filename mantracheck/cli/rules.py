"""``mantracheck rules``: list the rules, explain one."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap

import click

from mantracheck.cli.options import rule_paths_option


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--profile", default=None, help="Only the rules of this profile.")
@rule_paths_option
@click.pass_context
def rules(ctx: click.Context, fmt: str, profile: str | None, rule_paths: tuple[str, ...]) -> None:
    """List the rules (id, severity, profiles, what it checks): the built-in ones and the
    packs of the config's rule_paths (found as lint finds it) and --rules."""
    ctx.obj = {"rule_paths": rule_paths}
    if ctx.invoked_subcommand is not None:
        return
    from mantracheck.engine.loader import load_rules
    from mantracheck.errors import UsageError

    ruleset = load_rules(_with_config_packs(rule_paths))
    if profile is not None and profile not in ruleset.profiles:
        raise UsageError(f"unknown profile {profile!r}; expected one of {', '.join(ruleset.profiles)}")
    listed = [r for r in ruleset.rules if profile is None or profile in r.profiles]
    if fmt == "json":
        payload = [
            {
                "id": r.id,
                "kind": r.kind,
                "severity": str(r.severity),
                "severity_by_profile": {p: str(s) for p, s in sorted(r.profile_severity.items())},
                "profiles": sorted(r.profiles),
                "summary": r.one_line(),
                "link": r.link,
            }
            for r in listed
        ]
        click.echo(json.dumps(payload, indent=2))
        return
    from mantracheck.formatters.escape import printable  # a team pack's text is the repository's

    rows = [(printable(r.id), str(r.severity) + ("*" if r.profile_severity else ""), ",".join(p for p in ruleset.profiles if p in r.profiles), printable(r.one_line())) for r in listed]
    width = _terminal_width()
    click.echo(format_rule_list(rows, width), nl=False)
    footer = f"{len(listed)} rules in {len({r.pack for r in listed})} packs. * severity differs by profile. 'mantracheck rules explain ID' for details."
    click.echo("\n" + (footer if width is None else textwrap.fill(footer, width)))


def _with_config_packs(rule_paths: tuple[str, ...]) -> tuple[str, ...]:
    """The config's rule_paths (the config lint would use here), then --rules: what a lint
    in this folder runs, so that a team's rules are listed and explained too."""
    from mantracheck.config import load_config

    return tuple(dict.fromkeys((*load_config().rule_paths, *rule_paths)))


#: Below this many columns for the summary beside the other columns, it goes on lines of its own.
MIN_SUMMARY_COLUMNS = 30


def format_rule_list(rows: list[tuple[str, str, str, str]], width: int | None = None) -> str:
    """One rule per line (id, severity, profiles, summary), columns aligned. With a terminal
    ``width``, each summary is wrapped under its column, or, when the terminal is too narrow
    for that, indented on the lines below the rule; without one (a pipe, a file), each rule
    stays on one line for scripts that read it."""
    id_width = max((len(row[0]) for row in rows), default=10)
    out = []
    for rule_id, severity, profiles, summary in rows:
        head = f"{rule_id:<{id_width}}  {severity:<8}  {profiles:<24}  "
        if width is None:
            out.append(head + summary)
        elif width - len(head) >= MIN_SUMMARY_COLUMNS:
            out.append(textwrap.fill(summary, width, initial_indent=head, subsequent_indent=" " * len(head)))
        else:
            out.append(textwrap.fill(f"{rule_id}  {severity}  {profiles}", width, subsequent_indent="    "))
            out.append(textwrap.fill(summary, width, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False))
    return "".join(line + "\n" for line in out)


def _terminal_width() -> int | None:
    """The terminal's width when standard output is one, else None."""
    if sys.stdout is None or not sys.stdout.isatty():
        return None
    return max(20, shutil.get_terminal_size().columns)


@rules.command()
@click.argument("rule_id")
@click.pass_context
def explain(ctx: click.Context, rule_id: str) -> None:
    """Print a rule's description, severity, patterns and examples."""
    from mantracheck.engine.loader import load_rules
    from mantracheck.errors import UsageError

    ruleset = load_rules(_with_config_packs(ctx.obj["rule_paths"]))
    rule = ruleset.by_id().get(rule_id)
    if rule is None:
        close = [r.id for r in ruleset.rules if rule_id in r.id]
        hint = f" Did you mean {', '.join(close[:3])}?" if close else " 'mantracheck rules' lists them."
        raise UsageError(f"unknown rule {rule_id!r}.{hint}")
    from mantracheck.formatters.escape import printable  # a team pack's text is the repository's

    click.echo(f"{printable(rule.id)}  ({rule.kind}, {rule.severity})")
    if rule.profile_severity:
        click.echo("severity by profile: " + ", ".join(f"{p}={s}" for p, s in sorted(rule.profile_severity.items())))
    click.echo("profiles: " + ", ".join(p for p in ruleset.profiles if p in rule.profiles))
    for profile, (options, _, _) in sorted(rule.by_profile.items()):
        changed = {k: v for k, v in options.items() if rule.options.get(k) != v}
        shown = ", ".join(f"{k}={v}" for k, v in changed.items()) or "its own patterns"
        click.echo(f"in {profile}: {printable(shown)}")
    click.echo("")
    click.echo(click.wrap_text(printable(rule.description), width=88))
    if rule.scope == "message":
        from mantracheck.engine.textkind import HOW

        click.echo("\nAsked only of whole messages, never of fragments. A text is a fragment or a message by the")
        click.echo("first of these that applies:")
        for i, line in enumerate(HOW, 1):
            click.echo(click.wrap_text(line, width=88, initial_indent=f"  {i}. ", subsequent_indent="     "))
    if rule.link:
        click.echo(f"\nSee: {printable(rule.link)}")
    if rule.suggestions:
        click.echo("\nSuggestions:")
        for s in rule.suggestions:
            click.echo(f"  - {printable(s)}")
    click.echo("\nBad:")
    for text in rule.bad:
        click.echo(f"  x {printable(text)}")
    click.echo("Good:")
    for text in rule.good:
        click.echo(f"  + {printable(text)}")
    click.echo(f"\nDefined in {printable(str(rule.path))}")


@rules.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Write to this file instead of standard output.")
@click.option("--check", is_flag=True, help="Exit 1 if --output is not current (for CI and tests).")
@rule_paths_option
@click.pass_context
def docs(ctx: click.Context, output: str | None, check: bool, rule_paths: tuple[str, ...]) -> None:
    """Write the Markdown rule reference generated from the rule YAML: the built-in rules, or
    with --rules DIR your own packs'."""
    import sys

    from mantracheck.docs import render_reference
    from mantracheck.engine.loader import load_rules
    from mantracheck.errors import UsageError

    paths = tuple(rule_paths) or tuple(ctx.obj["rule_paths"])
    text = render_reference(load_rules(paths), own=bool(paths))
    if output is None:
        if check:
            raise UsageError("--check needs --output FILE")
        click.echo(text, nl=False)
        return
    if check:
        try:
            with open(output, encoding="utf-8") as handle:
                current = handle.read() == text
        except OSError:
            current = False
        if not current:
            click.echo(f"{output} is out of date; run: mantracheck rules docs --output {output}", err=True)
            sys.exit(1)
        click.echo(f"{output} is current.")
        return
    from mantracheck.fix import write_text_atomically

    write_text_atomically(output, text)
    click.echo(f"wrote {output}")


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path())
def test_rules(paths: tuple[str, ...]) -> None:
    """Validate rule packs and run their examples (all built-in rules when no PATHS).

    PATHS are rule files or pack folders. Exit 1 when an example fails, 2 when a rule is
    invalid.
    """
    import sys

    from mantracheck.cli import ready
    from mantracheck.engine.selftest import check_examples, load_for_test, unfilled_fields

    ruleset, chosen = load_for_test(paths)
    ready()  # collect garbage again (see cli.main)
    for warning in unfilled_fields(chosen):
        click.echo(f"warning: {warning}")
    failures = check_examples(ruleset, chosen)
    for failure in failures:
        click.echo(str(failure))
    examples = sum(len(r.good) + len(r.bad) for r in chosen)
    click.echo(f"{len(chosen)} rule{'' if len(chosen) == 1 else 's'}, {examples} examples: {examples - len(failures)} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


RULE_TEMPLATE = """\
# {rule_id}: one rule, one file. The id comes from the folder and file name.
kind: existence
severity: warning
# profiles: [support, script, marketing]   # which profiles run it (all when left out)
message: "'{{match}}' -- say what is wrong and why."
description: >-
  Why this matters to a customer, in two or three sentences. Cite public guidance with
  'link' where there is some.
# link: https://example.com/guideline
patterns:
  - "replace me"                 # a phrase: case-insensitive, contractions folded
  # - lemma: "promise"           # any inflection
  # - regex: '\\bwithin \\d+ hours?\\b'
  # - tokens: [{{LOWER: "risk"}}, {{LOWER: "free"}}]
skip_when: [negated, hedged]
suggestions:
  - "What to write instead."
examples:
  good:
    - "A sentence this rule must not flag."
  bad:
    - "A sentence with replace me in it."
"""


@rules.command("new")
@click.argument("rule_id")
@click.option("--dir", "folder", type=click.Path(file_okay=False), default="rules", show_default=True, help="The folder holding your packs.")
def new_rule(rule_id: str, folder: str) -> None:
    """Scaffold PACK.NAME as FOLDER/PACK/NAME.yaml with examples that pass 'rules test'."""
    import os

    from mantracheck.engine.schema import ID_PART
    from mantracheck.errors import UsageError

    pack, _, name = rule_id.partition(".")
    if not (ID_PART.match(pack) and ID_PART.match(name)):
        raise UsageError(f"rule id {rule_id!r} must be PACK.NAME, each lower-case words joined by '-'")
    path = os.path.join(folder, pack, f"{name}.yaml")
    if os.path.exists(path):
        raise UsageError(f"{path} already exists; not overwriting it")
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(RULE_TEMPLATE.format(rule_id=rule_id))
    except OSError as exc:
        raise UsageError(f"cannot create {path}: {exc.strerror or exc}") from None
    click.echo(f"created {path}; edit it, then run: mantracheck rules test {path}")
