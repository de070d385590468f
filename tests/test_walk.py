"""Folder walks: what ``mantracheck lint DIR`` reads (.gitignore, dot-folders, deep trees) and
the notice for a folder with nothing to read."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mantracheck.api import iter_inputs
from mantracheck.cli import cli
from mantracheck.models import Notice

OVERPROMISE = "We guarantee your refund will arrive within 24 hours.\n"


def tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def walked(*paths: Path | str, notices: list[Notice] | None = None) -> list[str]:
    """What a lint of ``paths`` reads, as paths relative to the first one (for folders)."""
    base = str(paths[0])
    found = [p for p, _ in iter_inputs([str(p) for p in paths], None, [] if notices is None else notices)]
    return [os.path.relpath(p, base).replace(os.sep, "/") if os.path.isdir(base) else p for p in found]


# -- dot-folders and tool folders ------------------------------------------------------
def test_github_templates_are_read_and_tool_folders_are_not(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".github/ISSUE_TEMPLATE/bug.md": "Thanks for the report.\n",
        ".github/PULL_REQUEST_TEMPLATE.md": "Thanks!\n",
        ".gitlab/issue_templates/Bug.md": "Thanks for the report.\n",
        ".git/description.txt": "x\n",
        "node_modules/pkg/README.md": "x\n",
        ".venv/lib/notes.txt": "x\n",
        "__pycache__/x.txt": "x\n",
        "replies/refund.txt": OVERPROMISE,
    })
    assert walked(tmp_path) == [
        ".github/PULL_REQUEST_TEMPLATE.md",
        ".github/ISSUE_TEMPLATE/bug.md",
        ".gitlab/issue_templates/Bug.md",
        "replies/refund.txt",
    ]


def test_order_is_sorted_files_first_then_each_folder(tmp_path: Path) -> None:
    tree(tmp_path, {"b.txt": "x", "a.md": "x", "z/c.txt": "x", "m/d.txt": "x", "m/a/e.txt": "x", "B.txt": "x"})
    assert walked(tmp_path) == ["B.txt", "a.md", "b.txt", "m/d.txt", "m/a/e.txt", "z/c.txt"]


def test_symlinked_folders_are_not_followed(tmp_path: Path) -> None:
    tree(tmp_path, {"real/a.txt": "x", "other/b.txt": "x"})
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "real" / "link.txt").symlink_to(tmp_path / "other" / "b.txt")
    (tmp_path / "real" / "inside.txt").symlink_to(tmp_path / "real" / "a.txt")
    assert walked(tmp_path) == ["other/b.txt", "real/a.txt", "real/inside.txt", "real/link.txt"]


def test_links_out_of_the_walked_folders_are_refused_and_skipped(tmp_path: Path) -> None:
    """Issue 18: a committed link to a file or folder outside what is linted is not read."""
    from mantracheck.api import REFUSED

    tree(tmp_path, {"real/a.txt": "x", "other/b.txt": "x", "other/c.png": "x"})
    (tmp_path / "real" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "real" / "link.txt").symlink_to(tmp_path / "other" / "b.txt")
    (tmp_path / "real" / "picture.png").symlink_to(tmp_path / "other" / "c.png")  # not read anyway: no word
    (tmp_path / "real" / "inside.txt").symlink_to(tmp_path / "real" / "a.txt")
    refused: dict[str, Any] = {}
    found = list(iter_inputs([str(tmp_path / "real")], None, [], refused))
    real = tmp_path / "real"
    assert found == [(str(real / "a.txt"), "text"), (str(real / "inside.txt"), "text"), (str(real / "link.txt"), REFUSED), (str(real / "loop"), REFUSED)]
    assert {k: (str(v), v.skipped) for k, v in refused.items()} == {
        str(real / "link.txt"): ("symbolic link to a file outside the paths being linted, not followed", True),
        str(real / "loop"): ("symbolic link to a folder outside the paths being linted, not followed", True),
    }
    # named too, the folder it leads to is inside what is linted
    assert [p for p, f in iter_inputs([str(real), str(tmp_path / "other")], None, []) if f == REFUSED] == [str(real / "loop")]


def test_an_unlistable_folder_is_an_input_that_could_not_be_checked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It fails the run (issue 18): yielded with the format REFUSED, reported as a file that
    could not be checked (tests/test_trust_files.py runs it for real)."""
    from mantracheck.api import REFUSED
    from mantracheck.text import walk

    tree(tmp_path, {"ok/a.txt": "x", "locked/b.txt": "x"})
    scandir = os.scandir

    def refuse(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(walk.os, "scandir", refuse)
    for root in (tmp_path, tmp_path / "locked"):
        notices: list[Notice] = []
        refused: dict[str, Any] = {}
        found = list(iter_inputs([str(root)], None, notices, refused))
        assert (str(tmp_path / "locked"), REFUSED) in found and notices == []
        assert {k: (str(v), v.skipped) for k, v in refused.items()} == {str(tmp_path / "locked"): ("cannot list folder: permission denied", False)}


# -- .gitignore ------------------------------------------------------------------------
def test_gitignore_in_the_walked_tree(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".gitignore": "# build output\nbuild/\n*.log.txt\ndrafts/*\n!drafts/keep.md\n/top-only.txt\nnot-a-dir.md/\n",
        "build/out.txt": "x",
        "sub/build/out.txt": "x",
        "app.log.txt": "x",
        "sub/app.log.txt": "x",
        "drafts/a.md": "x",
        "drafts/keep.md": "x",
        "top-only.txt": "x",
        "sub/top-only.txt": "x",
        "not-a-dir.md": "x",
        "reply.txt": "x",
    })
    assert walked(tmp_path) == ["not-a-dir.md", "reply.txt", "drafts/keep.md", "sub/top-only.txt"]


def test_nested_gitignore_files_take_precedence_and_cannot_reinclude_under_an_ignored_folder(tmp_path: Path) -> None:
    tree(tmp_path, {
        ".gitignore": "*.md\nvendor/\n",
        "a.md": "x",
        "a.txt": "x",
        "docs/.gitignore": "!*.md\nprivate.txt\n",
        "docs/guide.md": "x",
        "docs/private.txt": "x",
        "docs/deeper/more.md": "x",
        "vendor/.gitignore": "!*\n",
        "vendor/lib.txt": "x",
    })
    assert walked(tmp_path) == ["a.txt", "docs/guide.md", "docs/deeper/more.md"]


def test_the_repository_root_gitignore_applies_to_a_folder_inside_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tree(tmp_path / "repo", {
        ".gitignore": "generated/\n*.bak.txt\ncopy/secret.txt\n",
        "copy/.gitignore": "!keep.bak.txt\n",
        "copy/emails/a.txt": "x",
        "copy/emails/a.bak.txt": "x",
        "copy/emails/keep.bak.txt": "x",
        "copy/emails/generated/b.txt": "x",
        "copy/secret.txt": "x",
        ".git/info/exclude": "*.local.txt\n",
        "copy/emails/me.local.txt": "x",
    })
    (tmp_path / ".gitignore").write_text("*\n", encoding="utf-8")  # outside the repository: not read
    assert walked(repo / "copy" / "emails") == ["a.txt", "keep.bak.txt"]
    assert walked(repo / "copy") == ["emails/a.txt", "emails/keep.bak.txt"]
    monkeypatch.chdir(repo / "copy")
    assert [p for p, _ in iter_inputs(["emails"], None, [])] == [os.path.join("emails", "a.txt"), os.path.join("emails", "keep.bak.txt")]


def test_a_git_file_marks_the_root_too(tmp_path: Path) -> None:
    """A worktree or submodule has a .git file, not a folder."""
    repo = tree(tmp_path / "wt", {".git": "gitdir: /elsewhere\n", ".gitignore": "*.tmp.txt\n", "copy/a.txt": "x", "copy/b.tmp.txt": "x"})
    assert walked(repo / "copy") == ["a.txt"]


def test_files_named_on_the_command_line_are_read_even_if_ignored(tmp_path: Path) -> None:
    repo = tree(tmp_path / "repo", {".git/HEAD": "x", ".gitignore": "*.txt\nignored-folder/\n", "a.txt": OVERPROMISE, "ignored-folder/b.md": OVERPROMISE})
    assert [p for p, _ in iter_inputs([str(repo / "a.txt")], None, [])] == [str(repo / "a.txt")]
    # a folder named outright is walked too (the patterns inside it still apply)
    assert walked(repo / "ignored-folder") == ["b.md"]
    result = CliRunner().invoke(cli, ["lint", "--format", "concise", str(repo / "a.txt")])
    assert result.exit_code == 1 and "overpromise.guarantee" in result.stdout


# -- licence files ---------------------------------------------------------------------
LICENCE = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this software, to deal in the Software without restriction.\n\n"
    "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED. IN NO EVENT SHALL THE AUTHORS BE LIABLE FOR ANY CLAIM.\n"
)


def test_a_walk_passes_over_licence_files_and_lints_one_named_outright(tmp_path: Path) -> None:
    repo = tree(tmp_path / "repo", {
        "LICENSE.txt": LICENCE, "licence.md": LICENCE, "LICENSE-MIT": LICENCE, "COPYING.md": LICENCE, "NOTICE.txt": LICENCE,
        "docs/COPYRIGHT.md": LICENCE, "LICENSE-THIRD-PARTY.md": LICENCE, "license_key_email.txt": OVERPROMISE, "notice.html": OVERPROMISE,
        "LICENSE_EXPIRED.txt": OVERPROMISE, "NOTICE_MAINTENANCE.html": OVERPROMISE, "reply.txt": OVERPROMISE,
    })
    assert walked(repo) == ["LICENSE_EXPIRED.txt", "NOTICE_MAINTENANCE.html", "license_key_email.txt", "notice.html", "reply.txt"]
    result = CliRunner().invoke(cli, ["lint", "--format", "concise", str(repo)])
    assert result.exit_code == 1 and "LICENSE.txt" not in result.stdout and "COPYING" not in result.stdout and "reply.txt" in result.stdout
    named = CliRunner().invoke(cli, ["lint", "--format", "concise", str(repo / "LICENSE.txt")])
    assert named.exit_code == 0 and "LICENSE.txt:1:1: warning courtesy.greeting" in named.stdout
    only = tree(tmp_path / "only", {"LICENSE.md": LICENCE, "NOTICE": LICENCE, "app.py": "x"})
    notices: list[Notice] = []
    assert walked(only, notices=notices) == []
    assert [n.message for n in notices] == [f"no files mantracheck reads (2 files of other types, 1 licence file (name one outright to lint it)); {_reads()}"]


# -- nothing to read -------------------------------------------------------------------
def test_a_folder_with_nothing_mantracheck_reads_prints_a_notice(tmp_path: Path) -> None:
    code = tree(tmp_path / "src", {"app.py": "# We guarantee this works.\n", "setup.cfg": "[x]\n"})
    result = CliRunner().invoke(cli, ["lint", str(code)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"mantracheck: {code}: no files mantracheck reads (2 files of other types); {_reads()}"]
    assert ".md, " in _reads() and ".txt, " in _reads()
    quiet = CliRunner().invoke(cli, ["lint", "-q", str(code)])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_the_notice_counts_ignored_files_and_empty_folders(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    notices: list[Notice] = []
    assert walked(empty, notices=notices) == []
    assert [str(n) for n in notices] == [f"{empty}: no files mantracheck reads (the folder is empty); {_reads()}"]
    ignored = tree(tmp_path / "repo", {".git/HEAD": "x", ".gitignore": "out/\n*.md\n", "out/a.md": "x", "b.md": "x", "c.py": "x"})
    notices = []
    assert walked(ignored, notices=notices) == []
    assert [n.message for n in notices] == [f"no files mantracheck reads (1 file and 1 folder ignored by .gitignore, 2 files of other types); {_reads()}"]


def test_no_notice_when_a_folder_holds_something_to_read_or_a_format_is_forced(tmp_path: Path) -> None:
    code = tree(tmp_path, {"app.py": "x", "notes.txt": "x"})
    notices: list[Notice] = []
    assert walked(code, notices=notices) == ["notes.txt"] and notices == []
    forced = list(iter_inputs([str(code)], "text", notices))
    assert len(forced) == 2 and notices == []


def _reads() -> str:
    from mantracheck.text.formats import EXTENSIONS

    endings = sorted({"." + e.rsplit(".", 1)[-1] for e in EXTENSIONS})
    return f"it reads files ending in {', '.join(endings)}, and any file named on the command line"


# -- deep trees ------------------------------------------------------------------------
def test_a_tree_1500_folders_deep_is_linted(tmp_path: Path) -> None:
    """os.walk recurses (a RecursionError past ~1,000 levels: exit 3); the walk must not."""
    depth = 1600
    path = str(tmp_path / "deep")
    os.mkdir(path)
    levels = [path]
    for _ in range(depth):
        path = os.path.join(path, "d")
        os.mkdir(path)
        levels.append(path)
    with open(os.path.join(path, "reply.txt"), "w", encoding="utf-8") as handle:
        handle.write(OVERPROMISE)
    with open(os.path.join(levels[700], ".gitignore"), "w", encoding="utf-8") as handle:
        handle.write("ignored.txt\n")
    with open(os.path.join(path, "ignored.txt"), "w", encoding="utf-8") as handle:
        handle.write(OVERPROMISE)
    try:
        assert [p for p, _ in iter_inputs([levels[0]], None, [])] == [os.path.join(path, "reply.txt")]
        result = CliRunner().invoke(cli, ["lint", "--format", "concise", levels[0]])
        assert result.exit_code == 1, result.output
        assert result.stdout.startswith(os.path.join(path, "reply.txt") + ":1:1: error overpromise.guarantee")
    finally:  # (shutil.rmtree recurses too)
        for name in ("reply.txt", "ignored.txt"):
            os.remove(os.path.join(path, name))
        os.remove(os.path.join(levels[700], ".gitignore"))
        for level in reversed(levels):
            os.rmdir(level)


# -- the pre-commit hook passes what a walk reads --------------------------------------
def test_the_hook_passes_exactly_the_files_a_folder_walk_reads() -> None:
    import re

    import yaml

    from mantracheck.text.formats import EXTENSIONS, format_for_path

    root = Path(__file__).resolve().parent.parent
    (hook,) = [h for h in yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")) if h["id"] == "mantracheck"]
    assert "types_or" not in hook and hook["types"] == ["text"]
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])
    names = [f"dir/reply{ext}" for ext in EXTENSIONS] + [f"dir/REPLY{ext.upper()}" for ext in EXTENSIONS]
    names += ["app.py", "notes.rst", "setup.cfg", "pyproject.toml", "Makefile", "a.txt.bak", "style.css", "main.js", "README", "x.tmp", "jsonl", "a.jsonl"]
    for name in names:
        assert bool(files.search(name)) == (format_for_path(name) is not None), name
    for name in (".pre-commit-config.yaml", ".pre-commit-hooks.yaml", "package.json", "package-lock.json"):
        assert files.search(name) and exclude.search(name), name
    # licence files, as a walk passes over them (the hook is handed every file by name)
    from mantracheck.text.walk import is_legal_file

    for name in (
        "LICENSE.txt", "licence.md", "COPYING.md", "NOTICE.txt", "docs/COPYRIGHT.md", "LICENSE-MIT.md", "LICENSE_APACHE-2.0.md", "LICENSE-THIRD-PARTY.md",
        "license_key_email.txt", "notice.html", "reply.txt", "templates/licensed.txt", "LICENSE_EXPIRED.txt", "NOTICE_MAINTENANCE.html", "LICENSE_.md", "LICENSE-MITx.md",
    ):
        assert bool(files.search(name) and exclude.search(name)) == is_legal_file(name.rsplit("/", 1)[-1]), name
    # PHP: language arrays in a language folder, Blade templates anywhere
    from mantracheck.text.walk import in_language_folder

    for name in (
        "config/app.php", "app/Http/Controller.php", "index.PHP", "resources/lang/en/messages.php", "lang/fr/messages.PHP",
        "upload/catalog/language/en-gb/common.php", "app/Language/en/Errors.php", "protected/messages/de/app.php",
        "resources/views/welcome.blade.php", "views/Mail.Blade.PHP", "slang/app.php", "languages.php",
    ):
        walked_too = name.lower().endswith(".blade.php") or in_language_folder("/repo/" + name)
        assert bool(files.search(name) and not exclude.search(name)) == walked_too, name


# -- PHP: language arrays, not configuration ---------------------------------------------
LANGUAGE_ARRAY = "<?php\nreturn [\n    'welcome' => 'We guarantee delivery tomorrow.',\n];\n"


def test_a_walk_reads_php_only_in_a_language_folder_and_lints_one_named_outright(tmp_path: Path) -> None:
    app = tree(tmp_path / "app", {
        "config/app.php": "<?php\nreturn [\n    'description' => 'The best framework, guaranteed.',\n];\n",
        "app/Http/Controller.php": "<?php\nclass Controller {}\n",
        "resources/lang/en/messages.php": LANGUAGE_ARRAY,
        "lang/fr/messages.php": LANGUAGE_ARRAY,
        "upload/catalog/language/en-gb/common.php": "<?php\n$_['text_home'] = 'Home';\n",
        "app/Language/en/Errors.php": LANGUAGE_ARRAY,
        "resources/views/welcome.blade.php": "<p>{{ __('Welcome back') }}</p>\n",
    })
    assert walked(app) == [
        "app/Language/en/Errors.php", "lang/fr/messages.php", "resources/lang/en/messages.php",
        "resources/views/welcome.blade.php", "upload/catalog/language/en-gb/common.php",
    ]
    # the walked folder's own name counts: linting lang/fr, or from inside it
    assert walked(app / "lang" / "fr") == ["messages.php"]
    named = CliRunner().invoke(cli, ["lint", "--format", "concise", "--no-config", str(app / "config" / "app.php")])
    assert named.exit_code == 1 and "overpromise.guarantee" in named.stdout
    forced = CliRunner().invoke(cli, ["lint", "--format", "concise", "--no-config", "--input-format", "php", str(app / "config")])
    assert forced.exit_code == 1 and "config/app.php" in forced.stdout
    notices: list[Notice] = []
    assert walked(app / "config", notices=notices) == []
    assert [n.message for n in notices] == [
        f"no files mantracheck reads (1 .php file outside a language folder such as lang/ (name one outright to lint it)); {_reads()}"
    ]
