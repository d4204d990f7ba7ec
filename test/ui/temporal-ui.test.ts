// The administrator's view: the real Temporal UI served by the dev server, driven by a real browser
// (Debian's Chromium through playwright-core). A case is found with a search-attribute query, and
// its page shows the deadlines through the timer summaries and the workflow's current details.
import { freePort } from '../helpers/net';
import { launchChromium, openUserMetadata } from '../helpers/browser';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { DocketClient } from '../../client/cases';
import { testActivities } from '../helpers/docket-env';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { bundleFor, createDevServerEnv, uniqueName } from '../helpers/temporal';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');

let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let uiPort: number;
const taskQueue = uniqueName('docket-ui');

beforeAll(async () => {
  uiPort = await freePort();
  env = await createDevServerEnv({ ui: true, uiPort });
  smtp = await startSmtpReceiver();
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleFor(require.resolve('../../workflows')),
    activities: await testActivities(smtp),
  });
  running = worker.run();
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  worker?.shutdown();
  await running;
  await smtp?.close();
  await env?.teardown();
});

test('an administrator finds a case by search attributes and reads its deadlines in the UI', async () => {
  const docket = new DocketClient({ client: env.client, taskQueue });
  const caseNumber = uniqueName('GRV-UI').toUpperCase().slice(0, 30);
  const now = Date.now();
  const opened = await docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: new Date(now - 86_400_000).toISOString(),
  });
  // Through the client, as a case system would: it retries an event that reaches the case before its
  // first schedule is recorded.
  const view = await docket.recordEvent('grievance', caseNumber, 'rts-submitted', {
    at: new Date(now).toISOString(),
    by: 'S-0100',
  });
  const rts = view.deadlines.find((d) => d.key === 'rts.response');
  expect(rts).toBeDefined();

  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  const query = encodeURIComponent(`CaseType="grievance" AND Facility="LARC" AND DeadlineState="on-track"`);
  await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows?query=${query}`);
  // Visibility is eventually consistent: reload until the case is listed.
  const link = page.getByRole('link', { name: opened.workflowId });
  for (let attempt = 0; attempt < 20 && !(await link.isVisible().catch(() => false)); attempt++) {
    await page.waitForTimeout(500);
    await page.reload();
  }
  await link.first().click();
  await page.waitForURL(/\/workflows\/grievance-/);

  // The run explains itself: the timer summaries in the event history name the deadline...
  await page
    .getByText(`reminder (half-time): rts.response due ${rts!.localText}`)
    .first()
    .waitFor({ timeout: 20_000 });
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-grievance-history.png'), fullPage: true });
  // ...and the current details name the next deadline, with the rule's source.
  const details = await openUserMetadata(page);
  await details.getByText(`Next: rts.response due ${rts!.localText}`).first().waitFor({ timeout: 20_000 });
  expect(
    await details
      .getByText(/OP-090124 §III\.E\.10\.b/)
      .first()
      .isVisible(),
  ).toBe(true);
  await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-grievance-details.png'), fullPage: true });
  await page.close();
}, 120_000);
