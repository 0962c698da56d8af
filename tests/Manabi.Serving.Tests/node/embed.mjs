// Embeds texts through the official openai npm client against a Manabi server, printing the vectors as JSON.
// Usage: node embed.mjs BASE_URL MODEL API_KEY TEXT...   (the client sends encoding_format base64 by default)
import OpenAI from "openai";

const [baseURL, model, apiKey, ...input] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const response = await client.embeddings.create({ model, input });
process.stdout.write(JSON.stringify({
  model: response.model,
  usage: response.usage,
  vectors: response.data.sort((a, b) => a.index - b.index).map(d => Array.from(d.embedding)),
}));
