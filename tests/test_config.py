"""Configuration discovery, validation and per-path merging."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mantracheck.config import check_names, discover, glob_match, load_config, with_cli
from mantracheck.errors import ConfigError
from mantracheck.models import Severity


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        ("templates/support/**", "templates/support/a/b.txt", True),
        ("templates/support/**", "templates/marketing/a.txt", False),
        ("emails/*.txt", "emails/a.txt", True),
        ("emails/*.txt", "emails/old/a.txt", False),
        ("*.md", "deep/in/here.md", True),
        ("**/drafts/**", "a/drafts/b.txt", True),
        ("drafts", "a/drafts", True),
        ("./.github/**", ".github/workflows/ci.yml", True),  # (lstrip("./") took the dot of .github)
        ("./emails/*.txt", "emails/a.txt", True),
        # character classes and escapes, as in .gitignore
        ("[Rr]eadme.md", "docs/readme.md", True),
        ("[Rr]eadme.md", "docs/README.md", False),
        ("*.[!ch]", "src/a.c", False),
        ("*.[!ch]", "src/a.x", True),
        ("emails/[0-9]*/x.txt", "emails/2024/x.txt", True),
        ("a[/]b", "a/b", False),  # a class never matches "/"
        ("[]x].txt", "].txt", True),
        ("[a.md", "[a.md", True),  # an unclosed "[" is a character
        ("\\*.txt", "*.txt", True),
        ("\\*.txt", "a.txt", False),
        ("\\!important.txt", "notes/!important.txt", True),  # (the way to name one)
    ],
)
def test_glob_match(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected


def test_an_override_naming_a_folder_applies_to_every_file_under_it(tmp_path: Path) -> None:
    """As in exclude (and .gitignore): "partials" and "emails/" name the folders, so the files
    in them take the override; before, such a pattern matched no file at all."""
    cfg = write(tmp_path / ".mantracheck.toml", '[overrides]\n"partials" = { kind = "fragment" }\n"emails/" = { profile = "marketing" }\n"[Ll]egal/*.txt" = { ignore = ["courtesy"] }\n')
    config = load_config(str(cfg))
    assert config.settings_for(str(tmp_path / "mail" / "partials" / "footer.html")).kind == "fragment"
    assert config.settings_for(str(tmp_path / "emails" / "2024" / "spring.txt")).profile == "marketing"
    assert config.settings_for(str(tmp_path / "legal" / "terms.txt")).ignore == ("courtesy",)
    plain = config.settings_for(str(tmp_path / "replies" / "partials.txt"))
    assert plain.kind is None and plain.profile is None and plain.ignore == ()
    # and through the command line: a text of such a folder is a fragment, so its missing
    # greeting is no finding (without the config it is one: "blurbs" is no built-in folder)
    write(tmp_path / "blurbs" / "spring.txt", "Your order has shipped and should reach you on Monday morning.\n\nIf anything arrives damaged, reply to this email with a photo and we will arrange a replacement.\n")
    from click.testing import CliRunner

    from mantracheck.cli import cli

    write(cfg, '[overrides]\n"blurbs" = { kind = "fragment" }\n')
    target = str(tmp_path / "blurbs" / "spring.txt")
    without = CliRunner().invoke(cli, ["lint", "--no-config", "--format", "json", target])
    with_config = CliRunner().invoke(cli, ["lint", "--config", str(cfg), "--format", "json", target])
    assert '"courtesy.greeting"' in without.output
    assert '"courtesy.greeting"' not in with_config.output and with_config.exit_code == 0, with_config.output


def test_discovery_walks_up_and_prefers_dedicated_files(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[project]\nname = 'x'\n")  # no [tool.mantracheck]
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert discover(deep) is None
    write(tmp_path / "pyproject.toml", "[tool.mantracheck]\nprofile = 'script'\n")
    assert discover(deep) == tmp_path / "pyproject.toml"
    write(tmp_path / "a" / ".mantracheck.yaml", "profile: marketing\n")
    assert discover(deep) == tmp_path / "a" / ".mantracheck.yaml"
    assert load_config(start=str(deep)).base.profile == "marketing"
    assert load_config(use_config=False, start=str(deep)).path is None


def test_overrides_merge_per_path(tmp_path: Path) -> None:
    cfg = write(
        tmp_path / "pyproject.toml",
        """
[tool.mantracheck]
profile = "support"
ignore = ["courtesy.greeting"]
severity = {"overpromise.guarantee" = "warning"}
exclude = ["vendor/**"]
fail_on = "warning"

[tool.mantracheck.overrides]
"templates/support/**" = {profile = "support"}
"emails/**" = {profile = "marketing", ignore = ["overpromise.time-commitment"]}
""",
    )
    config = load_config(str(cfg))
    assert config.fail_on is Severity.WARNING
    emails = config.settings_for(str(tmp_path / "emails" / "spring.txt"))
    assert emails.profile == "marketing"
    assert emails.ignore == ("courtesy.greeting", "overpromise.time-commitment")
    assert emails.severity_map() == {"overpromise.guarantee": Severity.WARNING}
    assert config.settings_for(str(tmp_path / "other.txt")).profile == "support"
    assert config.is_excluded(str(tmp_path / "vendor" / "x" / "y.txt"))
    assert not config.is_excluded(str(tmp_path / "emails" / "y.txt"))
    # A profile on the command line wins everywhere.
    forced = with_cli(config, profile="script")
    assert forced.settings_for(str(tmp_path / "emails" / "spring.txt")).profile == "script"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.mantracheck]\ncolour = 'red'\n", "pyproject.toml: colour: unknown key; expected one of profile, select"),
        ("[tool.mantracheck]\nfail_on = 'fatal'\n", "pyproject.toml: fail_on: expected one of error, warning, info, got another string"),
        ("[tool.mantracheck]\nseverity = {'overpromise.guarantee' = 'loud'}\n", "severity.overpromise.guarantee: expected one of error, warning, info"),
        ("[tool.mantracheck.overrides]\n'emails/**' = {profil = 'marketing'}\n", "overrides.emails/**.profil: unknown key; expected one of profile, select, ignore, severity"),
        ("[tool.mantracheck]\nrule_paths = ['nowhere']\n", "rule_paths[0]: no such folder"),
        # a "!" pattern would re-include in .gitignore; here it matched nothing, silently
        ("[tool.mantracheck]\nexclude = ['drafts/**', '!drafts/keep.txt']\n", 'exclude[1]: a "!" pattern (re-include, as in .gitignore) is not supported'),
        ("[tool.mantracheck.overrides]\n'!drafts' = {profile = 'marketing'}\n", 'overrides.!drafts: a "!" pattern (re-include, as in .gitignore) is not supported'),
        ("[tool.mantracheck]\nplaceholders = ['(unclosed']\n", "placeholders[0]: invalid regular expression"),
        ("[tool.mantracheck\n", "invalid TOML"),
        # each was an internal error (exit 3, or 'please report it' on every YAML file)
        ("tool = 3\n", "tool: expected a table ([tool.mantracheck]), got a number"),
        ("[tool.mantracheck]\nfields = ['[x]']\n", "fields[0]: expected KEY or KEY[SIBLING=VALUE]"),
        ("[tool.mantracheck]\nrule_paths = ['loop']\n", "rule_paths[0]: a link that cannot be followed"),
    ],
)
def test_invalid_config_names_file_and_key(tmp_path: Path, body: str, message: str) -> None:
    cfg = write(tmp_path / "pyproject.toml", body)
    (tmp_path / "loop").symlink_to("loop")
    with pytest.raises(ConfigError) as info:
        load_config(str(cfg))
    assert str(info.value).startswith(str(cfg))
    assert message in str(info.value)


def test_yaml_config_errors_name_the_file(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".mantracheck.yaml", "profile: [unclosed\n")
    with pytest.raises(ConfigError, match=r"\.mantracheck\.yaml: invalid YAML at line"):
        load_config(str(cfg))


def test_unknown_rule_ids_in_config_are_errors(tmp_path: Path) -> None:
    cfg = write(tmp_path / ".mantracheck.toml", "ignore = ['courtesy.nope']\n")
    config = load_config(str(cfg))
    with pytest.raises(ConfigError, match=r"\.mantracheck\.toml: ignore\[0\]: unknown rule or pack; "):
        check_names(config, ["courtesy.greeting"], ["courtesy"], ["support"])


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(os.path.join(tmp_path, "nope.toml"))


def test_fields_and_unused_directives_from_config_reach_the_linter(tmp_path: Path) -> None:
    from mantracheck.api import lint_paths

    cfg = write(tmp_path / ".mantracheck.toml", "fields = ['note']\nreport_unused_directives = true\n")
    export = write(tmp_path / "macros.json", '{"note": "We guarantee it.", "body": "We guarantee that too."}\n')
    config = load_config(str(cfg))
    assert config.fields == ("note",) and config.report_unused_directives is True
    result = lint_paths([str(export)], config=config, select=("overpromise.guarantee",))
    assert [(f.line, f.column) for f in result.findings] == [(1, 11)]  # "note" linted, "body" not
    with pytest.raises(ConfigError, match="report_unused_directives: expected true or false"):
        load_config(str(write(tmp_path / "bad.toml", "report_unused_directives = 'yes'\n")))


def test_rule_paths_that_hold_no_rules_are_errors_and_a_pack_named_twice_loads_once(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mantracheck.cli import cli

    pack = write(tmp_path / "rules" / "team" / "no-jargon.yaml", """\
kind: existence
severity: error
message: "'{match}' is jargon."
description: Say it plainly.
patterns: [{regex: '\\bsynergy\\b'}]
examples:
  good: ["We work together."]
  bad: ["Our synergy."]
""").parent
    (tmp_path / "empty").mkdir()
    reply = write(tmp_path / "a.txt", "Our synergy.\n")
    empty = CliRunner().invoke(cli, ["lint", "--no-config", "--rules", str(tmp_path / "empty"), str(reply)])
    assert empty.exit_code == 2 and "no rule files here" in empty.stderr  # (it loaded nothing, silently)
    twice = CliRunner().invoke(cli, ["lint", "--no-config", "--rules", str(tmp_path / "rules"), "--rules", str(pack), "--format", "concise", str(reply)])
    assert twice.exit_code == 1 and twice.stdout.count("team.no-jargon") == 1, twice.output  # ("defined twice" before)
    unwritable = CliRunner().invoke(cli, ["rules", "new", "team.x", "--dir", "/proc/no-such-folder"])
    assert unwritable.exit_code == 2 and "cannot create" in unwritable.stderr



def test_excludes_and_overrides_apply_to_a_file_named_through_a_linked_folder(tmp_path: Path) -> None:
    """An editor or macOS (/var -> /private/var) names a file through a link: the config's
    globs were matched against the unresolved path and silently did not apply."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    write(root / ".mantracheck.toml", 'exclude = ["emails/**"]\n[overrides."drafts/**"]\nprofile = "marketing"\n')
    write(root / "emails" / "a.txt", "We guarantee it.\n")
    write(root / "drafts" / "b.txt", "Best deal.\n")
    (tmp_path / "link").symlink_to(root)
    config = load_config(None, start=str(root))
    assert config.is_excluded(str(tmp_path / "link" / "emails" / "a.txt"))
    assert config.settings_for(str(tmp_path / "link" / "drafts" / "b.txt")).profile == "marketing"


def test_command_line_selection_wins_over_the_file_and_its_overrides(tmp_path: Path) -> None:
    """'Command-line options win': an override's select and the file's ignore used to narrow a
    --select further (--select X on a rule the file ignores ran nothing, exit 0)."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".mantracheck.toml", 'ignore = ["overpromise.guarantee"]\n[overrides."emails/**"]\nselect = ["overpromise.guarantee"]\nignore = ["overpromise.superlative"]\n')
    config = load_config(None, start=str(tmp_path))
    in_emails = str(tmp_path / "emails" / "a.txt")
    assert config.settings_for(in_emails).select == ("overpromise.guarantee",)
    picked = with_cli(config, select=("overpromise.time-commitment",))
    assert picked.settings_for(in_emails).select == ("overpromise.time-commitment",) and picked.settings_for(in_emails).ignore == ()
    named = with_cli(config, select=("overpromise.guarantee",))
    assert named.settings_for(str(tmp_path / "b.txt")).ignore == ()  # (the file ignored it; the command line names it)
    ignoring = with_cli(config, ignore=("overpromise.time-commitment",))
    assert ignoring.settings_for(in_emails).ignore == ("overpromise.time-commitment",)


def test_a_selection_that_leaves_no_rule_is_a_usage_error(tmp_path: Path) -> None:
    """--select X --ignore X ran nothing and passed (exit 0): a check that cannot fail."""
    from click.testing import CliRunner

    from mantracheck.cli import cli

    reply = write(tmp_path / "a.txt", "We guarantee it.\n")
    result = CliRunner().invoke(cli, ["lint", "--no-config", "--select", "overpromise.guarantee", "--ignore", "overpromise", str(reply)])
    assert result.exit_code == 2 and "leave none to run" in result.stderr
    assert CliRunner().invoke(cli, ["lint", "--no-config", "--select", "overpromise.guarantee", str(reply)]).exit_code == 1
