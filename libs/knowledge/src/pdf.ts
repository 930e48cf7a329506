/** Text of a PDF, one string per page, with unpdf (pdf.js built for servers, no native code). */
export class UnreadableDocumentError extends Error {}

export async function pdfToPages(bytes: Uint8Array): Promise<string[]> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  try {
    // pdf.js takes ownership of (detaches) the buffer it is given: hand it a copy.
    const doc = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    try {
      const { text } = await extractText(doc, { mergePages: false });
      return text;
    } finally {
      await doc.destroy().catch(() => undefined);
    }
  } catch (err) {
    throw new UnreadableDocumentError(`unreadable PDF: ${(err as Error)?.message ?? String(err)}`);
  }
}
