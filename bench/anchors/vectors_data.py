#!/usr/bin/env python3
"""Helpers of bench/vectors-data.sh (Debian python3 + numpy only).

  vectors_data.py corpus OUT.txt IN.gz...          lower-cased, simply tokenized corpus, one line per line
  vectors_data.py heldout VEC N MINLEN SEED OUT     N random in-vocabulary words (length >= MINLEN) of a .vec
  vectors_data.py drop-words CORPUS WORDS OUT       the corpus without the held-out words
  vectors_data.py drop-vec VEC WORDS OUT            the .vec without the held-out words
  vectors_data.py head-vec VEC ROWS DECIMALS OUT    the ROWS most frequent words, values rounded
  vectors_data.py synthetic ROWS DIMS SEED OUT      deterministic word2vec binary file with word-like keys
"""
import gzip
import random
import re
import sys

TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?|[0-9]+")


def corpus(out, inputs):
    with open(out, "w", encoding="utf-8") as w:
        for path in inputs:
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
                for line in f:
                    tokens = TOKEN.findall(line.lower())
                    if tokens:
                        w.write(" ".join(tokens) + "\n")


def read_vec_words(path):
    with open(path, encoding="utf-8") as f:
        f.readline()
        return [line.split(" ", 1)[0] for line in f]


def heldout(vec, n, minlen, seed, out):
    words = [w for w in read_vec_words(vec) if len(w) >= minlen and w.isalpha()]
    chosen = random.Random(seed).sample(words, n)
    with open(out, "w", encoding="utf-8") as w:
        w.write("\n".join(chosen) + "\n")


def load_words(path):
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip()}


def drop_words(corpus_path, words_path, out):
    drop = load_words(words_path)
    with open(corpus_path, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        for line in f:
            w.write(" ".join(t for t in line.split() if t not in drop) + "\n")


def drop_vec(vec, words_path, out):
    drop = load_words(words_path)
    with open(vec, encoding="utf-8") as f:
        count, dims = f.readline().split()
        rows = [line for line in f if line.split(" ", 1)[0] not in drop]
    with open(out, "w", encoding="utf-8") as w:
        w.write(f"{len(rows)} {dims}\n")
        w.writelines(rows)


def head_vec(vec, rows, decimals, out):
    with open(vec, encoding="utf-8") as f:
        _, dims = f.readline().split()
        lines = []
        for line in f:
            parts = line.rstrip().split(" ")
            if parts[0] == "</s>":
                continue
            lines.append(parts[0] + " " + " ".join(f"{float(v):.{decimals}f}" for v in parts[1:]) + "\n")
            if len(lines) == rows:
                break
    with gzip.GzipFile(out, "wb", mtime=0) as w:
        w.write(f"{len(lines)} {dims}\n".encode())
        w.write("".join(lines).encode())


SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"] + ["an", "en", "in", "on", "un", "ar", "er", "or"]


def synthetic(rows, dims, seed, out):
    import numpy as np
    rng = np.random.default_rng(seed)
    latent = 48
    clusters = rng.normal(size=(2000, latent)).astype(np.float32)
    mixing = (rng.normal(size=(latent, dims)) / np.sqrt(latent)).astype(np.float32)
    base = len(SYLLABLES)
    with open(out, "wb") as w:
        w.write(f"{rows} {dims}\n".encode())
        chunk = 50000
        for start in range(0, rows, chunk):
            n = min(chunk, rows - start)
            c = rng.integers(0, len(clusters), size=n)
            z = clusters[c] + 0.6 * rng.normal(size=(n, latent)).astype(np.float32)
            v = (z @ mixing + 0.15 * rng.normal(size=(n, dims))).astype("<f4")
            buf = bytearray()
            for i in range(n):
                k, key = start + i, ""
                for _ in range(4):
                    key += SYLLABLES[k % base]
                    k //= base
                buf += key.encode()
                buf += b" " + v[i].tobytes() + b"\n"
            w.write(buf)


def main():
    cmd, a = sys.argv[1], sys.argv[2:]
    if cmd == "corpus":
        corpus(a[0], a[1:])
    elif cmd == "heldout":
        heldout(a[0], int(a[1]), int(a[2]), int(a[3]), a[4])
    elif cmd == "drop-words":
        drop_words(a[0], a[1], a[2])
    elif cmd == "drop-vec":
        drop_vec(a[0], a[1], a[2])
    elif cmd == "head-vec":
        head_vec(a[0], int(a[1]), int(a[2]), a[3])
    elif cmd == "synthetic":
        synthetic(int(a[0]), int(a[1]), int(a[2]), a[3])
    else:
        raise SystemExit(f"unknown command {cmd!r}")


if __name__ == "__main__":
    main()
