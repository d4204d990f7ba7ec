// One employee's probation record (Arkansas DOC SD 2022-17 §III.D-F), keyed by an opaque employee ID
// (`probation-<employeeId>`). The record lives as long as the employment: it holds every disciplinary
// action and every start of an initial probation, and runs their periods.
//
// Why a record of actions rather than one case per action: the rules look across actions. A second
// written warning within a year of an earlier one carries 9 months, not 6 (§III.D.3.b); a new
// violation is judged against every earlier action's look-back window (§III.D.4-5); a verbal warning
// may be removed only if no other incident followed it (§III.D.3.a.iii). So each action is an entry in
// the record's state with its own recorded schedule (workflows/probation/record.ts), and the shared
// case runtime runs the record: its updates, its deadline book, its loop.
//
// The record continues-as-new before its history grows past a few thousand events, carrying the
// actions, the book's snapshot (deadlines with their attempts and states, the bounded timeline) and
// the service tasks, so queries and deadlines answer the same in the next run.
import { continueAsNew, defineUpdate } from '@temporalio/workflow';
import {
  parseProbationIntake,
  type ActionInput,
  type NotificationInput,
  type ProbationIntakeInput,
  type RemovalInput,
  type SeparationInput,
  type ViolationInput,
} from '../domain/cases/probation';
import { guard } from './refusals';
import { type CaseView } from './case-messages';
import { ProbationRecord } from './probation/record';
import type { ProbationCarry, ProbationRecordResult } from './probation/types';

export { PROBATION_CASE_TYPE } from '../domain/cases/probation';
export type {
  ActionView,
  ProbationAction,
  ProbationCarry,
  ProbationRecordResult,
  ProbationRecordView,
  ProbationView,
  ProbationViolation,
  RecordStage,
} from './probation/types';

export const recordActionUpdate = defineUpdate<CaseView, [ActionInput]>('recordAction');
export const notificationReceivedUpdate = defineUpdate<CaseView, [NotificationInput]>('notificationReceived');
export const violationReportedUpdate = defineUpdate<CaseView, [ViolationInput]>('violationReported');
export const verbalWarningRemovedUpdate = defineUpdate<CaseView, [RemovalInput]>('verbalWarningRemoved');
export const separateUpdate = defineUpdate<CaseView, [SeparationInput]>('separate');

export type ProbationRecordInput = ProbationIntakeInput & { carried?: ProbationCarry };

/**
 * Continue-as-new waits until no reminder or period end of the book (and no removal-eligibility notice)
 * falls within this much of the present, on either side.
 */
const HANDOVER_GUARD_MS = 60 * 60_000;

export function probationWorkflowId(employeeId: string): string {
  return `probation-${employeeId}`;
}

export async function probationRecord(input: ProbationRecordInput): Promise<ProbationRecordResult> {
  const { carried, ...raw } = input;
  const intake = guard(() => parseProbationIntake(raw));
  const record = new ProbationRecord(intake, carried);
  const runtime = record.runtime;

  runtime.registerCommonHandlers({ extendDeadline: record.onExtension });
  runtime.handle(recordActionUpdate, record.onAction);
  runtime.handle(notificationReceivedUpdate, record.onNotification);
  runtime.handle(violationReportedUpdate, record.onViolation);
  runtime.handle(verbalWarningRemovedUpdate, record.onRemoval);
  runtime.handle(separateUpdate, record.onSeparation);

  record.open(carried !== undefined);
  await runtime.runRecord({
    due: {
      at: () => record.nextEligibility(),
      summary: 'verbal-warning removal eligibility',
      run: () => record.announceEligibility(),
    },
    handover: {
      atEvents: intake.continueAsNewAtEvents,
      guardMs: HANDOVER_GUARD_MS,
      continueAsNew: () => continueAsNew<typeof probationRecord>({ ...raw, carried: record.carry() }),
    },
  });
  return {
    employeeId: intake.employeeId,
    stage: runtime.stage,
    outcome: runtime.outcome,
    actions: record.actions.length,
    runs: record.runs,
  };
}
