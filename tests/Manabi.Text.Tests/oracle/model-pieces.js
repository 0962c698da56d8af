// The HF tokenizers oracle for a MODEL alone: splits texts into the pieces the tokenizer's own normalizer and
// pre-tokenizer give, then encodes each distinct piece with the same model and nothing else (no normalizer,
// pre-tokenizer, post-processor nor added tokens), so that ids/tokens/offsets are the model's on that piece.
// Usage: node model-pieces.js request.json > response.json
// request: { tokenizer: "path/to/tokenizer.json" | tokenizerJson: "{...}", texts?: [...], pieces?: [...] }
//   texts are split with the tokenizer's normalizer + pre-tokenizer; pieces are given to the model as they are.
// response: [{ piece, ids, tokens, offsets (code points within the piece) } | { piece, error }], distinct pieces
// in first-seen order.
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const json = request.tokenizerJson !== undefined ? request.tokenizerJson : fs.readFileSync(request.tokenizer, 'utf8');
  const full = Tokenizer.fromString(json);
  const normalizer = full.getNormalizer();
  const preTokenizer = full.getPreTokenizer();
  const seen = new Set();
  const pieces = [];
  const add = (p) => { if (p.length > 0 && !seen.has(p)) { seen.add(p); pieces.push(p); } };
  for (const text of request.texts || []) {
    const normalized = normalizer ? normalizer.normalizeString(text) : text;
    if (preTokenizer) {
      for (const [piece] of preTokenizer.preTokenizeString(normalized)) add(piece);
    } else {
      add(normalized);
    }
  }
  for (const piece of request.pieces || []) add(piece);

  const bare = JSON.parse(json);
  bare.normalizer = null;
  bare.pre_tokenizer = null;
  bare.post_processor = null;
  bare.decoder = null;
  bare.added_tokens = [];
  bare.truncation = null;
  bare.padding = null;
  const model = Tokenizer.fromString(JSON.stringify(bare));
  const out = [];
  for (const piece of pieces) {
    try {
      const e = await model.encode(piece, null, { addSpecialTokens: false });
      out.push({ piece, ids: e.getIds(), tokens: e.getTokens(), offsets: e.getOffsets() });
    } catch (err) {
      out.push({ piece, error: String(err && err.message ? err.message : err) });
    }
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { process.stderr.write(String(e && e.stack ? e.stack : e) + '\n'); process.exit(1); });
