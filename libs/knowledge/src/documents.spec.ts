import {
  detectFormat,
  extractDocument,
  UnreadableDocumentError,
  UnsupportedDocumentError,
} from './documents';
import { tinyPdf } from './testing/tiny-pdf';

const bytes = (s: string) => Buffer.from(s, 'utf8');

describe('documents', () => {
  it('detects the format from content, then name, then media type', () => {
    expect(detectFormat(tinyPdf(['x']), 'notes.md')).toBe('pdf');
    expect(detectFormat(bytes('# Title'), 'a.md')).toBe('markdown');
    expect(detectFormat(bytes('<p>x</p>'), null, 'text/html; charset=utf-8')).toBe('html');
    expect(detectFormat(bytes('<!DOCTYPE html><p>x</p>'))).toBe('html');
    expect(detectFormat(bytes('hello'), 'a.txt')).toBe('text');
  });

  it('refuses binary and unknown types with a reason', () => {
    expect(() => detectFormat(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]), 'logo.png')).toThrow(
      UnsupportedDocumentError,
    );
    expect(() => detectFormat(bytes('a,b'), 'sheet.xlsx')).toThrow(/unsupported file type \(\.xlsx\)/);
    expect(() => detectFormat(bytes('not a pdf'), 'x.pdf')).toThrow(UnreadableDocumentError);
  });

  // PDF text extraction loads pdf.js with a dynamic import, which jest's VM cannot do: the
  // knowledge e2e test uploads a generated PDF and a corrupt one to the real API instead.

  it('takes the title of Markdown and HTML', async () => {
    expect((await extractDocument(bytes('intro\n## Returns policy\ntext'), 'a.md')).title).toBe(
      'Returns policy',
    );
    expect((await extractDocument(bytes('<title>FAQ</title><h1>Q</h1>'), 'faq.html')).title).toBe('FAQ');
  });
});
