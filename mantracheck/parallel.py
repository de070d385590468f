"""``--jobs N``: lint chunks of files in worker processes that inherit the built linter.

The parent builds the Linter (spaCy pipeline, compiled matchers) once; workers are forked
from it, so they start warm. Chunks come back in input order, so the output is the same
whatever N is.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

T = TypeVar("T")

CHUNK = 48
#: Below this many files a pool costs more than it saves.
MIN_FILES_PER_JOB = 64

_worker_lint: Callable[[Sequence[tuple[str, str]]], list[Any]] | None = None


def default_jobs(n_files: int) -> int:
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cpus, n_files // MIN_FILES_PER_JOB))


def _run_chunk(chunk: Sequence[tuple[str, str]]) -> list[Any]:
    assert _worker_lint is not None
    return _worker_lint(chunk)


def map_chunks(
    lint_chunk: Callable[[Sequence[tuple[str, str]]], list[T]],
    inputs: Sequence[tuple[str, str]],
    jobs: int,
) -> Iterator[T]:
    """Apply ``lint_chunk`` to chunks of ``inputs`` on ``jobs`` processes, in input order."""
    chunks = [inputs[i : i + CHUNK] for i in range(0, len(inputs), CHUNK)]
    if jobs <= 1 or len(chunks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield from lint_chunk(chunk)
        return
    global _worker_lint
    _worker_lint = lint_chunk
    context = multiprocessing.get_context("fork")
    try:
        with context.Pool(processes=jobs) as pool:
            for reports in pool.imap(_run_chunk, chunks):
                yield from reports
    finally:
        _worker_lint = None
