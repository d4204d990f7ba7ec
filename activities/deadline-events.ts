// Case systems learn of deadline changes without polling: every change of a deadline's state (breached,
// acknowledged, met, extended, re-armed, tolled, waived) is POSTed to the case systems subscribed to
// its case type (`webhooks.subscribers`), signed as the alert webhook signs (activities/alert-webhook.ts).
//
// The workflow hands over one batch per step with changes (workflows/deadline-event-publisher.ts), in
// order: the next batch of a case starts only after this one completed. A batch is tried once inline
// (a local activity); one that fails there is handed, whole, to this activity scheduled normally.
// Within a batch each subscriber gets the events in order; a subscriber that is down fails the attempt
// and Temporal retries it, while the events already accepted are remembered in the heartbeat details
// and not posted again.
// Delivery is at least once: a worker lost between a post and its heartbeat posts that event again,
// under the same `Docket-Event-Id`, so receivers de-duplicate on it.
//
// The body carries opaque identifiers only: case type, case number, facility code, deadline key,
// state, due time, instant, policy version.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { Logger } from 'pino';
import type { DeadlineChange } from '../workflows/deadlines';
import { settledOutcome, type OutcomeRow, type OutcomeStore } from './compliance';
import {
  AlertWebhookError,
  createAlertWebhook,
  createSignedWebhook,
  type AlertWebhook,
  type SignedWebhook,
} from './alert-webhook';
import { nextRetryAt } from './failure-cause';

/** What the workflow hands over for one step: the case's opaque IDs and its changes, in order. */
export interface DeadlineEventBatch {
  workflowId: string;
  /** Stays the same across continue-as-new, so an event's ID does too. */
  firstRunId: string;
  caseType: string;
  caseNumber: string;
  facility: string;
  /** `<policy ID>@<version>` of the schedule that gave the deadlines. */
  policyVersion: string;
  changes: DeadlineChange[];
}

/** The JSON body of one POST. */
export interface DeadlineEvent {
  /** Stable per change (see EVENT_ID_HEADER): the same on every retry. */
  id: string;
  type: 'docket.deadline.changed';
  caseType: string;
  caseNumber: string;
  facility: string;
  deadlineKey: string;
  state: DeadlineChange['state'];
  dueAt?: string;
  /** When the change took effect (ISO). */
  at: string;
  policyVersion: string;
}

export interface CaseWebhookSubscriber {
  id: string;
  caseTypes: readonly string[];
  webhook: SignedWebhook<DeadlineEvent>;
}

export const DeadlineEventErrorType = { WEBHOOK_UNAVAILABLE: 'WEBHOOK_UNAVAILABLE' } as const;

/** The event ID of one change: a case's change is named by its deadline, the deadline's attempt and the state. */
export function deadlineEventId(batch: DeadlineEventBatch, change: DeadlineChange): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        'deadline-event',
        batch.workflowId,
        batch.firstRunId,
        change.key,
        change.attempt,
        change.state,
      ]),
    )
    .digest('hex')
    .slice(0, 32);
}

export function deadlineEvents(batch: DeadlineEventBatch): DeadlineEvent[] {
  return batch.changes.map((change) => ({
    id: deadlineEventId(batch, change),
    type: 'docket.deadline.changed',
    caseType: batch.caseType,
    caseNumber: batch.caseNumber,
    facility: batch.facility,
    deadlineKey: change.key,
    state: change.state,
    ...(change.dueAt !== undefined ? { dueAt: change.dueAt } : {}),
    at: change.at,
    policyVersion: batch.policyVersion,
  }));
}

export function createCaseWebhook(options: {
  url: string;
  secret: string;
  timeoutMs?: number;
}): SignedWebhook<DeadlineEvent> {
  return createSignedWebhook<DeadlineEvent>({
    ...options,
    label: 'case webhook',
    userAgent: 'docket-case-webhook/1',
  });
}

export interface DeadlineEventDeps {
  subscribers: readonly CaseWebhookSubscriber[];
  logger: Logger;
  /** Where settled deadlines' outcomes go for the compliance figures (the records store). */
  outcomes?: Pick<OutcomeStore, 'recordOutcomes'>;
}

/** The outcomes a batch settles, one row per change that settles its deadline. */
export function outcomeRows(batch: DeadlineEventBatch): OutcomeRow[] {
  return batch.changes.flatMap((change) => {
    const outcome = settledOutcome(change);
    if (!outcome) return [];
    return [
      {
        caseType: batch.caseType,
        caseNumber: batch.caseNumber,
        facility: batch.facility,
        deadlineKey: change.key,
        outcome,
        // The local date as the schedule wrote it (its offset is the facility's).
        dueDate: (change.dueAt ?? change.at).slice(0, 10),
        settledAt: change.at,
        eventId: deadlineEventId(batch, change),
      },
    ];
  });
}

/** Events each subscriber accepted in earlier attempts, from the last heartbeat. */
function deliveredBefore(activity: Context): Record<string, number> {
  const details = activity.info.heartbeatDetails as { delivered?: Record<string, number> } | undefined;
  return { ...(details?.delivered ?? {}) };
}

export function createDeadlineEventActivities(deps: DeadlineEventDeps) {
  const logger = deps.logger.child({ component: 'deadline-events' });

  /** Posts the batch's events to every subscriber of its case type, each in order. */
  async function publishDeadlineEvents(batch: DeadlineEventBatch): Promise<{ posted: number }> {
    const activity = Context.current();
    // Idempotent (keyed by deadline, the same event writes the same row): a retry may write it again.
    await deps.outcomes?.recordOutcomes(outcomeRows(batch));
    const events = deadlineEvents(batch);
    const subscribers = deps.subscribers.filter((s) => s.caseTypes.includes(batch.caseType));
    const delivered = deliveredBefore(activity);
    let posted = 0;
    const failures: Array<{ subscriber: string; error: unknown }> = [];
    await Promise.all(
      subscribers.map(async (subscriber) => {
        try {
          for (let i = delivered[subscriber.id] ?? 0; i < events.length; i++) {
            await subscriber.webhook.post(events[i] as DeadlineEvent, activity.cancellationSignal);
            delivered[subscriber.id] = i + 1;
            posted += 1;
            // Tried inline first (a local activity, one attempt, nothing to resume): no heartbeat.
            if (!activity.info.isLocal) activity.heartbeat({ delivered: { ...delivered } });
          }
        } catch (error) {
          failures.push({ subscriber: subscriber.id, error });
        }
      }),
    );
    if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason;
    const log = logger.child({ workflowId: batch.workflowId, caseType: batch.caseType });
    if (failures.length === 0) {
      log.debug({ events: events.length, subscribers: subscribers.length, posted }, 'deadline events posted');
      return { posted };
    }
    const causes = failures.map(({ subscriber, error }) => ({
      subscriber,
      ...(error instanceof AlertWebhookError
        ? { code: error.code, status: error.status, errno: error.errno, message: error.message }
        : { message: String((error as Error).message) }),
    }));
    log.warn({ failures: causes, nextRetryAt: nextRetryAt(activity.info) }, 'deadline events not delivered');
    // Retried even when a receiver refused (a wrong secret, a wrong path): the events wait, in order,
    // until the case system is configured to take them.
    throw ApplicationFailure.create({
      type: DeadlineEventErrorType.WEBHOOK_UNAVAILABLE,
      message: `deadline events not delivered: ${causes.map((c) => `${c.subscriber}: ${c.message}`).join('; ')}`,
      details: [{ failures: causes }],
      category: ApplicationFailureCategory.BENIGN,
    });
  }

  return { publishDeadlineEvents };
}

export type DeadlineEventActivities = ReturnType<typeof createDeadlineEventActivities>;

/** A subscriber as configured, its secret read: the case webhook, and its alert webhook when it takes alerts. */
export function caseWebhookSubscribers(
  configured: ReadonlyArray<{
    id: string;
    url: string;
    caseTypes: readonly string[];
    adminAlerts: boolean;
    secret: string;
  }>,
): { subscribers: CaseWebhookSubscriber[]; adminAlertWebhooks: AlertWebhook[] } {
  return {
    subscribers: configured.map((s) => ({
      id: s.id,
      caseTypes: s.caseTypes,
      webhook: createCaseWebhook({ url: s.url, secret: s.secret }),
    })),
    adminAlertWebhooks: configured
      .filter((s) => s.adminAlerts)
      .map((s) => createAlertWebhook({ url: s.url, secret: s.secret })),
  };
}
