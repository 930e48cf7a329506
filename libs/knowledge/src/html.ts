import * as cheerio from 'cheerio';

/** What a web page contributes: its title, its text with headings kept as Markdown, and its links. */
export interface HtmlDocument {
  title: string;
  /** Markdown-like text: `#` headings and paragraphs, so chunking can follow the page's structure. */
  text: string;
  /** Absolute http(s) links found in the page, fragment removed, in document order. */
  links: string[];
  /** `<meta name="robots" content="noindex|nofollow">`. */
  noindex: boolean;
  nofollow: boolean;
}

/** Page furniture that is not content. */
const NOISE =
  'script, style, noscript, template, svg, canvas, iframe, nav, footer, form, button, [hidden], [aria-hidden="true"]';
const BLOCKS =
  'p, div, section, article, main, aside, header, li, dt, dd, tr, blockquote, pre, table, ul, ol, dl, figure, figcaption, address';

/** Plain text of an HTML page, parsed with a real HTML parser (cheerio / parse5), never regexes. */
export function htmlToDocument(html: string, baseUrl?: string): HtmlDocument {
  const $ = cheerio.load(html);
  const robots = ($('meta[name="robots" i]').attr('content') ?? '').toLowerCase();
  const links: string[] = [];
  $('a[href]').each((_, a) => {
    const link = normaliseUrl($(a).attr('href') ?? '', baseUrl);
    if (link && !links.includes(link)) links.push(link);
  });
  const title = clean($('title').first().text()) || clean($('h1').first().text());
  // A fragment without <body> still gets one from the parser.
  const root = $('main').length ? $('main').first() : $('body').first();
  root.find(NOISE).remove();
  root.find('h1, h2, h3, h4, h5, h6').each((_, h) => {
    const level = Number(h.tagName.slice(1));
    const text = clean($(h).text());
    $(h).replaceWith(text ? `\n\n${'#'.repeat(level)} ${text}\n\n` : '');
  });
  root.find('br').replaceWith('\n');
  root.find('td, th').append(' ');
  root.find(BLOCKS).each((_, el) => {
    $(el).prepend('\n');
    $(el).append('\n');
  });
  return {
    title,
    text: normalise(root.text()),
    links,
    noindex: robots.includes('noindex'),
    nofollow: robots.includes('nofollow'),
  };
}

/** Absolute http(s) URL without its fragment, or null. */
export function normaliseUrl(href: string, base?: string): string | null {
  try {
    const url = base ? new URL(href, base) : new URL(href);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    url.hash = '';
    return url.toString();
  } catch {
    return null;
  }
}

function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Collapses runs of spaces inside lines and of blank lines between paragraphs. */
function normalise(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
