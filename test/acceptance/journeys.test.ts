// Each user's journey on the configuration that ships: the stack is started by `scripts/up.sh`, the
// same script `npm run up` runs, with its generated secrets, its encryption and its codec server.
// A case system drives cases over HTTP; a supervisor follows the alert's link from the real inbox in
// Chromium; an administrator reads the case, decoded, in the real Temporal UI.
import { launchChromium, openUserMetadata } from '../helpers/browser';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { startShippedStack, waitForMessages, type InboxMessage, type ShippedStack } from './shipped-stack';

const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'acceptance');
const HOUR = 3_600_000;
/** PREA emergency grievances: initial response within 48 hours. */
const PREA_LIMIT = 48 * HOUR;

let stack: ShippedStack;
let browser: Browser;
const run = Date.now().toString(36).toUpperCase();
const caseNumber = (label: string) => `GRV-ACC-${label}-${run}`;

async function api(method: string, route: string, body?: unknown, token?: string): Promise<Response> {
  return fetch(`${stack.urls.api}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token ?? stack.secrets.DOCKET_TOKEN_CASE_SYSTEM}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

interface CaseSchedule {
  deadlines: Array<{
    key: string;
    state: string;
    localText: string;
    acknowledged?: { by: string; at: string };
  }>;
}

/** What the API shows of a case: its schedule and its timeline. */
async function caseRecord(number: string): Promise<{ schedule: CaseSchedule; timeline: unknown[] }> {
  const response = await api('GET', `/cases/grievance/${number}`);
  expect(response.status).toBe(200);
  return (await response.json()) as never;
}
const caseView = async (number: string): Promise<CaseSchedule> => (await caseRecord(number)).schedule;

/**
 * Opens a PREA emergency grievance filed so that its 48-hour limit passed `overdueMs` ago: the breach
 * alert goes at once, and the first escalation two hours after it unless it is acknowledged.
 */
async function openOverduePreaGrievance(number: string, overdueMs: number): Promise<void> {
  const now = Date.now();
  const opened = await api('POST', '/cases/grievance', {
    caseNumber: number,
    facility: 'LARC',
    category: 'sexual-abuse',
    preaEmergency: true,
    incidentAt: new Date(now - PREA_LIMIT - overdueMs - HOUR).toISOString(),
  });
  expect(opened.status).toBe(201);
  const filed = await api('POST', `/cases/grievance/${number}/events/grievance-filed`, {
    at: new Date(now - PREA_LIMIT - overdueMs).toISOString(),
    by: 'S-0100',
  });
  expect(filed.status).toBe(200);
}

const about = (number: string) => (m: InboxMessage) => m.subject.includes(number);
const ackLinkIn = (message: InboxMessage): string => {
  const match = /Acknowledge:\s*(\S+)/.exec(message.text);
  if (!match?.[1]) throw new Error(`no acknowledgement link in "${message.subject}"`);
  return match[1];
};

/** Timers a case's run has started and neither fired nor cancelled, read from its history in Temporal. */
async function openTimers(workflowId: string): Promise<number> {
  const connection = await Connection.connect({ address: `127.0.0.1:${stack.ports.temporal}` });
  try {
    const history = await new Client({ connection }).workflow.getHandle(workflowId).fetchHistory();
    const open = new Set<string>();
    for (const event of history.events ?? []) {
      const started = event.timerStartedEventAttributes?.timerId;
      const ended = event.timerFiredEventAttributes?.timerId ?? event.timerCanceledEventAttributes?.timerId;
      if (started) open.add(started);
      if (ended) open.delete(ended);
    }
    return open.size;
  } finally {
    await connection.close();
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}

beforeAll(async () => {
  stack = await startShippedStack();
  browser = await launchChromium();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
}, 60_000);

test('a case system opens a grievance and records its events over HTTP; a refused event changes nothing', async () => {
  const number = caseNumber('RTS');
  const now = Date.now();
  expect(
    (
      await api('POST', '/cases/grievance', {
        caseNumber: number,
        facility: 'LARC',
        category: 'general',
        incidentAt: new Date(now - 24 * HOUR).toISOString(),
      })
    ).status,
  ).toBe(201);
  const submitted = await api('POST', `/cases/grievance/${number}/events/rts-submitted`, {
    at: new Date(now).toISOString(),
    by: 'S-0100',
  });
  expect(submitted.status).toBe(200);
  const before = await caseRecord(number);
  expect(before.schedule.deadlines.map((d) => d.key)).toContain('rts.response');

  // Out of order: a grievance cannot be filed before the RTS was answered.
  const refused = await api('POST', `/cases/grievance/${number}/events/grievance-filed`, {
    at: new Date(now).toISOString(),
    by: 'S-0100',
  });
  expect(refused.status).toBe(422);
  const refusal = (await refused.json()) as { error: { code: string; message: string } };
  expect(refusal.error.code).toBe('INFORMAL_RESOLUTION_REQUIRED');
  expect(refusal.error.message).toMatch(/Request to Staff response first \(OP-090124 §III\.E\.9/);
  expect(await caseRecord(number)).toEqual(before);
}, 60_000);

test('a supervisor acknowledges a breach alert from the inbox in one click; the escalation stops; a tampered link changes nothing', async () => {
  const acknowledged = caseNumber('ACK');
  const control = caseNumber('CTL');
  await openOverduePreaGrievance(acknowledged, HOUR);
  await openOverduePreaGrievance(control, HOUR);

  const [alert] = await waitForMessages(stack.urls.inbox, about(acknowledged), 1, 60_000);
  expect(alert!.subject).toMatch(/^OVERDUE: prea\.emergency\.initial-response/);
  const link = ackLinkIn(alert!);
  const [controlAlert] = await waitForMessages(stack.urls.inbox, about(control), 1, 60_000);

  const page = await browser.newPage();
  // A tampered link: the control case's link with one character of its signature changed.
  const tampered = new URL(ackLinkIn(controlAlert!));
  const token = tampered.searchParams.get('t') ?? '';
  expect(token.length).toBeGreaterThan(20);
  const flipAt = token.length - 3;
  tampered.searchParams.set(
    't',
    token.slice(0, flipAt) + (token[flipAt] === 'A' ? 'B' : 'A') + token.slice(flipAt + 1),
  );
  const tamperedResponse = await page.goto(tampered.toString());
  expect(tamperedResponse?.status()).toBe(403);
  expect(await page.getByRole('button', { name: 'Acknowledge' }).count()).toBe(0);
  await screenshot(page, 'ack-tampered');

  // The real link: the page shows what will be acknowledged and asks for nothing but one click.
  const shown = await page.goto(link);
  expect(shown?.status()).toBe(200);
  await page.getByText(acknowledged).first().waitFor();
  expect(await page.locator('input[type=password]').count()).toBe(0);
  expect((await caseView(acknowledged)).deadlines.find((d) => d.acknowledged)).toBeUndefined();
  await screenshot(page, 'ack-page');
  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await page.getByText('Acknowledged').first().waitFor({ timeout: 30_000 });
  await screenshot(page, 'ack-done');

  const after = await caseView(acknowledged);
  const deadline = after.deadlines.find((d) => d.key === 'prea.emergency.initial-response');
  expect(deadline?.acknowledged?.by).toMatch(/^LARC-S\d+$/);
  // The tampered link acknowledged nothing.
  expect(
    (await caseView(control)).deadlines.find((d) => d.key === 'prea.emergency.initial-response')
      ?.acknowledged,
  ).toBeUndefined();

  // The same link again: already used.
  const repost = await fetch(new URL(link).origin + new URL(link).pathname, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: new URL(link).searchParams.get('t') ?? '' }).toString(),
  });
  expect(repost.status).toBe(409);

  // Both cases were alike until the click: the control still waits on its first escalation, two hours
  // after its alert; the acknowledged case's escalation timer was cancelled by the acknowledgement.
  // (The control's timer starts once its alert's activity has completed, a moment after the mail.)
  let difference = 0;
  for (let attempt = 0; attempt < 20 && difference !== 1; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 500));
    difference = (await openTimers(`grievance-${control}`)) - (await openTimers(`grievance-${acknowledged}`));
  }
  expect(difference).toBe(1);

  // An operator's dashboard sees the alerts, labelled by case type, facility and kind only.
  const metrics = await (await fetch(`http://127.0.0.1:${stack.ports.workerMetrics}/metrics`)).text();
  expect(metrics).toMatch(/^docket_notices_sent_total\{[^}]*kind="breach"[^}]*\} [1-9]/m);
  expect(metrics).not.toContain('GRV-ACC');
  await page.close();
}, 300_000);

test('an administrator finds a case in the Temporal UI and reads it decoded', async () => {
  const number = caseNumber('UI');
  const now = Date.now();
  await api('POST', '/cases/grievance', {
    caseNumber: number,
    facility: 'LARC',
    category: 'general',
    incidentAt: new Date(now - 24 * HOUR).toISOString(),
  });
  const submitted = await api('POST', `/cases/grievance/${number}/events/rts-submitted`, {
    at: new Date(now).toISOString(),
    by: 'S-0100',
  });
  expect(submitted.status).toBe(200);
  const { schedule } = (await submitted.json()) as { schedule: CaseSchedule };
  const rts = schedule.deadlines.find((d) => d.key === 'rts.response');
  expect(rts).toBeDefined();

  // A fresh browser, as an administrator opening the printed address for the first time.
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const query = encodeURIComponent(`CaseType="grievance" AND Facility="LARC"`);
  await page.goto(`${stack.urls.ui}/namespaces/default/workflows?query=${query}`);
  const workflowId = `grievance-${number}`;
  const link = page.getByRole('link', { name: workflowId });
  for (
    let attempt = 0;
    attempt < 30 &&
    !(await link
      .first()
      .isVisible()
      .catch(() => false));
    attempt++
  ) {
    await page.waitForTimeout(1_000);
    await page.reload();
  }
  await link.first().click();
  await page.waitForURL(/\/workflows\/grievance-/);
  await page
    .getByText(`reminder (half-time): rts.response due ${rts!.localText}`)
    .first()
    .waitFor({ timeout: 30_000 });
  await screenshot(page, 'ui-history');

  const details = await openUserMetadata(page);
  await details.getByText(`Next: rts.response due ${rts!.localText}`).first().waitFor({ timeout: 30_000 });
  expect(
    await details
      .getByText(/OP-090124 §III\.E\.10\.b/)
      .first()
      .isVisible(),
  ).toBe(true);
  await screenshot(page, 'ui-details');

  const body = await page.locator('body').innerText();
  expect(body).not.toContain('Decoding failed');
  expect(body).not.toMatch(/Codec Server could not connect/i);
  expect(body).not.toContain('No Current Details');
  await context.close();
}, 180_000);
