"""Fit and evaluate the courtesy score against human politeness ratings (issue 25).

    python eval/courtesy.py                # every figure, each beside a please/thanks baseline
    python eval/courtesy.py --write        # ... then write the weights fitted on all Stack
                                           #     Exchange rows into rules/courtesy-score.yaml
    python eval/courtesy.py --ablations    # ... also the model without each kind of marker

Data (../shared/data/, see its SOURCES.md):
  - politeness/stack-exchange.annotated.csv: 6,603 Stack Exchange requests, five ratings each
    (`Normalized Score`, higher = more polite); Danescu-Niculescu-Mizil et al., ACL 2013.
    The ONLY data the weights are fitted on.
  - politeness/holistic-en/english_val_4-14.csv (570) and english_train_4-14.csv (4,560):
    talk-page comments rated 0 (rude) to 4 (polite); Havaldar et al., EMNLP 2023. CC BY-NC:
    EVALUATION ONLY. Nothing here is fitted or chosen on them; they are scored and reported.
  - eval/labels/replies.jsonl: 350 agent replies with hand-labelled courtesy cues (issue 19),
    texts read from agent-replies/ by id. Evaluation only.

Model: the markers of rules/courtesy-score.yaml, found by the code the scorer runs
(mantracheck.scoring.courtesy_markers): each strategy present (1/0), the sentiment lexicon's
positive and negative words (sum of |valence| / 4 over distinct words, one value per side),
and lexicon entries (runs of 1-3 lemmas, present 1/0). Logistic regression on EVERY training
request, its target the rating squashed around the training median,
sigmoid(SLOPE * (z - median) / sd), so a request rated at the median is 0.5. Penalties: each
strategy and sentiment weight is pulled towards its prior (+PRIOR on the side the data file
gives it, -PRIOR on the other) with strength L2_STRATEGY; lexicon weights towards 0 with
strength L2_LEXICON. Lexicon: entries in at least MIN_DF training requests are fitted with
the rest, the LEXICON_SIZE with the largest |weight| kept and the model refitted on them.
Calibration: the intercept is then shifted so that the training requests rated in the middle
fifth (40th-60th percentile) have a median logit of 0: a neutral request scores 50.

Protocol: 10-fold cross-validation on the Stack Exchange rows (fixed seed); each fold's model
(lexicon choice and calibration included) is fitted on the other nine folds and scores its
own rows. Reported over the out-of-fold scores: accuracy of the most vs least polite quarter
(a text is called polite when its score is >= 50), ROC AUC on the same rows, Spearman over all
rows. The holistic-en sets and the agent replies are scored by the model fitted on all Stack
Exchange rows, which is what --write ships. The hyper-parameters below were chosen while
looking at the Stack Exchange cross-validated figures only (so those are slightly optimistic).

numpy only (spaCy requires it).
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # eval/stats.py, eval/cues.py

from stats import roc_auc, spearman

from mantracheck.nlp import language
from mantracheck.scoring.courtesy_markers import Detector
from mantracheck.scoring.courtesy_model import CourtesyModel, default_path, parse_model
from mantracheck.yamlio import load_yaml_file

DATA = ROOT.parent / "shared" / "data" / "politeness"
SE = DATA / "stack-exchange.annotated.csv"
HOLISTIC = DATA / "holistic-en"
FITTED_MARK = "# ---- fitted: everything below is written by `python eval/courtesy.py --write` ----"
SLOPE = 2.0  # target = sigmoid(SLOPE * (z - median) / sd)
PRIOR = 0.3  # strategies and sentiment: prior weight +PRIOR (polite side) / -PRIOR (impolite)
L2_STRATEGY = 1.0
L2_LEXICON = 20.0
MIN_DF = 3
LEXICON_SIZE = 2000
NGRAM = 3
NEUTRAL = (0.4, 0.6)  # the rating percentiles calibrated to 50
SEED = 13
BASELINE = re.compile(r"\b(?:please|pls|plz|thanks?|thank\s+you|thx|thanked|thanking|appreciated?|appreciates|grateful)\b", re.IGNORECASE)

Features = dict[str, float]


# -- data ----------------------------------------------------------------------------------
def load_se(path: Path = SE) -> tuple[list[str], np.ndarray]:
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["Request"] for r in rows], np.array([float(r["Normalized Score"]) for r in rows])


def load_holistic(split: str) -> tuple[list[str], np.ndarray]:
    with open(HOLISTIC / f"english_{split}_4-14.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [r["Utterance"] for r in rows], np.array([float(r["labels"]) for r in rows])


def load_replies() -> tuple[list[str], np.ndarray, list[str]]:
    """Agent replies as the lint runner sees them (plain text, placeholders masked), the
    number of the four cues of issue 19 each has (greeting, thanks, sign-off, please on a
    request), and its split."""
    import cues

    from mantracheck.text.formats import extract

    units = cues.load_units()
    texts = [" ".join(part.clean for part in extract(u["text"], "text")) for u in units]
    counts = np.array([sum(cues.gold(u, cue) for cue in cues.CUES) for u in units])
    return texts, counts, [u["split"] for u in units]


# -- features ------------------------------------------------------------------------------
def fitting_model(path: Path) -> CourtesyModel:
    return parse_model(load_yaml_file(str(path)), str(path), fitting=True)


def extract_features(texts: Sequence[str], model: CourtesyModel) -> list[Features]:
    """Per text: 's:<strategy>' 1, 'sentiment:positive' / 'sentiment:negative' (sum of |v|/4
    over distinct words), 'l:<entry>' 1 for every candidate lexicon entry."""
    nlp = language()
    det = Detector(model, nlp)
    out = []
    for text, doc in zip(texts, nlp.pipe(texts, batch_size=256)):
        tokens = det.tokens(doc)
        found = det.strategies_in(text, doc, tokens)
        feats: Features = {f"s:{f.name}": 1.0 for f in found}
        words: dict[str, float] = {}
        for word, valence, _, _ in det.sentiment_in(tokens, found):
            words.setdefault(word, valence)
        for word, valence in words.items():
            key = "sentiment:positive" if valence > 0 else "sentiment:negative"
            feats[key] = feats.get(key, 0.0) + abs(valence) / 4.0
        for entry, _, _ in det.words_in(doc, tokens, longest=NGRAM):
            feats[f"l:{entry}"] = 1.0
        out.append(feats)
    return out


def priors(model: CourtesyModel) -> dict[str, float]:
    out = {f"s:{s.name}": PRIOR if s.side == "polite" else -PRIOR for s in model.strategies}
    if model.sentiment is not None:
        out["sentiment:positive"], out["sentiment:negative"] = PRIOR, -PRIOR
    return out


# -- logistic regression on sparse binary-ish features --------------------------------------
class Design:
    """Rows of features as COO arrays over a fixed vocabulary; X @ w and X.T @ r by bincount."""

    def __init__(self, rows: Sequence[Features], index: dict[str, int]) -> None:
        r, c, v = [], [], []
        for i, feats in enumerate(rows):
            for name, value in feats.items():
                j = index.get(name)
                if j is not None:
                    r.append(i)
                    c.append(j)
                    v.append(value)
        self.r, self.c, self.v = np.array(r, dtype=np.int64), np.array(c, dtype=np.int64), np.array(v)
        self.n, self.d = len(rows), len(index)

    def dot(self, w: np.ndarray) -> np.ndarray:
        return np.bincount(self.r, weights=self.v * w[self.c], minlength=self.n)

    def tdot(self, u: np.ndarray) -> np.ndarray:
        return np.bincount(self.c, weights=self.v * u[self.r], minlength=self.d)


def fit_logistic(x: Design, y: np.ndarray, penalty: np.ndarray, mean: np.ndarray, iters: int = 50) -> tuple[float, np.ndarray]:
    """Minimise sum(log loss with soft targets y) + sum(penalty * (w - mean)^2) / 2, intercept
    free, by Newton's method with conjugate-gradient steps (Hessian-vector products only)."""
    d = x.d
    theta = np.concatenate([[0.0], mean])
    pen = np.concatenate([[0.0], penalty])
    centre = np.concatenate([[0.0], mean])
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(x.dot(theta[1:]) + theta[0])))
        resid = p - y
        grad = np.concatenate([[resid.sum()], x.tdot(resid)]) + pen * (theta - centre)
        h = p * (1.0 - p)

        def hess(v: np.ndarray, h: np.ndarray = h) -> np.ndarray:
            u = h * (x.dot(v[1:]) + v[0])
            return np.concatenate([[u.sum()], x.tdot(u)]) + pen * v + 1e-8 * v

        step = np.zeros(d + 1)
        r = grad.copy()
        q = r.copy()
        rs = r @ r
        for _ in range(250):
            hq = hess(q)
            a = rs / (q @ hq)
            step += a * q
            r -= a * hq
            rs_new = r @ r
            if np.sqrt(rs_new) < 1e-4 * np.sqrt(grad @ grad) + 1e-12:
                break
            q = r + rs_new / rs * q
            rs = rs_new
        theta -= step
        if np.max(np.abs(step)) < 1e-6:
            break
    return float(theta[0]), theta[1:]


class Fitted:
    """One fitted model: intercept and weights by feature name."""

    def __init__(self, intercept: float, weights: dict[str, float]) -> None:
        self.intercept = intercept
        self.weights = weights

    def logits(self, rows: Sequence[Features]) -> np.ndarray:
        w = self.weights
        return np.array([self.intercept + sum(w.get(k, 0.0) * v for k, v in feats.items()) for feats in rows])


def fit(rows: Sequence[Features], target: np.ndarray, prior: dict[str, float], lexicon: bool = True, sentiment: bool = True) -> Fitted:
    """Fit on ``rows`` (features) and their ratings ``target``; see the module docstring."""
    median, sd = float(np.median(target)), float(np.std(target))
    y = 1.0 / (1.0 + np.exp(-SLOPE * (target - median) / sd))
    fixed = [k for k in prior if sentiment or not k.startswith("sentiment:")]
    vocab: list[str] = []
    if lexicon:
        df: dict[str, int] = {}
        for feats in rows:
            for k in feats:
                if k.startswith("l:"):
                    df[k] = df.get(k, 0) + 1
        vocab = sorted(k for k, c in df.items() if c >= MIN_DF)

    def run(vocab: list[str]) -> tuple[float, dict[str, float]]:
        names = fixed + vocab
        index = {k: j for j, k in enumerate(names)}
        penalty = np.array([L2_STRATEGY] * len(fixed) + [L2_LEXICON] * len(vocab))
        mean = np.array([prior[k] for k in fixed] + [0.0] * len(vocab))
        b, w = fit_logistic(Design(rows, index), y, penalty, mean)
        return b, dict(zip(names, w))

    b, weights = run(vocab)
    if lexicon and len(vocab) > LEXICON_SIZE:
        vocab = sorted(sorted(vocab, key=lambda k: (-abs(weights[k]), k))[:LEXICON_SIZE])
        b, weights = run(vocab)
    model = Fitted(b, weights)
    # calibration: the middle fifth of the ratings at logit 0 (score 50)
    lo, hi = np.quantile(target, NEUTRAL[0]), np.quantile(target, NEUTRAL[1])
    band = [row for row, t in zip(rows, target) if lo <= t <= hi]
    model.intercept -= float(np.median(model.logits(band)))
    return model


def cross_validate(k: int, rows: Sequence[Features], target: np.ndarray, prior: dict[str, float], **kw: bool) -> tuple[np.ndarray, list[float]]:
    order = list(range(len(target)))
    random.Random(SEED).shuffle(order)
    folds = [order[f::k] for f in range(k)]
    pred = np.zeros(len(target))
    fold_acc = []
    for f in range(k):
        test = set(folds[f])
        train = [i for i in order if i not in test]
        model = fit([rows[i] for i in train], target[train], prior, **kw)
        pred[folds[f]] = model.logits([rows[i] for i in folds[f]])
        fold_acc.append(quartiles(pred, target, np.array(folds[f]))[0])
    return pred, fold_acc


# -- metrics -------------------------------------------------------------------------------
def quartiles(pred: np.ndarray, target: np.ndarray, rows: np.ndarray | None = None, threshold: float = 0.0) -> tuple[float, float, int]:
    """Most vs least polite quarter (quartiles over all rows): accuracy of pred >= threshold,
    ROC AUC, and how many rows."""
    rows = np.arange(len(target)) if rows is None else rows
    lo, hi = np.quantile(target, 0.25), np.quantile(target, 0.75)
    ext = rows[(target[rows] <= lo) | (target[rows] >= hi)]
    labels = (target[ext] >= hi).astype(int)
    return float(np.mean((pred[ext] >= threshold).astype(int) == labels)), roc_auc(pred[ext], labels), len(ext)


def polite_vs_rude(pred: np.ndarray, labels: np.ndarray, threshold: float = 0.0) -> tuple[float, float, int, int]:
    """holistic-en: polite (label >= 3) vs rude (<= 1): accuracy, ROC AUC, counts."""
    sel = (labels >= 3) | (labels <= 1)
    y = (labels[sel] >= 3).astype(int)
    return float(np.mean((pred[sel] >= threshold) == y)), roc_auc(pred[sel], y), int(y.sum()), int((1 - y).sum())


def rater_agreement(path: Path = SE) -> tuple[float, float, float]:
    """How well ONE rater predicts the other four: each rating z-scored per rater (over all the
    rater's ratings), each of the five rating positions in turn against the mean of the other
    four (its quartiles, median threshold); accuracy, ROC AUC and Spearman, averaged."""
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    scores = np.array([[float(r[f"Score{k}"]) for k in range(1, 6)] for r in rows])
    raters = [[r[f"TurkId{k}"] for k in range(1, 6)] for r in rows]
    by_rater: dict[str, list[float]] = {}
    for row, ids in zip(scores, raters):
        for value, rater in zip(row, ids):
            by_rater.setdefault(rater, []).append(value)
    stats = {k: (float(np.mean(v)), float(np.std(v)) or 1.0) for k, v in by_rater.items()}
    z = np.array([[(v - stats[t][0]) / stats[t][1] for v, t in zip(row, ids)] for row, ids in zip(scores, raters)])
    out = []
    for k in range(5):
        one, rest = z[:, k], np.delete(z, k, axis=1).mean(axis=1)
        acc, auc, _ = quartiles(one - np.median(one), rest)
        out.append((acc, auc, spearman(one, rest)))
    return tuple(float(x) for x in np.mean(out, axis=0))  # type: ignore[return-value]


def baseline(texts: Sequence[str]) -> np.ndarray:
    """The please/thanks-words baseline: how many please/thank/appreciate words a text has
    (called polite with one or more)."""
    return np.array([len(BASELINE.findall(t)) for t in texts], dtype=float)


def score(logit: np.ndarray) -> np.ndarray:
    return np.round(100.0 / (1.0 + np.exp(-logit)))


# -- writing the weights ------------------------------------------------------------------
def fitted_block(model: Fitted, strategies: Sequence[str], has_sentiment: bool, summary: Sequence[str]) -> str:
    w = model.weights
    lexicon = {k[2:]: v for k, v in w.items() if k.startswith("l:") and round(v, 4) != 0}
    lines = [FITTED_MARK, *(f"# {line}" for line in summary)]
    lines += ["fitted:", f"  intercept: {model.intercept:.4f}", "  weights:"]
    lines += [f"    {name}: {w[f's:{name}']:.4f}" for name in strategies]
    if has_sentiment:
        lines += ["  sentiment:", f"    positive: {w['sentiment:positive']:.4f}", f"    negative: {w['sentiment:negative']:.4f}"]
    lines.append("  lexicon:" if lexicon else "  lexicon: {}")
    lines += [f"    {json.dumps(k)}: {v:.4f}" for k, v in sorted(lexicon.items(), key=lambda kv: (-kv[1], kv[0]))]
    return "\n".join(lines) + "\n"


def write_weights(path: Path, block: str) -> None:
    text = path.read_text(encoding="utf-8")
    cut = text.find(FITTED_MARK)
    if cut < 0:
        raise SystemExit(f"{path}: the line {FITTED_MARK!r} is missing; cannot tell where the fitted weights go")
    path.write_text(text[:cut] + block, encoding="utf-8")


def shipped_logits(path: Path, texts: Sequence[str]) -> np.ndarray:
    """Each text's logit as the shipped scorer computes it: intercept + sum of its markers."""
    from mantracheck.scoring.courtesy import courtesy_score
    from mantracheck.scoring.courtesy_model import load_model, read_sentiment_file

    load_model.cache_clear()
    read_sentiment_file.cache_clear()
    model = load_model(str(path))
    nlp = language()
    return np.array([model.intercept + sum(m.weight for m in courtesy_score(t, d, model=model).markers) for t, d in zip(texts, nlp.pipe(texts, batch_size=256))])


# -- the report -----------------------------------------------------------------------------
def pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", type=Path, default=None, help="the data file (default: the built-in rules/courtesy-score.yaml)")
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--write", action="store_true", help="fit on all Stack Exchange rows and write the weights into the data file")
    ap.add_argument("--ablations", action="store_true", help="also cross-validate without the lexicon / without sentiment")
    args = ap.parse_args(argv)
    path = args.rules or default_path()
    if not SE.is_file():
        print(f"data not found: {SE}", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        commit = "?"
    model_data = fitting_model(path)
    prior = priors(model_data)
    strategies = [s.name for s in model_data.strategies]
    texts, target = load_se()
    rows = extract_features(texts, model_data)
    print(f"mantracheck {commit or '?'}, {_dt.date.today().isoformat()}; {len(texts)} Stack Exchange requests, "
          f"{len(strategies)} strategies, sentiment {'on' if model_data.sentiment else 'off'}; features in {time.perf_counter() - t0:.1f}s")
    print(f"fit: soft targets sigmoid({SLOPE:g}*(z-median)/sd) on every training row; strategies and sentiment pulled to "
          f"+/-{PRIOR} (L2 {L2_STRATEGY:g}); lexicon: {LEXICON_SIZE} runs of 1-{NGRAM} lemmas of df>={MIN_DF} (L2 {L2_LEXICON:g}), "
          f"chosen inside each fold; intercept calibrated to the middle fifth of the ratings")
    base = baseline(texts)

    print(f"\n1. Stack Exchange requests, {args.folds}-fold cross-validation (seed {SEED}); top vs bottom quartile, Spearman over all rows")
    print(f"   {'model':<44} {'accuracy':>9} {'ROC AUC':>8} {'Spearman':>9}")
    configs: list[tuple[str, dict[str, bool]]] = [("shipped: strategies + sentiment + lexicon", {})]
    configs.append(("strategies + sentiment (no lexicon)", {"lexicon": False}))
    configs.append(("strategies only", {"lexicon": False, "sentiment": False}))
    if args.ablations:
        configs.append(("strategies + lexicon (no sentiment)", {"sentiment": False}))
    cv_pred = None
    cv_line = ""
    for label, kw in configs:
        pred, fold_acc = cross_validate(args.folds, rows, target, prior, **kw)
        acc, auc, n = quartiles(pred, target)
        if cv_pred is None:
            cv_pred = pred
            cv_line = f"{args.folds}-fold CV on these rows: top-vs-bottom-quartile accuracy {pct(acc)}, ROC AUC {auc:.3f}, Spearman {spearman(pred, target):.3f}."
        extra = f"  (n={n}; per fold {pct(float(np.mean(fold_acc)))} +/- {pct(float(np.std(fold_acc)))})" if not kw else ""
        print(f"   {label:<44} {pct(acc):>9} {auc:>8.3f} {spearman(pred, target):>9.3f}{extra}", flush=True)
    b_acc, b_auc, _ = quartiles(base, target, threshold=1)
    print(f"   {'baseline: please/thanks words (>= 1: polite)':<44} {pct(b_acc):>9} {b_auc:>8.3f} {spearman(base, target):>9.3f}")
    h_acc, h_auc, h_rho = rater_agreement()
    print(f"   {'people: one rater vs the other four':<44} {pct(h_acc):>9} {h_auc:>8.3f} {h_rho:>9.3f}")
    assert cv_pred is not None
    lo, hi = np.quantile(target, NEUTRAL[0]), np.quantile(target, NEUTRAL[1])
    band = (target >= lo) & (target <= hi)
    print(f"   calibration (cross-validated): requests rated in the middle fifth score median {np.median(score(cv_pred[band])):.0f}, "
          f"top quarter {np.median(score(cv_pred[target >= np.quantile(target, 0.75)])):.0f}, "
          f"bottom quarter {np.median(score(cv_pred[target <= np.quantile(target, 0.25)])):.0f}")

    final = fit(rows, target, prior)
    print(f"\n   fitted on all {len(texts)} rows: intercept {final.intercept:+.3f} (an empty text scores {score(np.array([final.intercept]))[0]:.0f})")

    print("\n2. holistic-en (Havaldar et al. 2023; CC BY-NC, evaluation only, never fitted on): polite (>= 3) vs rude (<= 1), Spearman over all rows")
    print(f"   {'set':<10} {'model':<34} {'accuracy':>9} {'ROC AUC':>8} {'Spearman':>9}  {'rated 2 (neutral): median score':>32}")
    for split in ("val", "train"):
        h_texts, labels = load_holistic(split)
        h_rows = extract_features(h_texts, model_data)
        logit = final.logits(h_rows)
        hb = baseline(h_texts)
        acc, auc, n_pol, n_rude = polite_vs_rude(logit, labels)
        mid = np.abs(labels - 2.0) < 0.34
        print(f"   {split + f' ({len(h_texts)})':<10} {'shipped':<34} {pct(acc):>9} {auc:>8.3f} {spearman(logit, labels):>9.3f}  "
              f"{np.median(score(logit[mid])):>26.0f} (n={int(mid.sum())})  [{n_pol} polite, {n_rude} rude]")
        b_acc, b_auc, _, _ = polite_vs_rude(hb, labels, threshold=1)
        print(f"   {'':<10} {'baseline: please/thanks words':<34} {pct(b_acc):>9} {b_auc:>8.3f} {spearman(hb, labels):>9.3f}")
        if args.ablations:
            for label, kw in (("no lexicon", {"lexicon": False}), ("no sentiment", {"sentiment": False}), ("strategies only", {"lexicon": False, "sentiment": False})):
                other = fit(rows, target, prior, **kw).logits(h_rows)
                a2, u2, _, _ = polite_vs_rude(other, labels)
                print(f"   {'':<10} {label:<34} {pct(a2):>9} {u2:>8.3f} {spearman(other, labels):>9.3f}")

    print("\n3. agent replies with hand-labelled cues (eval/labels/replies.jsonl; greeting, thanks, sign-off, please on a request):")
    r_texts, cue_counts, _ = load_replies()
    r_logit = final.logits(extract_features(r_texts, model_data))
    rb = baseline(r_texts)
    sel = (cue_counts == 0) | (cue_counts == 4)
    print(f"   replies with none of the four cues ({int((cue_counts == 0).sum())}) vs all four ({int((cue_counts == 4).sum())}), ROC AUC: "
          f"{roc_auc(r_logit[sel], (cue_counts[sel] == 4).astype(int)):.3f}; baseline {roc_auc(rb[sel], (cue_counts[sel] == 4).astype(int)):.3f}")
    print(f"   Spearman with the number of cues (all {len(r_texts)}): {spearman(r_logit, cue_counts):.3f}; baseline {spearman(rb, cue_counts):.3f}")
    print("   median score by number of cues: " + ", ".join(f"{k}: {np.median(score(r_logit[cue_counts == k])):.0f} (n={int((cue_counts == k).sum())})" for k in range(5) if (cue_counts == k).any()))

    if args.write:
        summary = [
            f"Fitted {_dt.date.today().isoformat()} on {SE.name} ({len(texts)} rows) by eval/courtesy.py: logistic regression on soft",
            f"targets sigmoid({SLOPE:g}*(z-median)/sd); strategies and sentiment pulled to +/-{PRIOR} by side (L2 {L2_STRATEGY:g}); lexicon: the",
            f"{LEXICON_SIZE} runs of 1-{NGRAM} lemmas of df>={MIN_DF} with the largest |weight| (L2 {L2_LEXICON:g}); entries that round to 0 are left out;",
            f"intercept calibrated so that the requests rated in the {int(NEUTRAL[0] * 100)}th-{int(NEUTRAL[1] * 100)}th percentiles have median logit 0.",
            cv_line,
            "Every figure (holistic-en, agent replies, baselines) as measured: eval/README.md (courtesy section).",
        ]
        write_weights(path, fitted_block(final, strategies, model_data.sentiment is not None, summary))
        print(f"\nwrote the intercept, {len(strategies)} strategy weights, the sentiment weights and the lexicon to {path}")
        shipped = shipped_logits(path, texts)
        diff = float(np.max(np.abs(shipped - final.logits(rows))))
        print(f"check: the shipped scorer's logit (intercept + sum of its markers' weights) vs this fit, all {len(texts)} rows: max |difference| {diff:.4f}")
    print(f"\ndone in {time.perf_counter() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
