"""Courtesy cues on hand-labelled agent replies: does mantracheck see what a person sees?

    python eval/cues.py                       # --profile social, test split
    python eval/cues.py --split dev           # the split rules may be tuned on
    python eval/cues.py --profile support --split all
    python eval/cues.py --split dev --errors greeting    # the dev units it gets wrong (ids only)

Labels: eval/labels/replies.jsonl (350 whole agent replies from ../shared/data/agent-replies/,
labelled by hand by ../shared/labels/GUIDELINES.md; see eval/labels/README.md). Texts are read
from ../shared/data by id and checked against their sha256; none is printed.

Each reply is linted as one plain-text input through the public API with the profile given.
Per cue, the label and what mantracheck says:

| cue | label (GUIDELINES.md) | mantracheck says it is missing when |
| --- | --- | --- |
| greeting | greeting | courtesy.greeting fires |
| thanks | gratitude | courtesy.gratitude fires |
| sign-off | signoff | courtesy.sign-off fires |
| please on a request | request and not please | courtesy.please-on-request (social), courtesy.please or courtesy.please-in-questions fires |

For greeting, thanks and sign-off the cue is "present"; "please on a request" is missing when
a reply asks the customer to do something (label `request`) without please, present otherwise,
over all replies (a finding on a reply that asks nothing is a false alarm). Printed per cue:
precision, recall and F1 of the cue being present (the labels' positive class) and of it being
missing (what the linter flags: its precision is the share of findings a person agrees with),
each with counts, and beside them a keyword baseline (see ``baseline``). With `--no-borderline`
units whose note starts `borderline:` are left out.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "shared" / "data" / "agent-replies"
LABELS = HERE / "labels" / "replies.jsonl"
CUES = ("greeting", "thanks", "sign-off", "please on a request")
RULES = {
    "greeting": ("courtesy.greeting",),
    "thanks": ("courtesy.gratitude",),
    "sign-off": ("courtesy.sign-off",),
    "please on a request": ("courtesy.please", "courtesy.please-in-questions", "courtesy.please-on-request"),
}


def load_units() -> list[dict]:
    if not DATA.is_dir():
        sys.exit(f"eval/cues.py: {DATA} is absent (the shared data folder is needed)")
    twcs = {r["tweet_id"]: r["text"] for r in csv.DictReader(open(DATA / "twcs-head.csv", newline="", encoding="utf-8"))}
    ibm = {d["dialogHeader"]["sessionID"]: d for d in json.load(open(DATA / "ibm-twitter-customer-care.dev.json", encoding="utf-8"))}
    units = []
    for line in open(LABELS, encoding="utf-8"):
        unit = json.loads(line)
        source, *rest = unit["id"].split(":")
        if source == "twcs":
            text = twcs[rest[0]]
        else:
            dialog = ibm[rest[0]]
            text = dialog["agentURL"]["url_utterance"] if rest[1] == "final" else dialog["dialogContent"][int(rest[1])]["message"]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != unit["text_sha256"]:
            sys.exit(f"eval/cues.py: the text of {unit['id']} does not match its sha256; the shared data changed")
        unit["text"] = text
        units.append(unit)
    return units


def gold(unit: dict, cue: str) -> bool:
    """The cue's label: True present, False missing. "please on a request" is missing when
    the reply makes a request (label `request`) and does not say please; present otherwise
    (please said, or nothing asked)."""
    if cue == "greeting":
        return unit["greeting"]
    if cue == "thanks":
        return unit["gratitude"]
    if cue == "sign-off":
        return unit["signoff"]
    return unit["please"] or not unit["request"]


_GREETING = re.compile(r"\b(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b", re.I)
_THANKS = re.compile(r"\b(?:thank|thanks|thx|appreciate)", re.I)
_SIGNOFF = re.compile(r"(?:[\^*~-]\s?[A-Z][A-Za-z]{0,12}|\b(?:cheers|best|regards|thanks!?))\W*(?:https?://\S+)?\s*$", re.I)
_PLEASE = re.compile(r"\b(?:please|pls|plz)\b", re.I)
_IMPERATIVE = re.compile(r"(?:^|[.!?]\s+)(?:@\w+\s+)*(?:send|dm|contact|call|reply|check|try|follow|visit|let us know)\b", re.I)


def baseline(text: str, cue: str) -> bool:
    """A keyword baseline: the cue is present when a cue word occurs anywhere (greeting: hi,
    hello, hey, dear, good morning...; thanks: thank, thx, appreciate; please: please, pls), a
    sign-off when the text ends in initials ("^JD", "-Sam") or a closing word; please on a
    request: please said, or no question mark and no sentence opening with one of a few
    request verbs (send, DM, contact, call, reply, check, try, follow, visit, let us know)."""
    if cue == "greeting":
        return bool(_GREETING.search(text))
    if cue == "thanks":
        return bool(_THANKS.search(text))
    if cue == "sign-off":
        return bool(_SIGNOFF.search(text.strip()))
    return bool(_PLEASE.search(text)) or "?" not in text and not _IMPERATIVE.search(text)


def prf(pairs: list[tuple[bool, bool]], positive: bool) -> tuple[float, float, float, int, int, int]:
    tp = sum(1 for g, p in pairs if g == positive and p == positive)
    fp = sum(1 for g, p in pairs if g != positive and p == positive)
    fn = sum(1 for g, p in pairs if g == positive and p != positive)
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / (tp + fn) if tp + fn else float("nan")
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1, tp, fp, fn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="social")
    parser.add_argument("--split", choices=("test", "dev", "all"), default="test")
    parser.add_argument("--no-borderline", action="store_true", help="leave out units whose note starts 'borderline:'")
    parser.add_argument("--errors", metavar="CUE", help="list the ids (and what went wrong) for one cue")
    args = parser.parse_args(argv)

    from mantracheck.api import Options, make_linter

    units = [u for u in load_units() if args.split == "all" or u["split"] == args.split]
    if args.no_borderline:
        units = [u for u in units if not u["note"].startswith("borderline:")]
    linter = make_linter(Options(profile=args.profile))
    fired = [{f.rule for f in linter.lint_text(u["text"], "reply.txt").findings} for u in units]

    print(f"{len(units)} replies ({args.split} split{', no borderline' if args.no_borderline else ''}), profile {args.profile}")
    print(f"{'cue':<21} {'class':<8} {'P':>5} {'R':>5} {'F1':>5}   {'tp/fp/fn':<11} | baseline {'P':>5} {'R':>5} {'F1':>5}")
    for cue in CUES:
        rows = list(zip(units, fired))
        pairs = [(gold(u, cue), not any(r in rules for r in RULES[cue])) for u, rules in rows]
        base = [(gold(u, cue), baseline(u["text"], cue)) for u, _ in rows]
        for positive, name in ((True, "present"), (False, "missing")):
            p, r, f, tp, fp, fn = prf(pairs, positive)
            bp, br, bf, *_ = prf(base, positive)
            print(f"{cue:<21} {name:<8} {p:5.3f} {r:5.3f} {f:5.3f}   {f'{tp}/{fp}/{fn}':<11} | baseline {bp:5.3f} {br:5.3f} {bf:5.3f}")
        if args.errors == cue:
            for (u, rules), (g, pred) in zip(rows, pairs):
                if g != pred:
                    print(f"    {u['id']}: label {'present' if g else 'missing'}, mantracheck {'present' if pred else 'missing'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
