"""YAML exports are read from the parser's events (mantracheck.text.fields._yaml_trees), not
from PyYAML's composed node tree: the same tree, for every kind of value."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from mantracheck.text.fields import Leaf, parse_yaml
from tests.conftest import ROOT, SHARED_DATA


def composed(text: str) -> Any:
    """The tree as the composer-based reader built it (the reference)."""

    def node(n: Any) -> Any:
        if isinstance(n, yaml.MappingNode):
            return {str(k.value): node(v) for k, v in n.value if isinstance(k, yaml.ScalarNode)}
        if isinstance(n, yaml.SequenceNode):
            return [node(v) for v in n.value]
        if isinstance(n, yaml.ScalarNode) and n.tag == "tag:yaml.org,2002:str":
            # the node starts at its anchor or tag ("&b 'Hi'", "!!str 42"); the Leaf at its text
            own = re.compile(r"(?:(?:![^\s]*|&[^\s]+)\s+)*").match(text, n.start_mark.index).end()
            return Leaf(n.value, min(own, n.end_mark.index), n.end_mark.index, n.style)
        return None

    trees = [node(d) for d in yaml.compose_all(text, Loader=yaml.SafeLoader) if d is not None]
    return trees[0] if len(trees) == 1 else trees


CASES = [
    "subject: Hi\nbody: |\n  Thanks for writing.\n  We guarantee it.\n",
    "- body: 'a'\n- body: \"b\\n c\"\n- body: >\n    folded\n    text\n- 12\n- true\n- null\n- 2024-01-01\n",
    "base: &b {subject: Hi, body: Thanks}\ncopy: *b\nlist: [&s one, *s, two]\n",
    "? [complex, key]\n: skipped\n1: number key\n'2': quoted\nbody: !!str 42\nother: !custom x\n",
    "---\nbody: first\n---\n---\nbody: third\n...\n",
    "body: dup\nbody: later wins\n",
    "",
    "# only a comment\n",
    "{a: {b: {c: [x, {d: y}]}}}\n",
]


@pytest.mark.parametrize("text", CASES)
def test_the_event_reader_builds_the_composed_tree(text: str) -> None:
    assert parse_yaml(text) == composed(text)


def test_the_event_reader_on_every_yaml_file_at_hand() -> None:
    roots = [ROOT / "tests", ROOT / "rules", SHARED_DATA]
    files = [p for r in roots if r.is_dir() for p in r.rglob("*.y*ml") if "hostile" not in p.parts]
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            expected = composed(text)
        except yaml.YAMLError:
            continue
        assert parse_yaml(text) == expected, path


def test_findings_in_an_anchored_or_tagged_string_point_at_their_words_and_an_alias_is_linted_once() -> None:
    """An anchor or tag before a string ("&b 'Hi...'") put every finding in it at the anchor;
    each alias of it linted the same text again, at the same place."""
    from mantracheck.api import lint_text

    text = 'base: !!str &promise "Hi. We guarantee it. Really, we guarantee it."\nreplies:\n  - body: *promise\n  - body: *promise\n  - body: &two\n      Thanks. We guarantee more.\n'
    findings = lint_text(text, path="replies.yaml", input_format="yaml", fields=("base", "body"))
    found = sorted((f.rule, f.line, f.column) for f in findings if f.rule == "overpromise.guarantee")
    line = text.splitlines()[0]
    assert found == [
        ("overpromise.guarantee", 1, line.index("We guarantee") + 1),
        ("overpromise.guarantee", 1, line.index("we guarantee") + 1),
        ("overpromise.guarantee", 6, 15),
    ]


def test_an_undefined_alias_is_an_input_error() -> None:
    from mantracheck.errors import InputError

    with pytest.raises(InputError, match="found undefined alias"):
        parse_yaml("body: *nowhere\n")
