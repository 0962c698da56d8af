// The HF tokenizers oracle for regex splitting: builds a Split pre-tokenizer from JSON for each pattern and prints
// its pieces with the Isolated behavior (every segment) and the Removed behavior (the non-matches), so the caller
// can rebuild the (start, end, isMatch) segments of HF's Pattern::find_matches (empty ones excepted).
// Usage: node split.js request.json > response.json
// request: { patterns: ["regex", ...], texts: ["...", ...] }
// response: [ per pattern: { error } | [ per text: { isolated: [[s, e], ...], removed: [[s, e], ...] } ] ]
// Offsets are code-point offsets (as the Node binding reports them); the C# side converts them to UTF-16.
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

function splitter(pattern, behavior) {
  const json = {
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
    pre_tokenizer: { type: 'Split', pattern: { Regex: pattern }, behavior, invert: false },
    post_processor: null, decoder: null,
    model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  };
  return Tokenizer.fromString(JSON.stringify(json)).getPreTokenizer();
}

const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = [];
for (const pattern of request.patterns) {
  let isolated, removed;
  try {
    isolated = splitter(pattern, 'Isolated');
    removed = splitter(pattern, 'Removed');
  } catch (e) {
    out.push({ error: String(e && e.message ? e.message : e) });
    continue;
  }
  out.push(request.texts.map((t) => ({
    isolated: isolated.preTokenizeString(t).map((p) => p[1]),
    removed: removed.preTokenizeString(t).map((p) => p[1]),
  })));
}
process.stdout.write(JSON.stringify(out));
