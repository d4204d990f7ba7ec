// Debian's Chromium through playwright-core, launched the one way every browser test needs: headless
// as root, and without the background connections this machine's closed network refuses.
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.DOCKET_CHROMIUM ?? '/usr/bin/chromium';

export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

/**
 * Opens the User Metadata of the workflow the Temporal UI shows, and returns the frame of its current
 * details (the UI renders each markdown block, summary and current details, in its own frame).
 */
export async function openUserMetadata(page: Page): Promise<FrameLocator> {
  await page
    .getByRole('link', { name: 'User Metadata' })
    .or(page.getByText('User Metadata', { exact: true }))
    .first()
    .click();
  return page.frameLocator('iframe[src*="Next"]').first();
}
