// One inmate labor contract's record under NC DOC Policy D.0700 §.0705, keyed by its opaque contract
// number (`contract-<contractNumber>`). The record lives as long as the contract: every confirmed
// violation, the sanction its heading's ladder calls for, each suspension and what it waits for before
// the contract resumes.
//
// Why a record of violations rather than one case per violation: the rule looks across violations.
// Each heading keeps its own count "within a twelve month period" (a fatality's "any subsequent" has no
// window), and a suspension's resumption waits for what its own rung requires. So each violation is an
// entry in the record's state with its own recorded schedule (workflows/contract-record.ts), and the
// record continues-as-new before its history grows past a few thousand events, carrying the violations
// and the book's snapshot, so queries and deadlines answer the same in the next run.
//
// Events from the case system arrive as Updates; their validators refuse anything out of order, too
// early or not yet allowed, so a refused event leaves no trace in history.
import { allHandlersFinished, condition, continueAsNew, defineUpdate, patched } from '@temporalio/workflow';
import {
  parseContractIntake,
  type ContractEndedInput,
  type ContractIntakeInput,
  type ContractResumedInput,
  type RequirementEventInput,
  type ViolationConfirmedInput,
} from '../domain/cases/contract';
import { acknowledgeUpdate, extendDeadlineUpdate, type CaseView } from './case-messages';
import { handleEvents } from './case-events';
import { guard } from './refusals';
import { contractHandlers, ContractRecord, type ContractCarry, type ContractStage } from './contract-record';

export { CONTRACT_CASE_TYPE } from '../domain/cases/contract';
export type { ContractView, ViolationView, ContractRecordView } from './contract-view';

export const violationConfirmedUpdate = defineUpdate<CaseView, [ViolationConfirmedInput]>(
  'violationConfirmed',
);
export const responseLetterReceivedUpdate = defineUpdate<CaseView, [RequirementEventInput]>(
  'responseLetterReceived',
);
export const safetyReviewCompletedUpdate = defineUpdate<CaseView, [RequirementEventInput]>(
  'safetyReviewCompleted',
);
export const oshaSurveyCompletedUpdate = defineUpdate<CaseView, [RequirementEventInput]>(
  'oshaSurveyCompleted',
);
export const contractResumedUpdate = defineUpdate<CaseView, [ContractResumedInput]>('contractResumed');
export const contractEndedUpdate = defineUpdate<CaseView, [ContractEndedInput]>('contractEnded');

/**
 * patched() id: the record writes each run to the records archive before it continues as new (the
 * run's history goes with the namespace's retention) and its closing record before it completes.
 * Runs from before it continue and complete without the archive activity.
 */
export const ARCHIVE_CONTRACT_RUNS = 'contract-record-archive-runs';

/**
 * patched() id: the record's opening joins its work queue before the update handlers are registered.
 * An update that arrives with the start is dispatched as its handler is registered, so its work used
 * to run first, before the opening recorded the policy version (and failed the workflow task).
 */
export const OPEN_BEFORE_EVENTS = 'contract-record-open-before-events';

export type ContractRecordInput = ContractIntakeInput & { carried?: ContractCarry };

export interface ContractRecordResult {
  contractNumber: string;
  stage: ContractStage;
  outcome?: string;
  violations: number;
  runs: number;
}

export function contractWorkflowId(contractNumber: string): string {
  return `contract-${contractNumber}`;
}

/** Waits for a change, or for a handover held back by a timer close to now to become possible. */
async function nextChange(record: ContractRecord): Promise<void> {
  const seen = record.revision;
  // A handover held back by a timer close to now is retried once that timer is well past; one held
  // back by a running handler or notice is retried by the predicate when that finishes.
  const quietIn = record.wantsToContinue() ? record.msUntilQuiet() : 0;
  const woken = () =>
    record.runtime.closed ||
    record.revision !== seen ||
    (record.wantsToContinue() && record.readyToContinue());
  if (quietIn === 0) await condition(woken);
  else
    await condition(woken, quietIn, {
      summary: `hand over to a new run (continue-as-new) at ${new Date(Date.now() + quietIn).toISOString()}`,
    });
}

/** Runs until the contract ends, handing over through continue-as-new when history grows. */
async function runUntilEnded(record: ContractRecord, raw: ContractIntakeInput): Promise<void> {
  const { runtime } = record;
  while (!runtime.closed) {
    if (record.wantsToContinue() && record.readyToContinue()) {
      if (patched(ARCHIVE_CONTRACT_RUNS)) {
        // This run's history will be deleted with the namespace's retention: archive what it holds first.
        await runtime.archive('continued');
        // An update or notice that came in while the archive was written waits for the next attempt.
        if (!record.readyToContinue() || runtime.closed) continue;
      }
      await continueAsNew<typeof contractRecord>({ ...raw, carried: record.carry() });
    }
    await nextChange(record);
  }
  // Let the update that closed the record answer, and any notice under way finish.
  await condition(() => allHandlersFinished() && !record.busy);
  runtime.publish();
  if (patched(ARCHIVE_CONTRACT_RUNS)) await runtime.archive('closed');
}

export async function contractRecord(input: ContractRecordInput): Promise<ContractRecordResult> {
  const { carried, ...raw } = input;
  const intake = guard(() => parseContractIntake(raw));
  const record = new ContractRecord(intake, carried);
  const { runtime } = record;
  const on = contractHandlers(record);
  const opening = patched(OPEN_BEFORE_EVENTS) ? record.open(carried !== undefined) : undefined;

  runtime.registerCommonHandlers();
  handleEvents(runtime, on, [
    violationConfirmedUpdate,
    responseLetterReceivedUpdate,
    safetyReviewCompletedUpdate,
    oshaSurveyCompletedUpdate,
    contractResumedUpdate,
    contractEndedUpdate,
    acknowledgeUpdate,
    extendDeadlineUpdate,
  ]);

  await (opening ?? record.open(carried !== undefined));
  await runUntilEnded(record, raw);
  return {
    contractNumber: intake.contractNumber,
    stage: runtime.stage,
    ...(runtime.outcome !== undefined ? { outcome: runtime.outcome } : {}),
    violations: record.violations.length,
    runs: record.runs,
  };
}
