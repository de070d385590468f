"""``mantracheck audit``: how courteous a whole archive of sent replies is, and where it
overpromises, per team, agent or month, on one machine or a Dask cluster.

    from mantracheck.audit import run_audit
    report = run_audit(["replies.csv"], preset="twcs", group_by=["agent", "month"])

``readers`` cuts exports into partitions, ``job`` audits one partition (the linter of
``mantracheck.api``, its findings and scores), ``aggregate`` adds partitions up exactly,
``engines`` runs them on local processes or Dask, ``report`` makes the result one dict, and
``outputs`` renders it (JSON, CSV, Parquet, HTML).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from mantracheck.audit.aggregate import Aggregate
from mantracheck.audit.engines import AuditError, run_dask, run_local
from mantracheck.audit.job import INPUT_FORMATS, AuditJob, linter_for
from mantracheck.audit.presets import LOGICAL, MONTH, PRESETS
from mantracheck.audit.readers import PARTITION_BYTES, ExportFile, Partition, plan
from mantracheck.audit.rows import Where
from mantracheck.errors import UsageError

__all__ = ["AuditError", "AuditJob", "Plan", "prepare", "run_audit"]

ENGINES = ("local", "dask")


class Plan:
    """A job ready to run: the files, their partitions and what each partition is audited
    with; ``run`` audits them, ``report`` turns the aggregate into the output dict."""

    def __init__(self, job: AuditJob, files: list[ExportFile], parts: list[Partition], preset: str | None) -> None:
        self.job, self.files, self.parts, self.preset = job, files, parts, preset

    def run(
        self,
        *,
        engine: str = "local",
        jobs: int | None = None,
        scheduler: str | None = None,
        progress: Callable[[Aggregate], None] | None = None,
        shared: bool | None = None,
    ) -> Aggregate:
        """The merged aggregate; ``progress`` is called with each partition's as it is merged.
        ``shared`` (Dask): whether workers read the files themselves (None: when they see them)."""
        if engine == "dask":
            if not scheduler:
                raise UsageError("--engine dask needs --scheduler ADDRESS (tcp://host:8786)")
            return run_dask(self.parts, self.job, scheduler, progress, paths=[f.path for f in self.files], shared=shared)
        if engine != "local":
            raise UsageError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
        return run_local(self.parts, self.job, jobs, progress)

    def report(self, agg: Aggregate) -> dict[str, Any]:
        from mantracheck.audit.report import build
        from mantracheck.scoring.courtesy_model import load_model

        linter = linter_for(self.job)
        rules = {r.id: {"pack": r.pack, "severity": str(linter.severities[r.id]), "summary": r.one_line()} for r in linter.rules}
        cues = [e.name for e in load_model().expected]
        return build(agg, self.files, self.job, preset=self.preset, rules=rules, cues=cues)


def prepare(
    paths: Sequence[str],
    *,
    text_column: str | None = None,
    preset: str | None = None,
    group_by: Sequence[str] = (),
    where: Sequence[str] = (),
    columns: Mapping[str, str] | None = None,
    input_format: str | None = None,
    profile: str | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    rule_paths: Sequence[str] = (),
    model: str | None = None,
    examples: int = 3,
    group_examples: int = 1,
    partition_bytes: int = PARTITION_BYTES,
) -> Plan:
    """Check the options and the files (a missing column is a ``UsageError`` naming it) and cut
    the files into partitions. ``columns`` maps the logical names (text, id, agent, team,
    timestamp) to columns, over the preset's; a ``group_by`` name that is none of them nor
    ``month`` is a column of its own."""
    if not paths:
        raise UsageError("name at least one export (CSV, JSON Lines or Parquet)")
    chosen = None
    if preset is not None:
        chosen = PRESETS.get(preset)
        if chosen is None:
            raise UsageError(f"unknown preset {preset!r}; expected one of {', '.join(sorted(PRESETS))}")
    mapping = dict(chosen.columns if chosen else {})
    for name, column in (columns or {}).items():
        if name not in LOGICAL:
            raise UsageError(f"--column {name}={column}: expected one of {', '.join(LOGICAL)} before '='")
        mapping[name] = column
    if text_column:
        mapping["text"] = text_column
    if "text" not in mapping:
        raise UsageError("name the column that holds the reply text: --text-column COLUMN (or --preset NAME)")
    groups: list[tuple[str, str]] = []
    for name in group_by:
        if name == MONTH:
            if "timestamp" not in mapping:
                raise UsageError("--group-by month needs the column that holds each reply's time: --column timestamp=COLUMN")
            groups.append((MONTH, MONTH))
        else:
            groups.append((name, mapping.get(name, name)))
    if len({label for label, _ in groups}) != len(groups):
        raise UsageError("--group-by names a group twice")
    filters = [Where.parse(w) for w in where]
    mine = {w.column for w in filters}
    filters = [Where.parse(w) for w in (chosen.where if chosen else ()) if Where.parse(w).column not in mine] + filters
    fmt = input_format or (chosen.input_format if chosen else "auto")
    if fmt not in INPUT_FORMATS:
        raise UsageError(f"unknown input format {fmt!r}; expected one of {', '.join(INPUT_FORMATS)}")
    if examples < 0 or group_examples < 0:
        raise UsageError("--examples and --group-examples must be 0 or more")
    needs_time = any(c == MONTH for _, c in groups)
    required = [mapping["text"], *(c for _, c in groups if c != MONTH), *(w.column for w in filters)]
    if needs_time:
        required.append(mapping["timestamp"])
    files, parts = plan(list(paths), list(dict.fromkeys(required)), partition_bytes)
    id_column = mapping.get("id")
    if id_column and not all(id_column in f.columns or id_column.split(".")[0] in f.columns for f in files):
        id_column = None  # (the id is shown beside examples only where every file has it)
    job = AuditJob(
        text_column=mapping["text"],
        group_by=tuple(groups),
        timestamp=mapping.get("timestamp") if needs_time else None,
        id_column=id_column,
        where=tuple(filters),
        input_format=fmt,
        profile=profile,
        select=tuple(select),
        ignore=tuple(ignore),
        rule_paths=tuple(rule_paths),
        model=model,
        examples=examples,
        group_examples=group_examples,
    )
    linter_for(job)  # an unknown profile or rule fails here, before any partition runs
    return Plan(job, files, parts, preset)


def run_audit(paths: Sequence[str], *, engine: str = "local", jobs: int | None = None, scheduler: str | None = None, progress: Callable[[Aggregate], None] | None = None, **options: Any) -> dict[str, Any]:
    """The audit report (the dict ``mantracheck audit --format json`` prints) of ``paths``;
    ``options`` are ``prepare``'s."""
    ready = prepare(paths, **options)
    return ready.report(ready.run(engine=engine, jobs=jobs, scheduler=scheduler, progress=progress))
