// Debian's Chromium through playwright-core, launched the one way every browser test needs: headless
// as root, and without the background connections this machine's closed network refuses.
import { chromium, type Browser } from 'playwright-core';

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
