#!/usr/bin/env bash
# tiktoken throughput: Manabi's TiktokenTokenizer against Microsoft.ML.Tokenizers 3.0's TiktokenTokenizer, single
# thread, on tests/fixtures/tokenizer/heldout.txt, for each encoding (ids are checked equal first).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build bench/Manabi.TiktokenCompare -c Release -nologo -v quiet
for encoding in ${@:-o200k_base cl100k_base r50k_base}; do
  dotnet bench/Manabi.TiktokenCompare/bin/Release/net10.0/Manabi.TiktokenCompare.dll "$encoding" 7 tests/fixtures/tokenizer/heldout.txt
done
