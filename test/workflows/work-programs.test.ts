// The two short procedures of NC DOC Policy D.0700 beside the contract record, end to end on the
// time-skipping server with every notice read back from a real SMTP receiver: a Community Work
// Program project (§.0706, ten consecutive labor days or less) and an Enterprises temporary transfer
// (§.0707(h), 24 hours' notice and up to 4 hours of processing). Dates are hand-worked on the North
// Carolina state calendar (America/New_York, EST in January; 2027-01-18 is Martin Luther King Jr. Day).
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { extendDeadlineUpdate, scheduleQuery, type CaseView } from '../../workflows/case-messages';
import { cwpProject, cwpProjectWorkflowId, projectCompletedUpdate } from '../../workflows/cwp-project';
import {
  crewReleasedUpdate,
  enterprisesTransfer,
  inmatesDeliveredUpdate,
  inmatesReturnedUpdate,
  processingCompletedUpdate,
  transferWorkflowId,
} from '../../workflows/enterprises-transfer';
import { startDocketTestbed, type DocketTestbed } from '../helpers/docket-env';
import { expectRefused } from '../helpers/refusals';
import type { ReceivedMessage } from '../helpers/smtp';
import { uniqueName } from '../helpers/temporal';

const EST = (local: string) => `${local}-05:00`;
const COORDINATOR = 'cwp-coordinator@nc-pwf.example.org';
const FACILITY_HEAD = 'facility-head@nc-pwf.example.org';
const RECEIVING = 'receiving-officer@nc-pwf.example.org';

let bed: DocketTestbed;
beforeAll(async () => {
  bed = await startDocketTestbed();
  await bed.advanceTo(EST('2027-01-04T08:30:00')); // Monday
}, 120_000);
afterAll(async () => {
  await bed?.teardown();
});

const send = <I>(handle: WorkflowHandle, update: UpdateDefinition<CaseView, [I]>, input: I) =>
  handle.executeUpdate(update, { args: [input] });

const deadline = (view: CaseView, key: string) => {
  const found = view.deadlines.find((d) => d.key === key);
  if (!found) throw new Error(`no ${key} in ${view.deadlines.map((d) => d.key).join(', ')}`);
  return found;
};

const sentAt = (mail: ReceivedMessage | undefined): number => Date.parse(mail?.header('date') as string);

async function mailTo(address: string, caseNumber: string, pattern: RegExp): Promise<ReceivedMessage> {
  const start = Date.now();
  for (;;) {
    const found = bed.mailTo(address).filter((m) => m.text.includes(caseNumber) && pattern.test(m.text));
    if (found.length > 0) {
      expect(found).toHaveLength(1);
      return found[0] as ReceivedMessage;
    }
    if (Date.now() - start > 30_000) throw new Error(`no message to ${address} matching ${pattern}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startProject(plannedLaborDays: number) {
  const caseNumber = uniqueName('CWP').toUpperCase().slice(0, 40);
  const handle = await bed.env.client.workflow.start(cwpProject, {
    taskQueue: bed.taskQueue,
    workflowId: cwpProjectWorkflowId(caseNumber),
    args: [{ caseNumber, facility: 'NC-PWF', plannedLaborDays, startedAt: EST('2027-01-04T08:00:00') }],
  });
  const view = await waitForSchedule(handle);
  return { handle, caseNumber, view };
}

async function waitForSchedule(handle: WorkflowHandle): Promise<CaseView> {
  for (;;) {
    const view = await handle.query(scheduleQuery);
    if (view.policyVersion) return view;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a CWP project: reminded the labor day before its end, extended for more scope, never past labor day 10', async () => {
  const ten = await startProject(10);
  // Labor day 1 is Monday 2027-01-04; the weekend is not labor days: labor day 10 is Friday 2027-01-15.
  expect(deadline(ten.view, 'project.end')).toMatchObject({
    dueAt: EST('2027-01-15T23:59:59.999'),
    responsibleRole: 'cwp-coordinator',
    reminders: [{ key: '1-working-day-before', at: EST('2027-01-14T08:00:00.000') }],
  });
  expect(deadline(ten.view, 'project.end').source).toMatch(/Policy D\.0700 §D\.0706 \(seed 004_/);
  const five = await startProject(5);
  expect(deadline(five.view, 'project.end').dueAt).toBe(EST('2027-01-08T23:59:59.999'));
  expect(deadline(five.view, 'project.limit').dueAt).toBe(EST('2027-01-15T23:59:59.999'));

  // An addition to the scope, approved by the facility head: three more labor days.
  const extended = await send(five.handle, extendDeadlineUpdate, {
    key: 'project.end',
    dueAt: EST('2027-01-13T23:59:59.999'),
    reason: 'scope added: second drainage ditch, approved as the project was',
    approverRole: 'facility-head',
    approvedBy: 'NC-PWF-S001',
    at: EST('2027-01-04T08:30:00'),
  });
  expect(deadline(extended, 'project.end')).toMatchObject({
    state: 'extended',
    dueAt: EST('2027-01-13T23:59:59.999'),
  });
  await mailTo(COORDINATOR, five.caseNumber, /2027-01-13 23:59 EST/);
  // Past labor day 10 (the weekend and Martin Luther King Jr. Day are not labor days either): refused.
  const refused = await expectRefused(
    send(five.handle, extendDeadlineUpdate, {
      key: 'project.end',
      dueAt: EST('2027-01-19T23:59:59.999'),
      reason: 'more scope again',
      approverRole: 'facility-head',
      approvedBy: 'NC-PWF-S001',
      at: EST('2027-01-04T08:30:00'),
    }),
    'EXTENSION_OVER_CAP',
    /exceeds the cap 2027-01-15T23:59:59\.999-05:00 \(Policy D\.0700 §D\.0706 .*the policy allows no override/,
  );
  expect(refused.details?.[0]).toMatchObject({ capAt: EST('2027-01-15T23:59:59.999') });

  // The labor day before each end, the coordinator is reminded; a missed end alerts the facility head.
  await bed.advanceTo(EST('2027-01-14T09:00:00'));
  const reminder = await mailTo(COORDINATOR, ten.caseNumber, /Reminder for the cwp-coordinator role/);
  expect(Math.abs(sentAt(reminder) - Date.parse(EST('2027-01-14T08:00:00')))).toBeLessThan(2_000);
  const breach = await mailTo(FACILITY_HEAD, five.caseNumber, /Deadline missed/);
  expect(breach.subject).toMatch(/^OVERDUE: project\.end was due 2027-01-13 23:59 EST/);
  const done = await send(ten.handle, projectCompletedUpdate, {
    at: EST('2027-01-14T08:45:00'),
    by: 'S-1000',
  });
  expect(done).toMatchObject({ stage: 'completed', closed: true });
  expect(deadline(done, 'project.end').state).toBe('met');
  expect(await ten.handle.result()).toEqual({
    caseNumber: ten.caseNumber,
    stage: 'completed',
    outcome: 'completed',
  });
}, 180_000);

test('an Enterprises transfer: not before 24 hours after its arrangements, processed within 4 hours, then released', async () => {
  await bed.advanceTo(EST('2027-01-18T08:00:00'));
  const start = async () => {
    const caseNumber = uniqueName('ENT').toUpperCase().slice(0, 40);
    const handle = await bed.env.client.workflow.start(enterprisesTransfer, {
      taskQueue: bed.taskQueue,
      workflowId: transferWorkflowId(caseNumber),
      args: [
        {
          caseNumber,
          facility: 'NC-PWF',
          homeFacility: 'NC-HOME',
          arrangedAt: EST('2027-01-18T09:00:00'),
          transferAt: EST('2027-01-19T09:00:00'),
        },
      ],
    });
    await waitForSchedule(handle);
    return { handle, caseNumber };
  };
  await bed.advanceTo(EST('2027-01-18T09:30:00'));
  const onTime = await start();
  const late = await start();

  await bed.advanceTo(EST('2027-01-19T09:40:00'));
  const early = await expectRefused(
    send(onTime.handle, inmatesDeliveredUpdate, { at: EST('2027-01-19T08:30:00'), by: 'S-1100' }),
    'TOO_EARLY',
    /the earliest allowed time is 2027-01-19 09:00 EST .*Policy D\.0700 §D\.0707\(h\)\(1\)/,
  );
  expect(early.details?.[0]).toMatchObject({ earliest: EST('2027-01-19T09:00:00.000') });
  let view = await send(onTime.handle, inmatesDeliveredUpdate, {
    at: EST('2027-01-19T09:30:00'),
    by: 'S-1100',
  });
  expect(view.stage).toBe('processing');
  expect(deadline(view, 'processing.window')).toMatchObject({
    dueAt: EST('2027-01-19T13:30:00.000'),
    responsibleRole: 'receiving-officer',
  });
  await send(late.handle, inmatesDeliveredUpdate, { at: EST('2027-01-19T09:30:00'), by: 'S-1100' });
  await expectRefused(
    send(onTime.handle, crewReleasedUpdate, { at: EST('2027-01-19T09:35:00'), by: 'S-1100' }),
    'PROCESSING_REQUIRED',
    /only after the receiving facility has processed them .*§D\.0707\(h\)\(3\)/,
  );

  await bed.advanceTo(EST('2027-01-19T11:00:00'));
  await send(onTime.handle, processingCompletedUpdate, { at: EST('2027-01-19T10:50:00'), by: 'S-1101' });
  view = await send(onTime.handle, crewReleasedUpdate, { at: EST('2027-01-19T10:55:00'), by: 'S-1100' });
  expect(view.stage).toBe('released');
  expect(deadline(view, 'processing.window').state).toBe('met');

  // The other is still not processed at half time (a reminder) or at 4 hours (the facility head is alerted).
  await bed.advanceTo(EST('2027-01-19T14:00:00'));
  const reminder = await mailTo(RECEIVING, late.caseNumber, /Reminder for the receiving-officer role/);
  expect(Math.abs(sentAt(reminder) - Date.parse(EST('2027-01-19T11:30:00')))).toBeLessThan(2_000);
  const breach = await mailTo(FACILITY_HEAD, late.caseNumber, /Deadline missed/);
  expect(breach.subject).toMatch(/^OVERDUE: processing\.window was due 2027-01-19 13:30 EST/);
  expect(bed.mailTo(RECEIVING).filter((m) => m.text.includes(onTime.caseNumber))).toEqual([]);

  view = await send(onTime.handle, inmatesReturnedUpdate, { at: EST('2027-01-19T13:55:00'), by: 'S-1100' });
  expect(view).toMatchObject({ stage: 'returned', closed: true });
  expect(await onTime.handle.result()).toEqual({ caseNumber: onTime.caseNumber, stage: 'returned' });
}, 180_000);
