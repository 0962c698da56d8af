// The HF tokenizers oracle for the trainers: trains a tokenizer.json (given inline, with an empty BPE or Unigram
// model and the pre-tokenizer under test) on corpus files with the model's DEFAULT trainer (the only one the Node
// binding exposes), and reports what the trainer saw and what it produced.
// Usage: node train.js request.json > response.json
// request: { tokenizerJson: "{...}", files: ["corpus.txt"], output: "trained.json",
//            wordCounts?: true, encode?: { texts: [...] } }
// response: { seconds: training time, wordCounts?: {word: count} (the pre-tokenizer's splits of each line, line
//            ending included, as train_from_files feeds them), tokenCounts?: [n per text] (encoding each text
//            with the trained tokenizer) }. The trained tokenizer.json is written to `output` (stdout is not used
//            for it: the Rust trainer prints progress newlines there).
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const tokenizer = Tokenizer.fromString(request.tokenizerJson);
  const started = process.hrtime.bigint();
  tokenizer.train(request.files);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  tokenizer.save(request.output, false);
  const response = { seconds };
  if (request.wordCounts) {
    const pre = Tokenizer.fromString(request.tokenizerJson).getPreTokenizer();
    // A Map, not an object: words such as "constructor" must not meet Object.prototype.
    const counts = new Map();
    for (const file of request.files) {
      // train_from_files keeps each line's ending, so the words do too.
      for (const line of fs.readFileSync(file, 'utf8').match(/[^\n]*\n|[^\n]+$/g) || []) {
        const words = pre ? pre.preTokenizeString(line).map((s) => s[0]) : [line];
        for (const w of words) counts.set(w, (counts.get(w) || 0) + 1);
      }
    }
    response.wordCounts = Object.fromEntries(counts);
  }
  if (request.encode) {
    response.tokenCounts = [];
    for (const text of request.encode.texts) {
      response.tokenCounts.push((await tokenizer.encode(text, null, { addSpecialTokens: false })).getIds().length);
    }
  }
  // Progress output may precede this line; the caller reads the last line.
  process.stdout.write('\n' + JSON.stringify(response) + '\n');
}

main().catch((e) => { process.stderr.write(String(e && e.stack ? e.stack : e) + '\n'); process.exit(1); });
