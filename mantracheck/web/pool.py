"""``serve --workers N``: N engine processes behind the one web server.

A check is CPU work in Python, so one process uses one core however many people ask at once.
Several uvicorn processes sharing a listening socket used the second core badly: a kept-alive
connection stays with the process that accepted it, and one process often accepts most of
them (in a run with 20 clients one did 72% of the work while the other idled). Here one
process speaks HTTP and hands each check to whichever engine process is free
(``concurrent.futures.ProcessPoolExecutor``), so the work is shared request by request.

Each engine process builds its own ``Workbench`` from the server's config (started with
"spawn": a fresh interpreter, not a fork of one that runs threads), warms it before the
server takes requests, ignores Ctrl-C (the server stops it), and recycles its own engine as
an in-process one does, and leaves if the server is killed. A process that dies (killed, out of memory) costs the requests the
pool held then a 503; the pool is started again, and a request that finds it broken before
it ran waits for that and runs.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from mantracheck.config import Config

_engine: Any = None  # the Workbench of this engine process


def _start(config: Config, model: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    # A server that is killed cannot stop its engines, and they would wait for work forever
    # (each holds its own end of the queue): they leave when their parent does.
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="mantracheck-parent-watch", daemon=True).start()
    from mantracheck.web.app import Workbench

    global _engine
    _engine = Workbench(config, model).warm()


def _ready() -> bool:
    return _engine is not None


def _call(method: str, *args: Any) -> tuple[bool, Any]:
    """(True, the answer) or (False, (status, one-line reason)) for a request's own fault."""
    from mantracheck.errors import MantracheckError
    from mantracheck.web.app import BadRequest

    try:
        return True, getattr(_engine, method)(*args)
    except BadRequest as exc:
        return False, (exc.status, exc.reason)
    except MantracheckError as exc:
        return False, (400, str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__)


class EnginePool:
    def __init__(self, processes: int, config: Config, model: str | None) -> None:
        self.processes = processes
        self._args = (config, model)
        self._restart = asyncio.Lock()
        self._pool = self._started()

    def _started(self) -> ProcessPoolExecutor:
        pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=self._args)
        # one task per process: each is started (and warmed by _start) before the first request
        wait([pool.submit(_ready) for _ in range(self.processes)])
        return pool

    async def call(self, method: str, *args: Any) -> Any:
        """``Workbench.<method>(*args)`` in a free engine process."""
        from mantracheck.web.app import BadRequest

        for _ in range(2):
            pool = self._pool
            try:
                future = pool.submit(_call, method, *args)
            except BrokenProcessPool:  # found broken before this request ran: start it again, retry
                await self._restart_after(pool)
                continue
            try:
                ok, answer = await asyncio.wrap_future(future)
            except BrokenProcessPool:  # it broke while holding this request (perhaps its cause)
                await self._restart_after(pool)
                raise BadRequest(503, "an engine process stopped and was started again; send the request again") from None
            if not ok:
                raise BadRequest(*answer)
            return answer
        raise BadRequest(503, "the engine processes could not be started again")

    async def _restart_after(self, pool: ProcessPoolExecutor) -> None:
        async with self._restart:
            if self._pool is pool:  # the first request to find it broken starts it again
                pool.shutdown(wait=False, cancel_futures=True)
                self._pool = await asyncio.get_running_loop().run_in_executor(None, self._started)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
