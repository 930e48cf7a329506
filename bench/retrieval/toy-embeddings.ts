import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';

/**
 * A deterministic toy embedding, served on loopback in OpenAI's `/v1/embeddings` wire format: a
 * hashed bag of words plus character trigrams (so "refund" and "refunded" share most of their
 * vector), L2-normalised. Not a language model — it stands in for one so the hybrid path (the
 * embeddings client, vectors in Postgres, cosine, RRF) runs for real in the benchmark.
 */
export const TOY_DIMENSIONS = 512;

export function toyEmbedding(text: string): number[] {
  const v = new Array<number>(TOY_DIMENSIONS).fill(0);
  const add = (feature: string, weight: number) => {
    const h = createHash('sha1').update(feature).digest();
    const index = h.readUInt32BE(0) % TOY_DIMENSIONS;
    v[index] += (h[4] & 1 ? 1 : -1) * weight;
  };
  for (const word of text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []) {
    if (STOP.has(word)) continue;
    add(`w:${word}`, 1);
    const padded = `^${word}$`;
    for (let i = 0; i + 3 <= padded.length; i++) add(`t:${padded.slice(i, i + 3)}`, 0.3);
  }
  const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0)) || 1;
  return v.map((x) => x / norm);
}

const STOP = new Set(
  'a an and are as at be by can do does for from how i if in is it my of on or the to what when where which why will with you your'.split(
    ' ',
  ),
);

export async function startToyEmbeddingsServer(): Promise<{
  url: string;
  requests: () => number;
  close(): Promise<void>;
}> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests++;
      const { input, model } = JSON.parse(body) as { input: string | string[]; model: string };
      const inputs = Array.isArray(input) ? input : [input];
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          object: 'list',
          model,
          data: inputs.map((text, index) => ({ object: 'embedding', index, embedding: toyEmbedding(text) })),
          usage: { prompt_tokens: 0, total_tokens: 0 },
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests: () => requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
