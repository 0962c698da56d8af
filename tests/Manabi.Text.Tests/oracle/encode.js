// The HF tokenizers oracle: encodes texts (and pairs) with a tokenizer.json and prints every field of each
// encoding as JSON. Usage: node encode.js request.json > response.json
// request: { tokenizer: "path/to/tokenizer.json" | tokenizerJson: "{...}", texts: [...], pairs?: [...],
//            addSpecialTokens?: true, truncation?: {maxLength, strategy, stride, direction},
//            padding?: {maxLength?, direction?, padId?, padToken?, padTypeId?, padToMultipleOf?},
//            batch?: false, decode?: true, skipSpecialTokens?: true }
// Offsets are code-point offsets (as the Node binding reports them); the C# side converts them to UTF-16.
const fs = require('fs');
const { Tokenizer } = require('tokenizers');

async function main() {
  const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const tokenizer = request.tokenizerJson !== undefined
    ? Tokenizer.fromString(request.tokenizerJson)
    : Tokenizer.fromFile(request.tokenizer);
  if (request.truncation) tokenizer.setTruncation(request.truncation.maxLength, request.truncation);
  if (request.padding) tokenizer.setPadding(request.padding);
  const options = { addSpecialTokens: request.addSpecialTokens !== false };
  const texts = request.texts;
  const pairs = request.pairs || null;
  let encodings;
  if (request.batch) {
    const inputs = texts.map((t, i) => (pairs ? [t, pairs[i]] : t));
    encodings = await tokenizer.encodeBatch(inputs, options);
  } else {
    encodings = [];
    for (let i = 0; i < texts.length; i++) {
      try {
        encodings.push(await tokenizer.encode(texts[i], pairs ? pairs[i] : null, options));
      } catch (e) {
        encodings.push({ error: String(e && e.message ? e.message : e) });
      }
    }
  }
  const out = [];
  for (const e of encodings) {
    if (e.error !== undefined) { out.push(e); continue; }
    const item = describe(e);
    if (request.decode !== false) {
      item.decoded = await tokenizer.decode(item.ids, request.skipSpecialTokens !== false);
    }
    item.overflowing = e.getOverflowing().map(describe);
    out.push(item);
  }
  process.stdout.write(JSON.stringify(out));
}

function describe(e) {
  return {
    ids: e.getIds(),
    tokens: e.getTokens(),
    typeIds: e.getTypeIds(),
    attentionMask: e.getAttentionMask(),
    specialTokensMask: e.getSpecialTokensMask(),
    offsets: e.getOffsets(),
    wordIds: e.getWordIds().map((w) => (w === null || w === undefined ? -1 : w)),
    sequenceIds: e.getSequenceIds().map((s) => (s === null || s === undefined ? -1 : s)),
  };
}

main().catch((e) => { process.stderr.write(String(e && e.stack ? e.stack : e) + '\n'); process.exit(1); });
