#!/usr/bin/env python3
"""The PyTorch peer of Manabi's image-classifier training recipe on Fashion-MNIST.

Usage: classify_recipe.py [--model seresnet18-small|resnet18-small|seresnet18-tiny|resnet18-tiny] [--epochs 10]
                          [--seed 0] [--threads 2] [--ema DECAY] [--random-erasing P] [--tta-flip] [--subset N]
                          [--no-epoch-eval] [--channels-last] [--data /usr/share/datasets/fashion-mnist]
                          [--checkpoint FILE]
Debian's python3-torch (1.13): run it with /usr/bin/python3. It gives the PyTorch figure beside
  manabi vision train --model MODEL --data fashion-mnist --epochs E --seed S --threads T [--ema D]
                      [--random-erasing P] [--tta-flip] [--subset N] --output RUN
at the same epochs. Prints per-epoch lines on stderr (as Manabi's: loss, train and test accuracy, img/s, lr,
seconds) and one JSON line on stdout.

The recipe, as Manabi's code has it (file named in brackets):
- Model (src/Manabi.Vision/Models/ResNet.cs, VisionModels.cs): ResNet-18 layout, BasicBlocks [2, 2, 2, 2], 3x3
  stride-1 stem, no max-pool, stage widths 32/64/128/256 ("-small", width 0.5) or 16/32/64/128 ("-tiny", 0.25),
  1 input channel, 10 classes; "se" adds timm's SEModule (reduction 1/16 rounded to a multiple of 8, at least 8,
  biased 1x1 convolutions, ReLU, sigmoid) on the residual branch after bn2; global average pool and a Linear head.
  Init: every Conv2d (SE and shortcut ones included) kaiming-normal fan-out ReLU, BatchNorm weight 1 bias 0, then
  the last BatchNorm of each block (bn2) weight 0; Linear and conv biases keep torch's defaults. torch.manual_seed(seed)
  before the model is built (VisionCommand.cs). The parameter count is checked against Manabi's.
- Data (VisionCommand.cs, ImageDataset.cs, FashionMnist.cs): the 60,000 training images (or a seeded subset of N),
  normalised by the training set's own mean and population standard deviation of the pixels scaled to [0, 1]
  (computed after the subset is taken); the 10,000 test images normalised with the same figures.
- Batches (BatchLoader.cs, TrainingOptions.cs, TrainingPresets.cs): 128 images, a fresh shuffle each epoch, the last
  batch smaller (469 batches per epoch on 60,000); pad-and-crop of max(1, 28 / 14) = 2 pixels (offsets uniform in
  [-2, 2] on each axis, pixels from outside black, i.e. 0 before normalisation), horizontal flip with probability 0.5,
  then normalisation; random erasing (RandomErasing.cs; timm's RandomErasing mode 'pixel' after Normalize) on its own
  random stream, so turning it on leaves crops and flips unchanged: per image with probability P, up to 10 attempts
  at a box of area 2 %-1/3 of the image, aspect ratio log-uniform in [0.3, 1/0.3], h = round(sqrt(area * ratio)),
  w = round(sqrt(area / ratio)), kept when 0 < h < 28, 0 < w < 28 and its rounded area is still within 2 %-1/3, placed
  uniformly, filled with standard normal noise per pixel.
- Loss (Trainer.cs, TrainingOptions.cs): cross-entropy with label smoothing 0.1, mean over the batch.
- Optimiser (Optimizers.cs): AdamW, betas (0.9, 0.999), eps 1e-8 added after the bias-corrected square root
  (torch's form), decoupled weight decay p *= 1 - lr * 0.05; decay only on tensors of more than one dimension
  (conv and Linear weights), none on BatchNorm weights and biases or any bias.
- Schedule (Trainer.cs, Optimizers.cs CosineSchedule): per step, 0-based s; warm-up W = clamp(round(1 epoch of
  batches), 1, max(1, total // 5)) (round half to even, as .NET's Math.Round); lr(s) = 2e-3 * (s + 1) / W for s < W,
  else 0 + (2e-3 - 0) * 0.5 * (1 + cos(pi * min(1, (s - W) / max(1, total - W)))) (final rate 0).
- Step (TrainingLoop.cs): zero the gradients, loss, refuse a non-finite loss, backward, clip the global gradient norm
  to 1.0 over all parameters, the AdamW update, then the weight average's update.
- Weight average (WeightAverage.cs, --ema D): starts at the initial weights; after each step every floating-point
  tensor of the state dict (parameters and BatchNorm running statistics) moves toward the model's by 1 - d with
  d = min(D, (1 + n) / (10 + n)), n the updates so far; integer buffers are copied. The run is evaluated with the
  average (Trainer.cs); the raw weights' accuracy is reported beside it.
- Evaluation (Evaluation.cs): eval mode, batches of 256, argmax of the logits; --tta-flip averages the logits of each
  image and its mirror image. Evaluated after each epoch (Manabi's EvaluateEachEpoch, timed apart from training).
  The JSON's "test_accuracy" is the figure Manabi prints (the average's when --ema, with flip when --tta-flip); the
  others (raw/average x plain/flip) come from the same two forward passes per weight set. After the last epoch each
  weight set is also scored as `vision eval --tta flip-translate` does (*_flip_translate: half the weight on the image
  and its mirror, half on both moved one pixel down-right and up-left with black fill; 6 passes per image).

Resume (--checkpoint FILE): after each epoch the whole training state (weights, optimiser moments, the weight
average and its update count, the step, the seconds so far, the epoch lines printed) is written to FILE (to FILE.tmp,
then renamed, so a run killed while saving keeps the previous epoch's state). Started again with the same FILE and the
same recipe flags, the run goes on from the next epoch and ends with the figures an unbroken run would give: every
random draw of training comes from numpy generators keyed by (seed, epoch, batch) and torch's generator is used only to
initialise the weights, which the checkpoint replaces. A FILE written under other recipe flags is refused, naming them.

Not the same draws: the order, crops, flips, erasing boxes, subset and initial weights come from numpy/torch
generators, not .NET's System.Random and TorchSharp's calls, so a seed gives the same recipe, not the same run.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from idx_files import read_idx  # noqa: E402
from vision_anchor import Basic, SmallResNet  # noqa: E402  (the architectures timed beside Manabi's)

# Manabi's parameter counts (docs/BENCHMARKS.md, docs/RESULTS.md, bench/results/vision-20261128-2353.md).
MANABI_PARAMS = {"seresnet18-small": 2_821_626, "resnet18-small": 2_797_034,
                 "seresnet18-tiny": 709_402, "resnet18-tiny": 701_178}
WIDTHS = {"small": 32, "tiny": 16}  # stage-1 width: VisionModels.SmallWidth 0.5 and TinyWidth 0.25 of 64

BATCH, PEAK_LR, MIN_LR, WEIGHT_DECAY, WARMUP_EPOCHS = 128, 2e-3, 0.0, 0.05, 1.0
BETAS, EPS, LABEL_SMOOTHING, CLIP, PAD, EVAL_BATCH = (0.9, 0.999), 1e-8, 0.1, 1.0, max(1, 28 // 14), 256
ERASE_SCALE, ERASE_RATIO = (0.02, 1 / 3), (0.3, 1 / 0.3)


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="seresnet18-small", choices=sorted(MANABI_PARAMS))
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--ema", type=float, default=0.0, help="weight-average decay (0: off), as Manabi's --ema")
    p.add_argument("--random-erasing", type=float, default=0.0, help="erasing probability per training image")
    p.add_argument("--tta-flip", action="store_true", help="headline accuracy with test-time flip averaging")
    p.add_argument("--subset", type=int, default=None, help="train on this many seeded training images")
    p.add_argument("--no-epoch-eval", action="store_true", help="evaluate only after the last epoch")
    p.add_argument("--channels-last", action="store_true", help="channels-last weights and batches (Manabi's CPU layout)")
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--checkpoint", default=None, help="save the training state here after each epoch and resume from it")
    p.add_argument("--optimizer", choices=["adamw", "sgd"], default="adamw", help="as Manabi's --optimizer")
    p.add_argument("--lr", type=float, default=None, help="peak rate (default: Manabi's, 2e-3 AdamW, 0.1 SGD)")
    p.add_argument("--weight-decay", type=float, default=None, help="default: Manabi's, 0.05 AdamW, 5e-4 SGD")
    p.add_argument("--momentum", type=float, default=0.9, help="SGD momentum")
    p.add_argument("--nesterov", action="store_true", help="SGD with Nesterov momentum")
    p.add_argument("--batch-size", type=int, default=BATCH, help="images per batch, as Manabi's --batch-size")
    p.add_argument("--label-smoothing", type=float, default=LABEL_SMOOTHING, help="as Manabi's --label-smoothing")
    p.add_argument("--warmup-epochs", type=float, default=WARMUP_EPOCHS, help="as Manabi's --warmup-epochs")
    a = p.parse_args()
    if a.epochs < 1 or a.threads < 1 or (a.subset is not None and a.subset < 1):
        p.error("--epochs, --threads and --subset must be positive")
    if a.batch_size < 1 or a.warmup_epochs < 0 or not 0 <= a.label_smoothing < 1:
        p.error("--batch-size must be positive, --warmup-epochs at least 0 and --label-smoothing in [0, 1)")
    if not 0 <= a.ema < 1 or not 0 <= a.random_erasing <= 1:
        p.error("--ema must be in [0, 1) and --random-erasing in [0, 1]")
    return a


def build(name):
    """ResNet.cs's small-input ResNet-18 with its initialisation (ResNet.Initialize)."""
    model = SmallResNet(se=name.startswith("se"), classes=10, width=WIDTHS[name.split("-")[1]])
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)
        for m in model.modules():
            if isinstance(m, Basic):
                nn.init.zeros_(m.bn2.weight)
    return model


def learning_rate(step, warmup, total, peak):
    """CosineSchedule.Rate: linear warm-up from lr/W, then cosine to the final rate."""
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return MIN_LR + (peak - MIN_LR) * 0.5 * (1 + math.cos(math.pi * progress))


class WeightAverage:
    """WeightAverage.cs: an EMA of the whole state dict with decay min(D, (1 + n) / (10 + n))."""

    def __init__(self, model, decay):
        self.decay, self.updates = decay, 0
        self.average = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model):
        d = min(self.decay, (1.0 + self.updates) / (10.0 + self.updates))
        for k, v in model.state_dict().items():
            if self.average[k].is_floating_point():
                self.average[k].lerp_(v, 1 - d)
            else:
                self.average[k].copy_(v)
        self.updates += 1

    @torch.no_grad()
    def swap(self, model):
        for k, v in model.state_dict().items():
            held = v.clone()
            v.copy_(self.average[k])
            self.average[k].copy_(held)


def erase_pixels(rng, image, p):
    """RandomErasing.ErasePixels on one normalised (C, H, W) image, in place; its own generator."""
    if not rng.random() < p:
        return
    c, h_img, w_img = image.shape
    area = float(h_img * w_img)
    log_min, log_max = math.log(ERASE_RATIO[0]), math.log(ERASE_RATIO[1])
    for _ in range(10):
        target = area * rng.uniform(*ERASE_SCALE)
        ratio = math.exp(rng.uniform(log_min, log_max))
        h, w = int(round(math.sqrt(target * ratio))), int(round(math.sqrt(target / ratio)))
        if 0 < h < h_img and 0 < w < w_img and ERASE_SCALE[0] <= h * w / area <= ERASE_SCALE[1]:
            top, left = int(rng.integers(0, h_img - h + 1)), int(rng.integers(0, w_img - w + 1))
            image[:, top:top + h, left:left + w] = torch.from_numpy(rng.standard_normal((c, h, w)).astype(np.float32))
            return


def train_batch(x_raw, index, mean, std, seed, epoch, batch, erasing):
    """BatchLoader.Prepare: crop with 2-pixel black padding, flip, normalise, then erase (own stream)."""
    rng = np.random.default_rng([seed, epoch, batch])
    n = len(index)
    dy = torch.from_numpy(rng.integers(-PAD, PAD + 1, n))
    dx = torch.from_numpy(rng.integers(-PAD, PAD + 1, n))
    flip = torch.from_numpy(rng.integers(0, 2, n) == 1)
    padded = F.pad(x_raw[torch.from_numpy(index)], (PAD, PAD, PAD, PAD))  # black (0) outside the image
    grid = torch.arange(28)
    rows = grid[None, :] + PAD + dy[:, None]
    cols = torch.where(flip[:, None], 27 - grid[None, :], grid[None, :]) + PAD + dx[:, None]
    images = padded[torch.arange(n)[:, None, None], 0, rows[:, :, None], cols[:, None, :]].unsqueeze(1)
    images = (images - mean) / std
    if erasing > 0:
        extra = np.random.default_rng([seed, epoch, batch, 3])
        for i in range(n):
            erase_pixels(extra, images[i], erasing)
    return images


def moved(x, step, black):
    """Evaluation.cs Translate: out[y, x] = in[y - step, x - step]; pixels from outside are black (0 before
    normalisation, `black` after it), as the training crops' padding."""
    h, w = x.shape[2], x.shape[3]
    padded = F.pad(x - black, (1, 1, 1, 1)) + black
    return padded[:, :, 1 - step:1 - step + h, 1 - step:1 - step + w]


@torch.no_grad()
def logits_views(model, x_test, channels_last, black=None):
    """Eval-mode logits of the test images and of their mirror images, in batches of 256; with `black` also of both
    moved one pixel down-right and up-left (the views of Manabi's --tta flip-translate)."""
    model.eval()
    views = {"plain": [], "mirrored": []}
    if black is not None:
        views["moved"] = []
    for k in range(0, len(x_test), EVAL_BATCH):
        x = x_test[k:k + EVAL_BATCH]
        images = {"plain": x, "mirrored": x.flip(3)}
        if black is not None:
            images["moved"] = torch.cat([moved(v, s, black) for v in (x, x.flip(3)) for s in (1, -1)])
        for name, batch in images.items():
            if channels_last:
                batch = batch.contiguous(memory_format=torch.channels_last)
            views[name].append(model(batch))
    out = {name: torch.cat(parts) for name, parts in views.items()}
    if black is not None:
        # Back from [the batch's 4 moves, next batch's 4 moves, ...] to (4, N, classes).
        moves = [part.reshape(4, -1, part.shape[1]) for part in views["moved"]]
        out["moved"] = torch.cat(moves, dim=1)
    return out


def accuracies(model, x_test, y_test, channels_last, black=None):
    """Plain and flip accuracies; with `black`, flip-translate's too (airbench's tta_level 2: half the weight on the
    image and its mirror, half on their four one-pixel moves, as Evaluator.Evaluate)."""
    views = logits_views(model, x_test, channels_last, black)
    both = (views["plain"] + views["mirrored"]) / 2
    result = {"plain": (views["plain"].argmax(1) == y_test).float().mean().item(),
              "flip": (both.argmax(1) == y_test).float().mean().item()}
    if black is not None:
        mixed = 0.5 * both + 0.5 * views["moved"].mean(0)
        result["flip_translate"] = (mixed.argmax(1) == y_test).float().mean().item()
    return result


# Flags that do not change what is trained: a resumed run may differ in them (--threads changes float summation order
# only, which the caller keeps equal when exact figures matter).
NOT_RECIPE = {"threads", "data", "checkpoint", "no_epoch_eval"}


def recipe(a):
    return {k: v for k, v in sorted(vars(a).items()) if k not in NOT_RECIPE}


def save_checkpoint(path, state):
    """Write to PATH.tmp and rename, so a kill during the write leaves the previous epoch's file whole."""
    tmp = path + ".tmp"
    torch.save(state, tmp)
    os.replace(tmp, path)


def load_checkpoint(path, a):
    """The saved state when PATH exists and was written under the same recipe; None when there is none yet."""
    if path is None or not os.path.exists(path):
        return None
    try:
        state = torch.load(path)
    except Exception as error:  # a file that is not a checkpoint: say which, do not train over it
        sys.exit(f"{path}: not a checkpoint of this script ({error}); move it away to start over")
    saved, now = state.get("recipe", {}), recipe(a)
    differing = [f"--{k.replace('_', '-')} {saved.get(k)!r} there, {now.get(k)!r} here"
                 for k in sorted(set(saved) | set(now)) if saved.get(k) != now.get(k)]
    if differing:
        sys.exit(f"{path}: written by a run of another recipe ({'; '.join(differing)}); move it away to start over")
    return state


def main():
    a = parse()
    torch.set_num_threads(a.threads)
    x_train_u8 = read_idx(a.data, "train-images-idx3-ubyte", 16).reshape(-1, 28, 28)
    y_train = read_idx(a.data, "train-labels-idx1-ubyte", 8).astype(np.int64)
    x_test_u8 = read_idx(a.data, "t10k-images-idx3-ubyte", 16).reshape(-1, 28, 28)
    y_test = torch.from_numpy(read_idx(a.data, "t10k-labels-idx1-ubyte", 8).astype(np.int64))
    if a.subset is not None and a.subset < len(y_train):
        chosen = np.random.default_rng(a.seed).permutation(len(y_train))[:a.subset]
        x_train_u8, y_train = x_train_u8[chosen], y_train[chosen]
    # ImageDataset.ChannelStatistics: float64 sums of b / 255, population standard deviation, kept as float32.
    scaled = x_train_u8.astype(np.float64) / 255
    mean = np.float32(scaled.mean())
    std = np.float32(math.sqrt(max(float((scaled * scaled).mean()) - float(scaled.mean()) ** 2, 1e-12)))
    del scaled
    mean_t, std_t = torch.tensor(float(mean)), torch.tensor(float(std))
    x_train = torch.from_numpy(x_train_u8.astype(np.float32) / 255).unsqueeze(1)
    x_test = (torch.from_numpy(x_test_u8.astype(np.float32) / 255).unsqueeze(1) - mean_t) / std_t
    y_train_t = torch.from_numpy(y_train)
    count = len(y_train)

    torch.manual_seed(a.seed)
    model = build(a.model)
    params = sum(p.numel() for p in model.parameters())
    expected = MANABI_PARAMS[a.model]
    if params != expected:
        print(f"PARAMETER COUNT MISMATCH: {a.model} has {params:,} here, {expected:,} in Manabi", file=sys.stderr)
        sys.exit(2)
    if a.channels_last:
        model = model.to(memory_format=torch.channels_last)
    decay = [p for _, p in model.named_parameters() if p.dim() > 1]
    rest = [p for _, p in model.named_parameters() if p.dim() <= 1]
    sgd = a.optimizer == "sgd"
    peak = a.lr if a.lr is not None else (0.1 if sgd else PEAK_LR)
    weight_decay = a.weight_decay if a.weight_decay is not None else (5e-4 if sgd else WEIGHT_DECAY)
    groups = [{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}]
    if sgd:  # Manabi's SGD: L2 decay in the gradient, PyTorch's momentum buffer (tested equal to torch.optim.SGD)
        optimizer = torch.optim.SGD(groups, lr=peak, momentum=a.momentum, nesterov=a.nesterov)
    else:
        optimizer = torch.optim.AdamW(groups, lr=peak, betas=BETAS, eps=EPS)
    average = WeightAverage(model, a.ema) if a.ema > 0 else None
    batches = (count + a.batch_size - 1) // a.batch_size
    total = batches * a.epochs
    warmup = min(max(round(a.warmup_epochs * batches), 1), max(1, total // 5))
    print(f"{a.model}: {params:,} parameters (Manabi {expected:,}); {count:,} training and {len(y_test):,} test images; "
          f"{torch.get_num_threads()} threads; mean {mean:.4f} std {std:.4f}; {batches} batches/epoch, warm-up {warmup} steps",
          file=sys.stderr, flush=True)

    black = (0 - mean_t) / std_t

    def evaluate(last):
        """(headline, raw, ema): the figure Manabi reports, and every plain/flip figure of each weight set (after the
        last epoch also flip-translate's, whose four extra passes per image the per-epoch evaluations skip)."""
        raw = accuracies(model, x_test, y_test, a.channels_last, black if last else None)
        ema = None
        if average is not None:
            average.swap(model)
            try:
                ema = accuracies(model, x_test, y_test, a.channels_last, black if last else None)
            finally:
                average.swap(model)
        headline = (ema or raw)["flip" if a.tta_flip else "plain"]
        return headline, raw, ema

    step, train_seconds, first_epoch, lines, final = 0, 0.0, 0, [], None
    saved = load_checkpoint(a.checkpoint, a)
    if saved is not None:
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        if average is not None:
            average.average, average.updates = saved["average"], saved["average_updates"]
        step, train_seconds, first_epoch, lines = saved["step"], saved["train_seconds"], saved["epochs_done"], saved["lines"]
        final = saved["final"]
        for line in lines:
            print(line, file=sys.stderr, flush=True)
        print(f"(resumed from {a.checkpoint} after epoch {first_epoch})", file=sys.stderr, flush=True)
    for epoch in range(first_epoch, a.epochs):
        model.train()
        order = np.random.default_rng([a.seed, epoch, 2**31 - 1]).permutation(count)
        loss_sum, correct, seen, rate = 0.0, 0, 0, learning_rate(step, warmup, total, peak)
        start = time.perf_counter()
        for b in range(batches):
            index = order[b * a.batch_size:(b + 1) * a.batch_size]
            images = train_batch(x_train, index, mean_t, std_t, a.seed, epoch, b, a.random_erasing)
            labels = y_train_t[torch.from_numpy(index)]
            if a.channels_last:
                images = images.contiguous(memory_format=torch.channels_last)
            rate = learning_rate(step, warmup, total, peak)
            for group in optimizer.param_groups:
                group["lr"] = rate
            optimizer.zero_grad(set_to_none=True)
            logits = model(images)
            loss = F.cross_entropy(logits, labels, label_smoothing=a.label_smoothing)
            value = loss.item()
            if not math.isfinite(value):
                sys.exit(f"loss {value} at step {step + 1}, epoch {epoch + 1}: diverged")
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), CLIP)
            optimizer.step()
            if average is not None:
                average.update(model)
            step += 1
            loss_sum += value * len(index)
            correct += int((logits.argmax(1) == labels).sum())
            seen += len(index)
        seconds = time.perf_counter() - start
        train_seconds += seconds
        last = epoch + 1 == a.epochs
        final = evaluate(last) if last or not a.no_epoch_eval else None
        test = f"{final[0]:.2%}" if final else "n/a"
        line = (f"epoch {epoch + 1}/{a.epochs}  loss {loss_sum / seen:.4f}  train {correct / seen:.2%}  test {test}  "
                f"{seen / seconds:.0f} img/s  lr {rate:.4e}  {seconds:.0f}s")
        print(line, file=sys.stderr, flush=True)
        lines.append(line)
        if a.checkpoint is not None:
            save_checkpoint(a.checkpoint, {
                "recipe": recipe(a), "epochs_done": epoch + 1, "step": step, "train_seconds": train_seconds,
                "lines": lines, "final": final, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "average": average.average if average is not None else None,
                "average_updates": average.updates if average is not None else 0})

    headline, raw, ema = final
    print(json.dumps({
        "model": a.model, "params": params, "manabi_params": expected, "epochs": a.epochs, "seed": a.seed,
        "options": {"batch": a.batch_size, "optimizer": a.optimizer, "lr": peak, "min_lr": MIN_LR, "weight_decay": weight_decay,
                    "momentum": a.momentum if sgd else None, "nesterov": a.nesterov if sgd else None, "warmup_steps": warmup,
                    "total_steps": total, "label_smoothing": a.label_smoothing, "clip": CLIP, "crop_padding": PAD, "flip": True,
                    "ema": a.ema, "random_erasing": a.random_erasing, "tta_flip": a.tta_flip, "subset": a.subset,
                    "channels_last": a.channels_last},
        "train_images": count, "test_images": len(y_test), "mean": float(mean), "std": float(std),
        "test_accuracy": headline,
        "test_accuracy_raw": raw["plain"], "test_accuracy_raw_flip": raw["flip"],
        "test_accuracy_ema": ema["plain"] if ema else None, "test_accuracy_ema_flip": ema["flip"] if ema else None,
        "test_accuracy_raw_flip_translate": raw["flip_translate"],
        "test_accuracy_ema_flip_translate": ema["flip_translate"] if ema else None,
        "train_seconds": round(train_seconds, 1), "images_per_s": round(count * a.epochs / train_seconds, 1),
        "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
