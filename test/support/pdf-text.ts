import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

/**
 * The text of a PDF, page by page, as pdf.js (Mozilla's PDF reader, the `pdfjs-dist` dev
 * dependency) extracts it: what a reader could search and copy. Lines are joined with newlines.
 */
export async function pdfText(pdf: Buffer): Promise<string> {
  const document = await getDocument({ data: new Uint8Array(pdf), useSystemFonts: false, verbosity: 0 }).promise;
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const content = await (await document.getPage(number)).getTextContent();
    pages.push(
      content.items
        .map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : ''))
        .join('')
        .trim(),
    );
  }
  await document.destroy();
  return pages.join('\n');
}

/** The PDF's page count and its producer (the library that wrote it). */
export async function pdfInfo(pdf: Buffer): Promise<{ pages: number; producer: string | undefined }> {
  const document = await getDocument({ data: new Uint8Array(pdf), verbosity: 0 }).promise;
  const { info } = await document.getMetadata();
  const pages = document.numPages;
  await document.destroy();
  return { pages, producer: (info as { Producer?: string }).Producer };
}
