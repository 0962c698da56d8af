#!/usr/bin/env python3
"""Times PyTorch (Debian python3-torch) on the Siamese workloads of bench/Manabi.Benchmarks/Siamese.

Usage: siamese_anchor.py TASK THREADS STEPS
       siamese_anchor.py serve THREADS
  TASK: triplet  - SE-ResNet-18-small + linear 128-d head, L2-normalised, batch 6 classes x 20 images, TF-style
                   semi-hard mining on the euclidean distance matrix, triplet margin loss (0.2), backward,
                   gradient clipping (5), AdamW: one step.
        ntxent   - the same encoder with SimCLR's MLP head (256-256-128), two views of 128 images, NT-Xent (0.5).
        episodes - 10,000 4-way 1-shot episodes (1 query per class, nearest prototype, euclidean) on 4,000 x 128
                   random embeddings in 4 classes, vectorised in chunks of 2,000 episodes.
Prints one JSON line: {"task", "seconds" (median per step, or for all episodes), "torch", "threads", "value"}.
serve: interleaved timing. Each line naming a TASK on stdin times one step of it (built and warmed up, untimed,
  on its first request) and prints its seconds; "quit" prints {"torch", "threads", "blas", "values"} and exits.
  The .NET harness alternates these with its own steps, so that drift in the host's speed hits both sides alike.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from vision_anchor import SmallResNet  # noqa: E402  (same architecture as Manabi's seresnet18-small)


class Encoder(nn.Module):
    def __init__(self, head):
        super().__init__()
        self.backbone = SmallResNet(True)
        self.backbone.fc = nn.Identity()
        self.head = head

    def forward(self, x):
        return self.head(self.backbone(x))


def distance_matrix(e):
    sq = e.pow(2).sum(1, keepdim=True) + e.pow(2).sum(1).unsqueeze(0) - 2 * e @ e.t()
    d = sq.clamp_min(1e-12).sqrt()
    return d.masked_fill(torch.eye(e.shape[0], dtype=torch.bool), 0)


def semi_hard(d, labels):
    with torch.no_grad():
        same = labels[:, None] == labels[None, :]
        positive = same & ~torch.eye(len(labels), dtype=torch.bool)
        negative = ~same
        pairs = (positive & negative.any(1, keepdim=True)).nonzero()
        a, p = pairs[:, 0], pairs[:, 1]
        rows = d[a]
        neg_rows = negative[a]
        dp = rows.gather(1, p[:, None])
        farther = neg_rows & (rows > dp)
        semi = rows.masked_fill(~farther, float("inf")).argmin(1)
        far = rows.masked_fill(~neg_rows, float("-inf")).argmax(1)
        n = torch.where(farther.any(1), semi, far)
    return a, p, n


def build(task):
    """The task's step (a callable running it once) and a value to report (the episodes' accuracy, else None)."""
    torch.manual_seed(0)
    if task == "triplet":
        model = Encoder(nn.Linear(256, 128))
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
        x = torch.randn(120, 1, 28, 28)
        labels = torch.arange(6).repeat_interleave(20)

        def step():
            opt.zero_grad(set_to_none=True)
            e = F.normalize(model(x), dim=1)
            d = distance_matrix(e)
            a, p, n = semi_hard(d, labels)
            rows = d[a]
            loss = (rows.gather(1, p[:, None]) - rows.gather(1, n[:, None]) + 0.2).clamp_min(0).mean()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()

        return step, None
    if task == "ntxent":
        model = Encoder(nn.Sequential(nn.Linear(256, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, 128)))
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
        v1, v2 = torch.randn(128, 1, 28, 28), torch.randn(128, 1, 28, 28)

        def step():
            opt.zero_grad(set_to_none=True)
            z = F.normalize(model(torch.cat([v1, v2])), dim=1)
            logits = (z @ z.t() / 0.5).masked_fill(torch.eye(256, dtype=torch.bool), float("-inf"))
            target = torch.cat([torch.arange(128, 256), torch.arange(0, 128)])
            loss = F.cross_entropy(logits, target)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()

        return step, None
    if task == "episodes":
        classes, per_class, dim, episodes, chunk = 4, 1000, 128, 10000, 2000
        labels = torch.arange(classes).repeat_interleave(per_class)
        centres = torch.randn(classes, dim) * 0.3
        embeddings = torch.randn(classes * per_class, dim) + centres[labels]
        members = torch.stack([(labels == c).nonzero().squeeze(1) for c in range(classes)])

        def run():
            correct = 0
            gen = torch.Generator().manual_seed(0)
            for start in range(0, episodes, chunk):
                e = min(chunk, episodes - start)
                way = torch.rand(e, classes, generator=gen).argsort(1)[:, :4]
                # Two distinct members per class (support, query) without sorting: draw j from n - 1 and skip i.
                i = torch.randint(0, per_class, (e, 4, 1), generator=gen)
                j = torch.randint(0, per_class - 1, (e, 4, 1), generator=gen)
                j = j + (j >= i).long()
                index = members[way].gather(2, torch.cat([i, j], 2))
                support = embeddings[index[:, :, 0]]
                query = embeddings[index[:, :, 1]]
                d = torch.cdist(query, support)
                correct += (d.argmin(2) == torch.arange(4)).sum().item()
            return correct / (episodes * 4)

        return run, run()
    raise SystemExit(f"unknown task {task}")


def blas() -> str:
    from blas_probe import loaded_blas
    return loaded_blas()


def serve(threads):
    torch.set_num_threads(threads)
    steps, values = {}, {}
    for line in sys.stdin:
        task = line.strip()
        if task == "quit":
            break
        if task not in steps:
            steps[task], values[task] = build(task)
            for _ in range(2):
                steps[task]()  # warm-up, untimed
        start = time.perf_counter()
        steps[task]()
        print(time.perf_counter() - start, flush=True)
    print(json.dumps({"torch": torch.__version__, "threads": threads, "blas": blas(), "values": values}), flush=True)


def main() -> None:
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
        return
    task, threads, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    torch.set_num_threads(threads)
    step, value = build(task)
    for _ in range(2):
        step()
    times = []
    for _ in range(steps):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    print(json.dumps({"task": task, "seconds": statistics.median(times), "torch": torch.__version__, "threads": threads, "blas": blas(), "value": value}))


if __name__ == "__main__":
    main()
