"""Second-labeller audit of overpromise.jsonl (see OVERPROMISE.md, "Second-labeller audit").

How the sample is drawn (reproducible; nothing here is random):

* Every unit of overpromise.jsonl gets the key ``sha256("audit-1" + id)`` (hex, UTF-8).
* The **first-pass** label is used only to stratify.  It is the label as first committed: a line
  the audit corrected has the note ``<reason> | audit: was <true|false> [<categories>]; first
  note: <old note>``, which gives it back, so the sample does not move when corrections are made.
* A unit is "risky" when its text matches ``RISKY`` (case-insensitive: best, leading,
  guarantee(s/d), always, never, will, instantly, won, selected as whole words, or 24/7, 100%).
  ``won`` also matches the "won" of "won't".  The regex only chooses what is read; it never sets
  a label.
* Strata (first-pass label x risky x split) and how many units each gives:

  - positives: 150, split over dev/test in proportion to the positives of each split;
  - negatives with a risky word: 100 (enriched: misses hide there), in proportion over the splits;
  - other negatives: 150, in proportion over the splits.

  Proportional counts are rounded by largest remainder.  In each stratum the units with the
  smallest keys are taken.
* Units are shown for labelling in the order of ``sha256("audit-1-order" + id)``, which mixes the
  strata, and ``show`` prints only the position, id and text: never the first label, the note,
  the stratum or the split.

A second audit (``--audit 2``) draws 200 of the 1,200 stage-7 units the same way, with the salt
``audit-2`` and the strata sizes of ``PLANS["2"]``, into ``overpromise-audit-stage7.jsonl``.

Usage::

    python eval/labels/overpromise_audit.py [--audit 2] show [START [COUNT]]   # units to label, blind
    python eval/labels/overpromise_audit.py [--audit 2] record DRAFT.jsonl     # hand labels -> the audit file
    python eval/labels/overpromise_audit.py [--audit 2] agree [--list]         # agreement with the first pass

``record`` reads lines ``{"id", "overpromise", "categories", "note"}`` written by hand, checks that
they are exactly the sample, and writes ``overpromise-audit.jsonl`` in sample order with the
``text_sha256`` of each text (and the ``text`` itself only for ``written`` units, which are our
own text).  ``agree`` compares them with the first-pass labels: raw agreement, Cohen's kappa
(overall, per split, without borderline units), the confusion table, per-category agreement, the
figures per stratum and, weighting each stratum by its size, the estimated error rates of the
first pass over the whole set; after adjudication (overpromise.jsonl then holds the adjudicated
labels), how often the first pass and the audit were each kept.  ``--list`` prints every disagreement with its text (texts from
../shared/data are printed, never stored).
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import overpromise_units

HERE = Path(__file__).resolve().parent
AUDIT = HERE / "overpromise-audit.jsonl"
CATEGORIES = ["guarantee", "absolute", "time", "certainty", "superlative", "prize"]
RISKY = re.compile(
    r"\b(best|leading|guarantee[sd]?|always|never|will|instantly|won|selected)\b|24/7|100%",
    re.IGNORECASE,
)
SIZES = {"pos": 150, "neg-risky": 100, "neg-other": 150}


@dataclass(frozen=True)
class Plan:
    """One audit: the units it draws from, its salt, its stratum sizes and its label file."""

    name: str
    salt: str
    sizes: dict
    path: Path
    stage7: bool  # draw from the stage-7 units only (else from stages 1-6)


#: The first audit (stages 1-6, before any tuning on them) and the second (stage 7, drawn after
#: its labels were committed; 200 units: every one of its 31 risky negatives).
PLANS = {
    "1": Plan("audit-1", "audit-1", SIZES, AUDIT, False),
    "2": Plan(
        "audit-2",
        "audit-2",
        {"pos": 70, "neg-risky": 31, "neg-other": 99},
        HERE / "overpromise-audit-stage7.jsonl",
        True,
    ),
}
WAS = re.compile(r"audit: was (true|false)(?: \[([a-z, ]*)\])?")


def key(salt: str, uid: str) -> str:
    return hashlib.sha256((salt + uid).encode("utf-8")).hexdigest()


def first_pass(unit: dict) -> tuple[bool, list[str]]:
    """The label as first committed (an audit correction's note keeps the old one)."""
    m = WAS.search(unit.get("note", ""))
    if m:
        cats = [c.strip() for c in (m.group(2) or "").split(",") if c.strip()]
        return m.group(1) == "true", cats
    return unit["overpromise"], list(unit["categories"])


def stratum(unit: dict) -> str:
    if first_pass(unit)[0]:
        return "pos"
    return "neg-risky" if RISKY.search(unit["text"]) else "neg-other"


def allocate(total: int, sizes: dict[str, int]) -> dict[str, int]:
    """Largest-remainder split of ``total`` in proportion to ``sizes``."""
    whole = sum(sizes.values())
    exact = {k: total * v / whole for k, v in sizes.items()}
    out = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def draw(units: list[dict], plan: Plan = PLANS["1"]) -> tuple[list[dict], dict]:
    """The sample (in labelling order) and, per (stratum, split), (population, sample) sizes."""
    cells: dict[tuple[str, str], list[dict]] = {}
    for u in units:
        if (u.get("stage") == 7) == plan.stage7:
            cells.setdefault((stratum(u), u["split"]), []).append(u)
    sample, sizes = [], {}
    for s, n in plan.sizes.items():
        per_split = allocate(n, {sp: len(cells.get((s, sp), [])) for sp in ("dev", "test")})
        for sp, k in per_split.items():
            cell = sorted(cells.get((s, sp), []), key=lambda u: key(plan.salt, u["id"]))
            sample += cell[:k]
            sizes[(s, sp)] = (len(cell), k)
    sample.sort(key=lambda u: key(plan.salt + "-order", u["id"]))
    return sample, sizes


def show(sample: list[dict], start: int = 0, count: int | None = None) -> None:
    end = len(sample) if count is None else start + count
    for i, u in enumerate(sample[start:end], start):
        print(f"[{i}] {u['id']}\n    {u['text']}\n")


def record(sample: list[dict], draft: Path, plan: Plan = PLANS["1"]) -> None:
    labels = {}
    for n, line in enumerate(draft.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        r = json.loads(line)
        assert r["id"] not in labels, f"line {n}: {r['id']} twice"
        assert isinstance(r["overpromise"], bool), f"line {n}: overpromise must be true/false"
        assert all(c in CATEGORIES for c in r["categories"]), f"line {n}: unknown category"
        assert bool(r["categories"]) == r["overpromise"], f"line {n}: categories iff true"
        labels[r["id"]] = r
    ids = [u["id"] for u in sample]
    missing, extra = set(ids) - set(labels), set(labels) - set(ids)
    assert not missing and not extra, (
        f"missing {sorted(missing)[:5]}, not in sample {sorted(extra)[:5]}"
    )
    out = []
    for u in sample:
        r = labels[u["id"]]
        line = {"id": u["id"], "text_sha256": hashlib.sha256(u["text"].encode("utf-8")).hexdigest()}
        if u["source"] == "written":
            line["text"] = u["text"]
        line.update(overpromise=r["overpromise"], categories=r["categories"], note=r["note"])
        out.append(json.dumps(line, ensure_ascii=False))
    plan.path.write_text("\n".join(out) + "\n", encoding="utf-8")
    print(f"{len(out)} audit labels written to {plan.path.name}")


def kappa(pairs: list[tuple[bool, bool]]) -> float:
    n = len(pairs)
    if not n:
        return float("nan")
    po = sum(a == b for a, b in pairs) / n
    pa, pb = sum(a for a, _ in pairs) / n, sum(b for _, b in pairs) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else float("nan")


def figures(name: str, rows: list[tuple[dict, dict]]) -> None:
    pairs = [(first_pass(u)[0], a["overpromise"]) for u, a in rows]
    if not pairs:
        return
    agree = sum(x == y for x, y in pairs)
    # kappa says nothing where one labeller used one value only (a stratum of first-pass positives)
    one_sided = len({x for x, _ in pairs}) < 2 or len({y for _, y in pairs}) < 2
    k = "  n/a" if one_sided else f"{kappa(pairs):.3f}"
    print(f"{name:<34} n={len(pairs):>3}  agreement {agree / len(pairs):6.1%}  kappa {k}")


def weighted(rows, sizes, label) -> tuple[dict, float, float]:
    """Confusion (first pass x ``label``) over the whole set, each unit weighted by its stratum's
    units in the set / drawn; the agreement and kappa that follow from it."""
    w = {(s, sp): pop / k for (s, sp), (pop, k) in sizes.items() if k}
    conf = Counter()
    for u, a in rows:
        conf[(first_pass(u)[0], label(u, a))] += w[(stratum(u), u["split"])]
    n = sum(conf.values())
    po = (conf[(True, True)] + conf[(False, False)]) / n
    pa = (conf[(True, True)] + conf[(True, False)]) / n
    pb = (conf[(True, True)] + conf[(False, True)]) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return conf, po, (po - pe) / (1 - pe)


def agree(sample: list[dict], sizes: dict, listing: bool, plan: Plan = PLANS["1"]) -> None:
    audit = {}
    for line in plan.path.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        audit[r["id"]] = r
    rows = [(u, audit[u["id"]]) for u in sample]
    for u, a in rows:
        assert a["text_sha256"] == hashlib.sha256(u["text"].encode("utf-8")).hexdigest(), u["id"]

    def bl(u, a):
        return a["note"].startswith("borderline:") or first_pass_note(u).startswith("borderline:")

    print("Sample (first-pass stratum x split: units in the set / drawn):")
    for (s, sp), (pop, k) in sorted(sizes.items()):
        print(f"  {s:<10} {sp:<4} {pop:>5} / {k}")
    print()
    figures("all", rows)
    for sp in ("dev", "test"):
        figures(f"split {sp}", [r for r in rows if r[0]["split"] == sp])
    figures("without borderline (either label)", [r for r in rows if not bl(*r)])
    figures("without source written", [r for r in rows if r[0]["source"] != "written"])
    for s in plan.sizes:
        figures(f"stratum {s}", [r for r in rows if stratum(r[0]) == s])
    for src in sorted({u["source"] for u, _ in rows}):
        figures(f"source {src}", [r for r in rows if r[0]["source"] == src])

    print("\nConfusion (rows: first pass, columns: audit):")
    c = Counter((first_pass(u)[0], a["overpromise"]) for u, a in rows)
    print(f"{'':>14}{'audit true':>12}{'audit false':>12}")
    for x in (True, False):
        print(f"{'first ' + str(x).lower():>14}{c[(x, True)]:>12}{c[(x, False)]:>12}")

    print(
        "\nPer category (units where either labeller gives it; both / first only / audit only; kappa over the sample):"
    )
    for cat in CATEGORIES:
        p = [(cat in first_pass(u)[1], cat in a["categories"]) for u, a in rows]
        both = sum(x and y for x, y in p)
        fo = sum(x and not y for x, y in p)
        ao = sum(y and not x for x, y in p)
        if both + fo + ao:
            print(
                f"  {cat:<12} both {both:>3}  first only {fo:>3}  audit only {ao:>3}  kappa {kappa(p):.3f}"
            )
    same = [r for r in rows if first_pass(r[0])[0] and r[1]["overpromise"]]
    exact = sum(sorted(first_pass(u)[1]) == sorted(a["categories"]) for u, a in same)
    print(f"  both true: {exact} of {len(same)} with exactly the same categories")

    print("\nEstimated over the whole set (each stratum weighted by units in the set / drawn):")
    for s in plan.sizes:
        pop = sum(sizes[(s, sp)][0] for sp in ("dev", "test"))
        est = 0.0
        for sp in ("dev", "test"):
            n_pop, k = sizes[(s, sp)]
            cell = [r for r in rows if stratum(r[0]) == s and r[0]["split"] == sp]
            est += n_pop * sum(first_pass(u)[0] != a["overpromise"] for u, a in cell) / max(k, 1)
        print(
            f"  {s:<10} {pop:>5} units, first label flipped by the audit in ~{est:.0f} ({est / pop:.1%})"
        )
    conf, po, kw = weighted(rows, sizes, lambda u, a: a["overpromise"])
    print(f"  first pass vs audit, whole set: agreement ~{po:.1%}, kappa ~{kw:.3f}")
    print(
        f"    (first true: audit true ~{conf[(True, True)]:.0f}, false ~{conf[(True, False)]:.0f}; "
        f"first false: audit true ~{conf[(False, True)]:.0f}, false ~{conf[(False, False)]:.0f})"
    )

    # After adjudication overpromise.jsonl holds the adjudicated label (the first pass where it
    # stood, the correction where it did not; a correction keeps "audit: was ..." in its note).
    adj = [(u, a) for u, a in rows if u["overpromise"] != first_pass(u)[0] or WAS.search(u["note"])]
    if adj:
        print("\nAdjudicated (overpromise.jsonl now):")
        wrong_first = [u for u, _ in rows if u["overpromise"] != first_pass(u)[0]]
        wrong_cats = [
            u
            for u, _ in rows
            if u["overpromise"] == first_pass(u)[0]
            and sorted(u["categories"]) != sorted(first_pass(u)[1])
        ]
        wrong_audit = [
            u
            for u, a in rows
            if u["overpromise"] != a["overpromise"]
            or sorted(u["categories"]) != sorted(a["categories"])
        ]
        print(f"  first pass wrong on overpromise: {len(wrong_first)} of {len(rows)}", end="")
        print(
            f" (dev {sum(u['split'] == 'dev' for u in wrong_first)}, test {sum(u['split'] == 'test' for u in wrong_first)})"
        )
        print(f"  first pass right on overpromise, wrong on categories: {len(wrong_cats)}")
        print(
            f"  audit label (overpromise or categories) not kept: {len(wrong_audit)} of {len(rows)}"
        )
        conf, po, kw = weighted(rows, sizes, lambda u, a: u["overpromise"])
        print(
            f"  first pass vs adjudicated, whole set: accuracy ~{po:.1%}, kappa ~{kw:.3f}; "
            f"~{conf[(True, False)]:.0f} false positives and ~{conf[(False, True)]:.0f} misses"
        )

    if listing:
        print("\nDisagreements (overpromise or categories):")
        texts = {u["id"]: u["text"] for u in sample}
        for u, a in rows:
            fp = first_pass(u)
            if fp[0] != a["overpromise"] or sorted(fp[1]) != sorted(a["categories"]):
                print(f"- {u['id']} ({u['split']}, {stratum(u)})\n    {texts[u['id']]}")
                print(f"    first: {str(fp[0]).lower()} {fp[1]} {first_pass_note(u)!r}")
                print(f"    audit: {str(a['overpromise']).lower()} {a['categories']} {a['note']!r}")


def first_pass_note(unit: dict) -> str:
    """The first pass's note: a corrected line's note is
    ``<audit reason> | audit: was <bool> [<categories>]; first note: <old note>``."""
    note = unit.get("note", "")
    return (
        note.split("; first note: ", 1)[1]
        if WAS.search(note) and "; first note: " in note
        else note
    )


def main(argv: list[str]) -> int:
    argv = list(argv)
    plan = PLANS["1"]
    if "--audit" in argv:
        i = argv.index("--audit")
        plan = PLANS[argv[i + 1]]
        del argv[i : i + 2]
    units = overpromise_units.labelled()
    sample, sizes = draw(units, plan)
    assert len(sample) == sum(plan.sizes.values())
    cmd = argv[1] if len(argv) > 1 else "show"
    if cmd == "show":
        start = int(argv[2]) if len(argv) > 2 else 0
        count = int(argv[3]) if len(argv) > 3 else None
        show(sample, start, count)
    elif cmd == "record":
        record(sample, Path(argv[2]), plan)
    elif cmd == "agree":
        agree(sample, sizes, "--list" in argv, plan)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
