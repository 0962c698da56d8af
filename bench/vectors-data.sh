#!/usr/bin/env bash
# Data for Manabi.Vectors tests and benchmarks, written under bench/data/vectors/ (ignored by git):
#  (a) fastText skip-gram vectors trained with Debian's `fasttext` on data/corpus/*.txt.gz
#      (lower-cased, simply tokenized): ft.vec/ft.bin; 1,000 held-out words (length >= 7) for the OOV
#      benchmark, ft-minus-heldout.vec (the store without them) and heldout-fasttext.vec (fastText's own
#      subword vectors for them, from ft-without-heldout.bin/.vec, trained on the corpus with the words removed);
#      the test fixture tests/fixtures/vectors/fasttext-6k.vec.gz (6,000 most frequent words) is refreshed
#      only with --fixture.
#  (b) a deterministic synthetic 1,000,000 x 300 word2vec binary file, synthetic-1m-300.bin.
# Each step is skipped when its output exists. Usage: bench/vectors-data.sh [--fixture] [--skip-synthetic]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/data/vectors"
corpus_dir="${MANABI_CORPUS:-$root/data/corpus}"
py=/usr/bin/python3
helper="$root/bench/anchors/vectors_data.py"
fixture=0; synthetic=1
for a in "$@"; do
  case "$a" in --fixture) fixture=1 ;; --skip-synthetic) synthetic=0 ;; *) echo "unknown option $a" >&2; exit 2 ;; esac
done
if [ "$(id -u)" = 0 ]; then
  for pkg in fasttext python3-numpy python3-gensim; do
    [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == *"install ok installed"* ]] \
      || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null || echo "warning: could not install $pkg" >&2
  done
fi
mkdir -p "$out"
threads="$(nproc)"
# Small dimensions and few epochs: a few minutes on two cores.
train() { fasttext skipgram -input "$1" -output "$2" -dim 100 -epoch 5 -minCount 5 -minn 3 -maxn 6 -thread "$threads" -seed 1 -verbose 1; }

[ -s "$out/corpus.txt" ] || { echo "corpus..."; "$py" "$helper" corpus "$out/corpus.txt" "$corpus_dir"/*.txt.gz; }
[ -s "$out/ft.vec" ] || { echo "training fastText..."; train "$out/corpus.txt" "$out/ft"; }
[ -s "$out/heldout.txt" ] || "$py" "$helper" heldout "$out/ft.vec" 1000 7 20240 "$out/heldout.txt"
[ -s "$out/ft-minus-heldout.vec" ] || "$py" "$helper" drop-vec "$out/ft.vec" "$out/heldout.txt" "$out/ft-minus-heldout.vec"
if [ ! -s "$out/heldout-fasttext.vec" ]; then
  echo "training fastText without the held-out words..."
  "$py" "$helper" drop-words "$out/corpus.txt" "$out/heldout.txt" "$out/corpus-minus-heldout.txt"
  train "$out/corpus-minus-heldout.txt" "$out/ft-without-heldout"
  fasttext print-word-vectors "$out/ft-without-heldout.bin" < "$out/heldout.txt" > "$out/heldout-fasttext.vec"
fi
if [ "$fixture" = 1 ]; then
  "$py" "$helper" head-vec "$out/ft.vec" 6000 4 "$root/tests/fixtures/vectors/fasttext-6k.vec.gz"
  echo "fixture: $(du -h "$root/tests/fixtures/vectors/fasttext-6k.vec.gz")"
fi
if [ "$synthetic" = 1 ] && [ ! -s "$out/synthetic-1m-300.bin" ]; then
  echo "synthetic 1M x 300..."
  "$py" "$helper" synthetic 1000000 300 7 "$out/synthetic-1m-300.bin"
fi
ls -l "$out"
