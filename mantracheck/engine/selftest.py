"""Run rules' own good/bad examples: for the test suite and ``mantracheck rules test``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from mantracheck.engine.loader import RuleSet, _load, _pack_dirs, builtin_rules_dir, load_pack, load_rules, parse_rule
from mantracheck.engine.runner import Linter
from mantracheck.engine.schema import Rule
from mantracheck.errors import RuleError


@dataclass(frozen=True)
class ExampleFailure:
    rule: Rule
    key: str  # examples.bad[0]
    text: str
    problem: str

    def __str__(self) -> str:
        return f"{self.rule.path}: {self.key}: {self.problem}: {self.text!r}"


def check_examples(ruleset: RuleSet, rules: Sequence[Rule]) -> list[ExampleFailure]:
    """Each bad example must fire its rule; each good one must not."""
    failures = []
    for rule in rules:
        linter = Linter(ruleset, profile=next(iter(sorted(rule.profiles))), select=(rule.id,))
        if rule not in linter.rules:  # skipped for a capability the pipeline lacks
            continue
        for i, text in enumerate(rule.bad):
            if not any(f.rule == rule.id for f in linter.lint_text(text).findings):
                failures.append(ExampleFailure(rule, f"examples.bad[{i}]", text, "did not fire"))
        for i, text in enumerate(rule.good):
            hits = [f for f in linter.lint_text(text).findings if f.rule == rule.id]
            if hits:
                failures.append(ExampleFailure(rule, f"examples.good[{i}]", text, f"fired on {hits[0].match!r}"))
    return failures


def unfilled_fields(rules: Sequence[Rule]) -> list[str]:
    """A warning for each ``{name}`` in a rule's message or suggestions that none of its
    findings fills (a typo such as ``{mtach}``, printed as written)."""
    from mantracheck.engine.kinds import KINDS
    from mantracheck.engine.runner import FIELD

    warnings = []
    for rule in rules:
        known = ("match", *KINDS[rule.kind].fields)
        for where, text in (("message", rule.message), *((f"suggestions[{i}]", s) for i, s in enumerate(rule.suggestions))):
            for name in dict.fromkeys(m.group(1) for m in FIELD.finditer(text)):
                if name not in known:
                    fills = ", ".join(f"{{{k}}}" for k in known)
                    warnings.append(f"{rule.path}: {where}: {{{name}}} is not a field of {rule.kind} rules (they fill {fills}): it is printed as written")
    return warnings


def _is_builtin(path: Path, root: Path) -> bool:
    """Inside the built-in rules folder: the built-in packs' regexes run on Python's re."""
    return path.resolve().is_relative_to(root)


def load_for_test(paths: Iterable[str]) -> tuple[RuleSet, list[Rule]]:
    """The built-in rules plus the rules under ``paths`` (rule files or pack folders)."""
    builtin = load_rules()
    paths = list(paths)
    extra: dict[str, Rule] = {}
    root = builtin_rules_dir().resolve()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            top = path.resolve() == root  # the built-in root: its own YAML files are settings
            rules = [r for folder in _pack_dirs(path, top=top) for r in load_pack(folder, builtin.profiles, _is_builtin(folder, root))]
        elif path.is_file():
            if path.resolve().parent == root:
                continue  # a built-in settings file (profiles, lexicons, scoring data), not a rule
            rules = [parse_rule(path, path.parent.name, _load(path), builtin.profiles, _is_builtin(path, root))]
        else:
            raise RuleError(raw, None, "no such rule file or folder")
        for rule in rules:
            extra[rule.id] = rule  # a file under test replaces a loaded rule of the same id
    merged = {r.id: r for r in builtin.rules}
    merged.update(extra)
    ruleset = RuleSet(tuple(sorted(merged.values(), key=lambda r: r.id)), builtin.profiles, builtin.default_profile, builtin.cues)
    chosen = [merged[i] for i in sorted(extra)] if paths else list(builtin.rules)
    return ruleset, chosen
