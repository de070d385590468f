"""Fit and evaluate the courtesy score on the Stanford Politeness Corpus (Stack Exchange).

    python eval/courtesy.py            # cross-validated figures, as measured
    python eval/courtesy.py --write    # ... then fit on all rows and write the weights
                                       #     into rules/courtesy-score.yaml ("fitted:")

Data: ../shared/data/politeness/stack-exchange.annotated.csv (6,603 requests, five ratings
each; `Normalized Score` higher = more polite), from Danescu-Niculescu-Mizil et al., "A
computational approach to politeness with application to social factors", ACL 2013.

Model: logistic regression (L2, Newton's method) on binary features, trained on the most
polite quarter (label 1) versus the least polite quarter (label 0) of the training rows, as
in the paper. Features: the strategies of rules/courtesy-score.yaml, found by the same code
the scorer runs (mantracheck.scoring.courtesy_markers), plus a lexicon learned inside each
training fold from lower-cased tokens (punctuation included, strategy words excluded) and
pairs of adjacent tokens: entries in at least MIN_DF training requests are fitted with the
strategies, the LEXICON_SIZE entries with the largest |weight| are kept, and the model is
refitted on the strategies and those entries.

Protocol: K-fold cross-validation (default 10, rows shuffled with a fixed seed). Each fold's
model is fitted on the other folds only (lexicon selection included) and scores the rows of
its own fold. Reported over the out-of-fold scores:
  - accuracy, most polite vs least polite quarter of `Normalized Score` (quartiles over all
    rows), a text predicted polite when its courtesy value is >= 50 (logit >= 0);
  - ROC AUC on the same rows;
  - Spearman correlation between the courtesy logit and `Normalized Score` over all rows.
The hyper-parameters (L2, MIN_DF, LEXICON_SIZE) are fixed constants below; they were picked
by the author while looking at these cross-validated figures, so treat the figures as
slightly optimistic.

numpy is used for the linear algebra; it is not a new dependency (spaCy requires it and
mantracheck.nlp already imports it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # eval/stats.py

from mantracheck.nlp import language  # noqa: E402
from mantracheck.scoring.courtesy_markers import Detector  # noqa: E402
from mantracheck.scoring.courtesy_model import default_path, parse_model  # noqa: E402
from mantracheck.yamlio import load_yaml_file  # noqa: E402
from stats import roc_auc, spearman  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "politeness" / "stack-exchange.annotated.csv"
FITTED_MARK = "# ---- fitted: everything below is written by `python eval/courtesy.py --write` ----"
L2 = 20.0
MIN_DF = 10
LEXICON_SIZE = 400
SEED = 13


# -- data and features -------------------------------------------------------------------
def load_rows(path: Path) -> tuple[list[str], np.ndarray]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["Request"] for r in rows], np.array([float(r["Normalized Score"]) for r in rows])


def extract(texts: list[str], model_path: Path) -> tuple[list[str], list[set[str]], list[set[str]]]:
    """Strategy names and candidate lexicon words present in each text (binary)."""
    model = parse_model(load_yaml_file(str(model_path)), str(model_path), fitting=True)
    nlp = language()
    det = Detector(model, nlp)
    strategies, words = [], []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        strategies.append({f.name for f in det.strategies_in(text, doc)})
        words.append({w for w, _, _ in det.words_in(doc)})
    return [s.name for s in model.strategies], strategies, words


def design(rows: list[int], names: list[str], feats: list[set[str]], extra: list[set[str]]) -> np.ndarray:
    index = {n: i for i, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, row in enumerate(rows):
        for f in feats[row] | extra[row]:
            j = index.get(f)
            if j is not None:
                x[r, j] = 1.0
    return x


# -- logistic regression ------------------------------------------------------------------
def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float | None = None, iters: int = 50) -> tuple[float, np.ndarray]:
    """L2-penalised logistic regression (intercept not penalised) by Newton's method."""
    n, d = x.shape
    xb = np.hstack([np.ones((n, 1)), x])
    w = np.zeros(d + 1)
    penalty = np.full(d + 1, L2 if l2 is None else l2)
    penalty[0] = 0.0
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + penalty * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(penalty) + 1e-9 * np.eye(d + 1)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return float(w[0]), w[1:]


def fit(train: list[int], target: np.ndarray, names: list[str], strat: list[set[str]], words: list[set[str]], lexicon: bool) -> tuple[float, dict[str, float], dict[str, float]]:
    """Fit on the top/bottom quarters of ``train``; returns intercept, strategy and word weights."""
    scores = target[train]
    lo, hi = np.quantile(scores, 0.25), np.quantile(scores, 0.75)
    rows = [i for i in train if target[i] <= lo or target[i] >= hi]
    y = np.array([1.0 if target[i] >= hi else 0.0 for i in rows])
    vocab: list[str] = []
    if lexicon:
        df: dict[str, int] = {}
        for i in rows:
            for w in words[i]:
                df[w] = df.get(w, 0) + 1
        vocab = sorted(w for w, c in df.items() if c >= MIN_DF)
        b, coef = fit_logistic(design(rows, names + vocab, strat, words), y)
        ranked = sorted(range(len(vocab)), key=lambda j: (-abs(coef[len(names) + j]), vocab[j]))
        vocab = sorted(vocab[j] for j in ranked[:LEXICON_SIZE])
    none: list[set[str]] = [set()] * len(words)
    b, coef = fit_logistic(design(rows, names + vocab, strat, words if lexicon else none), y)
    return b, dict(zip(names, coef[: len(names)])), dict(zip(vocab, coef[len(names) :]))


def logit(i: int, b: float, sw: dict[str, float], lw: dict[str, float], strat: list[set[str]], words: list[set[str]]) -> float:
    return b + sum(sw[s] for s in strat[i]) + sum(lw[w] for w in words[i] if w in lw)


# -- metrics ----------------------------------------------------------------------------
def quartile_metrics(pred: np.ndarray, target: np.ndarray, rows: np.ndarray) -> tuple[float, float, int]:
    lo, hi = np.quantile(target, 0.25), np.quantile(target, 0.75)
    ext = rows[(target[rows] <= lo) | (target[rows] >= hi)]
    labels = (target[ext] >= hi).astype(int)
    acc = float(np.mean((pred[ext] >= 0).astype(int) == labels))
    return acc, roc_auc(pred[ext], labels), len(ext)


def cross_validate(k: int, target: np.ndarray, names: list[str], strat: list[set[str]], words: list[set[str]], lexicon: bool) -> tuple[np.ndarray, list[float]]:
    order = list(range(len(target)))
    random.Random(SEED).shuffle(order)
    folds = [order[f::k] for f in range(k)]
    pred = np.zeros(len(target))
    fold_acc = []
    for f in range(k):
        test = set(folds[f])
        train = [i for i in order if i not in test]
        b, sw, lw = fit(train, target, names, strat, words, lexicon)
        for i in folds[f]:
            pred[i] = logit(i, b, sw, lw, strat, words)
        fold_acc.append(quartile_metrics(pred, target, np.array(folds[f]))[0])
    return pred, fold_acc


# -- writing the weights ------------------------------------------------------------------
def fitted_block(b: float, sw: dict[str, float], lw: dict[str, float], summary: list[str]) -> str:
    lines = [FITTED_MARK]
    lines += [f"# {line}" for line in summary]
    lines += ["fitted:", f"  intercept: {b:.4f}", "  weights:"]
    lines += [f"    {name}: {w:.4f}" for name, w in sw.items()]
    lines.append("  lexicon:" if lw else "  lexicon: {}")
    lines += [f"    {json.dumps(w)}: {lw[w]:.4f}" for w in sorted(lw, key=lambda w: (-lw[w], w))]
    return "\n".join(lines) + "\n"


def write_weights(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    cut = text.find(FITTED_MARK)
    if cut < 0:
        raise SystemExit(f"{path}: the line {FITTED_MARK!r} is missing; cannot tell where the fitted weights go")
    path.write_text(text[:cut] + block, encoding="utf-8")


def shipped_check(path: Path, texts: list[str], target: np.ndarray) -> None:
    """Score every row with the shipped scorer (in-sample: a consistency check, not a test)."""
    from mantracheck.scoring.courtesy import courtesy_score
    from mantracheck.scoring.courtesy_model import load_model

    load_model.cache_clear()
    model = load_model(str(path))
    nlp = language()
    values = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        s = courtesy_score(text, doc, model=model)
        values.append(model.intercept + sum(m.weight for m in s.markers))
    pred = np.array(values)
    acc, auc, n = quartile_metrics(pred, target, np.arange(len(target)))
    print(f"shipped weights scored by mantracheck.scoring.courtesy on all rows (IN-SAMPLE, not a test figure): "
          f"accuracy {acc:.1%}, AUC {auc:.3f}, Spearman {spearman(pred, target):.3f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--rules", type=Path, default=None, help="the data file (default: the built-in rules/courtesy-score.yaml)")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--write", action="store_true", help="fit on all rows and write the weights into the data file")
    args = ap.parse_args(argv)
    path = args.rules or default_path()
    if not args.data.is_file():
        print(f"data not found: {args.data}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    texts, target = load_rows(args.data)
    names, strat, words = extract(texts, path)
    print(f"{len(texts)} Stack Exchange requests, {len(names)} strategies; features in {time.perf_counter() - t0:.1f}s")
    print(f"protocol: {args.folds}-fold cross-validation (seed {SEED}); trained on the top/bottom quarter of each "
          f"training split; L2={L2}, lexicon: {LEXICON_SIZE} entries of df>={MIN_DF}, chosen inside each fold")
    lines = []
    for label, lexicon in (("strategies only", False), ("strategies + lexicon (shipped)", True)):
        pred, fold_acc = cross_validate(args.folds, target, names, strat, words, lexicon)
        acc, auc, n = quartile_metrics(pred, target, np.arange(len(target)))
        rho = spearman(pred, target)
        line = (f"{label}: top-vs-bottom-quartile accuracy {acc:.1%} (n={n}; per fold {np.mean(fold_acc):.1%} "
                f"+/- {np.std(fold_acc):.1%}), ROC AUC {auc:.3f}, Spearman {rho:.3f} (all {len(texts)} rows)")
        print(line)
        lines.append(line)
    if args.write:
        b, sw, lw = fit(list(range(len(texts))), target, names, strat, words, True)
        summary = [
            f"Fitted {_dt.date.today().isoformat()} on {args.data.name} ({len(texts)} rows): logistic regression,",
            f"top vs bottom quarter of Normalized Score; L2={L2}; lexicon: {LEXICON_SIZE} entries of df>={MIN_DF}.",
            f"Cross-validated ({args.folds}-fold) at fit time:",
            *("  " + line for line in lines),
        ]
        write_weights(path, fitted_block(b, sw, lw, summary))
        print(f"wrote intercept, {len(sw)} strategy weights and {len(lw)} lexicon entries to {path}")
        shipped_check(path, texts, target)
    print(f"done in {time.perf_counter() - t0:.1f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
