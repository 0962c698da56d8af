// The HF tokenizers oracle for single components: builds a tokenizer.json around one normalizer, pre-tokenizer or
// decoder (model: WordLevel with only [UNK]) and reports what that component does.
// Usage: node components.js request.json > response.json
// request: { normalizer?: {...}, preTokenizer?: {...}, decoder?: {...}, texts?: [...], tokenLists?: [[...]], serialize? }
// response: { normalized?: [...], offsets?: [[[s, e]...]...], splits?: [[[piece, [s, e]]...]...], decoded?: [...] }
//   normalized: normalizeString of each text; offsets: with a normalizer, the original span of each normalized
//   character (FixedLength(1) pre-tokenizer + encode); splits: preTokenizeString; decoded: decoder.decode(tokens).
//   saved (with serialize): the components as HF writes them back. Offsets are code points. A failing item is
//   {error: message}.
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

function build(normalizer, preTokenizer, decoder) {
  return Tokenizer.fromString(JSON.stringify({
    version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: normalizer || null,
    pre_tokenizer: preTokenizer || null, post_processor: null, decoder: decoder || null,
    model: { type: 'WordLevel', vocab: { '[UNK]': 0 }, unk_token: '[UNK]' },
  }));
}

function attempt(f) {
  try { return f(); } catch (e) { return { error: String(e && e.message ? e.message : e) }; }
}

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const out = {};
  if (request.normalizer) {
    const normalizer = build(request.normalizer).getNormalizer();
    out.normalized = request.texts.map((t) => attempt(() => normalizer.normalizeString(t)));
    const chars = build(request.normalizer, { type: 'FixedLength', length: 1 });
    out.offsets = [];
    for (const t of request.texts) {
      try {
        out.offsets.push((await chars.encode(t, null, { addSpecialTokens: false })).getOffsets());
      } catch (e) {
        out.offsets.push({ error: String(e && e.message ? e.message : e) });
      }
    }
  }
  if (request.preTokenizer) {
    const preTokenizer = build(null, request.preTokenizer).getPreTokenizer();
    out.splits = request.texts.map((t) => attempt(() => preTokenizer.preTokenizeString(t)));
  }
  if (request.decoder) {
    const decoder = build(null, null, request.decoder).getDecoder();
    out.decoded = request.tokenLists.map((tokens) => attempt(() => decoder.decode(tokens)));
  }
  if (request.serialize) {
    // HF's own tokenizer.json form of each component, for comparison with what Manabi writes.
    const path = require('path').join(require('os').tmpdir(), `manabi-components-${process.pid}.json`);
    build(request.normalizer, request.preTokenizer, request.decoder).save(path);
    const saved = JSON.parse(fs.readFileSync(path, 'utf8'));
    fs.unlinkSync(path);
    out.saved = { normalizer: saved.normalizer, preTokenizer: saved.pre_tokenizer, decoder: saved.decoder };
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((e) => { process.stderr.write(String(e && e.stack ? e.stack : e) + '\n'); process.exit(1); });
