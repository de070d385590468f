"""Find and load rule packs: the built-in ones and a team's own, validated once."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from mantracheck.engine.context import Cues
from mantracheck.engine.kinds import KINDS
from mantracheck.engine.schema import COMMON_KEYS, ID_PART, SCOPES, Checker, Rule, _key, _show
from mantracheck.errors import RuleError
from mantracheck.models import Severity
from mantracheck.nlp import CAPABILITIES
from mantracheck.yamlio import YamlError, load_yaml_file

RULE_SUFFIXES = (".yaml", ".yml")


def builtin_rules_dir() -> Path:
    """``mantracheck/_rules`` in an installed wheel, ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_rules", here.parent / "rules"):
        if (candidate / "profiles.yaml").is_file():
            return candidate
    raise RuleError(str(here / "_rules"), None, "built-in rules not found; the installation is incomplete")


@dataclass(frozen=True)
class Profile:
    name: str
    description: str


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    profiles: Mapping[str, Profile]
    default_profile: str
    cues: Cues

    def by_id(self) -> dict[str, Rule]:
        return {r.id: r for r in self.rules}

    @property
    def packs(self) -> tuple[str, ...]:
        return tuple(sorted({r.pack for r in self.rules}))

    def own_rule_files(self) -> dict[str, str]:
        """The rule files of the packs under ``rule_paths`` (real path -> pack name): the
        YAML files that are rules, not copy, and are not linted (nothing else under a rule
        path is left out)."""
        return {os.path.realpath(r.path): r.pack for r in self.rules if not r.builtin}


def _load(path: Path) -> Any:
    try:
        return load_yaml_file(str(path))
    except YamlError as exc:
        raise RuleError(str(path), None, str(exc)) from None


def _load_profiles(root: Path) -> tuple[dict[str, Profile], str]:
    path = root / "profiles.yaml"
    raw = _load(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("profiles"), dict):
        raise RuleError(str(path), "profiles", "expected a mapping of profile name to description")
    profiles = {}
    for name, desc in raw["profiles"].items():
        if not isinstance(name, str) or not ID_PART.match(name) or not isinstance(desc, str):
            raise RuleError(str(path), f"profiles.{name}", "expected a lower-case name and a description string")
        profiles[name] = Profile(name, desc.strip())
    default = raw.get("default")
    if default not in profiles:
        raise RuleError(str(path), "default", f"expected one of {', '.join(profiles)}, got {_show(default)}")
    return profiles, default


def _load_cues(root: Path) -> Cues:
    path = root / "lexicons.yaml"
    raw = _load(path)
    if not isinstance(raw, dict):
        raise RuleError(str(path), None, "expected a mapping of lexicon name to a list of words")
    lists = {}
    optional = ("hedges_before", "approximations", "invitations")
    for key in ("negators", "hedges", "conditionals", *optional):
        value = raw.get(key, [] if key in optional else None)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RuleError(str(path), key, f"expected a list of quoted words and phrases, got {_show(value)}")
        lists[key] = value
    return Cues.from_lists(
        lists["negators"], lists["hedges"], lists["conditionals"], lists["hedges_before"], lists["approximations"], lists["invitations"]
    )


def parse_rule(path: Path, pack: str, raw: Any, profiles: Mapping[str, Profile], builtin: bool) -> Rule:
    name = path.stem
    where = str(path)
    if not ID_PART.match(name):
        raise RuleError(where, None, f"rule file name {name!r} must be lower-case words joined by '-' (it becomes the rule id)")
    if not isinstance(raw, dict):
        raise RuleError(where, None, f"expected a mapping of rule keys, got {_show(raw)}")
    checker = Checker(where, raw, trusted=builtin)
    kind_name = raw.get("kind")
    if not isinstance(kind_name, str) or kind_name not in KINDS:
        raise checker.fail("kind", f"expected one of {', '.join(sorted(KINDS))}, got {_show(kind_name)}")
    kind = KINDS[kind_name]
    allowed = set(COMMON_KEYS) | set(kind.keys)
    for key in raw:
        if key not in allowed:
            raise checker.fail(_key(key), f"unknown key for a {kind_name} rule; expected one of {', '.join(sorted(allowed))}")

    severity, per_profile = _severity(checker, profiles)
    listed = checker.string_list("profiles") or tuple(profiles)
    for i, p in enumerate(listed):
        if p not in profiles:
            raise checker.fail(f"profiles[{i}]", f"unknown profile; expected one of {', '.join(profiles)}")
    needs = checker.string_list("needs")
    for i, need in enumerate(needs):
        if need not in CAPABILITIES:
            raise checker.fail(f"needs[{i}]", f"expected one of {', '.join(CAPABILITIES)}")
    patterns = checker.patterns("patterns", required=kind.needs_patterns)
    exceptions = checker.patterns("exceptions")
    suggestions = checker.string_list("suggestions")
    examples = raw.get("examples")
    if not isinstance(examples, dict):
        raise checker.fail("examples", "missing; expected a mapping with 'good' and 'bad' lists of texts")
    for key in examples:
        if key not in ("good", "bad"):
            raise checker.fail(f"examples.{key}", "unknown key; expected 'good' and 'bad'")
    good = checker.string_list("good", required=True, value=examples.get("good"), where="examples.good")
    bad = checker.string_list("bad", required=True, value=examples.get("bad"), where="examples.bad")
    options, extra = kind.parse(checker)
    if exceptions:
        extra = {**extra, "exceptions": exceptions}
    by_profile = _profile_options(checker, kind, profiles, options, patterns, extra)
    link = raw.get("link")
    if link is not None and (not isinstance(link, str) or not link.startswith(("http://", "https://"))):
        raise checker.fail("link", f"expected an http(s) URL, got {_show(link)}")
    return Rule(
        id=f"{pack}.{name}",
        pack=pack,
        name=name,
        kind=kind_name,
        severity=severity,
        profile_severity=per_profile,
        profiles=frozenset(listed),
        message=checker.string("message"),
        description=checker.string("description").strip(),
        link=link,
        needs=frozenset(needs),
        patterns=patterns,
        exceptions=exceptions,
        suggestions=suggestions,
        good=good,
        bad=bad,
        options=options,
        path=where,
        builtin=builtin,
        extra_patterns=extra,
        scope=checker.choice("scope", SCOPES, default="any"),
        by_profile=by_profile,
    )


def _profile_options(checker: Checker, kind: Any, profiles: Mapping[str, Profile], options: Any, patterns: Any, extra: Any) -> dict[str, Any]:
    """``profile_options``: per profile, the rule's own keys (and patterns, exceptions) that
    differ there, checked as the rule's own are (the rule's keys with the profile's merged in)."""
    raw = checker.raw.get("profile_options")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise checker.fail("profile_options", f"expected {COMMON_KEYS['profile_options']}, got {_show(raw)}")
    out = {}
    for profile, changes in raw.items():
        where = f"profile_options.{_key(profile)}"
        if profile not in profiles:
            raise checker.fail(where, f"unknown profile; expected one of {', '.join(profiles)}")
        if not isinstance(changes, dict) or not changes:
            raise checker.fail(where, f"expected a mapping of the rule's keys, got {_show(changes)}")
        for key in changes:
            if key not in kind.keys and key not in ("patterns", "exceptions"):
                raise checker.fail(f"{where}.{_key(key)}", f"not a key that can differ by profile; expected one of {', '.join(sorted([*kind.keys, 'patterns', 'exceptions']))}")
        merged = Checker(checker.path, {**checker.raw, **changes}, trusted=checker.trusted)
        try:
            p_patterns = merged.patterns("patterns", required=kind.needs_patterns)
            p_exceptions = merged.patterns("exceptions")
            p_options, p_extra = kind.parse(merged)
        except RuleError as exc:
            key = exc.key if exc.key and exc.key.split(".")[0].split("[")[0] in changes else None
            raise checker.fail(f"{where}.{key}" if key else where, exc.problem) from None
        if p_exceptions:
            p_extra = {**p_extra, "exceptions": p_exceptions}
        out[str(profile)] = (p_options, p_patterns, p_extra)
    return out


def _severity(checker: Checker, profiles: Mapping[str, Profile]) -> tuple[Severity, dict[str, Severity]]:
    raw = checker.raw.get("severity")
    expected = "error, warning or info, or a mapping of profile to severity with a 'default'"
    where = "severity"
    try:
        if isinstance(raw, str):
            return Severity.parse(raw), {}
        if isinstance(raw, dict) and isinstance(raw.get("default"), str):
            per = {}
            for key, value in raw.items():
                if key != "default" and key not in profiles:
                    raise checker.fail(f"severity.{_key(key)}", f"unknown profile; expected default or one of {', '.join(profiles)}")
                where = f"severity.{_key(key)}"
                per[key] = Severity.parse(value) if isinstance(value, str) else Severity.parse(repr(value))
            return per.pop("default"), per
    except ValueError:  # (Severity.parse's message quotes the value)
        raise checker.fail(where, f"expected one of error, warning, info, got {'another string' if isinstance(raw, str) else 'something else'}") from None
    raise checker.fail("severity", f"expected {expected}, got {_show(raw)}")


def _pack_dirs(root: Path, *, top: bool = False) -> Iterable[Path]:
    """A folder with rule files is a pack; otherwise (and always for ``top``, the built-in
    root, whose own YAML files are settings) its sub-folders are."""
    if not root.is_dir():
        raise RuleError(str(root), None, "rule path is not a folder")
    if not top and any(_is_rule_file(p) for p in root.iterdir()):
        yield root
        return
    for child in sorted(root.iterdir()):
        if child.is_dir() and not child.name.startswith((".", "_")) and any(_is_rule_file(p) for p in child.iterdir()):
            yield child


def _is_rule_file(path: Path) -> bool:
    return path.is_file() and path.suffix in RULE_SUFFIXES and not path.name.startswith("_")


def load_pack(folder: Path, profiles: Mapping[str, Profile], builtin: bool) -> list[Rule]:
    pack = folder.name
    if not ID_PART.match(pack):
        raise RuleError(str(folder), None, f"pack folder name {pack!r} must be lower-case words joined by '-' (it prefixes the rule ids)")
    rules = []
    for path in sorted(p for p in folder.iterdir() if _is_rule_file(p)):
        rules.append(parse_rule(path, pack, _load(path), profiles, builtin))
    return rules


@lru_cache(maxsize=16)
def load_rules(rule_paths: tuple[str, ...] = ()) -> RuleSet:
    """The built-in packs plus the packs under ``rule_paths``; validated, sorted by id."""
    root = builtin_rules_dir()
    profiles, default = _load_profiles(root)
    cues = _load_cues(root)
    rules: dict[str, Rule] = {}
    builtin_packs = set()
    for folder in _pack_dirs(root, top=True):
        builtin_packs.add(folder.name)
        for rule in load_pack(folder, profiles, True):
            rules[rule.id] = rule
    loaded: set[str] = set()  # (a pack named by the config and on the command line: once)
    for extra in rule_paths:
        path = Path(os.path.expanduser(extra))
        try:
            folders = list(_pack_dirs(path))
        except OSError as exc:  # (a folder that links to itself; one that cannot be listed)
            raise RuleError(str(path), None, f"cannot read the rule path ({exc.strerror or exc})") from None
        if not folders:
            raise RuleError(str(path), None, "no rule files here: a pack is a folder of .yaml rule files (its name prefixes the ids), given itself or as a sub-folder")
        for folder in folders:
            real = os.path.realpath(folder)
            if real in loaded:
                continue
            loaded.add(real)
            if folder.name in builtin_packs:
                raise RuleError(str(folder), None, f"pack name {folder.name!r} is taken by a built-in pack; rename the folder")
            for rule in load_pack(folder, profiles, False):
                if rule.id in rules:
                    raise RuleError(rule.path, None, f"rule id {rule.id!r} is defined twice (also in {rules[rule.id].path})")
                rules[rule.id] = rule
    return RuleSet(tuple(sorted(rules.values(), key=lambda r: r.id)), profiles, default, cues)
