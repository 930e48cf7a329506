import { createServer, type Server } from 'node:http';

/**
 * A small website on loopback for crawl tests: a home page linking to 14 docs pages, a pricing page
 * reached through a 301, an about page, a robots.txt that excludes /private/, a page under it, and
 * a link to a page that does not exist (404). 17 pages can be indexed. `pages` may be edited
 * between crawls (re-sync).
 */
export interface TestSite {
  url: string;
  pages: Map<string, string>;
  /** Paths requested, in order. */
  requested: string[];
  close(): Promise<void>;
}

export const SITE_TOPICS = [
  'Installing the desktop app on Windows requires version 10 or later.',
  'Resetting a forgotten password is done from the sign-in page link.',
  'Exporting invoices to CSV is available under Billing settings.',
  'Two-factor authentication uses any TOTP authenticator app.',
  'Team members are invited by email from the Members tab.',
  'The mobile app syncs offline notes when the device reconnects.',
  'Deleting an account removes all data after a 14-day grace period.',
  'Webhooks retry failed deliveries five times with backoff.',
  'The public API allows 600 requests per minute per key.',
  'Dark mode follows the operating system theme by default.',
  'Calendar integration supports Google and Outlook calendars.',
  'File attachments may be up to 25 megabytes each.',
  'Keyboard shortcuts are listed by pressing the question mark key.',
  'Data is stored in data centres located in Frankfurt.',
];

const page = (title: string, body: string, links: string[] = []) =>
  `<!doctype html><html><head><title>${title}</title></head><body>
  <nav><a href="/">Home</a></nav>
  <main><h1>${title}</h1><p>${body}</p>${links.map((l) => `<p><a href="${l}">${l}</a></p>`).join('')}</main>
  <footer>Acme Inc.</footer></body></html>`;

export async function startTestSite(): Promise<TestSite> {
  const pages = new Map<string, string>();
  const docs = SITE_TOPICS.map((_, i) => `/docs/${i + 1}`);
  pages.set(
    '/',
    page('Acme Help Centre', 'Welcome to the Acme help centre.', [
      ...docs,
      '/old-pricing',
      '/about',
      '/private/secret',
      '/missing',
    ]),
  );
  SITE_TOPICS.forEach((topic, i) =>
    pages.set(docs[i], page(`Doc ${i + 1}`, topic, ['/', docs[(i + 1) % docs.length]])),
  );
  pages.set('/pricing', page('Pricing', 'The Pro plan costs 29 dollars per month, billed yearly.', ['/']));
  pages.set('/about', page('About Acme', 'Acme was founded in Bandung in 2019.', ['/']));
  pages.set('/private/secret', page('Secret', 'The launch code is zebra-forty-two.'));
  const requested: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    requested.push(path);
    if (path === '/robots.txt') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end('User-agent: *\nDisallow: /private/\n');
    }
    if (path === '/old-pricing') {
      res.writeHead(301, { location: '/pricing' });
      return res.end();
    }
    const html = pages.get(path);
    if (!html) {
      res.writeHead(404, { 'content-type': 'text/html' });
      return res.end('<h1>Not found</h1>');
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    pages,
    requested,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
