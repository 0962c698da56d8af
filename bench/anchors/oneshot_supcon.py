#!/usr/bin/env python3
"""The PyTorch peer of Manabi's one-shot recipe (issue 21): SupCon on a multi-scale readout, head discarded.

Usage: oneshot_supcon.py [EPOCHS] [SEED] [READOUT] [FASHION_MNIST_DIR] [--normalisations] [--decorrelate=W] [--threads=N]
Debian's python3-torch (1.13), 2 threads unless --threads says otherwise. The same recipe as
  manabi siamese train --data fashion-mnist --classes 0-5 --encoder resnet18-tiny --loss supcon --readout multiscale --epochs 4
  manabi siamese eval --checkpoint RUN --classes 6-9 --way 4 --shot 1 --episodes 10000 --features
A ResNet-18-tiny (3x3 stem, no max-pool, widths 16-128, no SE) on normalised pixels; the readout pools stages 1-4 to
7x7, 4x4, 2x2 and 1x1 grids, L2-normalises each and scales the concatenation by 1/sqrt(4) (READOUT "pooled": the last
stage's global average instead); a linear 128-d head on it, L2-normalised, trained with SupCon (temperature 0.2) on
class-balanced batches of 6 classes x 20 images of classes 0-5; AdamW 1e-3, weight decay 1e-4 on weights only, cosine
schedule with a 5% linear warm-up, gradient norm clipped to 5. Augmentation as Manabi's supervised preset: random
resized crop of 60-100% of the area (aspect 3/4-4/3), flip, affine jitter (p 0.3: +-10 degrees, +-10% shift, +-5
degrees shear) as one sampling grid, brightness/contrast jitter 0.4 (p 0.3), erasing (p 0.1, 2-20% of the area).
Evaluation: 10,000 seeded 4-way 1-shot episodes on the test images of classes 6-9 with the L2-normalised readout
(cosine nearest support), and the verification EER over every pair of 2,000 seeded images of those classes; the
episodes are drawn by numpy, so they are not Manabi's episodes, only the same protocol. Prints one JSON line, with
the uncentred RankMe of those 2,000 readouts; --normalisations adds the same scores after centring on the seen classes'
mean (SimpleShot's CL2N) and after per-feature standardisation. --decorrelate=W adds W times the mean squared
off-diagonal correlation of the readout's features over each batch to the loss (the decorrelation term with which
Barlow Twins and VICReg prevent dimensional collapse), an experiment on the RankMe goal; Manabi has no such option.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from idx_files import read_idx
from oneshot_protocol import UNSEEN, one_shot, unit

normalisations = "--normalisations" in sys.argv
options = dict(a[2:].split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
decorrelate = float(options.get("decorrelate", 0))
arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
epochs = int(arguments[0]) if len(arguments) > 0 else 4
seed = int(arguments[1]) if len(arguments) > 1 else 0
readout = arguments[2] if len(arguments) > 2 else "multiscale"
folder = arguments[3] if len(arguments) > 3 else "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(int(options.get("threads", 2)))
torch.manual_seed(seed)
rng = np.random.default_rng(seed)


def read(name, offset):
    return read_idx(folder, name, offset)


def images(name):
    return torch.tensor(read(name, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)


x_train, y_train = images("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte", 8).astype(np.int64)
x_test, y_test = images("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte", 8).astype(np.int64)
seen = np.isin(y_train, range(6))
x_train, y_train = x_train[seen], y_train[seen]
MEAN, STD = float(x_train.mean()), float(x_train.std())


class Basic(nn.Module):
    def __init__(self, cin, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.down = None if stride == 1 and cin == planes else nn.Sequential(
            nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = self.bn2(self.conv2(F.relu(self.bn1(self.conv1(x)))))
        return F.relu(out + (x if self.down is None else self.down(x)))


class Network(nn.Module):
    GRIDS = (7, 4, 2, 1)

    def __init__(self, width=16):
        super().__init__()
        self.conv1 = nn.Conv2d(1, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.stages, cin = nn.ModuleList(), width
        for i in range(4):
            planes = width << i
            self.stages.append(nn.Sequential(Basic(cin, planes, 1 if i == 0 else 2), Basic(planes, planes, 1)))
            cin = planes
        self.features = cin if readout == "pooled" else sum((width << i) * g * g for i, g in enumerate(self.GRIDS))
        self.head = nn.Linear(self.features, 128)

    def readout(self, x):
        x, maps = F.relu(self.bn1(self.conv1((x - MEAN) / STD))), []
        for stage in self.stages:
            x = stage(x)
            maps.append(x)
        if readout == "pooled":
            return maps[-1].mean((2, 3))
        parts = [F.normalize(F.adaptive_avg_pool2d(m, g).flatten(1), dim=1) for m, g in zip(maps, self.GRIDS)]
        return torch.cat(parts, 1) / math.sqrt(len(parts))

    def forward(self, x):
        r = self.readout(x)
        return F.normalize(self.head(r), dim=1), r


def augment(x):
    n = x.shape[0]
    area = torch.empty(n).uniform_(0.6, 1.0)
    aspect = torch.exp(torch.empty(n).uniform_(math.log(3 / 4), math.log(4 / 3)))
    sx, sy = torch.sqrt(area * aspect).clamp(max=1), torch.sqrt(area / aspect).clamp(max=1)
    cx, cy = (1 - sx) * torch.empty(n).uniform_(-1, 1), (1 - sy) * torch.empty(n).uniform_(-1, 1)
    flip = torch.where(torch.rand(n) < 0.5, -1.0, 1.0)
    affine = torch.rand(n) < 0.3
    rot = torch.deg2rad(torch.empty(n).uniform_(-10, 10)) * affine
    shear = torch.tan(torch.deg2rad(torch.empty(n).uniform_(-5, 5))) * affine
    tx, ty = torch.empty(n).uniform_(-0.2, 0.2) * affine, torch.empty(n).uniform_(-0.2, 0.2) * affine
    cos, sin = torch.cos(rot), torch.sin(rot)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 0, 1], theta[:, 0, 2] = sx * flip * cos, sy * (shear * cos - sin), cx + tx
    theta[:, 1, 0], theta[:, 1, 1], theta[:, 1, 2] = sx * flip * sin, sy * (shear * sin + cos), cy + ty
    out = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), align_corners=False)
    jitter = (torch.rand(n, 1, 1, 1) < 0.3).float()
    brightness = 1 + jitter * torch.empty(n, 1, 1, 1).uniform_(-0.4, 0.4)
    contrast = 1 + jitter * torch.empty(n, 1, 1, 1).uniform_(-0.4, 0.4)
    mean = out.mean((1, 2, 3), keepdim=True)
    out = ((out * brightness - mean) * contrast + mean).clamp(0, 1)
    for i in torch.nonzero(torch.rand(n) < 0.1).flatten().tolist():
        for _ in range(10):
            a = 784 * float(torch.empty(1).uniform_(0.02, 0.2))
            r = math.exp(float(torch.empty(1).uniform_(math.log(0.3), math.log(3.3))))
            h, w = int(round(math.sqrt(a * r))), int(round(math.sqrt(a / r)))
            if 0 < h < 28 and 0 < w < 28:
                top, left = int(torch.randint(0, 28 - h + 1, (1,))), int(torch.randint(0, 28 - w + 1, (1,)))
                out[i, :, top:top + h, left:left + w] = MEAN  # 0 after normalisation, as Manabi erases
                break
    return out


def supcon(z, labels, t=0.2):
    n = z.shape[0]
    eye = torch.eye(n, dtype=torch.bool)
    logp = (z @ z.T / t).masked_fill(eye, float("-inf")).log_softmax(1)
    positives = (labels[:, None] == labels[None]) & ~eye
    return (-(logp.masked_fill(~positives, 0)).sum(1) / positives.sum(1)).mean()


def correlation_penalty(r):
    """The mean squared off-diagonal correlation of the readout's features over the batch (Barlow Twins' and VICReg's
    remedy for dimensional collapse, on one view): 0 when no two features are correlated."""
    c = (r - r.mean(0)) / (r.std(0) + 1e-5)
    corr = c.T @ c / len(c)
    d = corr.shape[0]
    return (corr.pow(2).sum() - corr.diagonal().pow(2).sum()) / (d * (d - 1))


net = Network()
decay = [p for name, p in net.named_parameters() if p.dim() > 1]
rest = [p for name, p in net.named_parameters() if p.dim() <= 1]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 1e-4}, {"params": rest, "weight_decay": 0}], lr=1e-3)
members = [np.where(y_train == c)[0] for c in range(6)]
batches = min(len(m) for m in members) // 20
steps, warmup = epochs * batches, max(1, int(0.05 * epochs * batches))
schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda s: (s + 1) / warmup if s < warmup else
                                              0.5 * (1 + math.cos(math.pi * (s - warmup) / max(1, steps - warmup))))
start = time.time()
for epoch in range(epochs):
    order = [rng.permutation(m) for m in members]
    for b in range(batches):
        index = np.concatenate([o[b * 20:(b + 1) * 20] for o in order])
        z, r = net(augment(x_train[index]))
        loss = supcon(z, torch.tensor(y_train[index]))
        if decorrelate > 0:
            penalty = correlation_penalty(r)
            loss = loss + decorrelate * penalty
            if b % 100 == 0:
                print(f"  batch {b}: correlation penalty {penalty.item():.4f}", file=sys.stderr, flush=True)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(net.parameters(), 5)
        optimizer.step()
        schedule.step()
    print(f"epoch {epoch + 1}/{epochs}  loss {loss.item():.4f}  {time.time() - start:.0f} s", file=sys.stderr, flush=True)
minutes = (time.time() - start) / 60

unseen = np.isin(y_test, UNSEEN)
labels = y_test[unseen]
net.eval()


def readouts(x):
    with torch.no_grad():
        return torch.cat([net.readout(x[k:k + 500]) for k in range(0, len(x), 500)]).double().numpy()


features = readouts(x_test[unseen])
result = {**one_shot(unit(features), labels), "decorrelate": decorrelate, "epochs": epochs, "seed": seed, "readout": readout, "minutes": round(minutes, 1),
          "torch": torch.__version__}
if normalisations:
    # SimpleShot's (Wang et al. 2019) centring on the seen classes' mean (every 6th training image of classes 0-5),
    # and per-feature standardisation on the same images, each L2-normalised after: do they raise RankMe or 1-shot?
    seen = readouts(x_train[np.where(np.isin(y_train, range(6)))[0][::6]])
    result["centred"] = one_shot(unit(features - seen.mean(0)), labels)
    result["standardised"] = one_shot(unit((features - seen.mean(0)) / (seen.std(0) + 1e-6)), labels)
print(json.dumps(result))
