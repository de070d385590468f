"""``mantracheck rules``: list the rules, explain one."""

from __future__ import annotations

import json

import click

from mantracheck.cli.options import rule_paths_option


@click.group(invoke_without_command=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--profile", default=None, help="Only the rules of this profile.")
@rule_paths_option
@click.pass_context
def rules(ctx: click.Context, fmt: str, profile: str | None, rule_paths: tuple[str, ...]) -> None:
    """List the rules (id, severity, profiles, what it checks)."""
    ctx.obj = {"rule_paths": rule_paths}
    if ctx.invoked_subcommand is not None:
        return
    from mantracheck.engine.loader import load_rules
    from mantracheck.errors import UsageError

    ruleset = load_rules(tuple(rule_paths))
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
    width = max((len(r.id) for r in listed), default=10)
    for r in listed:
        sev = str(r.severity) + ("*" if r.profile_severity else "")
        profiles = ",".join(p for p in ruleset.profiles if p in r.profiles)
        click.echo(f"{r.id:<{width}}  {sev:<8}  {profiles:<24}  {r.one_line()}")
    click.echo(f"\n{len(listed)} rules in {len({r.pack for r in listed})} packs. "
               "* severity differs by profile. 'mantracheck rules explain ID' for details.")


@rules.command()
@click.argument("rule_id")
@click.pass_context
def explain(ctx: click.Context, rule_id: str) -> None:
    """Print a rule's description, severity, patterns and examples."""
    from mantracheck.engine.loader import load_rules
    from mantracheck.errors import UsageError

    ruleset = load_rules(tuple(ctx.obj["rule_paths"]))
    rule = ruleset.by_id().get(rule_id)
    if rule is None:
        close = [r.id for r in ruleset.rules if rule_id in r.id]
        hint = f" Did you mean {', '.join(close[:3])}?" if close else " 'mantracheck rules' lists them."
        raise UsageError(f"unknown rule {rule_id!r}.{hint}")
    click.echo(f"{rule.id}  ({rule.kind}, {rule.severity})")
    if rule.profile_severity:
        click.echo("severity by profile: " + ", ".join(f"{p}={s}" for p, s in sorted(rule.profile_severity.items())))
    click.echo("profiles: " + ", ".join(p for p in ruleset.profiles if p in rule.profiles))
    click.echo("")
    click.echo(click.wrap_text(rule.description, width=88))
    if rule.link:
        click.echo(f"\nSee: {rule.link}")
    if rule.suggestions:
        click.echo("\nSuggestions:")
        for s in rule.suggestions:
            click.echo(f"  - {s}")
    click.echo("\nBad:")
    for text in rule.bad:
        click.echo(f"  x {text}")
    click.echo("Good:")
    for text in rule.good:
        click.echo(f"  + {text}")
    click.echo(f"\nDefined in {rule.path}")
