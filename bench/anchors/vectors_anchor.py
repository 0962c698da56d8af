#!/usr/bin/env python3
"""Times gensim 4 (Debian python3-gensim) on a word2vec file, as the peer of Manabi.Vectors.

Usage: vectors_anchor.py perf W2V_FILE BINARY(0|1) KEYS_FILE QUERIES
  Converts W2V_FILE once to a gensim .kv (next to it, for KeyedVectors.load(mmap='r')), then prints one JSON line:
  load_word2vec_format_s, mmap_load_s (median of 5, fresh object each time), rss_after_mmap_mb (process VmRSS),
  lookup_us (mean of kv[key] over KEYS_FILE, best of three rounds), batch100_us (kv[list of 100 keys]), most_similar_ms (median of
  QUERIES exact top-10 queries, norms filled beforehand).
vectors_anchor.py fasttext-oov FULL_VEC WITHOUT_VEC HELDOUT_TXT HELDOUT_FT_VEC
  fastText's own subword vectors for held-out words (from a model trained without them), aligned to the full
  model's space by orthogonal Procrustes on the shared vocabulary: mean cosine to the true vector, and how often
  the true vector's top-10 neighbours (full model, held-out words excluded) contain the subword vector's top-1.
"""
import json
import os
import statistics
import sys
import time

import numpy as np


def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def perf(path, binary, keys_file, queries):
    from gensim.models import KeyedVectors
    import gensim
    kv_path = path + ".gensim.kv"
    t0 = time.perf_counter()
    kv = KeyedVectors.load_word2vec_format(path, binary=binary)
    load_w2v = time.perf_counter() - t0
    if not os.path.exists(kv_path):
        kv.save(kv_path)
    del kv
    rss_before = rss_mb()
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        kv = KeyedVectors.load(kv_path, mmap="r")
        times.append(time.perf_counter() - t0)
    rss_after = rss_mb()
    with open(keys_file, encoding="utf-8") as f:
        keys = [line.rstrip("\n") for line in f if line.strip()]
    for k in keys[:100]:
        kv[k]
    lookup_us = float("inf")
    for _ in range(3):  # best of three rounds, as on the Manabi side
        t0 = time.perf_counter()
        for k in keys:
            kv[k]
        lookup_us = min(lookup_us, (time.perf_counter() - t0) / len(keys) * 1e6)
    batches = [keys[i:i + 100] for i in range(0, len(keys) - 99, 100)][:200]
    t0 = time.perf_counter()
    for b in batches:
        kv[b]
    batch_us = (time.perf_counter() - t0) / len(batches) * 1e6
    kv.fill_norms()
    kv.most_similar(keys[0], topn=10)
    ms = []
    for k in keys[1:queries + 1]:
        t0 = time.perf_counter()
        kv.most_similar(k, topn=10)
        ms.append(time.perf_counter() - t0)
    blas = "unknown"
    try:
        import threadpoolctl
        blas = ", ".join(f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)" for i in threadpoolctl.threadpool_info()) or "reference BLAS"
    except ImportError:
        pass
    print(json.dumps({
        "load_word2vec_format_s": load_w2v, "mmap_load_s": statistics.median(times),
        "rss_before_mmap_mb": rss_before, "rss_after_mmap_mb": rss_after,
        "lookup_us": lookup_us, "batch100_us": batch_us, "most_similar_ms": statistics.median(ms) * 1e3,
        "versions": {"gensim": gensim.__version__, "numpy": np.__version__, "python": sys.version.split()[0]}, "blas": blas,
    }))


def read_vec(path, only=None):
    words, rows = [], []
    with open(path, encoding="utf-8") as f:
        first = f.readline().split()
        if len(first) != 2:
            f.seek(0)
        for line in f:
            parts = line.rstrip().split(" ")
            if len(parts) < 3 or (only is not None and parts[0] not in only):
                continue
            words.append(parts[0])
            rows.append([float(x) for x in parts[1:]])
    return words, np.asarray(rows, dtype=np.float32)


def unit(m):
    return m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-12)


def fasttext_oov(full_vec, without_vec, heldout_txt, heldout_ft_vec):
    with open(heldout_txt, encoding="utf-8") as f:
        heldout = [w.strip() for w in f if w.strip()]
    held = set(heldout)
    fw, fm = read_vec(full_vec)
    bw, bm = read_vec(without_vec)
    fm, bm = unit(fm), unit(bm)
    fi = {w: i for i, w in enumerate(fw)}
    bi = {w: i for i, w in enumerate(bw)}
    shared = [w for w in bw if w in fi and w not in held and w != "</s>"]
    a = bm[[bi[w] for w in shared]]
    b = fm[[fi[w] for w in shared]]
    u, _, vt = np.linalg.svd(a.T @ b)
    rotation = u @ vt
    hw, hm = read_vec(heldout_ft_vec)
    hm = unit(hm)
    vocab_mask = np.array([w not in held and w != "</s>" for w in fw])
    b_mask = np.array([w != "</s>" for w in bw])
    cos, hits = [], 0
    for w, v in zip(hw, hm):
        true = fm[fi[w]]
        cos.append(float(unit(v @ rotation) @ true))
        sims_true = fm @ true
        sims_true[~vocab_mask] = -np.inf
        top10 = {fw[i] for i in np.argpartition(-sims_true, 10)[:10]}
        sims_b = bm @ v
        sims_b[~b_mask] = -np.inf
        top1 = bw[int(np.argmax(sims_b))]
        hits += top1 in top10
    print(json.dumps({"words": len(hw), "mean_cosine_aligned": float(np.mean(cos)), "median_cosine_aligned": float(np.median(cos)),
                      "top1_in_true_top10": hits / len(hw), "procrustes_shared_words": len(shared)}))


def main():
    if sys.argv[1] == "perf":
        perf(sys.argv[2], sys.argv[3] == "1", sys.argv[4], int(sys.argv[5]))
    elif sys.argv[1] == "fasttext-oov":
        fasttext_oov(*sys.argv[2:6])
    else:
        raise SystemExit("unknown task " + sys.argv[1])


if __name__ == "__main__":
    main()
