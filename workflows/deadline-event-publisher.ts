// Hands a case's deadline changes to the case systems (activities/deadline-events.ts: signed webhook
// posts, and the settled outcomes for the compliance figures), in order, without the case waiting.
//
// Each step's changes are tried first in a local activity: it runs in the workflow task that made the
// change, so the common case (receivers up) costs one marker event and no extra workflow task. Only a
// batch that fails there goes to the regular activity, retried for a week, so an outage never holds
// the case's workflow task open and no change is lost. Receivers deduplicate by event ID, since a
// batch that failed part-way inline is posted again in full.
import { log, patched, proxyActivities, proxyLocalActivities, workflowInfo } from '@temporalio/workflow';
import type { DeadlineEventActivities, DeadlineEventBatch } from '../activities/deadline-events';
import type { DeadlineChange } from './deadlines';

/**
 * patched() id: each step that changed a deadline's state hands its changes to one activity that posts
 * them to the subscribed case systems. Histories from before it schedule no such activity.
 */
export const DEADLINE_EVENTS = 'deadline-events-to-case-systems';

/**
 * patched() id: long-lived records that continue as new (probation, contract) post their changes too,
 * inline first like the rest. Before it they posted none: a hand-over waiting for a publication
 * scheduled on the task queue stalled under the time-skipping test server.
 */
export const RECORD_DEADLINE_EVENTS = 'record-deadline-events';

/**
 * patched() id: a batch is tried inline (a local activity) before the retrying activity. Histories from
 * before it schedule the regular activity for every batch.
 */
export const DEADLINE_EVENTS_INLINE = 'deadline-events-inline-first';

/**
 * The case never waits on a case system: the activity runs beside it and is retried for a week, at
 * most a minute apart, so a receiver back from an outage gets its events within a minute. The case
 * waits for the last one only before it completes or continues as new.
 */
const RETRIED_OPTIONS = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '30 seconds',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
const retried = proxyActivities<DeadlineEventActivities>(RETRIED_OPTIONS);

/**
 * One attempt, short enough that a slow receiver holds the workflow task for seconds at most (the
 * worker keeps a held task alive); anything else is the retrying activity's work.
 */
const INLINE_OPTIONS = { startToCloseTimeout: '4 seconds', retry: { maximumAttempts: 1 } } as const;
const inline = proxyLocalActivities<DeadlineEventActivities>(INLINE_OPTIONS);

export interface PublishedCase {
  caseType: string;
  caseNumber: string;
  facility: string;
}

export class DeadlineEventPublisher {
  /** The last publication of the case; each next one starts when it has completed. */
  private last: Promise<void> = Promise.resolve();
  private pendingCount = 0;

  constructor(
    private readonly subject: PublishedCase,
    /** The patch that switched publishing on for this kind of case. */
    private readonly patchId: typeof DEADLINE_EVENTS | typeof RECORD_DEADLINE_EVENTS,
  ) {}

  /** A publication is under way: the case must not complete or continue as new yet. */
  get pending(): boolean {
    return this.pendingCount > 0;
  }

  /** Queues a step's changes after the case's earlier ones. Not awaited by the step. */
  publish(changes: DeadlineChange[], policyVersion: string): void {
    if (!patched(this.patchId)) return;
    const info = workflowInfo();
    const batch: DeadlineEventBatch = {
      workflowId: info.workflowId,
      firstRunId: info.firstExecutionRunId,
      ...this.subject,
      policyVersion,
      changes,
    };
    const summary = `deadline events: ${changes.map((c) => `${c.key} ${c.state}`).join(', ')}`;
    this.pendingCount += 1;
    this.last = this.last
      .then(() => this.deliver(batch, summary))
      .then(
        () => undefined,
        (err: unknown) => log.error('deadline events not delivered', { error: (err as Error).message }),
      )
      .finally(() => {
        this.pendingCount -= 1;
      });
  }

  /** Waits until every change so far has reached the case systems (or its retries ran out). */
  async settled(): Promise<void> {
    while (this.pendingCount > 0) await this.last;
  }

  private async deliver(batch: DeadlineEventBatch, summary: string): Promise<void> {
    if (patched(DEADLINE_EVENTS_INLINE)) {
      try {
        await inline.publishDeadlineEvents.executeWithOptions({ ...INLINE_OPTIONS, summary }, [batch]);
        return;
      } catch {
        // The receiver was down or slow: the retrying activity takes the whole batch.
      }
    }
    await retried.publishDeadlineEvents.executeWithOptions({ ...RETRIED_OPTIONS, summary }, [batch]);
  }
}
