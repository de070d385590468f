"""Where the partitions are audited: local processes (``--jobs``) or a Dask cluster.

Both engines run ``job.audit_partition`` on the same partitions and merge the aggregates,
which merge exactly in any order (``aggregate``): the result is the same, byte for byte, from
one process, N processes or a cluster. Partitions are handed out as workers become free and
merged as they finish, so the parent holds one aggregate and no rows.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from mantracheck.audit import readers
from mantracheck.audit.aggregate import Aggregate
from mantracheck.audit.job import (
    RECYCLE_BYTES,
    AuditJob,
    audit_on_worker,
    audit_partition,
    empty_aggregate,
    linter_for,
)
from mantracheck.errors import MantracheckError

Progress = Callable[[Aggregate], None]
#: Times Dask runs a partition again after it raised (a worker that dies is handled by the
#: scheduler itself: its partitions go to another worker).
RETRIES = 2


class AuditError(MantracheckError):
    """The audit cannot go on (a cluster that cannot be reached, a partition that fails on
    every try). One line, exit code 2."""


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


# -- local processes ---------------------------------------------------------------------
_local_job: AuditJob | None = None


def _local_task(part: readers.Partition) -> Aggregate:
    assert _local_job is not None
    return audit_partition(part, _local_job)


def run_local(parts: Sequence[readers.Partition], job: AuditJob, jobs: int | None = None, progress: Progress | None = None) -> Aggregate:
    """Audit on this machine: ``jobs`` processes (even one: see ``RECYCLE_BYTES``) forked from
    this one once its linter is built (they start warm), one partition at a time each, each
    replaced by a new fork after ``RECYCLE_BYTES``; in this process only for one partition.
    A gzip'd file's partitions get their bytes from here, read once in order
    (``readers.InOrder``), a few partitions ahead of the processes."""
    total = empty_aggregate(job)
    n = default_jobs() if jobs is None else max(1, jobs)
    linter_for(job)
    with contextlib.closing(readers.InOrder(job.columns())) as feed:

        def fed(part: readers.Partition) -> readers.Partition:
            return feed(part) if part.gzip else part

        if len(parts) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            for part in parts:
                done = audit_partition(fed(part), job)
                total.merge(done)
                if progress:
                    progress(done)
            return total
        global _local_job
        _local_job = job
        workers = min(n, len(parts))
        ahead = threading.Semaphore(2 * workers)
        stop = threading.Event()

        def tasks() -> Iterator[readers.Partition]:
            # (the pool's feeding thread runs this: it waits here, never inside the pool)
            for part in parts:
                while not ahead.acquire(timeout=0.1):
                    if stop.is_set():
                        return
                yield fed(part)

        try:
            text = [p.end - p.start for p in parts if p.fmt != "parquet"]
            size = max(1, sum(text) // len(text)) if text else readers.PARTITION_BYTES
            per_child = max(1, RECYCLE_BYTES // size)
            with multiprocessing.get_context("fork").Pool(processes=workers, maxtasksperchild=per_child) as pool:
                try:
                    for done in pool.imap_unordered(_local_task, tasks()):
                        ahead.release()
                        total.merge(done)
                        if progress:
                            progress(done)
                finally:
                    stop.set()
        finally:
            _local_job = None
    return total


# -- Dask ---------------------------------------------------------------------------------
def _sizes(paths: Sequence[str]) -> list[int]:
    out = []
    for path in paths:
        try:
            out.append(os.stat(path).st_size)
        except OSError:
            out.append(-1)
    return out


def run_dask(
    parts: Sequence[readers.Partition],
    job: AuditJob,
    scheduler: str,
    progress: Progress | None = None,
    *,
    paths: Sequence[str] = (),
    timeout: float = 60.0,
    connect_timeout: float = 10.0,
    shared: bool | None = None,
) -> Aggregate:
    """Audit on the Dask cluster at ``scheduler``. Each worker builds its linter once (a
    worker plugin). When every worker sees every file (the same size at the same path: a
    shared file system), workers read their partitions themselves; otherwise this process
    reads each partition and sends its bytes, a few partitions ahead of the workers
    (``shared`` False forces that, True the other)."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise AuditError("--engine dask needs the 'dask' and 'distributed' packages (pip install 'dask[distributed]')") from None
    from mantracheck.audit.dask_plugin import WarmPipeline

    try:
        client = Client(scheduler, set_as_default=False, timeout=connect_timeout)
    except (OSError, TimeoutError) as exc:
        raise AuditError(f"cannot reach the Dask scheduler at {scheduler}: {' '.join(str(exc).split())[:300]}") from None
    except ValueError as exc:  # a malformed address: no port, an unknown protocol
        raise AuditError(f"--scheduler {scheduler!r} is not a Dask scheduler address such as tcp://10.0.0.5:8786 ({' '.join(str(exc).split())[:200]})") from None
    total = empty_aggregate(job)
    token = uuid.uuid4().hex[:12]
    feed = readers.InOrder(job.columns())
    try:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise AuditError(f"the Dask scheduler at {scheduler} has no workers (waited {timeout:.0f} s)") from None
        plugin = f"mantracheck-audit-{token}"
        client.register_plugin(WarmPipeline(job), name=plugin)
        if shared is None:
            mine = _sizes(paths)
            seen = client.run(_sizes, list(paths))
            shared = all(sizes == mine for sizes in seen.values()) and all(s >= 0 for s in mine)

        def submit(i: int, part: readers.Partition) -> Any:
            # (a gzip'd file cannot be read from the middle: its bytes go from here, in order)
            if not shared or part.gzip:
                part = feed(part)
            return client.submit(audit_on_worker, part, job, key=f"mantracheck-audit-{token}-{i}", retries=RETRIES, pure=False)

        fed = not shared or any(p.gzip for p in parts)
        ahead = max(2, 2 * sum(client.nthreads().values())) if fed else len(parts)
        queue = list(enumerate(parts))
        running = as_completed([submit(i, p) for i, p in queue[:ahead]], loop=client.loop)
        queue = queue[ahead:]
        for future in running:
            try:
                done = future.result()
            except MantracheckError:
                raise
            except Exception as exc:  # noqa: BLE001 - a partition that failed every try
                raise AuditError(f"a partition failed on the Dask cluster ({type(exc).__name__}: {' '.join(str(exc).split())[:300]})") from None
            future.release()
            total.merge(done)
            if progress:
                progress(done)
            if queue:
                i, part = queue.pop(0)
                running.add(submit(i, part))
        with contextlib.suppress(Exception):  # (a cluster that forgot it already)
            client.unregister_worker_plugin(plugin)  # workers that join later need not build this linter
    finally:
        feed.close()
        client.close()
    return total
