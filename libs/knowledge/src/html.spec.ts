import { htmlToDocument } from './html';

describe('htmlToDocument', () => {
  const page = `<!doctype html><html><head><title>Pricing – Acme</title>
    <style>.x{}</style><script>var secret = 1;</script></head>
    <body><nav><a href="/">Home</a></nav>
    <h1>Pricing</h1><p>Plans start at <b>$10</b>&nbsp;a month.</p>
    <h2 id="refunds">Refunds</h2><ul><li>Within 30 days</li><li>Full amount</li></ul>
    <a href="/faq#top">FAQ</a> <a href="mailto:x@y.z">mail</a> <a href="https://other.example/">other</a>
    <footer>© Acme</footer></body></html>`;

  it('keeps text and headings, drops scripts, styles, navigation and footers', () => {
    const doc = htmlToDocument(page, 'http://site.test/pricing');
    expect(doc.title).toBe('Pricing – Acme');
    expect(doc.text).toContain('# Pricing');
    expect(doc.text).toContain('## Refunds');
    expect(doc.text).toContain('Plans start at $10 a month.');
    expect(doc.text).toContain('Within 30 days');
    expect(doc.text).not.toContain('secret');
    expect(doc.text).not.toContain('© Acme');
    expect(doc.text).not.toMatch(/\n{3}/);
  });

  it('resolves http(s) links and drops fragments and other schemes', () => {
    expect(htmlToDocument(page, 'http://site.test/pricing').links).toEqual([
      'http://site.test/',
      'http://site.test/faq',
      'https://other.example/',
    ]);
  });

  it('reads robots meta', () => {
    const doc = htmlToDocument('<meta name="ROBOTS" content="noindex, nofollow"><p>x</p>');
    expect(doc).toMatchObject({ noindex: true, nofollow: true });
  });
});
