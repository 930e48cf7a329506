import robotsParser from 'robots-parser';
import { htmlToDocument, normaliseUrl } from './html';
import { pdfToPages } from './pdf';

/**
 * A polite, bounded website crawl: breadth first from the start URL, same origin only (scheme, host
 * and port), `robots.txt` honoured for our user agent, `<meta name="robots">` noindex/nofollow
 * honoured, redirects followed by hand (at most 5 hops, each one re-checked against the origin and
 * robots.txt), at most `maxPages` pages and `maxDepth` links away from the start. Every request
 * goes through the `fetch` handed in — the egress policy.
 */
export interface CrawlOptions {
  startUrl: string;
  maxPages: number;
  maxDepth: number;
  fetch: typeof fetch;
  userAgent: string;
  /** Larger responses are skipped. */
  maxPageBytes: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface CrawledPage {
  url: string;
  title: string;
  /** Markdown-like text of the page. */
  text: string;
  depth: number;
}

export interface CrawlReport {
  pages: number;
  skipped: { url: string; reason: string }[];
}

export class CrawlError extends Error {}

const MAX_REDIRECTS = 5;

export async function crawlSite(
  options: CrawlOptions,
  onPage: (page: CrawledPage) => Promise<void>,
): Promise<CrawlReport> {
  const start = normaliseUrl(options.startUrl);
  if (!start) throw new CrawlError(`not an http(s) URL: ${options.startUrl}`);
  const origin = new URL(start).origin;
  const robots = await loadRobots(origin, options);
  const allowed = (url: string) => robots.isAllowed(url, options.userAgent) !== false;

  const report: CrawlReport = { pages: 0, skipped: [] };
  const seen = new Set<string>([start]);
  const queue: { url: string; depth: number }[] = [{ url: start, depth: 0 }];
  // Failed fetches count too, so a site of broken links cannot keep the crawl going for ever.
  let budget = options.maxPages * 3;
  while (queue.length > 0 && report.pages < options.maxPages && budget-- > 0) {
    options.signal?.throwIfAborted();
    const { url, depth } = queue.shift()!;
    if (!allowed(url)) {
      report.skipped.push({ url, reason: 'disallowed by robots.txt' });
      continue;
    }
    const fetched = await fetchPage(url, origin, allowed, options).catch((err: Error) => ({
      error: err instanceof CrawlError ? err.message : `fetch failed: ${err.message}`,
    }));
    if ('error' in fetched) {
      report.skipped.push({ url, reason: fetched.error });
      continue;
    }
    if (fetched.url !== url) {
      if (seen.has(fetched.url) && fetched.url !== start) continue; // a redirect to a page already queued
      seen.add(fetched.url);
    }
    const page = await readPage(fetched);
    if (!page) {
      report.skipped.push({
        url: fetched.url,
        reason: `unsupported content type ${fetched.type || '(none)'}`,
      });
      continue;
    }
    if (!page.noindex && page.text.trim()) {
      await onPage({ url: fetched.url, title: page.title || fetched.url, text: page.text, depth });
      report.pages++;
    }
    if (page.nofollow || depth >= options.maxDepth) continue;
    for (const link of page.links) {
      const next = normaliseUrl(link);
      if (!next || seen.has(next) || new URL(next).origin !== origin) continue;
      seen.add(next);
      queue.push({ url: next, depth: depth + 1 });
    }
  }
  return report;
}

interface FetchedPage {
  url: string;
  type: string;
  body: Uint8Array;
}

async function fetchPage(
  startUrl: string,
  origin: string,
  allowed: (url: string) => boolean,
  options: CrawlOptions,
): Promise<FetchedPage> {
  let url = startUrl;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await request(
      url,
      options,
      'text/html, text/plain;q=0.8, application/pdf;q=0.5, */*;q=0.1',
    );
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => undefined);
      const location = response.headers.get('location');
      const next = location ? normaliseUrl(location, url) : null;
      if (!next) throw new CrawlError(`redirect without a usable Location (${response.status})`);
      if (new URL(next).origin !== origin)
        throw new CrawlError(`redirects off-site to ${new URL(next).origin}`);
      if (!allowed(next)) throw new CrawlError('redirects to a page disallowed by robots.txt');
      url = next;
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new CrawlError(`HTTP ${response.status}`);
    }
    const type = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
    return { url, type, body: await readCapped(response, options.maxPageBytes) };
  }
  throw new CrawlError(`more than ${MAX_REDIRECTS} redirects`);
}

async function readPage(
  page: FetchedPage,
): Promise<{ title: string; text: string; links: string[]; noindex: boolean; nofollow: boolean } | null> {
  const text = () => new TextDecoder().decode(page.body);
  if (page.type === 'text/html' || page.type === 'application/xhtml+xml' || page.type === '') {
    return htmlToDocument(text(), page.url);
  }
  if (page.type === 'text/plain' || page.type === 'text/markdown') {
    return { title: '', text: text(), links: [], noindex: false, nofollow: true };
  }
  if (page.type === 'application/pdf') {
    const pages = await pdfToPages(page.body).catch(() => null);
    if (!pages) return null;
    return { title: '', text: pages.join('\n\n'), links: [], noindex: false, nofollow: true };
  }
  return null;
}

async function loadRobots(origin: string, options: CrawlOptions): Promise<ReturnType<typeof robotsParser>> {
  const robotsUrl = `${origin}/robots.txt`;
  let body = '';
  try {
    const response = await request(robotsUrl, options, 'text/plain', 'follow');
    if (response.ok) body = new TextDecoder().decode(await readCapped(response, 512 * 1024));
    else {
      await response.body?.cancel().catch(() => undefined);
      // RFC 9309: a 4xx robots.txt means no restrictions; a server error means "crawl nothing for now".
      if (response.status >= 500)
        throw new CrawlError(`robots.txt answered ${response.status}: try again later`);
    }
  } catch (err) {
    if (err instanceof CrawlError) throw err;
    throw new CrawlError(`cannot fetch ${robotsUrl}: ${(err as Error).message}`);
  }
  return robotsParser(robotsUrl, body);
}

function request(
  url: string,
  options: CrawlOptions,
  accept: string,
  redirect: 'manual' | 'follow' = 'manual',
): Promise<Response> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
  return options.fetch(url, {
    redirect,
    headers: { 'user-agent': options.userAgent, accept },
    signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
  });
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new CrawlError(`larger than ${maxBytes} bytes`);
  }
  if (!response.body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new CrawlError(`larger than ${maxBytes} bytes`);
    }
    parts.push(value);
  }
  return Buffer.concat(parts);
}
