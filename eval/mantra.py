"""Evaluate (and fit) the mantra score on real data in ../shared/data (see its SOURCES.md).

Every figure is 10-fold cross-validated: the memorability weights that score a text were
fitted without that text's label (each movie pair, slogan, mission statement and
tagline/description pair belongs to one fold; the weights of the other nine score it).
Beside each figure: a length-only baseline. Prints, as measured:

1. Memorability: pairwise accuracy on the Cornell Movie-Quotes dev pairs (Danescu-Niculescu-
   Mizil, Cheng, Kleinberg and Lee, "You had me at hello: How phrasing affects
   memorability", ACL 2012): the memorable quote's own span of its script line (the run of
   sentences that best overlaps the IMDb form, by word F1) against a line by the same
   speaker in the same movie, matched in word count to the quote. Ties count half.
2. Famous vs ordinary slogans: ROC AUC of the memorability and overall scores, slogans of
   the 100 brands of Interbrand's Best Global Brands 2023 (eval/famous_brands.txt, chosen
   before any score) against the other slogans of textart-slogans.csv.
3. Taglines against their own website description (marketing-descriptions/valid.csv):
   how often the tagline scores higher (ties half).
4. Slogans vs mission statements: ROC AUC of the overall score.
5. What each memorability feature adds: the same cross-validation without it.

How the weights are fitted (memorability.fit in rules/mantra-score.yaml): one logistic
model over the features of memorability.features, standardised on the fitting texts and
clipped to +-clip; loss = the movie pairs' pairwise log loss (each pair seen both ways) +
slogan_weight * the famous-vs-ordinary log loss (classes weighted equally), + a Gaussian
prior pulling each weight towards its `prior` (strength prior_strength per pair). Only
data whose licence lets shipped weights be fitted on it trains them: the Cornell pairs and
the TextArt slogans; mission statements and marketing descriptions are evaluation only.

``--write`` fits on all of it and writes center, scale and weight of every feature into
rules/mantra-score.yaml (memorability.features). About a minute on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # eval/stats.py
DATA = ROOT.parent / "shared" / "data"
PAIRS = DATA / "cornell-movie-quotes" / "pairs.dev.txt"
SLOGANS = DATA / "slogans" / "textart-slogans.csv"
MISSIONS = DATA / "mission-statements" / "mission_statements.csv"
MARKETING = DATA / "marketing-descriptions" / "valid.csv"
FAMOUS = Path(__file__).resolve().parent / "famous_brands.txt"
#: A second famous set, never fitted on: the lines of Ad Age's Top 100 campaigns of the century.
ADAGE = Path(__file__).resolve().parent / "famous_slogans_adage.tsv"

import stats

from mantracheck.scoring.mantra import MantraScorer, scorer
from mantracheck.scoring.mantra_model import MEMORABILITY_FEATURES, Fitted, default_path

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
SEED = 0


# -- data ----------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def quote_span(quote: str, sentences: list[str]) -> str:
    """The run of consecutive sentences whose words best overlap the quote's (F1)."""
    want = Counter(_words(quote))
    total = sum(want.values())
    best, best_f1 = " ".join(sentences), -1.0
    for i in range(len(sentences)):
        for j in range(i + 1, len(sentences) + 1):
            text = " ".join(sentences[i:j])
            have = Counter(_words(text))
            overlap = sum((want & have).values())
            if not overlap:
                continue
            p, r = overlap / sum(have.values()), overlap / total
            f1 = 2 * p * r / (p + r)
            if f1 > best_f1:
                best, best_f1 = text, f1
    return best


def load_pairs(s: MantraScorer) -> list[tuple[str, str]]:
    blocks = [b.split("\n") for b in PAIRS.read_text(encoding="utf-8").strip().split("\n\n")]
    blocks = [b for b in blocks if len(b) >= 4]
    lines = [b[2].split(" ", 1)[1] for b in blocks]
    docs = s.nlp.pipe(lines, batch_size=256)
    pairs = []
    for block, doc in zip(blocks, docs):
        sentences = [sent.text.strip() for sent in doc.sents if sent.text.strip()]
        pairs.append((quote_span(block[1], sentences), block[3].split(" ", 1)[1]))
    return pairs


def _repair(text: str) -> str:
    """Undo UTF-8 read as cp1252 or Mac Roman ("â€™", "‚Äô" -> "’") where that decodes cleanly."""
    for marker, codec in (("â", "cp1252"), ("Ã", "cp1252"), ("‚Ä", "mac_roman")):
        if marker in text:
            try:
                return text.encode(codec).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    return text


def _clean(text: str) -> str:
    return " ".join(_repair((text or "").strip()).split())


def load_csv(path: Path, column: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [_clean(row.get(column) or "") for row in csv.DictReader(handle)]
    return [r for r in rows if r]


def fold_name(text: str) -> str:
    """eval/famous_brands.txt's folding: lower case, no accents or apostrophes, & -> and."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = text.replace("'", "").replace("&", " and ")
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def famous_brands(path: Path = FAMOUS) -> tuple[list[tuple[int, str, tuple[str, ...]]], set[str]]:
    """(rank, brand, folded names and aliases) for each ranked brand; the left-out companies."""
    brands, left_out = [], set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("- "):
            left_out.add(fold_name(line[2:]))
        elif line.strip() and not line.startswith("#"):
            rank, names = line.split("\t", 1)
            parts = [p.strip() for p in names.split("|")]
            brands.append((int(rank), parts[0], tuple(fold_name(p) for p in parts)))
    return brands, left_out


def load_slogans() -> tuple[list[str], np.ndarray, Counter[str]]:
    """The slogans, whether each is famous (its brand is ranked), and famous slogans per brand."""
    brands, left_out = famous_brands()
    texts, famous, per_brand = [], [], Counter()
    with open(SLOGANS, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            text = _clean(row.get("slogan") or "")
            if not text:
                continue
            company = fold_name((row.get("company") or "").split(",")[0])
            brand = None
            if company not in left_out:
                brand = next((name for _, name, alts in brands if any(company == a or company.startswith(a + " ") for a in alts)), None)
            texts.append(text)
            famous.append(brand is not None)
            if brand:
                per_brand[brand] += 1
    return texts, np.array(famous), per_brand


def load_adage(path: Path = ADAGE) -> list[str]:
    """The lines of eval/famous_slogans_adage.tsv (rank, brand, line; '#' lines are notes)."""
    lines = []
    for row in path.read_text(encoding="utf-8").splitlines():
        if row.strip() and not row.startswith("#"):
            lines.append(row.split("\t")[2].strip())
    return lines


def load_marketing() -> list[tuple[str, str]]:
    with open(MARKETING, encoding="utf-8", newline="") as handle:
        rows = [(_clean(r.get("output") or ""), _clean(r.get("desc") or "")) for r in csv.DictReader(handle)]
    return [(t, d) for t, d in rows if t and d]


# -- the model and its fit -----------------------------------------------------------------
def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def fit_weights(pair_diff: np.ndarray, slogans: np.ndarray, famous: np.ndarray, prior: np.ndarray, strength: float, slogan_weight: float) -> np.ndarray:
    """MAP weights (and a slogan intercept, last) by Newton's method: the pairs' log loss
    (each pair both ways) + slogan_weight * the slogans' class-balanced log loss, both
    scaled per movie pair, + strength/2 * |w - prior|^2."""
    n, k = pair_diff.shape
    x = np.vstack([np.c_[pair_diff, np.zeros(n)], np.c_[-pair_diff, np.zeros(n)], np.c_[slogans, np.ones(len(slogans))]])
    y = np.concatenate([np.ones(n), np.zeros(n), famous.astype(float)])
    pos = max(int(famous.sum()), 1)
    neg = max(len(famous) - pos, 1)
    weight = np.concatenate([np.full(2 * n, 0.5), slogan_weight * n * np.where(famous, 0.5 / pos, 0.5 / neg)])
    w0 = np.append(prior, 0.0)
    reg = np.append(np.full(k, strength), 0.0)
    w = w0.copy()
    for _ in range(100):
        p = sigmoid(x @ w)
        grad = x.T @ (weight * (p - y)) + reg * (w - w0)
        hess = (x * (weight * p * (1 - p))[:, None]).T @ x + np.diag(reg) + 1e-9 * np.eye(k + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    return w


class Fit:
    """Feature matrices of every text and the fit of the weights on chosen rows of them."""

    def __init__(self, s: MantraScorer, names: Sequence[str] = MEMORABILITY_FEATURES) -> None:
        self.s = s
        self.names = tuple(names)
        fit = s.model.memorability.fit
        self.clip = fit["clip"]
        self.strength = fit["prior_strength"]
        self.slogan_weight = fit["slogan_weight"]
        self.prior = np.array([s.model.memorability.features[n].prior for n in self.names])

    def matrix(self, feats: Sequence[Any]) -> np.ndarray:
        return np.array([[self.s.memorability_inputs(f)[n] for n in self.names] for f in feats])

    def fitted(self, quote: np.ndarray, other: np.ndarray, slogans: np.ndarray, famous: np.ndarray, drop: Sequence[str] = ()) -> dict[str, Fitted]:
        """Weights fitted on these rows; center and scale from the same texts."""
        rows = np.vstack([quote, other, slogans])
        center, scale = rows.mean(axis=0), rows.std(axis=0) + 1e-9
        z = [np.clip((m - center) / scale, -self.clip, self.clip) for m in (quote, other, slogans)]
        keep = np.array([n not in drop for n in self.names])
        w = np.zeros(len(self.names))
        w[keep] = fit_weights(z[0][:, keep] - z[1][:, keep], z[2][:, keep], famous, self.prior[keep], self.strength, self.slogan_weight)[:-1]
        return {
            n: Fitted(round(float(c), 4), round(float(sc), 4), round(float(wi), 4), float(self.prior[i]), self.clip)
            for i, (n, c, sc, wi) in enumerate(zip(self.names, center, scale, w))
        }


def folds_of(n: int, k: int, seed: int) -> np.ndarray:
    """Each of n items' fold (0..k-1), a seeded shuffle."""
    out = np.empty(n, dtype=int)
    for fold, rows in enumerate(np.array_split(np.random.RandomState(seed).permutation(n), k)):
        out[rows] = fold
    return out


def pairwise_accuracy(a: np.ndarray, b: np.ndarray) -> float:
    return float(((a > b).sum() + 0.5 * (a == b).sum()) / len(a))


def roc_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a random positive scores above a random negative), ties counting half."""
    return stats.roc_auc(np.concatenate([pos, neg]), np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]))


def distribution(name: str, values: np.ndarray) -> str:
    q = np.percentile(values, [10, 25, 50, 75, 90])
    return f"  {name:<24} n={len(values):<6} p10 {q[0]:.0f}  p25 {q[1]:.0f}  median {q[2]:.0f}  p75 {q[3]:.0f}  p90 {q[4]:.0f}"


# -- the write-back ------------------------------------------------------------------------
def write_fitted(path: Path, fitted: dict[str, Fitted]) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "\n  features:\n"
    start = text.index(marker, text.index("\nmemorability:\n")) + len(marker)
    end = start
    for line in text[start:].split("\n"):
        if not line.startswith("    "):
            break
        end += len(line) + 1
    block = "".join(f"    {n}: {{center: {f.center}, scale: {f.scale}, weight: {f.weight}, prior: {f.prior:g}}}\n" for n, f in fitted.items())
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


# -- the run ---------------------------------------------------------------------------------
class Texts:
    """One set of texts: their features, overpromise severities and non-memorability sub-scores."""

    def __init__(self, s: MantraScorer, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        docs = s.nlp.pipe(self.texts, batch_size=256)
        parts = [s.parts(t, d) for t, d in zip(self.texts, docs)]
        self.feats = [f for f, _ in parts]
        self.severities = [[h.severity for h in hits] for _, hits in parts]
        self.subs = [{x.name: x.value for x in s.subscores(f, hits)} for f, hits in parts]
        self.words = np.array([f.n_words for f in self.feats], dtype=float)

    def memorability(self, s: MantraScorer, rows: np.ndarray, fitted: dict[str, Fitted], out: np.ndarray) -> None:
        for i in rows:
            out[i] = s.memorability_value(self.feats[i], fitted)

    def overall(self, s: MantraScorer, memorability: np.ndarray) -> np.ndarray:
        return np.array([s.overall({**sub, "memorability": m}, sev) for sub, m, sev in zip(self.subs, memorability, self.severities)], dtype=float)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="fit on all the fitting data and write rules/mantra-score.yaml")
    args = parser.parse_args(argv)
    for path in (PAIRS, SLOGANS, MISSIONS, MARKETING):
        if not path.exists():
            print(f"missing shared data: {path}", file=sys.stderr)
            return 2
    began = time.time()
    s = scorer()
    folds = int(s.model.memorability.fit["folds"])
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "mantracheck/scoring", "rules/mantra-score.yaml", "eval/mantra.py"], capture_output=True, text=True, check=False).stdout.strip()
    print(f"mantracheck at {commit}{' (mantra files changed since)' if dirty else ''}; {folds}-fold cross-validation, seed {SEED}")

    pairs = load_pairs(s)
    slogans, famous, per_brand = load_slogans()
    missions = load_csv(MISSIONS, "Mission Statement")
    marketing = load_marketing()
    quote, other = Texts(s, [a for a, _ in pairs]), Texts(s, [b for _, b in pairs])
    slog, miss = Texts(s, slogans), Texts(s, missions)
    tag, desc = Texts(s, [t for t, _ in marketing]), Texts(s, [d for _, d in marketing])
    adage = Texts(s, load_adage())

    model = Fit(s)
    mq, mo, ms = model.matrix(quote.feats), model.matrix(other.feats), model.matrix(slog.feats)
    n, m = len(pairs), len(slogans)
    pair_fold, slogan_fold = folds_of(n, folds, SEED), folds_of(m, folds, SEED + 1)
    mission_fold, market_fold = folds_of(len(missions), folds, SEED + 2), folds_of(len(marketing), folds, SEED + 3)

    def cross_validate(drop: Sequence[str] = (), full: bool = True) -> dict[str, np.ndarray]:
        """Memorability of every text, each scored by the weights of the other folds."""
        out = {k: np.zeros(len(t.texts)) for k, t in (("quote", quote), ("other", other), ("slog", slog), ("miss", miss), ("tag", tag), ("desc", desc), ("adage", adage))}
        for k in range(folds):
            tp, ts = pair_fold != k, slogan_fold != k
            fitted = model.fitted(mq[tp], mo[tp], ms[ts], famous[ts], drop)
            quote.memorability(s, np.flatnonzero(~tp), fitted, out["quote"])
            other.memorability(s, np.flatnonzero(~tp), fitted, out["other"])
            slog.memorability(s, np.flatnonzero(~ts), fitted, out["slog"])
            if full:
                miss.memorability(s, np.flatnonzero(mission_fold == k), fitted, out["miss"])
                tag.memorability(s, np.flatnonzero(market_fold == k), fitted, out["tag"])
                desc.memorability(s, np.flatnonzero(market_fold == k), fitted, out["desc"])
                # in no fold: the mean over the folds' models
                each = np.zeros(len(adage.texts))
                adage.memorability(s, np.arange(len(adage.texts)), fitted, each)
                out["adage"] += each / folds
        return out

    cv = cross_validate()
    over = {k: t.overall(s, cv[k]) for k, t in (("slog", slog), ("miss", miss), ("tag", tag), ("desc", desc), ("adage", adage))}
    fam, ordi = famous, ~famous

    print()
    print(f"1. Memorability, Cornell movie-quotes dev pairs (n={n}; the memorable quote's span vs a matched line; chance 50%):")
    print(f"   memorability sub-score, cross-validated: {pairwise_accuracy(cv['quote'], cv['other']):.1%}   "
          f"length only (fewer words wins): {pairwise_accuracy(-quote.words, -other.words):.1%}   (target 70%; the paper's best ~64%, people ~78%)")
    sentences_q = np.array([f.sentences for f in quote.feats])
    sentences_o = np.array([f.sentences for f in other.feats])
    print(f"   (not a feature, on purpose: the matched lines are one sentence in {int((sentences_o == 1).sum())} of {n} pairs, the quote spans in "
          f"{int((sentences_q == 1).sum())}: more sentences wins {pairwise_accuracy(sentences_q, sentences_o):.1%} by the data's construction alone)")

    print()
    print(f"2. Famous vs ordinary slogans (famous: {int(fam.sum())} slogans of {len(per_brand)} of Interbrand's 100 Best Global Brands 2023, "
          f"eval/famous_brands.txt; ordinary: the other {int(ordi.sum())} of textart-slogans.csv; ROC AUC, chance 0.5, target 0.75):")
    print(f"   memorability {roc_auc(cv['slog'][fam], cv['slog'][ordi]):.3f}   overall {roc_auc(over['slog'][fam], over['slog'][ordi]):.3f}   "
          f"length only (fewer words) {roc_auc(-slog.words[fam], -slog.words[ordi]):.3f}")
    print(f"   (median overall: famous {np.median(over['slog'][fam]):.0f}, ordinary {np.median(over['slog'][ordi]):.0f})")
    folded = {fold_name(t) for t in adage.texts}
    plain = ordi & np.array([fold_name(t) not in folded for t in slog.texts])
    print(f"   2b. Famous lines of Ad Age's Top 100 campaigns of the century (n={len(adage.texts)}, eval/famous_slogans_adage.tsv, never fitted on; "
          f"each scored by the mean of the folds' models) vs the same ordinary slogans (n={int(plain.sum())}, any that repeat one of those lines left out):")
    print(f"   memorability {roc_auc(cv['adage'], cv['slog'][plain]):.3f}   overall {roc_auc(over['adage'], over['slog'][plain]):.3f}   "
          f"length only (fewer words) {roc_auc(-adage.words, -slog.words[plain]):.3f}   (median overall: famous {np.median(over['adage']):.0f})")

    print()
    print(f"3. Taglines vs their own website description (n={len(marketing)}; target 95%):")
    print(f"   tagline scores higher: {pairwise_accuracy(over['tag'], over['desc']):.1%}   memorability alone {pairwise_accuracy(cv['tag'], cv['desc']):.1%}   "
          f"length only (fewer words wins): {pairwise_accuracy(-tag.words, -desc.words):.1%}")

    print()
    print(f"4. Slogans (n={m}) vs mission statements (n={len(missions)}), overall score, ROC AUC (target 0.95):")
    print(f"   overall {roc_auc(over['slog'], over['miss']):.3f}   memorability alone {roc_auc(cv['slog'], cv['miss']):.3f}   "
          f"length only (fewer words) {roc_auc(-slog.words, -miss.words):.3f}")

    print()
    print("5. What each memorability feature adds (the same cross-validation without it; + = the feature helps):")
    print(f"   {'feature':<20} {'movie pairs':>12} {'famous AUC':>11}   weight (prior)")
    base_pairs, base_famous = pairwise_accuracy(cv["quote"], cv["other"]), roc_auc(cv["slog"][fam], cv["slog"][ordi])
    shipped = s.model.memorability.features
    for name in model.names:
        without = cross_validate((name,), full=False)
        dp = base_pairs - pairwise_accuracy(without["quote"], without["other"])
        df = base_famous - roc_auc(without["slog"][fam], without["slog"][ordi])
        print(f"   {name:<20} {dp * 100:+11.1f}pt {df:+11.3f}   {shipped[name].weight:+.3f} ({shipped[name].prior:+.2f})")
    priors_only = {k: Fitted(f.center, f.scale, f.prior, f.prior, f.clip) for k, f in shipped.items()}
    pq, po = np.zeros(n), np.zeros(n)
    ps = np.zeros(m)
    quote.memorability(s, np.arange(n), priors_only, pq)
    other.memorability(s, np.arange(n), priors_only, po)
    slog.memorability(s, np.arange(m), priors_only, ps)
    print(f"   the priors alone, nothing fitted (shipped centers and scales): movie pairs {pairwise_accuracy(pq, po):.1%}, famous AUC {roc_auc(ps[fam], ps[ordi]):.3f}")

    print()
    print("Score distributions (overall, cross-validated):")
    for name, key in (("famous slogans", "fam"), ("ordinary slogans", "ord")):
        print(distribution(name, over["slog"][fam if key == "fam" else ordi]))
    print(distribution("mission statements", over["miss"]))
    print(distribution("taglines", over["tag"]))
    print(distribution("descriptions", over["desc"]))

    if args.write:
        fitted = model.fitted(mq, mo, ms, famous)
        write_fitted(default_path(), fitted)
        print()
        print(f"wrote the weights fitted on all {n} pairs and {m} slogans to {default_path()}: " + ", ".join(f"{k} {v.weight:+.3f}" for k, v in fitted.items()))
    print()
    print(f"({time.time() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
