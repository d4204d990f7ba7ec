// Resolves the real Temporal binaries once per test run (building or fetching them into the cache
// outside the checkout on first use) and hands their paths to the test files via the environment.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

function resolveBinary(script: string): string {
  const out = execFileSync('bash', [path.join(__dirname, '..', 'scripts', script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop() ?? '';
}

export default function globalSetup(): void {
  process.env.DOCKET_TEST_SERVER ??= resolveBinary('ensure-test-server.sh');
  process.env.DOCKET_TEMPORAL_CLI ??= resolveBinary('ensure-temporal-cli.sh');
  // The court-record tests read PDFs back with poppler's pdftotext: no npm package here extracts PDF text.
  process.env.DOCKET_PDFTOTEXT ??= resolveBinary('ensure-poppler.sh');
}
