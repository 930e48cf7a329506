import { Agent, fetch as undiciFetch } from 'undici';
import { classifyAddress, isIpLiteral } from './address';
import { effectivePort, isHostAllowed, parseAllowedHosts } from './allowed-hosts';
import { EGRESS_DEFAULTS, type EgressPolicy } from './egress-policy';
import { EgressBlockedError, EgressError, EgressLimitError, findEgressError } from './errors';
import { blocked, guardedConnector } from './guarded-connector';

export interface Egress {
  /** fetch for requests on a tenant's behalf; see `createEgress`. */
  fetch: typeof fetch;
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Kept on a redirect to another origin; everything else may carry a credential. */
const CROSS_ORIGIN_SAFE_HEADERS = new Set(['accept', 'accept-language', 'content-language', 'user-agent']);
/** Never taken from the caller: they would let a tenant smuggle requests or confuse routing. */
const STRIPPED_HEADERS = [
  'host',
  'connection',
  'content-length',
  'transfer-encoding',
  'keep-alive',
  'upgrade',
];

/**
 * The one way the server fetches something on a tenant's behalf (HTTP tools, model clients,
 * crawls, webhooks). A fetch-compatible function that:
 * - allows `http:` and `https:` only;
 * - refuses non-public addresses on the address actually connected to (see `guardedConnector`),
 *   unless the operator allowed the host;
 * - follows redirects itself, re-checking every hop, and drops credentials on a change of origin;
 * - caps the decompressed body (`maxResponseBytes`), the whole exchange (`timeoutMs`) and the gap
 *   between body chunks (`idleTimeoutMs`), failing with `EgressLimitError`.
 * Refusals throw `EgressBlockedError`, whose message names the host and the setting to change.
 * Proxy environment variables are ignored on purpose: the check must see the real target.
 */
export function createEgress(policy: EgressPolicy): Egress {
  const allowedHosts = parseAllowedHosts(policy.allowedHosts);
  const maxBytes = policy.maxResponseBytes ?? EGRESS_DEFAULTS.maxResponseBytes;
  const timeoutMs = policy.timeoutMs ?? EGRESS_DEFAULTS.timeoutMs;
  const idleMs = policy.idleTimeoutMs ?? timeoutMs;
  const maxRedirects = policy.maxRedirects ?? EGRESS_DEFAULTS.maxRedirects;
  const dispatcher = new Agent({
    connect: guardedConnector({
      allowPrivate: policy.allowPrivate,
      allowedHosts,
      connectTimeoutMs: policy.connectTimeoutMs ?? EGRESS_DEFAULTS.connectTimeoutMs,
      lookup: policy.lookup,
    }),
    // Backstops only: our own timers below give the readable errors.
    headersTimeout: timeoutMs + 1000,
    bodyTimeout: idleMs + 1000,
  });

  function checkTarget(url: URL): void {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new EgressBlockedError(
        `egress refused: only http and https URLs may be fetched, not ${url.protocol}`,
        url.hostname,
      );
    }
    const port = effectivePort(url);
    if (policy.allowPrivate || isHostAllowed(allowedHosts, url.hostname, port)) return;
    // IP literals never reach the connector's DNS check; refuse them before connecting at all.
    const bare = url.hostname.replace(/^\[|\]$/g, '');
    if (isIpLiteral(url.hostname) && !classifyAddress(bare).allowed) throw blocked(url.hostname, port, bare);
  }

  const egressFetch = async (input: FetchInput, init: RequestInit = {}): Promise<Response> => {
    const request = normaliseRequest(input, init);
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw new EgressBlockedError(`egress refused: ${JSON.stringify(String(request.url))} is not a URL`, '');
    }
    const host = url.host;
    const deadline = new AbortController();
    const timer = setTimeout(
      () =>
        deadline.abort(new EgressLimitError(`request to ${host} exceeded its ${timeoutMs} ms limit`, host)),
      timeoutMs,
    );
    timer.unref?.();
    const onCallerAbort = () => deadline.abort(init.signal?.reason);
    if (init.signal?.aborted) onCallerAbort();
    init.signal?.addEventListener('abort', onCallerAbort, { once: true });
    const cleanup = () => {
      clearTimeout(timer);
      init.signal?.removeEventListener('abort', onCallerAbort);
    };

    try {
      let { method, headers, body } = request;
      for (let hop = 0; ; hop++) {
        checkTarget(url);
        const response = await undiciFetch(url, {
          method,
          headers: [...headers.entries()],
          body,
          redirect: 'manual',
          signal: deadline.signal,
          dispatcher,
        });
        const location = response.headers.get('location');
        if (!REDIRECT_STATUSES.has(response.status) || !location || init.redirect === 'manual') {
          return capBody(response, { host, maxBytes, idleMs, deadline, cleanup });
        }
        await response.body?.cancel().catch(() => undefined);
        if (init.redirect === 'error') throw new EgressBlockedError(`${host} answered with a redirect`, host);
        if (hop >= maxRedirects)
          throw new EgressLimitError(
            `request to ${host} was redirected more than ${maxRedirects} times`,
            host,
          );
        const next = new URL(location, url);
        if (next.origin !== url.origin) headers = crossOriginHeaders(headers);
        // Fetch standard: 303 (and 301/302 after a POST) continue as GET without a body.
        if (
          response.status === 303 ||
          ((response.status === 301 || response.status === 302) && method === 'POST')
        ) {
          if (method !== 'HEAD') method = 'GET';
          body = undefined;
          headers.delete('content-type');
        }
        url = next;
      }
    } catch (err) {
      cleanup();
      if (deadline.signal.aborted && deadline.signal.reason instanceof EgressError)
        throw deadline.signal.reason;
      throw findEgressError(err) ?? err;
    }
  };
  return { fetch: egressFetch as typeof fetch };
}

type FetchInput = Parameters<typeof fetch>[0];

interface NormalisedRequest {
  url: string;
  method: string;
  headers: Headers;
  body: string | ArrayBuffer | Uint8Array | URLSearchParams | undefined;
}

function normaliseRequest(input: FetchInput, init: RequestInit): NormalisedRequest {
  const fromRequest = typeof input === 'object' && 'url' in input && !(input instanceof URL) ? input : null;
  const headers = new Headers(init.headers ?? fromRequest?.headers ?? undefined);
  for (const name of STRIPPED_HEADERS) headers.delete(name);
  const body = init.body ?? null;
  if (body !== null && !isReplayableBody(body)) {
    // Streams cannot be re-sent on a 307/308; none of our callers send one.
    throw new TypeError('egress fetch: request bodies must be strings or bytes');
  }
  return {
    url: fromRequest ? fromRequest.url : String(input),
    method: (init.method ?? fromRequest?.method ?? 'GET').toUpperCase(),
    headers,
    body: (body ?? undefined) as NormalisedRequest['body'],
  };
}

function isReplayableBody(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    body instanceof Uint8Array ||
    body instanceof URLSearchParams
  );
}

function crossOriginHeaders(headers: Headers): Headers {
  const kept = new Headers();
  headers.forEach((value, name) => {
    if (CROSS_ORIGIN_SAFE_HEADERS.has(name) || name === 'content-type') kept.set(name, value);
  });
  return kept;
}

/**
 * The response with its body piped through the size and idle limits. The body stays a stream so
 * that streamed model replies still arrive chunk by chunk.
 */
function capBody(
  response: Awaited<ReturnType<typeof undiciFetch>>,
  limits: { host: string; maxBytes: number; idleMs: number; deadline: AbortController; cleanup: () => void },
): Response {
  const { host, maxBytes, idleMs, deadline, cleanup } = limits;
  const tooLarge = () =>
    new EgressLimitError(
      `response from ${host} is larger than the ${maxBytes}-byte limit (EGRESS_MAX_RESPONSE_BYTES)`,
      host,
    );
  const declared = Number(response.headers.get('content-length'));
  const headers = new Headers();
  response.headers.forEach((value, name) => headers.append(name, value));
  const init = { status: response.status, statusText: response.statusText, headers };
  if (Number.isFinite(declared) && declared > maxBytes) {
    deadline.abort(tooLarge());
    cleanup();
    throw tooLarge();
  }
  const source = response.body;
  if (!source || [101, 204, 205, 304].includes(response.status)) {
    cleanup();
    return new Response(null, init);
  }
  const reader = source.getReader();
  let received = 0;
  let idle: NodeJS.Timeout | undefined;
  const stopIdle = () => clearTimeout(idle);
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      idle = setTimeout(
        () =>
          deadline.abort(new EgressLimitError(`${host} sent nothing for ${idleMs} ms (idle limit)`, host)),
        idleMs,
      );
      idle.unref?.();
      try {
        const { done, value } = await reader.read();
        stopIdle();
        if (done) {
          cleanup();
          controller.close();
          return;
        }
        received += value.byteLength;
        if (received > maxBytes) {
          const err = tooLarge();
          deadline.abort(err);
          cleanup();
          controller.error(err);
          return;
        }
        controller.enqueue(value);
      } catch (err) {
        stopIdle();
        cleanup();
        const reason = deadline.signal.reason;
        controller.error(reason instanceof EgressError ? reason : (findEgressError(err) ?? err));
      }
    },
    cancel(reason) {
      stopIdle();
      cleanup();
      return reader.cancel(reason).catch(() => undefined);
    },
  });
  return new Response(body, init);
}
