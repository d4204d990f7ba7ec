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
import { continueAsNew, defineUpdate } from '@temporalio/workflow';
import { acknowledgeSchema, extensionRequestSchema } from '../domain/cases/common';
import {
  contractEndedSchema,
  contractResumedSchema,
  parseContractIntake,
  requirementEventSchema,
  violationConfirmedSchema,
  type ContractEndedInput,
  type ContractIntakeInput,
  type ContractResumedInput,
  type RequirementEventInput,
  type ViolationConfirmedInput,
} from '../domain/cases/contract';
import { acknowledgeUpdate, extendDeadlineUpdate, guard, type CaseView } from './case-support';
import { ContractRecord, type ContractCarry, type ContractStage } from './contract-record';

export { CONTRACT_CASE_TYPE } from '../domain/cases/contract';
export type { ContractView, ViolationView, ContractRecordView } from './contract-record';

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

export async function contractRecord(input: ContractRecordInput): Promise<ContractRecordResult> {
  const { carried, ...raw } = input;
  const intake = guard(() => parseContractIntake(raw));
  const r = new ContractRecord(intake, carried);
  const c = r.c;

  c.registerCommonHandlers();
  c.handle(violationConfirmedUpdate, {
    schema: violationConfirmedSchema,
    validate: (event) => r.checkViolation(event),
    apply: (event) => r.confirm(event),
  });
  c.handle(responseLetterReceivedUpdate, {
    schema: requirementEventSchema,
    validate: (event) => void r.requirementTarget('response-letter', event),
    apply: (event) => r.recordRequirement('response-letter', event),
  });
  c.handle(safetyReviewCompletedUpdate, {
    schema: requirementEventSchema,
    validate: (event) => void r.requirementTarget('safety-review', event),
    apply: (event) => r.recordRequirement('safety-review', event),
  });
  c.handle(oshaSurveyCompletedUpdate, {
    schema: requirementEventSchema,
    validate: (event) => void r.requirementTarget('osha-survey', event),
    apply: (event) => r.recordRequirement('osha-survey', event),
  });
  c.handle(contractResumedUpdate, {
    schema: contractResumedSchema,
    validate: (event) => r.checkResumption(event.at),
    apply: (event) => r.resume(event),
  });
  c.handle(contractEndedUpdate, {
    schema: contractEndedSchema,
    validate: (event) => r.checkEnd(event.at),
    apply: (event) => r.end(event),
  });
  // The record's deadlines live in its own book entries (`V1:warning.response`), not in CaseRuntime's
  // one schedule, so acknowledgements and extensions are answered here.
  c.handle(acknowledgeUpdate, {
    schema: acknowledgeSchema,
    validate: (ack) => void c.requireBreached(ack.key),
    apply: async (ack) => void c.acknowledge(ack.key, ack.by),
  });
  c.handle(extendDeadlineUpdate, {
    schema: extensionRequestSchema,
    validate: (request) => void r.extensionFor(request),
    apply: (request) => r.extend(request),
  });

  await r.open(carried !== undefined);
  await r.run((carry) => continueAsNew<typeof contractRecord>({ ...raw, carried: carry }));
  return {
    contractNumber: intake.contractNumber,
    stage: c.stage,
    ...(c.outcome !== undefined ? { outcome: c.outcome } : {}),
    violations: r.violations.length,
    runs: r.runs,
  };
}
