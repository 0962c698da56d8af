#!/usr/bin/env python3
"""The no-learning baseline of docs/RESULTS.md (issue 7): L2-normalised raw pixels on Fashion-MNIST test classes 6-9.

Usage: oneshot_pixels.py [FASHION_MNIST_DIR] [--normalisations]
4-way 1-shot: 10,000 seeded episodes (numpy default_rng(0)), one support and one query per class, nearest support
in euclidean distance. Verification: every pair of 2,000 seeded test images, scikit-learn roc_curve / roc_auc_score,
EER at the first ROC point minimising |FNR - FPR| (Manabi's convention). Prints one JSON line, with the uncentred
RankMe of the 2,000 images; --normalisations adds accuracy, EER and RankMe after centring the pixels on the mean of
every 6th training image of classes 0-5 (SimpleShot's CL2N) and after per-pixel standardisation, as
oneshot_supcon.py --normalisations does for the learned readout.
"""
import gzip
import json
import sys

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

normalisations = "--normalisations" in sys.argv
arguments = [a for a in sys.argv[1:] if a != "--normalisations"]
folder = arguments[0] if arguments else "/usr/share/datasets/fashion-mnist"


def read(name, offset):
    with gzip.open(f"{folder}/{name}.gz") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


def rankme(a):
    s = np.linalg.svd(a, compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


x = read("t10k-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float64) / 255
y = read("t10k-labels-idx1-ubyte", 8)
keep = np.isin(y, [6, 7, 8, 9])
x, y = x[keep], y[keep]


def score(x):
    """4-way 1-shot accuracy, EER, AUC and RankMe of unit rows x."""
    rng = np.random.default_rng(0)
    members = [np.where(y == c)[0] for c in (6, 7, 8, 9)]
    pick = np.stack([np.stack([rng.choice(m, 2, replace=False) for m in members]) for _ in range(episodes)])  # (E, 4, 2)
    support, query = x[pick[:, :, 0]], x[pick[:, :, 1]]
    # Unit vectors: |q - s|^2 = 2 - 2 q.s, so the nearest support is the one with the largest dot product.
    dots = np.einsum("eqd,esd->eqs", query, support)
    accuracy = float((dots.argmax(2) == np.arange(4)).mean())
    chosen = rng.choice(len(y), 2000, replace=False)
    xs, ys = x[chosen], y[chosen]
    distances = np.sqrt(np.maximum(2 - 2 * xs @ xs.T, 0))
    upper = np.triu_indices(len(ys), 1)
    scores, same = -distances[upper], (ys[:, None] == ys[None])[upper]
    fpr, tpr, _ = roc_curve(same, scores)
    i = int(np.argmin(np.abs((1 - tpr) - fpr)))
    return {"accuracy": accuracy, "eer": float((fpr[i] + 1 - tpr[i]) / 2), "auc": float(roc_auc_score(same, scores)),
            "rankme": rankme(xs)}


def unit(a):
    return a / np.linalg.norm(a, axis=1, keepdims=True)


episodes = 10000
result = {"way": 4, "shot": 1, **score(unit(x)), "episodes": episodes}
if normalisations:
    train_x = read("train-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float64) / 255
    train_y = read("train-labels-idx1-ubyte", 8)
    seen = train_x[np.where(np.isin(train_y, range(6)))[0][::6]]
    result["centred"] = score(unit(x - seen.mean(0)))
    result["standardised"] = score(unit((x - seen.mean(0)) / (seen.std(0) + 1e-6)))
print(json.dumps(result))
