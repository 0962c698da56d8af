#!/usr/bin/env python3
"""The no-learning baseline of docs/RESULTS.md (issue 7): L2-normalised raw pixels on Fashion-MNIST test classes 6-9.

Usage: oneshot_pixels.py [FASHION_MNIST_DIR]
4-way 1-shot: 10,000 seeded episodes (numpy default_rng(0)), one support and one query per class, nearest support
in euclidean distance. Verification: every pair of 2,000 seeded test images, scikit-learn roc_curve / roc_auc_score,
EER at the first ROC point minimising |FNR - FPR| (Manabi's convention). Prints one JSON line.
"""
import gzip
import json
import sys

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

folder = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"


def read(name, offset):
    with gzip.open(f"{folder}/{name}.gz") as f:
        return np.frombuffer(f.read(), np.uint8, offset=offset)


x = read("t10k-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float64) / 255
y = read("t10k-labels-idx1-ubyte", 8)
keep = np.isin(y, [6, 7, 8, 9])
x, y = x[keep], y[keep]
x /= np.linalg.norm(x, axis=1, keepdims=True)

rng = np.random.default_rng(0)
members = [np.where(y == c)[0] for c in (6, 7, 8, 9)]
episodes = 10000
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
print(json.dumps({"way": 4, "shot": 1, "accuracy": accuracy, "eer": float((fpr[i] + 1 - tpr[i]) / 2), "auc": float(roc_auc_score(same, scores)), "episodes": episodes}))
