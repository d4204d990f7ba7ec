// Sends a case's notices (reminders, breach alerts, escalations, and the notices a workflow sends
// itself) and records each in the timeline. A notice that fails for good goes to the administrators
// instead, over every channel they have, so no missed deadline goes unseen.
import {
  ActivityFailure,
  ApplicationFailure,
  log,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { NotificationActivities, NoticeRequest } from '../activities/notifications';
import type { CasePublisher } from './case-publisher';
import type { CaseContext } from './deadlines';
import type { Timeline } from './timeline';

// A notice must not be lost to a transient SMTP outage, so retries continue for a day before the
// failure goes to the administrators instead. Retries stay seconds apart for that whole day: the
// worker holds notices at its relay gate while the relay is unreachable (activities/relay-health.ts)
// and releases them the moment it answers, so a short interval costs no SMTP connections during an
// outage, and a notice between attempts when the relay recovers waits at most the maximum interval.
// The heartbeat timeout lets Temporal see a dead worker within seconds; the activity heartbeats
// whenever it waits or talks to the relay for longer than a moment. Start-to-close only bounds a
// stuck attempt on a live worker: gate wait (30 s) plus nodemailer's connect, greeting and socket
// timeouts fit inside it.
// Activity options are not part of a workflow's commands' identity: changing them does not break
// the replay of running cases (test/replay.test.ts).
const NOTICE_OPTIONS = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;
const notices = proxyActivities<NotificationActivities>(NOTICE_OPTIONS);

// The administrators' alert goes out over every channel configured (fallback relay, paging webhook),
// so it does not wait on the relay that failed; when none takes it, it is retried for a week.
const adminAlerts = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** A notice as a workflow asks for it: the case's own identity is filled in. */
export type CaseNotice = Omit<NoticeRequest, 'workflowId' | 'caseNumber' | 'caseType' | 'facility'> & {
  facility?: string;
  /** A notice about another case than the sender's own (e.g. a per-subject watch telling one case). */
  caseNumber?: string;
};

const nowIso = (): string => new Date(Date.now()).toISOString();

export class NoticeSender {
  private inFlight = 0;

  constructor(
    private readonly context: CaseContext,
    private readonly timeline: Timeline,
    private readonly publisher: CasePublisher,
  ) {}

  /**
   * Whether a notice is being sent right now. A workflow must not continue-as-new while one is: the
   * new run would not send it again, because a restored watcher skips reminders whose time has passed.
   */
  get sending(): boolean {
    return this.inFlight > 0;
  }

  /** Sends one notice; a permanent failure goes to the administrators and into the timeline. */
  async notify(request: CaseNotice): Promise<boolean> {
    // A notice may be retried for a day: what the step has changed must not wait for it to be delivered.
    this.publisher.flushSearchAttributes();
    this.inFlight += 1;
    try {
      return await this.sendAndRecord(request);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async sendAndRecord(request: CaseNotice): Promise<boolean> {
    const full: NoticeRequest = {
      workflowId: workflowInfo().workflowId,
      caseNumber: this.context.caseNumber,
      caseType: this.context.caseType,
      facility: this.context.facility,
      sentAt: nowIso(),
      ...request,
    };
    try {
      const result = await notices.sendNotice.executeWithOptions(
        { ...NOTICE_OPTIONS, summary: `${request.kind} ${request.noticeKey}` },
        [full],
      );
      this.timeline.record({
        type: 'notice.sent',
        detail: `${request.kind} to ${result.recipientRole} (${result.recipientCount} recipient(s))`,
        noticeKey: request.noticeKey,
        actor: 'docket',
        at: result.sentAt,
      });
      if (result.rejectedCount > 0) {
        await this.alertAdministrators(
          full,
          'SMTP_PARTIAL_REJECTION',
          `${result.rejectedCount} recipient(s) of ${request.noticeKey} were refused by the relay`,
        );
      }
      return true;
    } catch (err) {
      // Failed for good: recorded, the administrators told, and the case's status refreshed.
      const cause =
        err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      const code = cause?.type ?? 'NOTICE_FAILED';
      log.warn('notice failed permanently; alerting administrators', { noticeKey: request.noticeKey, code });
      this.timeline.record({
        type: 'notice.failed',
        detail: `${request.kind} to ${request.role}: ${code}`,
        noticeKey: request.noticeKey,
      });
      await this.alertAdministrators(full, code, cause?.message ?? (err as Error).message);
      this.publisher.publish();
      return false;
    }
  }

  private async alertAdministrators(
    notice: NoticeRequest,
    errorCode: string,
    errorMessage: string,
  ): Promise<void> {
    try {
      await adminAlerts.alertAdministrators({
        workflowId: notice.workflowId,
        noticeKey: notice.noticeKey,
        errorCode,
        errorMessage,
        caseNumber: notice.caseNumber,
        caseType: notice.caseType,
        kind: notice.kind,
        facility: notice.facility,
        role: notice.role,
        entry: notice.entry,
        sentAt: nowIso(),
      });
      this.timeline.record({
        type: 'admin.alerted',
        detail: `administrators told of ${errorCode}`,
        noticeKey: notice.noticeKey,
      });
    } catch (adminErr) {
      log.error('administrator alert failed', { noticeKey: notice.noticeKey });
      this.timeline.record({
        type: 'admin.alert-failed',
        detail: (adminErr as Error).message,
        noticeKey: notice.noticeKey,
      });
    }
  }
}
