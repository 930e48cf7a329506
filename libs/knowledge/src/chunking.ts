import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';

/**
 * Structure-aware chunking. A document is first cut into sections at its Markdown headings (HTML is
 * turned into Markdown-like text before, see html.ts), so a chunk never straddles two topics and
 * keeps the heading path it sits under; long sections are then split on paragraph, line, sentence
 * and word boundaries with an overlap, so a fact cut at a boundary is still whole in one chunk.
 */
export interface ChunkingOptions {
  /** Target chunk length in characters. */
  size: number;
  /** Characters repeated between neighbouring chunks of one section. */
  overlap: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { size: 1000, overlap: 150 };

export interface ChunkDraft {
  /** Order of the chunk in its document, from 0. */
  position: number;
  /** Heading path of the section, e.g. "Billing › Refunds" ('' before the first heading). */
  section: string;
  /** URL fragment of the section's heading (a slug), null before the first heading. */
  anchor: string | null;
  content: string;
}

export interface Section {
  headings: string[];
  anchor: string | null;
  body: string;
}

const HEADING = /^(#{1,6})[ \t]+(.+?)[ \t#]*$/;
const FENCE = /^\s*(```|~~~)/;

/** Splits Markdown into sections at headings (not inside code fences), tracking the heading path. */
export function splitSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const path: string[] = [];
  let current: Section = { headings: [], anchor: null, body: '' };
  let lines: string[] = [];
  let inFence = false;
  const close = () => {
    current.body = lines.join('\n').trim();
    if (current.body || current.headings.length) sections.push(current);
    lines = [];
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (FENCE.test(line)) inFence = !inFence;
    const heading = inFence ? null : HEADING.exec(line);
    if (!heading) {
      lines.push(line);
      continue;
    }
    close();
    const level = heading[1].length;
    const text = heading[2].trim();
    path.length = Math.min(path.length, level - 1);
    while (path.length < level - 1) path.push('');
    path.push(text);
    current = { headings: path.filter(Boolean), anchor: slugify(text), body: '' };
  }
  close();
  // A heading with no text under it is folded into the next section's path (already there): drop it.
  return sections.filter((s) => s.body.length > 0);
}

/** GitHub-style heading slug: lower case, letters/digits kept, spaces → '-'. */
export function slugify(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');
}

/** Chunks of one document's text (Markdown or plain text; plain text has no headings to honour). */
export async function chunkText(
  text: string,
  options: ChunkingOptions = DEFAULT_CHUNKING,
): Promise<ChunkDraft[]> {
  const splitter = new RecursiveCharacterTextSplitter({
    chunkSize: options.size,
    chunkOverlap: Math.min(options.overlap, Math.floor(options.size / 2)),
    separators: ['\n\n', '\n', '. ', '? ', '! ', '; ', ', ', ' ', ''],
    keepSeparator: false,
  });
  const chunks: ChunkDraft[] = [];
  for (const section of splitSections(text)) {
    const pieces = await splitter.splitText(section.body);
    for (const piece of pieces) {
      const content = piece.trim();
      if (!content) continue;
      chunks.push({
        position: chunks.length,
        section: section.headings.join(' › '),
        anchor: section.anchor,
        content,
      });
    }
  }
  return chunks;
}
