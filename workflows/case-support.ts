// Messages and plumbing shared by every case workflow: the schedule and timeline queries, the
// acknowledgement and proof-of-service updates, the local activity that computes schedules, and the
// translation of domain errors into failures a caller can branch on.
import { ApplicationFailure, defineQuery, defineUpdate, proxyLocalActivities } from '@temporalio/workflow';
import type { ZodError } from 'zod';
import type { ScheduleActivities } from '../activities/schedule';
import type {
  AcknowledgeInput,
  ExtensionRequestInput,
  ServiceProof,
  ServiceProofInput,
} from '../domain/cases/common';
import { describeIssues } from '../domain/cases/common';
import type { RefusalCode } from '../domain/errors';
import { withDomainFailures } from '../infra/domain-failure';
import type { AwaitingEntry, Schedule, ScheduleInput } from '../domain/types';
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

const { computeCaseSchedule } = proxyLocalActivities<ScheduleActivities>({
  startToCloseTimeout: '10 seconds',
  // A domain error is non-retryable; anything else (a worker hiccup) is worth a few quick retries.
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});

/** Computes a schedule in a local activity, so the result is recorded in history. */
export function computeScheduleRecorded(input: ScheduleInput): Promise<Schedule> {
  return computeCaseSchedule(input);
}

/**
 * Runs a validator check and turns a domain error into a non-retryable ApplicationFailure with the
 * domain's stable code and details, so the caller (API, CLI) sees the rule, the limit and its source.
 */
export function guard<T>(check: () => T): T {
  return withDomainFailures(check);
}

/** Parses an update's payload with its zod schema; a bad payload is refused naming the field. */
export function parsePayload<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  raw: unknown,
  what: string,
): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw ApplicationFailure.nonRetryable(`${what}: ${describeIssues(result.error)}`, 'INVALID_INPUT', {
      field: result.error.issues[0]?.path.join('.'),
    });
  }
  return result.data;
}

/** Refuses an update with a code from the one list of refusal codes, which the API documents. */
export function refuse(code: RefusalCode, message: string, details: Record<string, unknown> = {}): never {
  throw ApplicationFailure.nonRetryable(message, code, details);
}

/** An event may not be dated in the future: case systems record what has happened. */
export function refuseFutureEvent(at: string, field = 'at'): void {
  const skewMs = 5 * 60_000;
  if (Date.parse(at) > Date.now() + skewMs) {
    refuse('EVENT_IN_FUTURE', `${field} ${at} is in the future; record events once they have happened`, {
      field,
      value: at,
    });
  }
}

/** Serialises update handlers: each one computes a schedule from the state the previous one left. */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
