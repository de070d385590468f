"""The Dask worker plugin that builds each worker's linter once, when the worker joins (and
again in a worker the nanny restarts), so that no partition pays for the spaCy pipeline.
Imported only by the Dask engine: ``distributed`` is needed there and nowhere else."""

from __future__ import annotations

from typing import Any

from distributed import WorkerPlugin

from mantracheck.audit.job import AuditJob, linter_for


class WarmPipeline(WorkerPlugin):
    name = "mantracheck-audit"

    def __init__(self, job: AuditJob) -> None:
        self.job = job

    def setup(self, worker: Any) -> None:
        linter_for(self.job)
