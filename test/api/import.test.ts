// POST /cases/import on the real stack: a result per line, the same refusals as the single-case
// operations, a re-sent batch resumes where it stopped, and a key's case types hold line by line.
import { apiTestbedPerFile, DAY, grievanceIntake, HOUR, iso } from './support';

const bed = apiTestbedPerFile();

interface ImportAnswer {
  summary: { lines: number; imported: number; rejected: number };
  results: Array<{
    line: number;
    status: string;
    caseNumber?: string;
    created?: boolean;
    recorded: number;
    skipped: number;
    rejection?: {
      code: string;
      message: string;
      details?: Record<string, unknown>;
      state?: Record<string, unknown>;
    };
  }>;
}

const timelineTypes = async (caseNumber: string) =>
  (await bed().docket.timeline('grievance', caseNumber)).map((e) => e.type);

test('a result per line; the fixed batch re-sent resumes the stuck case and records nothing twice', async () => {
  const now = Date.now();
  const good = grievanceIntake({ incidentAt: iso(now - 3 * DAY) });
  const stuck = grievanceIntake({ incidentAt: iso(now - 3 * DAY) });
  const submitted = { event: 'rts-submitted', at: iso(now - 2 * DAY), by: 'S-0100' };
  const responded = { event: 'rts-responded', at: iso(now - DAY), by: 'S-0101' };
  const filed = { event: 'grievance-filed', at: iso(now - HOUR), by: 'S-0100' };
  const batch = [
    { caseType: 'grievance', intake: good, events: [submitted, responded, filed] },
    { caseType: 'grievance', intake: stuck, events: [submitted, filed] },
    { caseType: 'grievance', intake: { ...good, caseNumber: 'grv-1' }, events: [] },
    42,
    {
      caseType: 'grievance',
      intake: grievanceIntake(),
      events: [{ event: 'teleported', at: iso(now), by: 'S-1' }],
    },
  ];
  const first = await bed().call<ImportAnswer>('POST', '/cases/import', {
    as: 'caseSystem',
    body: { lines: batch },
  });
  expect(first.status).toBe(200);
  expect(first.body.summary).toEqual({ lines: 5, imported: 1, rejected: 4 });
  const [ok, refused, badNumber, notObject, unknownEvent] = first.body.results;
  expect(ok).toMatchObject({ line: 1, status: 'imported', created: true, recorded: 3, skipped: 0 });
  expect(refused).toMatchObject({
    line: 2,
    status: 'rejected',
    caseNumber: stuck.caseNumber,
    recorded: 1,
    rejection: {
      code: 'INFORMAL_RESOLUTION_REQUIRED',
      state: {
        opened: true,
        recordedEvents: 1,
        refusedEvent: { index: 1, event: 'grievance-filed' },
        stage: 'informal',
      },
    },
  });
  // The same refusal the single-event operation gives.
  const single = await bed().call<{ error: { code: string; message: string } }>(
    'POST',
    `/cases/grievance/${stuck.caseNumber}/events/grievance-filed`,
    { as: 'caseSystem', body: { at: filed.at, by: filed.by } },
  );
  expect([single.status, single.body.error.code, single.body.error.message]).toEqual([
    422,
    refused?.rejection?.code,
    refused?.rejection?.message,
  ]);
  expect(badNumber?.rejection).toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringMatching(/caseNumber: an opaque case number/),
    state: { opened: false },
  });
  expect(notObject?.rejection).toMatchObject({
    code: 'INVALID_INPUT',
    message: expect.stringMatching(/^import line:/),
  });
  expect(unknownEvent?.rejection).toMatchObject({
    code: 'UNKNOWN_EVENT',
    state: { opened: true, recordedEvents: 0, refusedEvent: { index: 0, event: 'teleported' } },
  });
  expect(await timelineTypes(stuck.caseNumber)).not.toContain('grievance.filed');

  const fixed = [batch[0], { caseType: 'grievance', intake: stuck, events: [submitted, responded, filed] }];
  const second = await bed().call<ImportAnswer>('POST', '/cases/import', {
    as: 'caseSystem',
    body: { lines: fixed },
  });
  expect(second.status).toBe(200);
  expect(second.body.summary).toEqual({ lines: 2, imported: 2, rejected: 0 });
  expect(second.body.results).toEqual([
    expect.objectContaining({ status: 'imported', created: false, recorded: 0, skipped: 3 }),
    expect.objectContaining({ status: 'imported', created: false, recorded: 2, skipped: 1 }),
  ]);
  const types = await timelineTypes(stuck.caseNumber);
  expect(types.filter((t) => t === 'rts.submitted')).toHaveLength(1);
  expect(types).toEqual(expect.arrayContaining(['rts.responded', 'grievance.filed']));
}, 120_000);

test("a key's case types hold line by line; a malformed batch changes nothing", async () => {
  const intake = grievanceIntake();
  const scoped = await bed().call<ImportAnswer>('POST', '/cases/import', {
    as: 'titleIxAdministrator',
    body: { lines: [{ caseType: 'grievance', intake, events: [] }] },
  });
  expect(scoped.status).toBe(200);
  expect(scoped.body.results[0]?.rejection).toMatchObject({
    code: 'FORBIDDEN',
    details: { field: 'caseType', value: 'grievance' },
    state: { opened: false },
  });
  await expect(bed().docket.handle('grievance', intake.caseNumber).describe()).rejects.toThrow(/not found/i);

  const empty = await bed().call<{ error: { code: string; details: { field: string } } }>(
    'POST',
    '/cases/import',
    {
      as: 'administrator',
      body: { lines: [] },
    },
  );
  expect([empty.status, empty.body.error.code, empty.body.error.details.field]).toEqual([
    422,
    'INVALID_INPUT',
    'lines',
  ]);
  const tooMany = await bed().call<{ error: { code: string } }>('POST', '/cases/import', {
    as: 'administrator',
    body: {
      lines: Array.from({ length: 501 }, () => ({
        caseType: 'grievance',
        intake: grievanceIntake(),
        events: [],
      })),
    },
  });
  expect([tooMany.status, tooMany.body.error.code]).toEqual([422, 'INVALID_INPUT']);

  const doc = await bed().call<{ paths: Record<string, Record<string, { 'x-docket-roles': string[] }>> }>(
    'GET',
    '/docs/openapi.json',
  );
  expect(doc.body.paths['/cases/import']?.post?.['x-docket-roles']).toEqual(['case-system', 'administrator']);
}, 60_000);
