"""``mantracheck serve``: the local web page for people who do not live in a terminal."""

from __future__ import annotations

from typing import Any

import click

from mantracheck.cli.options import model_option

LOCAL = ("127.0.0.1", "localhost", "::1")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; anything but 127.0.0.1 lets other machines in.")
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True, help="Port to listen on (0: any free one).")
@click.option("--open", "open_browser", is_flag=True, help="Open the page in the default browser.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Engine processes (about 150 MB each): with more than 1, each check goes to a free one, so many people at once use more cores.")
@model_option
def serve(host: str, port: int, open_browser: bool, workers: int, model: str | None) -> None:
    """Serve the page: check copy (findings in place, fixes, scores) and rank mantras.

    \b
      mantracheck serve            # then open http://127.0.0.1:8750
      mantracheck serve --open

    It reads the same config as `lint`, from the folder it starts in, runs on this computer
    only, and writes nothing. Stop it with Ctrl-C.
    """
    import socket

    import uvicorn

    from mantracheck.config import load_config
    from mantracheck.web.app import Workbench, create_app

    # (IPPROTO_TCP named: asyncio then sets TCP_NODELAY on each connection; with proto 0 it
    # does not, and a response written in two parts waited 40 ms for a delayed ACK)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        from mantracheck.errors import UsageError

        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    import signal

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt  # uvicorn shuts down on SIGTERM, then raises it again: stop as on Ctrl-C

    signal.signal(signal.SIGTERM, stop)
    bench = None
    try:
        # the engine after the port: a busy port is said at once, not after the engines start
        bench = Workbench(load_config(), model=model, processes=workers)
        if workers == 1:
            bench.warm()
        app = create_app(bench)
        from mantracheck.cli import ready

        # The engine is built: collect garbage again (see cli.main), without freezing this
        # heap, since the engine is built afresh after RECYCLE_CHARS.
        ready(freeze_heap=False)
        sock.listen(2048)  # (uvicorn's backlog): from here a connection waits, never is refused
        bound = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{bound}/"
        click.echo(f"mantracheck: serving on {url} (Ctrl-C stops it)", err=True)
        if host not in LOCAL:
            click.echo(f"mantracheck: listening on {host}, not 127.0.0.1: other machines can reach this page", err=True)
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if bench is not None:
            bench.close()
    click.echo("mantracheck: stopped", err=True)
