"""Evaluate (and fit) the mantra score on real data in ../shared/data (see its SOURCES.md).

Prints, as measured:

1. Pairwise accuracy of the memorability sub-score on the Cornell Movie-Quotes dev pairs
   (Danescu-Niculescu-Mizil, Cheng, Kleinberg and Lee, "You had me at hello: How phrasing
   affects memorability", ACL 2012): the memorable quote against a line by the same speaker
   in the same movie, matched in word count to the quote. The script line holding the quote
   (line 3 of a block) is often longer than the quote, so the quote's own span of it is
   used: the run of its sentences that best overlaps the IMDb form (line 2), by word F1.
   Only the fitted part of memorability (word choice: rarity, function words, articles,
   pronouns, tense) is learned; the sound-and-structure part keeps its hand-set weights.
   Headline: 10-fold cross-validation (fit on nine folds, score the held-out fold with the
   shipped formula, integer sub-scores, ties count half). Beside it: the length-only
   baseline (fewer words wins, and more words wins) and the shipped weights in-sample.
2. ROC AUC of the overall score separating TextArt slogans from mission statements.
3. The score distribution of each set.

``--write`` refits the word-choice weights on all pairs and writes them into
rules/mantra-score.yaml (memorability.fitted). Runs in well under two minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import re
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # eval/stats.py
DATA = ROOT.parent / "shared" / "data"
PAIRS = DATA / "cornell-movie-quotes" / "pairs.dev.txt"
SLOGANS = DATA / "slogans" / "textart-slogans.csv"
MISSIONS = DATA / "mission-statements" / "mission_statements.csv"

from mantracheck.scoring.mantra import MantraScorer, scorer  # noqa: E402

import stats  # noqa: E402
from mantracheck.scoring.mantra_model import FITTED_FEATURES, Fitted, default_path  # noqa: E402

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
FOLDS = 10
L2 = 1.0
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


def load_csv(path: Path, column: str) -> list[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        rows = [_repair((row.get(column) or "").strip()) for row in csv.DictReader(handle)]
    return [" ".join(r.split()) for r in rows if r]


# -- pairwise logistic regression ----------------------------------------------------------
def fit_pairwise(x_diff: np.ndarray, offset: np.ndarray, l2: float = L2) -> np.ndarray:
    """w maximising sum log sigmoid(offset + x_diff @ w) - l2/2 |w|^2 (memorable first),
    with each pair also seen flipped, so no intercept is needed. Newton's method."""
    x = np.vstack([x_diff, -x_diff])
    o = np.concatenate([offset, -offset])
    y = np.concatenate([np.ones(len(x_diff)), np.zeros(len(x_diff))])
    w = np.zeros(x.shape[1])
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-(o + x @ w)))
        grad = x.T @ (p - y) + l2 * w
        hess = (x * (p * (1 - p))[:, None]).T @ x + l2 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    return w


def fitted_from(rates: np.ndarray, rows: np.ndarray, diff_rows: np.ndarray, offsets: np.ndarray, clip: float) -> dict[str, Fitted]:
    """Center and scale from the texts of ``rows``, weights fitted on the pairs of ``diff_rows``
    (standardised values clipped to +-clip, as the scorer does)."""
    center = rates[rows].mean(axis=0)
    scale = rates[rows].std(axis=0) + 1e-9
    z = np.clip((rates - center) / scale, -clip, clip)
    n = len(rates) // 2
    x_diff = z[diff_rows] - z[diff_rows + n]
    w = fit_pairwise(x_diff, offsets[diff_rows])
    return {name: Fitted(round(float(c), 4), round(float(s_), 4), round(float(wi), 4), clip) for name, c, s_, wi in zip(FITTED_FEATURES, center, scale, w)}


def cross_validate(s: MantraScorer, feats: list, rates: np.ndarray, offsets: np.ndarray, clip: float) -> tuple[float, list[float]]:
    """Fit on nine folds of pairs, score the held-out fold with the shipped formula."""
    n = len(offsets)
    folds = np.array_split(np.random.RandomState(SEED).permutation(n), FOLDS)
    fold_acc = []
    for test in folds:
        train = np.setdiff1d(np.arange(n), test)
        fitted = fitted_from(rates, np.concatenate([train, train + n]), train, offsets, clip)
        subset = [feats[i] for i in test] + [feats[i + n] for i in test]
        scores = memorability_scores(s, subset, fitted)
        fold_acc.append(pairwise_accuracy(scores[: len(test)], scores[len(test) :]))
    return float(np.mean(fold_acc)), fold_acc


def contrast_weights_cv(sub_a: np.ndarray, sub_b: np.ndarray, gate: float, step: float = 0.1, folds: int = 5) -> tuple[float, np.ndarray]:
    """For comparison only: overall weights chosen (grid on the simplex) to maximise the
    slogan-vs-mission AUC on four folds, AUC measured on the fifth. Not what ships."""
    ticks = np.round(np.arange(0, 1 + 1e-9, step), 4)
    grid = [np.array([a, b, c, 1 - a - b - c]) for a in ticks for b in ticks for c in ticks if a + b + c <= 1 + 1e-9]

    def overall(x: np.ndarray, w: np.ndarray) -> np.ndarray:
        return np.round((x @ w) * (x[:, 0] / 100) ** gate)

    rng = np.random.RandomState(SEED)
    fa, fb = np.array_split(rng.permutation(len(sub_a)), folds), np.array_split(rng.permutation(len(sub_b)), folds)
    aucs, chosen = [], []
    for k in range(folds):
        ta, tb = np.setdiff1d(np.arange(len(sub_a)), fa[k]), np.setdiff1d(np.arange(len(sub_b)), fb[k])
        best = max(grid, key=lambda w: roc_auc(overall(sub_a[ta], w), overall(sub_b[tb], w)))
        chosen.append(best)
        aucs.append(roc_auc(overall(sub_a[fa[k]], best), overall(sub_b[fb[k]], best)))
    return float(np.mean(aucs)), np.mean(chosen, axis=0)


def memorability_scores(s: MantraScorer, feats: list, fitted: dict[str, Fitted]) -> np.ndarray:
    model = dataclasses.replace(s.model, memorability=dataclasses.replace(s.model.memorability, fitted=fitted))
    trial = MantraScorer.__new__(MantraScorer)
    trial.__dict__.update(s.__dict__)
    trial.model = model
    return np.array([trial._memorability(f).value for f in feats], dtype=float)


def pairwise_accuracy(a: np.ndarray, b: np.ndarray) -> float:
    return float(((a > b).sum() + 0.5 * (a == b).sum()) / len(a))


def roc_auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(a random positive scores above a random negative), ties counting half."""
    return stats.roc_auc(np.concatenate([pos, neg]), np.concatenate([np.ones(len(pos)), np.zeros(len(neg))]))


def distribution(name: str, values: np.ndarray) -> str:
    q = np.percentile(values, [0, 10, 25, 50, 75, 90, 100])
    bins = np.histogram(values, bins=10, range=(0, 100))[0]
    hist = " ".join(f"{b / len(values):.0%}".rjust(4) for b in bins)
    return (
        f"  {name:<22} n={len(values):<6} mean {values.mean():5.1f}  min {q[0]:.0f}  p10 {q[1]:.0f}  p25 {q[2]:.0f}  "
        f"median {q[3]:.0f}  p75 {q[4]:.0f}  p90 {q[5]:.0f}  max {q[6]:.0f}\n"
        f"  {'':<22} per 10 points (0-9 ... 90-100): {hist}"
    )


# -- the write-back ------------------------------------------------------------------------
def write_fitted(path: Path, fitted: dict[str, Fitted]) -> None:
    text = path.read_text(encoding="utf-8")
    marker = "\n    features:\n"
    start = text.index(marker, text.index("\n  fitted:\n")) + len(marker)
    end = start
    lines = text[start:].split("\n")
    for line in lines:
        if not line.startswith("      "):
            break
        end += len(line) + 1
    block = "".join(f"      {n}: {{center: {f.center}, scale: {f.scale}, weight: {f.weight}}}\n" for n, f in fitted.items())
    path.write_text(text[:start] + block + text[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="refit on all pairs and write rules/mantra-score.yaml")
    args = parser.parse_args(argv)
    for path in (PAIRS, SLOGANS, MISSIONS):
        if not path.exists():
            print(f"missing shared data: {path}", file=sys.stderr)
            return 2
    began = time.time()
    s = scorer()

    # 1. memorability on the movie-quote pairs
    pairs = load_pairs(s)
    texts = [a for a, _ in pairs] + [b for _, b in pairs]
    docs = list(s.nlp.pipe(texts, batch_size=256))
    feats = [s.features(t, d) for t, d in zip(texts, docs)]
    n = len(pairs)
    rates = np.array([[f.rates()[k] for k in FITTED_FEATURES] for f in feats])
    devices = np.array([s.memorability_logit(f)[0] for f in feats])
    offsets = devices[:n] - devices[n:]
    clip = next(iter(s.model.memorability.fitted.values())).clip

    cv_acc, fold_acc = cross_validate(s, feats, rates, offsets, clip)
    # the same without the hand-set length penalty, to show that length does not carry it
    no_length = dataclasses.replace(s.model.memorability, length_penalty=0.0)
    plain = MantraScorer.__new__(MantraScorer)
    plain.__dict__.update({**s.__dict__, "model": dataclasses.replace(s.model, memorability=no_length)})
    dev_plain = np.array([plain.memorability_logit(f)[0] for f in feats])
    cv_plain, _ = cross_validate(plain, feats, rates, dev_plain[:n] - dev_plain[n:], clip)

    shipped = np.array([s._memorability(f).value for f in feats], dtype=float)
    words = np.array([f.n_words for f in feats], dtype=float)
    devices_only = memorability_scores(s, feats, {k: dataclasses.replace(v, weight=0.0) for k, v in s.model.memorability.fitted.items()})
    print(f"Memorability, Cornell movie-quotes dev pairs (n={n}; memorable quote span vs matched line; chance 50%):")
    print(f"  memorability sub-score, {FOLDS}-fold cross-validated: {cv_acc:.1%} (per fold {np.mean(fold_acc):.1%} +/- {np.std(fold_acc):.1%})")
    print(f"  length only: fewer words wins {pairwise_accuracy(-words[:n], -words[n:]):.1%}, more words wins {pairwise_accuracy(words[:n], words[n:]):.1%}")
    print(f"  without the length penalty (same cross-validation): {cv_plain:.1%}")
    print(f"  hand-set part alone (sound, structure, length penalty; no fitting): {pairwise_accuracy(devices_only[:n], devices_only[n:]):.1%}")
    print(f"  shipped weights, in-sample: {pairwise_accuracy(shipped[:n], shipped[n:]):.1%}")
    print("  (the paper's best model ~64%, humans ~78%)")

    if args.write:
        fitted = fitted_from(rates, np.arange(2 * n), np.arange(n), offsets, clip)
        write_fitted(default_path(), fitted)
        print(f"  wrote refitted weights to {default_path()}: " + ", ".join(f"{k} {v.weight:+.3f}" for k, v in fitted.items()))

    # 2. and 3. slogans vs mission statements
    slogans = load_csv(SLOGANS, "slogan")
    missions = load_csv(MISSIONS, "Mission Statement")
    rep_s = s.score_many(slogans)
    rep_m = s.score_many(missions)
    over_s = np.array([r.score for r in rep_s], dtype=float)
    over_m = np.array([r.score for r in rep_m], dtype=float)
    print()
    print(f"Overall score, TextArt slogans (n={len(slogans)}) vs mission statements (n={len(missions)}):")
    print(f"  ROC AUC {roc_auc(over_s, over_m):.3f}")
    names = ("brevity", "simplicity", "memorability", "focus")
    sub_s = np.array([[r.subscore(k).value for k in names] for r in rep_s], dtype=float)
    sub_m = np.array([[r.subscore(k).value for k in names] for r in rep_m], dtype=float)
    for i, name in enumerate(names):
        print(f"  ({name} alone: AUC {roc_auc(sub_s[:, i], sub_m[:, i]):.3f})")
    words_s = np.array([r.subscore("brevity").fact("words") for r in rep_s], dtype=float)
    words_m = np.array([r.subscore("brevity").fact("words") for r in rep_m], dtype=float)
    print(f"  (word count alone, fewer wins: AUC {roc_auc(-words_s, -words_m):.3f})")
    auc_cv, w_cv = contrast_weights_cv(sub_s, sub_m, s.model.brevity_gate)
    print(f"  (for comparison, overall weights fitted for this contrast alone, 5-fold CV: AUC {auc_cv:.3f} with weights "
          + ", ".join(f"{k} {v:.2f}" for k, v in zip(names, w_cv)) + "; not shipped)")
    print()
    print("Score distributions (overall):")
    print(distribution("slogans", over_s))
    print(distribution("mission statements", over_m))
    print(distribution("movie quotes (span)", np.array([r.score for r in s.score_many(texts[:n])], dtype=float)))
    print(distribution("movie non-quotes", np.array([r.score for r in s.score_many(texts[n:])], dtype=float)))
    print()
    print(f"({time.time() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
