// Inmate grievances end to end on the time-skipping server: real worker wiring, real schedules, and
// every notice read back from a real SMTP receiver.
import { DateTime } from 'luxon';
import type { CaseView } from '../../workflows/case-messages';
import {
  acknowledgeUpdate,
  extendDeadlineUpdate,
  recordServiceUpdate,
  scheduleQuery,
  timelineQuery,
} from '../../workflows/case-messages';
import {
  decisionIssuedUpdate,
  grievance,
  grievanceFiledUpdate,
  initialResponseUpdate,
  rtsRespondedUpdate,
  rtsSubmittedUpdate,
  withdrawUpdate,
} from '../../workflows/grievance';
import type { GrievanceIntakeInput } from '../../domain/cases/grievance';
import { computeSchedule, findEntry, getCalendar } from '../../domain';
import type { ScheduleActivityOptions } from '../../activities/schedule';
import { ADMIN_FALLBACK, startDocketTestbed, type DocketTestbed } from '../helpers/docket-env';
import { DocketClient } from '../../client/cases';
import { DocketClientError } from '../../client/errors';
import { clientErrorStatusOf } from '../../server/api/errors';
import { recordHistoryIfAsked } from '../helpers/histories';
import { expectDeadlineNotice } from '../helpers/notices';
import { uniqueName, meaningfulEvents } from '../helpers/temporal';
import { expectRefused } from '../helpers/refusals';

let bed: DocketTestbed;
/** The agency's business hours the worker's schedule activity applies (default: the calendars'). */
const agency: ScheduleActivityOptions = {};
beforeAll(async () => {
  bed = await startDocketTestbed({ schedule: agency });
});
afterAll(async () => {
  await bed?.teardown();
});

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

async function openGrievance(overrides: Partial<GrievanceIntakeInput> = {}) {
  const now = await bed.env.currentTimeMs();
  const caseNumber = uniqueName('GRV').toUpperCase().slice(0, 40);
  const intake: GrievanceIntakeInput = {
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: iso(now - DAY),
    involvedStaffIds: ['S-0666'],
    ...overrides,
  };
  const handle = await bed.env.client.workflow.start(grievance, {
    taskQueue: bed.taskQueue,
    workflowId: `grievance-${caseNumber}`,
    args: [intake],
  });
  // As DocketClient does for case systems: an event that reaches the case before its first schedule
  // is recorded is refused with CASE_INITIALIZING (nothing changed), and is sent again.
  const executeUpdate = handle.executeUpdate.bind(handle);
  handle.executeUpdate = (async (...args: Parameters<typeof executeUpdate>) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await executeUpdate(...args);
      } catch (err) {
        const code = ((err as Error).cause as { type?: string } | undefined)?.type;
        if (code !== 'CASE_INITIALIZING' || attempt >= 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }) as typeof handle.executeUpdate;
  return { handle, intake, caseNumber };
}

const deadline = (view: CaseView, key: string) => {
  const d = view.deadlines.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${view.deadlines.map((x) => x.key).join(', ')}`);
  return d;
};

test('the informal path to a decision, all on time', async () => {
  const { handle, caseNumber } = await openGrievance();
  let now = await bed.env.currentTimeMs();
  let view = await handle.executeUpdate(rtsSubmittedUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  expect(view.stage).toBe('informal');
  const rtsResponse = deadline(view, 'rts.response');
  expect(rtsResponse.state).toBe('pending');
  expect(rtsResponse.responsibleRole).toBe('rts.responder');
  expect(rtsResponse.source).toMatch(/OP-090124 §III\.E\.10\.b/);

  await bed.env.sleep(2 * DAY);
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(rtsRespondedUpdate, { args: [{ at: iso(now), by: 'S-0101' }] });
  expect(view.stage).toBe('awaiting-filing');
  expect(deadline(view, 'rts.response').state).toBe('met');
  expect(deadline(view, 'grievance.filing').dueAt).toBeDefined();

  await bed.env.sleep(DAY);
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0102' }] });
  expect(view.stage).toBe('formal');
  expect(deadline(view, 'grievance.response').responsibleRole).toBe('reviewing-authority');

  await bed.env.sleep(DAY);
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(decisionIssuedUpdate, {
    args: [{ at: iso(now), by: 'S-0200', outcome: 'denied' }],
  });
  expect(view.stage).toBe('decided');
  expect(view.serviceTasks).toHaveLength(1);
  const [task] = view.serviceTasks;
  expect(task?.role).toBe('reviewing-authority');

  const [serviceMail] = await bed.smtp
    .waitForMessages(1, 10_000)
    .then(() => bed.mailTo('reviewing-authority@larc.example.org'));
  expect(serviceMail?.text).toContain(caseNumber);
  expect(serviceMail?.text).toMatch(/inmate/i);

  view = await handle.executeUpdate(recordServiceUpdate, {
    args: [{ task: task?.task as string, servedBy: 'S-0300', at: iso(now), method: 'in-person' }],
  });
  expect(view.stage).toBe('closed');
  const result = await handle.result();
  expect(result).toEqual({ caseNumber, stage: 'closed', outcome: 'denied' });
  await recordHistoryIfAsked(handle, 'grievance-informal-path');
  const timeline = await handle.query(timelineQuery);
  expect(timeline.map((e) => e.type)).toEqual(
    expect.arrayContaining([
      'opened',
      'rts.submitted',
      'rts.responded',
      'grievance.filed',
      'notice.sent',
      'service.completed',
    ]),
  );
  void scheduleQuery;
  void acknowledgeUpdate;
  void extendDeadlineUpdate;
  void initialResponseUpdate;
  void expectRefused;
});

test('a missed RTS response: reminders at their instants, breach alert, escalation, then acknowledgement', async () => {
  const { handle, caseNumber } = await openGrievance();
  const now = await bed.env.currentTimeMs();
  const view = await handle.executeUpdate(rtsSubmittedUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  const rts = deadline(view, 'rts.response');
  expect(rts.reminders.length).toBeGreaterThanOrEqual(2);
  const dueMs = Date.parse(rts.dueAt as string);
  const mine = () => bed.smtp.messages.filter((m) => m.text.includes(caseNumber));

  // Past the deadline: both reminders, then the breach alert to the responder's supervisor.
  await bed.advanceTo(iso(dueMs + 60_000));
  await waitFor(() => mine().length >= 3);
  const reminders = mine().filter((m) => m.envelope.to.includes('rts.responder@larc.example.org'));
  expect(reminders).toHaveLength(rts.reminders.length);
  reminders.forEach((mail, i) => {
    const sent = Date.parse(mail.header('date') as string);
    const planned = Date.parse(rts.reminders[i]?.at as string);
    // The Date header is the workflow's clock when the reminder timer fired (second precision).
    expect(Math.abs(sent - planned)).toBeLessThan(2_000);
    expect(mail.text).toContain('OP-090124 §III.E.10.b');
    expectDeadlineNotice(mail, rts);
  });
  const breach = bed
    .mailTo('reviewing-authority@larc.example.org')
    .filter((m) => m.text.includes(caseNumber));
  expect(breach).toHaveLength(1);
  expectDeadlineNotice(breach[0]!, rts);
  expect(Date.parse(breach[0]?.header('date') as string)).toBeGreaterThanOrEqual(dueMs - 1_000);
  let current = await handle.query(scheduleQuery);
  expect(deadline(current, 'rts.response').state).toBe('breached');
  expect(current.deadlineState).toBe('breached');

  // One cadence later (24 hours) the alert goes one level up: the facility head.
  await bed.advanceTo(iso(dueMs + 24 * HOUR + 60_000));
  await waitFor(() => bed.mailTo('facility-head@larc.example.org').some((m) => m.text.includes(caseNumber)));
  const escalation = bed.mailTo('facility-head@larc.example.org').filter((m) => m.text.includes(caseNumber));
  expect(escalation).toHaveLength(1);
  expectDeadlineNotice(escalation[0]!, rts);
  expect(Date.parse(escalation[0]?.header('date') as string) - dueMs).toBeGreaterThanOrEqual(
    24 * HOUR - 1_000,
  );

  // Acknowledging stops the repeats; who and when are recorded.
  current = await handle.executeUpdate(acknowledgeUpdate, { args: [{ key: 'rts.response', by: 'S-0400' }] });
  expect(deadline(current, 'rts.response').acknowledged?.by).toBe('S-0400');
  await expectRefused(
    handle.executeUpdate(acknowledgeUpdate, { args: [{ key: 'rts.response', by: 'S-0400' }] }),
    'ALREADY_ACKNOWLEDGED',
    /already acknowledged by S-0400/,
  );
  const before = mine().length;
  await bed.advanceTo(iso(dueMs + 5 * DAY));
  expect(mine().length).toBe(before);
  expect(
    bed.mailTo('deputy-director@larc.example.org').filter((m) => m.text.includes(caseNumber)),
  ).toHaveLength(0);
  const timeline = await handle.query(timelineQuery);
  expect(timeline.filter((e) => e.type === 'alert.acknowledged')).toEqual([
    expect.objectContaining({ actor: 'S-0400' }),
  ]);
});

async function waitFor(predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('opening a grievance through the client', () => {
  const docket = () => new DocketClient({ client: bed.env.client, taskQueue: bed.taskQueue });

  test('duplicate opens: the same intake returns the existing case, a different one is a conflict', async () => {
    const now = await bed.env.currentTimeMs();
    const caseNumber = uniqueName('GRV').toUpperCase().slice(0, 40);
    const intake = { caseNumber, facility: 'LARC', category: 'general', incidentAt: iso(now - DAY) };
    const first = await docket().openCase('grievance', intake);
    expect(first).toMatchObject({ created: true, workflowId: `grievance-${caseNumber}` });
    const again = await docket().openCase('grievance', { ...intake });
    expect(again).toMatchObject({ created: false, workflowId: first.workflowId });
    const conflict = await docket()
      .openCase('grievance', { ...intake, category: 'medical' })
      .catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(DocketClientError);
    expect(conflict).toMatchObject({ code: 'CASE_CONFLICT', refusal: false });
    // The client error carries no HTTP status: the API's table gives it.
    expect(clientErrorStatusOf(conflict as DocketClientError)).toBe(409);
    // Still the one and only run of that workflow ID.
    const described = await bed.env.client.workflow.getHandle(first.workflowId).describe();
    expect(described.memo?.intakeDigest).toBeDefined();
    expect(described.status.name).toBe('RUNNING');
    const view = await docket().schedule('grievance', caseNumber);
    expect(view.caseNumber).toBe(caseNumber);
  });

  test('non-grievable matters are refused at intake, naming the rule, and no workflow is created', async () => {
    const now = await bed.env.currentTimeMs();
    for (const [flag, rule] of [
      ['disciplinaryMatter', /OP-090124 §III\.E\.2/],
      ['inLitigation', /OP-090124 §III\.E\.10\.c/],
    ] as const) {
      const caseNumber = uniqueName('GRV').toUpperCase().slice(0, 40);
      const err = await docket()
        .openCase('grievance', {
          caseNumber,
          facility: 'LARC',
          category: 'general',
          incidentAt: iso(now),
          [flag]: true,
        })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DocketClientError);
      expect(err).toMatchObject({ code: 'NOT_GRIEVABLE', details: { field: flag } });
      expect((err as Error).message).toMatch(rule);
      await expect(bed.env.client.workflow.getHandle(`grievance-${caseNumber}`).describe()).rejects.toThrow(
        /not found/i,
      );
    }
  });

  test('a bad intake is refused naming the field', async () => {
    const err = await docket()
      .openCase('grievance', {
        caseNumber: 'John Smith',
        facility: 'LARC',
        category: 'general',
        incidentAt: 'yesterday',
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT' });
    expect((err as Error).message).toMatch(/caseNumber: an opaque case number/);
    expect((err as Error).message).toMatch(/incidentAt: an ISO-8601 instant/);
  });
});

test('a decision by a directly involved employee is refused (§III.E.5) and leaves no trace', async () => {
  const { handle } = await openGrievance({ category: 'emergency', involvedStaffIds: ['S-0666'] });
  const now = await bed.env.currentTimeMs();
  let view = await handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  expect(view.stage).toBe('formal');
  // Workflow-task bookkeeping aside (the Java test server does not drop speculative tasks), a refused
  // update must add nothing to history.
  const meaningful = () => meaningfulEvents(handle);
  // The filing's deadline events go out beside the case (an activity): let them land first.
  for (let i = 0; i < 100 && ((await handle.describe()).raw.pendingActivities?.length ?? 0) > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const eventsBefore = await meaningful();
  const refusal = await expectRefused(
    handle.executeUpdate(decisionIssuedUpdate, { args: [{ at: iso(now), by: 'S-0666', outcome: 'denied' }] }),
    'CONFLICT_OF_INTEREST',
    /S-0666 is directly involved.*OP-090124 §III\.E\.5/,
  );
  expect(refusal.details?.[0]).toMatchObject({ field: 'by', value: 'S-0666' });
  const history = await handle.fetchHistory();
  expect(history.events?.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes)).toBe(true);
  // The refused update is not in history: only the accepted filing is.
  const accepted = history.events?.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes) ?? [];
  expect(accepted).toHaveLength(1);
  expect(await meaningful()).toBe(eventsBefore);
  view = await handle.executeUpdate(decisionIssuedUpdate, {
    args: [{ at: iso(now), by: 'S-0777', outcome: 'granted' }],
  });
  expect(view.stage).toBe('decided');
});

test('emergency/sensitive grievances skip informal resolution; medical ones go to the health services administrator', async () => {
  const { handle: emergency } = await openGrievance({ category: 'sensitive' });
  let view = await emergency.query(scheduleQuery);
  expect(view.stage).toBe('awaiting-filing');
  expect(view.deadlines.map((d) => d.key)).not.toContain('rts.filing');
  const now = await bed.env.currentTimeMs();
  view = await emergency.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  expect(deadline(view, 'grievance.response')).toMatchObject({
    responsibleRole: 'reviewing-authority',
    source: expect.stringMatching(/§III\.E\.11/),
  });

  const { handle: medical } = await openGrievance({ category: 'medical' });
  await expectRefused(
    medical.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0100' }] }),
    'INFORMAL_RESOLUTION_REQUIRED',
    /Request to Staff response first/,
  );
  await medical.executeUpdate(rtsSubmittedUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  await medical.executeUpdate(rtsRespondedUpdate, { args: [{ at: iso(now), by: 'S-0101' }] });
  view = await medical.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0102' }] });
  expect(deadline(view, 'grievance.response')).toMatchObject({
    responsibleRole: 'health-services-administrator',
    rule: expect.stringMatching(/health services administrator/),
  });
});

test('the filing window: late filing refused, extension within 60 days accepted, past 60 only with an order', async () => {
  const { handle, caseNumber } = await openGrievance();
  let now = await bed.env.currentTimeMs();
  await handle.executeUpdate(rtsSubmittedUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  let view = await handle.executeUpdate(rtsRespondedUpdate, { args: [{ at: iso(now), by: 'S-0101' }] });
  const filing = deadline(view, 'grievance.filing');
  const absolute = deadline(view, 'grievance.filing.absolute');
  expect(filing.source).toMatch(/§III\.E\.12\.a/);

  await bed.advanceTo(iso(Date.parse(filing.dueAt as string) + DAY));
  now = await bed.env.currentTimeMs();
  await expectRefused(
    handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0102' }] }),
    'DEADLINE_PASSED',
    new RegExp(`after the deadline ${filing.localText}.*OP-090124 §III\\.E\\.12\\.a`),
  );

  const withinCap = iso(Date.parse(absolute.dueAt as string) - DAY);
  view = await handle.executeUpdate(extendDeadlineUpdate, {
    args: [
      {
        key: 'grievance.filing',
        dueAt: withinCap,
        reason: 'inmate hospitalised during the filing period',
        approverRole: 'reviewing-authority',
        approvedBy: 'S-0200',
        at: iso(now),
      },
    ],
  });
  expect(deadline(view, 'grievance.filing')).toMatchObject({ state: 'extended', dueAt: expect.any(String) });
  expect(Date.parse(deadline(view, 'grievance.filing').dueAt as string)).toBe(Date.parse(withinCap));
  // The inmate is told through staff: a service task mailed to the approving role.
  await waitFor(() =>
    bed
      .mailTo('reviewing-authority@larc.example.org')
      .some((m) => m.text.includes(caseNumber) && /extension/i.test(m.text)),
  );

  const pastCap = iso(Date.parse(absolute.dueAt as string) + 10 * DAY);
  const overCap = await expectRefused(
    handle.executeUpdate(extendDeadlineUpdate, {
      args: [
        {
          key: 'grievance.filing',
          dueAt: pastCap,
          reason: 'more time',
          approverRole: 'reviewing-authority',
          approvedBy: 'S-0200',
          at: iso(now),
        },
      ],
    }),
    'EXTENSION_OVER_CAP',
    /exceeds the cap .*court, deputy-director, director/,
  );
  expect(overCap.details?.[0]).toMatchObject({ capAt: expect.any(String), field: 'dueAt' });

  view = await handle.executeUpdate(extendDeadlineUpdate, {
    args: [
      {
        key: 'grievance.filing',
        dueAt: pastCap,
        reason: 'district court order in case CV-2026-77',
        approverRole: 'reviewing-authority',
        approvedBy: 'S-0201',
        overrideAuthority: 'court',
        at: iso(now),
      },
    ],
  });
  expect(Date.parse(deadline(view, 'grievance.filing').dueAt as string)).toBe(Date.parse(pastCap));
  await bed.advanceTo(iso(Date.parse(absolute.dueAt as string) + 2 * DAY));
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0102' }] });
  expect(view.stage).toBe('formal');
  expect(deadline(view, 'grievance.filing').state).toBe('met');
});

test('PREA: 90-day final decision extended by up to 70 days with notice to the inmate, then deemed denial', async () => {
  const { handle, caseNumber } = await openGrievance({ category: 'sexual-abuse' });
  let view = await handle.query(scheduleQuery);
  expect(view.stage).toBe('awaiting-filing');
  let now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  const final = deadline(view, 'prea.final-decision');
  expect(final.source).toBe('28 CFR 115.52(d)(1)');
  // 70 calendar days later, still at the end of the local day: across the spring DST change that
  // is not 70 × 24 hours.
  const extendedDue = DateTime.fromISO(final.dueAt as string, { zone: 'America/Chicago' })
    .plus({ days: 70 })
    .endOf('day')
    .toISO() as string;
  await expectRefused(
    handle.executeUpdate(extendDeadlineUpdate, {
      args: [
        {
          key: 'prea.final-decision',
          dueAt: iso(Date.parse(final.dueAt as string) + 71 * DAY),
          reason: 'investigation pending',
          approverRole: 'administrative-review-authority',
          approvedBy: 'S-0300',
          at: iso(now),
        },
      ],
    }),
    'EXTENSION_OVER_CAP',
    /115\.52\(d\)\(3\)/,
  );
  view = await handle.executeUpdate(extendDeadlineUpdate, {
    args: [
      {
        key: 'prea.final-decision',
        dueAt: extendedDue,
        reason: 'investigation pending; the normal period is insufficient',
        approverRole: 'administrative-review-authority',
        approvedBy: 'S-0300',
        at: iso(now),
      },
    ],
  });
  expect(deadline(view, 'prea.final-decision').state).toBe('extended');
  expect(Date.parse(deadline(view, 'prea.final-decision').dueAt as string)).toBe(Date.parse(extendedDue));
  expect(view.serviceTasks.some((t) => t.to === 'inmate' && /extension/i.test(t.document))).toBe(true);

  await bed.advanceTo(iso(Date.parse(extendedDue) + HOUR));
  await waitFor(
    () =>
      bed.mailTo('director@larc.example.org').some((m) => m.text.includes(caseNumber)) ||
      bed
        .mailTo('administrative-review-authority@larc.example.org')
        .some((m) => /treated as denied/.test(m.text)),
  );
  view = await handle.query(scheduleQuery);
  expect(deadline(view, 'prea.final-decision').state).toBe('breached');
  const timeline = await handle.query(timelineQuery);
  expect(timeline.some((e) => e.type === 'prea.deemed-denial')).toBe(true);
  expect(
    bed
      .mailTo('administrative-review-authority@larc.example.org')
      .some((m) => m.text.includes(caseNumber) && /treated as denied/.test(m.text)),
  ).toBe(true);
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(decisionIssuedUpdate, {
    args: [{ at: iso(now), by: 'S-0301', outcome: 'denied' }],
  });
  expect(view.stage).toBe('decided');
});

test('PREA emergency: initial response within 48 real hours, final decision within 5 calendar days', async () => {
  const { handle, caseNumber } = await openGrievance({ category: 'sexual-abuse', preaEmergency: true });
  const filedAt = await bed.env.currentTimeMs();
  let view = await handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(filedAt), by: 'S-0100' }] });
  const initial = deadline(view, 'prea.emergency.initial-response');
  expect(Date.parse(initial.dueAt as string) - filedAt).toBe(48 * HOUR);
  const final = deadline(view, 'prea.emergency.final-decision');
  expect(final.source).toBe('28 CFR 115.52(f)(2)');
  expect(final.localText).toMatch(/23:59 C[SD]T$/);

  await bed.advanceTo(iso(Date.parse(initial.dueAt as string) + 10 * 60_000));
  await waitFor(() => bed.mailTo('facility-head@larc.example.org').some((m) => m.text.includes(caseNumber)));
  view = await handle.query(scheduleQuery);
  expect(deadline(view, 'prea.emergency.initial-response').state).toBe('breached');
  // A late act by staff is still recorded: it is a breach, not a refusal.
  let now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(initialResponseUpdate, { args: [{ at: iso(now), by: 'S-0200' }] });
  expect(Date.parse(deadline(view, 'prea.emergency.initial-response').metAt as string)).toBe(now);
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(decisionIssuedUpdate, {
    args: [{ at: iso(now), by: 'S-0201', outcome: 'granted' }],
  });
  expect(deadline(view, 'prea.emergency.final-decision').state).toBe('met');
  expect(view.stage).toBe('decided');
});

test('a 550 on a reminder ends in an administrator alert and a recorded failure, not endless retries', async () => {
  const { handle, caseNumber } = await openGrievance();
  const now = await bed.env.currentTimeMs();
  const view = await handle.executeUpdate(rtsSubmittedUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  const rts = deadline(view, 'rts.response');
  const firstReminder = rts.reminders[0];
  expect(firstReminder).toBeDefined();
  bed.smtp.replyNext(550, 1, { message: 'mailbox unavailable' });
  await bed.advanceTo(iso(Date.parse(firstReminder!.at) + 60_000));
  await waitFor(() => bed.mailTo(ADMIN_FALLBACK).some((m) => m.text.includes(caseNumber)));
  const alert = bed.mailTo(ADMIN_FALLBACK).filter((m) => m.text.includes(caseNumber));
  expect(alert).toHaveLength(1);
  expect(alert[0]?.text).toContain('SMTP_PERMANENT');
  expect(bed.smtp.rejected.some((r) => r.code === 550)).toBe(true);
  const timeline = await handle.query(timelineQuery);
  expect(timeline.filter((e) => e.type === 'notice.failed')).toEqual([
    expect.objectContaining({ noticeKey: `rts.response/reminder/${firstReminder!.key}/1` }),
  ]);
  expect(timeline.some((e) => e.type === 'admin.alerted')).toBe(true);
  // The case goes on: the next reminder is sent normally.
  const second = rts.reminders[1];
  expect(second).toBeDefined();
  await bed.advanceTo(iso(Date.parse(second!.at) + 60_000));
  await waitFor(() => bed.mailTo('rts.responder@larc.example.org').some((m) => m.text.includes(caseNumber)));
});

describe('reminders in business hours', () => {
  const CHICAGO = 'America/Chicago';
  const oklahoma = getCalendar('us-ok-state');

  /**
   * The first `weekday` at `hour:minute` Chicago time after `fromMs` from which the next `days` days
   * have no holiday and no daylight-saving change, so the expected instants are plain arithmetic.
   */
  function quietStart(fromMs: number, weekday: number, hour: number, minute: number, days: number) {
    for (let day = DateTime.fromMillis(fromMs, { zone: CHICAGO }).plus({ days: 1 }).startOf('day'); ;) {
      const start = day.set({ hour, minute });
      const span = Array.from({ length: days + 1 }, (_, i) => start.plus({ days: i }));
      if (
        day.weekday === weekday &&
        span.every((d) => d.weekday > 5 || oklahoma.isWorkingDay(d.toISODate() as string)) &&
        start.offset === start.plus({ days }).offset
      ) {
        return start;
      }
      day = day.plus({ days: 1 });
    }
  }

  const reminderNotices = async (handle: Awaited<ReturnType<typeof openGrievance>>['handle'], key: string) =>
    (await handle.query(timelineQuery)).filter(
      (e) => e.type === 'notice.sent' && e.noticeKey?.startsWith(`${key}/reminder/`),
    );

  test('an RTS submitted on a Saturday at 03:38: the half-time reminder is emailed on Friday at 08:00, not at 01:49 the next Saturday', async () => {
    const saturday = quietStart(await bed.env.currentTimeMs(), 6, 3, 38, 14);
    await bed.advanceTo(saturday.toISO() as string);
    const { handle, caseNumber } = await openGrievance();
    let view = await handle.executeUpdate(rtsSubmittedUpdate, {
      args: [{ at: saturday.toISO() as string, by: 'S-0100' }],
    });
    const rts = deadline(view, 'rts.response');
    // 10 working days with day 0 the Saturday: the second Friday after it, at the end of the day. Half
    // of that window (13 days 20 h 22 min) after 03:38 is 01:49 on the next Saturday; the start of the
    // working day before it is that Friday at 08:00, six days after the clock started.
    const dueAt = saturday.plus({ days: 13 }).endOf('day');
    const computed = saturday.plus({ days: 7 }).set({ hour: 1, minute: 49 });
    const friday = saturday.plus({ days: 6 }).set({ hour: 8, minute: 0 });
    expect(Date.parse(rts.dueAt as string)).toBe(dueAt.toMillis());
    const [half, dayBefore] = rts.reminders;
    expect(half).toMatchObject({
      key: 'half-time',
      movedBecause:
        'outside business hours (08:00–17:00 America/Chicago): Saturday is not a working day; moved to the start of the previous working day',
    });
    expect(Date.parse(half?.at as string)).toBe(friday.toMillis());
    expect(Date.parse(half?.computedAt as string)).toBe(computed.toMillis());
    expect(dayBefore?.key).toBe('1-working-day-before');

    const mine = () =>
      bed
        .mailTo('rts.responder@larc.example.org')
        .filter((m) => m.text.includes(caseNumber) && m.subject.startsWith('Reminder: rts.response'));
    await bed.advanceTo(friday.plus({ minutes: 1 }).toISO() as string);
    await waitFor(() => mine().length >= 1);
    const sent = DateTime.fromMillis(Date.parse(mine()[0]?.header('date') as string), { zone: CHICAGO });
    // The Date header is the workflow's clock when the timer fired (second precision).
    expect(Math.abs(sent.toMillis() - friday.toMillis())).toBeLessThan(2_000);
    expect(sent.weekday).toBe(5);
    expect(sent.hour).toBeGreaterThanOrEqual(8);
    expect(sent.hour).toBeLessThan(17);
    expectDeadlineNotice(mine()[0]!, rts);

    // Past Saturday 01:49: still only the one reminder, sent on Friday.
    await bed.advanceTo(computed.plus({ minutes: 5 }).toISO() as string);
    const notices = await reminderNotices(handle, 'rts.response');
    expect(notices.map((n) => n.noticeKey)).toEqual(['rts.response/reminder/half-time/1']);
    expect(Math.abs(Date.parse(notices[0]?.at as string) - friday.toMillis())).toBeLessThan(2_000);
    expect(mine()).toHaveLength(1);

    view = await handle.executeUpdate(withdrawUpdate, {
      args: [{ at: iso(await bed.env.currentTimeMs()), by: 'S-0100' }],
    });
    expect(view.stage).toBe('withdrawn');
    await handle.result();
    await recordHistoryIfAsked(handle, 'grievance-reminder-moved-from-saturday');
  });

  test('the agency changes its business hours while a case runs: armed reminders keep their instants, and the view says when they go out', async () => {
    const monday = quietStart(await bed.env.currentTimeMs(), 1, 10, 0, 22);
    await bed.advanceTo(monday.toISO() as string);
    const { handle, caseNumber } = await openGrievance({ category: 'sexual-abuse' });
    let view = await handle.executeUpdate(grievanceFiledUpdate, {
      args: [{ at: monday.toISO() as string, by: 'S-0100' }],
    });
    const response = deadline(view, 'grievance.response');
    const armed = response.reminders;
    // 15 working days from Monday: due on the Monday three weeks later; the working day before is Friday.
    expect(armed.map((r) => r.key)).toEqual(['half-time', '1-working-day-before']);
    expect(Date.parse(armed[1]?.at as string)).toBe(
      monday.plus({ days: 18 }).set({ hour: 8, minute: 0 }).toMillis(),
    );

    const hours = { 'us-ok-state': { start: '09:00', end: '16:00' } };
    agency.businessHours = hours;
    try {
      // Under the new hours the same deadline would remind at other instants.
      const recomputed = computeSchedule({
        policyId: 'ok-doc-grievance',
        facts: { category: 'sexual-abuse', track: 'standard' },
        events: { incident: iso(monday.toMillis() - DAY), 'grievance.filed': monday.toISO() as string },
        businessHours: hours,
      });
      expect(findEntry(recomputed, 'grievance.response').reminders).not.toEqual(armed);

      // An extension of the other deadline recomputes the whole schedule under the new hours.
      const final = deadline(view, 'prea.final-decision');
      const extendedDue = DateTime.fromISO(final.dueAt as string, { zone: CHICAGO })
        .plus({ days: 30 })
        .endOf('day')
        .toISO() as string;
      view = await handle.executeUpdate(extendDeadlineUpdate, {
        args: [
          {
            key: 'prea.final-decision',
            dueAt: extendedDue,
            reason: 'investigation pending; the normal period is insufficient',
            approverRole: 'administrative-review-authority',
            approvedBy: 'S-0300',
            at: iso(await bed.env.currentTimeMs()),
          },
        ],
      });
    } finally {
      delete agency.businessHours;
    }
    // The unchanged deadline shows the reminders its timers are armed for; the re-armed one follows
    // the new hours (its working-day reminder at 09:00, when the office now opens).
    expect(deadline(view, 'grievance.response').reminders).toEqual(armed);
    const extended = deadline(view, 'prea.final-decision');
    expect(extended.attempt).toBe(2);
    const lastReminder = extended.reminders.at(-1);
    expect(lastReminder?.key).toBe('1-working-day-before');
    expect(DateTime.fromISO(lastReminder?.at as string, { zone: CHICAGO }).toFormat('HH:mm')).toBe('09:00');

    // The reminders go out when the view says.
    const mine = () =>
      bed
        .mailTo('reviewing-authority@larc.example.org')
        .filter((m) => m.text.includes(caseNumber) && m.subject.startsWith('Reminder: grievance.response'));
    await bed.advanceTo(iso(Date.parse(armed[1]?.at as string) + 60_000));
    await waitFor(() => mine().length >= 2);
    mine().forEach((mail, i) => {
      expect(
        Math.abs(Date.parse(mail.header('date') as string) - Date.parse(armed[i]?.at as string)),
      ).toBeLessThan(2_000);
    });

    const now = await bed.env.currentTimeMs();
    view = await handle.executeUpdate(decisionIssuedUpdate, {
      args: [{ at: iso(now), by: 'S-0301', outcome: 'denied' }],
    });
    const task = view.serviceTasks.find((t) => t.task.startsWith('grievance.decision/'));
    view = await handle.executeUpdate(recordServiceUpdate, {
      args: [{ task: task?.task as string, servedBy: 'S-0300', at: iso(now), method: 'in-person' }],
    });
    expect(view.stage).toBe('closed');
    await handle.result();
    await recordHistoryIfAsked(handle, 'grievance-business-hours-changed');
  });
});
