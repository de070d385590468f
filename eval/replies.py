"""How often each rule fires on real agent replies, and a fixed sample of findings to review.

    python eval/replies.py                      # fire rates per rule, then the sample
    python eval/replies.py --review eval/REVIEW.md   # ... and precision from the verdicts there

Data: ../shared/data/agent-replies/ibm-twitter-customer-care.dev.json (IBM
twitter-customer-care-document-prediction, dev split; Ganhotra et al., EMNLP 2020): 525
customer-care conversations on Twitter from 24 companies' support accounts. The agent replies
are the `dialogContent` turns that have an `agent` key (their `message`) plus each
conversation's final agent reply in `agentURL.url_utterance`: 586 replies.

Profile: `support` (replies written to one customer). Not `script` (read aloud on calls: it
adds hold, pardon and "no problem" rules and raises please/thanks/sign-off to warnings) and not
`marketing` (copy sent to many: no courtesy rules, strict claims rules). Tweets are short, so
the length-gated `require` rules (greeting under 12 words, gratitude under 50, sign-off under
60) stay quiet on most of them, as they should.

Each reply is linted through the public API (`mantracheck.api.make_linter`, the Linter the
CLI uses) as a plain-text input. A finding's key is `C<conversation>.<turn>:<rule>@<offset>`
(conversation index in the file, turn index in `dialogContent`, or `u` for the final
`url_utterance`). The review sample takes, per pack, the findings with the smallest
sha256(seed + key): reproducible, not chosen by hand, and stable across rule changes (a
finding that survives a fix keeps its place; one that disappears makes room for the next).

The data holds real Twitter handles, so nothing here prints one: every @handle is shown as
`@user`, URLs as `<url>` and email addresses as `<email>`, and the sample shows only the
matched words and a short excerpt around them.

`--slogans` runs the same on the 9,478 advertising slogans of
../shared/data/slogans/textart-slogans.csv under the `marketing` profile (keys `S<row>`): a
supplement that gives the overpromise pack findings to review where it does fire. It is not
part of the agent-reply figures.

`--review FILE` reads the verdicts from a Markdown table whose rows start with
`| <key> |` and have a `right` or `wrong` cell, and prints precision per pack over the
current sample (findings in the sample without a verdict are listed, never counted).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mantracheck.api import Options, make_linter
from mantracheck.engine.runner import Source

DATA = ROOT.parent / "shared" / "data" / "agent-replies" / "ibm-twitter-customer-care.dev.json"
SLOGANS = ROOT.parent / "shared" / "data" / "slogans" / "textart-slogans.csv"
PACKS = ("courtesy", "overpromise")
SAMPLE = 50
SEED = "mantracheck-replies-2026"
MASK_NAMES = True  # off for the slogans: a brand's name is the point there
EXCERPT = 40  # characters of context either side of the match

_HANDLE = re.compile(r"@\w+")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.IGNORECASE)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+")
_SIGNATURE = re.compile(r"(?<!\w)[\^~]\w+")  # agents sign tweets with ^initials
_NAMED = re.compile(r"\b(Hi|Hello|Hey|Dear|Thanks|Thank you),?[ \t]+[A-Z][a-z]+\b")
_VOCATIVE = re.compile(r"(?<=, )[A-Z][a-z]+(?=[.!?])")  # "..., Justin."
_CLOSING_NAME = re.compile(
    r"(?<=\s)(?:[-/]\s?)?[A-Z][A-Za-z]*\s*$"
)  # "... - Mindy", "... /SO", "... Jason"


@dataclass(frozen=True)
class Reply:
    key: str  # C<conversation>.<turn>, or C<conversation>.u for the final url_utterance
    company: str
    text: str


@dataclass(frozen=True)
class Hit:
    key: str
    rule: str
    severity: str
    start: int
    end: int
    reply: Reply

    @property
    def pack(self) -> str:
        return self.rule.split(".", 1)[0]


def mask(text: str, at_end: bool = True) -> str:
    """No handle, URL or email address from the data ever leaves this script (nor an agent's
    ^signature, nor a name right after "Hi", "Thanks"...)."""
    text = _EMAIL.sub("<email>", text)
    text = _URL.sub("<url>", text)
    text = _HANDLE.sub("@user", text)
    if not MASK_NAMES:
        return text
    text = _SIGNATURE.sub("^agent", text)
    text = _NAMED.sub(lambda m: m.group(1) + " <name>", text)
    text = _VOCATIVE.sub("<name>", text)
    return _CLOSING_NAME.sub("<agent>", text) if at_end else text


def load_replies(path: Path) -> list[Reply]:
    conversations = json.loads(path.read_text(encoding="utf-8"))
    replies = []
    for ci, conv in enumerate(conversations):
        company = conv.get("dialogHeader", {}).get("company", "?")
        for ti, turn in enumerate(conv.get("dialogContent", [])):
            if "agent" in turn and turn.get("message"):
                replies.append(Reply(f"C{ci}.{ti}", company, turn["message"]))
        final = conv.get("agentURL", {}).get("url_utterance")
        if final:
            replies.append(Reply(f"C{ci}.u", company, final))
    return replies


def load_slogans(path: Path) -> list[Reply]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [
        Reply(f"S{i}", row["company"], row["slogan"]) for i, row in enumerate(rows) if row["slogan"]
    ]


def offset(text: str, line: int, column: int) -> int:
    """Character offset of a 1-based line and column."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line - 1] + column - 1


def lint(replies: list[Reply], profile: str) -> tuple[list[Hit], list[str]]:
    linter = make_linter(Options(profile=profile))
    hits = []
    reports = linter.lint_sources(Source(r.key, r.text, "text") for r in replies)
    for reply, report in zip(replies, reports):
        for f in report.findings:
            start = offset(reply.text, f.line, f.column)
            end = offset(reply.text, f.end_line, f.end_column)
            hits.append(
                Hit(f"{reply.key}:{f.rule}@{start}", f.rule, str(f.severity), start, end, reply)
            )
    return hits, [n.message for n in linter.notices]


def sample(hits: list[Hit], pack: str, size: int = SAMPLE) -> list[Hit]:
    def rank(h: Hit) -> str:
        return hashlib.sha256(f"{SEED}|{h.key}".encode()).hexdigest()

    return sorted((h for h in hits if h.pack == pack), key=rank)[:size]


def excerpt(h: Hit) -> str:
    text = h.reply.text
    a, b = max(0, h.start - EXCERPT), min(len(text), h.end + EXCERPT)
    # widen to whole words, so a handle or URL is never cut (and so always masked)
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    before, match, after = text[a : h.start], text[h.start : h.end], text[h.end : b]
    one_line = " ".join
    return (
        ("…" if a else "")
        + mask(one_line(before.split()) + (" " if before[-1:].isspace() else ""), at_end=False)
        + "«"
        + mask(one_line(match.split()), at_end=False)
        + "»"
        + mask(
            (" " if after[:1].isspace() else "") + one_line(after.split()), at_end=b == len(text)
        )
        + ("…" if b < len(text) else "")
    )


def read_verdicts(path: Path) -> dict[str, str]:
    verdicts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not re.fullmatch(
            r"(?:C\d+\.(?:\d+|u)|S\d+):[\w.-]+@\d+", cells[0].strip("`")
        ):
            continue
        verdict = next((c.lower() for c in cells[1:] if c.lower() in ("right", "wrong")), None)
        if verdict:
            verdicts[cells[0].strip("`")] = verdict
    return verdicts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--profile", default=None, help="default: support (marketing with --slogans)")
    ap.add_argument("--slogans", action="store_true", help="the slogans supplement instead")
    ap.add_argument(
        "--sample", type=int, default=SAMPLE, help="findings sampled per pack (default 50)"
    )
    ap.add_argument("--review", type=Path, default=None, help="a REVIEW.md whose verdicts to count")
    args = ap.parse_args(argv)
    args.data = args.data or (SLOGANS if args.slogans else DATA)
    args.profile = args.profile or ("marketing" if args.slogans else "support")
    if not args.data.exists():
        print(f"data not found: {args.data}", file=sys.stderr)
        return 2

    global MASK_NAMES
    MASK_NAMES = not args.slogans
    replies = load_slogans(args.data) if args.slogans else load_replies(args.data)
    what = "slogans" if args.slogans else "agent replies"
    t0 = time.perf_counter()
    hits, notices = lint(replies, args.profile)
    took = time.perf_counter() - t0
    n = len(replies)
    companies = len({r.company for r in replies})
    print(f"{n} {what} from {companies} companies; profile {args.profile!r}; linted in {took:.1f}s")
    for note in notices:
        print(f"notice: {note}")

    per_rule = Counter(h.rule for h in hits)
    replies_per_rule = {
        rule: len({h.reply.key for h in hits if h.rule == rule}) for rule in per_rule
    }
    severity = {h.rule: h.severity for h in hits}
    print(
        f"\n{len(hits)} findings ({100 * len(hits) / n:.1f} per 100 texts); "
        f"{len({h.reply.key for h in hits})} texts with at least one"
    )
    print(f"{'rule':32} {'severity':8} {'findings':>8} {'per 100':>8} {'texts':>8}")
    for rule, count in sorted(per_rule.items(), key=lambda kv: (-kv[1], kv[0])):
        print(
            f"{rule:32} {severity[rule]:8} {count:8d} {100 * count / n:8.1f} {replies_per_rule[rule]:8d}"
        )
    for pack in PACKS:
        total = sum(c for r, c in per_rule.items() if r.startswith(pack + "."))
        print(f"{pack + ' (pack)':32} {'':8} {total:8d} {100 * total / n:8.1f}")

    verdicts = read_verdicts(args.review) if args.review else {}
    summary: list[tuple[str, int, int, list[str]]] = []
    for pack in PACKS:
        chosen = sample(hits, pack, args.sample)
        total = sum(1 for h in hits if h.pack == pack)
        note = "all of them" if len(chosen) == total else f"sample of {len(chosen)} of {total}"
        print(f"\n## {pack}: {note} (seed {SEED!r})\n")
        print("| key | rule | match | excerpt |")
        print("| --- | --- | --- | --- |")
        for h in chosen:
            match = mask(" ".join(h.reply.text[h.start : h.end].split()), at_end=False)
            print(f"| `{h.key}` | {h.rule} | {match} | {excerpt(h)} |")
        if args.review:
            given = [verdicts[h.key] for h in chosen if h.key in verdicts]
            missing = [h.key for h in chosen if h.key not in verdicts]
            summary.append((pack, given.count("right"), len(given), missing))
    if args.review:
        print(f"\n## precision from the verdicts in {args.review}")
        for pack, right, judged, missing in summary:
            share = f"{100 * right / judged:.1f}%" if judged else "n/a"
            print(
                f"{pack}: {right}/{judged} right = {share}"
                + (f"; {len(missing)} sampled findings without a verdict" if missing else "")
            )
            for key in missing:
                print(f"  no verdict: {key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
