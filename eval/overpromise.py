"""Overpromise recall on hand-labelled sentences: does the pack find what a person calls a promise?

    python eval/overpromise.py                    # the test split (what is reported)
    python eval/overpromise.py --split dev        # the split the rules are tuned on
    python eval/overpromise.py --split all
    python eval/overpromise.py --units stage7     # the 1,200 units labelled after the tuning
    python eval/overpromise.py --errors           # dev misses and false alarms: ids, rules, phrases
    python eval/overpromise.py --errors --text    # ... with each unit's text (terminal only)
    python eval/overpromise.py --save FILE        # each unit's rules that fired, as JSON lines
    PYTHONPATH=/tmp/frozen python eval/overpromise.py   # run a frozen checkout's mantracheck

Labels: eval/labels/overpromise.jsonl (6,318 sentences and short messages labelled by hand by
../shared/labels/GUIDELINES.md and audited by a second labeller, stages 1-6, the ``original``
units; and stage 7's 1,200 more, labelled after the rules were tuned on the first six, each line
``"stage": 7``, audited on a sample of 200; see eval/labels/OVERPROMISE.md). Texts are read again from ../shared/data by
``overpromise_units.labelled()`` (the written lines are in the file); the split is fixed by a
hash of the text: tune on ``dev``, report on ``test``. ``--errors`` refuses the test split.

Each unit is linted on its own, as plain text, through the public API
(``mantracheck.api.make_linter(Options(profile=...))``) with the profile that fits where it
comes from: ``marketing`` for marketing descriptions, slogans and the written promotional lines;
``support`` for agent replies; for real copy the product's profile as SOURCES.md gives it
(``eval/precision.py`` PRODUCTS: mautic ``marketing``, the rest ``support``). A unit is
predicted an overpromise when any ``overpromise.*`` rule fires on it.

Printed, each figure beside the baseline (the rules as they were before issue 20's work, at
d07e52e; their predictions are kept in ``eval/overpromise-baseline.jsonl``, ids and rule ids
only, made with ``--save`` from a clean export of that commit; for ``--units stage7``, the
rules at 3d2463d, just before stage 7 was labelled, in ``eval/overpromise-stage7-before.jsonl``):

- precision, recall and F1 (with tp/fp/fn) overall, without ``borderline:`` units, without the
  ``written`` lines, and per source (each with and without ``borderline:`` units);
- recall per labelled category (a unit counts for every category it is labelled with);
- per rule, the units it fires on and the share of them labelled an overpromise;
- the false-alarm rate on agent sentences: agent-reply units labelled false that get a finding.

``--errors`` (dev split only) lists each miss (id, labelled categories) and each false alarm
(id, rules and the matched phrases). The agent replies must not be republished
(../shared/data/SOURCES.md): print them to a terminal while tuning, never into a committed file.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "labels"))
sys.path.insert(0, str(HERE))
try:  # PYTHONPATH (a frozen checkout) or the installed package first; else this checkout
    import mantracheck
except ImportError:  # pragma: no cover - not installed
    sys.path.insert(0, str(ROOT))
    import mantracheck

from overpromise_units import labelled
from precision import DEFAULT_PROFILE, PRODUCTS

BASELINE = HERE / "overpromise-baseline.jsonl"
BASELINE_COMMIT = "d07e52e"
# Stage 7's units (1,200, labelled 2026-12-05) came after the rules were tuned on stages 1-6;
# their baseline is the pack just before they were labelled, at 3d2463d.
#: Made at 3d2463d with ``lint_units`` over ``overpromise_units.more_units()`` (before the labels
#: existed); the same as ``--units stage7 --save FILE`` run on that commit with the labels added.
STAGE7_BASELINE = HERE / "overpromise-stage7-before.jsonl"
STAGE7_BASELINE_COMMIT = "3d2463d"
CATEGORIES = ("guarantee", "absolute", "time", "certainty", "superlative", "prize")
SOURCES = ("marketing", "agent", "real-copy", "slogan", "written")
SOURCE_PROFILES = {
    "marketing": "marketing",
    "slogan": "marketing",
    "written": "marketing",
    "agent": "support",
}


def profile_for(unit: dict) -> str:
    """The profile a unit is linted with: by source, for real copy by its product."""
    source = unit["source"]
    if source == "real-copy":
        product = unit["id"].split(":")[1].split("/")[0]
        return PRODUCTS.get(product, (DEFAULT_PROFILE, ()))[0]
    return SOURCE_PROFILES[source]


def lint_units(units: Sequence[dict]) -> dict[str, list[tuple[str, str]]]:
    """id -> [(rule, matched phrase)] of the overpromise findings on each unit."""
    from mantracheck.api import Options, make_linter
    from mantracheck.engine.runner import Source

    out: dict[str, list[tuple[str, str]]] = {}
    by_profile: dict[str, list[dict]] = defaultdict(list)
    for unit in units:
        by_profile[profile_for(unit)].append(unit)
    for profile, group in sorted(by_profile.items()):
        linter = make_linter(Options(profile=profile, select=("overpromise",)))
        reports = linter.lint_sources(Source("unit.txt", u["text"], "text") for u in group)
        for unit, report in zip(group, reports):
            out[unit["id"]] = [
                (f.rule, f.match) for f in report.findings if f.rule.startswith("overpromise.")
            ]
    return out


def load_baseline(path: Path = BASELINE) -> dict[str, list[str]] | None:
    if not path.is_file():
        return None
    found = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        found[row["id"]] = row["rules"]
    return found


# -- figures ----------------------------------------------------------------------------


def prf(pairs: Iterable[tuple[bool, bool]]) -> tuple[float, float, float, int, int, int]:
    tp = fp = fn = 0
    for gold, predicted in pairs:
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1, tp, fp, fn


def fmt(x: float) -> str:
    return "  -  " if math.isnan(x) else f"{x:5.3f}"


def is_borderline(unit: dict) -> bool:
    return unit.get("note", "").startswith("borderline:")


class Table:
    """The units of one split with what fired now and in the baseline."""

    def __init__(
        self,
        units: list[dict],
        now: dict[str, list[str]],
        base: dict[str, list[str]] | None,
        base_commit: str = BASELINE_COMMIT,
    ) -> None:
        self.units, self.now, self.base, self.base_commit = units, now, base, base_commit

    def pairs(self, units: Iterable[dict], rules: dict[str, list[str]]) -> list[tuple[bool, bool]]:
        return [(u["overpromise"], bool(rules[u["id"]])) for u in units]

    def row(self, name: str, keep: Callable[[dict], bool]) -> str:
        units = [u for u in self.units if keep(u)]
        p, r, f, tp, fp, fn = prf(self.pairs(units, self.now))
        line = f"{name:<34} {len(units):>5} {tp + fn:>4}  {fmt(p)} {fmt(r)} {fmt(f)} {f'{tp}/{fp}/{fn}':>11}"
        if self.base is not None:
            bp, br, bf, btp, bfp, bfn = prf(self.pairs(units, self.base))
            line += f"  | {fmt(bp)} {fmt(br)} {fmt(bf)} {f'{btp}/{bfp}/{bfn}':>11}"
        return line

    def header(self, first: str) -> str:
        line = f"{first:<34} {'n':>5} {'pos':>4}  {'P':>5} {'R':>5} {'F1':>5} {'tp/fp/fn':>11}"
        if self.base is not None:
            line += (
                f"  | {'P':>5} {'R':>5} {'F1':>5} {'tp/fp/fn':>11}  (baseline {self.base_commit})"
            )
        return line


def report(table: Table, which: str) -> None:
    units, now, base = table.units, table.now, table.base
    n_border = sum(map(is_borderline, units))
    print(
        f"{len(units)} units ({which}), {sum(u['overpromise'] for u in units)} labelled overpromises, {n_border} borderline"
    )
    print()
    print(table.header("overall"))
    print(table.row("all", lambda u: True))
    print(table.row("without borderline", lambda u: not is_borderline(u)))
    print(table.row("without written", lambda u: u["source"] != "written"))
    print(
        table.row(
            "without borderline and written",
            lambda u: not is_borderline(u) and u["source"] != "written",
        )
    )
    print()
    print(table.header("per source"))
    for source in SOURCES:
        print(table.row(source, lambda u, s=source: u["source"] == s))
        print(
            table.row(
                f"{source}, without borderline",
                lambda u, s=source: u["source"] == s and not is_borderline(u),
            )
        )

    print()
    head = f"{'recall per category':<34} {'pos':>5} {'found':>6} {'R':>6}  {'R, no borderline':>17}"
    print(
        head + (f"  | {'found':>6} {'R':>6}  {'R, no borderline':>17}" if base is not None else "")
    )
    for cat in CATEGORIES:
        pos = [u for u in units if cat in u.get("categories", ())]
        clear = [u for u in pos if not is_borderline(u)]

        def recall(group: list[dict], rules: dict[str, list[str]]) -> tuple[int, float]:
            found = sum(1 for u in group if rules[u["id"]])
            return found, (found / len(group) if group else float("nan"))

        found, r = recall(pos, now)
        _, rc = recall(clear, now)
        line = f"{cat:<34} {len(pos):>5} {found:>6} {fmt(r):>6}  {fmt(rc):>10} (n={len(clear)})"
        if base is not None:
            bfound, br = recall(pos, base)
            _, brc = recall(clear, base)
            line += f"  | {bfound:>6} {fmt(br):>6}  {fmt(brc):>10}"
        print(line)

    print()
    print(
        f"{'per rule: units it fires on':<34} {'fires':>5} {'right':>6} {'share':>6}"
        + (f"  | {'fires':>5} {'right':>6} {'share':>6}" if base is not None else "")
    )
    rule_ids = sorted(
        {r for rules in now.values() for r in rules}
        | ({r for rules in base.values() for r in rules} if base else set())
    )

    def per_rule(rule: str, rules: dict[str, list[str]]) -> str:
        fired = [u for u in units if rule in rules[u["id"]]]
        right = sum(u["overpromise"] for u in fired)
        return f"{len(fired):>5} {right:>6} {fmt(right / len(fired) if fired else float('nan')):>6}"

    for rule in rule_ids:
        print(
            f"{rule:<34} {per_rule(rule, now)}"
            + (f"  | {per_rule(rule, base)}" if base is not None else "")
        )

    print()
    agent_neg = [u for u in units if u["source"] == "agent" and not u["overpromise"]]

    def alarm(group: list[dict], rules: dict[str, list[str]]) -> str:
        hits = sum(1 for u in group if rules[u["id"]])
        return f"{hits}/{len(group)} = {100 * hits / len(group):.2f}%" if group else "-"

    clear_neg = [u for u in agent_neg if not is_borderline(u)]
    line = f"false alarms on agent sentences: {alarm(agent_neg, now)} (without borderline {alarm(clear_neg, now)})"
    if base is not None:
        line += f"; baseline {alarm(agent_neg, base)} ({alarm(clear_neg, base)})"
    print(line)


def errors(units: list[dict], findings: dict[str, list[tuple[str, str]]], show_text: bool) -> None:
    print()
    print("misses (labelled an overpromise, no finding):")
    for u in units:
        if u["overpromise"] and not findings[u["id"]]:
            extra = f"  | {u['text']}" if show_text else ""
            print(
                f"  {u['id']}  [{', '.join(u['categories'])}]{' borderline' if is_borderline(u) else ''}{extra}"
            )
    print()
    print("false alarms (labelled false, a finding):")
    for u in units:
        if not u["overpromise"] and findings[u["id"]]:
            found = "; ".join(f"{rule} {match!r}" for rule, match in findings[u["id"]])
            extra = f"  | {u['text']}" if show_text else ""
            print(f"  {u['id']}  {found}{' borderline' if is_borderline(u) else ''}{extra}")


def which_mantracheck() -> str:
    where = Path(mantracheck.__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--", "mantracheck", "rules"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return f"{where} at {commit}{' (working tree has changes)' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return str(where)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument(
        "--units",
        choices=("original", "stage7", "all"),
        default="original",
        help="original: stages 1-6 (6,318 units, the reported figures); stage7: the 1,200 units "
        "labelled after the rules were tuned on stages 1-6; all: both",
    )
    parser.add_argument(
        "--errors", action="store_true", help="list dev-split misses and false alarms"
    )
    parser.add_argument(
        "--text", action="store_true", help="with --errors: print each unit's text (terminal only)"
    )
    parser.add_argument(
        "--save",
        metavar="FILE",
        help="write each unit's firing rules (id, rules) as JSON lines: every split of the --units chosen",
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="do not print the baseline beside the figures"
    )
    args = parser.parse_args(argv)
    if args.errors and args.split == "test":
        parser.error(
            "--errors lists dev-split errors only (never tune on the test split): add --split dev"
        )
    if not (ROOT.parent / "shared" / "data").is_dir():
        sys.exit("eval/overpromise.py: ../shared/data is absent (the shared data folder is needed)")

    everything = [
        u
        for u in labelled()
        if args.units == "all" or (u.get("stage") == 7) == (args.units == "stage7")
    ]
    units = (
        everything
        if args.save
        else [u for u in everything if args.split == "all" or u["split"] == args.split]
    )
    findings = lint_units(units)
    now = {uid: sorted({rule for rule, _ in found}) for uid, found in findings.items()}
    if args.save:
        with open(args.save, "w", encoding="utf-8") as out:
            out.writelines(
                json.dumps({"id": u["id"], "rules": now[u["id"]]}) + "\n" for u in everything
            )
        print(f"wrote {len(everything)} units' firing rules to {args.save}")
        units = [u for u in everything if args.split == "all" or u["split"] == args.split]
    stage7 = args.units == "stage7"
    base = None
    if not args.no_baseline and args.units != "all":
        base = load_baseline(STAGE7_BASELINE if stage7 else BASELINE)
    elif args.units == "all" and not args.no_baseline:
        print("(no baseline column with --units all: the two sets have different baselines; run --units original and --units stage7)")
    print(f"mantracheck: {which_mantracheck()}")
    report(
        Table(units, now, base, STAGE7_BASELINE_COMMIT if stage7 else BASELINE_COMMIT),
        f"{args.split} split" + ("" if args.units == "original" else f", {args.units} units"),
    )
    if args.errors:
        errors([u for u in units if u["split"] == "dev"], findings, args.text)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    raise SystemExit(main())
