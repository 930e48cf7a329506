import { crawlSite, type CrawledPage } from './crawler';

/** A site as a map of path → response; every request is recorded. */
function site(pages: Record<string, { status?: number; body?: string; type?: string; location?: string }>) {
  const requested: string[] = [];
  const fetchFn = (async (input: string | URL | Request) => {
    const url = new URL(String(input));
    requested.push(url.pathname + url.search);
    const page = pages[url.pathname];
    if (!page) return new Response('not found', { status: 404 });
    const headers: Record<string, string> = { 'content-type': page.type ?? 'text/html' };
    if (page.location) headers.location = page.location;
    return new Response(page.body ?? '', { status: page.status ?? 200, headers });
  }) as typeof fetch;
  return { fetchFn, requested };
}

const html = (title: string, links: string[] = [], text = `About ${title}.`) =>
  `<html><head><title>${title}</title></head><body><p>${text}</p>${links.map((l) => `<a href="${l}">${l}</a>`).join('')}</body></html>`;

async function crawl(fetchFn: typeof fetch, maxPages = 50, maxDepth = 5) {
  const pages: CrawledPage[] = [];
  const report = await crawlSite(
    {
      startUrl: 'http://site.test/',
      maxPages,
      maxDepth,
      fetch: fetchFn,
      userAgent: 'ConclaveBot',
      maxPageBytes: 100_000,
    },
    async (page) => void pages.push(page),
  );
  return { pages, report };
}

describe('crawlSite', () => {
  it('follows same-site links breadth first, honours robots.txt, redirects and reports skips', async () => {
    const { fetchFn, requested } = site({
      '/robots.txt': { type: 'text/plain', body: 'User-agent: *\nDisallow: /private' },
      '/': { body: html('Home', ['/a', '/b', '/private/x', 'https://elsewhere.test/', '/old', '/missing']) },
      '/a': { body: html('A', ['/a/deep', '/']) },
      '/b': { body: html('B') },
      '/a/deep': { body: html('Deep') },
      '/old': { status: 301, location: '/b2' },
      '/b2': { body: html('B2') },
      '/private/x': { body: html('Secret') },
    });
    const { pages, report } = await crawl(fetchFn);
    expect(pages.map((p) => p.url)).toEqual([
      'http://site.test/',
      'http://site.test/a',
      'http://site.test/b',
      'http://site.test/b2',
      'http://site.test/a/deep',
    ]);
    expect(pages.find((p) => p.url.endsWith('/b2'))).toMatchObject({ title: 'B2', depth: 1 });
    expect(requested).not.toContain('/private/x');
    expect(requested.some((r) => r.includes('elsewhere'))).toBe(false);
    expect(report.skipped).toEqual(
      expect.arrayContaining([
        { url: 'http://site.test/private/x', reason: 'disallowed by robots.txt' },
        { url: 'http://site.test/missing', reason: 'HTTP 404' },
      ]),
    );
  });

  it('stops at max_pages and max_depth', async () => {
    const { fetchFn } = site({
      '/': { body: html('Home', ['/1', '/2', '/3']) },
      '/1': { body: html('1', ['/1/1']) },
      '/2': { body: html('2') },
      '/3': { body: html('3') },
      '/1/1': { body: html('11') },
    });
    expect((await crawl(fetchFn, 2)).pages).toHaveLength(2);
    expect((await crawl(fetchFn, 50, 1)).pages.map((p) => p.url)).not.toContain('http://site.test/1/1');
  });

  it('refuses redirects off-site and skips non-text content', async () => {
    const { fetchFn } = site({
      '/': { body: html('Home', ['/away', '/logo.png']) },
      '/away': { status: 302, location: 'https://evil.test/' },
      '/logo.png': { type: 'image/png', body: 'PNG' },
    });
    const { report } = await crawl(fetchFn);
    expect(report.skipped).toEqual([
      { url: 'http://site.test/away', reason: 'redirects off-site to https://evil.test' },
      { url: 'http://site.test/logo.png', reason: 'unsupported content type image/png' },
    ]);
  });

  it('fails the crawl when robots.txt answers a server error (RFC 9309)', async () => {
    const { fetchFn } = site({ '/robots.txt': { status: 503 }, '/': { body: html('Home') } });
    await expect(crawl(fetchFn)).rejects.toThrow(/robots.txt answered 503/);
  });
});
