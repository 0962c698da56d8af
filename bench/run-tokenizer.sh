#!/usr/bin/env bash
# Tokenizer benchmarks: single-thread encode throughput on tests/fixtures/tokenizer/heldout.txt against
# FastBertTokenizer, Microsoft.ML.Tokenizers and Tokenizers.DotNet, plus Manabi's batch API; then the
# trainer's wall time at 8,000 and 30,000 on the 95% corpus split (tests print it).
# Tokens/s = tokens per operation (printed at setup) / Mean; bytes per token = Allocated / tokens.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Manabi.Benchmarks -- --filter '*TokenizerThroughput*' --job short "$@"
MANABI_SHARED="${MANABI_SHARED:-$(cd .. && pwd)/shared}" dotnet test tests/Manabi.Text.Tests -c Release \
  --filter 'FullyQualifiedName~TrainerParityTests' --logger 'console;verbosity=detailed' | grep -E 'trained in|Passed|Failed'
