// A long-lived contract record and the records archive on the official dev server, through the real
// client, worker and HTTP API: the run that hands over at continue-as-new is archived before it
// leaves, readable while the record lives on; once the contract has ended and Temporal has deleted
// the workflow (`temporal workflow delete`, what the namespace's retention does later) the record
// reads back with every run's timeline, and its contract number cannot be opened as a new case, through
// the client or over HTTP.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/common';
import { CaseArchive } from '../../activities/archive';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from '../../activities/archive-sqlite';
import { type CaseRecord } from '../../client/cases';
import { DocketClientError } from '../../client/errors';
import { clientErrorStatusOf } from '../../server/api/errors';
import { generateKey, Keyring } from '../../infra/keys';
import type { ContractView } from '../../workflows/contract';
import { DAY, eventually, HOUR, iso, newCaseNumber, startApiTestbed, type ApiTestbed } from '../api/support';
import { deleteWorkflow } from '../helpers/temporal';

const codecKey = generateKey();
const keyring = Keyring.fromSpec({ current: 'api-test', keys: { 'api-test': codecKey } });
const archiveFile = path.join(mkdtempSync(path.join(tmpdir(), 'docket-contract-runs-')), SQLITE_ARCHIVE_FILE);

let bed: ApiTestbed;
beforeAll(async () => {
  const archive = new CaseArchive(openSqliteArchiveStore(archiveFile), keyring, {
    messageIdDomain: 'docket.example.org',
  });
  bed = await startApiTestbed({ codecKey, archive });
}, 180_000);
afterAll(async () => {
  await bed?.teardown();
});

/** Deletes the workflow as the namespace's retention eventually does, with the pinned Temporal CLI. */
async function deleteFromTemporal(workflowId: string): Promise<void> {
  const deleted = deleteWorkflow(bed.env.address, workflowId);
  expect(deleted.status).toBe(0);
  // Deletion is asynchronous: the dev server removes a closed workflow some 30 seconds later.
  await eventually(
    () =>
      bed.docket.temporal.workflow
        .getHandle(workflowId)
        .describe()
        .then(
          () => undefined,
          (err: unknown) => {
            if (err instanceof WorkflowNotFoundError) return true;
            throw err;
          },
        ),
    `${workflowId} deleted`,
    120_000,
  );
}

const contractNumber = newCaseNumber('ILC');
const intake = { contractNumber, facility: 'NC-PWF', continueAsNewAtEvents: 100 };
const HEADINGS = ['a', 'b', 'a', 'b', 'a', 'b', 'c', 'a', 'b', 'd'] as const;

test('the run a contract record hands over at continue-as-new is archived; after deletion its number is refused', async () => {
  const d = bed.docket;
  const now = Date.now();
  const opened = await d.openCase('contract', intake);
  const handle = d.handle('contract', contractNumber);
  const firstRunId = (await handle.describe()).runId;

  // Ten violations dated in the past: their warning letters' answers are long overdue, so no timer
  // near the present holds the handover back.
  for (const [i, heading] of HEADINGS.entries()) {
    await d.recordEvent('contract', contractNumber, 'violation-confirmed', {
      at: iso(now - (70 - i) * DAY),
      by: 'S-0800',
      heading,
      reference: `R-${i + 1}`,
    });
  }
  await eventually(
    async () => ((await handle.describe()).runId !== firstRunId ? true : undefined),
    'the hand-over to a new run',
    120_000,
  );
  const live = (await d.schedule('contract', contractNumber)) as ContractView;
  expect(live.contract.violations.map((v) => v.reference)).toEqual(HEADINGS.map((_, i) => `R-${i + 1}`));

  // The run that left is in the archive, with the violations and timeline it held.
  const reader = new CaseArchive(openSqliteArchiveStore(archiveFile), keyring);
  const archived = await reader.read({ caseType: 'contract', caseNumber: contractNumber });
  expect(archived?.runs[0]).toMatchObject({ runId: firstRunId, segment: 'continued' });
  expect(archived?.index.closedAt).toBeNull();
  const outgoing = archived?.record.snapshot;
  expect(outgoing).toMatchObject({ runId: firstRunId, segment: 'continued', policyId: 'nc-doc-contract' });
  // It holds the violations confirmed before the hand-over (the history grows past 100 events part
  // way through the ten), each as the live record still shows it, and their timeline.
  const carried = (outgoing?.view as ContractView).contract.violations.map(
    (v) => `${v.id}:${v.heading}${v.position}:${v.reference}`,
  );
  const shown = live.contract.violations.map((v) => `${v.id}:${v.heading}${v.position}:${v.reference}`);
  expect(carried.length).toBeGreaterThanOrEqual(2);
  expect(carried).toEqual(shown.slice(0, carried.length));
  expect(outgoing?.timeline.filter((e) => e.type === 'violation.confirmed')).toHaveLength(carried.length);
  // A record still open, with runs in the archive, is its own case: opening it again is idempotent.
  expect(await d.openCase('contract', { ...intake })).toMatchObject({ ...opened, created: false });

  const ended = await d.recordEvent('contract', contractNumber, 'contract-ended', {
    at: iso(now - HOUR),
    by: 'S-0800',
    reason: 'terminated',
  });
  expect(ended.closed).toBe(true);
  await handle.result();
  // A query that reaches the worker while it evicts the run that just closed can be dropped by the SDK
  // (it logs "leftover buffered tasks when evicting run") and times out. A caller asks again.
  const closedLive = await eventually(
    () =>
      d.getCase('contract', contractNumber).catch((err: unknown) => {
        if (err instanceof DocketClientError && err.code === 'TEMPORAL_TIMEOUT') return undefined;
        throw err;
      }),
    'the closed record, read from Temporal',
    90_000,
  );
  await deleteFromTemporal(opened.workflowId);

  // Every run's timeline reads back from the archive once Temporal no longer has the workflow.
  const api = await bed.call<CaseRecord>('GET', `/cases/contract/${contractNumber}`, { as: 'caseSystem' });
  expect(api.status).toBe(200);
  expect(api.body.source).toBe('archive');
  expect(api.body.archive?.runs).toBeGreaterThanOrEqual(2);
  expect(api.body.schedule).toEqual(JSON.parse(JSON.stringify(closedLive.schedule)));
  const types = api.body.timeline.map((e) => e.type);
  expect(types.filter((t) => t === 'violation.confirmed')).toHaveLength(10);
  expect(types).toContain('contract.ended');

  // The number names the archived case: neither the client nor the API opens a new one over it.
  const refused = await d.openCase('contract', { ...intake }).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(DocketClientError);
  expect(clientErrorStatusOf(refused as DocketClientError)).toBe(409);
  expect(refused).toMatchObject({
    code: 'CASE_CONFLICT',
    details: { caseNumber: contractNumber },
  });
  const message = new RegExp(`contract case ${contractNumber} is closed \\(.*\\) and archived`);
  expect((refused as Error).message).toMatch(message);
  const http = await bed.call<{ error: { code: string; message: string } }>('POST', '/cases/contract', {
    as: 'caseSystem',
    body: { contractNumber, facility: 'NC-PWF' },
  });
  expect(http.status).toBe(409);
  expect(http.body.error.code).toBe('CASE_CONFLICT');
  expect(http.body.error.message).toMatch(message);
  // Nothing was started under the number.
  await expect(handle.describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
}, 300_000);
