// Employee probation records (Arkansas DOC SD 2022-17 §III.D-F) end to end on the time-skipping
// server: real worker wiring, real schedules, and every notice read back from a real SMTP receiver.
//
// The test server's clock starts at the real "now" and only moves forward, and every expectation here
// is a hand-worked date on the Arkansas state calendar (us-ar-state, A.C.A. §1-5-101). So each test
// gets its own Docket (server, SMTP receiver, worker) and moves its clock to the dates it needs.
import { type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { ProbationIntakeInput } from '../../domain/cases/probation';
import {
  extendDeadlineUpdate,
  recordServiceUpdate,
  timelineQuery,
  type CaseView,
} from '../../workflows/case-messages';
import {
  notificationReceivedUpdate,
  probationRecord,
  probationWorkflowId,
  recordActionUpdate,
  separateUpdate,
  verbalWarningRemovedUpdate,
  violationReportedUpdate,
  type ActionView,
  type ProbationView,
} from '../../workflows/probation';
import type { DocketTestbed } from '../helpers/docket-env';
import { recordHistoryIfAsked } from '../helpers/histories';
import {
  mailAbout,
  sendUpdate,
  sentAt,
  viewOf as viewOfRecord,
  waitFor,
  withDocketTestbed,
} from '../helpers/records';
import { uniqueName } from '../helpers/temporal';
import { expectRefused } from '../helpers/refusals';

const SUPERVISOR = 'supervisor@adc-hq.example.org';
const HR = 'hr@adc-hq.example.org';
const DMS = 'decision-making-supervisor@adc-hq.example.org';
/** The agency's lead times for this suite: 30 and 7 days before a probation ends (issue 8's example). */
const LEAD_TIMES = { 'reminder-lead-times': '30 calendarDays, 7 calendarDays' };

type RecordHandle = WorkflowHandleWithFirstExecutionRunId<typeof probationRecord>;

const send = <I>(handle: RecordHandle, update: UpdateDefinition<CaseView, [I]>, input: I) =>
  sendUpdate<ProbationView, I>(handle, update, input);
const viewOf = (handle: RecordHandle) => viewOfRecord<ProbationView>(handle);

async function openRecord(
  bed: DocketTestbed,
  overrides: Partial<ProbationIntakeInput> = {},
): Promise<{ handle: RecordHandle; employeeId: string }> {
  const employeeId = uniqueName('EMP').toUpperCase().slice(0, 40);
  const handle = await bed.env.client.workflow.start(probationRecord, {
    taskQueue: bed.taskQueue,
    workflowId: probationWorkflowId(employeeId),
    args: [{ employeeId, settings: LEAD_TIMES, ...overrides }],
  });
  return { handle, employeeId };
}

function actionIn(view: ProbationView, id: string): ActionView {
  const found = view.record.actions.find((a) => a.id === id);
  if (!found) throw new Error(`no ${id} in ${view.record.actions.map((a) => a.id).join(', ')}`);
  return found;
}

/** Reminders to the supervisor at their instants, then the end notice to the supervisor and HR. */
async function expectEndNotices(
  bed: DocketTestbed,
  employeeId: string,
  key: string,
  endsAt: string,
  reminders: string[],
): Promise<void> {
  await waitFor(
    () =>
      mailAbout(bed, SUPERVISOR, employeeId).length >= reminders.length + 1 &&
      mailAbout(bed, HR, employeeId).length >= 1,
    `end notices of ${key}`,
  );
  const supervisor = mailAbout(bed, SUPERVISOR, employeeId);
  const hr = mailAbout(bed, HR, employeeId);
  expect(supervisor).toHaveLength(reminders.length + 1);
  expect(hr).toHaveLength(1);
  reminders.forEach((planned, i) => {
    const mail = supervisor[i];
    expect(mail?.subject).toMatch(new RegExp(`^Reminder: ${key.replace('.', '\\.')} due`));
    expect(Math.abs(sentAt(mail) - Date.parse(planned))).toBeLessThan(2_000);
    expect(mail?.text).not.toMatch(/Probation period ended/);
  });
  for (const end of [supervisor.at(-1), hr[0]]) {
    expect(end?.text).toMatch(/Probation period ended/);
    expect(end?.text).toContain(key);
    // Sent when the period ends: the end of its last day (the Date header has whole seconds).
    expect(Math.abs(sentAt(end) - Date.parse(endsAt))).toBeLessThan(2_000);
  }
}

const CST = (local: string) => `${local}-06:00`;
const CDT = (local: string) => `${local}-05:00`;
const SATURDAY_MOVED =
  'outside business hours (08:00–17:00 America/Chicago): Saturday is not a working day; moved to the start of the previous working day';

test('each probation type runs its period: reminders to the supervisor, then the supervisor and HR at the end', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-01-11T10:00:00')); // Monday
    const issued = CST('2027-01-11T09:00:00');
    const notified = CST('2027-01-11T09:30:00');
    const written = await openRecord(bed);
    const suspension = await openRecord(bed);
    const demotion = await openRecord(bed);
    const hire = await openRecord(bed);
    const promotion = await openRecord(bed);

    let view = await send(written.handle, recordActionUpdate, {
      action: 'written-warning',
      by: 'S-0100',
      issuedAt: issued,
      notifiedAt: notified,
    });
    // 6 months commencing 2027-01-11 (§III.F.1: day 1 is the day of notification) run through 2027-07-10.
    let a1 = actionIn(view, 'A1');
    expect(a1.probation).toMatchObject({
      key: 'A1:probation.written-warning',
      state: 'pending',
      startsOn: '2027-01-11',
      endsAt: CDT('2027-07-10T23:59:59.999'),
    });
    expect(a1.probation?.source).toMatch(/SD 2022-17 §III\.D\.3\.b/);
    expect(view.stage).toBe('disciplinary-probation');
    expect(view.deadlines.find((d) => d.key === 'A1:probation.written-warning')?.reminders).toEqual([
      { key: '30-calendar-days-before', at: CDT('2027-06-10T08:00:00.000') },
      // 2027-07-03 is a Saturday: the reminder goes out when someone is at work, the Friday before.
      {
        key: '7-calendar-days-before',
        at: CDT('2027-07-02T08:00:00.000'),
        computedAt: CDT('2027-07-03T08:00:00.000'),
        movedBecause: SATURDAY_MOVED,
      },
    ]);

    view = await send(suspension.handle, recordActionUpdate, {
      action: 'suspension',
      by: 'S-0100',
      issuedAt: issued,
      notifiedAt: notified,
      suspension: { workingDays: 3, firstDay: '2027-01-12' },
    });
    expect(actionIn(view, 'A1').probation).toMatchObject({
      key: 'A1:probation.suspension',
      endsAt: CST('2028-01-10T23:59:59.999'),
    });
    expect(actionIn(view, 'A1').suspension?.days).toEqual(['2027-01-12', '2027-01-13', '2027-01-14']);

    view = await send(demotion.handle, recordActionUpdate, {
      action: 'demotion',
      by: 'S-0100',
      issuedAt: issued,
      notifiedAt: notified,
    });
    expect(actionIn(view, 'A1').probation?.endsAt).toBe(CST('2028-01-10T23:59:59.999'));
    expect(actionIn(view, 'A1').probation?.source).toMatch(/§III\.D\.3\.d/);

    view = await send(hire.handle, recordActionUpdate, {
      action: 'initial-hire',
      by: 'S-0100',
      hiredAt: CST('2027-01-11T08:00:00'),
    });
    expect(actionIn(view, 'A1').probation).toMatchObject({
      key: 'A1:probation.initial',
      endsAt: CST('2028-01-10T23:59:59.999'),
    });
    expect(view.stage).toBe('initial-probation');

    view = await send(promotion.handle, recordActionUpdate, {
      action: 'promotion',
      by: 'S-0100',
      promotedAt: CST('2027-01-11T08:00:00'),
    });
    // Six months following a promotion (§III.F.2).
    expect(actionIn(view, 'A1').probation?.endsAt).toBe(CDT('2027-07-10T23:59:59.999'));

    // The six-month periods end with 2027-07-10.
    await bed.advanceTo(CDT('2027-07-11T09:00:00'));
    const sixMonthReminders = [CDT('2027-06-10T08:00:00'), CDT('2027-07-02T08:00:00')];
    await expectEndNotices(
      bed,
      written.employeeId,
      'A1:probation.written-warning',
      a1.probation?.endsAt as string,
      sixMonthReminders,
    );
    await expectEndNotices(
      bed,
      promotion.employeeId,
      'A1:probation.initial',
      CDT('2027-07-10T23:59:59.999'),
      sixMonthReminders,
    );
    view = await viewOf(written.handle);
    a1 = actionIn(view, 'A1');
    expect(a1.probation?.state).toBe('met');
    // §III.E.3: once the probation has expired, the action is not a consideration for progressive discipline.
    expect(a1.countsForProgressiveDiscipline).toBe(false);
    expect(view.record.countsForProgressiveDiscipline).toEqual([]);
    expect(view.stage).toBe('clear');
    expect((await viewOf(suspension.handle)).stage).toBe('disciplinary-probation');
    expect(mailAbout(bed, HR, suspension.employeeId)).toHaveLength(0);

    // The twelve-month periods end with 2028-01-10.
    await bed.advanceTo(CST('2028-01-11T09:00:00'));
    // 30 days before is Saturday 2027-12-11: the Friday before.
    const yearReminders = [CST('2027-12-10T08:00:00'), CST('2028-01-03T08:00:00')];
    const yearEnd = CST('2028-01-10T23:59:59.999');
    await expectEndNotices(bed, suspension.employeeId, 'A1:probation.suspension', yearEnd, yearReminders);
    await expectEndNotices(bed, demotion.employeeId, 'A1:probation.demotion', yearEnd, yearReminders);
    await expectEndNotices(bed, hire.employeeId, 'A1:probation.initial', yearEnd, yearReminders);
    for (const { handle } of [suspension, demotion, hire]) {
      view = await viewOf(handle);
      expect(actionIn(view, 'A1').probation?.state).toBe('met');
      expect(view.stage).toBe('clear');
    }
    const timeline = await suspension.handle.query(timelineQuery);
    expect(timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'opened',
        'action.suspension',
        'period.ended',
        'probation.ended',
        'notice.sent',
      ]),
    );

    // Workflow ID and search attributes carry opaque codes only.
    const described = await written.handle.describe();
    expect(described.workflowId).toBe(`probation-${written.employeeId}`);
    const attrs = described.searchAttributes as Record<string, unknown[]>;
    expect(attrs.CaseType).toEqual(['probation']);
    expect(attrs.Jurisdiction).toEqual(['US-AR']);
    expect(attrs.Facility).toEqual(['ADC-HQ']);
    expect(attrs.Stage).toEqual(['clear']);
    expect(attrs.PolicyVersion).toEqual(['adc-probation@1.0.0']);
  });
}, 180_000);

test('a second written warning within a year of the first carries at least 9 months; a year and a day later, 6', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-01-11T10:00:00'));
    const nine = await openRecord(bed);
    const six = await openRecord(bed);
    for (const { handle } of [nine, six]) {
      await send(handle, recordActionUpdate, {
        action: 'written-warning',
        by: 'S-0100',
        issuedAt: CST('2027-01-11T09:00:00'),
        notifiedAt: CST('2027-01-11T09:30:00'),
      });
    }

    await bed.advanceTo(CDT('2027-09-15T10:00:00'));
    // Issued 2027-09-14, received 2027-09-15: within one year of the written warning of 2027-01-11.
    let view = await send(nine.handle, recordActionUpdate, {
      action: 'written-warning',
      by: 'S-0100',
      issuedAt: CDT('2027-09-14T09:00:00'),
    });
    // The probation commences on notification (§III.F.1): until then it waits for it.
    expect(actionIn(view, 'A2').awaitingNotification).toBe(true);
    expect(actionIn(view, 'A2').probation).toBeUndefined();
    view = await send(nine.handle, notificationReceivedUpdate, {
      actionId: 'A2',
      at: CDT('2027-09-15T09:00:00'),
      by: 'S-0100',
    });
    const a2 = actionIn(view, 'A2');
    expect(a2.priorWrittenWarning).toBe('A1');
    expect(a2.awaitingNotification).toBe(false);
    // 9 months commencing 2027-09-15 run through 2028-06-14.
    expect(a2.probation).toMatchObject({
      key: 'A2:probation.written-warning',
      startsOn: '2027-09-15',
      endsAt: CDT('2028-06-14T23:59:59.999'),
    });
    expect(a2.probation?.rule).toMatch(/at least 9 months/);
    expect(a2.probation?.source).toMatch(/§III\.D\.3\.b/);
    await expectRefused(
      send(nine.handle, notificationReceivedUpdate, {
        actionId: 'A2',
        at: CDT('2027-09-15T09:00:00'),
        by: 'S-0100',
      }),
      'DUPLICATE_EVENT',
      /notification of A2 was already recorded/,
    );

    // The year from 2027-01-11 (day 0) ends with 2028-01-11: received 2028-01-12, it is 6 months.
    await bed.advanceTo(CST('2028-01-12T10:00:00'));
    view = await send(six.handle, recordActionUpdate, {
      action: 'written-warning',
      by: 'S-0100',
      issuedAt: CST('2028-01-12T09:00:00'),
      notifiedAt: CST('2028-01-12T09:30:00'),
    });
    expect(actionIn(view, 'A2').priorWrittenWarning).toBe('A1');
    expect(actionIn(view, 'A2').probation?.endsAt).toBe(CDT('2028-07-11T23:59:59.999'));
    expect(actionIn(view, 'A2').probation?.rule).toMatch(/at least 6 months/);

    // Six months after 2027-09-15 nothing has ended yet; nine months after, it has.
    await bed.advanceTo(CDT('2028-03-16T10:00:00'));
    expect(actionIn(await viewOf(nine.handle), 'A2').probation?.state).toBe('pending');
    expect(mailAbout(bed, HR, nine.employeeId)).toHaveLength(1); // A1's end in July 2027
    await bed.advanceTo(CDT('2028-06-15T10:00:00'));
    await waitFor(() => mailAbout(bed, HR, nine.employeeId).length >= 2, 'the 9-month end notice');
    const end = mailAbout(bed, HR, nine.employeeId)[1];
    expect(end?.text).toContain('A2:probation.written-warning');
    expect(Math.abs(sentAt(end) - Date.parse(CDT('2028-06-14T23:59:59.999')))).toBeLessThan(2_000);
  });
}, 180_000);

test("a suspension's working days skip Thanksgiving and the Christmas holidays; its length is checked", async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-11-19T10:00:00')); // Friday
    const { handle, employeeId } = await openRecord(bed);
    const base = {
      action: 'suspension' as const,
      by: 'S-0200',
      issuedAt: CST('2027-11-19T09:00:00'),
      notifiedAt: CST('2027-11-19T09:30:00'),
    };

    // More than 10 working days only in the driver's-license case (§III.D.3.c.i-ii): no trace left.
    await expectRefused(
      send(handle, recordActionUpdate, { ...base, suspension: { workingDays: 11, firstDay: '2027-11-22' } }),
      'INVALID_FACT',
      /suspensionWorkingDays.*11 is outside 1-10/,
    );
    const history = (await handle.fetchHistory()).events ?? [];
    expect(history.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toEqual([]);
    expect(history.filter((e) => e.markerRecordedEventAttributes)).toEqual([]);
    // The first day must be a working day: Thanksgiving (A.C.A. §1-5-101) is not.
    await expectRefused(
      send(handle, recordActionUpdate, { ...base, suspension: { workingDays: 5, firstDay: '2027-11-25' } }),
      'INVALID_DATE',
      /2027-11-25 is Thanksgiving Day, not a working day.*first working day after it is 2027-11-26/,
    );

    // Five working days from Monday 2027-11-22: Thanksgiving (Thursday) and the weekend are skipped.
    // Arkansas does not close the day after Thanksgiving, so Friday 2027-11-26 is a suspension day.
    const view = await send(handle, recordActionUpdate, {
      ...base,
      suspension: { workingDays: 5, firstDay: '2027-11-22' },
    });
    const window = actionIn(view, 'A1').suspension;
    expect(window).toMatchObject({
      workingDays: 5,
      firstDay: '2027-11-22',
      lastDay: '2027-11-29',
      days: ['2027-11-22', '2027-11-23', '2027-11-24', '2027-11-26', '2027-11-29'],
      endsAt: CST('2027-11-29T23:59:59.999'),
    });
    expect(window?.skipped).toEqual([
      { date: '2027-11-25', reason: 'holiday', name: 'Thanksgiving Day' },
      { date: '2027-11-27', reason: 'weekend' },
      { date: '2027-11-28', reason: 'weekend' },
    ]);
    expect(window?.source).toMatch(/SD 2022-17 §III\.D\.3\.c\.i/);
    // The window is in the schedule, as its own entry.
    const entry = view.deadlines.find((d) => d.key === 'A1:suspension.days');
    expect(entry?.explanation).toMatch(/5 working days from 2027-11-21 \(day 0\) ends 2027-11-29 23:59 CST/);
    expect(entry?.explanation).toMatch(/holidays 2027-11-25 Thanksgiving Day/);

    // The license case, 15 working days from Monday 2027-12-20, across Christmas and New Year 2027:
    // Arkansas observes Christmas Eve on Thursday 12-23, Christmas Day on Friday 12-24 and New Year's
    // Day 2028 on Friday 12-31, so the fifteenth working day is Wednesday 2028-01-12.
    await bed.advanceTo(CST('2027-12-17T10:00:00'));
    const license = await openRecord(bed);
    const licensed = await send(license.handle, recordActionUpdate, {
      action: 'suspension',
      by: 'S-0200',
      issuedAt: CST('2027-12-17T09:00:00'),
      notifiedAt: CST('2027-12-17T09:30:00'),
      suspension: { workingDays: 15, licenseSuspension: true, firstDay: '2027-12-20' },
    });
    const long = actionIn(licensed, 'A1').suspension;
    expect(long?.days).toEqual([
      '2027-12-20',
      '2027-12-21',
      '2027-12-22',
      '2027-12-27',
      '2027-12-28',
      '2027-12-29',
      '2027-12-30',
      '2028-01-03',
      '2028-01-04',
      '2028-01-05',
      '2028-01-06',
      '2028-01-07',
      '2028-01-10',
      '2028-01-11',
      '2028-01-12',
    ]);
    expect(long?.skipped.filter((s) => s.reason === 'holiday').map((s) => s.date)).toEqual([
      '2027-12-23',
      '2027-12-24',
      '2027-12-31',
    ]);
    expect(long?.source).toMatch(/§III\.D\.3\.c\.ii/);

    // The first window has passed by now (2027-12-17): the timeline says so; no notice is owed for it.
    const timeline = await handle.query(timelineQuery);
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'period.ended',
          detail: expect.stringMatching(/^A1:suspension\.days ended 2027-11-29 23:59 CST/),
        }),
      ]),
    );
    expect(mailAbout(bed, HR, employeeId)).toHaveLength(0);
  });
}, 180_000);

test('look-back: a violation within 6 months of a warning or 12 months of a suspension calls for more severe action; later ones do not', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-01-11T10:00:00'));
    const warned = await openRecord(bed);
    const suspended = await openRecord(bed);
    await send(warned.handle, recordActionUpdate, {
      action: 'verbal-warning',
      by: 'S-0300',
      issuedAt: CST('2027-01-11T09:00:00'),
    });
    await send(suspended.handle, recordActionUpdate, {
      action: 'suspension',
      by: 'S-0300',
      issuedAt: CST('2027-01-11T09:00:00'),
      notifiedAt: CST('2027-01-11T09:30:00'),
      suspension: { workingDays: 2, firstDay: '2027-01-12' },
    });

    // §III.D.4: within 6 months from the date of the warning (day 0 2027-01-11, through 2027-07-11).
    await bed.advanceTo(CDT('2027-05-04T10:00:00'));
    let view = await send(warned.handle, violationReportedUpdate, {
      occurredAt: CDT('2027-05-03T14:00:00'),
      by: 'S-0301',
    });
    let advice = view.record.violations[0]?.advice;
    expect(advice).toMatchObject({
      violationId: 'V1',
      moreSevereActionCalledFor: true,
      findings: [
        expect.objectContaining({
          actionId: 'A1',
          rule: 'III.D.4',
          within: true,
          until: CDT('2027-07-11T23:59:59.999'),
        }),
      ],
    });
    expect(advice?.summary).toMatch(
      /occurred within 6 months from the date of the verbal warning A1 of 2027-01-11 \(SD 2022-17 §III\.D\.4; the window runs through 2027-07-11 23:59 CDT\)\. If it is an equal or more substantial violation, a more severe disciplinary action should be taken\./,
    );
    await waitFor(() => mailAbout(bed, DMS, warned.employeeId).length >= 1, 'the look-back advice');
    let mail = mailAbout(bed, DMS, warned.employeeId)[0];
    expect(mail?.text).toMatch(
      /More severe action called for: yes, if the violation is equal or more substantial/,
    );
    expect(mail?.text).toMatch(
      /A1 verbal warning: window 2027-01-11 through 2027-07-11 23:59 CDT \(SD 2022-17 §III\.D\.4\): the violation is inside it/,
    );
    expect(mail?.text).toContain('V1 occurred 2027-05-03T14:00:00-05:00');

    // After the window: not called for.
    await bed.advanceTo(CDT('2027-08-03T10:00:00'));
    view = await send(warned.handle, violationReportedUpdate, {
      occurredAt: CDT('2027-08-02T14:00:00'),
      by: 'S-0301',
    });
    advice = view.record.violations[1]?.advice;
    expect(advice?.moreSevereActionCalledFor).toBe(false);
    expect(advice?.findings[0]?.within).toBe(false);
    await waitFor(() => mailAbout(bed, DMS, warned.employeeId).length >= 2, 'the second advice');
    mail = mailAbout(bed, DMS, warned.employeeId)[1];
    expect(mail?.text).toMatch(/More severe action called for: no/);
    expect(mail?.text).toMatch(
      /did not occur within 6 months from the date of the verbal warning A1 of 2027-01-11 .*: SD 2022-17 §III\.D\.4-5 do not call for a more severe action/,
    );

    // §III.D.5: within 12 months of the date of the suspension (through 2028-01-11).
    await bed.advanceTo(CST('2027-12-02T10:00:00'));
    view = await send(suspended.handle, violationReportedUpdate, {
      occurredAt: CST('2027-12-01T14:00:00'),
      by: 'S-0301',
    });
    advice = view.record.violations[0]?.advice;
    expect(advice).toMatchObject({ moreSevereActionCalledFor: true, onProbation: ['A1'], expired: [] });
    expect(advice?.findings[0]).toMatchObject({
      rule: 'III.D.5',
      within: true,
      until: CST('2028-01-11T23:59:59.999'),
    });
    await waitFor(() => mailAbout(bed, DMS, suspended.employeeId).length >= 1, 'the suspension look-back');
    expect(mailAbout(bed, DMS, suspended.employeeId)[0]?.text).toMatch(
      /§III\.D\.5\): the violation is inside it/,
    );

    // The decision answers the violation.
    view = await send(suspended.handle, recordActionUpdate, {
      action: 'demotion',
      by: 'S-0302',
      issuedAt: CST('2027-12-02T09:00:00'),
      notifiedAt: CST('2027-12-02T09:30:00'),
      violationId: 'V1',
    });
    expect(actionIn(view, 'A2')).toMatchObject({ violationId: 'V1', incidentAt: CST('2027-12-01T14:00:00') });

    // Past the suspension's window and its probation (ended 2028-01-10): not called for by A1, and A1
    // is no longer a consideration (§III.E.3); the demotion of 2027-12-02 is within its own window.
    await bed.advanceTo(CST('2028-01-21T10:00:00'));
    view = await send(suspended.handle, violationReportedUpdate, {
      occurredAt: CST('2028-01-20T14:00:00'),
      by: 'S-0301',
    });
    advice = view.record.violations[1]?.advice;
    expect(advice?.findings.map((f) => [f.actionId, f.within])).toEqual([
      ['A1', false],
      ['A2', true],
    ]);
    expect(advice?.expired).toEqual(['A1']);
    expect(advice?.summary).toMatch(
      /The disciplinary probation of A1 had expired: not a consideration for further progressive discipline \(SD 2022-17 §III\.E\.3\)/,
    );

    // A record with nothing before the violation: the rules do not apply, and nobody is mailed.
    const clean = await openRecord(bed);
    view = await send(clean.handle, violationReportedUpdate, {
      occurredAt: CST('2028-01-20T14:00:00'),
      by: 'S-0301',
    });
    expect(view.record.violations[0]?.advice).toMatchObject({
      moreSevereActionCalledFor: false,
      findings: [],
    });
    expect(view.record.violations[0]?.advice.summary).toMatch(/No disciplinary action on record/);

    // The record closes on separation; the workflow ends.
    view = await send(suspended.handle, separateUpdate, {
      at: CST('2028-01-21T09:00:00'),
      by: 'S-0303',
      reason: 'resigned',
    });
    expect(view.closed).toBe(true);
    expect(view.stage).toBe('separated');
    expect(view.deadlines.filter((d) => d.state === 'pending')).toEqual([]);
    expect(await suspended.handle.result()).toEqual({
      employeeId: suspended.employeeId,
      stage: 'separated',
      outcome: 'resigned',
      actions: 2,
      runs: 1,
    });
    await recordHistoryIfAsked(suspended.handle, 'probation-record');
  });
}, 180_000);

test('verbal-warning removal: eligible one year after it if no other incident, with a notice on that date', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-01-11T10:00:00'));
    const eligible = await openRecord(bed);
    const barred = await openRecord(bed);
    for (const { handle } of [eligible, barred]) {
      const view = await send(handle, recordActionUpdate, {
        action: 'verbal-warning',
        by: 'S-0400',
        issuedAt: CST('2027-01-11T09:00:00'),
      });
      // No disciplinary probation for a verbal warning (§III.D.3.a.ii).
      expect(actionIn(view, 'A1').probation).toBeUndefined();
      expect(view.stage).toBe('clear');
      // After one year from 2027-01-11 (day 0): from the start of 2028-01-12.
      expect(actionIn(view, 'A1').removal).toEqual({
        eligibleFrom: CST('2028-01-12T00:00:00.000'),
        eligibleText: '2028-01-12 00:00 CST',
      });
    }
    await bed.advanceTo(CDT('2027-06-01T10:00:00'));
    await send(barred.handle, violationReportedUpdate, {
      occurredAt: CDT('2027-06-01T08:00:00'),
      by: 'S-0401',
    });

    await bed.advanceTo(CST('2027-12-01T10:00:00'));
    await expectRefused(
      send(eligible.handle, verbalWarningRemovedUpdate, {
        actionId: 'A1',
        at: CST('2027-12-01T09:00:00'),
        by: 'S-0400',
      }),
      'TOO_EARLY',
      /earliest allowed time is 2028-01-12 00:00 CST/,
    );
    expect(mailAbout(bed, SUPERVISOR, eligible.employeeId)).toHaveLength(0);

    await bed.advanceTo(CST('2028-01-12T09:00:00'));
    await waitFor(
      () => mailAbout(bed, SUPERVISOR, eligible.employeeId).length >= 1,
      'the eligibility notice',
    );
    const [notice] = mailAbout(bed, SUPERVISOR, eligible.employeeId);
    expect(notice?.text).toMatch(/Verbal warning eligible for removal/);
    expect(notice?.text).toMatch(/SD 2022-17 §III\.D\.3\.a\.iii/);
    // Sent on the day eligibility begins, at its start.
    expect(sentAt(notice)).toBe(Date.parse(CST('2028-01-12T00:00:00')));
    // The other record had an incident after its warning: no notice, and no removal.
    expect(mailAbout(bed, SUPERVISOR, barred.employeeId)).toHaveLength(0);
    const barredView = await viewOf(barred.handle);
    expect(actionIn(barredView, 'A1').removal?.blockedBy).toEqual(['V1']);
    await expectRefused(
      send(barred.handle, verbalWarningRemovedUpdate, {
        actionId: 'A1',
        at: CST('2028-01-12T08:00:00'),
        by: 'S-0400',
      }),
      'OTHER_INCIDENT',
      /other incidents occurred after it \(V1 2027-06-01T08:00:00-05:00\)/,
    );

    const view = await send(eligible.handle, verbalWarningRemovedUpdate, {
      actionId: 'A1',
      at: CST('2028-01-12T08:00:00'),
      by: 'S-0400',
    });
    expect(actionIn(view, 'A1').removal?.removedAt).toBe(CST('2028-01-12T08:00:00'));
    expect(actionIn(view, 'A1').countsForProgressiveDiscipline).toBe(false);
    expect(view.deadlines.find((d) => d.key === 'A1:verbal-warning.removal')?.kind).toBe('lowerBound');
    await expectRefused(
      send(eligible.handle, verbalWarningRemovedUpdate, {
        actionId: 'A1',
        at: CST('2028-01-12T08:30:00'),
        by: 'S-0400',
      }),
      'DUPLICATE_EVENT',
      /A1 was already removed/,
    );
  });
}, 180_000);

test('initial probation extended in writing instead of discipline: new end, notices re-armed, the employee served', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-01-11T10:00:00'));
    const { handle, employeeId } = await openRecord(bed);
    await send(handle, recordActionUpdate, {
      action: 'initial-hire',
      by: 'S-0500',
      hiredAt: CST('2027-01-11T08:00:00'),
    });
    await send(handle, recordActionUpdate, {
      action: 'suspension',
      by: 'S-0500',
      issuedAt: CST('2027-01-11T09:00:00'),
      notifiedAt: CST('2027-01-11T09:30:00'),
      suspension: { workingDays: 1, firstDay: '2027-01-12' },
    });

    await bed.advanceTo(CST('2027-12-01T10:00:00'));
    const request = {
      key: 'A1:probation.initial',
      dueAt: CDT('2028-04-10T23:59:59.999'),
      reason: 'more time to evaluate, in lieu of disciplinary action',
      approverRole: 'decision-making-supervisor',
      approvedBy: 'S-0900',
      at: CST('2027-12-01T09:00:00'),
    };
    await expectRefused(
      send(handle, extendDeadlineUpdate, { ...request, approverRole: 'supervisor' }),
      'EXTENSION_APPROVER_NOT_ALLOWED',
      /role 'supervisor' may not approve this extension \(allowed: decision-making-supervisor\)/,
    );
    await expectRefused(
      send(handle, extendDeadlineUpdate, { ...request, key: 'A2:probation.suspension' }),
      'EXTENSION_NOT_ALLOWED',
      /probation\.suspension: adc-probation@1\.0\.0 does not provide for extending this limit/,
    );
    await expectRefused(
      send(handle, extendDeadlineUpdate, { ...request, key: 'A9:probation.initial' }),
      'UNKNOWN_DEADLINE',
      /no deadline A9:probation\.initial on this record/,
    );

    const view = await send(handle, extendDeadlineUpdate, request);
    const a1 = actionIn(view, 'A1');
    expect(a1.probation).toMatchObject({
      state: 'extended',
      endsAt: CDT('2028-04-10T23:59:59.999'),
      extended: true,
    });
    const deadline = view.deadlines.find((d) => d.key === 'A1:probation.initial');
    expect(deadline?.reminders).toEqual([
      // Daylight saving time starts on 2028-03-12: the first reminder is still in CST. 2028-03-11 is a
      // Saturday: it goes out the Friday before.
      {
        key: '30-calendar-days-before',
        at: CST('2028-03-10T08:00:00.000'),
        computedAt: CST('2028-03-11T08:00:00.000'),
        movedBecause: SATURDAY_MOVED,
      },
      { key: '7-calendar-days-before', at: CDT('2028-04-03T08:00:00.000') },
    ]);
    expect(deadline?.extensions[0]).toMatchObject({
      approverRole: 'decision-making-supervisor',
      approvedBy: 'S-0900',
    });
    // The supervisor is told; the decision-making supervisor serves the written notification (§III.F.2).
    expect(view.serviceTasks).toEqual([
      expect.objectContaining({
        task: 'A1:probation.initial.extension-1/service/1',
        to: 'employee',
        role: 'decision-making-supervisor',
      }),
    ]);
    await waitFor(
      () =>
        mailAbout(bed, SUPERVISOR, employeeId).some((m) => /extended/i.test(m.subject)) &&
        mailAbout(bed, DMS, employeeId).length >= 1,
      'the extension notices',
    );
    expect(mailAbout(bed, DMS, employeeId)[0]?.text).toMatch(
      /initial probation extended through 2028-04-10 23:59 CDT/,
    );
    const served = await send(handle, recordServiceUpdate, {
      task: 'A1:probation.initial.extension-1/service/1',
      servedBy: 'S-0900',
      at: CST('2027-12-01T09:30:00'),
      method: 'in-person',
    });
    expect(served.serviceTasks[0]?.proof?.servedBy).toBe('S-0900');

    // The original end (2028-01-10) passes quietly for the initial probation; the suspension's ends.
    await bed.advanceTo(CST('2028-01-11T10:00:00'));
    const initialEnded = () =>
      [...mailAbout(bed, HR, employeeId), ...mailAbout(bed, SUPERVISOR, employeeId)].filter(
        (m) => m.text.includes('Probation period ended') && m.text.includes('A1:probation.initial'),
      );
    await waitFor(() => mailAbout(bed, HR, employeeId).length >= 1, 'the suspension probation end');
    expect(initialEnded()).toHaveLength(0);
    expect((await viewOf(handle)).stage).toBe('initial-probation');

    await bed.advanceTo(CDT('2028-04-11T10:00:00'));
    await waitFor(() => initialEnded().length >= 2, 'the extended initial probation end');
    for (const mail of initialEnded()) {
      expect(Math.abs(sentAt(mail) - Date.parse(CDT('2028-04-10T23:59:59.999')))).toBeLessThan(2_000);
    }
    const reminders = mailAbout(bed, SUPERVISOR, employeeId).filter((m) =>
      m.subject.startsWith('Reminder: A1:probation.initial'),
    );
    // The original 30-day reminder (2027-12-10) was superseded by the extension; the new ones went out.
    expect(reminders.map((m) => sentAt(m)).slice(0, 2)).toEqual([
      Date.parse(CST('2028-03-10T08:00:00')),
      Date.parse(CDT('2028-04-03T08:00:00')),
    ]);
    expect((await viewOf(handle)).stage).toBe('clear');
    await expectRefused(
      send(handle, extendDeadlineUpdate, {
        ...request,
        dueAt: CDT('2028-06-10T23:59:59.999'),
        at: CDT('2028-04-11T09:00:00'),
      }),
      'PERIOD_ENDED',
      /ended 2028-04-10 23:59 CDT: a period can be extended only before it ends/,
    );
  });
}, 180_000);

test('a record driven through three years of events continues-as-new and answers exactly as one that never did', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(CST('2027-01-11T10:00:00'));
    // The same events go to two records: one continues-as-new every ~100 events, the other never.
    const twin = await openRecord(bed, { continueAsNewAtEvents: 100 });
    const reference = await openRecord(bed, { continueAsNewAtEvents: 40_000 });
    const both = [twin, reference];
    // The two records were started, and are told of each event, milliseconds apart: instants the
    // workflows took from their clock (UTC, `...Z`) are compared to the minute. Every date computed
    // from the policy carries its local offset and is compared exactly.
    const toMinute = (text: string) =>
      text.replace(/(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):\d{2}(\.\d{3})?Z/g, '$1Z');
    const plain = (value: unknown, employeeId: string): unknown =>
      JSON.parse(toMinute(JSON.stringify(value).split(employeeId).join('EMPLOYEE')));
    const answers = async ({ handle, employeeId }: { handle: RecordHandle; employeeId: string }) =>
      plain({ schedule: await viewOf(handle), timeline: await handle.query(timelineQuery) }, employeeId);
    const mailLog = (employeeId: string) =>
      [SUPERVISOR, HR, DMS].flatMap((address) =>
        mailAbout(bed, address, employeeId).map(
          (m) =>
            `${address} ${toMinute(new Date(sentAt(m)).toISOString())} ${m.subject.split(employeeId).join('EMPLOYEE')}`,
        ),
      );

    /** Moves the clock, sends the same update to both, and waits until both answer the same. */
    async function step(
      at: string,
      apply?: (handle: RecordHandle) => Promise<unknown>,
    ): Promise<ProbationView> {
      await bed.advanceTo(at);
      for (const { handle } of both) await apply?.(handle);
      // Timers that fired during the move may still be sending notices: poll until both have settled.
      let last: unknown[];
      const start = Date.now();
      for (;;) {
        last = await Promise.all(both.map(answers));
        const same =
          JSON.stringify(last[0]) === JSON.stringify(last[1]) &&
          JSON.stringify(mailLog(twin.employeeId)) === JSON.stringify(mailLog(reference.employeeId));
        if (same || Date.now() - start > 30_000) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(last[0]).toEqual(last[1]);
      expect(mailLog(twin.employeeId)).toEqual(mailLog(reference.employeeId));
      return viewOf(twin.handle);
    }

    await step(CST('2027-01-11T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'initial-hire',
        by: 'S-0600',
        hiredAt: CST('2027-01-11T08:00:00'),
      }),
    );
    await step(CST('2027-03-01T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'verbal-warning',
        by: 'S-0600',
        issuedAt: CST('2027-03-01T09:00:00'),
      }),
    );
    await step(CDT('2027-05-04T10:00:00'), (h) =>
      send(h, violationReportedUpdate, { occurredAt: CDT('2027-05-03T14:00:00'), by: 'S-0601' }),
    );
    await step(CDT('2027-05-10T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'written-warning',
        by: 'S-0602',
        issuedAt: CDT('2027-05-10T09:00:00'),
        violationId: 'V1',
      }),
    );
    await step(CDT('2027-05-12T10:00:00'), (h) =>
      send(h, notificationReceivedUpdate, { actionId: 'A3', at: CDT('2027-05-12T09:00:00'), by: 'S-0602' }),
    );
    await step(CST('2027-11-19T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'suspension',
        by: 'S-0602',
        issuedAt: CST('2027-11-19T09:00:00'),
        notifiedAt: CST('2027-11-19T09:30:00'),
        suspension: { workingDays: 5, firstDay: '2027-11-22' },
      }),
    );
    await step(CST('2027-12-01T10:00:00'), (h) =>
      send(h, extendDeadlineUpdate, {
        key: 'A1:probation.initial',
        dueAt: CDT('2028-04-10T23:59:59.999'),
        reason: 'in lieu of disciplinary action',
        approverRole: 'decision-making-supervisor',
        approvedBy: 'S-0900',
        at: CST('2027-12-01T09:00:00'),
      }),
    );
    await step(CST('2028-01-13T10:00:00'));
    await step(CST('2028-03-03T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'written-warning',
        by: 'S-0602',
        issuedAt: CST('2028-03-03T09:00:00'),
        notifiedAt: CST('2028-03-03T09:30:00'),
      }),
    );
    await step(CDT('2028-06-01T10:00:00'), (h) =>
      send(h, violationReportedUpdate, { occurredAt: CDT('2028-06-01T08:00:00'), by: 'S-0601' }),
    );
    await step(CDT('2028-07-03T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'demotion',
        by: 'S-0602',
        issuedAt: CDT('2028-07-03T09:00:00'),
        notifiedAt: CDT('2028-07-03T09:30:00'),
        violationId: 'V2',
      }),
    );
    await step(CDT('2028-09-05T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'verbal-warning',
        by: 'S-0600',
        issuedAt: CDT('2028-09-05T09:00:00'),
      }),
    );
    await step(CST('2029-01-15T10:00:00'));
    await step(CDT('2029-07-03T10:00:00'));
    await step(CDT('2029-09-07T10:00:00'));
    await step(CDT('2029-10-01T10:00:00'), (h) =>
      send(h, recordActionUpdate, {
        action: 'promotion',
        by: 'S-0600',
        promotedAt: CDT('2029-10-01T08:00:00'),
      }),
    );
    const view = await step(CST('2029-12-31T10:00:00'));

    // Three years of deadlines, kept across the runs.
    const probation = (id: string) => actionIn(view, id).probation;
    expect(probation('A1')).toMatchObject({
      state: 'met',
      endsAt: CDT('2028-04-10T23:59:59.999'),
      extended: true,
    });
    expect(probation('A3')).toMatchObject({ state: 'met', endsAt: CST('2027-11-11T23:59:59.999') });
    expect(probation('A4')).toMatchObject({ state: 'met', endsAt: CST('2028-11-18T23:59:59.999') });
    // A5: a second written warning within a year of A3 (2027-05-10): 9 months from 2028-03-03.
    expect(actionIn(view, 'A5').priorWrittenWarning).toBe('A3');
    expect(probation('A5')).toMatchObject({ state: 'met', endsAt: CST('2028-12-02T23:59:59.999') });
    expect(probation('A6')).toMatchObject({ state: 'met', endsAt: CDT('2029-07-02T23:59:59.999') });
    expect(probation('A8')).toMatchObject({ state: 'pending', endsAt: CDT('2030-03-31T23:59:59.999') });
    expect(view.stage).toBe('initial-probation');
    expect(view.record.violations.map((v) => v.advice.moreSevereActionCalledFor)).toEqual([true, true]);
    // A2 had been followed by other incidents when it became eligible (2028-03-02); A7 had not, and its
    // removal notice went out on 2029-09-06.
    expect(actionIn(view, 'A2').removal?.blockedBy).toEqual(['V1', 'A3', 'A4']);
    const notifiedAt = Date.parse(actionIn(view, 'A7').removal?.notifiedAt as string);
    expect(Math.abs(notifiedAt - Date.parse(CDT('2029-09-06T00:00:00')))).toBeLessThan(2_000);
    const ends = mailAbout(bed, HR, twin.employeeId).map((m) => m.text.match(/A\d+:probation\.[a-z-]+/)?.[0]);
    expect(ends).toEqual([
      'A3:probation.written-warning',
      'A1:probation.initial',
      'A4:probation.suspension',
      'A5:probation.written-warning',
      'A6:probation.demotion',
    ]);

    // The twin is on a later run; its first run continued-as-new; the reference never did.
    const firstRunId = twin.handle.firstExecutionRunId;
    const described = await twin.handle.describe();
    expect(described.runId).not.toBe(firstRunId);
    const firstRun = await bed.env.client.workflow.getHandle(twin.handle.workflowId, firstRunId).describe();
    expect(firstRun.status.name).toBe('CONTINUED_AS_NEW');
    let runs = 1;
    for (let runId: string | undefined = firstRunId; runId; runs += 1) {
      const history = await bed.env.client.workflow.getHandle(twin.handle.workflowId, runId).fetchHistory();
      const last = history.events?.at(-1);
      runId = last?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
      if (!runId) break;
      // Each run hands over soon after 100 events, at a quiet moment.
      expect(history.events?.length ?? 0).toBeLessThan(200);
    }
    expect(runs).toBeGreaterThanOrEqual(3);
    expect((await reference.handle.describe()).runId).toBe(reference.handle.firstExecutionRunId);
  });
}, 300_000);
