"""Configuration: discovery, validation and per-path merging into frozen settings.

Looked for, walking up from the starting folder, in each folder in this order:
``.mantracheck.toml``, ``.mantracheck.yaml`` (or ``.yml``), ``pyproject.toml`` with a
``[tool.mantracheck]`` table. The first one found wins; ``--config FILE`` names one and
``--no-config`` uses none. Paths in a config file are relative to its folder.

``model`` names an installed spaCy pipeline package only (``nlp.pipeline_package_problem``),
never a path: spaCy's ``load`` runs a package's code and a saved pipeline's tokenizer
regexes, so a path or any other name comes from ``--model`` or ``MANTRACHECK_MODEL`` (the
user's choice), not from a repository's file.

The walk up stops at the repository root, the first folder holding ``.git`` (a folder, or a
file in a worktree or submodule): a config above it belongs to someone else. Outside any
repository it goes on up to ``/``.

An error names the file and the key (a list's item by its index) and says what kind of value
it found, never the value: a file read as config may be a stray one with secrets in it, and
error messages end up in CI logs.

``rule_paths`` stay inside the repository holding the config (its own folder when there is
none; links followed): a config cannot make mantracheck read YAML elsewhere. A folder
elsewhere comes from ``--rules`` (the user's choice).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from mantracheck.errors import ConfigError, kind_of
from mantracheck.errors import shown_key as _key
from mantracheck.models import Severity
from mantracheck.yamlio import YamlError, load_yaml_file

CONFIG_NAMES = (".mantracheck.toml", ".mantracheck.yaml", ".mantracheck.yml", "pyproject.toml")
SEVERITY_NAMES = ("error", "warning", "info")

#: key -> what is expected (the message when a value is wrong)
TOP_KEYS: dict[str, str] = {
    "profile": "a profile name",
    "select": "a list of rule ids or pack names",
    "ignore": "a list of rule ids or pack names",
    "severity": "a table of rule id -> error, warning or info",
    "fail_on": "one of error, warning, info",
    "rule_paths": "a list of folders holding your own rule packs",
    "placeholders": "a list of regular expressions for extra template placeholders",
    "exclude": "a list of glob patterns of paths not to lint",
    "overrides": "a table of glob pattern -> settings (profile, select, ignore, severity, kind)",
    "model": "the name of an installed spaCy pipeline package",
    "min_courtesy": "a number from 0 to 100",
    "fields": "a list of string fields to lint in YAML/JSON exports (KEY or KEY[SIBLING=VALUE])",
    "report_unused_directives": "true or false",
    "fragment_fields": "a list of key-path patterns (* for any characters: '*.subject') of YAML/JSON/PO/PHP strings that are fragments, not whole messages",
}
OVERRIDE_KEYS = ("profile", "select", "ignore", "severity", "kind")
TEXT_KINDS = ("message", "fragment")


@dataclass(frozen=True)
class Settings:
    """What applies to one file (the config's base settings, or with an override merged)."""

    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()
    #: "message" or "fragment": what every text of the matching files is (None: decided per text)
    kind: str | None = None

    def severity_map(self) -> dict[str, Severity]:
        return dict(self.severity)


@dataclass(frozen=True)
class Config:
    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    base: Settings = field(default_factory=Settings)
    fail_on: Severity | None = None
    rule_paths: tuple[str, ...] = ()
    placeholders: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    overrides: tuple[tuple[str, Settings], ...] = ()
    model: str | None = None
    min_courtesy: float | None = None
    fields: tuple[str, ...] = ()
    report_unused_directives: bool = False
    fragment_fields: tuple[str, ...] = ()

    def settings_for(self, path: str) -> Settings:
        """The base settings with every override whose glob matches ``path`` merged in order."""
        rel = _relative(path, self.root)
        settings = self.base
        # as in exclude and .gitignore, a pattern that names a folder ("partials") applies
        # to every file under it
        folders = _with_folders(rel) if rel is not None else []
        for pattern, override in self.overrides:
            if any(glob_match(pattern, c) for c in folders):
                settings = Settings(
                    profile=override.profile or settings.profile,
                    select=override.select or settings.select,
                    ignore=tuple(dict.fromkeys(settings.ignore + override.ignore)),
                    severity=tuple({**dict(settings.severity), **dict(override.severity)}.items()),
                    kind=override.kind or settings.kind,
                )
        return settings

    def is_excluded(self, path: str) -> bool:
        rel = _relative(path, self.root)
        if rel is None:
            return False
        # A pattern excludes a file when it matches the file or any folder above it.
        candidates = _with_folders(rel)
        return any(glob_match(p, c) for p in self.exclude for c in candidates)

    def to_dict(self, path: str | None = None) -> dict[str, Any]:
        settings = self.settings_for(path) if path else self.base
        return {
            "config_file": str(self.path) if self.path else None,
            "profile": settings.profile,
            "select": list(settings.select),
            "ignore": list(settings.ignore),
            "severity": {k: str(v) for k, v in settings.severity},
            "fail_on": str(self.fail_on) if self.fail_on else None,
            "rule_paths": list(self.rule_paths),
            "placeholders": list(self.placeholders),
            "exclude": list(self.exclude),
            "overrides": {p: _settings_dict(s) for p, s in self.overrides},
            "model": self.model,
            "min_courtesy": self.min_courtesy,
            "fields": list(self.fields),
            "report_unused_directives": self.report_unused_directives,
            "fragment_fields": list(self.fragment_fields),
            "kind": settings.kind,
        }


def _with_folders(rel: str) -> list[str]:
    """A relative path and the folders above it: ``a/b/c.txt`` -> a, a/b, a/b/c.txt."""
    parts = rel.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def _settings_dict(s: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if s.profile:
        out["profile"] = s.profile
    if s.select:
        out["select"] = list(s.select)
    if s.ignore:
        out["ignore"] = list(s.ignore)
    if s.severity:
        out["severity"] = {k: str(v) for k, v in s.severity}
    if s.kind:
        out["kind"] = s.kind
    return out


def _relative(path: str, root: Path) -> str | None:
    """``path`` relative to ``root``, as written or, when it goes through a linked folder
    (an editor's path, macOS's /var), with its folders resolved."""
    absolute = os.path.abspath(path)
    base = root.resolve()
    for candidate in (absolute, os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))):
        try:
            return Path(candidate).relative_to(base).as_posix()
        except ValueError:
            continue
    return None


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "\\" and i + 1 < len(pattern):  # an escaped character stands for itself
            out.append(re.escape(pattern[i + 1]))
            i += 2
        elif c == "[" and (end := _class_end(pattern, i)) > 0:  # [abc], [a-z], [!abc]
            body = pattern[i + 1 : end]
            negated = body[:1] in ("!", "^")
            body = body[1:] if negated else body
            escaped = "".join("\\" + ch if ch in "\\[]^" else ch for ch in body)
            out.append(f"[^/{escaped}]" if negated else f"(?!/)[{escaped}]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out) + r"\Z")


def _class_end(pattern: str, start: int) -> int:
    """Where the character class opening at ``start`` closes (its "]"), or -1: then "[" is a
    character like any other. A "]" first in the class ("[]a]", "[!]a]") is one of its
    characters, as in gitignore and fnmatch."""
    i = start + 1
    if i < len(pattern) and pattern[i] in "!^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    end = pattern.find("]", i)
    return end if end > start + 1 else -1


def glob_match(pattern: str, rel_path: str) -> bool:
    """gitignore-like: ``*`` stays in one folder, ``**`` crosses folders; a pattern without a
    slash matches a name in any folder."""
    pattern = pattern.strip()
    while pattern.startswith("./"):  # (not lstrip("./"): "./.github/**" keeps its dot)
        pattern = pattern[2:]
    if "/" not in pattern.rstrip("/"):
        return _glob_regex(pattern.rstrip("/")).match(rel_path.rsplit("/", 1)[-1]) is not None
    return _glob_regex(pattern.strip("/")).match(rel_path) is not None


# -- reading -------------------------------------------------------------------------
def _read_toml(path: Path) -> dict[str, Any]:
    try:  # the standard library's since Python 3.11; tomli (a dependency there) before
        import tomllib
    except ImportError:
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None


def read_raw(path: Path) -> dict[str, Any] | None:
    """The mantracheck table of a config file; None for a pyproject.toml without one."""
    if path.name == "pyproject.toml":
        tool = _read_toml(path).get("tool", {})
        if not isinstance(tool, dict):
            raise ConfigError(f"{path}: tool: expected a table ([tool.mantracheck]), got {kind_of(tool)}")
        table = tool.get("mantracheck")
        if table is None:
            return None
    elif path.suffix == ".toml":
        table = _read_toml(path)
    else:
        try:
            table = load_yaml_file(str(path))
        except YamlError as exc:
            raise ConfigError(f"{path}: {exc}") from None
        if table is None:
            table = {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: expected a table of settings, got {type(table).__name__}")
    return table


def repository_root(folder: Path) -> Path | None:
    """The nearest folder at or above ``folder`` that holds ``.git`` (a folder, or the file a
    worktree or a submodule has), or None outside any repository."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def discover(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The config file for ``start`` (default: the current folder), walking up to the
    repository root and no further (a config above it belongs to someone else); outside any
    repository, up to ``/``."""
    folder = Path(start or os.getcwd()).resolve()
    if folder.is_file():
        folder = folder.parent
    root = repository_root(folder)
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or read_raw(path) is not None):
                return path
        if candidate == root:
            break
    return None


def load_config(explicit: str | None = None, *, use_config: bool = True, start: str | None = None) -> Config:
    if not use_config:
        return Config()
    if explicit is not None:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{explicit}: config file not found")
    else:
        found = discover(start)
        if found is None:
            return Config()
        path = found
    raw = read_raw(path)
    if raw is None:
        raise ConfigError(f"{path}: no [tool.mantracheck] table")
    return parse_config(raw, path)


def parse_config(raw: Mapping[str, Any], path: Path) -> Config:
    where = str(path)

    def fail(key: str, problem: str) -> ConfigError:
        return ConfigError(f"{where}: {key}: {problem}")

    for key in raw:
        if key not in TOP_KEYS:
            raise fail(_key(key), f"unknown key; expected one of {', '.join(TOP_KEYS)}")
    root = path.parent.resolve()
    # What the config may reach: its repository, or its own folder outside any repository.
    limit = repository_root(root) or root
    base = _parse_settings(raw, "", fail)
    fail_on = None
    if "fail_on" in raw:
        fail_on = _severity(raw["fail_on"], "fail_on", fail)
    overrides = []
    table = raw.get("overrides", {})
    if not isinstance(table, dict):
        raise fail("overrides", f"expected {TOP_KEYS['overrides']}, got {kind_of(table)}")
    for pattern, value in table.items():
        key = f"overrides.{_key(pattern)}"
        if str(pattern).startswith("!"):
            raise fail(key, _NEGATION)
        if not isinstance(value, dict):
            raise fail(key, f"expected a table with {', '.join(OVERRIDE_KEYS)}, got {kind_of(value)}")
        for sub in value:
            if sub not in OVERRIDE_KEYS:
                raise fail(f"{key}.{_key(sub)}", f"unknown key; expected one of {', '.join(OVERRIDE_KEYS)}")
        overrides.append((str(pattern), _parse_settings(value, key + ".", fail)))
    min_courtesy = raw.get("min_courtesy")
    if min_courtesy is not None and (isinstance(min_courtesy, bool) or not isinstance(min_courtesy, (int, float)) or not 0 <= min_courtesy <= 100):
        got = "a number out of range" if isinstance(min_courtesy, (int, float)) and not isinstance(min_courtesy, bool) else kind_of(min_courtesy)
        raise fail("min_courtesy", f"expected {TOP_KEYS['min_courtesy']}, got {got}")
    model = _model(raw.get("model"), limit, fail)
    rule_paths = _rule_paths(raw, root, limit, fail)
    placeholders = _strings(raw, "placeholders", fail)
    for i, p in enumerate(placeholders):
        problem = placeholder_problem(p)
        if problem:
            raise fail(f"placeholders[{i}]", problem)
    unused = raw.get("report_unused_directives", False)
    if not isinstance(unused, bool):
        raise fail("report_unused_directives", f"expected true or false, got {kind_of(unused)}")
    return Config(
        path=path,
        root=root,
        base=base,
        fail_on=fail_on,
        rule_paths=rule_paths,
        placeholders=placeholders,
        exclude=_globs(raw, "exclude", fail),
        overrides=tuple(overrides),
        model=model,
        min_courtesy=min_courtesy,
        fields=_field_specs(raw, fail),
        report_unused_directives=unused,
        fragment_fields=_strings(raw, "fragment_fields", fail),
    )


#: What a config's ``model`` may name besides a pipeline package: the built-in pipeline.
BUILTIN_MODELS = ("", "blank", "blank:en")


def _model(model: Any, limit: Path, fail: Any) -> str | None:
    """A config's ``model``: an installed spaCy pipeline package outside the repository, never
    a path or any other package (spaCy's ``load`` imports a package and calls its ``load()``,
    and runs the tokenizer regexes of a saved pipeline: code, for a repository's file)."""
    if model is None:
        return None
    if not isinstance(model, str):
        raise fail("model", f"expected {TOP_KEYS['model']}, got {kind_of(model)}")
    if model in BUILTIN_MODELS:
        return model
    from mantracheck.nlp import pipeline_package_problem

    problem = pipeline_package_problem(model, untrusted=limit)
    if problem:
        raise fail("model", f"{problem}; a config file may only name an installed pipeline package (a path or any other name: --model or MANTRACHECK_MODEL)")
    return model


def _rule_paths(raw: Mapping[str, Any], root: Path, limit: Path, fail: Any) -> tuple[str, ...]:
    """A config's ``rule_paths``, resolved (links followed) against its folder: folders
    inside ``limit`` (its repository) only; anything else must come from ``--rules``."""
    out = []
    for i, value in enumerate(_strings(raw, "rule_paths", fail)):
        try:
            path = (root / value).resolve()
        except (RuntimeError, OSError):  # (a link that leads to itself)
            raise fail(f"rule_paths[{i}]", "a link that cannot be followed (it leads back to itself)") from None
        if not path.is_relative_to(limit):
            where = "repository" if os.path.lexists(limit / ".git") else "config file's folder"
            raise fail(f"rule_paths[{i}]", f"a folder outside the {where} ({limit}); a config file may only name rule packs inside it (others: --rules on the command line)")
        if not path.is_dir():
            raise fail(f"rule_paths[{i}]", "no such folder")
        out.append(str(path))
    return tuple(out)


def placeholder_problem(pattern: str) -> str | None:
    """Why a placeholder regex cannot be used, or None: it must be valid and runnable by RE2,
    which runs a team's placeholders (in linear time, like every user regex)."""
    from mantracheck.engine.regex import check_regex

    try:
        re.compile(pattern)
    except re.error as exc:
        return f"invalid regular expression ({exc})"
    problem = check_regex(pattern)
    if problem and "empty string" not in problem:
        return problem
    return None


def _field_specs(raw: Mapping[str, Any], fail: Any) -> tuple[str, ...]:
    from mantracheck.text.fields import FieldSpec

    specs = _strings(raw, "fields", fail)
    for i, spec in enumerate(specs):
        try:
            FieldSpec.parse(spec)
        except ValueError:
            raise fail(f"fields[{i}]", "expected KEY or KEY[SIBLING=VALUE]") from None
    return specs


#: A .gitignore "!pattern" would re-include; here it would be a name starting with "!" and
#: match nothing, silently: said instead.
_NEGATION = 'a "!" pattern (re-include, as in .gitignore) is not supported; narrow the other patterns instead (write "\\!" for a name that starts with "!")'


def _globs(raw: Mapping[str, Any], key: str, fail: Any) -> tuple[str, ...]:
    patterns = _strings(raw, key, fail)
    for i, pattern in enumerate(patterns):
        if pattern.strip().startswith("!"):
            raise fail(f"{key}[{i}]", _NEGATION)
    return patterns


def _strings(raw: Mapping[str, Any], key: str, fail: Any, prefix: str = "") -> tuple[str, ...]:
    value = raw.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise fail(prefix + key, f"expected {TOP_KEYS[key]}, got {kind_of(value)}")
    return tuple(value)


def _severity(value: Any, key: str, fail: Any) -> Severity:
    if not isinstance(value, str) or value.lower() not in SEVERITY_NAMES:
        raise fail(key, f"expected one of {', '.join(SEVERITY_NAMES)}, got {'another string' if isinstance(value, str) else kind_of(value)}")
    return Severity.parse(value)


def _parse_settings(raw: Mapping[str, Any], prefix: str, fail: Any) -> Settings:
    profile = raw.get("profile")
    if profile is not None and not isinstance(profile, str):
        raise fail(prefix + "profile", f"expected a profile name, got {kind_of(profile)}")
    severity = raw.get("severity", {})
    if not isinstance(severity, dict):
        raise fail(prefix + "severity", f"expected {TOP_KEYS['severity']}, got {kind_of(severity)}")
    sev = tuple((str(k), _severity(v, f"{prefix}severity.{_key(k)}", fail)) for k, v in severity.items())
    kind = raw.get("kind") if prefix else None
    if kind is not None and kind not in TEXT_KINDS:
        raise fail(prefix + "kind", f"expected one of {', '.join(TEXT_KINDS)}, got {kind_of(kind) if not isinstance(kind, str) else repr(kind)}")
    return Settings(
        kind=kind,
        profile=profile,
        select=_strings(raw, "select", fail, prefix),
        ignore=_strings(raw, "ignore", fail, prefix),
        severity=sev,
    )


def check_names(config: Config, rule_ids: Sequence[str], packs: Sequence[str], profiles: Sequence[str]) -> None:
    """Unknown rule ids, packs and profiles in a config are errors naming the file and key."""
    known = set(rule_ids) | set(packs)
    where = str(config.path)
    scopes = [("", config.base)] + [(f"overrides.{_key(p)}.", s) for p, s in config.overrides]
    for prefix, settings in scopes:
        if settings.profile is not None and settings.profile not in profiles:
            raise ConfigError(f"{where}: {prefix}profile: unknown profile; expected one of {', '.join(profiles)}")
        for key in ("select", "ignore"):
            for i, name in enumerate(getattr(settings, key)):
                if name not in known:
                    raise ConfigError(f"{where}: {prefix}{key}[{i}]: unknown rule or pack; 'mantracheck rules' lists them")
        for name, _ in settings.severity:
            if name not in rule_ids:
                raise ConfigError(f"{where}: {prefix}severity.{_key(name)}: unknown rule id; 'mantracheck rules' lists them")


def with_cli(config: Config, **changes: Any) -> Config:
    """The config with command-line options laid over it (None means 'not given')."""
    base_changes = {k: v for k, v in changes.items() if k in ("profile", "select", "ignore") and v}
    # Flags given on the command line add to the file's setting.
    other = {k: v for k, v in changes.items() if k not in ("profile", "select", "ignore") and v}
    if "rule_paths" in other:
        other["rule_paths"] = tuple(dict.fromkeys(config.rule_paths + tuple(other["rule_paths"])))
    if "select" in base_changes and "ignore" not in base_changes:
        # (--select names the rules to run: one the file ignores is run when named)
        base_changes["ignore"] = ()
    base = replace(config.base, **base_changes)
    # A profile or a selection given on the command line wins over per-folder overrides too.
    drop: dict[str, Any] = {}
    if "profile" in base_changes:
        drop["profile"] = None
    if "select" in base_changes:
        drop["select"] = ()
    if "ignore" in base_changes:
        drop["ignore"] = ()
    overrides = tuple((p, replace(s, **drop)) for p, s in config.overrides) if drop else config.overrides
    return replace(config, base=base, overrides=overrides, **other)
