"""``serve --workers N``: N engine processes behind the one web server.

A check is CPU work in Python, so one process uses one core however many people ask at once.
Several uvicorn processes sharing a listening socket used the second core badly: a kept-alive
connection stays with the process that accepted it, and one process often accepts most of
them (in a run with 20 clients one did 72% of the work while the other idled). Here one
process speaks HTTP and hands each check to whichever engine process is free
(``concurrent.futures.ProcessPoolExecutor``), so the work is shared request by request.

Each engine process builds its own ``Workbench`` from the server's config (started with
"spawn": a fresh interpreter, not a fork of one that runs threads) and warms it before it
takes a request; it recycles its engine as an in-process one does, ignores SIGINT and
SIGTERM (the server stops it, after the checks it holds), and leaves if the server is
killed. An engine that cannot be built stops the server at start with its reason (exit 2).
A process that dies (killed, out of memory) costs the requests the pool held then a 503; the
pool is started again, and a request that finds it broken before it ran waits for that and
runs.
"""

from __future__ import annotations

import asyncio
import atexit
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from mantracheck.config import Config

#: Seconds ``close`` gives the engines to finish the checks they hold before it kills them.
GRACE = 10.0

_engine: Any = None  # the Workbench of this engine process
_failed: str | None = None  # or why it could not be built


def _start(config: Config, model: str | None, server: int) -> None:
    # Signals are the server's to handle: it stops its engines (close), and Ctrl-C or a
    # SIGTERM sent to the whole process group (systemd, timeout) must not fail the checks
    # they are finishing.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)

    # A server that is killed cannot stop its engines, and they would wait for work forever
    # (each holds its own end of the queue): they leave when it is gone (``server`` is its
    # pid, passed in: it may be gone before this runs).
    def watch() -> None:
        while os.getppid() == server:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="mantracheck-parent-watch", daemon=True).start()
    global _engine, _failed
    try:
        from mantracheck.web.app import Workbench

        _engine = Workbench(config, model).warm()
    except Exception as exc:  # noqa: BLE001 - said by the server, which then stops (a missing --model, say)
        _failed = str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__


def _ready() -> str | None:
    """None when this engine is built, else why it is not."""
    return _failed


def _call(method: str, *args: Any) -> tuple[bool, Any]:
    """(True, the answer) or (False, (status, one-line reason)). Nothing but these plain
    values crosses back: an exception that does not survive pickling would break the pool."""
    from mantracheck.errors import MantracheckError
    from mantracheck.web.app import BadRequest

    try:
        return True, getattr(_engine, method)(*args)
    except BadRequest as exc:
        return False, (exc.status, exc.reason)
    except MantracheckError as exc:
        return False, (400, str(exc).splitlines()[0] if str(exc) else exc.__class__.__name__)
    except Exception as exc:  # noqa: BLE001 - any other: a 500, never an exception to unpickle
        return False, (500, f"internal error ({exc.__class__.__name__}); please report it")


def _stop(pool: ProcessPoolExecutor, grace: float) -> None:
    """Stop a pool's engine processes: the checks they hold get ``grace`` seconds, then they
    are killed (they ignore SIGTERM)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(5)


class EnginePool:
    def __init__(self, processes: int, config: Config, model: str | None) -> None:
        self.processes = processes
        self._args = (config, model, os.getpid())
        self._restart = asyncio.Lock()
        self._closing = False
        self._pool: ProcessPoolExecutor | None = None
        atexit.register(self.close)  # whatever way the server stops, its engines go with it
        self._pool = self._started()

    def _started(self) -> ProcessPoolExecutor:
        """A pool whose engines are built (one task per process starts each; an engine reads
        no task before its own is built). Raises MantracheckError with an engine's reason
        when it cannot be built (then nothing is left running)."""
        from mantracheck.errors import MantracheckError

        pool = ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"), initializer=_start, initargs=self._args)
        try:
            reasons = [f.result() for f in [pool.submit(_ready) for _ in range(self.processes)]]
        except BaseException:  # Ctrl-C while they start, or one died
            _stop(pool, 0)
            raise
        failed = next((r for r in reasons if r), None)
        if failed is not None:
            _stop(pool, 0)
            raise MantracheckError(f"the engine processes cannot start: {failed}")
        return pool

    async def call(self, method: str, *args: Any) -> Any:
        """``Workbench.<method>(*args)`` in a free engine process."""
        from mantracheck.web.app import BadRequest

        for _ in range(2):
            pool = self._pool
            if self._closing or pool is None:
                raise BadRequest(503, "the server is stopping")
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
        from mantracheck.errors import MantracheckError
        from mantracheck.web.app import BadRequest

        async with self._restart:
            if self._pool is pool and not self._closing:  # the first request to find it broken starts it again
                _stop(pool, 0)
                try:
                    self._pool = await asyncio.get_running_loop().run_in_executor(None, self._started)
                except MantracheckError as exc:
                    raise BadRequest(503, str(exc)) from None

    def close(self) -> None:
        """Stop the engines (idempotent): what they hold gets ``GRACE`` seconds."""
        self._closing = True
        pool, self._pool = self._pool, None
        if pool is not None:
            _stop(pool, GRACE)
