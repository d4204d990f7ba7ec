// An event whose workflow task fails: the server aborts its Update, so nothing is recorded, and the
// same Update ID sent again reaches the case afresh. The import reports it with its own code (never
// INTERNAL), and a re-run records it under that same ID once the case can take it. The failure is
// made real and deterministic on a real dev server: the `Stage` search attribute the case upserts on
// its answered Request to Staff is removed from the namespace, so the server fails the workflow task
// (BadSearchAttributes) that carries the Update; it is added back before the re-run.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { importKey } from '../../client/import/importer';
import { startCliBed, type CliBed } from '../helpers/cli';

let bed: CliBed;
const dir = mkdtempSync(path.join(tmpdir(), 'docket-import-aborted-'));

beforeAll(async () => {
  bed = await startCliBed('docket-import-aborted');
}, 120_000);

afterAll(async () => {
  await bed?.teardown();
});

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();

async function setStageAttribute(present: boolean): Promise<void> {
  const operator = bed.env.connection.operatorService;
  if (present) {
    await operator.addSearchAttributes({
      namespace: 'default',
      searchAttributes: { Stage: temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD },
    });
  } else {
    await operator.removeSearchAttributes({ namespace: 'default', searchAttributes: ['Stage'] });
  }
  const listed = await operator.listSearchAttributes({ namespace: 'default' });
  expect(Object.keys(listed.customAttributes ?? {}).includes('Stage')).toBe(present);
}

/** The Update IDs the case's history holds as accepted, and how many of its workflow tasks failed. */
async function historyOf(caseNumber: string): Promise<{ accepted: string[]; failedTasks: number }> {
  const events = (await bed.docket.handle('grievance', caseNumber).fetchHistory()).events ?? [];
  return {
    accepted: events.flatMap(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ?? [],
    ),
    failedTasks: events.filter((e) => e.workflowTaskFailedEventAttributes).length,
  };
}

test('an event whose workflow task failed is rejected as UPDATE_ABORTED, not INTERNAL; the re-run records it under the same Update ID', async () => {
  const now = Date.now();
  const number = `GRV-${randomBytes(5).toString('hex').toUpperCase()}`;
  const submitted = { event: 'rts-submitted', at: iso(now - 48 * HOUR), by: 'S-0100' };
  const responded = { event: 'rts-responded', at: iso(now - 24 * HOUR), by: 'S-0101' };
  const line = {
    caseType: 'grievance',
    intake: { caseNumber: number, facility: 'LARC', category: 'general', incidentAt: iso(now - 72 * HOUR) },
    events: [submitted, responded],
  };
  // The case is open with its first event recorded, as an earlier import left it.
  await bed.docket.openCase('grievance', line.intake);
  const { event: firstName, ...firstPayload } = submitted;
  await bed.docket.recordEvent('grievance', number, firstName, firstPayload, {
    idempotencyKey: importKey(submitted),
  });
  const respondedId = `rts-responded:${importKey(responded)}`;

  await setStageAttribute(false);
  try {
    // The API's path: one send, answered with the stable code and nothing recorded.
    const { event: name, ...payload } = responded;
    const direct = await bed.docket
      .recordEvent('grievance', number, name, payload, { idempotencyKey: importKey(responded) })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(direct).toMatchObject({ name: 'DocketClientError', code: 'UPDATE_ABORTED' });
    expect((direct as Error).message).toMatch(/nothing was recorded; retry with the same Idempotency-Key/);

    const file = path.join(dir, 'cases.jsonl');
    writeFileSync(file, `${JSON.stringify(line)}\n`);
    const first = await bed.cli('cases', 'import', file, '--json');
    expect(first.status).toBe(2);
    const [rejected] = readFileSync(path.join(dir, 'cases.rejects.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { rejected: { code: string; message: string; state: unknown } });
    expect(rejected?.rejected).toMatchObject({
      code: 'UPDATE_ABORTED',
      state: { opened: true, recordedEvents: 1, refusedEvent: { index: 1, event: 'rts-responded' } },
    });
    const during = await historyOf(number);
    expect(during.accepted).not.toContain(respondedId);
    // The direct send and the import's three sends of the same ID each reached the case.
    expect(during.failedTasks).toBeGreaterThanOrEqual(4);
  } finally {
    await setStageAttribute(true);
  }

  const rerun = await bed.cli('cases', 'import', path.join(dir, 'cases.rejects.jsonl'), '--json');
  expect(rerun.stderr).not.toMatch(/not imported/);
  expect(rerun.status).toBe(0);
  expect(JSON.parse(rerun.stdout)).toMatchObject({
    summary: { imported: 1, rejected: 0, opened: 0, resumed: 1, eventsRecorded: 1, eventsSkipped: 1 },
  });
  const after = await historyOf(number);
  expect(after.accepted.filter((id) => id === respondedId)).toHaveLength(1);
  expect(
    (await bed.docket.timeline('grievance', number)).filter((e) => e.type === 'rts.responded'),
  ).toHaveLength(1);
}, 180_000);
