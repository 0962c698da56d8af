#!/usr/bin/env python3
"""Times PyTorch (Debian python3-torch) on the same vision architectures as bench/Manabi.Benchmarks/Vision.

Usage: vision_anchor.py MODEL BATCH THREADS TRAIN_STEPS INFER_STEPS
       vision_anchor.py serve MODEL BATCH THREADS
  MODEL: seresnet18-small | resnet18-small | seresnet18-tiny | resnet18-tiny | vit-small28   (28x28x1 inputs, 10 classes)
Prints one JSON line: {"model", "params", "train_images_per_s", "infer_images_per_s", "torch", "threads", "blas"}.
serve: interleaved timing. After a warm-up, each line "train" or "infer" on stdin times one step and prints its
  seconds; "quit" prints the JSON line (rates from the median step) and exits. The .NET harness alternates these
  with its own steps, so that drift in the host's speed hits both sides alike.
The architectures mirror Manabi.Torch's: ResNet-18 layout with a 3x3 stem, no max-pool, widths 32/64/128/256
(tiny: 16/32/64/128), SE (timm SEModule, make_divisible(c/16, 8)) on the residual branch; ViT patch 4, width 192, 6 blocks, 3 heads,
one qkv Linear, pre-norm, LayerNorm eps 1e-6, class token. Training = forward, cross-entropy (label smoothing
0.1), backward, gradient clipping, AdamW step, as Manabi's trainer does.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def make_divisible(v, divisor=8):
    return max(divisor, int(v + divisor / 2) // divisor * divisor)


class SE(nn.Module):
    def __init__(self, c):
        super().__init__()
        r = make_divisible(c / 16)
        self.fc1 = nn.Conv2d(c, r, 1)
        self.fc2 = nn.Conv2d(r, c, 1)

    def forward(self, x):
        s = x.mean((2, 3), keepdim=True)
        return x * torch.sigmoid(self.fc2(F.relu(self.fc1(s))))


class Basic(nn.Module):
    def __init__(self, cin, planes, stride, se):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.se = SE(planes) if se else None
        self.downsample = None
        if stride != 1 or cin != planes:
            self.downsample = nn.Sequential(nn.Conv2d(cin, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.se is not None:
            y = self.se(y)
        return F.relu(y + (x if self.downsample is None else self.downsample(x)))


class SmallResNet(nn.Module):
    def __init__(self, se, classes=10, width=32):
        super().__init__()
        self.conv1 = nn.Conv2d(1, width, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        layers, cin = [], width
        for i in range(4):
            planes = width << i
            for b in range(2):
                layers.append(Basic(cin, planes, 2 if (b == 0 and i > 0) else 1, se))
                cin = planes
        self.layers = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(x.mean((2, 3)))


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        # torch 1.13 has no fused scaled_dot_product_attention: the explicit form.
        attn = (q * (q.shape[-1] ** -0.5)) @ k.transpose(-2, -1)
        x = attn.softmax(-1) @ v
        return self.proj(x.transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.fc1 = nn.Linear(dim, dim * 4)
        self.fc2 = nn.Linear(dim * 4, dim)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class SmallViT(nn.Module):
    def __init__(self, classes=10, dim=192, depth=6, heads=3, patch=4, image=28):
        super().__init__()
        self.proj = nn.Conv2d(1, dim, patch, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, (image // patch) ** 2 + 1, dim) * 0.02)
        self.blocks = nn.Sequential(*[Block(dim, heads) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1) + self.pos_embed
        return self.head(self.norm(self.blocks(x))[:, 0])


def build(name):
    torch.manual_seed(0)
    return {"seresnet18-small": lambda: SmallResNet(True), "resnet18-small": lambda: SmallResNet(False),
            "seresnet18-tiny": lambda: SmallResNet(True, width=16), "resnet18-tiny": lambda: SmallResNet(False, width=16),
            "vit-small28": SmallViT}[name]()


def blas_info() -> str:
    from blas_probe import loaded_blas
    return loaded_blas()


def stepper(model, batch):
    x = torch.randn(batch, 1, 28, 28)
    y = torch.randint(0, 10, (batch,))
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)

    def train_step():
        model.train()
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y, label_smoothing=0.1)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()

    def infer_step():
        model.eval()
        with torch.no_grad():
            model(x)

    return train_step, infer_step


def summary(name, model, batch, train_rate, infer_rate):
    return json.dumps({"model": name, "params": sum(p.numel() for p in model.parameters()), "train_images_per_s": train_rate,
                       "infer_images_per_s": infer_rate, "torch": torch.__version__, "threads": torch.get_num_threads(),
                       "blas": blas_info()})


def serve(name, batch, threads):
    import statistics
    torch.set_num_threads(threads)
    model = build(name)
    train_step, infer_step = stepper(model, batch)
    for _ in range(2):
        train_step()
        infer_step()
    steps = {"train": train_step, "infer": infer_step}
    times = {"train": [], "infer": []}
    for line in sys.stdin:
        request = line.strip()
        if request == "quit":
            break
        key = "train" if request == "train" else "infer"
        start = time.perf_counter()
        steps[key]()
        times[key].append(time.perf_counter() - start)
        print(times[key][-1], flush=True)
    rate = lambda key: batch / statistics.median(times[key]) if times[key] else 0.0
    print(summary(name, model, batch, rate("train"), rate("infer")), flush=True)


def main() -> None:
    if sys.argv[1] == "serve":
        serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
        return
    name, batch, threads, train_steps, infer_steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    model = build(name)
    train_step, infer_step = stepper(model, batch)

    def images_per_second(step, steps):
        for _ in range(2):
            step()  # warm-up
        start = time.perf_counter()
        for _ in range(steps):
            step()
        return batch * steps / (time.perf_counter() - start)

    train_rate = images_per_second(train_step, train_steps)
    infer_rate = images_per_second(infer_step, infer_steps)
    print(summary(name, model, batch, train_rate, infer_rate))


if __name__ == "__main__":
    main()
