// Writes tests/fixtures/tokenizer/hf-decode-golden.json: HF tokenizers' decode of the 60 golden texts.
// Uses the npm package `tokenizers` 0.23.2 (the Rust library, as the other goldens); run from the repository
// root after `npm install tokenizers@0.23.2` in some folder on NODE_PATH:
//   node tools/hf-decode-golden.mjs tokenizer.json
// where tokenizer.json is bert-base-uncased's (saved by Manabi: `WordPieceTokenizer.SaveTokenizerJson`).
// It also checks that HF loads Manabi's saved tokenizer.json and encodes every golden text to the golden ids.
import { createRequire } from 'module';
import fs from 'fs';
const require = createRequire(import.meta.url);
const { Tokenizer } = require('tokenizers');
const tokenizer = Tokenizer.fromFile(process.argv[2]);
const golden = JSON.parse(fs.readFileSync('tests/fixtures/tokenizer/wordpiece-golden.json', 'utf8'));
const out = [];
for (const item of golden.single) {
  const encoding = await tokenizer.encode(item.text);
  const ids = encoding.getIds();
  if (JSON.stringify(ids) !== JSON.stringify(item.ids)) throw new Error(`HF encodes ${item.text} differently`);
  out.push({ text: item.text, ids, decoded: await tokenizer.decode(ids, true), decoded_with_special: await tokenizer.decode(ids, false) });
}
fs.writeFileSync('tests/fixtures/tokenizer/hf-decode-golden.json', JSON.stringify({ tokenizers: '0.23.2', items: out }, null, 1) + '\n');
console.log(`wrote ${out.length} decodes`);
