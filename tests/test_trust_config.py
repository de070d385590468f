"""A repository's configuration is untrusted input (issue 18, items 2-4): a config file cannot
make mantracheck load code (a folder or an arbitrary package as the spaCy pipeline), read rule
packs outside the repository, hide the files it should lint, or echo what a file holds in an
error; and config discovery stops at the repository root."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mantracheck.cli import cli
from mantracheck.config import discover, load_config
from mantracheck.errors import ConfigError

G = "We guarantee it.\n"
#: a finding any pipeline gives (a phrase, no lemma needed)
PHRASE = "Delivery is guaranteed.\n"
SECRET = "hunter2-s3cret"
PROMISE_RULE = """\
kind: existence
severity: error
message: "'{match}' is a promise."
description: Promises we cannot keep.
patterns: [promise]
suggestions: [Say what you will do.]
examples:
  good: [We will try.]
  bad: [We promise.]
"""


def invoke(*args: str, input: str | None = None, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input, env=env)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def repo(folder: Path) -> Path:
    (folder / ".git").mkdir(parents=True)
    return folder


def one_error_line(result: Any) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


# -- item 4: discovery stops at the repository root ------------------------------------------
@pytest.mark.parametrize("git", ["folder", "file"])
def test_discovery_stops_at_the_repository_root(tmp_path: Path, git: str) -> None:
    write(tmp_path / ".mantracheck.toml", "profile = 'marketing'\n")  # above the repository
    root = tmp_path / "repo"
    deep = root / "emails" / "spring"
    deep.mkdir(parents=True)
    if git == "folder":
        (root / ".git").mkdir()
    else:  # a worktree or a submodule: .git is a file
        write(root / ".git", "gitdir: ../elsewhere/.git\n")
    assert discover(deep) is None
    assert load_config(start=str(deep)).path is None
    # A config inside the repository, at its root or below, is found as before.
    write(root / "pyproject.toml", "[tool.mantracheck]\nprofile = 'script'\n")
    assert discover(deep) == root / "pyproject.toml"
    write(root / "emails" / ".mantracheck.yaml", "profile: support\n")
    assert discover(deep) == root / "emails" / ".mantracheck.yaml"


def test_discovery_outside_any_repository_walks_up_as_before(tmp_path: Path) -> None:
    write(tmp_path / ".mantracheck.toml", "profile = 'marketing'\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    assert discover(deep) == tmp_path / ".mantracheck.toml"


def test_cli_in_a_repository_ignores_a_config_above_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A config above the repository that would hide every finding.
    write(tmp_path / ".mantracheck.toml", "ignore = ['overpromise']\n")
    root = repo(tmp_path / "repo")
    write(root / "reply.txt", G)
    monkeypatch.chdir(root)
    result = invoke("lint", "--format", "concise", "reply.txt")
    assert result.exit_code == 1, result.output
    assert result.output.startswith("reply.txt:1:1: error overpromise.guarantee"), result.output


# -- item 2: a config's model names an installed spaCy pipeline package, nothing else -------
def fake_distribution(site: Path, name: str, *, pipeline: bool, marker: Path | None = None) -> None:
    """An installed distribution ``name`` in ``site``: a spaCy pipeline package (an entry
    point in the group 'spacy_models' and a meta.json, as ``spacy package`` makes them) or
    any other package (whose import leaves ``marker``)."""
    info = site / f"{name}-1.0.dist-info"
    write(info / "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    body = ""
    if marker is not None:
        body += f"open({str(marker)!r}, 'w').write('imported')\n"
    if pipeline:
        write(info / "entry_points.txt", f"[spacy_models]\n{name} = {name}\n")
        write(site / name / "meta.json", json.dumps({"lang": "en", "name": name.split("_", 1)[-1], "version": "1.0", "pipeline": []}))
        body += "def load(**overrides):\n    from tests.test_trust_config import lemma_pipeline\n    return lemma_pipeline()\n"
    write(site / name / "__init__.py", body)


def lemma_pipeline() -> Any:
    """A small pipeline that has lemmas (what the built-in guarantee rule needs)."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of installed packages on sys.path, outside the repository."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def test_config_model_cannot_name_a_folder_in_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    root = repo(tmp_path / "repo")
    spacy.blank("en").to_disk(root / "pipe")  # a saved pipeline committed in the repository
    cfg = write(root / ".mantracheck.toml", "model = 'pipe'\n")
    with pytest.raises(ConfigError) as info:
        load_config(str(cfg))
    assert str(info.value).startswith(f"{cfg}: model: ")
    assert "--model" in str(info.value) and "MANTRACHECK_MODEL" in str(info.value)
    monkeypatch.chdir(root)
    line = one_error_line(invoke("lint", "-", input=G))
    assert line.startswith(f"mantracheck: error: {cfg}: model: ")


def test_config_model_cannot_import_any_installed_package(tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    marker = tmp_path / "imported"
    fake_distribution(site, "mc_not_a_pipeline", pipeline=False, marker=marker)
    root = repo(tmp_path / "repo")
    cfg = write(root / ".mantracheck.toml", "model = 'mc_not_a_pipeline'\n")
    monkeypatch.chdir(root)
    line = one_error_line(invoke("lint", "-", input=G))
    assert line.startswith(f"mantracheck: error: {cfg}: model: ") and "not an installed spaCy pipeline package" in line, line
    assert not marker.exists(), "the package was imported"
    # Names that are not plain package names are refused the same way, before any look-up.
    for name in ("../pipe", "/abs/pipe", "a.b", "blank:xx", "-x"):
        write(root / ".mantracheck.toml", f"model = {name!r}\n")
        with pytest.raises(ConfigError, match=r": model: "):
            load_config(str(cfg))


def test_config_model_in_the_repository_is_refused_even_as_a_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipeline package committed in the repository, on sys.path (python -m adds the
    current folder), is still the repository's code."""
    root = repo(tmp_path / "repo")
    marker = tmp_path / "imported"
    fake_distribution(root, "mc_repo_pipeline", pipeline=True, marker=marker)
    monkeypatch.syspath_prepend(str(root))
    cfg = write(root / ".mantracheck.toml", "model = 'mc_repo_pipeline'\n")
    with pytest.raises(ConfigError, match=r": model: .*inside the repository"):
        load_config(str(cfg))
    assert not marker.exists()


def test_config_model_may_name_an_installed_pipeline_package(tmp_path: Path, site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_distribution(site, "mc_fake_pipeline", pipeline=True)
    root = repo(tmp_path / "repo")
    cfg = write(root / ".mantracheck.toml", "model = 'mc_fake_pipeline'\n")
    assert load_config(str(cfg)).model == "mc_fake_pipeline"
    write(root / "reply.txt", PHRASE)
    monkeypatch.chdir(root)
    result = invoke("lint", "--format", "concise", "reply.txt")
    assert result.exit_code == 1, result.output
    assert "reply.txt:1:13: error overpromise.guarantee" in result.output, result.output
    # The built-in pipeline by name is fine too.
    write(root / ".mantracheck.toml", "model = 'blank:en'\n")
    assert load_config(str(cfg)).model == "blank:en"


def test_a_path_or_any_name_may_come_from_the_command_line_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path / "repo")
    lemma_pipeline().to_disk(root / "pipe")
    monkeypatch.chdir(root)
    assert invoke("lint", "--model", "pipe", "--format", "concise", "-", input=PHRASE).exit_code == 1
    assert invoke("lint", "--format", "concise", "-", input=PHRASE, env={"MANTRACHECK_MODEL": "pipe"}).exit_code == 1
    missing = invoke("lint", "-", input=G, env={"MANTRACHECK_MODEL": "no_such_pipeline_xyz"})
    assert missing.exit_code == 2 and "'no_such_pipeline_xyz' is not installed" in missing.output, missing.output


# -- item 3: rule_paths --------------------------------------------------------------------
def test_rule_paths_skip_only_the_rule_packs_and_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = repo(tmp_path / "repo")
    write(root / ".mantracheck.toml", "rule_paths = ['.']\n")
    write(root / "team" / "promise.yaml", PROMISE_RULE)
    write(root / "reply.txt", "We promise. " + G)
    write(root / "copy" / "emails" / "replies.yaml", "replies:\n  - body: 'We guarantee it.'\n")
    monkeypatch.chdir(root)
    result = invoke("lint", "--select", "team,overpromise.guarantee", "--format", "concise", ".")
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("./reply.txt:1:4: error team.promise") for line in lines), result.output
    assert any(line.startswith("./reply.txt:1:13: error overpromise.guarantee") for line in lines), result.output
    assert any(line.startswith("./copy/emails/replies.yaml:2:") for line in lines), result.output
    assert not any(line.startswith("./team/") for line in lines), result.output
    assert "mantracheck: ./team: 1 file of the rule pack 'team' not linted (your rules, not copy)" in lines, result.output
    # Named on the command line (as pre-commit passes them): still a rule, still said.
    named = invoke("lint", "--format", "concise", "team/promise.yaml", "reply.txt")
    assert named.exit_code == 1
    assert "mantracheck: team: 1 file of the rule pack 'team' not linted (your rules, not copy)" in named.output.splitlines(), named.output


def test_config_rule_paths_cannot_leave_the_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "outside"
    write(outside / "stray" / "creds.yaml", f"kind: {SECRET}\npassword: {SECRET}\n")
    root = repo(tmp_path / "repo")
    cfg = write(root / ".mantracheck.toml", "rule_paths = ['../outside']\n")
    monkeypatch.chdir(root)
    line = one_error_line(invoke("lint", "-", input=G))
    assert line.startswith(f"mantracheck: error: {cfg}: rule_paths[0]: ") and "outside the repository" in line and "--rules" in line, line
    assert SECRET not in line
    # Through a link committed in the repository, or an absolute path: the same.
    os.symlink(outside, root / "linked")
    for value in ("linked", str(outside)):
        write(cfg, f"rule_paths = [{value!r}]\n")
        with pytest.raises(ConfigError, match=r"rule_paths\[0\]: .*outside the repository"):
            load_config(str(cfg))
    # Without a repository the limit is the config's own folder.
    alone = write(tmp_path / "alone" / ".mantracheck.toml", "rule_paths = ['../outside']\n")
    with pytest.raises(ConfigError, match=r"rule_paths\[0\]: .*outside"):
        load_config(str(alone))
    # Given on the command line, the user chose it: loaded (and its error echoes no value).
    chosen = one_error_line(invoke("lint", "--no-config", "--rules", str(outside), "-", input=G))
    assert chosen.startswith(f"mantracheck: error: {outside / 'stray' / 'creds.yaml'}: kind: expected one of") and SECRET not in chosen, chosen


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (f"fail_on = '{SECRET}'\n", "fail_on"),
        (f"profile = ['{SECRET}']\n", "profile"),
        (f"min_courtesy = '{SECRET}'\n", "min_courtesy"),
        (f"model = {{token = '{SECRET}'}}\n", "model"),
        (f"select = {{token = '{SECRET}'}}\n", "select"),
        (f"exclude = [1, '{SECRET}']\n", "exclude"),
        (f"report_unused_directives = '{SECRET}'\n", "report_unused_directives"),
        (f"rule_paths = ['{SECRET}']\n", "rule_paths[0]"),
        (f"placeholders = ['({SECRET}']\n", "placeholders[0]"),
        (f"[severity]\n'overpromise.guarantee' = '{SECRET}'\n", "severity.overpromise.guarantee"),
        (f"ignore = ['{SECRET}']\n", "ignore[0]"),
        (f"[overrides]\n'emails/**' = {{profile = '{SECRET}'}}\n", "overrides.emails/**.profile"),
    ],
)
def test_config_errors_name_the_key_and_the_kind_never_the_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, key: str) -> None:
    root = repo(tmp_path / "repo")
    cfg = write(root / ".mantracheck.toml", body)
    monkeypatch.chdir(root)
    line = one_error_line(invoke("lint", "-", input=G))
    assert line.startswith(f"mantracheck: error: {cfg}: {key}: "), line
    assert SECRET not in line, line


@pytest.mark.parametrize(
    ("body", "key"),
    [
        (PROMISE_RULE.replace("kind: existence", f"kind: {SECRET}"), "kind"),
        (PROMISE_RULE.replace("severity: error", f"severity: {{default: error, support: {SECRET}}}"), "severity.support"),
        (PROMISE_RULE.replace("message: \"'{match}' is a promise.\"", f"message: [{SECRET}]"), "message"),
        (PROMISE_RULE + f"profiles: [{SECRET}]\n", "profiles[0]"),
        (PROMISE_RULE + f"needs: [{SECRET}]\n", "needs[0]"),
        (PROMISE_RULE + f"link: {SECRET}\n", "link"),
        (PROMISE_RULE.replace("patterns: [promise]", f"patterns: [{{regex: {{k: {SECRET}}}}}]"), "patterns[0].regex"),
        (PROMISE_RULE + f"skip_when: [{SECRET}]\n", "skip_when[0]"),
    ],
)
def test_rule_errors_name_the_key_and_the_kind_never_the_value(tmp_path: Path, body: str, key: str) -> None:
    write(tmp_path / "rules" / "team" / "broken.yaml", body)
    line = one_error_line(invoke("lint", "--no-config", "--rules", str(tmp_path / "rules"), "-", input=G))
    assert line.startswith(f"mantracheck: error: {tmp_path / 'rules' / 'team' / 'broken.yaml'}: {key}: "), line
    assert SECRET not in line, line
