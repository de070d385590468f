"""Stage 7 of overpromise.jsonl: show the new units to a labeller and add the hand-set labels.

    python eval/labels/overpromise_stage7.py show SOURCE START END   # position, id, text
    python eval/labels/overpromise_stage7.py row ID                  # the whole row of a unit
    python eval/labels/overpromise_stage7.py check FILE...           # validate label files
    python eval/labels/overpromise_stage7.py add FILE...             # append them to overpromise.jsonl

A label file holds one JSON object per line: ``{"id", "overpromise", "categories", "note"}``,
written by the labeller after reading each unit (never by a rule, a script's guess or
mantracheck's output). ``add`` fills in ``source``, ``split`` (the hash rule fixed before
stage 1), ``text_sha256`` and ``written: false``, in the units' selection order.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

import overpromise_units as ou

HERE = Path(__file__).resolve().parent
CATEGORIES = {"guarantee", "absolute", "time", "certainty", "superlative", "prize"}


def _units(source: str | None = None) -> list[tuple[str, str]]:
    items = list(ou.more_units().items())
    return [(k, t) for k, t in items if source is None or k.startswith(source + ":")]


def show(source: str, start: int, end: int) -> None:
    for pos, (id_, text) in enumerate(_units(source)[start:end], start):
        print(f"{pos}\t{id_}\t{text}")


def row(id_: str) -> None:
    source, _file, index, _n = id_.split(":")
    path = {
        "marketing": "marketing-descriptions/valid.csv",
        "slogan": "slogans/textart-slogans.csv",
    }
    with open(ou.D + path[source], newline="") as fh:
        for i, r in enumerate(csv.DictReader(fh)):
            if i == int(index):
                keys = (
                    ("company", "industry", "desc")
                    if source == "marketing"
                    else ("company", "slogan")
                )
                for key in keys:
                    print(f"{key}: {r.get(key, '')}")
                return
    raise SystemExit(f"no row {index}")


def _read(files: list[str]) -> dict[str, dict]:
    known = dict(_units())
    labels: dict[str, dict] = {}
    for name in files:
        for n, line in enumerate(Path(name).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{name}:{n}"
            unit = json.loads(line)
            if unit.get("id") not in known:
                raise SystemExit(f"{where}: unknown id {unit.get('id')!r}")
            if unit["id"] in labels:
                raise SystemExit(f"{where}: {unit['id']} labelled twice")
            if not isinstance(unit.get("overpromise"), bool):
                raise SystemExit(f"{where}: overpromise must be true or false")
            cats = unit.get("categories", [])
            if set(cats) - CATEGORIES or bool(cats) != unit["overpromise"]:
                raise SystemExit(
                    f"{where}: categories {cats} do not fit overpromise={unit['overpromise']}"
                )
            labels[unit["id"]] = unit
    return labels


def add(files: list[str]) -> None:
    labels = _read(files)
    done = {
        json.loads(line)["id"] for line in (HERE / "overpromise.jsonl").read_text().splitlines()
    }
    missing = [k for k, _ in _units() if k not in labels]
    if missing:
        raise SystemExit(f"{len(missing)} units have no label yet, first {missing[0]}")
    lines = []
    for id_, text in _units():
        if id_ in done:
            raise SystemExit(f"{id_} is already in overpromise.jsonl")
        unit = labels[id_]
        lines.append(
            json.dumps(
                {
                    "id": id_,
                    "source": id_.split(":")[0],
                    "split": ou.split_of(text),
                    "text_sha256": hashlib.sha256(text.encode()).hexdigest(),
                    "overpromise": unit["overpromise"],
                    "categories": unit.get("categories", []),
                    "note": unit.get("note", ""),
                    "written": False,
                    "stage": 7,
                },
                ensure_ascii=False,
            )
        )
    with open(HERE / "overpromise.jsonl", "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    print(f"added {len(lines)} units")


def main(argv: list[str]) -> None:
    if argv[:1] == ["show"] and len(argv) == 4:
        show(argv[1], int(argv[2]), int(argv[3]))
    elif argv[:1] == ["row"] and len(argv) == 2:
        row(argv[1])
    elif argv[:1] == ["check"] and len(argv) > 1:
        labels = _read(argv[1:])
        print(f"{len(labels)} labels, {sum(u['overpromise'] for u in labels.values())} true")
    elif argv[:1] == ["add"] and len(argv) > 1:
        add(argv[1:])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
