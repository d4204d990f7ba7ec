// The administrators' alert about a notice Docket could not deliver, over every channel the agency
// configured, so that it does not depend on the relay that failed:
//
//   email    through the primary relay, or the fallback relay (`smtp.fallback`) when the primary is
//            unreachable or fails; the message (and its Message-ID) is the same through either;
//   webhook  a signed POST to the paging tool (`alerts.webhookUrl`), for every such alert.
//
// The alert is delivered when at least one channel took it: an administrator has been told. A channel
// that failed while another succeeded is logged (warn) and not retried; when every channel failed the
// attempt fails as transient and Temporal retries it (channels that succeeded are remembered in the
// sent ledger, so a retry does not post or mail them twice on this host).
//
// Without a fallback relay or a webhook this is the plain `alertAdministrators` activity.
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { Logger } from 'pino';
import { alertEventId, AlertWebhookError, type AlertWebhook } from './alert-webhook';
import { failureCauseOf, nextRetryAt } from './failure-cause';
import {
  adminAlertMessageId,
  NoticeErrorType,
  type AdminAlertRequest,
  type NoticeResult,
} from './notifications';
import { RELAY_UNREACHABLE, type RelayHealth } from './relay-health';
import type { SentLedger } from './sent-ledger';

export type AlertChannel = 'primary-relay' | 'fallback-relay' | 'webhook';

export interface AdminAlertResult extends NoticeResult {
  /** The channels that took the alert in this or an earlier attempt. */
  deliveredBy: AlertChannel[];
}

export interface AdminAlertChannels {
  /** The primary relay's health: while it is unreachable, the alert goes straight to the fallback. */
  primaryHealth?: RelayHealth;
  /** `alertAdministrators` of the notification activities built on the fallback relay's mailer. */
  fallback?: (request: AdminAlertRequest) => Promise<NoticeResult>;
  webhook?: AlertWebhook;
  ledger: SentLedger;
  logger: Logger;
  messageIdDomain: string;
}

const failureType = (err: unknown): string | undefined =>
  err instanceof ApplicationFailure ? (err.type ?? undefined) : undefined;

/** What a log line may say about a channel's failure: its code and redacted message. */
function channelCause(err: unknown): Record<string, unknown> {
  if (err instanceof ApplicationFailure) return { errorType: err.type, ...failureCauseOf(err) };
  if (err instanceof AlertWebhookError) {
    return { code: err.code, status: err.status, errno: err.errno, message: err.message };
  }
  return { ...failureCauseOf(err) };
}

const webhookLedgerKey = (eventId: string): string => `webhook:${eventId}`;

export function createAdminAlertDelivery(
  primary: (request: AdminAlertRequest) => Promise<NoticeResult>,
  channels: AdminAlertChannels,
): (request: AdminAlertRequest) => Promise<NoticeResult | AdminAlertResult> {
  const { fallback, webhook, ledger } = channels;
  if (!fallback && !webhook) return primary;
  const logger = channels.logger.child({ component: 'admin-alert' });

  /** Email through the primary relay, else the fallback. */
  const email = async (
    request: AdminAlertRequest,
  ): Promise<
    | { ok: true; result: NoticeResult; via: AlertChannel }
    | { ok: false; error: unknown; primaryError?: unknown }
  > => {
    let primaryError: unknown;
    const primaryState = channels.primaryHealth?.state();
    if (primaryState?.unreachable === true) {
      // Known down: another channel now is worth more than a wait at the primary relay's gate.
      primaryError = Object.assign(
        new Error(`the primary relay has been unreachable since ${primaryState.failingSince ?? 'just now'}`),
        { code: RELAY_UNREACHABLE },
      );
    } else {
      try {
        return { ok: true, result: await primary(request), via: 'primary-relay' };
      } catch (err) {
        // Invalid input is a workflow bug: no channel can fix it.
        if (failureType(err) === NoticeErrorType.NOTICE_INPUT_INVALID) throw err;
        primaryError = err;
      }
    }
    if (!fallback) return { ok: false, error: primaryError };
    try {
      const result = await fallback(request);
      logger.warn(
        { workflowId: request.workflowId, noticeKey: request.noticeKey, primary: channelCause(primaryError) },
        "administrators' alert sent through the fallback relay",
      );
      return { ok: true, result, via: 'fallback-relay' };
    } catch (err) {
      if (failureType(err) === NoticeErrorType.NOTICE_INPUT_INVALID) throw err;
      return { ok: false, error: err, primaryError };
    }
  };

  /** Posts the alert unless this host already did; true when it posted now. */
  const post = async (request: AdminAlertRequest, signal: AbortSignal | undefined): Promise<boolean> => {
    if (!webhook) return false;
    for (const field of ['workflowId', 'noticeKey', 'errorCode'] as const) {
      if (typeof request[field] !== 'string' || request[field] === '') {
        throw ApplicationFailure.create({
          type: NoticeErrorType.NOTICE_INPUT_INVALID,
          message: `invalid administrators alert: ${field}: required`,
          nonRetryable: true,
        });
      }
    }
    const id = alertEventId(request.workflowId, request.noticeKey);
    if (await ledger.find(webhookLedgerKey(id))) return false;
    const entry = request.entry;
    await webhook.post(
      {
        id,
        type: 'docket.notice.undelivered',
        workflowId: request.workflowId,
        noticeKey: request.noticeKey,
        errorCode: request.errorCode,
        errorMessage: request.errorMessage,
        caseNumber: request.caseNumber,
        caseType: request.caseType,
        kind: request.kind,
        facility: request.facility,
        role: request.role,
        deadline: entry ? { key: entry.key, dueAt: entry.dueAt } : undefined,
        raisedAt: request.sentAt,
      },
      signal,
    );
    const now = new Date().toISOString();
    await ledger
      .record({
        messageId: webhookLedgerKey(id),
        workflowId: request.workflowId,
        noticeKey: request.noticeKey,
        kind: 'admin-alert-webhook',
        recipientRole: 'administrators',
        recipientIds: ['alert-webhook'],
        rejectedCount: 0,
        sentAt: request.sentAt ?? now,
        acceptedAt: now,
      })
      .catch((err: unknown) =>
        logger.error({ err: (err as Error).message }, 'alert webhook accepted but the ledger write failed'),
      );
    return true;
  };

  return async function alertAdministrators(request: AdminAlertRequest): Promise<AdminAlertResult> {
    const activity = Context.current();
    // No heartbeat of its own: the relays' gated mailers heartbeat while they wait or send, and a
    // heartbeat here could overwrite the one that records an accepted alert (notifications.ts).
    // The webhook's own timeout stays well inside the heartbeat timeout.
    const log = logger.child({ workflowId: request.workflowId, noticeKey: request.noticeKey });
    const [mailed, posted] = await Promise.all([
      email(request),
      webhook
        ? post(request, activity.cancellationSignal).then(
            (fresh) => ({ ok: true as const, fresh }),
            (error: unknown) => ({ ok: false as const, error }),
          )
        : undefined,
    ]);
    if (posted && !posted.ok && failureType(posted.error) === NoticeErrorType.NOTICE_INPUT_INVALID) {
      throw posted.error;
    }
    if (activity.cancellationSignal.aborted) throw activity.cancellationSignal.reason;

    const deliveredBy: AlertChannel[] = [];
    if (mailed.ok) deliveredBy.push(mailed.via);
    if (posted?.ok) deliveredBy.push('webhook');
    const failures: Record<string, unknown> = {};
    if (!mailed.ok) {
      failures.email = {
        ...channelCause(mailed.error),
        ...(mailed.primaryError !== undefined ? { primary: channelCause(mailed.primaryError) } : {}),
      };
    }
    if (posted && !posted.ok) failures.webhook = channelCause(posted.error);

    if (deliveredBy.length > 0) {
      if (Object.keys(failures).length > 0) {
        log.warn({ deliveredBy, failures }, "administrators' alert delivered, but not by every channel");
      }
      log.info(
        { deliveredBy, webhookAlreadyPosted: posted?.ok === true && !posted.fresh },
        "administrators' alert delivered",
      );
      const now = new Date().toISOString();
      const base: NoticeResult = mailed.ok
        ? mailed.result
        : {
            messageId: adminAlertMessageId(request.workflowId, request.noticeKey, channels.messageIdDomain),
            status: 'sent',
            recipientRole: 'administrators',
            recipientIds: ['alert-webhook'],
            recipientCount: 1,
            rejectedCount: 0,
            escalationCapped: false,
            sentAt: request.sentAt ?? now,
            acceptedAt: now,
          };
      return { ...base, deliveredBy };
    }

    // Retry unless every channel refused for good (a permanent SMTP reply, a webhook 4xx).
    const emailRetryable =
      !mailed.ok && !(mailed.error instanceof ApplicationFailure && mailed.error.nonRetryable);
    const webhookRetryable =
      posted !== undefined &&
      !posted.ok &&
      !(posted.error instanceof AlertWebhookError && !posted.error.retryable);
    const retryable = emailRetryable || webhookRetryable;
    log.error(
      { failures, ...(retryable ? { nextRetryAt: nextRetryAt(activity.info) } : {}) },
      "administrators' alert reached no channel",
    );
    throw ApplicationFailure.create({
      type: retryable ? NoticeErrorType.SMTP_TRANSIENT : NoticeErrorType.SMTP_PERMANENT,
      message: `administrators' alert about ${request.noticeKey} reached no channel: ${Object.entries(
        failures,
      )
        .map(([channel, cause]) => `${channel}: ${String((cause as { message?: unknown }).message)}`)
        .join('; ')}`,
      nonRetryable: !retryable,
      details: [{ noticeKey: request.noticeKey, failures }],
      // Logged above at error level; the SDK need not log it again.
      category: ApplicationFailureCategory.BENIGN,
    });
  };
}
