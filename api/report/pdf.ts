import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/**
 * The report as a PDF: the HTML page printed by Chromium (Debian's package,
 * driven by playwright-core, as the browser tests drive it). One browser per
 * API process, started on the first PDF and closed with the app. Where there is
 * no Chromium (or no playwright-core), `render` throws `PdfUnavailable` and the
 * route answers 503.
 */
export class PdfUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PdfUnavailable';
  }
}

export interface PdfRenderer {
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const RENDER_TIMEOUT_MS = 20_000;

export function chromiumPdfRenderer(executablePath = DEFAULT_CHROMIUM_PATH): PdfRenderer {
  let browser: Promise<Browser> | undefined;

  async function launch(): Promise<Browser> {
    if (!existsSync(executablePath)) throw new PdfUnavailable(`no Chromium at ${executablePath}`);
    const playwright = await import('playwright-core').catch(() => undefined);
    if (!playwright) throw new PdfUnavailable('playwright-core is not installed');
    const launched = await playwright.chromium.launch({ executablePath, args: ARGS });
    launched.on('disconnected', () => (browser = undefined));
    return launched;
  }

  return {
    async render(html) {
      browser ??= launch().catch((error: unknown) => {
        browser = undefined;
        throw error instanceof PdfUnavailable ? error : new PdfUnavailable((error as Error).message);
      });
      const page = await (await browser).newPage({ javaScriptEnabled: false });
      try {
        page.setDefaultTimeout(RENDER_TIMEOUT_MS);
        await page.setContent(html, { waitUntil: 'load' });
        await page.emulateMedia({ media: 'print' });
        return await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
      } finally {
        await page.close().catch(() => undefined);
      }
    },
    async close() {
      const running = browser;
      browser = undefined;
      await (await running?.catch(() => undefined))?.close();
    },
  };
}
