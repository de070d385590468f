"""Precision on real customer-facing copy: fire counts per rule, a stratified sample to review.

    python eval/precision.py                          # fire counts, then the sample
    python eval/precision.py --seed another-seed      # a fresh sample
    python eval/precision.py --review eval/PRECISION.md   # ... and precision from the verdicts
    PYTHONPATH=/tmp/frozen python eval/precision.py   # run a frozen checkout's mantracheck

Data: ../shared/data/real-copy/<product>/ (see ../shared/data/SOURCES.md, section
`real-copy/`): transactional emails, helpdesk auto-replies and canned responses, storefront
strings and marketing email themes from seven open-source products, each under its original
repository path. The licence files (LICENSE*) are skipped.

Profiles, as SOURCES.md gives them: `marketing` for mautic (email themes and landing pages
sent to many), `support` for the other six. opencart is mixed (its mails are support, its
storefront strings partly marketing copy); it is linted as `support` throughout. One product
gets fields named: django-helpdesk's `emailtemplate.json` holds 16 templates in 10 languages,
and SOURCES.md says to use `locale == "en"`, so it is linted with the fields
`subject[locale=en]` and `plain_text[locale=en]` (the `html` field is the same email again,
and would count every finding twice; the default fields would lint the subjects of all ten
languages and no body). Every other file is linted with mantracheck's defaults.

Every file is linted through the public API the CLI uses (`mantracheck.api.lint_paths`, with
the file names listed, so nothing of the CLI's folder walk decides what is read): a file is
read when mantracheck knows its format from its extension (`format_for_path`); the others
are counted and listed per extension as skipped, never silently dropped. The header says
which mantracheck ran (its path and, in a git checkout, its commit) and which rules folder.

Keys: `<product>/<path in the product>:<line>:<rule>@<column>` (1-based line and column of
the finding's start in the original file). They depend only on where a finding is, so a
finding that survives a rule change keeps its key and its verdict.

Filler: a finding whose source line (the line it starts on) holds lorem ipsum ("lorem",
"ipsum", "dolor sit", "consectetur", "adipiscing") is counted in the fire counts but not
sampled: the review counts flags on real sentences only (SOURCES.md). They are listed.

Sample (stratified by rule; reproducible with `--seed`): within each rule the findings are
ranked by sha256("<seed>|<key>") and the first ones taken. Every rule that fires gets
min(n, CAP) findings (`--cap`, default 40); if that totals less than the target size
(`--size`, default 200), the remaining slots go to the rules that have more findings than
the cap, in proportion to how many they have left (largest remainder; ties by rule id). When
there are no more findings than the target, the sample is all of them; when more rules than
size/cap fire more than the cap, it is larger than the target. So rare rules are always fully
represented, and the common ones are not allowed to crowd them out.

`--team-config` lints each product as its team would configure it (TEAM below: files that go
to staff, not customers, left out, as SOURCES.md lists them; django-helpdesk's sign-off rule
off, since the product appends a footer with one to every mail). The figures are printed for
both: with mantracheck's defaults and with the team's config.

`--review FILE` reads verdicts from a Markdown table in FILE: rows that start with
`| <key> |` (the key may be in backticks) and have a cell that is exactly `right` or
`wrong`. It prints precision over the sample per pack and per rule with counts, and per pack
the precision weighted back to fire counts (each rule's sample precision times how often it
fires, non-filler): the sample over-represents rare rules, so this is the estimate for the
findings a user would actually see. Sampled findings without a verdict are listed, never
counted; verdicts for keys that are not in the sample are counted and ignored.

For each sampled finding the sample table shows the key, product, path:line, rule, the
matched words, the rule's message and an excerpt of the source around the match (HTML tags
removed, whitespace collapsed, the match in «»), so a reviewer can judge it, though a
verdict should come from reading the file itself.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import html
import os
import re
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:  # PYTHONPATH (a frozen checkout) or the installed package first; else this checkout
    import mantracheck
except ImportError:  # pragma: no cover - not installed
    sys.path.insert(0, str(ROOT))
    import mantracheck

from mantracheck.api import Options, lint_paths
from mantracheck.engine.loader import builtin_rules_dir
from mantracheck.text.formats import format_for_path
from mantracheck.text.walk import is_legal_file

DATA = Path(__file__).parents[1] / ".." / "shared" / "data"
REAL_COPY = "real-copy"
SEED = "mantracheck-precision-2026"
SIZE = 200
CAP = 40
PACKS = ("courtesy", "overpromise")

#: product -> (profile, fields) as SOURCES.md gives them; fields () = mantracheck's defaults
PRODUCTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "django-helpdesk": ("support", ("subject[locale=en]", "plain_text[locale=en]")),
    "fossbilling": ("support", ()),
    "freescout": ("support", ()),
    "helpy": ("support", ()),
    "mautic": ("marketing", ()),
    "opencart": ("support", ()),  # mixed: mails are support, storefront strings partly marketing
    "saleor": ("support", ()),
}
DEFAULT_PROFILE = "support"  # a product folder not listed above

#: `--team-config`: what each product's team would put in its config, from what SOURCES.md (and,
#: for django-helpdesk, the product's own mail code) says about who reads each file; never from
#: the findings. Globs are on the path inside the product folder.
TEAM: dict[str, dict[str, tuple[str, ...] | str]] = {
    "fossbilling": {
        "exclude": ("*/mod_staff_*", "*/mod_client_signup_admin*"),
        "why": "SOURCES.md: the 8 mod_staff_* files and mod_client_signup_admin go to staff, not customers",
    },
    "saleor": {"exclude": ("saleor/plugins/admin_email/*",), "why": "SOURCES.md: the 5 admin_email files go to staff"},
    "freescout": {
        "exclude": ("resources/views/emails/user/*",),
        "why": "SOURCES.md: user/ holds agent notifications, invites and password-changed mails",
    },
    "opencart": {
        "exclude": ("upload/admin/language/en-gb/mail/forgotten*", "upload/admin/language/en-gb/mail/authorize*"),
        "why": "SOURCES.md: the admin forgotten and authorize* mails go to admin users",
    },
    "django-helpdesk": {
        "ignore": ("courtesy.sign-off",),
        "why": "django-helpdesk's send_templated_mail appends email_text_footer.txt ('Regards, {{ queue.title }}') to every plain-text mail, so a template's own last line is not the mail's closing",
    },
}

_FILLER = re.compile(r"\b(?:lorem|ipsum|dolor\s+sit|consectetur|adipiscing)\b", re.IGNORECASE)
_TAG = re.compile(
    r"<(style|script|head)\b.*?</\1\s*>|<mj-(?:style|attributes|head)\b.*?</mj-(?:style|attributes|head)\s*>|<!--.*?-->|</?[A-Za-z!][^<>]*>",
    re.DOTALL | re.IGNORECASE,
)
EXCERPT = 90  # visible characters either side of the match


@dataclass(frozen=True)
class Hit:
    key: str
    product: str
    path: str  # relative to the product folder
    line: int
    column: int
    rule: str
    severity: str
    match: str
    message: str
    excerpt: str
    filler: bool

    @property
    def pack(self) -> str:
        return self.rule.split(".", 1)[0]

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"


def extension(name: str) -> str:
    """The compound extension from the name's first dot (`.blade.php`, `.html.twig`)."""
    dot = name.find(".", 1)
    return name[dot:].lower() if dot != -1 else "(none)"


def list_files(product_dir: Path) -> tuple[list[Path], dict[str, list[str]]]:
    """Files mantracheck reads, sorted; and the rest per extension (licence files left out)."""
    read, skipped = [], defaultdict(list)
    for dirpath, dirnames, filenames in os.walk(product_dir):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            rel = path.relative_to(product_dir).as_posix()
            if is_legal_file(name):  # as `mantracheck lint` walks a folder
                continue
            if format_for_path(str(path)) is None:
                skipped[extension(name)].append(rel)
            else:
                read.append(path)
    return sorted(read), dict(skipped)


def line_offsets(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]


def visible(raw: str, cut_start: bool = False, cut_end: bool = False) -> str:
    """``raw`` without its tags; a tag cut by the window's start or end is dropped too."""
    if cut_start:  # the window may start inside a tag: drop up to its '>'
        gt, lt = raw.find(">"), raw.find("<")
        if gt != -1 and (lt == -1 or gt < lt):
            raw = raw[gt + 1 :]
    if cut_end:  # or end inside one: drop from its '<'
        lt, gt = raw.rfind("<"), raw.rfind(">")
        if lt > gt:
            raw = raw[:lt]
    return " ".join(html.unescape(_TAG.sub(" ", raw)).split())


def make_excerpt(text: str, start: int, end: int) -> str:
    """The source around [start, end), tags removed, whitespace collapsed, match in «»."""
    before = visible(text[max(0, start - 1500) : start], cut_start=start > 1500)
    after = visible(text[end : end + 1500], cut_end=end + 1500 < len(text))
    match = " ".join(text[start:end].split())
    before = ("…" + before[-EXCERPT:]) if len(before) > EXCERPT else before
    after = (after[:EXCERPT] + "…") if len(after) > EXCERPT else after
    return f"{before} «{match}» {after}".strip().replace("|", "\\|")


def lint_product(
    product_dir: Path, product: str, team: bool = False
) -> tuple[list[Hit], dict[str, list[str]], list[str], int]:
    profile, fields = PRODUCTS.get(product, (DEFAULT_PROFILE, ()))
    files, skipped = list_files(product_dir)
    config = TEAM.get(product, {}) if team else {}
    excluded = config.get("exclude", ())
    files = [p for p in files if not any(fnmatch.fnmatch(p.relative_to(product_dir).as_posix(), g) for g in excluded)]
    hits: list[Hit] = []
    problems: list[str] = []
    if not files:
        return hits, skipped, problems, 0
    options = Options(profile=profile, fields=fields, ignore=tuple(config.get("ignore", ())))
    result = lint_paths([str(p) for p in files], options=options, jobs=None)
    problems.extend(
        f"notice: {n.message}" + (f" ({n.path})" if n.path else "") for n in result.notices
    )
    for report in result.files:
        rel = Path(report.path).relative_to(product_dir).as_posix()
        if report.error:
            problems.append(f"{product}/{rel}: {report.error}")
        if not report.findings:
            continue
        text = Path(report.path).read_text(encoding=report.encoding or "utf-8", errors="replace")
        starts = line_offsets(text)
        lines = text.splitlines()
        for f in report.findings:
            start = starts[f.line - 1] + f.column - 1
            end = starts[min(f.end_line, len(starts)) - 1] + f.end_column - 1
            if end <= start:
                end = start + max(1, len(f.match))
            source_line = lines[f.line - 1] if f.line - 1 < len(lines) else ""
            hits.append(
                Hit(
                    key=f"{product}/{rel}:{f.line}:{f.rule}@{f.column}",
                    product=product,
                    path=rel,
                    line=f.line,
                    column=f.column,
                    rule=f.rule,
                    severity=str(f.severity),
                    match=" ".join(f.match.split()),
                    message=f.message,
                    excerpt=make_excerpt(text, start, end),
                    filler=bool(_FILLER.search(source_line)),
                )
            )
    return hits, skipped, problems, len(files)


def rank(seed: str, key: str) -> str:
    return hashlib.sha256(f"{seed}|{key}".encode()).hexdigest()


def quotas(counts: dict[str, int], size: int, cap: int) -> dict[str, int]:
    """min(n, cap) per rule, then the slots left up to `size` in proportion to what is left."""
    take = {r: min(n, cap) for r, n in counts.items()}
    room = size - sum(take.values())
    left = {r: counts[r] - take[r] for r in counts if counts[r] > take[r]}
    if room <= 0 or not left:
        return take
    total_left = sum(left.values())
    if total_left <= room:
        return dict(counts)
    shares = {r: room * n / total_left for r, n in left.items()}
    extra = {r: int(s) for r, s in shares.items()}
    rest = room - sum(extra.values())
    for r in sorted(left, key=lambda r: (-(shares[r] - extra[r]), r))[:rest]:
        extra[r] += 1
    return {r: take[r] + extra.get(r, 0) for r in counts}


def sample(hits: list[Hit], seed: str, size: int, cap: int) -> list[Hit]:
    by_rule: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_rule[h.rule].append(h)
    quota = quotas({r: len(v) for r, v in by_rule.items()}, size, cap)
    chosen = []
    for rule in sorted(by_rule):
        chosen.extend(sorted(by_rule[rule], key=lambda h: rank(seed, h.key))[: quota[rule]])
    return sorted(chosen, key=lambda h: (h.product, h.path, h.line, h.column, h.rule))


_KEY = re.compile(r"[\w.-]+/\S+:\d+:[\w.-]+@\d+")


def read_verdicts(path: Path) -> dict[str, tuple[str, str]]:
    """key -> (verdict, the row's last cell: the reason)."""
    verdicts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.lstrip().startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        key = cells[0].strip("`") if cells else ""
        if not _KEY.fullmatch(key):
            continue
        verdict = next((c.lower() for c in cells[1:] if c.lower() in ("right", "wrong")), None)
        if verdict:
            verdicts[key] = (verdict, cells[-1])
    return verdicts


def pct(right: int, n: int) -> str:
    return f"{right}/{n} = {right / n:.2f}" if n else "n/a"


def where_from() -> str:
    pkg = Path(mantracheck.__file__).resolve().parent
    commit = "not a git checkout"
    try:
        out = subprocess.run(
            ["git", "-C", str(pkg), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(pkg.parent), "status", "--porcelain", "--", "mantracheck", "rules"],
            check=False,
            capture_output=True,
            text=True,
        ).stdout.strip()
        commit = out + (" (with uncommitted changes to mantracheck/ or rules/)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return f"mantracheck from {pkg} (commit {commit}); rules from {builtin_rules_dir()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA / REAL_COPY, help="the real-copy folder")
    ap.add_argument("--seed", default=SEED, help=f"sampling seed (default {SEED!r})")
    ap.add_argument("--size", type=int, default=SIZE, help=f"target sample size (default {SIZE})")
    ap.add_argument(
        "--cap", type=int, default=CAP, help=f"findings per rule before the fill (default {CAP})"
    )
    ap.add_argument(
        "--review", type=Path, default=None, help="a Markdown file whose verdicts to count"
    )
    ap.add_argument(
        "--skeleton", action="store_true", help="also print an empty verdict table for the sample"
    )
    ap.add_argument(
        "--team-config", action="store_true", help="lint as each product's team would configure it (TEAM: staff-only files excluded, footers)"
    )
    args = ap.parse_args(argv)
    data = args.data
    if not data.is_dir():
        print(
            f"precision.py: real-copy data not found at {data.resolve()} (see ../shared/data/SOURCES.md)",
            file=sys.stderr,
        )
        return 2
    products = sorted(p.name for p in data.iterdir() if p.is_dir())

    print(where_from())
    if args.team_config:
        print("team config (--team-config):")
        for product, config in sorted(TEAM.items()):
            parts = [f"exclude {', '.join(config['exclude'])}" if "exclude" in config else "", f"ignore {', '.join(config['ignore'])}" if "ignore" in config else ""]
            print(f"  {product}: {'; '.join(p for p in parts if p)} ({config['why']})")
    t0 = time.perf_counter()
    hits: list[Hit] = []
    skipped_all: dict[str, list[str]] = defaultdict(list)
    problems: list[str] = []
    read_counts: dict[str, int] = {}
    for product in products:
        h, skipped, probs, n_read = lint_product(data / product, product, args.team_config)
        hits.extend(h)
        problems.extend(probs)
        read_counts[product] = n_read
        for ext, files in skipped.items():
            skipped_all[ext].extend(f"{product}/{f}" for f in files)
    took = time.perf_counter() - t0
    n_skipped = sum(len(v) for v in skipped_all.values())
    print(
        f"{data.resolve()}: {len(products)} products, {sum(read_counts.values())} files read, "
        f"{n_skipped} not read (format unknown), linted in {took:.1f}s"
    )
    print("\n## products\n")
    print("| product | profile | fields | files read | findings | filler |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for product in products:
        profile, fields = PRODUCTS.get(product, (DEFAULT_PROFILE, ()))
        mine = [h for h in hits if h.product == product]
        print(
            f"| {product} | {profile} | {', '.join(fields) or 'defaults'} | {read_counts[product]} | "
            f"{len(mine)} | {sum(h.filler for h in mine)} |"
        )
    if skipped_all:
        print("\n## files not read (format unknown), per extension\n")
        for ext in sorted(skipped_all, key=lambda e: (-len(skipped_all[e]), e)):
            files = skipped_all[ext]
            by_product = Counter(f.split("/", 1)[0] for f in files)
            print(
                f"- `{ext}`: {len(files)} ({', '.join(f'{p} {n}' for p, n in sorted(by_product.items()))})"
            )
            folders = Counter(f.rsplit("/", 1)[0] + "/" for f in files)
            for folder, n in sorted(folders.items()):
                print(f"    {folder} {n}")
    for p in problems:
        print(p)

    real = [h for h in hits if not h.filler]
    per_rule = Counter(h.rule for h in hits)
    per_rule_real = Counter(h.rule for h in real)
    severity = {h.rule: h.severity for h in hits}
    print("\n## fire counts per rule (filler = on a lorem-ipsum line, not sampled)\n")
    print("| rule | severity | findings | filler | " + " | ".join(products) + " |")
    print("| --- | --- | ---: | ---: | " + " | ".join("---:" for _ in products) + " |")
    for rule in sorted(per_rule, key=lambda r: (-per_rule[r], r)):
        cells = [str(sum(1 for h in hits if h.rule == rule and h.product == p)) for p in products]
        print(
            f"| {rule} | {severity[rule]} | {per_rule[rule]} | {per_rule[rule] - per_rule_real[rule]} | "
            + " | ".join(cells)
            + " |"
        )
    packs = sorted(set(PACKS) | {h.pack for h in hits})
    for pack in packs:
        n = sum(1 for h in hits if h.pack == pack)
        cells = [str(sum(1 for h in hits if h.pack == pack and h.product == p)) for p in products]
        print(
            f"| **{pack}** (pack) | | {n} | {n - sum(1 for h in real if h.pack == pack)} | "
            + " | ".join(cells)
            + " |"
        )

    filler = [h for h in hits if h.filler]
    if filler:
        print(f"\n## {len(filler)} findings on lorem-ipsum lines (not sampled)\n")
        for h in filler:
            print(f"- `{h.key}` {h.match!r}")

    chosen = sample(real, args.seed, args.size, args.cap)
    quota = Counter(h.rule for h in chosen)
    note = "all of them" if len(chosen) == len(real) else f"{len(chosen)} of {len(real)}"
    print(f"\n## sample: {note} (seed {args.seed!r}, size {args.size}, cap {args.cap})\n")
    print(
        "per rule: "
        + ", ".join(f"{r} {quota[r]}/{per_rule_real[r]}" for r in sorted(per_rule_real))
    )
    print(
        "per product: "
        + ", ".join(f"{p} {sum(1 for h in chosen if h.product == p)}" for p in products)
    )
    missing_products = [p for p in products if not any(h.product == p for h in chosen)]
    if missing_products:
        print("products with no finding in the sample: " + ", ".join(missing_products))
    print()
    print("| key | product | path:line | rule | match | message | excerpt |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for h in chosen:
        match = h.match.replace("|", "\\|")
        print(
            f"| `{h.key}` | {h.product} | {h.where} | {h.rule} | {match} | {h.message} | {h.excerpt} |"
        )
    if args.skeleton:
        print("\n| key | product | path:line | rule | verdict | reason |")
        print("| --- | --- | --- | --- | --- | --- |")
        for h in chosen:
            print(f"| `{h.key}` | {h.product} | {h.where} | {h.rule} | ? |  |")

    if args.review:
        verdicts = read_verdicts(args.review)
        keys = {h.key for h in chosen}
        judged = [(h, verdicts[h.key][0]) for h in chosen if h.key in verdicts]
        missing = [h for h in chosen if h.key not in verdicts]
        print(f"\n## precision from the verdicts in {args.review} (seed {args.seed!r})\n")
        print("| rule | pack | fires (non-filler) | sampled | judged | right | precision |")
        print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
        rule_prec: dict[str, float] = {}
        for rule in sorted(quota):
            got = [v for h, v in judged if h.rule == rule]
            right = got.count("right")
            if got:
                rule_prec[rule] = right / len(got)
            print(
                f"| {rule} | {rule.split('.', 1)[0]} | {per_rule_real[rule]} | {quota[rule]} | {len(got)} | {right} | {pct(right, len(got))} |"
            )
        print(
            "\n| pack | fires (non-filler) | sampled | judged | right | precision over the sample | weighted to fire counts |"
        )
        print("| --- | ---: | ---: | ---: | ---: | --- | --- |")
        for pack in packs:
            got = [v for h, v in judged if h.pack == pack]
            right = got.count("right")
            fires = {r: n for r, n in per_rule_real.items() if r.split(".", 1)[0] == pack}
            covered = {r: n for r, n in fires.items() if r in rule_prec}
            weighted = (
                f"{sum(rule_prec[r] * n for r, n in covered.items()) / sum(covered.values()):.2f}"
                f" (over {sum(covered.values())} findings)"
                if covered
                else "n/a"
            )
            print(
                f"| {pack} | {sum(fires.values())} | {sum(1 for h in chosen if h.pack == pack)} | {len(got)} | {right} | {pct(right, len(got))} | {weighted} |"
            )
        got = [v for _, v in judged]
        print(
            f"| all | {len(real)} | {len(chosen)} | {len(got)} | {got.count('right')} | {pct(got.count('right'), len(got))} | |"
        )
        weak = [r for r in rule_prec if per_rule_real[r] >= 10 and rule_prec[r] < 0.70]
        if weak:
            print(
                "\nrules that fire 10 or more times with precision below 0.70: "
                + ", ".join(sorted(weak))
            )
        if missing:
            print(f"\n{len(missing)} sampled findings without a verdict (not counted):")
            for h in missing:
                print(f"  no verdict: {h.key}")
        extra = sorted(set(verdicts) - keys)
        if extra:
            print(
                f"\n{len(extra)} verdicts in {args.review} for findings not in this sample (ignored)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
