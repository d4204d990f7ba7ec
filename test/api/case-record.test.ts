// The court-ready record on the real stack: the sample grievance (a PREA emergency filed 50 hours
// ago, its 48-hour initial response breached and alerted by real email), printed to PDF by the API in
// Debian's Chromium, read back with pdftotext. Administrators only; a case Temporal no longer has is
// printed from the records archive, which the document says.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/common';
import { noticeMessageId, recipientMessageId } from '../../activities/notifications';
import { parseConfig } from '../../infra/config';
import { ApiAuth, parseApiKeysEnv } from '../../server/api/auth';
import { buildApi } from '../../server/api/server';
import { apiTestbedPerFile, DAY, eventually, HOUR, iso, newCaseNumber } from './support';

const bed = apiTestbedPerFile();

const DOMAIN = 'docket.example.org';
const dir = mkdtempSync(path.join(tmpdir(), 'docket-record-'));

/**
 * The PDF's text (pdftotext from poppler-utils; scripts/ensure-poppler.sh), without whitespace: a
 * long cell wraps where the table's width says, so the text is compared without the line breaks.
 */
function pdfText(pdf: Buffer, name: string): string {
  const file = path.join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  const pdftotext = process.env.DOCKET_PDFTOTEXT ?? 'pdftotext';
  return flat(execFileSync(pdftotext, ['-raw', file, '-'], { encoding: 'utf8' }));
}

const flat = (text: string): string => text.replace(/\s+/g, '');
const literal = (text: string): string => flat(text).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** Parts that follow one another in the whitespace-free text, with anything between them. */
const inOrder = (...parts: string[]): RegExp => new RegExp(parts.map(literal).join('.*?'));

async function recordPdf(
  caseNumber: string,
  as: 'administrator' | 'caseSystem' | 'supervisor' = 'administrator',
): Promise<{ status: number; type: string | null; body: Buffer }> {
  const response = await fetch(`${bed().url}/cases/grievance/${caseNumber}/record.pdf`, {
    headers: { authorization: `Bearer ${bed().tokens[as]}` },
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  };
}

test("the sample grievance's record: events with who and when, the breached deadline with its rule, source and acknowledgement, the alert's Message-ID", async () => {
  const caseNumber = newCaseNumber('GRV');
  const now = Date.now();
  const filedAt = iso(now - 50 * HOUR);
  await bed().docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'sexual-abuse',
    preaEmergency: true,
    incidentAt: iso(now - 3 * DAY),
  });
  await bed().docket.recordEvent('grievance', caseNumber, 'grievance-filed', { at: filedAt, by: 'S-0100' });
  const key = 'prea.emergency.initial-response';
  const alert = await eventually(
    async () =>
      bed().smtp.messages.find(
        (m) => m.header('x-docket-notice-key') === `${key}/breach/1` && m.text.includes(caseNumber),
      ),
    'the breach alert email',
    30_000,
  );
  await bed().docket.acknowledge('grievance', caseNumber, { key, by: 'S-0400' });
  const respondedAt = iso(Date.now() - 60_000);
  const view = await bed().docket.recordEvent('grievance', caseNumber, 'initial-response', {
    at: respondedAt,
    by: 'S-0101',
  });
  const deadline = view.deadlines.find((d) => d.key === key);

  const pdf = await recordPdf(caseNumber);
  expect([pdf.status, pdf.type]).toEqual([200, 'application/pdf']);
  expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
  const text = pdfText(pdf.body, caseNumber);

  expect(text).toContain(flat(`Case record: grievance ${caseNumber}`));
  expect(text).toContain(flat('Source the case’s workflow in Temporal (live)'));
  expect(text).toMatch(inOrder('Produced', 'by API key admin-test (administrator)'));
  // Each event with its instant and who recorded it.
  expect(text).toMatch(inOrder(filedAt, 'grievance.filed', 'S-0100'));
  expect(text).toMatch(inOrder(respondedAt, 'grievance.initial-response', 'S-0101'));
  expect(text).toMatch(inOrder('alert.acknowledged', 'S-0400'));
  // The breached deadline: rule, source, due time, explanation, outcome, breach, acknowledgement.
  expect(deadline?.breachedAt).toBeDefined();
  expect(text).toMatch(
    inOrder(
      `${key} — met late`,
      'Rule An emergency grievance alleging a substantial risk of imminent sexual abuse gets an initial response within 48 hours',
      'Source 28 CFR 115.52(f)(2)',
      `Due ${deadline?.localText} (${deadline?.dueAt})`,
      'Responsible reviewing-authority',
      `Explanation ${deadline?.explanation}`,
      'Outcome met late',
      `Met at ${deadline?.metAt}`,
      `Breached at ${deadline?.breachedAt}`,
      `Alert acknowledged by S-0400 at ${deadline?.acknowledged?.at}`,
    ),
  );
  // The alert went out under the notice's Message-ID: one message per recipient, derived from it
  // (the reviewing authority's breach goes to the facility head, LARC-S004).
  const noticeId = noticeMessageId(`grievance-${caseNumber}`, `${key}/breach/1`, DOMAIN);
  expect(text).toMatch(inOrder(`${key}/breach/1`, 'breach', 'facility-head', 'sent to 1', noticeId));
  expect(alert.messageId).toBe(recipientMessageId(noticeId, 'LARC-S004', DOMAIN));
  expect(text).toContain(flat('No notices owed to someone without email.'));
}, 120_000);

test('an extension names its approver and reason; a proof of service names who served it, when and how', async () => {
  const caseNumber = newCaseNumber('GRV');
  const now = Date.now();
  await bed().docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'sexual-abuse',
    incidentAt: iso(now - 3 * DAY),
  });
  const filed = await bed().docket.recordEvent('grievance', caseNumber, 'grievance-filed', {
    at: iso(now - DAY),
    by: 'S-0100',
  });
  const final = filed.deadlines.find((d) => d.key === 'prea.final-decision');
  const extended = await bed().docket.extend('grievance', caseNumber, {
    key: 'prea.final-decision',
    dueAt: iso(Date.parse(final?.dueAt as string) + 30 * DAY),
    reason: 'forensic report outstanding',
    approverRole: 'administrative-review-authority',
    approvedBy: 'S-0300',
    at: iso(Date.now()),
  });
  const extension = extended.deadlines.find((d) => d.key === 'prea.final-decision')?.extensions[0];
  const task = extended.serviceTasks[0];
  expect(task).toBeDefined();
  const servedAt = iso(Date.now() - 1_000);
  await bed().docket.recordEvent('grievance', caseNumber, 'service-recorded', {
    task: task?.task,
    servedBy: 'S-0700',
    at: servedAt,
    method: 'in-person',
  });

  const text = pdfText((await recordPdf(caseNumber)).body, `${caseNumber}-extended`);
  expect(text).toMatch(
    inOrder(
      'prea.final-decision — extended',
      'Outcome extended',
      `Extension Extended to ${extension?.dueAt} by S-0300 (administrative-review-authority) at ${extension?.grantedAt}: forensic report outstanding`,
    ),
  );
  expect(text).toMatch(
    inOrder(task?.task ?? '?', task?.document ?? '?', 'inmate', `served by S-0700 at ${servedAt}, in-person`),
  );
}, 120_000);

/** Deletes the case's workflow as the namespace's retention would, with the pinned Temporal CLI. */
async function deleteFromTemporal(caseNumber: string): Promise<void> {
  const deleted = spawnSync(
    process.env.DOCKET_TEMPORAL_CLI as string,
    ['workflow', 'delete', '--workflow-id', `grievance-${caseNumber}`, '--address', bed().env.address],
    { encoding: 'utf8', timeout: 30_000 },
  );
  expect(deleted.status).toBe(0);
  // Deletion is asynchronous: the dev server removes a closed workflow some 30 seconds later.
  await eventually(
    () =>
      bed()
        .docket.handle('grievance', caseNumber)
        .describe()
        .then(
          () => undefined,
          (err: unknown) => (err instanceof WorkflowNotFoundError ? true : undefined),
        ),
    'Temporal to forget the workflow',
    120_000,
  );
}

test('administrators only; a case Temporal no longer has is printed from the records archive, which the record says', async () => {
  const caseNumber = newCaseNumber('GRV');
  await bed().docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: iso(Date.now() - DAY),
  });
  for (const as of ['caseSystem', 'supervisor'] as const) {
    const refused = await recordPdf(caseNumber, as);
    expect([
      refused.status,
      (JSON.parse(refused.body.toString()) as { error: { code: string } }).error.code,
    ]).toEqual([403, 'FORBIDDEN']);
  }
  const withdrawnAt = iso(Date.now() - 1_000);
  await bed().docket.recordEvent('grievance', caseNumber, 'withdrawn', { at: withdrawnAt, by: 'S-0100' });
  await eventually(
    async () =>
      (await bed().docket.handle('grievance', caseNumber).describe()).status.name === 'COMPLETED'
        ? true
        : undefined,
    'the case to close',
  );
  await deleteFromTemporal(caseNumber);

  const text = pdfText((await recordPdf(caseNumber)).body, `${caseNumber}-archived`);
  expect(text).toContain(flat(`Case record: grievance ${caseNumber}`));
  expect(text).toMatch(
    inOrder('Source the records archive (Temporal no longer has the workflow); archived 20'),
  );
  expect(text).toMatch(inOrder(withdrawnAt, 'S-0100'));
  expect(text).toMatch(inOrder('Stage', '(closed'));
  const missing = await recordPdf(newCaseNumber('GRV'));
  expect([
    missing.status,
    (JSON.parse(missing.body.toString()) as { error: { code: string } }).error.code,
  ]).toEqual([404, 'CASE_NOT_FOUND']);
}, 240_000);

test('a Chromium that cannot start is 503 RECORD_RENDERER_UNAVAILABLE naming the setting; DOCKET_CHROMIUM sets it', async () => {
  expect(parseConfig({}, { DOCKET_CHROMIUM: '/opt/chromium/chrome' }).records.chromiumPath).toBe(
    '/opt/chromium/chrome',
  );
  const token = 'r'.repeat(32);
  const app = buildApi({
    docket: bed().docket,
    auth: new ApiAuth(parseApiKeysEnv(`admin-broken:administrator:${token}`)),
    ackLinkKey: bed().ackLinkKey,
    caseRecords: { messageIdDomain: DOMAIN, chromiumPath: path.join(dir, 'no-chromium-here') },
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const caseNumber = newCaseNumber('GRV');
    await bed().docket.openCase('grievance', {
      caseNumber,
      facility: 'LARC',
      category: 'general',
      incidentAt: iso(Date.now() - DAY),
    });
    const response = await fetch(`${url}/cases/grievance/${caseNumber}/record.pdf`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect([response.status, body.error.code]).toEqual([503, 'RECORD_RENDERER_UNAVAILABLE']);
    expect(body.error.message).toMatch(
      /no-chromium-here could not be started .*records\.chromiumPath or DOCKET_CHROMIUM/,
    );
  } finally {
    await app.close();
  }
}, 60_000);
