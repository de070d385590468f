"""What differs between the Pythons mantracheck declares (``requires-python = ">=3.10"``), and
the private CPython APIs it relies on: each test here fails loudly, naming what changed, when
a Python release changes what we read.

- ``tomllib`` is 3.11+; on 3.10 the config reader imports ``tomli`` (a dependency there).
- ``re._parser`` (``sre_parse`` before 3.11): the regex prefilters read its parse trees
  (mantracheck/engine/{matching,prefilter,regex}.py), by opcode name and argument layout.
- ``atexit._run_exitfuncs``: ``cli.run`` runs the atexit handlers itself, then ends the
  process with ``os._exit`` to skip the interpreter's teardown. (The public alternative,
  registering the exit as the first atexit handler so that it runs last, would skip every
  handler registered before ``run`` starts, such as those of ``.pth`` files, coverage's.)
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


# -- tomllib / tomli -------------------------------------------------------------------
def test_pyproject_declares_tomli_for_the_pythons_without_tomllib() -> None:
    try:
        import tomllib
    except ImportError:  # Python 3.10, where tomli is installed by this very marker
        import tomli as tomllib  # type: ignore[no-redef]

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.10"
    tomli = [d for d in project["dependencies"] if re.match(r"tomli\b", d)]
    assert [d.replace(" ", "") for d in tomli] == ['tomli>=1.1;python_version<"3.11"'], "declare tomli for Python < 3.11"


def test_config_reads_toml_with_tomli_when_tomllib_is_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What Python 3.10 does: ``import tomllib`` fails, and the config reader takes tomli
    (here a stub wrapping the standard library's parser, so that the test needs no tomli)."""
    real = pytest.importorskip("tomllib")

    from mantracheck.config import read_raw
    from mantracheck.errors import ConfigError

    calls: list[Any] = []

    def load(handle: Any) -> dict[str, Any]:
        calls.append(handle)
        return real.load(handle)

    stub = types.ModuleType("tomli")
    stub.load = load  # type: ignore[attr-defined]
    stub.TOMLDecodeError = real.TOMLDecodeError  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tomllib", None)  # import tomllib raises ImportError
    monkeypatch.setitem(sys.modules, "tomli", stub)
    with pytest.raises(ImportError):
        import tomllib  # noqa: F401
    good = tmp_path / "pyproject.toml"
    good.write_text('[tool.mantracheck]\nprofile = "script"\n', encoding="utf-8")
    assert read_raw(good) == {"profile": "script"}
    assert len(calls) == 1
    bad = tmp_path / "sub" / "pyproject.toml"
    bad.parent.mkdir()
    bad.write_text("[tool.mantracheck\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        read_raw(bad)
    assert len(calls) == 2


# -- re._parser ------------------------------------------------------------------------
def _sre() -> Any:
    try:
        from re import _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_parse as _parser  # type: ignore[no-redef]
    return _parser


def _shape(items: Any) -> list[Any]:
    """A parse tree as names and plain values: the parts of it the prefilters read."""
    out: list[Any] = []
    for op, av in items:
        name = str(op)
        if name in ("LITERAL", "NOT_LITERAL"):
            out.append((name, chr(av)))
        elif name == "ANY":
            out.append((name, av))
        elif name == "IN":
            out.append((name, [(str(o), str(a) if str(o) in ("CATEGORY",) else chr(a) if isinstance(a, int) else (chr(a[0]), chr(a[1])) if isinstance(a, tuple) else a) for o, a in av]))
        elif name == "BRANCH":
            none, alternatives = av
            out.append((name, none, [_shape(a) for a in alternatives]))
        elif name == "SUBPATTERN":
            group, add, remove, sub = av
            out.append((name, group, add, remove, _shape(sub)))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            lo, hi, sub = av
            out.append((name, lo, "MAXREPEAT" if hi == _sre().MAXREPEAT else hi, _shape(sub)))
        elif name in ("ASSERT", "ASSERT_NOT"):
            direction, sub = av
            out.append((name, direction, _shape(sub)))
        elif name == "ATOMIC_GROUP":
            out.append((name, _shape(av)))
        elif name == "AT":
            out.append((name, str(av)))
        else:
            out.append((name, av))
    return out


#: pattern -> the tree the readers expect (IGNORECASE, as parsed_regex parses by default)
TREES: dict[str, list[Any]] = {
    "abc": [("LITERAL", "a"), ("LITERAL", "b"), ("LITERAL", "c")],
    # a shared first letter is factored out of an alternation (literal_prefixes relies on it)
    r"\b(?:will|is)\s+(?P<m>immediately|instantly)": [
        ("AT", "AT_BOUNDARY"),
        ("BRANCH", None, [[("LITERAL", "w"), ("LITERAL", "i"), ("LITERAL", "l"), ("LITERAL", "l")], [("LITERAL", "i"), ("LITERAL", "s")]]),
        ("MAX_REPEAT", 1, "MAXREPEAT", [("IN", [("CATEGORY", "CATEGORY_SPACE")])]),
        ("SUBPATTERN", 1, 0, 0, [("LITERAL", "i"), ("BRANCH", None, [[("LITERAL", c) for c in "mmediately"], [("LITERAL", c) for c in "nstantly"]])]),
    ],
    r"(?:\w+\s+){0,4}?x": [
        # a repeated non-capturing group is inlined into the repeat
        ("MIN_REPEAT", 0, 4, [("MAX_REPEAT", 1, "MAXREPEAT", [("IN", [("CATEGORY", "CATEGORY_WORD")])]), ("MAX_REPEAT", 1, "MAXREPEAT", [("IN", [("CATEGORY", "CATEGORY_SPACE")])])]),
        ("LITERAL", "x"),
    ],
    r"[^a-c\d]|.": [("BRANCH", None, [[("IN", [("NEGATE", None), ("RANGE", ("a", "c")), ("CATEGORY", "CATEGORY_DIGIT")])], [("ANY", None)]])],
    r"(?<!no )(?=go)(?>a+)b++$": [
        ("ASSERT_NOT", -1, [("LITERAL", "n"), ("LITERAL", "o"), ("LITERAL", " ")]),
        ("ASSERT", 1, [("LITERAL", "g"), ("LITERAL", "o")]),
        ("ATOMIC_GROUP", [("MAX_REPEAT", 1, "MAXREPEAT", [("LITERAL", "a")])]),
        ("POSSESSIVE_REPEAT", 1, "MAXREPEAT", [("LITERAL", "b")]),
        ("AT", "AT_END"),
    ],
    r"(?i:x)y{2,}[^z]": [("SUBPATTERN", None, 2, 0, [("LITERAL", "x")]), ("MAX_REPEAT", 2, "MAXREPEAT", [("LITERAL", "y")]), ("NOT_LITERAL", "z")],
}
if sys.version_info < (3, 11):  # atomic groups and possessive repeats are 3.11+
    del TREES[r"(?<!no )(?=go)(?>a+)b++$"]


@pytest.mark.parametrize("pattern", list(TREES))
def test_regex_parser_trees_keep_the_shape_the_prefilters_read(pattern: str) -> None:
    parsed = _sre().parse(pattern, re.IGNORECASE)
    assert _shape(parsed) == TREES[pattern], f"re._parser's tree for {pattern!r} changed: update mantracheck/engine/{{matching,prefilter,regex}}.py"


def test_regex_parser_api_the_prefilters_use() -> None:
    sre = _sre()
    for name in ("LITERAL", "SUBPATTERN", "BRANCH", "MAX_REPEAT", "MIN_REPEAT", "MAXREPEAT", "parse"):
        assert hasattr(sre, name), f"re._parser.{name} is gone"
    parsed = sre.parse(r"(?m)(?P<m>a)b")
    assert parsed.state.groupdict == {"m": 1}
    assert parsed.state.flags & re.MULTILINE and parsed.state.flags & re.UNICODE
    assert parsed.getwidth() == (2, 2)
    assert sre.MAXREPEAT > 2**30
    assert sre.parse("a*")[0][1][1] == sre.MAXREPEAT
    with pytest.raises(re.error):
        sre.parse("(")


def test_the_engine_reads_what_this_file_checks() -> None:
    """The engine modules import the parser this file tests, and their readers work on it."""
    from mantracheck.engine import matching, prefilter, regex

    assert matching._sre is prefilter._sre is regex._sre is _sre()
    assert matching.literal_prefixes(r"\b(?:will|is)\s+(?P<m>immediately|instantly)") == {"mmediately", "nstantly"}
    assert prefilter.to_re2(r"(?<!no )colou?r\b", False) == "(?i)colo(?:u){0,1}r\\b"


# -- atexit._run_exitfuncs -------------------------------------------------------------
def test_atexit_run_exitfuncs_runs_every_handler_last_in_first_out() -> None:
    """cli._quick_exit calls it; without it, run() falls back to a normal (slower) exit, which
    test_cli's console-script tests would not notice."""
    code = (
        "import atexit, os\n"
        "run = atexit._run_exitfuncs\n"
        "atexit.register(print, 'first registered')\n"
        "atexit.register(print, 'second registered', flush=True)\n"
        "run()\n"
        "print('after', flush=True)\n"
        "os._exit(0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["second registered", "first registered", "after"]


def test_quick_exit_uses_run_exitfuncs_and_skips_teardown(tmp_path: Path) -> None:
    """run() ends the process without the interpreter's teardown (an object's __del__ at
    teardown never runs) but after the atexit handlers, with the command's exit status."""
    code = (
        "import atexit, sys\n"
        "class Late:\n"
        "    def __del__(self):\n"
        "        print('teardown ran', flush=True)\n"
        "keep = Late()\n"
        "atexit.register(print, 'atexit ran')\n"
        "sys.argv = ['mantracheck', 'rules', 'explain', 'no-such-rule']\n"
        "from mantracheck.cli import run\n"
        "run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout.splitlines() == ["atexit ran"]
    assert "unknown rule" in done.stderr
