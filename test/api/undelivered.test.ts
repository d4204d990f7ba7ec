// GET /notices/undelivered against the real stack (dev server, worker, relay): a notice the relay
// keeps deferring is listed as retrying, with its attempts, last failure and next attempt, straight
// from Temporal's pending activity; a notice the relay refused for good is listed as failed, with the
// administrators' alert about it. Administrators only; filters are checked.
import { openDueAt } from '../faults/support';
import { eventually, newCaseNumber, startApiTestbed, type ApiTestbed } from './support';
import type { UndeliveredNotices } from '../../client/undelivered';

let bed: ApiTestbed;
beforeAll(async () => {
  bed = await startApiTestbed();
}, 180_000);
afterAll(async () => {
  bed?.smtp.clear();
  await bed?.teardown();
});

const BREACH = 'prea.emergency.initial-response/breach/1';

test('a notice being retried and one given up, each with what Temporal knows of it', async () => {
  // Refused for good (550): the case records the failure and alerts the administrators.
  const refused = newCaseNumber('FLT');
  bed.smtp.replyNext(550);
  await openDueAt(bed.docket, refused, Date.now() + 3_000);
  await eventually(
    async () =>
      (await bed.docket.timeline('grievance', refused)).some((e) => e.type === 'admin.alerted') || undefined,
    'the administrators alert about the refused notice',
    60_000,
  );

  // Deferred (451) at every attempt: Temporal keeps retrying it.
  const deferred = newCaseNumber('FLT');
  bed.smtp.replyNext(451, 1_000);
  await openDueAt(bed.docket, deferred, Date.now() + 3_000);
  const listed = await eventually(
    async () => {
      const response = await bed.call<UndeliveredNotices>('GET', '/notices/undelivered', {
        as: 'administrator',
      });
      expect(response.status).toBe(200);
      const retrying = response.body.notices.find((n) => n.caseNumber === deferred && (n.attempts ?? 0) >= 2);
      return retrying ? response.body : undefined;
    },
    'the deferred notice to be retried',
    60_000,
  );
  bed.smtp.clear();

  expect(listed.source).toMatch(/^Temporal: running cases from visibility/);
  expect(listed.timelineUnavailable).toEqual([]);
  expect(listed.notices.find((n) => n.caseNumber === deferred)).toMatchObject({
    caseType: 'grievance',
    workflowId: `grievance-${deferred}`,
    state: 'retrying',
    activity: 'sendNotice',
    noticeKey: BREACH,
    lastFailure: { type: 'SMTP_TRANSIENT', message: expect.stringMatching(/451/) },
    nextAttemptAt: expect.stringMatching(/^\d{4}-/),
    giveUpAt: expect.stringMatching(/^\d{4}-/),
    failedAt: null,
    administrators: null,
  });
  expect(listed.notices.filter((n) => n.caseNumber === refused)).toEqual([
    {
      caseType: 'grievance',
      caseNumber: refused,
      workflowId: `grievance-${refused}`,
      state: 'failed',
      activity: 'sendNotice',
      noticeKey: BREACH,
      attempts: null,
      lastFailure: { type: 'SMTP_PERMANENT', message: 'breach to reviewing-authority: SMTP_PERMANENT' },
      nextAttemptAt: null,
      giveUpAt: null,
      failedAt: expect.stringMatching(/^\d{4}-/),
      administrators: 'alerted',
    },
  ]);

  // Another case type's view has neither; a bad limit is refused with the field named.
  const titleIx = await bed.call<UndeliveredNotices>('GET', '/notices/undelivered?caseType=title-ix', {
    as: 'administrator',
  });
  expect(titleIx.status).toBe(200);
  expect(titleIx.body.notices.filter((n) => n.caseType === 'grievance')).toEqual([]);
  const bad = await bed.call<{ error: { code: string; details: { field: string } } }>(
    'GET',
    '/notices/undelivered?limit=0',
    { as: 'administrator' },
  );
  expect([bad.status, bad.body.error.code, bad.body.error.details.field]).toEqual([
    422,
    'INVALID_INPUT',
    'limit',
  ]);
  const unknown = await bed.call<{ error: { code: string } }>('GET', '/notices/undelivered?caseType=parole', {
    as: 'administrator',
  });
  expect([unknown.status, unknown.body.error.code]).toEqual([422, 'INVALID_INPUT']);
}, 180_000);

test('the route is in the OpenAPI document, for administrators, with its response schema', async () => {
  const spec = await bed.call<{
    paths: Record<
      string,
      Record<string, { 'x-docket-roles'?: string[]; responses?: Record<string, unknown> }>
    >;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  }>('GET', '/docs/openapi.json');
  expect(spec.body.paths['/notices/undelivered']?.get?.['x-docket-roles']).toEqual(['administrator']);
  expect(Object.keys(spec.body.components.schemas.UndeliveredNotices?.properties ?? {}).sort()).toEqual([
    'casesScanned',
    'notices',
    'source',
    'timelineUnavailable',
    'truncated',
  ]);
});
