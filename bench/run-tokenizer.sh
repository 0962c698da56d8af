#!/usr/bin/env bash
# Tokenizer benchmarks: single-thread encode throughput on tests/fixtures/tokenizer/heldout.txt against
# FastBertTokenizer, Microsoft.ML.Tokenizers and Tokenizers.DotNet, plus Manabi's batch API and its interleaved
# scaling measurement; then the trainer's wall time at 8,000 and 30,000 on the 95% corpus split (tests print it).
# Tokens/s = tokens per operation (printed at setup) / Mean; bytes per token = Allocated / tokens.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Manabi.Benchmarks -- --filter '*TokenizerThroughput*' --job short "$@"
# The batch API's scaling, interleaved round by round (1 thread, all cores) so that host noise hits both alike,
# with the machine's own two-thread ceiling measured the same way.
dotnet bench/Manabi.Benchmarks/bin/Release/net10.0/linux-x64/Manabi.Benchmarks.dll tokenizer-batch 100
dotnet test tests/Manabi.Text.Tests -c Release \
  --filter 'FullyQualifiedName~TrainerParityTests' --logger 'console;verbosity=detailed' | grep -E 'trained in|Passed|Failed'
