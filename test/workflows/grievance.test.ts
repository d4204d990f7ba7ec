// Inmate grievances end to end on the time-skipping server: real worker wiring, real schedules, and
// every notice read back from a real SMTP receiver.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { CaseView } from '../../workflows/case-support';
import {
  acknowledgeUpdate,
  extendDeadlineUpdate,
  recordServiceUpdate,
  scheduleQuery,
  timelineQuery,
} from '../../workflows/case-support';
import {
  decisionIssuedUpdate,
  grievance,
  grievanceFiledUpdate,
  initialResponseUpdate,
  rtsRespondedUpdate,
  rtsSubmittedUpdate,
} from '../../workflows/grievance';
import type { GrievanceIntakeInput } from '../../domain/cases/grievance';
import { startDocketTestbed, type DocketTestbed } from '../helpers/docket-env';
import { recordHistoryIfAsked } from '../helpers/histories';
import { uniqueName } from '../helpers/temporal';

let bed: DocketTestbed;
beforeAll(async () => {
  bed = await startDocketTestbed();
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
  return { handle, intake, caseNumber };
}

const deadline = (view: CaseView, key: string) => {
  const d = view.deadlines.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${view.deadlines.map((x) => x.key).join(', ')}`);
  return d;
};

async function expectRefused(promise: Promise<unknown>, code: string, message: RegExp) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(code);
  expect((cause as ApplicationFailure).nonRetryable).toBe(true);
  expect((cause as ApplicationFailure).message).toMatch(message);
  return cause as ApplicationFailure;
}

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
    expect(mail.text).toContain(rts.localText);
    expect(mail.text).toContain('OP-090124 §III.E.10.b');
    expect(mail.attachments.some((a) => a.contentType.startsWith('text/calendar'))).toBe(true);
  });
  const breach = bed
    .mailTo('reviewing-authority@larc.example.org')
    .filter((m) => m.text.includes(caseNumber));
  expect(breach).toHaveLength(1);
  expect(Date.parse(breach[0]?.header('date') as string)).toBeGreaterThanOrEqual(dueMs - 1_000);
  let current = await handle.query(scheduleQuery);
  expect(deadline(current, 'rts.response').state).toBe('breached');
  expect(current.deadlineState).toBe('breached');

  // One cadence later (24 hours) the alert goes one level up: the facility head.
  await bed.advanceTo(iso(dueMs + 24 * HOUR + 60_000));
  await waitFor(() => bed.mailTo('facility-head@larc.example.org').some((m) => m.text.includes(caseNumber)));
  const escalation = bed.mailTo('facility-head@larc.example.org').filter((m) => m.text.includes(caseNumber));
  expect(escalation).toHaveLength(1);
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
