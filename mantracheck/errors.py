"""One exception tree. ``cli.main`` maps every ``MantracheckError`` to exit code 2."""

from __future__ import annotations


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
