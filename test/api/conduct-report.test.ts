// Staff conduct cases through the HTTP API on the official dev server (real time, real visibility),
// with a real worker, real schedules, real mail and the encrypting data converter: a report walks
// through the report, the start and the completion of the investigation; the people and the
// allegation reach neither the logs nor the stored history in the clear. Also the discipline case's
// refusal of a sanction term beyond the table, as a case system sees it.
import type { TimelineEvent } from '../../workflows/deadlines';
import type { ConductView } from '../../workflows/conduct-report';
import { decodedText, findLeaks } from '../confidentiality/support';
import { type ApiResponse, apiTestbedPerFile, DAY, eventually, iso, newCaseNumber } from './support';

const bed = apiTestbedPerFile();

const HOUR = 3_600_000;
interface CaseRecord {
  schedule: ConductView;
  timeline: TimelineEvent[];
}
interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}
const errorOf = (response: ApiResponse) => (response.body as unknown as ErrorBody).error;

const PERSON = 'P-8RT4W1';
const REPORTER = 'S-5101';
const ACCUSED = 'S-5102';
const CATEGORY = 'over-familiarity';

function reportIntake(caseNumber: string, now: number) {
  return {
    kind: 'report',
    caseNumber,
    category: CATEGORY,
    reporterId: REPORTER,
    reportedTo: 'supervisor',
    subjectEmployeeId: ACCUSED,
    person: {
      id: PERSON,
      status: 'discharged',
      dischargedAt: iso(now - 60 * DAY),
      contactAt: iso(now - 2 * DAY),
    },
    learnedAt: iso(now - 3 * HOUR),
    reportedAt: iso(now - 2 * HOUR),
  };
}

const hrMail = (caseNumber: string) =>
  bed().smtp.messages.filter(
    (m) => m.envelope.to.includes('hr@omes-pwp.example.org') && m.text.includes(caseNumber),
  );

test('a conduct report walks through the report, the start and the completion of the investigation, with mail to HR', async () => {
  const logStart = bed().apiLogLines.length;
  const now = Date.now();
  const caseNumber = newCaseNumber('CR');
  const path = `/cases/conduct-report/${caseNumber}`;
  const record = (event: string, body: unknown) =>
    bed().call<{ schedule: ConductView }>('POST', `${path}/events/${event}`, { as: 'caseSystem', body });

  const opened = await bed().call('POST', '/cases/conduct-report', {
    as: 'caseSystem',
    body: reportIntake(caseNumber, now),
  });
  expect(opened.status).toBe(201);
  expect(opened.headers.get('location')).toBe(path);
  const again = await bed().call('POST', '/cases/conduct-report', {
    as: 'caseSystem',
    body: reportIntake(caseNumber, now),
  });
  expect(again.status).toBe(200);

  // The report: its limits, each an agency setting citing seed 000; the ex-offender status explained.
  const shown = await eventually(async () => {
    const r = await bed().call<CaseRecord>('GET', path, { as: 'caseSystem' });
    return r.status === 200 && r.body.schedule.deadlines.length > 0 ? r.body : undefined;
  }, 'the first schedule');
  const view = shown.schedule;
  expect(view).toMatchObject({ caseType: 'conduct-report', stage: 'reported', policyId: 'omes-pwp-conduct' });
  const start = view.deadlines.find((d) => d.key === 'investigation.start');
  const completion = view.deadlines.find((d) => d.key === 'investigation.completion');
  expect(start?.source).toMatch(
    /^agency setting omes-pwp-conduct\.investigation-start \(default\): .*"will promptly investigate"/,
  );
  expect(completion?.source).toMatch(
    /^agency setting omes-pwp-conduct\.investigation-completion \(default\)/,
  );
  expect(view.conduct.report?.contact).toMatchObject({ status: 'ex-offender' });
  expect(view.conduct.report?.contact.explanation).toMatch(/date following it is day 1 of the 180 days/);

  // HR gets the report at once, by real mail, with the dates and no identities.
  await eventually(async () => (hrMail(caseNumber).length >= 1 ? true : undefined), 'the report to HR');
  const received = hrMail(caseNumber)[0]!;
  expect(received.subject).toBe(`ALERT: A report of prohibited conduct was received (case ${caseNumber})`);
  expect(received.text).toContain(`Start the investigation by ${start?.localText}`);
  expect(received.text).toContain(`complete it by ${completion?.localText}`);
  expect(received.text).toContain('an ex-offender at the time of contact');

  // Out of order and badly dated events are refused with the rule; nothing is recorded.
  const tooSoon = await record('investigation-completed', {
    at: iso(Date.now()),
    by: 'S-5900',
    finding: 'inconclusive',
  });
  expect(tooSoon.status).toBe(422);
  expect(errorOf(tooSoon).code).toBe('OUT_OF_ORDER');
  const beforeReport = await record('investigation-started', { at: iso(now - 3 * HOUR), by: 'S-5900' });
  expect(beforeReport.status).toBe(422);
  expect(errorOf(beforeReport)).toMatchObject({
    code: 'EVENT_OUT_OF_ORDER',
    details: { earlier: 'report.made' },
  });

  // The investigation starts; retaliation against the reporter alerts HR at once; it completes.
  const started = await record('investigation-started', { at: iso(Date.now() - 60_000), by: 'S-5900' });
  expect(started.status).toBe(200);
  expect(started.body.schedule.stage).toBe('investigating');
  expect(started.body.schedule.deadlines.find((d) => d.key === 'investigation.start')?.state).toBe('met');
  const retaliated = await record('retaliation-reported', {
    at: iso(Date.now() - 30_000),
    by: REPORTER,
    against: 'reporter',
  });
  expect(retaliated.status).toBe(200);
  await eventually(
    async () =>
      hrMail(caseNumber).some((m) => m.subject.startsWith('ALERT: Retaliation against the reporter'))
        ? true
        : undefined,
    'the retaliation alert',
  );
  const completed = await record('investigation-completed', {
    at: iso(Date.now()),
    by: 'S-5900',
    finding: 'substantiated',
  });
  expect(completed.status).toBe(200);
  expect(completed.body.schedule).toMatchObject({
    stage: 'investigated',
    closed: true,
    outcome: 'substantiated',
  });
  await eventually(async () => {
    const late = await record('retaliation-reported', {
      at: iso(Date.now()),
      by: REPORTER,
      against: 'witness',
    });
    return late.status === 409 ? errorOf(late) : undefined;
  }, 'the closed case to refuse').then((error) => expect(error.code).toBe('CASE_CLOSED'));

  // The people and the allegation reach neither the API's logs nor the stored history in the clear.
  const secrets = [PERSON, REPORTER, ACCUSED, CATEGORY];
  const logs = bed().apiLogLines.slice(logStart).join('\n');
  expect(logs).toContain(caseNumber);
  for (const secret of secrets) expect(logs).not.toContain(secret);
  const history = await bed().rawClient.workflow.getHandle(`conduct-report-${caseNumber}`).fetchHistory();
  expect(await decodedText(history, bed().codec)).toContain(PERSON);
  expect(findLeaks(history, secrets)).toEqual([]);
  for (const mail of hrMail(caseNumber))
    for (const secret of secrets) expect(mail.text).not.toContain(secret);
});

test('bad intake is refused naming the field; the disclosure kind opens for the warden', async () => {
  const now = Date.now();
  const bad = await bed().call('POST', '/cases/conduct-report', {
    as: 'caseSystem',
    body: { ...reportIntake(newCaseNumber('CR'), now), reportedAt: iso(now - 5 * HOUR) },
  });
  expect(bad.status).toBe(422);
  expect(errorOf(bad)).toMatchObject({ code: 'INVALID_INPUT', details: { field: 'reportedAt' } });

  const caseNumber = newCaseNumber('CR');
  const disclosure = await bed().call('POST', '/cases/conduct-report', {
    as: 'caseSystem',
    body: {
      kind: 'disclosure',
      caseNumber,
      employeeId: 'S-5200',
      relationship: 'social-contact',
      personId: PERSON,
      noticeReceivedAt: iso(now - HOUR),
    },
  });
  expect(disclosure.status).toBe(201);
  await eventually(
    async () =>
      bed().smtp.messages.some(
        (m) => m.envelope.to.includes('warden@wdoc.example.org') && m.text.includes(caseNumber),
      )
        ? true
        : undefined,
    'the notice to the warden',
  );
  const decided = await bed().call<{ schedule: ConductView }>(
    'POST',
    `/cases/conduct-report/${caseNumber}/events/warden-decided`,
    {
      as: 'caseSystem',
      body: { at: iso(Date.now()), by: 'S-W100', decision: 'denied' },
    },
  );
  expect(decided.status).toBe(200);
  expect(decided.body.schedule.conduct.disclosure?.decision?.decision).toBe('denied');
});

test('OpenAPI documents the conduct-report paths; a preview of seed 000 needs no case', async () => {
  const spec = await bed().call<{ paths: Record<string, Record<string, unknown>> }>(
    'GET',
    '/docs/openapi.json',
  );
  for (const path of [
    '/cases/conduct-report',
    '/cases/conduct-report/{caseNumber}',
    '/cases/conduct-report/{caseNumber}/events/investigation-started',
    '/cases/conduct-report/{caseNumber}/events/investigation-completed',
    '/cases/conduct-report/{caseNumber}/events/retaliation-reported',
    '/cases/conduct-report/{caseNumber}/events/warden-decided',
    '/cases/discipline/{caseNumber}/events/privilege-restored',
  ]) {
    expect(spec.body.paths).toHaveProperty([path]);
  }
  const preview = await bed().call<{ entries: Array<{ key: string; dueAt?: string; sourceText: string }> }>(
    'POST',
    '/preview/omes-pwp-conduct',
    {
      as: 'caseSystem',
      body: {
        facts: { 'person-status': 'offender' },
        events: {
          'violation.learned': '2027-03-01T09:00:00-06:00',
          'report.made': '2027-03-01T10:00:00-06:00',
        },
        settings: { 'investigation-start': '5 workingDays' },
      },
    },
  );
  expect(preview.status).toBe(200);
  const start = preview.body.entries.find((e) => e.key === 'investigation.start');
  expect(start).toMatchObject({ dueAt: '2027-03-08T23:59:59.999-06:00' });
  expect(start?.sourceText).toMatch(/agency setting omes-pwp-conduct\.investigation-start \(agency value\)/);
});

test('discipline: a 100-day visitation restriction is refused with 422 and the table row as its source', async () => {
  const now = Date.now();
  const caseNumber = newCaseNumber('DSC');
  const path = `/cases/discipline/${caseNumber}`;
  const opened = await bed().call('POST', '/cases/discipline', {
    as: 'caseSystem',
    body: {
      caseNumber,
      facility: 'LARC',
      offenseCode: '02-8',
      offenseClass: 'B',
      reportingStaffId: 'S-0101',
      acceptingStaffId: 'S-0103',
      preHearingDetention: false,
      subjectId: `SUBJ-${caseNumber}`,
      reportedAt: iso(now - 3 * DAY - HOUR),
      acceptedAt: iso(now - 3 * DAY),
    },
  });
  expect(opened.status).toBe(201);
  const task = await eventually(async () => {
    const r = await bed().call<CaseRecord>('GET', path, { as: 'caseSystem' });
    return r.body.schedule?.serviceTasks?.[0]?.task;
  }, 'the offense report task');
  const record = (event: string, body: unknown) =>
    bed().call('POST', `${path}/events/${event}`, { as: 'caseSystem', body });
  expect(
    (
      await record('service-recorded', {
        task,
        servedBy: 'S-0201',
        at: iso(now - 3 * DAY + HOUR),
        method: 'in-person',
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await record('hearing-scheduled', {
        at: iso(now - 3 * DAY + HOUR),
        by: 'S-0301',
        hearingAt: iso(now - 2 * DAY + 2 * HOUR),
      })
    ).status,
  ).toBe(200);
  const refused = await record('hearing-concluded', {
    at: iso(now - 2 * DAY + 3 * HOUR),
    by: 'S-0301',
    finding: 'guilty',
    sanctions: [{ code: '6B', days: 100 }],
  });
  expect(refused.status).toBe(422);
  expect(errorOf(refused)).toMatchObject({
    code: 'SANCTION_TERM_TOO_LONG',
    details: {
      field: 'sanctions.0.days',
      value: 100,
      limit: 90,
      rule: '6B. Visitation Restriction not to exceed 90 days.**',
      source: expect.stringMatching(
        /Range of Allowable Sanctions, class B, 6B \(seed 002_5a28f52881808cb3\.txt\)/,
      ),
    },
  });
});
