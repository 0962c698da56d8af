// The tiktoken oracle (npm tiktoken 1.0.22: OpenAI's Rust tiktoken compiled to WebAssembly): encodes texts with an
// encoding and prints the ids. Usage: node tiktoken.js request.json > response.json
// request: { encoding: "o200k_base", texts: [...], allowedSpecial?: [...] | "all" }
// response: [ per text: { ids: [...] } | { error } ]  (encode_ordinary without allowedSpecial, else encode)
const fs = require('fs');
const { get_encoding } = require('tiktoken');

const request = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const enc = get_encoding(request.encoding);
const out = request.texts.map((t) => {
  try {
    const ids = request.allowedSpecial === undefined
      ? enc.encode_ordinary(t)
      : enc.encode(t, request.allowedSpecial, []);
    return { ids: Array.from(ids) };
  } catch (e) {
    return { error: String(e && e.message ? e.message : e) };
  }
});
enc.free();
process.stdout.write(JSON.stringify(out));
