// Inmate labor contract records (NC DOC Policy D.0700 §.0705) end to end on the time-skipping server:
// real worker wiring, real schedules, and every notice read back from a real SMTP receiver.
//
// The test server's clock starts at the real "now" and only moves forward, and every expectation here
// is a hand-worked date on the North Carolina state calendar (us-nc-state, America/New_York; DST
// begins 2027-03-14 and 2028-03-12, ends 2027-11-07). So each test gets its own Docket (server, SMTP
// receiver, worker) and moves its clock to the dates it needs.
import { type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { ContractIntakeInput } from '../../domain/cases/contract';
import { acknowledgeUpdate, timelineQuery, type CaseView } from '../../workflows/case-messages';
import {
  contractEndedUpdate,
  contractRecord,
  contractResumedUpdate,
  contractWorkflowId,
  oshaSurveyCompletedUpdate,
  responseLetterReceivedUpdate,
  safetyReviewCompletedUpdate,
  violationConfirmedUpdate,
  type ContractView,
  type ViolationView,
} from '../../workflows/contract';
import { Worker } from '@temporalio/worker';
import { testActivities, type DocketTestbed } from '../helpers/docket-env';
import { recordHistoryIfAsked } from '../helpers/histories';
import {
  mailAbout,
  sendUpdate,
  sentAt,
  viewOf as viewOfRecord,
  waitFor,
  withDocketTestbed,
} from '../helpers/records';
import { expectRefused } from '../helpers/refusals';
import type { ReceivedMessage } from '../helpers/smtp';
import { bundleFor, uniqueName } from '../helpers/temporal';

const FACILITY_HEAD = 'facility-head@nc-pwf.example.org';
const REGION_DIRECTOR = 'region-director@nc-pwf.example.org';
const ASSISTANT_DIRECTOR = 'assistant-director@nc-pwf.example.org';
const SOURCE = (section: string) => `Policy D.0700 §D.0705${section} (seed 004_1d446f472ab24b53.txt)`;

type RecordHandle = WorkflowHandleWithFirstExecutionRunId<typeof contractRecord>;

const send = <I>(handle: RecordHandle, update: UpdateDefinition<CaseView, [I]>, input: I) =>
  sendUpdate<ContractView, I>(handle, update, input);
const viewOf = (handle: RecordHandle) => viewOfRecord<ContractView>(handle);

const EST = (local: string) => `${local}-05:00`;
const EDT = (local: string) => `${local}-04:00`;

async function openRecord(
  bed: DocketTestbed,
  overrides: Partial<ContractIntakeInput> = {},
): Promise<{ handle: RecordHandle; contractNumber: string }> {
  const contractNumber = uniqueName('ILC').toUpperCase().slice(0, 40);
  const handle = await bed.env.client.workflow.start(contractRecord, {
    taskQueue: bed.taskQueue,
    workflowId: contractWorkflowId(contractNumber),
    args: [{ contractNumber, facility: 'NC-PWF', ...overrides }],
  });
  return { handle, contractNumber };
}

function violation(view: ContractView, id: string): ViolationView {
  const found = view.contract.violations.find((v) => v.id === id);
  if (!found) throw new Error(`no ${id} in ${view.contract.violations.map((v) => v.id).join(', ')}`);
  return found;
}

/**
 * Waits until the record's latest run has stopped moving: a hand-over due after an update has then
 * happened, so the next update does not race it (the test server drops an update that reaches a run
 * in the middle of continuing as new).
 */
async function settled(handle: RecordHandle): Promise<void> {
  let last = '';
  let same = 0;
  while (same < 3) {
    const described = await handle.describe();
    const now = `${described.runId}/${described.historyLength}`;
    same = now === last ? same + 1 : 0;
    last = now;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The one message to `address` about the contract whose text matches `pattern`. */
async function mailMatching(
  bed: DocketTestbed,
  address: string,
  contractNumber: string,
  pattern: RegExp,
): Promise<ReceivedMessage> {
  await waitFor(
    () => mailAbout(bed, address, contractNumber).some((m) => pattern.test(m.text)),
    `a message to ${address} matching ${pattern}`,
  );
  const found = mailAbout(bed, address, contractNumber).filter((m) => pattern.test(m.text));
  expect(found).toHaveLength(1);
  return found[0] as ReceivedMessage;
}

test('heading (a) walked rung by rung: warning letter, one week, three and six months, and a fifth past the ladder', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(EST('2027-01-04T10:30:00')); // Monday
    const { handle, contractNumber } = await openRecord(bed);

    // 1st: a letter of warning from the Facility Head, whose letter of response is due in 30 days.
    let view = await send(handle, violationConfirmedUpdate, {
      at: EST('2027-01-04T10:00:00'),
      by: 'S-0500',
      heading: 'a',
      reference: 'INC-0001',
    });
    expect(violation(view, 'V1')).toMatchObject({
      position: 1,
      action: { sanction: 'warning-letter', authority: 'facility-head', source: SOURCE('(a)(1)') },
      warning: { responseDueAt: EST('2027-02-03T23:59:59.999'), state: 'pending' },
      count: { counting: true, countsUntil: EST('2028-01-04T23:59:59.999'), forever: false },
    });
    expect(view.stage).toBe('active');
    expect(view.contract.counts.find((c) => c.heading === 'a')).toMatchObject({
      count: 1,
      dropsBackAfter: '2028-01-04 23:59 EST',
      next: expect.stringMatching(
        /^The second confirmed violation under D\.0705\(a\) within a twelve month period: a one week suspension by the Facility Head/,
      ),
    });
    const warned = await mailMatching(
      bed,
      FACILITY_HEAD,
      contractNumber,
      /letter of warning from the Facility Head/,
    );
    expect(warned.text).toContain(SOURCE('(a)(1)'));
    expect(warned.text).toMatch(/Position in the count: first/);

    // Nothing back by the end of day 30: the Facility Head's supervisor is alerted, and acknowledges.
    await bed.advanceTo(EST('2027-02-04T09:00:00'));
    const breach = await mailMatching(bed, REGION_DIRECTOR, contractNumber, /Deadline missed/);
    expect(breach.subject).toMatch(/^OVERDUE: V1:warning\.response was due 2027-02-03 23:59 EST/);
    view = await send(handle, acknowledgeUpdate, { key: 'V1:warning.response', by: 'NC-PWF-S002' });
    expect(view.deadlines.find((d) => d.key === 'V1:warning.response')?.acknowledged?.by).toBe('NC-PWF-S002');
    view = await send(handle, responseLetterReceivedUpdate, { at: EST('2027-02-04T08:30:00'), by: 'S-0500' });
    expect(violation(view, 'V1').warning?.responseReceivedAt).toBe(EST('2027-02-04T08:30:00'));

    // 2nd within twelve months: a one week suspension by the Facility Head, from the day confirmed.
    await bed.advanceTo(EST('2027-02-08T10:30:00'));
    view = await send(handle, violationConfirmedUpdate, {
      at: EST('2027-02-08T10:00:00'),
      by: 'S-0500',
      heading: 'a',
      reference: 'INC-0002',
    });
    expect(view.stage).toBe('suspended');
    expect(violation(view, 'V2')).toMatchObject({
      position: 2,
      countedWith: ['V1'],
      action: {
        sanction: 'suspension',
        length: 'one week',
        authority: 'facility-head',
        source: SOURCE('(a)(2)'),
      },
      suspension: {
        startsAt: EST('2027-02-08T10:00:00'),
        earliestEnd: EST('2027-02-16T00:00:00.000'),
        lastDayText: '2027-02-15 23:59 EST',
        waitingFor: [{ requirement: 'response-letter', source: SOURCE('(a)(2)') }],
      },
    });
    const suspended = await mailMatching(bed, FACILITY_HEAD, contractNumber, /V2 .*INC-0002/);
    expect(suspended.text).toMatch(/a one week suspension by the Facility Head/);
    expect(suspended.text).toMatch(/Earliest resumption: 2027-02-16 00:00 EST/);

    // Before the week has run: refused with the earliest time, the rule and its source.
    await bed.advanceTo(EST('2027-02-10T09:00:00'));
    const early = await expectRefused(
      send(handle, contractResumedUpdate, { at: EST('2027-02-10T08:00:00'), by: 'S-0500' }),
      'TOO_EARLY',
      /the earliest allowed time is 2027-02-16 00:00 EST .*one week suspension.*Policy D\.0700 §D\.0705\(a\)\(2\)/,
    );
    expect(early.details?.[0]).toMatchObject({
      earliest: EST('2027-02-16T00:00:00.000'),
      source: SOURCE('(a)(2)'),
    });

    // The week has run but the letter is missing: the Facility Head is told it stays suspended.
    await bed.advanceTo(EST('2027-02-16T09:00:00'));
    const stays = await mailMatching(bed, FACILITY_HEAD, contractNumber, /stays suspended/);
    expect(Math.abs(sentAt(stays) - Date.parse(EST('2027-02-15T23:59:59.999')))).toBeLessThan(2_000);
    expect(stays.text).toMatch(/the contractor's letter specifying corrective action taken/);
    const missing = await expectRefused(
      send(handle, contractResumedUpdate, { at: EST('2027-02-16T08:00:00'), by: 'S-0500' }),
      'RESUMPTION_REQUIREMENT_MISSING',
      /V2 still waits for the contractor's letter .*before the contract is resumed.*§D\.0705\(a\)\(2\)/,
    );
    expect(missing.details?.[0]).toMatchObject({ violationId: 'V2', missing: ['response-letter'] });
    await send(handle, responseLetterReceivedUpdate, { at: EST('2027-02-16T08:10:00'), by: 'S-0500' });
    view = await send(handle, contractResumedUpdate, { at: EST('2027-02-16T08:20:00'), by: 'S-0500' });
    expect(view.stage).toBe('active');
    expect(violation(view, 'V2').suspension).toMatchObject({
      resumedAt: EST('2027-02-16T08:20:00'),
      waitingFor: [],
    });

    // 3rd, 4th and a 5th within the twelve months of the 1st.
    const confirm = async (date: string, reference: string) => {
      await bed.advanceTo(`${date}T10:30:00-05:00`);
      return send(handle, violationConfirmedUpdate, {
        at: `${date}T10:00:00-05:00`,
        by: 'S-0500',
        heading: 'a',
        reference,
      });
    };
    view = await confirm('2027-03-01', 'INC-0003');
    expect(violation(view, 'V3').action).toMatchObject({ length: 'three month', authority: 'facility-head' });
    view = await confirm('2027-04-01', 'INC-0004');
    expect(violation(view, 'V4').action).toMatchObject({ length: 'six month', authority: 'region-director' });
    await mailMatching(bed, REGION_DIRECTOR, contractNumber, /V4 .*INC-0004/);
    view = await confirm('2027-05-03', 'INC-0005');
    expect(violation(view, 'V5')).toMatchObject({
      position: 5,
      countedWith: ['V1', 'V2', 'V3', 'V4'],
      beyondLadder: true,
      action: { length: 'six month', authority: 'region-director', source: SOURCE('(a)(4)') },
    });
    const beyond = await mailMatching(bed, ASSISTANT_DIRECTOR, contractNumber, /past the last rung/);
    expect(beyond.text).toMatch(/fifth confirmed violation under D\.0705\(a\) within a twelve month period/);
    expect(beyond.text).toMatch(/beyond-last-rung = top-rung-and-alert/);
    // Three suspensions in force: the contract resumes when the last has run and each has its letter.
    expect(view.contract.suspension).toMatchObject({
      inForce: ['V3', 'V4', 'V5'],
      earliestResumption: EDT('2027-11-04T00:00:00.000'),
      waitingFor: [
        { violationId: 'V3', requirement: 'response-letter' },
        { violationId: 'V4', requirement: 'response-letter' },
        { violationId: 'V5', requirement: 'response-letter' },
      ],
    });
    await expectRefused(
      send(handle, responseLetterReceivedUpdate, { at: EDT('2027-05-03T10:00:00'), by: 'S-0500' }),
      'AMBIGUOUS_VIOLATION',
      /V3 and V4 and V5 both wait for/,
    );

    // A year on, the first one's count drops back, and the record says so.
    await bed.advanceTo(EST('2028-01-05T09:00:00'));
    view = await viewOf(handle);
    expect(violation(view, 'V1').count.counting).toBe(false);
    expect(view.contract.counts.find((c) => c.heading === 'a')).toMatchObject({
      count: 4,
      violations: ['V2', 'V3', 'V4', 'V5'],
    });
    const timeline = await handle.query(timelineQuery);
    expect(timeline.find((e) => e.type === 'count.dropped')?.detail).toBe(
      'V1 no longer counts under D.0705(a) after 2028-01-04 23:59 EST: the count is now 4',
    );

    view = await send(handle, contractEndedUpdate, {
      at: EST('2028-01-05T08:00:00'),
      by: 'S-0500',
      reason: 'terminated',
    });
    expect(view.closed).toBe(true);
    expect(await handle.result()).toEqual({
      contractNumber,
      stage: 'ended',
      outcome: 'terminated',
      violations: 5,
      runs: 1,
    });
    await recordHistoryIfAsked(handle, 'contract-record');
  });
}, 240_000);

test('a violation that arrives with the start (same workflow task) is applied after the record opens', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(EST('2027-01-04T10:30:00'));
    // No worker polls this queue until both the start and the update wait on the server, so the
    // worker's first activation carries both: what a case system that opens a record and at once
    // posts its first violation meets when the worker is busy or just starting.
    const taskQueue = `${bed.taskQueue}-late`;
    const contractNumber = uniqueName('ILC').toUpperCase().slice(0, 40);
    const handle = await bed.env.client.workflow.start(contractRecord, {
      taskQueue,
      workflowId: contractWorkflowId(contractNumber),
      args: [{ contractNumber, facility: 'NC-PWF' }],
    });
    const sent = send(handle, violationConfirmedUpdate, {
      at: EST('2027-01-04T10:00:00'),
      by: 'S-0500',
      heading: 'a',
      reference: 'INC-0001',
    });
    await new Promise((r) => setTimeout(r, 1_000));
    const worker = await Worker.create({
      connection: bed.env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleFor(require.resolve('../../workflows')),
      activities: await testActivities(bed.smtp),
    });
    const { view, timeline } = await worker.runUntil(async () => ({
      view: await sent,
      timeline: await handle.query(timelineQuery),
    }));
    expect(timeline.map((e) => e.type).slice(0, 2)).toEqual(['opened', 'violation.confirmed']);
    expect(view.policyVersion).toBe('1.0.0');
    expect(violation(view, 'V1')).toMatchObject({
      position: 1,
      action: { sanction: 'warning-letter', source: SOURCE('(a)(1)') },
    });
  });
}, 120_000);

test('the rolling twelve months: a second violation just inside climbs, just outside starts over', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(EST('2027-03-10T16:30:00'));
    const inside = await openRecord(bed);
    const outside = await openRecord(bed);
    const exclusive = await openRecord(bed, { settings: { 'count-window-edge': 'exclusive' } });
    for (const { handle } of [inside, outside, exclusive]) {
      const view = await send(handle, violationConfirmedUpdate, {
        at: EST('2027-03-10T16:00:00'),
        by: 'S-0600',
        heading: 'b',
        reference: 'FA-0001',
      });
      await send(handle, responseLetterReceivedUpdate, { at: EST('2027-03-10T16:20:00'), by: 'S-0600' });
      expect(violation(view, 'V1').count.countsUntilText).toBe(
        handle === exclusive.handle ? '2028-03-09 23:59 EST' : '2028-03-10 23:59 EST',
      );
    }
    await bed.advanceTo(EST('2028-03-10T23:45:00'));
    const second = (handle: RecordHandle, at: string) =>
      send(handle, violationConfirmedUpdate, { at, by: 'S-0600', heading: 'b', reference: 'FA-0002' });
    // The last minutes of the day twelve months on: still within the period (inclusive, the default).
    let view = await second(inside.handle, EST('2028-03-10T23:30:00'));
    expect(violation(view, 'V2')).toMatchObject({
      position: 2,
      countedWith: ['V1'],
      action: { length: 'one week' },
    });
    // The agency's exclusive reading: that day is already outside.
    view = await second(exclusive.handle, EST('2028-03-10T23:30:00'));
    expect(violation(view, 'V2')).toMatchObject({
      position: 1,
      countedWith: [],
      action: { sanction: 'warning-letter' },
    });

    await bed.advanceTo(EST('2028-03-11T00:01:00'));
    view = await second(outside.handle, EST('2028-03-11T00:00:30'));
    expect(violation(view, 'V2')).toMatchObject({
      position: 1,
      countedWith: [],
      action: { sanction: 'warning-letter' },
    });
    expect(violation(view, 'V1').count.counting).toBe(false);
    const timeline = await outside.handle.query(timelineQuery);
    expect(timeline.map((e: { type: string }) => e.type)).toContain('count.dropped');
  });
}, 240_000);

test('(c), (d) and (e): the safety review, the OSHA survey the agency requires, and a second fatality years later', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(EST('2027-01-05T10:30:00'));
    const injury = await openRecord(bed);
    const disabling = await openRecord(bed);
    const fatal = await openRecord(bed, { settings: { 'osha-survey': 'required' } });
    const at = EST('2027-01-05T10:00:00');
    let view = await send(injury.handle, violationConfirmedUpdate, {
      at,
      by: 'S-0700',
      heading: 'c',
      reference: 'MED-1',
    });
    expect(violation(view, 'V1').action).toMatchObject({
      length: 'three month',
      authority: 'facility-head',
      source: SOURCE('(c)(1)'),
    });
    expect(violation(view, 'V1').suspension?.waitingFor.map((w) => w.requirement)).toEqual([
      'response-letter',
      'safety-review',
    ]);
    await send(disabling.handle, violationConfirmedUpdate, {
      at,
      by: 'S-0700',
      heading: 'd',
      reference: 'DIS-1',
    });
    await mailMatching(
      bed,
      REGION_DIRECTOR,
      disabling.contractNumber,
      /a six month suspension by the Region Director/,
    );
    view = await send(fatal.handle, violationConfirmedUpdate, {
      at,
      by: 'S-0700',
      heading: 'e',
      reference: 'FAT-1',
    });
    expect(violation(view, 'V1')).toMatchObject({
      action: { length: 'one year', authority: 'assistant-director', source: SOURCE('(e)(1)') },
      count: { forever: true, counting: true },
      suspension: { earliestEnd: EST('2028-01-06T00:00:00.000') },
    });
    expect(violation(view, 'V1').suspension?.waitingFor.map((w) => w.requirement)).toEqual([
      'response-letter',
      'safety-review',
      'osha-survey',
    ]);
    await mailMatching(
      bed,
      ASSISTANT_DIRECTOR,
      fatal.contractNumber,
      /a one year suspension by the Division's Assistant Director/,
    );

    // (c): the letter comes, the review does not; when three months have run the Facility Head is told.
    await bed.advanceTo(EST('2027-01-20T10:00:00'));
    await send(injury.handle, responseLetterReceivedUpdate, { at: EST('2027-01-20T09:00:00'), by: 'S-0700' });
    await expectRefused(
      send(injury.handle, oshaSurveyCompletedUpdate, { at: EST('2027-01-20T09:30:00'), by: 'S-0700' }),
      'NOT_APPLICABLE',
      /the OSHA Consultative Services survey/,
    );
    // (d): a second within twelve months draws a year, by the Assistant Director.
    await bed.advanceTo(EST('2027-03-01T10:30:00'));
    view = await send(disabling.handle, violationConfirmedUpdate, {
      at: EST('2027-03-01T10:00:00'),
      by: 'S-0700',
      heading: 'd',
      reference: 'DIS-2',
    });
    expect(violation(view, 'V2')).toMatchObject({
      position: 2,
      action: { length: 'one year', authority: 'assistant-director' },
    });
    await mailMatching(bed, ASSISTANT_DIRECTOR, disabling.contractNumber, /V2 .*DIS-2/);

    await bed.advanceTo(EDT('2027-04-06T09:00:00'));
    const stays = await mailMatching(bed, FACILITY_HEAD, injury.contractNumber, /stays suspended/);
    expect(stays.text).toMatch(/an agency safety officer's review of the safety program/);
    expect(stays.text).not.toMatch(/the contractor's letter specifying/);
    await expectRefused(
      send(injury.handle, contractResumedUpdate, { at: EDT('2027-04-06T08:00:00'), by: 'S-0700' }),
      'RESUMPTION_REQUIREMENT_MISSING',
      /agency safety officer will review the safety program .*§D\.0705\(c\)\(1\)/,
    );
    await send(injury.handle, safetyReviewCompletedUpdate, { at: EDT('2027-04-06T08:10:00'), by: 'S-0701' });
    view = await send(injury.handle, contractResumedUpdate, { at: EDT('2027-04-06T08:20:00'), by: 'S-0700' });
    expect(view.stage).toBe('active');

    // (e): a year on, letter and review in hand, the OSHA survey the agency requires still missing.
    await bed.advanceTo(EST('2028-01-06T09:00:00'));
    await send(fatal.handle, responseLetterReceivedUpdate, { at: EST('2028-01-06T08:00:00'), by: 'S-0700' });
    await send(fatal.handle, safetyReviewCompletedUpdate, { at: EST('2028-01-06T08:05:00'), by: 'S-0701' });
    await expectRefused(
      send(fatal.handle, contractResumedUpdate, { at: EST('2028-01-06T08:10:00'), by: 'S-0700' }),
      'RESUMPTION_REQUIREMENT_MISSING',
      /OSHA Consultative Services .*agency setting nc-doc-contract\.osha-survey = required/,
    );
    await send(fatal.handle, oshaSurveyCompletedUpdate, { at: EST('2028-01-06T08:15:00'), by: 'S-0702' });
    view = await send(fatal.handle, contractResumedUpdate, { at: EST('2028-01-06T08:20:00'), by: 'S-0700' });
    expect(view.stage).toBe('active');

    // Any subsequent fatality, years later: five years.
    await bed.advanceTo(EDT('2031-06-02T10:30:00'));
    view = await send(fatal.handle, violationConfirmedUpdate, {
      at: EDT('2031-06-02T10:00:00'),
      by: 'S-0700',
      heading: 'e',
      reference: 'FAT-2',
    });
    expect(violation(view, 'V2')).toMatchObject({
      position: 2,
      countedWith: ['V1'],
      beyondLadder: false,
      action: { length: 'five year', authority: 'assistant-director', source: SOURCE('(e)(2)') },
      suspension: { earliestEnd: EDT('2036-06-03T00:00:00.000') },
    });
  });
}, 300_000);

test('a record continues as new before its history grows large, and keeps its violations and deadlines', async () => {
  await withDocketTestbed(async (bed) => {
    await bed.advanceTo(EST('2027-01-04T10:30:00'));
    const { handle, contractNumber } = await openRecord(bed, { continueAsNewAtEvents: 100 });
    const headings = ['a', 'b', 'a', 'b', 'a', 'b', 'c', 'a', 'b', 'd'] as const;
    for (const [i, heading] of headings.entries()) {
      await bed.advanceTo(EST(`2027-01-${String(5 + i).padStart(2, '0')}T10:30:00`));
      await send(handle, violationConfirmedUpdate, {
        at: EST(`2027-01-${String(5 + i).padStart(2, '0')}T10:00:00`),
        by: 'S-0800',
        heading,
        reference: `R-${i + 1}`,
      });
      await settled(handle);
    }
    await waitFor(() => mailAbout(bed, FACILITY_HEAD, contractNumber).length >= 7, 'the sanction notices');
    // Hand-over happens when no timer is near: move well past the last notice.
    await bed.advanceTo(EST('2027-01-20T12:00:00'));
    const described = await handle.describe();
    expect(described.runId).not.toBe(handle.firstExecutionRunId);
    // The run that handed over archived itself first (patched contract-record-archive-runs).
    const firstRun = bed.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
    const firstHistory = await firstRun.fetchHistory();
    const scheduled = (firstHistory.events ?? []).flatMap((e) =>
      e.activityTaskScheduledEventAttributes?.activityType?.name
        ? [e.activityTaskScheduledEventAttributes.activityType.name]
        : [],
    );
    expect(scheduled).toContain('archiveCaseRecord');
    await recordHistoryIfAsked(firstRun, 'contract-record-continued');
    const view = await viewOf(handle);
    expect(view.contract.violations.map((v) => `${v.id}:${v.heading}${v.position}`)).toEqual([
      'V1:a1',
      'V2:b1',
      'V3:a2',
      'V4:b2',
      'V5:a3',
      'V6:b3',
      'V7:c1',
      'V8:a4',
      'V9:b4',
      'V10:d1',
    ]);
    expect(view.contract.suspension?.inForce).toEqual(['V3', 'V4', 'V5', 'V6', 'V7', 'V8', 'V9', 'V10']);
    // The warning letters' answers were carried over and still fall due in the new run.
    await bed.advanceTo(EST('2027-02-07T09:00:00'));
    await waitFor(
      () =>
        mailAbout(bed, REGION_DIRECTOR, contractNumber).filter((m) => /Deadline missed/.test(m.text))
          .length === 2,
      'both breach alerts',
    );
    const after = await viewOf(handle);
    expect(after.deadlines.filter((d) => d.key.endsWith('warning.response')).map((d) => d.state)).toEqual([
      'breached',
      'breached',
    ]);
  });
}, 240_000);
