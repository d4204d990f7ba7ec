// One Enterprises temporary transfer (NC DOC Policy D.0700 §.0707(h)): inmates moved to a facility
// nearer the job site. The transfer takes place no earlier than 24 hours after its arrangements (a
// lower bound, exact hours: an early delivery is refused with the earliest time), the receiving
// facility has up to 4 hours to process the inmates in (a deadline, alerted and escalated when
// missed), and they are released to the work crew only once processed.
import { defineUpdate } from '@temporalio/workflow';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import { cite } from '../domain/cases/contract';
import {
  parseTransferIntake,
  TRANSFER_CASE_TYPE,
  TRANSFER_POLICY_ID,
  type TransferIntakeInput,
} from '../domain/cases/work-programs';
import { guard, refuse } from './refusals';
import { type CaseView } from './case-messages';
import { runCase, timedStep } from './case-events';
import type { CaseRuntime } from './case-runtime';
import { endingEvent, workProgramRuntime } from './work-program';

export { TRANSFER_CASE_TYPE };

export const inmatesDeliveredUpdate = defineUpdate<CaseView, [EventBase]>('inmatesDelivered');
export const processingCompletedUpdate = defineUpdate<CaseView, [EventBase]>('processingCompleted');
export const crewReleasedUpdate = defineUpdate<CaseView, [EventBase]>('crewReleased');
export const inmatesReturnedUpdate = defineUpdate<CaseView, [EventBase]>('inmatesReturned');
export const transferCancelledUpdate = defineUpdate<CaseView, [EventBase]>('transferCancelled');

export type TransferStage = 'arranged' | 'processing' | 'processed' | 'released' | 'returned' | 'cancelled';
const OPEN_STAGES: readonly TransferStage[] = ['arranged', 'processing', 'processed', 'released'];

export interface TransferResult {
  caseNumber: string;
  stage: TransferStage;
}

export function transferWorkflowId(caseNumber: string): string {
  return `enterprises-transfer-${caseNumber}`;
}

/** §.0707(h)(3): released to the work crew only once processed, refused with the rule before the stage. */
function requireProcessed(c: CaseRuntime<TransferStage>): void {
  if (c.stage !== 'processing') return;
  const source = cite('D.0707(h)(3)');
  refuse(
    'PROCESSING_REQUIRED',
    `the inmates may be released to an Enterprises work crew only after the receiving facility has processed them into the facility (${source})`,
    { rule: 'release-after-processing', source, missing: 'processing.completed' },
  );
}

/** The transfer's steps, each an Update of the name it has here. */
function transferEvents(c: CaseRuntime<TransferStage>) {
  const runtime = () => c;
  return {
    // The recorded lower bound: no earlier than 24 hours after the arrangements (D.0707(h)(1)).
    inmatesDelivered: timedStep(runtime, eventBaseSchema, {
      key: 'inmates.delivered',
      stages: ['arranged'],
      doing: 'the delivery',
      next: 'processing',
    }),
    processingCompleted: timedStep(runtime, eventBaseSchema, {
      key: 'processing.completed',
      stages: ['processing'],
      doing: 'the processing',
      follows: ['inmates.delivered', 'the processing'],
      next: 'processed',
    }),
    crewReleased: timedStep(runtime, eventBaseSchema, {
      key: 'crew.released',
      first: () => requireProcessed(c),
      stages: ['processed'],
      doing: 'releasing the inmates to the work crew',
      follows: ['processing.completed', 'the release'],
      next: 'released',
    }),
    inmatesReturned: timedStep(runtime, eventBaseSchema, {
      key: 'inmates.returned',
      stages: ['processing', 'processed', 'released'],
      doing: 'the return',
      follows: ['inmates.delivered', 'the return'],
      then: () => c.moveTo('returned', 'returned'),
    }),
    transferCancelled: endingEvent(c, eventBaseSchema, {
      stages: ['arranged'],
      doing: 'cancelling the transfer',
      type: 'transfer.cancelled',
      stage: 'cancelled',
      why: () => ({ waived: 'transfer cancelled', detail: 'transfer cancelled', outcome: 'cancelled' }),
    }),
  };
}

export async function enterprisesTransfer(raw: TransferIntakeInput): Promise<TransferResult> {
  const intake = guard(() => parseTransferIntake(raw));
  const c = workProgramRuntime<TransferStage>(intake, {
    caseType: TRANSFER_CASE_TYPE,
    policyId: TRANSFER_POLICY_ID,
    facts: {},
    events: { 'transfer.arranged': intake.arrangedAt },
    stage: 'arranged',
    openStages: OPEN_STAGES,
  });
  const transfer = {
    runtime: c,
    result: (): TransferResult => ({ caseNumber: intake.caseNumber, stage: c.stage }),
    ...transferEvents(c),
  };
  return runCase(transfer, [
    inmatesDeliveredUpdate,
    processingCompletedUpdate,
    crewReleasedUpdate,
    inmatesReturnedUpdate,
    transferCancelledUpdate,
  ]);
}
