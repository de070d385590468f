"""One exception tree. ``cli.main`` maps every ``MantracheckError`` to exit code 2."""

from __future__ import annotations

from typing import Any


class MantracheckError(Exception):
    """A usage, configuration or rule error: the run cannot go on. Exit code 2."""

    exit_code = 2


class UsageError(MantracheckError):
    pass


class ConfigError(MantracheckError):
    """A configuration file is invalid. The message names the file and the key."""


class RuleError(MantracheckError):
    """A rule pack is invalid. The message names the file, the key and what was expected."""

    def __init__(self, path: str, key: str | None, problem: str) -> None:
        self.path = path
        self.key = key
        self.problem = problem
        where = f"{path}: {key}" if key else path
        super().__init__(f"{where}: {problem}")


class PipelineError(MantracheckError):
    """The requested spaCy pipeline cannot be loaded."""


class InputError(Exception):
    """One input could not be read. Reported for that file; the run goes on.

    ``skipped`` marks a file left alone on purpose (binary, over the size limit): a notice
    that does not change the exit code. Any other InputError means the file could not be
    checked, which makes the exit code at least 1.
    """

    def __init__(self, message: str, *, skipped: bool = False) -> None:
        super().__init__(message)
        self.skipped = skipped


def shown_key(key: Any) -> str:
    """A key of a config or rule file as an error names it: control characters escaped, cut
    short (a key is the user's own name for a setting, but a stray file's keys are anything)."""
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(key))
    return text if len(text) <= 60 else text[:57] + "..."


def kind_of(value: Any) -> str:
    """What kind of value a config or rule file holds, for an error message: never the value
    itself (a file read as config or rules may be a stray one with secrets in it, and error
    messages end up in CI logs)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string" if value.strip() else "an empty string"
    if isinstance(value, list):
        return "a list" if all(isinstance(v, str) and v.strip() for v in value) else "a list holding something other than non-empty strings"
    if isinstance(value, dict):
        return "a mapping"
    return f"a value of type {type(value).__name__}"


class OutputError(MantracheckError):
    """Standard output (or error) cannot be written: a full disk, an I/O error. Exit code 2,
    one line (``cannot write the output: no space left on device``), never 'internal error'.
    A closed pipe (``| head``) is not one: the run stops quietly (see ``cli.Group``)."""

    def __init__(self, exc: OSError, *, stream: str = "stdout") -> None:
        self.stream = stream
        reason = exc.strerror or str(exc) or type(exc).__name__
        what = "the output" if stream == "stdout" else "to standard error"
        super().__init__(f"cannot write {what}: {reason[:1].lower()}{reason[1:]}")
