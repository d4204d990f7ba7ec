// One Enterprises temporary transfer (NC DOC Policy D.0700 §.0707(h)): inmates moved to a facility
// nearer the job site. The transfer takes place no earlier than 24 hours after its arrangements (a
// lower bound, exact hours: an early delivery is refused with the earliest time), the receiving
// facility has up to 4 hours to process the inmates in (a deadline, alerted and escalated when
// missed), and they are released to the work crew only once processed.
import { defineUpdate } from '@temporalio/workflow';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import { cite } from '../domain/cases/contract';
import {
  NC_JURISDICTION,
  parseTransferIntake,
  TRANSFER_CASE_TYPE,
  TRANSFER_POLICY_ID,
  type TransferIntakeInput,
} from '../domain/cases/work-programs';
import { guard, refuse, refuseFutureEvent } from './refusals';
import { type CaseView } from './case-messages';
import { CaseRuntime } from './case-runtime';

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

type Transfer = CaseRuntime<TransferStage>;
type Event = EventBase & { at: string; by: string };

function checkDelivery(c: Transfer, event: Event): void {
  c.requireStage(['arranged'], 'the delivery');
  // The recorded lower bound: no earlier than 24 hours after the arrangements (D.0707(h)(1)).
  c.checkTimely('inmates.delivered', event.at);
}

function checkProcessed(c: Transfer, event: Event): void {
  c.requireStage(['processing'], 'the processing');
  c.requireAfter(event.at, 'inmates.delivered', 'the processing');
  c.checkTimely('processing.completed', event.at);
}

function checkRelease(c: Transfer, event: Event): void {
  if (c.stage === 'processing') {
    const source = cite('D.0707(h)(3)');
    refuse(
      'PROCESSING_REQUIRED',
      `the inmates may be released to an Enterprises work crew only after the receiving facility has processed them into the facility (${source})`,
      { rule: 'release-after-processing', source, missing: 'processing.completed' },
    );
  }
  c.requireStage(['processed'], 'releasing the inmates to the work crew');
  c.requireAfter(event.at, 'processing.completed', 'the release');
  c.checkTimely('crew.released', event.at);
}

function checkReturn(c: Transfer, event: Event): void {
  c.requireStage(['processing', 'processed', 'released'], 'the return');
  c.requireAfter(event.at, 'inmates.delivered', 'the return');
  c.checkTimely('inmates.returned', event.at);
}

function checkCancel(c: Transfer, event: Event): void {
  c.requireStage(['arranged'], 'cancelling the transfer');
  refuseFutureEvent(event.at);
}

async function cancel(c: Transfer, event: Event): Promise<void> {
  c.waiveOpen('transfer cancelled', event.by);
  c.record({ at: event.at, type: 'transfer.cancelled', actor: event.by, detail: 'transfer cancelled' });
  c.moveTo('cancelled', 'cancelled');
}

async function step(c: Transfer, key: string, event: Event, next: TransferStage): Promise<void> {
  await c.recordEvents({ [key]: event.at }, event, key);
  c.moveTo(next, next === 'returned' ? 'returned' : undefined);
}

export async function enterprisesTransfer(raw: TransferIntakeInput): Promise<TransferResult> {
  const intake = guard(() => parseTransferIntake(raw));
  const c: Transfer = new CaseRuntime<TransferStage>({
    caseType: TRANSFER_CASE_TYPE,
    caseNumber: intake.caseNumber,
    facility: intake.facility,
    jurisdiction: NC_JURISDICTION,
    policyId: TRANSFER_POLICY_ID,
    policyVersion: intake.policyVersion,
    facts: {},
    settings: intake.settings,
    events: { 'transfer.arranged': intake.arrangedAt },
    stage: 'arranged',
    openStages: OPEN_STAGES,
  });
  c.registerCommonHandlers();
  c.handle(inmatesDeliveredUpdate, {
    schema: eventBaseSchema,
    validate: (e) => checkDelivery(c, e),
    apply: (e) => step(c, 'inmates.delivered', e, 'processing'),
  });
  c.handle(processingCompletedUpdate, {
    schema: eventBaseSchema,
    validate: (e) => checkProcessed(c, e),
    apply: (e) => step(c, 'processing.completed', e, 'processed'),
  });
  c.handle(crewReleasedUpdate, {
    schema: eventBaseSchema,
    validate: (e) => checkRelease(c, e),
    apply: (e) => step(c, 'crew.released', e, 'released'),
  });
  c.handle(inmatesReturnedUpdate, {
    schema: eventBaseSchema,
    validate: (e) => checkReturn(c, e),
    apply: (e) => step(c, 'inmates.returned', e, 'returned'),
  });
  c.handle(transferCancelledUpdate, {
    schema: eventBaseSchema,
    validate: (e) => checkCancel(c, e),
    apply: (e) => cancel(c, e),
  });
  await c.open();
  await c.runUntilClosed();
  return { caseNumber: intake.caseNumber, stage: c.stage };
}
