// Disciplinary hearings (OP-060125, seed 002 Part II §IV) end to end on the time-skipping server: real
// worker wiring, real schedules, and every notice read back from a real SMTP receiver. The server's
// clock starts at the real "now" and only moves forward, so the tests that need a known calendar
// (Thanksgiving and Christmas 2027) come last and jump there; the others count from "now".
import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { Client, type WorkflowHandle } from '@temporalio/client';
import { DateTime } from 'luxon';
import {
  parseDisciplineIntake,
  sha256Hex,
  subjectWatchRef,
  type DisciplineIntakeInput,
  type SanctionInput,
} from '../../domain/cases/discipline';
import {
  acknowledgeUpdate,
  extendDeadlineUpdate,
  recordServiceUpdate,
  scheduleQuery,
  timelineQuery,
  type CaseView,
} from '../../workflows/case-messages';
import {
  directorAppealDecidedUpdate,
  directorAppealFiledUpdate,
  discipline,
  disciplineWorkflowId,
  dispositionRecordedUpdate,
  facilityAppealDecidedUpdate,
  facilityAppealFiledUpdate,
  hearingConcludedUpdate,
  hearingScheduledUpdate,
  hearingWaivedUpdate,
  inmateAvailableUpdate,
  inmateUnavailableUpdate,
  investigationStartedUpdate,
  privilegeRestoredUpdate,
  representativeConsultedUpdate,
  representativeRequestedUpdate,
  suspensionsQuery,
  type DisciplineView,
} from '../../workflows/discipline';
import { startDocketTestbed, type DocketTestbed } from '../helpers/docket-env';
import { recordHistoryIfAsked } from '../helpers/histories';
import { expectDeadlineNotice } from '../helpers/notices';
import { endCase, uniqueName, meaningfulEvents } from '../helpers/temporal';
import { expectRefused } from '../helpers/refusals';

let bed: DocketTestbed;
beforeAll(async () => {
  bed = await startDocketTestbed();
});
afterAll(async () => {
  await bed?.teardown();
});

// Every case asks its subject's watch for earlier findings when it opens, so every subject a test uses
// has a watch to end (see endWatch). The cases a test leaves open are ended first: the test server
// does not tell a running parent that its child was terminated, and its time skipping can stall on that.
const subjectsInTest = new Set<string>();
const casesInTest = new Set<string>();
afterEach(async () => {
  for (const workflowId of casesInTest) await endCase(bed.env.client.workflow.getHandle(workflowId));
  for (const subjectId of subjectsInTest) await endWatch(subjectId).catch(() => undefined);
  casesInTest.clear();
  subjectsInTest.clear();
});

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ZONE = 'America/Chicago';
const iso = (ms: number) => new Date(ms).toISOString();
const ms = (instant: string) => Date.parse(instant);

// Staff IDs. The report was written by S-0101, witnessed by S-0102 and accepted by S-0103 (§IV.B.1).
const REPORTER = 'S-0101';
const WITNESS = 'S-0102';
const ACCEPTOR = 'S-0103';
const INVESTIGATOR = 'S-0201';
const OFFICER = 'S-0301';
const REPRESENTATIVE = 'S-0401';

type Handle = WorkflowHandle<typeof discipline>;

/**
 * `client`: the environment's own client skips time to the next timer whenever it waits; a test that
 * needs the clock to stay where it put it passes a plain client instead.
 */
async function openCase(overrides: Partial<DisciplineIntakeInput> = {}, client: Client = bed.env.client) {
  const now = await bed.env.currentTimeMs();
  const caseNumber = uniqueName('DSC').toUpperCase().slice(0, 40);
  const intake: DisciplineIntakeInput = {
    caseNumber,
    facility: 'LARC',
    offenseCode: '11-2',
    offenseClass: 'A',
    reportingStaffId: REPORTER,
    witnessingStaffIds: [WITNESS],
    acceptingStaffId: ACCEPTOR,
    preHearingDetention: false,
    subjectId: `SUBJ-${randomUUID()}`,
    reportedAt: iso(now - HOUR),
    acceptedAt: iso(now),
    ...overrides,
  };
  subjectsInTest.add(intake.subjectId);
  casesInTest.add(disciplineWorkflowId(caseNumber));
  const handle: Handle = await client.workflow.start(discipline, {
    taskQueue: bed.taskQueue,
    workflowId: disciplineWorkflowId(caseNumber),
    args: [intake],
  });
  // The case is ready once it has computed its schedule and asked for the report to be served.
  await waitForTask(handle, 'offense-report/');
  return { handle, intake, caseNumber };
}

async function waitForTask(handle: Handle, prefix: string): Promise<string> {
  let task: string | undefined;
  await waitFor(async () => {
    const view = await handle.query(scheduleQuery);
    task = view.serviceTasks.find((t) => t.task.startsWith(prefix))?.task;
    return task !== undefined;
  });
  return task as string;
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await predicate())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const deadline = (view: CaseView, key: string) => {
  const d = view.deadlines.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${view.deadlines.map((x) => x.key).join(', ')}`);
  return d;
};

/**
 * The result of a case that has completed, read without unlocking time skipping (the environment's
 * own client skips to the next timer while it waits, which may be far in the future).
 */
async function resultOf(handle: Handle) {
  const plain = new Client({ connection: bed.env.connection, namespace: bed.env.namespace });
  return plain.workflow.getHandle<typeof discipline>(handle.workflowId).result();
}

/**
 * Ends the subject's watch of a case that has closed. The Java test server stops skipping time when
 * an abandoned child completes after its parent has closed (temporalio/sdk-java#2392,
 * sdk-typescript#1101); a real server does not, so this is test hygiene, not workflow behaviour.
 */
async function endWatch(subjectId: string) {
  await bed.env.client.workflow.getHandle(`subject-${subjectWatchRef(subjectId)}`).terminate('test cleanup');
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Proof of service of a document the inmate is owed, recorded against its service task. */
async function serve(handle: Handle, prefix: string, at: string, servedBy = INVESTIGATOR) {
  const task = await waitForTask(handle, prefix);
  return handle.executeUpdate(recordServiceUpdate, {
    args: [{ task, servedBy, at, method: 'in-person' }],
  });
}

/** Serves the report now, and holds the hearing once the 24-hour preparation period has run. */
async function throughHearing(handle: Handle, finding: 'guilty' | 'not-guilty', sanctions: SanctionInput[]) {
  const servedAt = await bed.env.currentTimeMs();
  await serve(handle, 'offense-report/', iso(servedAt));
  const hearingAt = iso(servedAt + DAY + MINUTE);
  await handle.executeUpdate(hearingScheduledUpdate, {
    args: [{ at: iso(servedAt), by: OFFICER, hearingAt }],
  });
  await bed.advanceTo(iso(ms(hearingAt) + 30 * MINUTE));
  const concludedAt = iso(ms(hearingAt) + 20 * MINUTE);
  const view = await handle.executeUpdate(hearingConcludedUpdate, {
    args: [{ at: concludedAt, by: OFFICER, finding, sanctions }],
  });
  return { view, concludedAt };
}

/** The end of the local day `days` calendar days after `at` (day 0 = the day of `at`). */
const endOfLocalDay = (at: string, days: number) =>
  DateTime.fromISO(at, { zone: ZONE }).plus({ days }).endOf('day').toISO() as string;

describe('intake and the subject key (no workflow)', () => {
  test('the intake names every bad field', () => {
    expect(() =>
      parseDisciplineIntake({
        caseNumber: 'John Smith',
        facility: 'LARC',
        offenseCode: 'fighting',
        offenseClass: 'C',
        reportingStaffId: REPORTER,
        acceptingStaffId: ACCEPTOR,
        subjectId: 'Inmate 123456',
        reportedAt: '2027-01-05T10:00:00-06:00',
        acceptedAt: '2027-01-05T09:00:00-06:00',
      }),
    ).toThrow(/caseNumber: .*offenseCode: .*offenseClass: .*preHearingDetention: .*subjectId: /);
  });

  test('the watch key is a SHA-256 of the opaque subject ID, and the ID is nowhere in it', () => {
    for (const text of ['', 'abc', 'é€😀', 'x'.repeat(1000)])
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    const ref = subjectWatchRef('SUBJ-4471');
    expect(ref).toMatch(/^[0-9a-f]{32}$/);
    expect(ref).not.toContain('4471');
    expect(subjectWatchRef('SUBJ-4471')).toBe(ref);
    expect(subjectWatchRef('SUBJ-4472')).not.toBe(ref);
  });
});

test('conflicts: reporting, witnessing or accepting staff may not represent or decide (§IV.B.1); not guilty expunges', async () => {
  const { handle, caseNumber } = await openCase({ offenseCode: '09-2', offenseClass: 'X' });
  const now = await bed.env.currentTimeMs();
  await expectRefused(
    handle.executeUpdate(representativeRequestedUpdate, {
      args: [{ at: iso(now), by: INVESTIGATOR, representativeId: WITNESS }],
    }),
    'CONFLICT_OF_INTEREST',
    /staff S-0102 witnessed the offense and may not serve as the staff representative \(OP-060125 §IV\.B\.1/,
  );
  await handle.executeUpdate(representativeRequestedUpdate, { args: [{ at: iso(now), by: INVESTIGATOR }] });
  const refusal = await expectRefused(
    handle.executeUpdate(representativeConsultedUpdate, { args: [{ at: iso(now), by: REPORTER }] }),
    'CONFLICT_OF_INTEREST',
    /S-0101 wrote the offense report and may not serve as the staff representative/,
  );
  expect(refusal.details?.[0]).toMatchObject({ field: 'by', value: REPORTER, rule: 'direct-involvement' });
  await handle.executeUpdate(representativeConsultedUpdate, { args: [{ at: iso(now), by: REPRESENTATIVE }] });

  await serve(handle, 'offense-report/', iso(now));
  const hearingAt = iso(now + DAY + MINUTE);
  await handle.executeUpdate(hearingScheduledUpdate, { args: [{ at: iso(now), by: OFFICER, hearingAt }] });
  await bed.advanceTo(iso(ms(hearingAt) + HOUR));
  const heldAt = iso(ms(hearingAt) + 30 * MINUTE);

  // A refused update adds nothing to history but workflow-task bookkeeping.
  const meaningful = () => meaningfulEvents(handle);
  const before = await meaningful();
  await expectRefused(
    handle.executeUpdate(hearingConcludedUpdate, {
      args: [{ at: heldAt, by: ACCEPTOR, finding: 'guilty', sanctions: [{ code: '1X' }] }],
    }),
    'CONFLICT_OF_INTEREST',
    /S-0103 accepted the offense report and may not serve as the disciplinary officer/,
  );
  expect(await meaningful()).toBe(before);
  // Class X: "no suspension of sanctions" (Range of Allowable Sanctions).
  await expectRefused(
    handle.executeUpdate(hearingConcludedUpdate, {
      args: [
        {
          at: heldAt,
          by: OFFICER,
          finding: 'guilty',
          sanctions: [{ code: '1X', suspendedUntil: endOfLocalDay(heldAt, 30) }],
        },
      ],
    }),
    'SUSPENSION_NOT_ALLOWED',
    /class X.*no suspension of sanctions.*Range of Allowable Sanctions/,
  );

  const view = await handle.executeUpdate(hearingConcludedUpdate, {
    args: [{ at: heldAt, by: OFFICER, finding: 'not-guilty' }],
  });
  expect(view.stage).toBe('expunged');
  expect(await resultOf(handle)).toEqual({
    caseNumber,
    stage: 'expunged',
    outcome: 'not-guilty',
    expunged: true,
  });
  const timeline = await handle.query(timelineQuery);
  expect(timeline.find((e) => e.type === 'material.expunged')?.detail).toMatch(/§IV\.C\.10/);
  // Nothing of a not-guilty finding reaches the subject's watch: only the request for earlier findings.
  const told = timeline.filter((e) => e.type.startsWith('subject-watch')).map((e) => e.detail);
  expect(told.length).toBeGreaterThan(0);
  expect(told.every((detail) => detail === 'findings of rule 09-2 requested')).toBe(true);
});

test('the hearing: refused inside the preparation period with the earliest time, past the 7 working days, or before the representative has consulted', async () => {
  const { handle, caseNumber } = await openCase();
  const servedAt = await bed.env.currentTimeMs();
  let view = await serve(handle, 'offense-report/', iso(servedAt));
  expect(view.stage).toBe('awaiting-hearing');
  const earliest = deadline(view, 'hearing.earliest');
  expect(ms(earliest.earliest as string)).toBe(servedAt + DAY);
  const conclusion = deadline(view, 'hearing.conclusion');

  const tooSoon = iso(servedAt + 23 * HOUR);
  const refusal = await expectRefused(
    handle.executeUpdate(hearingScheduledUpdate, {
      args: [{ at: iso(servedAt), by: OFFICER, hearingAt: tooSoon }],
    }),
    'TOO_EARLY',
    new RegExp(
      `hearing\\.earliest: ${escape(tooSoon)} is too early; the earliest allowed time is ${escape(earliest.localText)} .*OP-060125 §IV\\.C\\.2`,
    ),
  );
  expect(refusal.details?.[0]).toMatchObject({ earliest: earliest.earliest, key: 'hearing.earliest' });

  const tooLate = iso(ms(conclusion.dueAt as string) + HOUR);
  await expectRefused(
    handle.executeUpdate(hearingScheduledUpdate, {
      args: [{ at: iso(servedAt), by: OFFICER, hearingAt: tooLate }],
    }),
    'DEADLINE_PASSED',
    new RegExp(
      `after the hearing\\.conclusion limit ${escape(conclusion.localText)} .*OP-060125 §IV\\.B\\.3`,
    ),
  );

  // The inmate asks for a staff representative, who must consult at least 24 hours before (§IV.C.8).
  await handle.executeUpdate(representativeRequestedUpdate, {
    args: [{ at: iso(servedAt), by: INVESTIGATOR, representativeId: REPRESENTATIVE }],
  });
  const hearingAt = iso(servedAt + DAY + 2 * HOUR);
  view = await handle.executeUpdate(hearingScheduledUpdate, {
    args: [{ at: iso(servedAt), by: OFFICER, hearingAt }],
  });
  const consult = deadline(view, 'representative.consult');
  expect(ms(consult.dueAt as string)).toBe(ms(hearingAt) - DAY);
  await bed.advanceTo(iso(ms(hearingAt) + HOUR));
  await expectRefused(
    handle.executeUpdate(hearingConcludedUpdate, {
      args: [
        { at: iso(ms(hearingAt) + 30 * MINUTE), by: OFFICER, finding: 'guilty', sanctions: [{ code: '5A' }] },
      ],
    }),
    'REPRESENTATIVE_NOT_CONSULTED',
    new RegExp(`at least 24 hours before the hearing \\(by ${escape(consult.localText)}\\).*§IV\\.C\\.8`),
  );
  // The representative's missed consultation is a staff breach: alerted up the chain.
  await waitFor(() =>
    bed
      .mailTo('shift-supervisor@larc.example.org')
      .some(
        (m) =>
          m.subject === `OVERDUE: representative.consult was due ${consult.localText} (case ${caseNumber})`,
      ),
  );
});

test('an unavailable inmate stops the service clock; it restarts 24 hours after availability (§IV.C.2)', async () => {
  const { handle, caseNumber, intake } = await openCase();
  const acceptedAt = ms(intake.acceptedAt);
  let view = await handle.query(scheduleQuery);
  const original = deadline(view, 'report.service');
  expect(ms(original.dueAt as string)).toBe(acceptedAt + DAY);
  await handle.executeUpdate(investigationStartedUpdate, {
    args: [{ at: iso(acceptedAt), by: INVESTIGATOR }],
  });

  await bed.env.sleep(2 * HOUR);
  const unavailableAt = await bed.env.currentTimeMs();
  await expectRefused(
    handle.executeUpdate(inmateUnavailableUpdate, {
      args: [{ at: iso(unavailableAt), by: INVESTIGATOR, reason: '' }],
    }),
    'INVALID_INPUT',
    /reason: unavailability must be documented/,
  );
  view = await handle.executeUpdate(inmateUnavailableUpdate, {
    args: [{ at: iso(unavailableAt), by: INVESTIGATOR, reason: 'out to court' }],
  });
  expect(deadline(view, 'report.service').tolled).toMatch(/clock stopped/);
  expect(view.awaiting.find((a) => a.key === 'report.service')?.waitingFor).toEqual(['inmate.available']);

  // Three days away: past the original 24 hours, and nobody is alerted.
  await bed.env.sleep(3 * DAY);
  const availableAt = await bed.env.currentTimeMs();
  const mine = () => bed.smtp.messages.filter((m) => m.text.includes(caseNumber));
  expect(mine().filter((m) => /OVERDUE/.test(m.subject))).toEqual([]);
  view = await handle.executeUpdate(inmateAvailableUpdate, {
    args: [{ at: iso(availableAt), by: INVESTIGATOR }],
  });
  const restarted = deadline(view, 'report.service');
  expect(restarted.tolled).toBeUndefined();
  expect(ms(restarted.dueAt as string)).toBe(availableAt + DAY);
  expect(restarted.attempt).toBe(2);
  expect(restarted.explanation).toMatch(/clock restarted on inmate\.available/);

  // The restarted clock has its own reminders: the first goes out at half time, or where business
  // hours put it (the clock restarts at whatever hour the test runs).
  const firstReminder = restarted.reminders[0];
  expect(firstReminder).toBeDefined();
  await bed.advanceTo(iso(ms(firstReminder!.at) + MINUTE));
  await waitFor(() =>
    bed
      .mailTo('disciplinary-investigator@larc.example.org')
      .some(
        (m) =>
          m.text.includes(caseNumber) &&
          m.subject.startsWith('Reminder: report.service') &&
          Math.abs(ms(m.header('date') as string) - ms(firstReminder!.at)) < 2_000,
      ),
  );
  const servedAt = await bed.env.currentTimeMs();
  view = await serve(handle, 'offense-report/', iso(servedAt));
  expect(deadline(view, 'report.service')).toMatchObject({ state: 'met' });
  const timeline = await handle.query(timelineQuery);
  expect(timeline.find((e) => e.type === 'unavailability.documented')?.detail).toBe('out to court');
  expect(timeline.some((e) => e.type === 'deadline.tolled')).toBe(true);
  expect(mine().filter((m) => /OVERDUE/.test(m.subject))).toEqual([]);
});

test('waiver: a guilty plea to the disciplinary officer for sanctions, with no appeal deadlines (§IV.C.2, §IV.C.5)', async () => {
  const { handle, caseNumber, intake } = await openCase();
  const now = await bed.env.currentTimeMs();
  await serve(handle, 'offense-report/', iso(now));
  let view = await handle.executeUpdate(hearingWaivedUpdate, { args: [{ at: iso(now), by: INVESTIGATOR }] });
  expect(view.stage).toBe('awaiting-disposition');
  expect(deadline(view, 'hearing.conclusion').state).toBe('waived');
  expect(view.deadlines.map((d) => d.key)).not.toContain('hearing.earliest');
  await expectRefused(
    handle.executeUpdate(facilityAppealFiledUpdate, { args: [{ at: iso(now), by: INVESTIGATOR }] }),
    'APPEAL_FORFEITED',
    /plea of guilty that forfeits the right to appeal \(OP-060125 §IV\.C\.2\)/,
  );
  await expectRefused(
    handle.executeUpdate(dispositionRecordedUpdate, {
      args: [{ at: iso(now), by: WITNESS, sanctions: [{ code: '5A' }] }],
    }),
    'CONFLICT_OF_INTEREST',
    /may not serve as the disciplinary officer/,
  );
  view = await handle.executeUpdate(dispositionRecordedUpdate, {
    args: [{ at: iso(now), by: OFFICER, sanctions: [{ code: '5A' }, { code: '6A', hours: 20 }] }],
  });
  expect(view.stage).toBe('final');
  expect(view.deadlines.filter((d) => d.key.startsWith('appeal.'))).toEqual([]);
  expect(await resultOf(handle)).toEqual({
    caseNumber,
    stage: 'final',
    outcome: 'guilty-plea',
    expunged: false,
  });
  const timeline = await handle.query(timelineQuery);
  expect(timeline.map((e) => e.type)).toEqual(expect.arrayContaining(['plea.guilty', 'disposition']));
  await endWatch(intake.subjectId);
});

test('service breach: reminders to the investigator, the alert to the shift supervisor, escalation up the chain until acknowledged', async () => {
  const { handle, caseNumber, intake } = await openCase();
  const acceptedAt = ms(intake.acceptedAt);
  await handle.executeUpdate(investigationStartedUpdate, {
    args: [{ at: iso(acceptedAt), by: INVESTIGATOR }],
  });
  let view = await handle.query(scheduleQuery);
  const service = deadline(view, 'report.service');
  expect(service).toMatchObject({ responsibleRole: 'disciplinary-investigator', state: 'pending' });
  expect(service.source).toMatch(/OP-060125 §IV\.C\.2 \(seed 002_5a28f52881808cb3\.txt\)/);
  const dueMs = ms(service.dueAt as string);
  expect(dueMs).toBe(acceptedAt + DAY);
  const mine = (address: string) => bed.mailTo(address).filter((m) => m.text.includes(caseNumber));

  // The task to serve it goes out at once; the reminders at half time and four hours before, as
  // business hours place them (two, or one when both land on the same working morning).
  expect(service.reminders.length).toBeGreaterThanOrEqual(1);
  await bed.advanceTo(iso(dueMs + MINUTE));
  await waitFor(() => mine('shift-supervisor@larc.example.org').length >= 1);
  const investigator = mine('disciplinary-investigator@larc.example.org');
  expect(investigator.filter((m) => m.subject.startsWith('Service task'))).toHaveLength(1);
  const reminders = investigator.filter((m) => m.subject.startsWith('Reminder: report.service'));
  expect(reminders).toHaveLength(service.reminders.length);
  reminders.forEach((mail, i) => {
    expect(Math.abs(ms(mail.header('date') as string) - ms(service.reminders[i]?.at as string))).toBeLessThan(
      2_000,
    );
    expectDeadlineNotice(mail, service);
  });
  const [breach] = mine('shift-supervisor@larc.example.org');
  expect(breach?.subject).toMatch(/^OVERDUE: report\.service/);
  expectDeadlineNotice(breach!, service);
  view = await handle.query(scheduleQuery);
  expect(deadline(view, 'report.service').state).toBe('breached');
  expect(view.deadlineState).toBe('breached');

  // Every four hours unacknowledged, one level further up: the facility head.
  await bed.advanceTo(iso(dueMs + 4 * HOUR + MINUTE));
  await waitFor(() => mine('facility-head@larc.example.org').length >= 1);
  expect(mine('facility-head@larc.example.org')[0]?.subject).toMatch(/report\.service/);
  view = await handle.executeUpdate(acknowledgeUpdate, { args: [{ key: 'report.service', by: 'S-0500' }] });
  expect(deadline(view, 'report.service').acknowledged?.by).toBe('S-0500');
  await bed.advanceTo(iso(dueMs + 12 * HOUR));
  expect(mine('deputy-director@larc.example.org')).toHaveLength(0);

  // Late service is still recorded: a breach, not a refusal.
  const servedAt = await bed.env.currentTimeMs();
  view = await serve(handle, 'offense-report/', iso(servedAt));
  expect(view.stage).toBe('awaiting-hearing');
  expect(deadline(view, 'report.service')).toMatchObject({ state: 'breached', metAt: expect.any(String) });
});

test('a late appeal is refused with the deadline in the error; the finding then becomes final', async () => {
  const { handle, caseNumber, intake } = await openCase();
  const { concludedAt } = await throughHearing(handle, 'guilty', [{ code: '2A' }]);
  let view = await serve(handle, 'hearing-actions/', concludedAt, OFFICER);
  const appeal = deadline(view, 'appeal.facility');
  expect(appeal.source).toMatch(/OP-060125 §IV\.C\.11/);
  expect(appeal.localText).toMatch(/ 23:59 C[SD]T$/);

  await bed.advanceTo(iso(ms(appeal.dueAt as string) + DAY));
  const lateAt = iso(await bed.env.currentTimeMs());
  const refusal = await expectRefused(
    handle.executeUpdate(facilityAppealFiledUpdate, { args: [{ at: lateAt, by: INVESTIGATOR }] }),
    'DEADLINE_PASSED',
    new RegExp(
      `appeal\\.facility: ${escape(lateAt)} is after the deadline ${escape(appeal.localText)} .*OP-060125 §IV\\.C\\.11`,
    ),
  );
  expect(refusal.details?.[0]).toMatchObject({ dueAt: appeal.dueAt, key: 'appeal.facility' });
  // An appeal received in time but recorded late is still accepted within the recording grace;
  // once that has passed with nothing filed, the finding is final.
  view = await handle.query(scheduleQuery);
  expect(view.stage).toBe('found-guilty');
  await bed.advanceTo(iso(ms(appeal.dueAt as string) + 15 * DAY));
  expect(await resultOf(handle)).toEqual({ caseNumber, stage: 'final', outcome: 'guilty', expunged: false });
  const timeline = await handle.query(timelineQuery);
  expect(timeline.find((e) => e.type === 'appeal.lapsed')?.detail).toContain(appeal.localText);
  await endWatch(intake.subjectId);
});

test('a suspended sanction is invoked by a second conviction inside its period, and not by one after it (§IV.C.9)', async () => {
  const subjectId = `SUBJ-${randomUUID()}`;
  const ref = subjectWatchRef(subjectId);
  const watch = bed.env.client.workflow.getHandle(`subject-${ref}`);

  // Case A: guilty, with a punishment suspended for 30 days. Longer than 90 days is refused.
  const a = await openCase({ subjectId });
  const servedAt = await bed.env.currentTimeMs();
  await serve(a.handle, 'offense-report/', iso(servedAt));
  const hearingAt = iso(servedAt + DAY + MINUTE);
  await a.handle.executeUpdate(hearingScheduledUpdate, {
    args: [{ at: iso(servedAt), by: OFFICER, hearingAt }],
  });
  await bed.advanceTo(iso(ms(hearingAt) + HOUR));
  const convictedA = iso(ms(hearingAt) + 30 * MINUTE);
  const ninetyDays = DateTime.fromISO(endOfLocalDay(convictedA, 90), { zone: ZONE }).toFormat(
    'yyyy-MM-dd HH:mm ZZZZ',
  );
  await expectRefused(
    a.handle.executeUpdate(hearingConcludedUpdate, {
      args: [
        {
          at: convictedA,
          by: OFFICER,
          finding: 'guilty',
          sanctions: [{ code: '7A', suspendedUntil: endOfLocalDay(convictedA, 91) }],
        },
      ],
    }),
    'SUSPENSION_TOO_LONG',
    new RegExp(`past the longest allowed period ending ${escape(ninetyDays)} .*OP-060125 §IV\\.C\\.9`),
  );
  const suspendedUntil = endOfLocalDay(convictedA, 30);
  const viewA = await a.handle.executeUpdate(hearingConcludedUpdate, {
    args: [
      {
        at: convictedA,
        by: OFFICER,
        finding: 'guilty',
        sanctions: [{ code: '2A' }, { code: '7A', suspendedUntil }],
      },
    ],
  });
  expect(deadline(viewA, 'sanction.suspension').localText).toBe(ninetyDays);
  await waitFor(async () => (await watch.query(suspensionsQuery).catch(() => undefined)) !== undefined);
  expect((await watch.query(suspensionsQuery)).suspensions).toEqual([
    expect.objectContaining({
      caseNumber: a.caseNumber,
      sanction: '7A',
      from: convictedA,
      until: suspendedUntil,
    }),
  ]);

  // No identity, not even the opaque subject ID, in the watch's ID or search attributes.
  const described = await watch.describe();
  expect(described.workflowId).toBe(`subject-${ref}`);
  expect(JSON.stringify(described.searchAttributes)).not.toContain(subjectId);
  expect(described.searchAttributes).toMatchObject({ CaseType: ['suspended-sanction-watch'] });
  expect(JSON.stringify((await a.handle.describe()).searchAttributes)).not.toContain(subjectId);

  // Case B, ten days later, inside the period: the disciplinary officer is told to invoke it.
  await bed.env.sleep(10 * DAY);
  const b = await openCase({ subjectId });
  const { concludedAt: convictedB } = await throughHearing(b.handle, 'guilty', [{ code: '5A' }]);
  expect(ms(convictedB)).toBeLessThan(ms(suspendedUntil));
  const invocations = () =>
    bed
      .mailTo('disciplinary-officer@larc.example.org')
      .filter((m) => m.text.includes(`Suspended punishment 7A of case ${a.caseNumber}`));
  await waitFor(() => invocations().length === 1);
  const [mail] = invocations();
  expect(mail?.text).toContain(b.caseNumber);
  expect(mail?.text).toContain('OP-060125 §IV.C.9');
  expect(mail?.text).not.toContain(subjectId);
  expect((await watch.query(suspensionsQuery)).suspensions[0]?.invokedBy).toEqual([b.caseNumber]);

  // Case C, convicted a day after the period ended: nothing is invoked.
  await bed.advanceTo(iso(ms(suspendedUntil) + HOUR));
  const c = await openCase({ subjectId });
  const { concludedAt: convictedC } = await throughHearing(c.handle, 'guilty', [{ code: '5A' }]);
  expect(ms(convictedC)).toBeGreaterThan(ms(suspendedUntil));
  await waitFor(async () =>
    (await watch.query(suspensionsQuery)).convictions.some((k) => k.caseNumber === c.caseNumber),
  );
  const afterC = await watch.query(suspensionsQuery);
  expect(afterC.suspensions.find((s) => s.caseNumber === a.caseNumber)?.invokedBy).toEqual([b.caseNumber]);
  expect(
    bed
      .mailTo('disciplinary-officer@larc.example.org')
      .some((m) => m.text.includes(c.caseNumber) && /Suspended punishment/.test(m.text)),
  ).toBe(false);
  expect(invocations()).toHaveLength(1);
  const watchTimeline = await watch.query(timelineQuery);
  expect(watchTimeline.filter((e) => e.type === 'suspension.invoked')).toHaveLength(1);
});

test('sanction terms: a 100-day visitation restriction is refused (row 6B); a 40-day one ends with a service task for the unit, its reminder the working day before, and breach alerts until the restoration is recorded', async () => {
  const { handle, caseNumber } = await openCase({ offenseCode: '02-8', offenseClass: 'B' });
  const servedAt = await bed.env.currentTimeMs();
  await serve(handle, 'offense-report/', iso(servedAt));
  const hearingAt = iso(servedAt + DAY + MINUTE);
  await handle.executeUpdate(hearingScheduledUpdate, {
    args: [{ at: iso(servedAt), by: OFFICER, hearingAt }],
  });
  await bed.advanceTo(iso(ms(hearingAt) + HOUR));
  const heldAt = iso(ms(hearingAt) + 30 * MINUTE);
  const conclude = (sanctions: SanctionInput[]) =>
    handle.executeUpdate(hearingConcludedUpdate, {
      args: [{ at: heldAt, by: OFFICER, finding: 'guilty', sanctions }],
    });

  const refusal = await expectRefused(
    conclude([{ code: '6B', days: 100 }]),
    'SANCTION_TERM_TOO_LONG',
    /sanctions\.0\.days: 100 days is beyond the maximum of 90 days for 6B \("6B\. Visitation Restriction not to exceed 90 days\.\*\*"; OP-060125 §IV.*class B, 6B \(seed 002_5a28f52881808cb3\.txt\)\)/,
  );
  expect(refusal.details?.[0]).toMatchObject({ field: 'sanctions.0.days', value: 100, limit: 90 });
  await expectRefused(conclude([{ code: '5B' }]), 'SANCTION_TERM_REQUIRED', /5B needs its length in hours/);

  const view = (await conclude([
    { code: '6B', days: 40 },
    { code: '5B', hours: 8 },
  ])) as DisciplineView;
  const endsAt = endOfLocalDay(heldAt, 40);
  const restore = deadline(view, 'privilege.restore-6B');
  expect(ms(restore.dueAt as string)).toBe(ms(endsAt));
  expect(restore).toMatchObject({ responsibleRole: 'unit-manager', state: 'pending' });
  expect(restore.source).toMatch(/class B, 6B \(seed 002_5a28f52881808cb3\.txt\)/);
  expect(restore.explanation).toContain(`40 calendar days from ${heldAt.slice(0, 10)} (day 0)`);
  expect(restore.reminders).toHaveLength(1);
  expect(view.sanctions?.imposed).toEqual([
    expect.objectContaining({
      code: '6B',
      days: 40,
      restoration: expect.objectContaining({ key: 'privilege.restore-6B', task: 'restore-6B/service/1' }),
    }),
    expect.objectContaining({ code: '5B', hours: 8 }),
  ]);
  expect(view.sanctions?.imposed[1]?.restoration).toBeUndefined();
  const unit = () => bed.mailTo('unit-manager@larc.example.org').filter((m) => m.text.includes(caseNumber));
  await waitFor(() => unit().length === 1);
  expect(unit()[0]?.subject).toMatch(/^Service task: serve Restoration of visitation: 6B/);
  expectDeadlineNotice(unit()[0]!, restore);

  // Restoring before the term's last day is refused, with the day it may be done.
  const early = iso(await bed.env.currentTimeMs());
  await expectRefused(
    handle.executeUpdate(privilegeRestoredUpdate, { args: [{ at: early, by: 'S-0700', sanction: '6B' }] }),
    'TOO_EARLY',
    new RegExp(`before the last day of the term \\(${endsAt.slice(0, 10)}\\)`),
  );

  // The hearing actions are served; with no appeal, the finding is final after the window and its
  // recording grace, while the restriction still runs: the case stays open for its restoration.
  await serve(handle, 'hearing-actions/', heldAt, OFFICER);
  await bed.advanceTo(iso(ms(heldAt) + 31 * DAY));
  await waitFor(async () => (await handle.query(scheduleQuery)).stage === 'sanctions-in-force');

  // The working day before the end, the unit is reminded; at the end, the facility head is alerted.
  const reminderAt = restore.reminders[0]?.at as string;
  await bed.advanceTo(iso(ms(reminderAt) + MINUTE));
  await waitFor(() => unit().some((m) => m.subject.startsWith('Reminder: privilege.restore-6B')));
  await bed.advanceTo(iso(ms(endsAt) + MINUTE));
  const head = () => bed.mailTo('facility-head@larc.example.org').filter((m) => m.text.includes(caseNumber));
  await waitFor(() => head().some((m) => /^OVERDUE: privilege\.restore-6B/.test(m.subject)));
  expectDeadlineNotice(
    head().find((m) => /^OVERDUE/.test(m.subject))!,
    restore,
  );

  // The restoration is recorded: the alerts stop and the case closes.
  const restoredAt = iso(await bed.env.currentTimeMs());
  const after = (await handle.executeUpdate(privilegeRestoredUpdate, {
    args: [{ at: restoredAt, by: 'S-0700', sanction: '6B' }],
  })) as DisciplineView;
  expect(after.stage).toBe('final');
  expect(deadline(after, 'privilege.restore-6B')).toMatchObject({
    state: 'breached',
    metAt: expect.any(String),
  });
  expect(after.sanctions?.imposed[0]?.restoration?.restoredAt).toBe(restoredAt);
  expect(after.serviceTasks.find((t) => t.task === 'restore-6B/service/1')?.proof?.at).toBe(restoredAt);
  expect(await resultOf(handle)).toMatchObject({ caseNumber, stage: 'final', outcome: 'guilty' });
  await recordHistoryIfAsked(handle, 'discipline-sanction-terms');
});

test("the repeat rule: a guilty finding of the same rule inside an earlier finding's six months is flagged with its case and date and allows the next higher class; one just outside is not", async () => {
  // Two inmates, each found guilty of rule 02-8 (class B) now: one is found guilty of it again just
  // inside six months, the other just outside.
  const inside = `SUBJ-${randomUUID()}`;
  const outside = `SUBJ-${randomUUID()}`;
  const first = async (subjectId: string) => {
    const opened = await openCase({ subjectId, offenseCode: '02-8', offenseClass: 'B' });
    const { view, concludedAt } = await throughHearing(opened.handle, 'guilty', [{ code: '4B' }]);
    const repeat = (view as DisciplineView).sanctions?.repeat;
    expect(repeat?.status).toBe('does-not-apply');
    expect(repeat?.statement).toBe(
      "No earlier guilty finding of rule 02-8 is on the inmate's record for the prior six months.",
    );
    const window = deadline(view, 'repeat.window');
    const sixMonths = DateTime.fromISO(concludedAt, { zone: ZONE }).plus({ months: 6 }).endOf('day');
    expect(ms(window.dueAt as string)).toBe(sixMonths.toMillis());
    expect(window.explanation).toContain(
      `counting: day 0 is ${DateTime.fromISO(concludedAt, { zone: ZONE }).toISODate()}`,
    );
    return { ...opened, concludedAt, windowUntil: window.dueAt as string, windowText: window.localText };
  };
  const a1 = await first(inside);
  const a2 = await first(outside);

  // The record keeps each finding by rule, with its window; no identity in its ID or attributes.
  const watch1 = bed.env.client.workflow.getHandle(`subject-${subjectWatchRef(inside)}`);
  await waitFor(async () => (await watch1.query(suspensionsQuery)).findings.length === 1);
  expect((await watch1.query(suspensionsQuery)).findings).toEqual([
    {
      caseNumber: a1.caseNumber,
      facility: 'LARC',
      offenseCode: '02-8',
      foundAt: a1.concludedAt,
      foundOn: DateTime.fromISO(a1.concludedAt, { zone: ZONE }).toISODate(),
      windowUntil: a1.windowUntil,
      windowText: a1.windowText,
    },
  ]);
  expect(JSON.stringify((await watch1.describe()).searchAttributes)).not.toContain(inside);

  // Just inside: the hearing concludes an hour before the window ends. Every instant is set explicitly
  // (in the past of the test server's clock), which may run ahead while the test waits for a case.
  const still = new Client({ connection: bed.env.connection, namespace: bed.env.namespace });
  const caseAround = async (subjectId: string, concludeAt: number) => {
    const acceptedAt = concludeAt - 3 * DAY;
    await bed.advanceTo(iso(acceptedAt + 2 * MINUTE));
    const opened = await openCase(
      {
        subjectId,
        offenseCode: '02-8',
        offenseClass: 'B',
        reportedAt: iso(acceptedAt - HOUR),
        acceptedAt: iso(acceptedAt),
      },
      still,
    );
    await waitFor(
      async () =>
        ((await opened.handle.query(scheduleQuery)) as DisciplineView).sanctions?.priorFindings !== null,
    );
    await serve(opened.handle, 'offense-report/', iso(acceptedAt + MINUTE));
    await opened.handle.executeUpdate(hearingScheduledUpdate, {
      args: [{ at: iso(acceptedAt + MINUTE), by: OFFICER, hearingAt: iso(acceptedAt + DAY + 2 * MINUTE) }],
    });
    await bed.advanceTo(iso(concludeAt + MINUTE));
    return opened;
  };
  const convictedB = iso(ms(a1.windowUntil) - HOUR);
  const b = await caseAround(inside, ms(convictedB));
  expect(((await b.handle.query(scheduleQuery)) as DisciplineView).sanctions?.priorFindings).toEqual([
    expect.objectContaining({ caseNumber: a1.caseNumber, windowUntil: a1.windowUntil }),
  ]);
  const viewB = (await b.handle.executeUpdate(hearingConcludedUpdate, {
    args: [{ at: convictedB, by: OFFICER, finding: 'guilty', sanctions: [{ code: '7A', days: 120 }] }],
  })) as DisciplineView;
  const foundOnA1 = DateTime.fromISO(a1.concludedAt, { zone: ZONE }).toISODate() as string;
  expect(viewB.sanctions?.repeat).toMatchObject({
    status: 'applies',
    higherClass: 'A',
    prior: { caseNumber: a1.caseNumber, foundOn: foundOnA1 },
  });
  expect(viewB.sanctions?.repeat?.statement).toBe(
    `Second infraction of rule 02-8 within six months: case ${a1.caseNumber} found the inmate guilty of 02-8 on ${foundOnA1}, and its window runs through ${a1.windowText}; a sanction of the next higher class of offense (class A) may be imposed.`,
  );
  expect(deadline(viewB, 'privilege.restore-7A').state).toBe('pending');
  const officer = (caseNumber: string) =>
    bed
      .mailTo('disciplinary-officer@larc.example.org')
      .filter((m) => m.text.includes(caseNumber) && /^ALERT: Repeat rule/.test(m.subject));
  await waitFor(() => officer(b.caseNumber).length === 1);
  const notice = officer(b.caseNumber)[0]!;
  expect(notice.subject).toContain('a second infraction within six months');
  expect(notice.text).toContain(viewB.sanctions?.repeat?.statement as string);
  expect(notice.text).toContain('day 0 is the date of the earlier finding');
  expect(notice.text).toMatch(
    /OP-060125 §IV, Acts Constituting Rule Violation: Range of Allowable Sanctions \(seed 002_5a28f52881808cb3\.txt\)/,
  );
  expect(notice.text).not.toContain(inside);

  // Just outside: the hearing concludes an hour after the window ended.
  const convictedC = iso(ms(a2.windowUntil) + HOUR);
  const c = await caseAround(outside, ms(convictedC));
  await expectRefused(
    c.handle.executeUpdate(hearingConcludedUpdate, {
      args: [{ at: convictedC, by: OFFICER, finding: 'guilty', sanctions: [{ code: '7A', days: 120 }] }],
    }),
    'SANCTION_CLASS_NOT_ALLOWED',
    new RegExp(
      `7A is a class A sanction; offense 02-8 is class B: .*case ${escape(a2.caseNumber)} on .*has a window that ended ${escape(a2.windowText)}`,
    ),
  );
  const viewC = (await c.handle.executeUpdate(hearingConcludedUpdate, {
    args: [{ at: convictedC, by: OFFICER, finding: 'guilty', sanctions: [{ code: '6B', days: 30 }] }],
  })) as DisciplineView;
  expect(viewC.sanctions?.repeat?.status).toBe('does-not-apply');
  expect(viewC.sanctions?.repeat?.prior).toBeUndefined();
  await waitFor(() => officer(c.caseNumber).length === 1);
  expect(officer(c.caseNumber)[0]?.subject).toContain('not a second infraction within six months');
  await recordHistoryIfAsked(b.handle, 'discipline-repeat-rule');
  await recordHistoryIfAsked(watch1, 'subject-record-findings');
});

test('Thanksgiving 2027: 7 working days skip the holiday and the day after; an extension with written justification is served on the inmate', async () => {
  await bed.advanceTo('2027-11-22T12:00:00-06:00');
  const { handle, caseNumber } = await openCase({
    reportedAt: '2027-11-22T08:00:00-06:00',
    acceptedAt: '2027-11-22T09:00:00-06:00',
  });
  let view = await handle.query(scheduleQuery);
  // Mon 22 Nov is day 0; Thu 25 (Thanksgiving) and Fri 26 (the day after) are closed (25 O.S. §82.1):
  // 23, 24, 29, 30 Nov, 1, 2, 3 Dec.
  const conclusion = deadline(view, 'hearing.conclusion');
  expect(conclusion.dueAt).toBe('2027-12-03T23:59:59.999-06:00');
  expect(conclusion.explanation).toMatch(/2027-11-25 Thanksgiving.*2027-11-26/);
  await serve(handle, 'offense-report/', '2027-11-22T10:00:00-06:00');

  await expectRefused(
    handle.executeUpdate(hearingScheduledUpdate, {
      args: [{ at: '2027-11-22T11:00:00-06:00', by: OFFICER, hearingAt: '2027-12-06T09:00:00-06:00' }],
    }),
    'DEADLINE_PASSED',
    /after the hearing\.conclusion limit 2027-12-03 23:59 CST .*written justification/,
  );
  await expectRefused(
    handle.executeUpdate(extendDeadlineUpdate, {
      args: [
        {
          key: 'hearing.conclusion',
          dueAt: '2027-12-10T23:59:59.999-06:00',
          reason: 'witness on medical leave',
          approverRole: 'shift-supervisor',
          approvedBy: 'S-0500',
          at: '2027-11-22T11:30:00-06:00',
        },
      ],
    }),
    'EXTENSION_APPROVER_NOT_ALLOWED',
    /role 'shift-supervisor' may not approve this extension \(allowed: disciplinary-officer, facility-head\)/,
  );
  view = await handle.executeUpdate(extendDeadlineUpdate, {
    args: [
      {
        key: 'hearing.conclusion',
        dueAt: '2027-12-10T23:59:59.999-06:00',
        reason: 'the witnessing officer is on medical leave until 6 December',
        approverRole: 'disciplinary-officer',
        approvedBy: OFFICER,
        at: '2027-11-22T11:30:00-06:00',
      },
    ],
  });
  expect(deadline(view, 'hearing.conclusion')).toMatchObject({
    state: 'extended',
    dueAt: '2027-12-10T23:59:59.999-06:00',
  });
  // §IV.B.3: "the inmate will receive documented notification of the extension" — through staff.
  const task = view.serviceTasks.find((t) => t.task.startsWith('hearing.conclusion.extension-1/'));
  expect(task).toMatchObject({ to: 'inmate', role: 'disciplinary-officer' });
  await waitFor(
    () =>
      bed
        .mailTo('disciplinary-officer@larc.example.org')
        .filter((m) => m.text.includes(caseNumber) && /extended|extension/i.test(m.subject)).length >= 2,
  );
  const mails = bed
    .mailTo('disciplinary-officer@larc.example.org')
    .filter((m) => m.text.includes(caseNumber));
  const serviceTask = mails.find((m) => m.subject.startsWith('Service task'));
  expect(serviceTask?.text).toContain(
    'Written notice of extension: hearing.conclusion now due 2027-12-10 23:59 CST',
  );
  expect(serviceTask?.text).toContain('the witnessing officer is on medical leave until 6 December');
  expect(serviceTask?.text).toContain('OP-060125 §IV.B.3');

  view = await handle.executeUpdate(hearingScheduledUpdate, {
    args: [{ at: '2027-11-22T11:45:00-06:00', by: OFFICER, hearingAt: '2027-12-06T09:00:00-06:00' }],
  });
  expect(view.stage).toBe('awaiting-hearing');
  view = await handle.executeUpdate(recordServiceUpdate, {
    args: [
      { task: task?.task as string, servedBy: OFFICER, at: '2027-11-22T11:50:00-06:00', method: 'in-person' },
    ],
  });
  expect(view.serviceTasks.find((t) => t.task === task?.task)?.proof?.servedBy).toBe(OFFICER);
});

test('the full path across Christmas 2027 and New Year 2028: hearing, both appeals on time, the director decides', async () => {
  await bed.advanceTo('2027-12-20T09:30:00-06:00');
  const { handle, caseNumber, intake } = await openCase({
    reportedAt: '2027-12-20T08:00:00-06:00',
    acceptedAt: '2027-12-20T09:00:00-06:00',
  });
  let view = await handle.executeUpdate(investigationStartedUpdate, {
    args: [{ at: '2027-12-20T09:10:00-06:00', by: INVESTIGATOR }],
  });
  expect(deadline(view, 'investigation.start')).toMatchObject({
    state: 'met',
    dueAt: '2027-12-21T08:00:00.000-06:00',
  });
  // Mon 20 Dec is day 0. Christmas 2027 is a Saturday, so Oklahoma closes Thu 23 and Fri 24; New
  // Year's Day is a Saturday, observed Fri 31: 21, 22, 27, 28, 29, 30 Dec, 3 Jan.
  const conclusion = deadline(view, 'hearing.conclusion');
  expect(conclusion.dueAt).toBe('2028-01-03T23:59:59.999-06:00');
  expect(conclusion.explanation).toMatch(/2027-12-23 .*2027-12-24 .*2027-12-31 /);

  view = await serve(handle, 'offense-report/', '2027-12-20T09:20:00-06:00');
  expect(deadline(view, 'report.service').state).toBe('met');
  expect(deadline(view, 'hearing.earliest').earliest).toBe('2027-12-21T09:20:00.000-06:00');
  await handle.executeUpdate(representativeRequestedUpdate, {
    args: [{ at: '2027-12-20T09:25:00-06:00', by: INVESTIGATOR, representativeId: REPRESENTATIVE }],
  });
  view = await handle.executeUpdate(hearingScheduledUpdate, {
    args: [{ at: '2027-12-20T09:30:00-06:00', by: OFFICER, hearingAt: '2027-12-27T09:00:00-06:00' }],
  });
  expect(deadline(view, 'representative.consult').dueAt).toBe('2027-12-26T09:00:00.000-06:00');

  await bed.advanceTo('2027-12-22T10:00:00-06:00');
  await handle.executeUpdate(representativeConsultedUpdate, {
    args: [{ at: '2027-12-22T10:00:00-06:00', by: REPRESENTATIVE }],
  });

  await bed.advanceTo('2027-12-27T11:00:00-06:00');
  view = await handle.executeUpdate(hearingConcludedUpdate, {
    args: [{ at: '2027-12-27T10:30:00-06:00', by: OFFICER, finding: 'guilty', sanctions: [{ code: '4A' }] }],
  });
  expect(view.stage).toBe('found-guilty');
  expect(deadline(view, 'hearing.conclusion').state).toBe('met');
  view = await serve(handle, 'hearing-actions/', '2027-12-27T11:00:00-06:00', OFFICER);
  // 15 calendar days from Mon 27 Dec: Tue 11 Jan, a working day (no roll-forward needed).
  expect(deadline(view, 'appeal.facility').dueAt).toBe('2028-01-11T23:59:59.999-06:00');

  await bed.advanceTo('2028-01-03T10:00:00-06:00');
  view = await handle.executeUpdate(facilityAppealFiledUpdate, {
    args: [{ at: '2028-01-03T09:00:00-06:00', by: INVESTIGATOR }],
  });
  expect(view.stage).toBe('facility-appeal');
  // The facility head's time is an agency setting (default 15 working days): from Mon 3 Jan, skipping
  // Martin Luther King Jr. Day (Mon 17 Jan) → Tue 25 Jan.
  const response = deadline(view, 'appeal.facility.response');
  expect(response.dueAt).toBe('2028-01-25T23:59:59.999-06:00');
  expect(response.source).toMatch(/agency setting ok-doc-discipline\.appeal\.facility-response \(default\)/);

  await bed.advanceTo('2028-01-11T10:00:00-06:00');
  view = await handle.executeUpdate(facilityAppealDecidedUpdate, {
    args: [{ at: '2028-01-10T09:00:00-06:00', by: 'S-0004', outcome: 'affirmed' }],
  });
  expect(view.stage).toBe('facility-decided');
  view = await serve(handle, 'facility-response/', '2028-01-11T09:00:00-06:00', 'S-0004');
  expect(deadline(view, 'appeal.director').dueAt).toBe('2028-01-26T23:59:59.999-06:00');

  await bed.advanceTo('2028-01-18T10:00:00-06:00');
  view = await handle.executeUpdate(directorAppealFiledUpdate, {
    args: [{ at: '2028-01-18T09:00:00-06:00', by: INVESTIGATOR }],
  });
  // 15 days, working days by §IV.B.3: 19 Jan … 8 Feb.
  const review = deadline(view, 'appeal.director.review');
  expect(review.dueAt).toBe('2028-02-08T23:59:59.999-06:00');
  expect(review.responsibleRole).toBe('director');

  await bed.advanceTo('2028-02-01T10:00:00-06:00');
  view = await handle.executeUpdate(directorAppealDecidedUpdate, {
    args: [{ at: '2028-02-01T09:00:00-06:00', by: 'S-0015', outcome: 'affirmed' }],
  });
  expect(view.stage).toBe('director-decided');
  view = await serve(handle, 'director-decision/', '2028-02-01T09:30:00-06:00', 'S-0015');
  expect(view.stage).toBe('final');
  expect(await resultOf(handle)).toEqual({
    caseNumber,
    stage: 'final',
    outcome: 'affirmed',
    expunged: false,
  });
  await recordHistoryIfAsked(handle, 'discipline-full-path');

  const states = Object.fromEntries(
    (await handle.query(scheduleQuery)).deadlines.map((d) => [d.key, d.state]),
  );
  expect(states).toMatchObject({
    'report.service': 'met',
    'investigation.start': 'met',
    'representative.consult': 'met',
    'hearing.conclusion': 'met',
    'appeal.facility': 'met',
    'appeal.facility.response': 'met',
    'appeal.director': 'met',
    'appeal.director.review': 'met',
  });
  // Nobody was alerted about this case: every step was on time.
  expect(
    bed.smtp.messages.filter((m) => m.text.includes(caseNumber) && /OVERDUE|ESCALAT/i.test(m.subject)),
  ).toEqual([]);
  const described = await handle.describe();
  expect(described.searchAttributes).toMatchObject({
    CaseType: ['discipline'],
    Jurisdiction: ['US-OK'],
    Facility: ['LARC'],
    Stage: ['final'],
    PolicyVersion: ['ok-doc-discipline@1.2.0'],
  });
  await endWatch(intake.subjectId);
});
