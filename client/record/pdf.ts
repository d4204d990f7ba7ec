// Prints a court record's HTML to PDF in Debian's Chromium through playwright-core (which never
// downloads a browser of its own). The page is ours and self-contained: JavaScript is off and every
// request is refused, so nothing of the case leaves this process but the PDF. Chromium is started
// per document and closed after it; documents are printed one at a time, so a burst of requests
// cannot start a browser each.
import { chromium } from 'playwright-core';

export interface PdfOptions {
  /** records.chromiumPath (DOCKET_CHROMIUM). */
  chromiumPath: string;
  /** Printed in the footer of every page. */
  footer: string;
  timeoutMs?: number;
}

export class RendererUnavailableError extends Error {
  constructor(chromiumPath: string, cause: unknown) {
    super(
      `Chromium at ${chromiumPath} could not be started to print the record (set records.chromiumPath or DOCKET_CHROMIUM): ${
        cause instanceof Error ? cause.message.split('\n')[0] : String(cause)
      }`,
    );
    this.name = 'RendererUnavailableError';
  }
}

let queue: Promise<unknown> = Promise.resolve();

export function printPdf(html: string, options: PdfOptions): Promise<Buffer> {
  const run = queue.then(() => print(html, options));
  queue = run.catch(() => undefined);
  return run;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function print(html: string, options: PdfOptions): Promise<Buffer> {
  const timeout = options.timeoutMs ?? 30_000;
  const browser = await chromium
    .launch({
      executablePath: options.chromiumPath,
      timeout,
      args: [
        // Root has no user namespace sandbox to drop into (containers); anyone else keeps it.
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    .catch((err: unknown) => {
      throw new RendererUnavailableError(options.chromiumPath, err);
    });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    await context.route('**/*', (route) => route.abort());
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load', timeout });
    return await page.pdf({
      format: 'Letter',
      printBackground: true,
      margin: { top: '0.6in', bottom: '0.7in', left: '0.6in', right: '0.6in' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: `<div style="font-size:7pt;width:100%;text-align:center;font-family:sans-serif">${escapeHtml(
        options.footer,
      )} — page <span class="pageNumber"></span> of <span class="totalPages"></span></div>`,
    });
  } finally {
    await browser.close();
  }
}
