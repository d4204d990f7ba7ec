// The HTTP API end to end on the official dev server: each endpoint's success and each error path,
// with a real worker, real schedules, real mail and the encrypting data converter.
import { signAckLink } from '../../activities/ack-link';
import type { CaseView } from '../../workflows/case-messages';
import type { TimelineEvent } from '../../workflows/deadlines';
import { decodedText, findLeaks } from '../confidentiality/support';
import {
  type ApiResponse,
  apiTestbedPerFile,
  DAY,
  eventually,
  grievanceIntake,
  iso,
  newCaseNumber,
} from './support';

const bed = apiTestbedPerFile();

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
interface CaseRecord {
  schedule: CaseView;
  timeline: TimelineEvent[];
}

function expectError(response: ApiResponse, status: number, code: string): ErrorBody['error'] {
  expect({ status: response.status, code: (response.body as unknown as ErrorBody)?.error?.code }).toEqual({
    status,
    code,
  });
  const { error } = response.body as unknown as ErrorBody;
  expect(typeof error.message).toBe('string');
  return error;
}

const deadline = (view: CaseView, key: string) => {
  const found = view.deadlines.find((d) => d.key === key);
  if (!found) throw new Error(`no ${key} in ${view.deadlines.map((d) => d.key).join(', ')}`);
  return found;
};

async function openCase(overrides: Parameters<typeof grievanceIntake>[0] = {}) {
  const intake = grievanceIntake(overrides);
  const response = await bed().call('POST', '/cases/grievance', { as: 'caseSystem', body: intake });
  expect(response.status).toBe(201);
  return { intake, caseNumber: intake.caseNumber, path: `/cases/grievance/${intake.caseNumber}` };
}

const getCase = async (path: string): Promise<CaseRecord> => {
  const response = await bed().call<CaseRecord>('GET', path, { as: 'caseSystem' });
  expect(response.status).toBe(200);
  return response.body;
};

const record = (path: string, event: string, body: unknown, headers: Record<string, string> = {}) =>
  bed().call<{ schedule: CaseView }>('POST', `${path}/events/${event}`, { as: 'caseSystem', body, headers });

/** A grievance past informal resolution, waiting for the formal filing. */
async function openAwaitingFiling() {
  const opened = await openCase();
  const now = Date.now();
  expect((await record(opened.path, 'rts-submitted', { at: iso(now - 60_000), by: 'S-0100' })).status).toBe(
    200,
  );
  const responded = await record(opened.path, 'rts-responded', { at: iso(now - 30_000), by: 'S-0101' });
  expect(responded.status).toBe(200);
  expect(responded.body.schedule.stage).toBe('awaiting-filing');
  return { ...opened, view: responded.body.schedule };
}

/** A grievance whose RTS response (a staff deadline) was already missed: breached at once. */
async function openBreached(facility = 'LARC') {
  const now = Date.now();
  const opened = await openCase({ facility, incidentAt: iso(now - 24 * DAY) });
  const submitted = await record(opened.path, 'rts-submitted', { at: iso(now - 22 * DAY), by: 'S-0100' });
  expect(submitted.status).toBe(200);
  const view = await eventually(async () => {
    const { schedule } = await getCase(opened.path);
    return deadline(schedule, 'rts.response').state === 'breached' ? schedule : undefined;
  }, 'rts.response to be breached');
  return { ...opened, view };
}

const PARTIES = [
  {
    id: 'P-0001',
    role: 'complainant',
    name: 'Marisol Quintanilla-Brightwater',
    email: 'mq@home.example.net',
  },
  { id: 'P-0002', role: 'respondent', name: 'Thaddeus Okonkwo-Lindqvist', email: 'tol@home.example.net' },
];

/** A Title IX report: its parties' names and addresses are exactly what must never leak. */
async function openTitleIx(facility = 'ACSD') {
  const caseNumber = newCaseNumber('T9');
  const intake = {
    caseNumber,
    facility,
    reportReceivedAt: iso(Date.now() - DAY),
    coordinatorId: 'S-T9C',
    parties: PARTIES,
  };
  const response = await bed().call('POST', '/cases/title-ix', { as: 'caseSystem', body: intake });
  expect(response.status).toBe(201);
  return { caseNumber, intake };
}

describe('POST /cases/:caseType', () => {
  test('201 opens, the same intake again is 200 with the same case, a different intake is 409', async () => {
    const intake = grievanceIntake();
    const first = await bed().call('POST', '/cases/grievance', { as: 'caseSystem', body: intake });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({
      caseType: 'grievance',
      caseNumber: intake.caseNumber,
      workflowId: `grievance-${intake.caseNumber}`,
      created: true,
    });
    expect(first.headers.get('location')).toBe(`/cases/grievance/${intake.caseNumber}`);

    const again = await bed().call('POST', '/cases/grievance', { as: 'caseSystem', body: { ...intake } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ workflowId: `grievance-${intake.caseNumber}`, created: false });

    const conflict = await bed().call('POST', '/cases/grievance', {
      as: 'caseSystem',
      body: { ...intake, category: 'medical' },
    });
    const error = expectError(conflict, 409, 'CASE_CONFLICT');
    expect(error.details).toMatchObject({ caseNumber: intake.caseNumber });
    // Still the first intake's case.
    const { schedule } = await getCase(`/cases/grievance/${intake.caseNumber}`);
    expect(schedule.caseNumber).toBe(intake.caseNumber);
  });

  test('422 for an invalid intake, naming the field; 422 for a non-grievable matter, naming rule and source', async () => {
    const invalid = await bed().call('POST', '/cases/grievance', {
      as: 'caseSystem',
      body: { ...grievanceIntake(), caseNumber: 'John Smith' },
    });
    expect(expectError(invalid, 422, 'INVALID_INPUT').details).toEqual({ field: 'caseNumber' });

    // A year the calendars cannot count from is refused here, before any case starts: opened, it
    // would fail the case's first schedule after the API had answered 201.
    const ancient = grievanceIntake({ incidentAt: '0000-01-01T00:00:00Z' });
    const outOfRange = await bed().call('POST', '/cases/grievance', { as: 'caseSystem', body: ancient });
    const yearError = expectError(outOfRange, 422, 'INVALID_INPUT');
    expect(yearError.details).toEqual({ field: 'incidentAt' });
    expect(yearError.message).toContain('a year from 1901 to 2099');
    await expect(bed().docket.handle('grievance', ancient.caseNumber).describe()).rejects.toThrow(
      /not found/i,
    );

    // So is a setting the policy does not know: opened, the case's first schedule would refuse it.
    const unknownSetting = grievanceIntake({ settings: { '': '1' } });
    const settingRefused = await bed().call('POST', '/cases/grievance', {
      as: 'caseSystem',
      body: unknownSetting,
    });
    const settingError = expectError(settingRefused, 422, 'INVALID_SETTING');
    expect(settingError.message).toMatch(/^unknown setting '' for ok-doc-grievance \(known: /);
    expect(settingError.details).toMatchObject({ field: 'settings.' });
    await expect(bed().docket.handle('grievance', unknownSetting.caseNumber).describe()).rejects.toThrow(
      /not found/i,
    );

    const intake = grievanceIntake({ disciplinaryMatter: true });
    const refused = await bed().call('POST', '/cases/grievance', { as: 'caseSystem', body: intake });
    const error = expectError(refused, 422, 'NOT_GRIEVABLE');
    expect(error.message).toMatch(/OP-090124 §III\.E\.2/);
    expect(error.details).toMatchObject({
      rule: 'non-grievable',
      source: expect.stringMatching(/OP-090124 §III\.E\.2/),
    });
    // No workflow was created for it.
    await expect(bed().docket.handle('grievance', intake.caseNumber).describe()).rejects.toThrow(
      /not found/i,
    );
  });

  test('404 for an unknown case type, listing the known ones; 400 for a body that is not JSON', async () => {
    const unknown = await bed().call('POST', '/cases/parking-ticket', {
      as: 'caseSystem',
      body: grievanceIntake(),
    });
    expect(expectError(unknown, 404, 'UNKNOWN_CASE_TYPE').details).toEqual({
      known: expect.arrayContaining(['grievance']),
    });
    const malformed = await bed().call('POST', '/cases/grievance', {
      as: 'caseSystem',
      rawBody: '{"caseNumber": ',
      headers: { 'content-type': 'application/json' },
    });
    expectError(malformed, 400, 'MALFORMED_JSON');
    const notJson = await bed().call('POST', '/cases/grievance', {
      as: 'caseSystem',
      rawBody: 'caseNumber=GRV-1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(notJson, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('events, and GET /cases/:caseType/:caseNumber', () => {
  test('an event is recorded through its Update; the case shows its schedule and timeline', async () => {
    const { path, caseNumber } = await openCase();
    const recorded = await record(path, 'rts-submitted', { at: iso(Date.now() - 60_000), by: 'S-0100' });
    expect(recorded.status).toBe(200);
    expect(recorded.body.schedule.stage).toBe('informal');
    expect(deadline(recorded.body.schedule, 'rts.response')).toMatchObject({
      state: 'pending',
      responsibleRole: 'rts.responder',
      source: expect.stringMatching(/OP-090124 §III\.E\.10\.b/),
    });

    const shown = await getCase(path);
    expect(shown.schedule).toMatchObject({
      caseNumber,
      caseType: 'grievance',
      facility: 'LARC',
      stage: 'informal',
    });
    expect(shown.schedule.deadlines.map((d) => d.key)).toEqual(
      expect.arrayContaining(['rts.filing', 'rts.response']),
    );
    expect(shown.timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['opened', 'rts.submitted']));
    expect(shown.timeline.find((e) => e.type === 'rts.submitted')?.actor).toBe('S-0100');
  });

  test('a refused event is 422 with the rule, the limit and its source, and leaves no trace', async () => {
    const now = Date.now();
    // The formal grievance is due 15 calendar days after the RTS response (§III.E.12.a); here the
    // response came 18 days ago. The case stays open until the 60-day absolute limit, so it can refuse.
    const { path } = await openCase({ incidentAt: iso(now - 20 * DAY) });
    expect((await record(path, 'rts-submitted', { at: iso(now - 19 * DAY), by: 'S-0100' })).status).toBe(200);
    expect((await record(path, 'rts-responded', { at: iso(now - 18 * DAY), by: 'S-0101' })).status).toBe(200);
    const before = await getCase(path);
    const late = await record(path, 'grievance-filed', { at: iso(now - 60_000), by: 'S-0102' });
    const error = expectError(late, 422, 'DEADLINE_PASSED');
    expect(error.message).toMatch(/grievance\.filing: .* is after the deadline .*OP-090124 §III\.E\.12\.a/);
    expect(error.details).toMatchObject({
      key: 'grievance.filing',
      rule: expect.stringMatching(/15 calendar days/),
      dueAt: deadline(before.schedule, 'grievance.filing').dueAt,
      source: expect.stringMatching(/OP-090124 §III\.E\.12\.a/),
    });
    const after = await getCase(path);
    // The back-dated RTS was already past its response limit when it was recorded, so its breach
    // alert may still be on its way and land in the timeline meanwhile: that is the earlier step's
    // notice, not a trace of the refused event.
    const withoutNotices = (timeline: typeof before.timeline) =>
      timeline.filter((e) => e.type !== 'notice.sent');
    expect(withoutNotices(after.timeline)).toEqual(withoutNotices(before.timeline));
    expect(after.schedule).toEqual(before.schedule);
    expect(after.schedule.stage).toBe('awaiting-filing');
  });

  test('out of order is 422 naming the rule; a bad payload is 422 naming the field', async () => {
    const { path } = await openCase();
    const outOfOrder = await record(path, 'grievance-filed', { at: iso(Date.now() - 60_000), by: 'S-0102' });
    expect(expectError(outOfOrder, 422, 'INFORMAL_RESOLUTION_REQUIRED').message).toMatch(/§III\.E\.9/);

    const badPayload = await record(path, 'rts-submitted', { at: 'yesterday', by: 'S-0100' });
    expect(expectError(badPayload, 422, 'INVALID_INPUT').details).toEqual({ field: 'at' });
    const future = await record(path, 'rts-submitted', { at: iso(Date.now() + 2 * DAY), by: 'S-0100' });
    expectError(future, 422, 'EVENT_IN_FUTURE');
    expect((await getCase(path)).timeline.map((e) => e.type)).not.toContain('rts.submitted');
  });

  test('the involved employee may not decide: 422 CONFLICT_OF_INTEREST with the rule and source', async () => {
    const { path } = await openAwaitingFiling();
    expect(
      (await record(path, 'grievance-filed', { at: iso(Date.now() - 10_000), by: 'S-0102' })).status,
    ).toBe(200);
    const decided = await record(path, 'decision-issued', {
      at: iso(Date.now()),
      by: 'S-0666',
      outcome: 'denied',
    });
    const error = expectError(decided, 422, 'CONFLICT_OF_INTEREST');
    expect(error.details).toMatchObject({
      field: 'by',
      value: 'S-0666',
      source: expect.stringMatching(/§III\.E\.5/),
    });
  });

  test('404 for an unknown event (listing the known ones) and for an unknown case', async () => {
    const { path } = await openCase();
    const unknownEvent = await record(path, 'appeal-to-governor', { at: iso(Date.now()), by: 'S-0100' });
    const error = expectError(unknownEvent, 404, 'UNKNOWN_EVENT');
    expect(error.details?.known).toEqual(
      expect.arrayContaining([
        'rts-submitted',
        'rts-responded',
        'grievance-filed',
        'decision-issued',
        'withdrawn',
      ]),
    );
    const missing = `/cases/grievance/${newCaseNumber()}`;
    expectError(
      await record(missing, 'rts-submitted', { at: iso(Date.now()), by: 'S-0100' }),
      404,
      'CASE_NOT_FOUND',
    );
    expectError(await bed().call('GET', missing, { as: 'caseSystem' }), 404, 'CASE_NOT_FOUND');
    expectError(
      await bed().call('GET', '/cases/grievance/not%20a%20number', { as: 'caseSystem' }),
      404,
      'CASE_NOT_FOUND',
    );
  });

  test('an Idempotency-Key makes a retry return the first outcome instead of recording twice', async () => {
    const { path } = await openCase();
    const body = { at: iso(Date.now() - 60_000), by: 'S-0100' };
    const headers = { 'idempotency-key': 'cms-req-0001' };
    const first = await record(path, 'rts-submitted', body, headers);
    const retry = await record(path, 'rts-submitted', body, headers);
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    const { timeline } = await getCase(path);
    expect(timeline.filter((e) => e.type === 'rts.submitted')).toHaveLength(1);
    // Without the key, the same event again is refused as a duplicate.
    expectError(await record(path, 'rts-submitted', body), 422, 'DUPLICATE_EVENT');
    expectError(
      await record(path, 'rts-submitted', body, { 'idempotency-key': 'has spaces' }),
      400,
      'INVALID_IDEMPOTENCY_KEY',
    );
  });

  test('a closed case is 409 CASE_CLOSED for further events, and still readable', async () => {
    const { path } = await openCase();
    const withdrawn = await record(path, 'withdrawn', { at: iso(Date.now() - 1_000), by: 'S-0100' });
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.schedule).toMatchObject({ stage: 'withdrawn', closed: true });
    await eventually(async () => {
      const described = await bed()
        .docket.handle('grievance', path.split('/').pop() as string)
        .describe();
      return described.status.name === 'COMPLETED' ? true : undefined;
    }, 'the workflow to complete');
    const after = await record(path, 'rts-submitted', { at: iso(Date.now() - 1_000), by: 'S-0100' });
    expectError(after, 409, 'CASE_CLOSED');
    expect((await getCase(path)).schedule.stage).toBe('withdrawn');
  });
});

describe('POST /cases/:caseType/:caseNumber/extensions', () => {
  test('an extension within the cap is granted; past the cap is 422 with the cap, the limit and the source', async () => {
    const { path, view } = await openAwaitingFiling();
    const absolute = deadline(view, 'grievance.filing.absolute');
    const withinCap = iso(Date.parse(absolute.dueAt as string) - DAY);
    const extension = {
      key: 'grievance.filing',
      dueAt: withinCap,
      reason: 'inmate hospitalised during the filing period',
      approverRole: 'reviewing-authority',
      approvedBy: 'S-0200',
      at: iso(Date.now() - 1_000),
    };
    const granted = await bed().call<{ schedule: CaseView }>('POST', `${path}/extensions`, {
      as: 'caseSystem',
      body: extension,
    });
    expect(granted.status).toBe(200);
    expect(deadline(granted.body.schedule, 'grievance.filing')).toMatchObject({ state: 'extended' });
    expect(Date.parse(deadline(granted.body.schedule, 'grievance.filing').dueAt as string)).toBe(
      Date.parse(withinCap),
    );

    const overCap = await bed().call('POST', `${path}/extensions`, {
      as: 'caseSystem',
      body: {
        ...extension,
        dueAt: iso(Date.parse(absolute.dueAt as string) + 10 * DAY),
        reason: 'more time',
      },
    });
    const error = expectError(overCap, 422, 'EXTENSION_OVER_CAP');
    expect(error.message).toMatch(/exceeds the cap .*court, deputy-director, director/);
    expect(error.details).toMatchObject({
      capAt: expect.any(String),
      limit: expect.objectContaining({ amount: 60 }),
      source: expect.stringMatching(/§III\.E\.12/),
    });
    const shown = await getCase(path);
    expect(shown.timeline.filter((e) => e.type === 'deadline.extended')).toHaveLength(1);

    const invalid = await bed().call('POST', `${path}/extensions`, {
      as: 'caseSystem',
      body: { ...extension, reason: '' },
    });
    expect(expectError(invalid, 422, 'INVALID_INPUT').details).toEqual({ field: 'reason' });
  });
});

describe('acknowledging breach alerts', () => {
  test('POST acknowledgements stops the alert; again is 422 ALREADY_ACKNOWLEDGED; nothing breached is 422', async () => {
    const { path } = await openBreached();
    const notBreached = await bed().call('POST', `${path}/acknowledgements`, {
      as: 'supervisor',
      body: { key: 'rts.filing', by: 'S-0400' },
    });
    expectError(notBreached, 422, 'NOTHING_TO_ACKNOWLEDGE');

    const acknowledged = await bed().call<{ schedule: CaseView }>('POST', `${path}/acknowledgements`, {
      as: 'supervisor',
      body: { key: 'rts.response', by: 'S-0400' },
    });
    expect(acknowledged.status).toBe(200);
    expect(deadline(acknowledged.body.schedule, 'rts.response').acknowledged?.by).toBe('S-0400');
    const again = await bed().call('POST', `${path}/acknowledgements`, {
      as: 'supervisor',
      body: { key: 'rts.response', by: 'S-0401' },
    });
    expect(expectError(again, 422, 'ALREADY_ACKNOWLEDGED').message).toMatch(/already acknowledged by S-0400/);
  });

  test("each supervisor's alert has a link of their own: opening it changes nothing; altered is 403, expired 410; its button acknowledges as that recipient; again is 409", async () => {
    // ACSD's rts.responder escalates to a supervisor role with two recipients.
    const { path, caseNumber } = await openBreached('ACSD');
    const alerts = await eventually(async () => {
      const found = bed().smtp.messages.filter(
        (m) => m.text.includes(caseNumber) && /Deadline missed/.test(m.text),
      );
      return found.length >= 2 ? found : undefined;
    }, 'the breach alert to both supervisors');
    expect(alerts).toHaveLength(2);
    const linkTo = (address: string): string => {
      const alert = alerts.find((m) => m.envelope.to.join() === address);
      const link = /Acknowledge: (\S+)/.exec(alert?.text ?? '')?.[1] as string;
      expect(link.startsWith(`${bed().url}/ack?t=`)).toBe(true);
      return link;
    };
    const mine = linkTo('supervisor@acsd.example.org');
    const backup = linkTo('supervisor.backup@acsd.example.org');
    expect(mine).not.toBe(backup);
    const tokenOf = (link: string) => new URL(link).searchParams.get('t') as string;
    const acknowledged = async () => deadline((await getCase(path)).schedule, 'rts.response').acknowledged;
    const timelineTypes = async () => (await getCase(path)).timeline.map((e) => e.type);
    const timelineBefore = await timelineTypes();
    const unchanged = async () => {
      expect(await acknowledged()).toBeUndefined();
      expect(await timelineTypes()).toEqual(timelineBefore);
    };
    const post = (t: string) =>
      fetch(`${bed().url}/ack`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ t }).toString(),
      });
    const expectPage = async (response: Response, status: number, ...texts: string[]) => {
      const html = await response.text();
      expect({ status: response.status, type: response.headers.get('content-type') }).toEqual({
        status,
        type: 'text/html; charset=utf-8',
      });
      expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      for (const text of texts) expect(html).toContain(text);
      return html;
    };

    // Opening the link (as a mail scanner would) shows what would be acknowledged, and changes nothing.
    const { schedule } = await getCase(path);
    const html = await expectPage(
      await fetch(mine),
      200,
      'grievance',
      caseNumber,
      'rts.response',
      deadline(schedule, 'rts.response').localText,
      'ACSD-S012',
      '<form method="post" action="ack">',
      '<button type="submit">Acknowledge</button>',
    );
    expect(html).not.toMatch(/password|API key|name="by"|name="token"/i);
    expect((await fetch(mine)).status).toBe(200);
    await unchanged();

    // Altered: another recipient written into the payload, the MAC kept; or the MAC itself changed.
    const [payload, mac] = tokenOf(mine).split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const reassigned = `${Buffer.from(JSON.stringify({ ...claims, to: 'ACSD-S004' })).toString('base64url')}.${mac}`;
    const macBytes = Buffer.from(mac, 'base64url');
    macBytes[0] = (macBytes[0] as number) ^ 0xff;
    const badMac = `${payload}.${macBytes.toString('base64url')}`;
    for (const t of [reassigned, badMac, '', 'not-a-token']) {
      await expectPage(await fetch(`${bed().url}/ack?t=${encodeURIComponent(t)}`), 403, 'ACK_LINK_INVALID');
      await expectPage(await post(t), 403, 'ACK_LINK_INVALID');
    }
    await expectPage(await fetch(`${bed().url}/ack`), 403, 'ACK_LINK_INVALID');
    await unchanged();

    // Expired: signed with the worker's key, but past its expiry.
    const expired = signAckLink(
      {
        workflowId: `grievance-${caseNumber}`,
        deadline: 'rts.response',
        recipientId: 'ACSD-S012',
        noticeKey: 'rts.response/breach/1',
        expiresAt: new Date(Date.now() - 1_000),
      },
      bed().ackLinkKey,
    );
    await expectPage(await fetch(`${bed().url}/ack?t=${expired}`), 410, 'ACK_LINK_EXPIRED');
    await expectPage(await post(expired), 410, 'ACK_LINK_EXPIRED');
    await unchanged();

    // The button: acknowledged by the recipient the link names, nobody else.
    await expectPage(await post(tokenOf(mine)), 200, 'Acknowledged', 'ACSD-S012', caseNumber);
    expect((await acknowledged())?.by).toBe('ACSD-S012');
    const record = await getCase(path);
    expect(record.timeline.filter((e) => e.type === 'alert.acknowledged')).toEqual([
      expect.objectContaining({ actor: 'ACSD-S012' }),
    ]);

    // Used again, or the other supervisor's link: 409 with the case's own refusal; nothing changes.
    await expectPage(
      await post(tokenOf(mine)),
      409,
      'ALREADY_ACKNOWLEDGED',
      'already acknowledged by ACSD-S012',
    );
    await expectPage(await post(tokenOf(backup)), 409, 'ALREADY_ACKNOWLEDGED');
    await expectPage(await fetch(backup), 409, 'ALREADY_ACKNOWLEDGED', 'ACSD-S012');
    const after = await getCase(path);
    expect(after.timeline).toEqual(record.timeline);

    // A genuine signature on a case that does not exist.
    const missing = signAckLink(
      {
        workflowId: `grievance-${newCaseNumber()}`,
        deadline: 'rts.response',
        recipientId: 'ACSD-S012',
        noticeKey: 'rts.response/breach/1',
        expiresAt: new Date(Date.now() + 60_000),
      },
      bed().ackLinkKey,
    );
    await expectPage(await fetch(`${bed().url}/ack?t=${missing}`), 404, 'CASE_NOT_FOUND');
    await expectPage(await post(missing), 404, 'CASE_NOT_FOUND');

    // The API's log lines never carry a token.
    const logs = bed().apiLogLines.join('\n');
    for (const t of [tokenOf(mine), tokenOf(backup), expired]) expect(logs).not.toContain(t.split('.')[1]);
  });
});

describe('GET /deadlines/due', () => {
  test('filters by facility, case type, state and due date, from visibility', async () => {
    // Facilities of their own, so cases from other tests in this file cannot match.
    const suffix = newCaseNumber('F').slice(2, 8);
    const [north, south] = [`N${suffix}`, `S${suffix}`];
    const now = Date.now();
    // rts.filing (7 calendar days after the incident) is each case's next deadline.
    const soon = await openCase({ facility: north, incidentAt: iso(now - 5 * DAY) });
    const later = await openCase({ facility: north, incidentAt: iso(now - 1 * DAY) });
    const elsewhere = await openCase({ facility: south, incidentAt: iso(now - 5 * DAY) });
    const breached = await openBreached(north);
    const titleIx = await openTitleIx(north);
    const dueBefore = iso(now + 4 * DAY);

    type Due = {
      cases: Array<{
        caseType: string;
        caseNumber: string;
        facility: string;
        deadlineState: string;
        nextDeadline: string | null;
        nextDeadlineLocal: string | null;
      }>;
      query: string;
    };
    const due = (query: string) => bed().call<Due>('GET', `/deadlines/due?${query}`, { as: 'supervisor' });
    const numbers = (response: ApiResponse<Due>) => response.body.cases.map((c) => c.caseNumber).sort();
    const settle = async (query: string, expected: string[]) =>
      eventually(
        async () => {
          const response = await due(query);
          expect(response.status).toBe(200);
          return JSON.stringify(numbers(response)) === JSON.stringify([...expected].sort())
            ? response
            : undefined;
        },
        `deadlines due for ${query} to be ${expected.join(', ')}`,
      );

    const grievances = `facility=${north}&caseType=grievance`;
    const byFacility = await settle(`facility=${north}`, [
      soon.caseNumber,
      later.caseNumber,
      breached.caseNumber,
      titleIx.caseNumber,
    ]);
    expect(byFacility.body.query).toMatch(new RegExp(`Facility = '${north}'`));
    await settle(`facility=${south}`, [elsewhere.caseNumber]);
    const byType = await settle(grievances, [soon.caseNumber, later.caseNumber, breached.caseNumber]);
    expect(byType.body.query).toMatch(/CaseType IN \('grievance'\)/);
    // Sorted by next deadline, cases without an open one last.
    expect(byType.body.cases.map((c) => c.caseNumber)).toEqual([
      soon.caseNumber,
      later.caseNumber,
      breached.caseNumber,
    ]);
    // Each next deadline also as the case's calendar shows it: day-based, so 23:59 in Chicago.
    const first = byType.body.cases[0] ?? { nextDeadline: null, nextDeadlineLocal: null };
    expect(first.nextDeadlineLocal).toMatch(/^\d{4}-\d{2}-\d{2} 23:59 C[SD]T$/);
    expect(first.nextDeadlineLocal?.slice(0, 10)).toBe(
      new Date(first.nextDeadline ?? '').toLocaleDateString('en-CA', { timeZone: 'America/Chicago' }),
    );
    const otherType = await settle(`facility=${north}&caseType=title-ix`, [titleIx.caseNumber]);
    expect(otherType.body.cases[0]).toMatchObject({ caseType: 'title-ix', facility: north });
    await settle(`facility=${north}&caseType=grievance,title-ix`, numbers(byFacility));
    await settle(`${grievances}&dueBefore=${encodeURIComponent(dueBefore)}`, [soon.caseNumber]);
    const onlyBreached = await settle(`${grievances}&state=breached`, [breached.caseNumber]);
    expect(onlyBreached.body.cases[0]).toMatchObject({ deadlineState: 'breached', facility: north });
    await settle(`${grievances}&state=on-track,at-risk`, [soon.caseNumber, later.caseNumber]);

    expectError(await due('caseType=parking-ticket'), 422, 'INVALID_INPUT');
    expectError(await due('state=late'), 422, 'INVALID_INPUT');
    expectError(await due('dueBefore=next%20week'), 422, 'INVALID_INPUT');
    expectError(await due("facility=LARC'%20OR%20'1'='1"), 422, 'INVALID_INPUT');
    expectError(await due('limit=0'), 422, 'INVALID_INPUT');
  });
});

describe('docs, health, and what reaches logs and history', () => {
  test('/docs and /docs/openapi.json describe every case type, event and route, without a credential', async () => {
    const spec = await bed().call<{
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    }>('GET', '/docs/openapi.json');
    expect(spec.status).toBe(200);
    expect(spec.body.openapi).toBe('3.1.0');
    for (const event of [
      'rts-submitted',
      'rts-responded',
      'grievance-filed',
      'initial-response',
      'decision-issued',
      'withdrawn',
      'service-recorded',
    ]) {
      expect(spec.body.paths).toHaveProperty([`/cases/grievance/{caseNumber}/events/${event}`, 'post']);
    }
    expect(spec.body.paths['/cases/grievance/{caseNumber}/events/decision-issued']?.post).toMatchObject({
      'x-docket-roles': ['case-system', 'administrator'],
    });
    expect(spec.body.components.schemas).toHaveProperty([
      'GrievanceIntake',
      'properties',
      'caseNumber',
      'pattern',
    ]);
    for (const path of [
      '/cases/discipline/{caseNumber}/events/hearing-concluded',
      '/cases/title-ix/{caseNumber}/events/determination-issued',
      '/cases/probation/{caseNumber}/events/action-recorded',
    ]) {
      expect(spec.body.paths).toHaveProperty([path, 'post']);
    }
    // The acknowledgement pages answer HTML only, need no key, and take the signed token alone.
    const ack = spec.body.paths['/ack'] as Record<
      'get' | 'post',
      {
        security: unknown[];
        parameters?: Array<{ name: string; in: string; required: boolean }>;
        requestBody?: { content: Record<string, { schema: { required: string[] } }> };
        responses: Record<string, { content: Record<string, unknown> }>;
      }
    >;
    for (const method of ['get', 'post'] as const) {
      expect(ack[method].security).toEqual([]);
      expect(Object.keys(ack[method].responses)).toEqual(
        expect.arrayContaining(['200', '403', '404', '409', '410']),
      );
      for (const response of Object.values(ack[method].responses)) {
        expect(Object.keys(response.content)).toEqual(['text/html']);
      }
    }
    expect(ack.get.parameters).toEqual([expect.objectContaining({ name: 't', in: 'query', required: true })]);
    expect(Object.keys(ack.post.requestBody?.content ?? {})).toEqual(['application/x-www-form-urlencoded']);
    expect(ack.post.requestBody?.content['application/x-www-form-urlencoded']?.schema.required).toEqual([
      't',
    ]);

    const page = await fetch(`${bed().url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('/cases/grievance/{caseNumber}/events/rts-submitted');

    const health = await bed().call('GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'reachable' } });
    expectError(await bed().call('GET', '/no/such/route', { as: 'administrator' }), 404, 'ROUTE_NOT_FOUND');
  });

  test('request logs carry opaque fields only; a note never reaches a log line or the stored history', async () => {
    const note = 'inmate Bartholomew Quixley-Ravensworth says officer Delphine Abernathy-Coyle struck him';
    const { path, caseNumber } = await openCase();
    const logStart = bed().apiLogLines.length;
    expect(
      (await record(path, 'rts-submitted', { at: iso(Date.now() - 60_000), by: 'S-0100', note })).status,
    ).toBe(200);
    // A refused and a malformed request quote nothing either.
    await record(path, 'rts-submitted', { at: iso(Date.now() - 60_000), by: 'S-0100', note });
    await bed().call('POST', `${path}/events/rts-responded`, {
      as: 'caseSystem',
      rawBody: `{"note": "${note}"`,
      headers: { 'content-type': 'application/json' },
    });
    // A request's log line is written once its response has gone out: wait for all three.
    const lines = await eventually(async () => {
      const written = bed()
        .apiLogLines.slice(logStart)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      return written.length >= 3 ? written : undefined;
    }, 'three log lines');
    expect(lines.map((l) => [l.status, l.code ?? null])).toEqual([
      [200, null],
      [422, 'DUPLICATE_EVENT'],
      [400, 'MALFORMED_JSON'],
    ]);
    expect(lines[0]).toMatchObject({
      route: '/cases/:caseType/:caseNumber/events/:event',
      caseType: 'grievance',
      caseNumber,
      event: 'rts-submitted',
      keyId: 'cms-test',
    });
    for (const secret of ['Bartholomew', 'Quixley', 'Abernathy', 'struck']) {
      expect(bed().apiLogLines.join('\n')).not.toContain(secret);
    }
    // The note went into the case, readable through the codec, but the server holds it encrypted.
    const history = await bed().rawClient.workflow.getHandle(`grievance-${caseNumber}`).fetchHistory();
    expect(await decodedText(history, bed().codec)).toContain(note);
    expect(findLeaks(history, [note, 'Quixley-Ravensworth'])).toEqual([]);
  });

  test("a Title IX report opened through the API: the parties' names reach neither logs nor stored history", async () => {
    const logStart = bed().apiLogLines.length;
    const { caseNumber } = await openTitleIx();
    const shown = await bed().call<CaseRecord>('GET', `/cases/title-ix/${caseNumber}`, {
      as: 'titleIxAdministrator',
    });
    expect(shown.status).toBe(200);
    expect(shown.body.schedule).toMatchObject({ caseType: 'title-ix', caseNumber });
    const secrets = PARTIES.flatMap((p) => [p.name, p.email]);
    const logs = bed().apiLogLines.slice(logStart).join('\n');
    expect(logs).toContain(caseNumber);
    for (const secret of secrets) expect(logs).not.toContain(secret);
    const history = await bed().rawClient.workflow.getHandle(`title-ix-${caseNumber}`).fetchHistory();
    expect(await decodedText(history, bed().codec)).toContain(PARTIES[0]?.name);
    expect(findLeaks(history, secrets)).toEqual([]);
  });
});
