"""README.md stays short and true: its length, its links, and its pre-commit snippet run as
written by real pre-commit against this repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_precommit import ROOT, make_repo

README = ROOT / "README.md"
#: The documentation README links to, checked for broken relative links too.
DOCS = [README, *sorted((ROOT / "docs").glob("*.md")), ROOT / "eval" / "README.md"]

MAX_LINES = 300
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"`[^`\n]*`")
HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$", re.MULTILINE)

BAD_TEMPLATE = (
    "Hi {{ first_name }},\n\nWe guarantee your refund will arrive within 24 hours.\n\n"
    "Thanks,\nThe Support Team\n"
)
GOOD_TEMPLATE = (
    "Hi {{ first_name }},\n\nThanks for your patience. We can't promise a date yet, "
    "but we'll update you as soon as we hear back from the bank.\n\nBest,\nThe Support Team\n"
)


def _prose(text: str) -> str:
    """The Markdown without fenced code blocks and code spans (their brackets are not links)."""
    return CODE_SPAN.sub("", FENCE.sub("", text))


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", heading)
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _anchors(path: Path) -> set[str]:
    seen: dict[str, int] = {}
    out = set()
    for heading in HEADING.findall(FENCE.sub("", path.read_text(encoding="utf-8"))):
        slug = _slug(heading)
        n = seen.get(slug, 0)
        seen[slug] = n + 1
        out.add(slug if n == 0 else f"{slug}-{n}")
    return out


def test_readme_is_at_most_300_lines() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_LINES, f"README.md has {len(lines)} lines; move detail to docs/"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_at_files_that_exist(doc: Path) -> None:
    assert doc.is_file(), doc
    broken = []
    for target in LINK.findall(_prose(doc.read_text(encoding="utf-8"))):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):  # https:, mailto: ...
            continue
        path_part, _, anchor = target.partition("#")
        dest = (doc.parent / path_part).resolve() if path_part else doc
        if not dest.exists():
            broken.append(f"{target}: no such file")
        elif anchor and dest.suffix == ".md" and anchor not in _anchors(dest):
            broken.append(f"{target}: no heading with that anchor in {dest.relative_to(ROOT)}")
    assert not broken, f"{doc.relative_to(ROOT)}: " + "; ".join(broken)


def test_readme_links_every_doc() -> None:
    links = set(LINK.findall(_prose(README.read_text(encoding="utf-8"))))
    missing = [str(p.relative_to(ROOT)) for p in DOCS[1:] if str(p.relative_to(ROOT)) not in links]
    assert not missing, f"README.md does not link {missing}"


# --- the pre-commit snippet, as written ------------------------------------------------------


def readme_precommit_snippet() -> str:
    """The README's pre-commit configuration, verbatim: the YAML block that holds ``repos:``."""
    text = README.read_text(encoding="utf-8")
    yaml_blocks = re.findall(r"^```ya?ml\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    blocks = [b for b in yaml_blocks if b.startswith("repos:")]
    assert len(blocks) == 1, f"expected one pre-commit YAML block in README.md, found {len(blocks)}"
    return blocks[0]


def test_snippet_names_a_rev_and_a_placeholder_repo() -> None:
    snippet = readme_precommit_snippet()
    assert re.search(r"^\s+rev:\s*\S+", snippet, re.MULTILINE), snippet
    assert len(re.findall(r"^\s+- repo:", snippet, re.MULTILINE)) == 1, snippet
    assert "- id: mantracheck\n" in snippet or "- id: mantracheck " in snippet, snippet


def _with_repo(snippet: str, repo: Path) -> str:
    """The snippet with only the ``repo:`` URL replaced (its comment and the rest kept)."""
    out, n = re.subn(
        r"^(\s+- repo:\s*)\S+", lambda m: m.group(1) + str(repo), snippet, flags=re.MULTILINE
    )
    assert n == 1
    return out


def _git_out(*args: str) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() if done.returncode == 0 else None


def _checkout_with_rev(rev: str) -> None:
    """Skips unless ROOT is a git checkout whose refs name ``rev``, as pre-commit will fetch it."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    top = _git_out("rev-parse", "--show-toplevel")
    if top is None or Path(top).resolve() != ROOT.resolve():
        pytest.skip(f"{ROOT} is not a git checkout")
    if _git_out("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}") is None:
        pytest.skip(f"this checkout has no branch, tag or commit named {rev!r} (the snippet's rev)")


def _pre_commit_run(repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    """``python -m pre_commit run --all-files`` in ``repo``, with its own cache in ``home``: a
    branch named by ``rev`` is cloned once per cache and never updated, so a shared cache
    would test an old commit."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PRE_COMMIT", "GIT_"))}
    env["PRE_COMMIT_HOME"] = str(home)
    env.setdefault("GIT_AUTHOR_NAME", "t")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env,
        timeout=1200,
        check=False,
    )


def _templates_folder(snippet: str) -> str:
    """The folder the snippet's ``mantracheck`` hook selects with ``files: ^FOLDER/...``."""
    match = re.search(r"- id: mantracheck\b[^\n]*\n\s+files:\s*\^([\w.-]+)/", snippet)
    assert match, (
        f"the mantracheck hook's files: should select a folder, as ^templates/...:\n{snippet}"
    )
    return match.group(1)


@pytest.mark.slow
def test_readme_precommit_snippet_runs_as_written(tmp_path_factory: pytest.TempPathFactory) -> None:
    snippet = readme_precommit_snippet()
    rev_line = re.search(r"^\s+rev:\s*['\"]?([^\s'\"#]+)", snippet, re.MULTILINE)
    assert rev_line, snippet
    rev = rev_line.group(1)
    _checkout_with_rev(rev)
    config = _with_repo(snippet, ROOT)
    folder = _templates_folder(snippet)
    home = tmp_path_factory.mktemp("pre-commit-home")

    bad_repo = make_repo(
        tmp_path_factory,
        "readme-bad",
        {".pre-commit-config.yaml": config, f"{folder}/refund-promise.txt": BAD_TEMPLATE},
    )
    bad = _pre_commit_run(bad_repo, home)
    out = bad.stdout + bad.stderr
    assert bad.returncode == 1, out
    assert "- hook id: mantracheck\n" in bad.stdout, out
    assert f"{folder}/refund-promise.txt:3:1: error overpromise.guarantee" in bad.stdout, out

    good_repo = make_repo(
        tmp_path_factory,
        "readme-good",
        {
            ".pre-commit-config.yaml": config,
            f"{folder}/refund-update.txt": GOOD_TEMPLATE,
            # Outside the folder the snippet selects: must not be linted.
            "notes/plan.txt": BAD_TEMPLATE,
        },
    )
    good = _pre_commit_run(good_repo, home)
    out = good.stdout + good.stderr
    assert good.returncode == 0, out
    assert "Passed" in good.stdout and "Failed" not in good.stdout, out
    assert "overpromise" not in good.stdout, out
