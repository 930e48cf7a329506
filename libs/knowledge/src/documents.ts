import { htmlToDocument } from './html';
import { pdfToPages, UnreadableDocumentError } from './pdf';

/**
 * Turns an uploaded file into text to chunk. The type comes from the content first (a PDF starts
 * with `%PDF-`, binary data is refused), then the file name and the declared media type, so a
 * mislabelled upload is read for what it is and an unsupported one fails with a reason.
 */
export type DocumentFormat = 'markdown' | 'html' | 'pdf' | 'text';

export interface ExtractedDocument {
  format: DocumentFormat;
  title: string | null;
  /** Markdown-like text (headings as `#` lines) or plain text. */
  text: string;
}

export { UnreadableDocumentError };

export class UnsupportedDocumentError extends Error {}

const EXTENSIONS: Record<string, DocumentFormat> = {
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  pdf: 'pdf',
  txt: 'text',
  text: 'text',
};

const MEDIA_TYPES: Record<string, DocumentFormat> = {
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'application/pdf': 'pdf',
  'text/plain': 'text',
};

export function detectFormat(
  bytes: Uint8Array,
  filename?: string | null,
  mediaType?: string | null,
): DocumentFormat {
  if (startsWith(bytes, '%PDF-')) return 'pdf';
  const ext = filename?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  const byName = ext ? EXTENSIONS[ext] : undefined;
  const byType = mediaType ? MEDIA_TYPES[mediaType.split(';')[0].trim().toLowerCase()] : undefined;
  const declared = byName ?? byType;
  if (declared === 'pdf')
    throw new UnreadableDocumentError('unreadable PDF: the file does not start with %PDF-');
  if (looksBinary(bytes))
    throw new UnsupportedDocumentError(
      `unsupported file type${filename ? ` (${filename})` : ''}: upload Markdown, HTML, PDF or plain text`,
    );
  if (declared) return declared;
  if (ext || (mediaType && !mediaType.startsWith('application/octet-stream')))
    throw new UnsupportedDocumentError(
      `unsupported file type (${ext ? `.${ext}` : mediaType}): upload Markdown, HTML, PDF or plain text`,
    );
  return /^\s*<(!doctype html|html|head|body)\b/i.test(decode(bytes.subarray(0, 512))) ? 'html' : 'markdown';
}

export async function extractDocument(
  bytes: Uint8Array,
  filename?: string | null,
  mediaType?: string | null,
): Promise<ExtractedDocument> {
  const format = detectFormat(bytes, filename, mediaType);
  switch (format) {
    case 'pdf': {
      const pages = await pdfToPages(bytes);
      const text = pages
        .map((p) => p.trim())
        .filter(Boolean)
        .join('\n\n');
      if (!text)
        throw new UnreadableDocumentError('the PDF holds no extractable text (scanned images need OCR)');
      return { format, title: null, text };
    }
    case 'html': {
      const doc = htmlToDocument(decode(bytes));
      return { format, title: doc.title || null, text: doc.text };
    }
    default: {
      const text = decode(bytes);
      return { format, title: firstHeading(text), text };
    }
  }
}

function firstHeading(markdown: string): string | null {
  return /^#{1,6}[ \t]+(.+?)[ \t#]*$/m.exec(markdown)?.[1]?.trim() ?? null;
}

function startsWith(bytes: Uint8Array, prefix: string): boolean {
  // A BOM or a little whitespace may precede the PDF header.
  const head = decode(bytes.subarray(0, 1024)).replace(/^\uFEFF?\s*/, '');
  return head.startsWith(prefix);
}

/** NUL bytes or many control characters in the first KiB: not text. */
function looksBinary(bytes: Uint8Array): boolean {
  const sample = bytes.subarray(0, 1024);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return sample.length > 0 && control / sample.length > 0.1;
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
}
