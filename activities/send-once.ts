// Sending a message at most once per acceptance, across Temporal's retries: the one place where both
// notice activities talk to the relay, the sent ledger and the heartbeat.
//
// Before opening an SMTP session: has the relay already accepted this Message-ID? The heartbeat
// details of the previous attempt (recorded on the Temporal server, so they reach a retry on any
// host) and the sent ledger (a local file, fsynced right after the relay's 250) answer; if either
// says yes, nothing is sent and the result says `already-sent`. After the 250 the record goes to the
// ledger, then to a heartbeat. Overlapping attempts of one message in one process are serialised.
// The window this leaves open is described in notifications.ts.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { SendMailOptions, SentMessageInfo } from 'nodemailer';
import type { Logger } from 'pino';
import { sendFailureLogFields } from './failure-cause';
import { NoticeErrorType, type TemplateKind } from './notice-codes';
import type { NoticeResult, NoticeStatus } from './notice-requests';
import type { SentLedger, SentRecord } from './sent-ledger';
import { classifySmtpError, smtpFailure } from './smtp-errors';

/** The part of a nodemailer Transporter the activities use. */
export interface MailSender {
  sendMail(options: SendMailOptions): Promise<SentMessageInfo>;
}

/** One message ready for the relay, with what its ledger record says about it. */
export interface Outgoing {
  messageId: string;
  workflowId: string;
  noticeKey: string;
  kind: TemplateKind;
  recipientRole: string;
  recipientIds: string[];
  escalationCapped: boolean;
  /** The Date header. */
  sentAt: Date;
  mail: SendMailOptions;
  /** Recipients are parties (not staff): their addresses are kept out of failure messages. */
  withholdAddresses?: boolean;
}

interface HeartbeatDetails {
  /** The message this attempt's relay accepted last. */
  docketAccepted?: SentRecord;
  /** For one message per recipient: every message accepted so far, by this attempt or earlier ones. */
  docketAcceptedAll?: SentRecord[];
}

export type AcceptedFrom = 'notice' | 'alert';

/** The result of a message the relay accepted, now or (`already-sent`) in an earlier attempt. */
export const resultOf = (record: SentRecord, status: NoticeStatus): NoticeResult => ({
  messageId: record.messageId,
  status,
  recipientRole: record.recipientRole,
  recipientIds: record.recipientIds,
  recipientCount: record.recipientIds.length,
  rejectedCount: record.rejectedCount,
  escalationCapped: record.escalationCapped ?? false,
  sentAt: record.sentAt,
  acceptedAt: record.acceptedAt,
});

const previousBeat = (): HeartbeatDetails | undefined =>
  (Context.current().info.heartbeatDetails ?? undefined) as HeartbeatDetails | undefined;

/** Records of a notice's messages accepted by earlier attempts, carried from heartbeat to heartbeat. */
export const acceptedEarlier = (): SentRecord[] => [...(previousBeat()?.docketAcceptedAll ?? [])];

export function createSendOnce(deps: { mailer: MailSender; ledger: SentLedger }) {
  const { mailer, ledger } = deps;

  // Two attempts of one notice can overlap in one process (a timed-out attempt still in its SMTP
  // session when Temporal starts the retry). The later one waits for the earlier to settle, then
  // re-checks the ledger, instead of opening a second SMTP session alongside it. The wait ends
  // early if Temporal cancels the waiting attempt, so a stuck attempt cannot hold up the retries.
  const inFlight = new Map<string, Promise<unknown>>();
  const exclusive = async <T>(messageId: string, send: () => Promise<T>): Promise<T> => {
    for (let running = inFlight.get(messageId); running; running = inFlight.get(messageId)) {
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      await Promise.race([settled, Context.current().cancelled]);
    }
    const promise = send().finally(() => inFlight.delete(messageId));
    inFlight.set(messageId, promise);
    return promise;
  };

  /** The record of an earlier accepted attempt, if there is one. */
  const previouslyAccepted = async (messageId: string): Promise<SentRecord | undefined> => {
    const beat = previousBeat();
    if (beat?.docketAccepted?.messageId === messageId) return beat.docketAccepted;
    const listed = beat?.docketAcceptedAll?.find((record) => record.messageId === messageId);
    if (listed) return listed;
    try {
      return await ledger.find(messageId);
    } catch (err) {
      // Without the ledger we cannot tell a first attempt from a retry after a 250: wait and retry.
      throw ApplicationFailure.create({
        type: NoticeErrorType.SENT_LEDGER_UNAVAILABLE,
        message: `sent-message ledger unavailable: ${(err as Error).message}`,
        nonRetryable: false,
      });
    }
  };

  /** `previouslyAccepted`, saying so in the log when it finds a record. */
  const acceptedBefore = async (
    messageId: string,
    log: Logger,
    what: AcceptedFrom,
  ): Promise<SentRecord | undefined> => {
    const earlier = await previouslyAccepted(messageId);
    if (earlier) {
      log.info(
        { attempt: Context.current().info.attempt },
        `${what} already accepted by the mail relay; not sending again`,
      );
    }
    return earlier;
  };

  /** The relay refused or failed: log it and say whether a retry may help (the ApplicationFailure). */
  const refusal = (err: unknown, out: Outgoing, log: Logger): unknown => {
    const activity = Context.current();
    // Cancelled by Temporal (workflow cancellation, or the attempt timed out): report the
    // cancellation itself, not an SMTP failure, so Temporal records what really happened.
    if (activity.cancellationSignal.aborted) return activity.cancellationSignal.reason ?? err;
    const failure = smtpFailure(err, out.messageId, out.noticeKey, out.withholdAddresses);
    const c = classifySmtpError(err);
    log.warn(
      {
        errorType: failure.type,
        code: c.code,
        responseCode: c.responseCode,
        attempt: activity.info.attempt,
        ...sendFailureLogFields(err, activity.info, !failure.nonRetryable),
      },
      failure.nonRetryable ? 'notice refused permanently by the mail relay' : 'notice deferred; will retry',
    );
    return failure;
  };

  /**
   * One SMTP transaction, then the ledger and the heartbeat. `carried`: the other messages of the
   * same notice accepted so far, which the heartbeat carries on so a retry skips them too.
   */
  const deliver = async (
    out: Outgoing,
    log: Logger,
    carried: readonly SentRecord[] = [],
  ): Promise<SentRecord> => {
    const activity = Context.current();
    let info: SentMessageInfo;
    try {
      info = await mailer.sendMail({ ...out.mail, signal: activity.cancellationSignal });
    } catch (err) {
      throw refusal(err, out, log);
    }
    const rejectedCount = Array.isArray(info.rejected) ? info.rejected.length : 0;
    const record: SentRecord = {
      messageId: out.messageId,
      workflowId: out.workflowId,
      noticeKey: out.noticeKey,
      kind: out.kind,
      recipientRole: out.recipientRole,
      recipientIds: out.recipientIds,
      rejectedCount,
      escalationCapped: out.escalationCapped,
      sentAt: out.sentAt.toISOString(),
      acceptedAt: new Date().toISOString(),
    };
    try {
      await ledger.record(record);
    } catch (err) {
      // The mail is out; failing now would make Temporal retry and send it again. Completing the
      // activity records the send in workflow history, which is the ledger that matters most.
      log.error({ err: (err as Error).message }, 'notice sent but the sent-message ledger write failed');
    }
    // Also checkpoint on the Temporal server: a retry on another host (which has no access to this
    // host's ledger file) reads it from `heartbeatDetails`.
    activity.heartbeat({
      docketAccepted: record,
      ...(carried.length > 0 ? { docketAcceptedAll: [...carried, record] } : {}),
    } satisfies HeartbeatDetails);
    if (rejectedCount > 0) {
      log.warn(
        { rejectedCount, recipientCount: out.recipientIds.length },
        'mail relay refused some recipients',
      );
    }
    log.info(
      { recipientCount: out.recipientIds.length, rejectedCount, attempt: activity.info.attempt },
      'notice accepted by the mail relay',
    );
    return record;
  };

  return {
    acceptedBefore,
    deliver,

    /**
     * The message `messageId` (a whole notice or alert): `already-sent` when an earlier attempt's was
     * accepted, else `send` builds and delivers it, one attempt at a time in this process.
     */
    async once(
      messageId: string,
      log: Logger,
      what: AcceptedFrom,
      send: () => Promise<NoticeResult>,
    ): Promise<NoticeResult> {
      // Checked before waiting on an overlapping attempt (it may be stuck after its 250), and again after.
      const before = await acceptedBefore(messageId, log, what);
      if (before) return resultOf(before, 'already-sent');
      return exclusive(messageId, async () => {
        const after = await acceptedBefore(messageId, log, what);
        return after ? resultOf(after, 'already-sent') : send();
      });
    },
  };
}

export type SendOnce = ReturnType<typeof createSendOnce>;
