"""``mantracheck lsp``: the language server, for findings in the editor as people write."""

from __future__ import annotations

import os
import sys

import click

from mantracheck.cli.lint import config_option, no_config_option
from mantracheck.cli.options import model_option, rule_paths_option


@click.command()
@click.option("--tcp", "port", type=click.IntRange(1, 65535), default=None, metavar="PORT", help="Listen on 127.0.0.1:PORT instead of talking over standard input and output.")
@click.option("--debounce", type=click.IntRange(0, 5000), default=50, show_default=True, metavar="MS", help="A change within MS of the one before is linted MS after the last of them (a burst is linted once); one after a pause, at once.")
@click.option("--docs-url", default=None, metavar="URL", help="Link each built-in rule to URL#rule-anchor (a hosted copy of docs/rules.md) instead of the local file.")
@config_option
@no_config_option
@rule_paths_option
@model_option
def lsp(port: int | None, debounce: int, docs_url: str | None, config_path: str | None, no_config: bool, rule_paths: tuple[str, ...], model: str | None) -> None:
    """Run the language server (LSP) that editors start: findings as you type.

    \b
      mantracheck lsp              # the editor talks to it over stdin/stdout
      mantracheck lsp --tcp 2087   # or over a TCP port on this computer

    Each workspace folder is linted with the config the CLI finds there; a change to
    pyproject.toml or .mantracheck.* reloads it. Set-up for Neovim, Helix, Zed and VS Code:
    docs/editors.md. It exits when the editor asks it to (exit code 0 after shutdown).
    """
    import logging

    from mantracheck.cli import ready
    from mantracheck.errors import UsageError
    from mantracheck.lsp.engines import ServerOptions
    from mantracheck.lsp.server import MantracheckServer
    from mantracheck.nlp import get_pipeline

    if config_path is not None and not os.path.isfile(config_path):
        raise UsageError(f"{config_path}: config file not found")
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="mantracheck lsp: %(levelname)s: %(message)s")
    logging.getLogger("pygls").setLevel(logging.ERROR)  # (its warnings are about clients, not for users)
    get_pipeline(model)  # warm: the slow part of the first lint, done before the editor waits on it
    options = ServerOptions(config_path=config_path, use_config=not no_config, model=model, rule_paths=rule_paths)
    server = MantracheckServer(options, debounce=debounce / 1000, docs_url=docs_url)
    ready(freeze_heap=False)  # collect garbage again (see cli.main); its engines are rebuilt after 32 MB, so nothing frozen
    if port is not None:
        click.echo(f"mantracheck: language server on 127.0.0.1:{port} (Ctrl-C stops it)", err=True)
        try:
            server.start_tcp("127.0.0.1", port)
        except OSError as exc:
            raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror or exc}") from None
        except KeyboardInterrupt:
            pass
        sys.exit(0 if server.shutdown_requested else 1)
    # Standard output carries the protocol: the server writes to a copy of it, and anything
    # else written there (a library's print) goes to standard error instead.
    protocol_out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    server.start_io(sys.stdin.buffer, protocol_out)
    sys.exit(0 if server.shutdown_requested else 1)
