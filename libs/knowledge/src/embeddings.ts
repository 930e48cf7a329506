/**
 * Optional embeddings through an OpenAI-compatible `POST {base_url}/embeddings` endpoint (OpenAI,
 * Ollama, vLLM, llama.cpp server). Outbound calls use the fetch handed in (the egress policy).
 */
export interface Embedder {
  readonly model: string;
  embed(texts: string[], signal?: AbortSignal): Promise<number[][]>;
}

export interface EmbeddingsConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Texts per request. */
  batchSize?: number;
  timeoutMs?: number;
}

export class EmbeddingsError extends Error {}

export function createOpenAiEmbedder(config: EmbeddingsConfig, fetchFn: typeof fetch): Embedder {
  const url = `${config.baseUrl.replace(/\/+$/, '')}/embeddings`;
  const batchSize = config.batchSize ?? 64;
  return {
    model: config.model,
    async embed(texts, signal) {
      const out: number[][] = [];
      for (let i = 0; i < texts.length; i += batchSize) {
        const batch = texts.slice(i, i + batchSize);
        const timeout = AbortSignal.timeout(config.timeoutMs ?? 30_000);
        const response = await fetchFn(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
          },
          body: JSON.stringify({ model: config.model, input: batch }),
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        }).catch((err: Error) => {
          throw new EmbeddingsError(`embeddings endpoint unreachable: ${err.message}`);
        });
        if (!response.ok)
          throw new EmbeddingsError(`embeddings endpoint answered ${response.status} ${response.statusText}`);
        const body = (await response.json()) as { data?: { index?: number; embedding?: unknown }[] };
        const data = [...(body.data ?? [])].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
        if (data.length !== batch.length || !data.every((d) => isVector(d.embedding)))
          throw new EmbeddingsError('embeddings endpoint returned an unexpected body');
        out.push(...data.map((d) => d.embedding as number[]));
      }
      return out;
    },
  };
}

function isVector(v: unknown): v is number[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Cosine similarity; 0 when either vector is zero or their lengths differ (another model's vectors). */
export function cosine(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
