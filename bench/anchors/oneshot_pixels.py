#!/usr/bin/env python3
"""The no-learning baseline of docs/RESULTS.md (issue 7): L2-normalised raw pixels on Fashion-MNIST test classes 6-9.

Usage: oneshot_pixels.py [FASHION_MNIST_DIR] [--normalisations]
oneshot_protocol.py's scores: 10,000 seeded 4-way 1-shot episodes and every pair of 2,000 seeded test images. Prints
one JSON line, with the uncentred RankMe of the 2,000 images; --normalisations adds accuracy, EER and RankMe after
centring the pixels on the mean of every 6th training image of classes 0-5 (SimpleShot's CL2N) and after per-pixel
standardisation, as oneshot_supcon.py --normalisations does for the learned readout.
"""
import json
import sys

import numpy as np

from idx_files import read_idx
from oneshot_protocol import UNSEEN, one_shot, unit

normalisations = "--normalisations" in sys.argv
arguments = [a for a in sys.argv[1:] if a != "--normalisations"]
folder = arguments[0] if arguments else "/usr/share/datasets/fashion-mnist"
episodes = 10000

x = read_idx(folder, "t10k-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float64) / 255
y = read_idx(folder, "t10k-labels-idx1-ubyte", 8)
keep = np.isin(y, UNSEEN)
x, y = x[keep], y[keep]

result = {"way": 4, "shot": 1, **one_shot(unit(x), y, episodes), "episodes": episodes}
if normalisations:
    train_x = read_idx(folder, "train-images-idx3-ubyte", 16).reshape(-1, 784).astype(np.float64) / 255
    train_y = read_idx(folder, "train-labels-idx1-ubyte", 8)
    seen = train_x[np.where(np.isin(train_y, range(6)))[0][::6]]
    result["centred"] = one_shot(unit(x - seen.mean(0)), y, episodes)
    result["standardised"] = one_shot(unit((x - seen.mean(0)) / (seen.std(0) + 1e-6)), y, episodes)
print(json.dumps(result))
