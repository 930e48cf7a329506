import { chunkText, slugify, splitSections } from './chunking';

describe('splitSections', () => {
  it('cuts at headings and keeps the heading path and an anchor', () => {
    const sections = splitSections(
      [
        'Intro text.',
        '# Billing',
        'About billing.',
        '## Refunds',
        'Refunds take 5 days.',
        '# Shipping',
        'We ship.',
      ].join('\n'),
    );
    expect(sections.map((s) => [s.headings.join(' › '), s.anchor, s.body])).toEqual([
      ['', null, 'Intro text.'],
      ['Billing', 'billing', 'About billing.'],
      ['Billing › Refunds', 'refunds', 'Refunds take 5 days.'],
      ['Shipping', 'shipping', 'We ship.'],
    ]);
  });

  it('ignores # lines inside code fences', () => {
    const sections = splitSections(['# Setup', '```sh', '# not a heading', 'npm ci', '```'].join('\n'));
    expect(sections).toHaveLength(1);
    expect(sections[0].body).toContain('# not a heading');
  });

  it('slugs like GitHub', () => {
    expect(slugify('Refunds & Returns (2024)')).toBe('refunds--returns-2024');
    expect(slugify('Pengembalian Dana')).toBe('pengembalian-dana');
  });
});

describe('chunkText', () => {
  it('splits long sections with overlap and numbers chunks across the document', async () => {
    const sentences = Array.from({ length: 40 }, (_, i) => `Sentence number ${i} talks about topic ${i}.`);
    const chunks = await chunkText(`# Long\n${sentences.join(' ')}\n# Short\nTiny.`, {
      size: 300,
      overlap: 60,
    });
    expect(chunks.length).toBeGreaterThan(4);
    expect(chunks.map((c) => c.position)).toEqual(chunks.map((_, i) => i));
    const long = chunks.filter((c) => c.section === 'Long');
    for (const c of long) expect(c.content.length).toBeLessThanOrEqual(300);
    // Overlap: the start of each chunk repeats text from the end of the one before.
    for (let i = 1; i < long.length; i++) {
      const head = long[i].content.slice(0, 20);
      expect(long[i - 1].content).toContain(head);
    }
    expect(chunks.at(-1)).toMatchObject({ section: 'Short', anchor: 'short', content: 'Tiny.' });
  });

  it('chunks plain text without headings', async () => {
    const chunks = await chunkText('Just a paragraph.\n\nAnother one.');
    expect(chunks).toEqual([
      { position: 0, section: '', anchor: null, content: 'Just a paragraph.\n\nAnother one.' },
    ]);
  });
});
