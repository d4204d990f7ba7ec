// The messages every case workflow answers, defined once: the client and the API import these same
// definitions, so a query or update name is never typed twice.
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type {
  AcknowledgeInput,
  ExtensionRequestInput,
  ServiceProof,
  ServiceProofInput,
} from '../domain/cases/common';
import type { AwaitingEntry } from '../domain/types';
import type { DeadlineView, OverallDeadlineState, TimelineEvent } from './deadlines';

/** What a case looks like from outside: returned by the `schedule` query and by every update. */
export interface CaseView {
  caseNumber: string;
  caseType: string;
  facility: string;
  stage: string;
  policyId: string;
  policyVersion: string;
  deadlineState: OverallDeadlineState;
  deadlines: DeadlineView[];
  awaiting: AwaitingEntry[];
  serviceTasks: ServiceTask[];
  closed: boolean;
  outcome?: string;
}

/** A notice owed to an inmate (or other subject without email): staff serve it and record proof. */
export interface ServiceTask {
  task: string;
  document: string;
  to: string;
  role: string;
  dueAt?: string;
  proof?: ServiceProof;
}

export const scheduleQuery = defineQuery<CaseView>('schedule');
export const timelineQuery = defineQuery<TimelineEvent[]>('timeline');
export const acknowledgeUpdate = defineUpdate<CaseView, [AcknowledgeInput]>('acknowledge');
export const recordServiceUpdate = defineUpdate<CaseView, [ServiceProofInput]>('recordService');
export const extendDeadlineUpdate = defineUpdate<CaseView, [ExtensionRequestInput]>('extendDeadline');
