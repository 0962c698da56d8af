#!/usr/bin/env bash
# Tokenizer benchmarks (docs/BENCHMARKS.md, "Tokenizers (issue 18)"), all on tests/fixtures/tokenizer/heldout.txt:
#  1. single-thread steady state, every side warmed up and timed the same way in rotating rounds: WordPiece (vs
#     FastBertTokenizer, Microsoft.ML.Tokenizers, HF via Tokenizers.DotNet), o200k, cl100k and r50k (vs
#     Microsoft.ML.Tokenizers' and SharpToken's tiktoken, HF on the GPT-4o file) and Llama-3 (vs Microsoft.ML.Tokenizers
#     on Llama-3's ranks, HF); ids/counts are checked equal first; allocation per token from one extra pass;
#  2. worst case: adversarial inputs at 2,000, 20,000 and 200,000 characters (linear time shows as a flat row);
#  3. the batch API's scaling (1 thread against all cores, interleaved, with the machine's own two-thread ceiling) for
#     WordPiece and the Llama-3 tokenizer.json;
#  4. the BPE and Unigram trainers against HF's on data/corpus (needs the test oracle: build/ensure-prerequisites.sh --tests).
# Usage: bench/run-tokenizer.sh [ROUNDS]   (default 15)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-15}"
dotnet build bench/Manabi.Benchmarks -c Release -nologo -v quiet
bench=bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll
dotnet "$bench" tokenizer-steady all "$rounds"
dotnet "$bench" tokenizer-steady worstcase 7
dotnet "$bench" tokenizer-batch 40 wordpiece
dotnet "$bench" tokenizer-batch 40 llama3
dotnet "$bench" trainers
