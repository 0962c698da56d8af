"""The one-shot protocol of docs/RESULTS.md's unseen-class sections, shared by the anchors that score embeddings with it.

L2 normalisation; RankMe (Garrido et al. 2023: the exponential of the
entropy of the normalised singular values, uncentred); and the two scores: 4-way 1-shot accuracy over seeded episodes
(numpy default_rng(0), one support and one query per class, nearest support by cosine, which for unit rows is the
euclidean nearest) and verification over every pair of a seeded sample of the images (scikit-learn roc_curve on the
cosine similarity, EER at the first ROC point minimising |FNR - FPR|, Manabi's convention). The episodes are numpy's,
not Manabi's: the same protocol, not the same draws.
"""
import numpy as np
from sklearn.metrics import auc, roc_curve

UNSEEN = (6, 7, 8, 9)


def unit(a):
    """The rows of a scaled to unit length."""
    return a / np.linalg.norm(a, axis=1, keepdims=True)


def rankme(a):
    """RankMe of the rows of a: exp of the entropy of its normalised singular values (1 = collapsed, rank = flat)."""
    s = np.linalg.svd(a, compute_uv=False)
    p = s / s.sum()
    p = p[p > 0]
    return float(np.exp(-(p * np.log(p)).sum()))


def one_shot(e, labels, episodes=10000, verification_images=2000, classes=UNSEEN):
    """4-way 1-shot accuracy, EER, AUC and the uncentred RankMe of the verification images, for unit rows e."""
    rng = np.random.default_rng(0)
    members = [np.where(labels == c)[0] for c in classes]
    pick = np.stack([np.stack([rng.choice(m, 2, replace=False) for m in members]) for _ in range(episodes)])  # (E, way, 2)
    support, query = e[pick[:, :, 0]], e[pick[:, :, 1]]
    accuracy = float((np.einsum("eqd,esd->eqs", query, support).argmax(2) == np.arange(len(classes))).mean())
    chosen = rng.choice(len(labels), verification_images, replace=False)
    xs, ys = e[chosen], labels[chosen]
    upper = np.triu_indices(len(ys), 1)
    fpr, tpr, _ = roc_curve((ys[:, None] == ys[None])[upper], (xs @ xs.T)[upper])
    i = int(np.argmin(np.abs(1 - tpr - fpr)))
    return {"accuracy": accuracy, "eer": float((fpr[i] + 1 - tpr[i]) / 2), "auc": float(auc(fpr, tpr)), "rankme": rankme(xs)}
