// Staff conduct cases (seeds 000 and 001) end to end on the time-skipping server: real worker wiring,
// real schedules, and every notice read back from a real SMTP receiver. Times count from the test
// server's "now".
import { randomUUID } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import type { ConductIntakeInput } from '../../domain/cases/conduct-report';
import { scheduleQuery, timelineQuery } from '../../workflows/case-messages';
import {
  conductInvestigationCompletedUpdate,
  conductInvestigationStartedUpdate,
  conductReport,
  conductReportWorkflowId,
  retaliationReportedUpdate,
  wardenDecidedUpdate,
  type ConductView,
} from '../../workflows/conduct-report';
import { startDocketTestbed, type DocketTestbed } from '../helpers/docket-env';
import { recordHistoryIfAsked } from '../helpers/histories';
import { expectDeadlineNotice } from '../helpers/notices';
import { expectRefused } from '../helpers/refusals';
import { endCase } from '../helpers/temporal';

let bed: DocketTestbed;
beforeAll(async () => {
  bed = await startDocketTestbed();
});
afterAll(async () => {
  await bed?.teardown();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const ms = (instant: string) => Date.parse(instant);

type Handle = WorkflowHandle<typeof conductReport>;
const opened = new Set<string>();
afterEach(async () => {
  for (const id of opened) await endCase(bed.env.client.workflow.getHandle(id));
  opened.clear();
});

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const caseNumber = () => `CR-${randomUUID().slice(0, 13).toUpperCase()}`;

async function open(intake: ConductIntakeInput): Promise<Handle> {
  const workflowId = conductReportWorkflowId(intake.caseNumber);
  opened.add(workflowId);
  const handle = await bed.env.client.workflow.start(conductReport, {
    taskQueue: bed.taskQueue,
    workflowId,
    args: [intake],
  });
  await waitFor(async () => (await handle.query(scheduleQuery)).deadlines.length > 0);
  return handle;
}

const view = async (handle: Handle) => (await handle.query(scheduleQuery)) as ConductView;
const deadline = (v: ConductView, key: string) => {
  const d = v.deadlines.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${v.deadlines.map((x) => x.key).join(', ')}`);
  return d;
};
const resultOf = (handle: Handle) =>
  new Client({ connection: bed.env.connection, namespace: bed.env.namespace }).workflow
    .getHandle<typeof conductReport>(handle.workflowId)
    .result();

const PERSON = 'P-7Q2K9';
const REPORTER = 'S-0401';
const ACCUSED = 'S-0402';

test('a report: HR is told at once, reminded before the investigation must start, alerted up the chain when it has not; retaliation alerts HR at once; completion closes the case', async () => {
  const now = await bed.env.currentTimeMs();
  const number = caseNumber();
  const handle = await open({
    kind: 'report',
    caseNumber: number,
    category: 'sexual-misconduct',
    reporterId: REPORTER,
    reportedTo: 'supervisor',
    subjectEmployeeId: ACCUSED,
    person: { id: PERSON, status: 'in-custody', contactAt: iso(now - 3 * HOUR) },
    learnedAt: iso(now - 2 * HOUR),
    reportedAt: iso(now - HOUR),
  });
  const hr = () => bed.mailTo('hr@omes-pwp.example.org').filter((m) => m.text.includes(number));
  let v = await view(handle);
  expect(v.stage).toBe('reported');
  expect(v.conduct.report).toMatchObject({ late: false, personId: PERSON, contact: { status: 'offender' } });
  const start = deadline(v, 'investigation.start');
  expect(start).toMatchObject({ responsibleRole: 'hr', state: 'pending' });
  expect(start.source).toBe(
    'agency setting omes-pwp-conduct.investigation-start (default): Time to start the investigation after the report; the policy says OMES "will promptly investigate"',
  );
  expect(deadline(v, 'report.prompt').state).toBe('met');

  // The report reaches HR at once, without the people's IDs or the allegation.
  await waitFor(() => hr().length === 1);
  const received = hr()[0]!;
  expect(received.subject).toBe(`ALERT: A report of prohibited conduct was received (case ${number})`);
  expect(received.text).toContain(`Start the investigation by ${start.localText}`);
  expect(received.text).toContain('seed 000_ffa994603df00692.txt');
  for (const secret of [PERSON, REPORTER, ACCUSED, 'sexual-misconduct'])
    expect(received.text).not.toContain(secret);

  // Retaliation against the reporter: HR is alerted at once, whatever the case waits for.
  const retaliatedAt = iso(await bed.env.currentTimeMs());
  v = (await handle.executeUpdate(retaliationReportedUpdate, {
    args: [{ at: retaliatedAt, by: REPORTER, against: 'reporter', byEmployeeId: ACCUSED }],
  })) as ConductView;
  expect(v.conduct.retaliation).toEqual([
    { at: retaliatedAt, by: REPORTER, against: 'reporter', byEmployeeId: ACCUSED, alert: 'retaliation/1' },
  ]);
  await waitFor(() => hr().some((m) => m.subject.startsWith('ALERT: Retaliation against the reporter')));
  const retaliation = hr().find((m) => m.subject.startsWith('ALERT: Retaliation'))!;
  expect(Math.abs(ms(retaliation.header('date') as string) - ms(retaliatedAt))).toBeLessThan(5 * MINUTE);
  expect(retaliation.text).toContain('Prohibited Retaliation (seed 000_ffa994603df00692.txt)');
  expect(retaliation.text).not.toContain(ACCUSED);

  // Reminders at the policy's lead times; at the limit, HR's supervisor is alerted.
  await bed.advanceTo(iso(ms(start.dueAt as string) + MINUTE));
  const deputy = () =>
    bed.mailTo('deputy-director@omes-pwp.example.org').filter((m) => m.text.includes(number));
  await waitFor(() => deputy().length >= 1);
  expect(deputy()[0]?.subject).toMatch(/^OVERDUE: investigation\.start/);
  expectDeadlineNotice(deputy()[0]!, start);
  const reminders = hr().filter((m) => m.subject.startsWith('Reminder: investigation.start'));
  expect(reminders).toHaveLength(start.reminders.length);
  expect(reminders.length).toBeGreaterThan(0);

  // Late, the start is still recorded (a breach, not a refusal); completion closes the case.
  const startedAt = iso(await bed.env.currentTimeMs());
  v = (await handle.executeUpdate(conductInvestigationStartedUpdate, {
    args: [{ at: startedAt, by: 'S-0901' }],
  })) as ConductView;
  expect(v.stage).toBe('investigating');
  expect(deadline(v, 'investigation.start')).toMatchObject({ state: 'breached', metAt: expect.any(String) });
  await expectRefused(
    handle.executeUpdate(wardenDecidedUpdate, {
      args: [{ at: startedAt, by: 'S-0901', decision: 'approved' }],
    }),
    'NOT_FOR_THIS_KIND',
    /belongs to a disclosure; this case is a report/,
  );
  v = (await handle.executeUpdate(conductInvestigationCompletedUpdate, {
    args: [{ at: startedAt, by: 'S-0901', finding: 'substantiated' }],
  })) as ConductView;
  expect(v).toMatchObject({ stage: 'investigated', closed: true, outcome: 'substantiated' });
  expect(await resultOf(handle)).toEqual({
    caseNumber: number,
    kind: 'report',
    stage: 'investigated',
    outcome: 'substantiated',
  });

  // Opaque codes only in the workflow's ID and search attributes.
  const described = await handle.describe();
  expect(described.searchAttributes).toMatchObject({ CaseType: ['conduct-report'], Facility: ['OMES-PWP'] });
  for (const secret of [PERSON, REPORTER, ACCUSED, 'sexual-misconduct'])
    expect(JSON.stringify(described.searchAttributes)).not.toContain(secret);
  await recordHistoryIfAsked(handle, 'conduct-report-full-path');
});

test('a report made after the 24 hours is flagged to HR; contact within 180 days of discharge was with an ex-offender, and the view says why', async () => {
  const now = await bed.env.currentTimeMs();
  const number = caseNumber();
  const dischargedAt = iso(now - 100 * DAY);
  const handle = await open({
    kind: 'report',
    caseNumber: number,
    category: 'prohibited-relationship',
    reporterId: REPORTER,
    reportedTo: 'hr',
    person: { id: PERSON, status: 'discharged', dischargedAt, contactAt: iso(now - 4 * DAY) },
    learnedAt: iso(now - 3 * DAY),
    reportedAt: iso(now - HOUR),
  });
  const v = await view(handle);
  expect(v.conduct.report?.late).toBe(true);
  expect(v.conduct.report?.source).toMatch(/^agency setting omes-pwp-conduct\.report-limit \(default\)/);
  const contact = v.conduct.report?.contact;
  expect(contact?.status).toBe('ex-offender');
  expect(contact?.explanation).toMatch(/falls within the 180 days: the person was an ex-offender/);
  expect(contact?.explanation).toMatch(
    /the date following it is day 1 of the 180 days, so day 180 is \d{4}-\d{2}-\d{2}/,
  );
  expect(ms(contact?.exOffenderUntil as string)).toBeGreaterThan(ms(dischargedAt) + 180 * DAY - DAY);
  const hr = () => bed.mailTo('hr@omes-pwp.example.org').filter((m) => m.text.includes(number));
  await waitFor(() => hr().some((m) => m.subject.startsWith('ALERT: A violation was reported late')));
  const late = hr().find((m) => m.subject.startsWith('ALERT: A violation was reported late'))!;
  expect(late.text).toContain('fails to promptly report a violation');
  expect(late.text).toContain('agency setting omes-pwp-conduct.report-limit (default)');
  const timeline = await handle.query(timelineQuery);
  expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['contact.status', 'report.late']));
});

test("a disclosure notice (1.006 §IV.A.2): the warden is told, and alerted up the chain past the review's limit; the employee may not decide it", async () => {
  const now = await bed.env.currentTimeMs();
  const number = caseNumber();
  const employee = 'S-0777';
  const handle = await open({
    kind: 'disclosure',
    caseNumber: number,
    employeeId: employee,
    relationship: 'pre-existing-inmate',
    personId: PERSON,
    wishes: { correspond: true, visit: true, sendMoney: false },
    noticeReceivedAt: iso(now - HOUR),
  });
  let v = await view(handle);
  expect(v.stage).toBe('notice-received');
  const review = deadline(v, 'warden.review');
  expect(review).toMatchObject({ responsibleRole: 'warden' });
  expect(review.source).toMatch(/^agency setting wdoc-employee-contact\.warden-review \(default\)/);
  expect(review.localText).toMatch(/ M[SD]T$/);
  const warden = () => bed.mailTo('warden@wdoc.example.org').filter((m) => m.text.includes(number));
  await waitFor(() => warden().length === 1);
  expect(warden()[0]?.text).toContain(`record the decision by ${review.localText}`);
  expect(warden()[0]?.text).not.toContain(employee);

  await bed.advanceTo(iso(ms(review.dueAt as string) + MINUTE));
  const deputy = () => bed.mailTo('deputy-director@wdoc.example.org').filter((m) => m.text.includes(number));
  await waitFor(() => deputy().length >= 1);
  expect(deputy()[0]?.subject).toMatch(/^OVERDUE: warden\.review/);

  const at = iso(await bed.env.currentTimeMs());
  await expectRefused(
    handle.executeUpdate(wardenDecidedUpdate, { args: [{ at, by: employee, decision: 'approved' }] }),
    'CONFLICT_OF_INTEREST',
    /S-0777 gave the notice and may not decide it.*§IV\.A\.2\.i \(seed 001_b3b55b34e85b5a66\.txt\)/,
  );
  await expectRefused(
    handle.executeUpdate(conductInvestigationStartedUpdate, { args: [{ at, by: 'S-W1' }] }),
    'NOT_FOR_THIS_KIND',
    /belongs to a report/,
  );
  v = (await handle.executeUpdate(wardenDecidedUpdate, {
    args: [{ at, by: 'S-W1', decision: 'approved-with-conditions' }],
  })) as ConductView;
  expect(v.conduct.disclosure?.decision).toEqual({ decision: 'approved-with-conditions', at, by: 'S-W1' });
  expect(await resultOf(handle)).toMatchObject({ stage: 'decided', outcome: 'approved-with-conditions' });
});
