#!/usr/bin/env python3
"""Exploratory probe (issue 21): test-time translations on Manabi's trained ResNets, evaluated in PyTorch.

Usage: /usr/bin/python3 bench/anchors/tta_shift_probe.py RUN [RUN ...]   (after `. bench/peer-blas.sh`)
Each RUN is a `manabi vision train` folder of a ResNet or SE-ResNet (-small or -tiny) on Fashion-MNIST. Its
model.safetensors is loaded into the PyTorch peer's network (classify_recipe.build: timm's names, `layerS.B` mapped to
`layers.I`; strict), normalised with the run's own mean and std, and scored on the 10,000 test images: plain, test-time flip (Manabi's
--tta-flip), flip with the four one-pixel translations, and airbench's tta_level 2 (half the weight on the image and
its mirror, half on their (+1, +1) and (-1, -1) translations). Translations fill with black, as the training crops do.
The plain and flip figures must equal `manabi vision eval [--tta-flip]` on the same run; that checks the loading.
"""
import json, os, struct, sys
import numpy as np, torch, torch.nn.functional as F
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from classify_recipe import build, read_idx  # the peer's network (timm's names) and its IDX reader
torch.set_num_threads(int(os.environ.get('THREADS', '1')))
def load_st(path):
    with open(path, 'rb') as f:
        raw = f.read()
    n = struct.unpack('<Q', raw[:8])[0]; h = json.loads(raw[8:8 + n]); base = 8 + n
    out = {}
    for k, v in h.items():
        if k == '__metadata__': continue
        a, b = v['data_offsets']; dt = {'F32': np.float32, 'I64': np.int64}[v['dtype']]
        out[k] = torch.from_numpy(np.frombuffer(raw[base + a: base + b], dtype=dt).reshape(v['shape']).copy())
    return out
def rename(k):
    if k.startswith('layer'):
        s, b, rest = k.split('.', 2); return f'layers.{2 * (int(s[5:]) - 1) + int(b)}.{rest}'
    return k
data = '/usr/share/datasets/fashion-mnist'
x = torch.from_numpy(read_idx(data, 't10k-images-idx3-ubyte', 16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
y = torch.from_numpy(read_idx(data, 't10k-labels-idx1-ubyte', 8).astype(np.int64))
for run in sys.argv[1:]:
    st = json.load(open(f'{run}/state.json'))
    m = build(st['model']); sd = {rename(k): v for k, v in load_st(f'{run}/model.safetensors').items()}
    m.load_state_dict(sd, strict=True); m.eval()
    mean, std = st['mean'][0], st['std'][0]
    def logits(imgs):
        with torch.no_grad():
            return torch.cat([m((imgs[i:i + 500] - mean) / std) for i in range(0, len(imgs), 500)])
    def shift(imgs, dx, dy):
        p = F.pad(imgs, (1, 1, 1, 1)); return p[:, :, 1 + dy:29 + dy, 1 + dx:29 + dx]
    L = {}
    for dx, dy in [(0, 0), (1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1)]:
        L[(dx, dy, 0)] = logits(shift(x, dx, dy)); L[(dx, dy, 1)] = logits(shift(x.flip(3), dx, dy))
    acc = lambda l: (l.argmax(1) == y).float().mean().item() * 100
    sm = lambda ks: sum(L[k] for k in ks) / len(ks)
    print(run.split('/')[-1], f"plain {acc(L[(0,0,0)]):.2f}  flip {acc(sm([(0,0,0),(0,0,1)])):.2f}",
          f"flip+4shift {acc(sm([(a,b,f) for a,b in [(0,0),(1,0),(-1,0),(0,1),(0,-1)] for f in (0,1)])):.2f}",
          f"flip+diag(airbench) {acc(0.5*sm([(0,0,0),(0,0,1)]) + 0.5*sm([(1,1,0),(-1,-1,0),(1,1,1),(-1,-1,1)])):.2f}", flush=True)
