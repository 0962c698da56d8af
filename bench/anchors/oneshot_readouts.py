#!/usr/bin/env python3
"""Which readout of a CNN trained on Fashion-MNIST classes 0-5 transfers best to the unseen classes 6-9 (issue 7)?

Usage: oneshot_readouts.py [EPOCHS] [FASHION_MNIST_DIR]
An exploratory probe in PyTorch (Debian python3-torch), not a Manabi result: a ResNet-18-small-shaped network
(3x3 stem, widths 32-256, no SE) trained with label-smoothed cross-entropy on classes 0-5 (AdamW 2e-3, one-cycle,
pad-and-crop and flip, batch 128, seed 0), then 4-way 1-shot accuracy (2,000 seeded episodes) and verification
EER (every pair of 1,000 seeded images) on the test images of classes 6-9 for several readouts of the frozen
network, each L2-normalised: global-pooled stage 4 (what `--features` reads in Manabi), global-pooled stage 3,
stage 3 or 4 pooled to a 2x2 grid, and stages 2/3/4 pooled to 4x4/2x2/1x1 and concatenated. Prints one line per
epoch (and one before training): readout -> (accuracy, EER).
"""
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_files import read_idx  # noqa: E402
from oneshot_protocol import UNSEEN, one_shot  # noqa: E402
from vision_anchor import SmallResNet  # noqa: E402

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 1
folder = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
torch.set_num_threads(2)
torch.manual_seed(0)


def read(name, offset):
    return read_idx(folder, name, offset)


def images(name):
    return read(name, 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255


x_train, y_train = images("train-images-idx3-ubyte"), read("train-labels-idx1-ubyte", 8).astype(np.int64)
x_test, y_test = images("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte", 8).astype(np.int64)
seen = np.isin(y_train, range(6))
x_train, y_train = torch.tensor(x_train[seen]), torch.tensor(y_train[seen])
unseen = np.isin(y_test, UNSEEN)
x_unseen, y_unseen = torch.tensor(x_test[unseen]), y_test[unseen]
MEAN, STD = 0.286, 0.353


class Net(SmallResNet):
    """vision_anchor's SmallResNet without SE (the architecture of Manabi's resnet18-small) on normalised pixels, six
    classes, with each stage's output maps exposed for the readouts."""

    def __init__(self):
        super().__init__(se=False, classes=6)

    def maps(self, x):
        x, out = F.relu(self.bn1(self.conv1((x - MEAN) / STD))), []
        for index, block in enumerate(self.layers):
            x = block(x)
            if index % 2 == 1:  # the second (last) block of each stage
                out.append(x)
        return out

    def forward(self, x):
        return self.fc(self.maps(x)[-1].mean((2, 3)))


def augment(x):
    n = x.shape[0]
    padded = F.pad(x, (2, 2, 2, 2))
    i, j, idx = torch.randint(0, 5, (n,)), torch.randint(0, 5, (n,)), torch.arange(28)
    rows, cols = (i[:, None] + idx)[:, :, None], (j[:, None] + idx)[:, None, :]
    out = padded[torch.arange(n)[:, None, None], 0, rows, cols].unsqueeze(1)
    flip = torch.rand(n) < 0.5
    out[flip] = out[flip].flip(3)
    return out


READOUTS = {
    "pool4": lambda m: m[3].mean((2, 3)),
    "pool3": lambda m: m[2].mean((2, 3)),
    "grid3_2x2": lambda m: F.adaptive_avg_pool2d(m[2], 2).flatten(1),
    "grid4_2x2": lambda m: F.adaptive_avg_pool2d(m[3], 2).flatten(1),
    "grid234": lambda m: torch.cat([F.normalize(F.adaptive_avg_pool2d(t, g).flatten(1), dim=1)
                                    for t, g in ((m[1], 4), (m[2], 2), (m[3], 1))], 1),
}


def embed(net):
    net.eval()
    parts = {k: [] for k in READOUTS}
    with torch.no_grad():
        for k in range(0, len(x_unseen), 500):
            maps = net.maps(x_unseen[k:k + 500])
            for name, readout in READOUTS.items():
                parts[name].append(readout(maps))
    net.train()
    return {name: F.normalize(torch.cat(v).double(), dim=1).numpy() for name, v in parts.items()}


def evaluate(e):
    scores = one_shot(e, y_unseen, episodes=2000, verification_images=1000)
    return round(scores["accuracy"], 4), round(scores["eer"], 4)


def report(net, tag):
    print(tag, {name: evaluate(e) for name, e in embed(net).items()}, flush=True)


pixels = F.normalize(x_unseen.flatten(1).double(), dim=1).numpy()
print("pixels", evaluate(pixels), flush=True)
net = Net()
optimizer = torch.optim.AdamW(net.parameters(), 2e-3, weight_decay=5e-4)
steps = epochs * (len(x_train) // 128)
schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 2e-3, total_steps=steps, pct_start=0.1)
report(net, "untrained")
start = time.time()
for epoch in range(epochs):
    order = torch.randperm(len(x_train))
    for k in range(0, len(x_train) - 127, 128):
        batch = order[k:k + 128]
        loss = F.cross_entropy(net(augment(x_train[batch])), y_train[batch], label_smoothing=0.1)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}, {time.time() - start:.0f} s", flush=True)
    report(net, f"epoch {epoch + 1}")
