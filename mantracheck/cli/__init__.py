"""The command line: thin click commands that parse, call the API, render and exit.

Heavy modules (spaCy, the engine) are imported inside the commands, so ``--help`` and
``--version`` stay instant.
"""

from __future__ import annotations

import atexit
import errno
import gc
import os
import sys
from typing import Any, NoReturn

import click

from mantracheck import __version__
from mantracheck.errors import MantracheckError, OutputError


def _say(line: str) -> None:
    """One line on standard error, its file names and values from the repository shown
    ``printable`` (a newline in a config file's name cannot start a line of its own); nothing
    when standard error itself cannot be written."""
    from mantracheck.formatters.escape import printable

    try:
        click.echo(printable(line), err=True)
    except OSError:
        pass


def _silence_stdout() -> None:
    """Standard output cannot take what is left of its buffer (a closed pipe, a full disk):
    point it at the null device, so that the flush at exit neither fails nor complains."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no descriptor (a test runner's stream)
        pass


class _ExitTwo(click.ClickException):
    exit_code = 2

    def show(self, file: Any = None) -> None:
        _say(f"mantracheck: error: {self.format_message()}")


class _InternalError(click.ClickException):
    exit_code = 3

    def show(self, file: Any = None) -> None:
        _say(f"mantracheck: internal error: {self.format_message()}; please report it (MANTRACHECK_DEBUG=1 shows the traceback)")


#: click 8.2+ raises this for a group called with no arguments (it shows the help): not an error.
_NO_ARGS_IS_HELP: tuple[type[BaseException], ...] = tuple(c for c in (getattr(click.exceptions, "NoArgsIsHelpError", None),) if c is not None)


def _one_line_usage(exc: click.UsageError) -> click.ClickException:
    """click's own usage errors (an unknown option, a value not among the choices, a missing
    argument) in one line too, like every other error: what is wrong, and where to look."""
    if isinstance(exc, _NO_ARGS_IS_HELP):
        return exc
    where = exc.ctx.command_path if exc.ctx is not None else "mantracheck"
    return _ExitTwo(f"{' '.join(exc.format_message().split())} (see '{where} --help')")


class Group(click.Group):
    """Maps every MantracheckError, and click's usage errors, to one line on stderr and exit
    code 2, in one place (an output that cannot be written, a full disk, is one:
    ``OutputError``); a bug (any other exception) to one line and exit code 3, never a
    traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:  # the group's own options: mantracheck --bogus
            raise _one_line_usage(exc) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MantracheckError as exc:
            if isinstance(exc, OutputError) and exc.stream == "stdout":
                _silence_stdout()
            raise _ExitTwo(str(exc)) from None
        except click.UsageError as exc:
            raise _one_line_usage(exc) from None
        except (click.exceptions.Exit, click.ClickException, click.Abort, KeyboardInterrupt, SystemExit):
            raise
        except BrokenPipeError:  # the reader went away (| head): stop quietly
            _silence_stdout()
            sys.exit(1)
        except OSError as exc:
            # A full disk or an I/O error escaping a command that writes with click.echo
            # (lint's writes are OutputError already; the other commands write nothing else).
            if exc.errno not in _WRITE_ERRORS:
                if os.environ.get("MANTRACHECK_DEBUG"):
                    raise
                raise _InternalError(_one_line(exc)) from None
            _silence_stdout()
            raise _ExitTwo(str(OutputError(exc))) from None
        except Exception as exc:  # the last line of defence: a bug, reported in one line
            if os.environ.get("MANTRACHECK_DEBUG"):
                raise
            raise _InternalError(_one_line(exc)) from None


def _one_line(exc: BaseException) -> str:
    detail = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {detail[:300]}"


#: What writing to a full or failing disk raises.
_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="mantracheck")
def cli() -> None:
    """Check the words a company puts in front of its customers.

    \b
      mantracheck lint replies/            lint templates, macros, scripts, emails
      echo "We guarantee it" | mantracheck lint -
      mantracheck rules                    list the rules; 'rules explain ID' for one
      mantracheck mantra "People serving people."   score and rank candidate mantras
    """


def _register() -> None:
    from mantracheck.cli import lint, lsp, mantra, rules, serve

    cli.add_command(lint.lint)
    cli.add_command(lint.show_config)
    cli.add_command(rules.rules)
    cli.add_command(mantra.mantra)
    cli.add_command(serve.serve)
    cli.add_command(lsp.lsp)
    from mantracheck.cli import audit

    cli.add_command(audit.audit)


_register()


#: While start-up runs (see main): (turn the collector back on in ready(), freeze there).
_startup: tuple[bool, bool] | None = None


def main(argv: list[str] | None = None) -> None:
    """The command line, in process (``run`` is the console script). Leaves the cyclic
    collector as it found it.

    Start-up (importing spaCy, building its vocabulary, loading the rules, compiling the
    matchers) makes a large heap of long-lived objects and almost no cyclic garbage, yet
    the cyclic collector would walk that heap again and again as it grows: about 0.07 s of
    a one-file run. So it is off until the command has built what it needs and calls
    ``ready()``, which freezes that heap (never scanned again; nor, in ``--jobs`` workers,
    written to by the collector: the fork-friendly order the ``gc.freeze`` docs give) and
    turns collection back on. The few thousand cyclic objects start-up leaves behind stay
    frozen with it (under 1 MB); a full collection to free them would cost what this saves.
    A caller that has frozen objects of its own keeps them frozen: then nothing is frozen
    here, and nothing unfrozen.
    """
    freeze = gc.get_freeze_count() == 0
    try:
        _invoke(argv, freeze)
    finally:
        if freeze:
            gc.unfreeze()


def _invoke(argv: list[str] | None, freeze: bool = True) -> None:
    global _startup
    resume = gc.isenabled()
    _startup = (resume, freeze)
    gc.disable()
    try:
        cli.main(args=argv, prog_name="mantracheck")
    finally:
        if _startup is not None and resume:  # ready() was not reached; it re-enables otherwise
            gc.enable()
        _startup = None


def ready(freeze_heap: bool = True) -> None:
    """Called by a command once its long-lived state is built (see ``main``); does nothing
    when the command was not started by ``main`` or ``run`` (click's test runner, the API).
    ``freeze_heap=False`` for a server that builds its engine afresh from time to time
    (``serve``): a frozen engine's cycles would never be collected once it is let go."""
    global _startup
    if _startup is None:
        return
    (resume, freeze), _startup = _startup, None
    if freeze and freeze_heap:
        gc.freeze()
    if resume:
        gc.enable()


def run() -> NoReturn:
    """The console script: ``main`` on ``sys.argv``, then a quick exit. Once the output is
    written and the ``atexit`` handlers have run, the process ends with ``os._exit``,
    skipping the interpreter's teardown: freeing spaCy's vocabulary, the lemma table and
    the rules object by object, after a last collection over the whole heap, took about
    0.1-0.2 s of a one-file run, for nothing (the operating system reclaims the memory)."""
    try:
        _invoke(None, freeze=True)
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _quick_exit(code)


def _quick_exit(code: object) -> NoReturn:
    """What the interpreter does with ``SystemExit(code)``, minus its teardown."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        if sys.stderr is not None:
            print(code, file=sys.stderr)
        status = 1
    # Private (CPython's and PyPy's): tests/test_private_apis.py fails if it goes or changes.
    # Kept over the public alternative, an os._exit handler registered first so that it runs
    # last, which would skip the handlers registered before run() (.pth files, coverage's).
    run_exitfuncs = getattr(atexit, "_run_exitfuncs", None)
    if run_exitfuncs is None:  # pragma: no cover - an interpreter without it exits as usual
        sys.exit(status)
    run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None or stream.closed:  # (no descriptor at start, or closed since: skipped, as Python does)
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: what is left cannot be written
            status = 120  # what Python exits with when it cannot flush a standard stream
    os._exit(status & 0xFF)  # as the operating system reports sys.exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
