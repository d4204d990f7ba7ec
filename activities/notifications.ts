// Notice activities: the only code in Docket that sends mail. One activity per side effect:
// `sendNotice` mails a directory role about a case, `alertAdministrators` mails the administrators'
// fallback address about a notice that could not be delivered.
//
// Guarantees, and where they stop:
// - Recipients are resolved from the directory at send time, never stored in the workflow. The one
//   exception is a `party-notice` with `recipients`: people who are not staff (Title IX parties),
//   whose contact details the workflow holds in its (encrypted) state and passes per notice.
// - Each message's Message-ID (and its Date header, MIME boundaries and .ics DTSTAMP) derive from
//   the workflow ID and the notice key only, so every attempt of one notice builds the same bytes.
// - Breach and escalation alerts, when acknowledgement links are configured, go as one message per
//   recipient: each carries a link signed for that recipient alone (activities/ack-link.ts), so each
//   has its own Message-ID (the notice's plus the recipient's staff ID), its own ledger record and
//   heartbeat entry. A retry after a partial send re-sends only the messages not yet accepted.
// - Before opening an SMTP session the activity asks: has the relay already accepted this
//   Message-ID? It looks in the heartbeat details of the previous attempt (recorded on the Temporal
//   server, so they reach a retry on any host) and in the sent ledger (a local file, fsynced right
//   after the relay's 250). If either says yes it returns `already-sent` and sends nothing. So a
//   worker that crashes, is timed out or throws after the 250 does not cause a second message;
//   overlapping attempts in one process are serialised as well (send-once.ts).
// - Remaining window (at-least-once, not exactly-once). The retry sends the message again when:
//   (a) the relay took the whole message but the 250 never reached us (connection cut, relay or
//   network stall until the socket timeout): the sender cannot tell this from a lost message; or
//   (b) the process dies between reading the 250 and the ledger fsync (milliseconds), or the host
//   is lost with its ledger file before the heartbeat reached the server (heartbeat details on
//   failure need a server that advertises activity_failure_include_heartbeat; the Java test server
//   does not, but still delivered them in our tests). The duplicate has the same Message-ID and
//   byte-identical content, so relays and mail clients that de-duplicate by Message-ID collapse
//   it; a plain mailbox shows it twice. We accept that rather than skip on doubt, because a lost
//   notice is a breach of duty and a duplicate is a nuisance. SMTP cannot close (a) (RFC 1047).
// - SMTP 4xx and connection errors are retryable; 5xx (except 503) and authentication errors are
//   non-retryable SMTP_PERMANENT failures, which the workflow answers with `alertAdministrators`
//   (smtp-errors.ts).
//
// Privacy: logs carry opaque fields only (workflow ID, notice key, kind, facility, role,
// Message-ID, counts). Recipient addresses appear at debug level only; names and the workflow's
// free context never appear in logs.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { SendMailOptions } from 'nodemailer';
import type { Logger } from 'pino';
import { staffIdSchema } from '../domain/cases/common';
import { signAckLink } from './ack-link';
import { buildDeadlineEvent } from './deadline-calendar';
import { UnknownRecipientError, type Directory, type DirectorySource, type Recipient } from './directory';
import {
  adminAlertMessageId,
  deadlineEventUid,
  deadlineThreadId,
  mimeBoundary,
  noticeMessageId,
  recipientMessageId,
} from './message-ids';
import { NoticeErrorType, type TemplateKind } from './notice-codes';
import {
  parseAdminAlertRequest,
  parseNoticeRequest,
  type AdminAlertRequest,
  type NoticeRequest,
  type NoticeResult,
  type RecipientMessage,
} from './notice-requests';
import {
  contextView,
  deadlineView,
  DEFAULT_TEMPLATES_DIR,
  loadNoticeTemplates,
  NoticeTemplateError,
  type NoticeView,
} from './notice-templates';
import { acceptedEarlier, createSendOnce, resultOf, type MailSender, type Outgoing } from './send-once';
import type { SentLedger, SentRecord } from './sent-ledger';

// Re-exported so callers have one module for the whole notice contract.
export * from './notice-codes';
export * from './notice-requests';
export { adminAlertMessageId, deadlineEventUid, noticeMessageId, recipientMessageId } from './message-ids';
export type { MailSender } from './send-once';
export { classifySmtpError, type SmtpErrorClassification } from './smtp-errors';

export interface NotificationConfig {
  /** From: header, e.g. `"Docket" <docket@agency.example.org>`. */
  from: string;
  /** Where administrators' alerts go. */
  adminFallback: string;
  /**
   * Base URL of the acknowledgement endpoint (the API's `/ack`). When set, breach and escalation
   * alerts go one message per recipient, each with a link signed for that recipient; needs `ackLinkKey`.
   */
  ackBaseUrl?: string;
  /** Signs acknowledgement links (DOCKET_ACK_LINK_KEY; the API verifies with the same key). */
  ackLinkKey?: Buffer;
  /** How long a link works after the alert's Date; 7 days by default. */
  ackLinkTtlDays?: number;
  /** Right-hand side of generated Message-IDs and calendar UIDs, e.g. `docket.agency.example.org`. */
  messageIdDomain: string;
  /** Directory of templates; the shipped `activities/templates` by default. */
  templatesDir?: string;
}

export interface NotificationDeps {
  mailer: MailSender;
  /** A `Directory`, or a source that reloads it (see `watchDirectoryFile`): consulted on every send. */
  directory: DirectorySource;
  logger: Logger;
  /** Accepted Message-IDs; `openFileSentLedger` in production. */
  ledger: SentLedger;
  config: NotificationConfig;
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

const DAY_MS = 86_400_000;

/** Who a notice goes to, resolved from the directory at send time (or given by a party notice). */
interface Addressees {
  /** The role the message goes to, after escalation. */
  recipientRole: string;
  capped: boolean;
  recipients: readonly Recipient[];
  facilityName: string;
}

/** Deterministic Date header: the workflow's time if given, else the first attempt's schedule time. */
function noticeDate(sentAt: string | undefined): Date {
  return new Date(sentAt ?? Context.current().info.scheduledTimestampMs);
}

function addressOf(r: Recipient): string | { name: string; address: string } {
  return r.name !== undefined ? { name: r.name, address: r.email } : r.email;
}

/** Which role receives the notice, after walking `escalationLevel` steps up the chain. */
function targetRole(dir: Directory, r: NoticeRequest): { role: string; capped: boolean } {
  const level = r.escalationLevel ?? (r.kind === 'breach' ? 0 : undefined);
  if (level === undefined) return { role: r.role, capped: false };
  const chain = dir.escalationChain(r.facility, r.role);
  if (chain.length === 0) return { role: r.role, capped: true }; // the role is the top: it gets its own alert
  const capped = level >= chain.length;
  return { role: chain[Math.min(level, chain.length - 1)] ?? r.role, capped };
}

function unknownRecipient(err: UnknownRecipientError, noticeKey: string, log: Logger): ApplicationFailure {
  log.error(
    { errorType: NoticeErrorType.DIRECTORY_UNKNOWN_RECIPIENT },
    'no recipient in the staff directory',
  );
  return ApplicationFailure.create({
    type: NoticeErrorType.DIRECTORY_UNKNOWN_RECIPIENT,
    message: `notice ${noticeKey} has no recipient: ${err.message}`,
    nonRetryable: true,
    details: [{ facility: err.facility, role: err.role }],
  });
}

/** Resolved now, not when the workflow scheduled the notice: staffing changes apply. */
async function addresseesOf(
  directory: DirectorySource,
  request: NoticeRequest,
  log: Logger,
): Promise<Addressees> {
  let to: Addressees;
  try {
    const dir = await directory.current();
    const facilityName = (): string => dir.facilityName(request.facility);
    if (request.recipients !== undefined) {
      // A party notice addressed by the workflow: the case role it goes to (never a name).
      const recipientRole = request.delivery?.to ?? request.role;
      to = { recipientRole, capped: false, recipients: request.recipients, facilityName: facilityName() };
    } else {
      const { role: recipientRole, capped } = targetRole(dir, request);
      const recipients = dir.resolve(request.facility, recipientRole);
      to = { recipientRole, capped, recipients, facilityName: facilityName() };
    }
  } catch (err) {
    if (err instanceof UnknownRecipientError) throw unknownRecipient(err, request.noticeKey, log);
    throw err;
  }
  if (to.capped) {
    log.warn(
      { recipientRole: to.recipientRole },
      'escalation level above the top of the chain; alerting the top role',
    );
  }
  return to;
}

/** What every message of a notice shows; each linked alert's copy adds its own `ackUrl`. */
function noticeView(request: NoticeRequest, to: Addressees): NoticeView {
  return {
    kind: request.kind,
    workflowId: request.workflowId,
    noticeKey: request.noticeKey,
    caseNumber: request.caseNumber,
    caseType: request.caseType,
    facility: { code: request.facility, name: to.facilityName },
    role: request.role,
    recipientRole: to.recipientRole,
    escalationLevel: request.escalationLevel ?? (request.kind === 'breach' ? 0 : null),
    escalationCapped: to.capped,
    deadline: request.entry ? deadlineView(request.entry) : null,
    ackUrl: null,
    delivery: request.delivery ?? null,
    ...contextView(request.context),
    failure: null,
  };
}

/** The administrators' alert about a failed notice, as its template shows it. */
function alertView(request: AdminAlertRequest, facilityName: string): NoticeView {
  return {
    kind: 'admin-alert',
    workflowId: request.workflowId,
    noticeKey: request.noticeKey,
    caseNumber: request.caseNumber ?? '',
    caseType: request.caseType ?? '',
    facility: { code: request.facility ?? '', name: facilityName },
    role: request.role ?? '',
    recipientRole: 'administrators',
    escalationLevel: null,
    escalationCapped: false,
    deadline: request.entry ? { ...deadlineView(request.entry), hasCalendarFile: false } : null,
    ackUrl: null,
    delivery: null,
    context: {},
    details: [],
    failure: {
      noticeKey: request.noticeKey,
      kind: request.kind ?? null,
      facility: request.facility ?? null,
      role: request.role ?? null,
      errorType: request.errorCode,
      errorMessage: request.errorMessage,
    },
  };
}

/** The alert's facility name; its code when the directory lacks it (the failure may be just that). */
async function alertFacilityName(directory: DirectorySource, facility: string): Promise<string> {
  try {
    const dir = await directory.current();
    if (dir.facilityCodes().includes(facility)) return dir.facilityName(facility);
  } catch {
    // An unreadable directory must not stop the alert about it.
  }
  return facility;
}

export function createNotificationActivities(deps: NotificationDeps) {
  const { mailer, directory, ledger, config } = deps;
  const logger = deps.logger.child({ component: 'notifications' });
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(config.messageIdDomain)) {
    throw new Error(`messageIdDomain must be a host name, got ${JSON.stringify(config.messageIdDomain)}`);
  }
  if (config.ackBaseUrl !== undefined && config.ackLinkKey === undefined) {
    throw new Error(
      'mail.ackBaseUrl is set, so alerts carry signed acknowledgement links, but there is no key: set DOCKET_ACK_LINK_KEY',
    );
  }
  const ackLinkTtlMs = (config.ackLinkTtlDays ?? 7) * DAY_MS;
  const domain = config.messageIdDomain;
  // Loaded and test-rendered once per factory: a broken template stops the worker at start-up.
  const templates = loadNoticeTemplates(config.templatesDir ?? DEFAULT_TEMPLATES_DIR);
  const sender = createSendOnce({ mailer, ledger });

  const render = (kind: TemplateKind, view: NoticeView, log: Logger) => {
    try {
      return templates.render(kind, view);
    } catch (err) {
      const message = err instanceof NoticeTemplateError ? err.message : String(err);
      log.error({ templatesDir: templates.dir }, 'notice template failed to render');
      throw ApplicationFailure.create({
        type: NoticeErrorType.NOTICE_TEMPLATE_ERROR,
        message: `notice template failed: ${message}`,
        nonRetryable: true,
      });
    }
  };

  /** Headers and MIME layout shared by every notice; all deterministic per Message-ID. */
  const baseMail = (
    messageId: string,
    date: Date,
    kind: TemplateKind,
    noticeKey: string,
  ): SendMailOptions => ({
    from: config.from,
    messageId,
    date,
    // Fixed boundaries (nodemailer picks random ones) keep a retried message byte-identical.
    baseBoundary: mimeBoundary(messageId),
    headers: {
      // RFC 3834: an automatic notice; out-of-office replies should not answer it.
      'Auto-Submitted': 'auto-generated',
      'X-Docket-Notice-Kind': kind,
      'X-Docket-Notice-Key': noticeKey,
    },
  });

  /** Whether a notice goes one message per recipient, each with its own acknowledgement link. */
  const carriesAckLinks = (request: NoticeRequest): boolean =>
    config.ackBaseUrl !== undefined &&
    (request.kind === 'breach' || request.kind === 'escalation') &&
    request.recipients === undefined &&
    request.entry !== undefined;

  /** One recipient's signed link; expires `ackLinkTtlDays` after the alert's (deterministic) Date. */
  const ackUrlFor = (request: NoticeRequest, recipientId: string, date: Date, log: Logger): string | null => {
    const { ackBaseUrl, ackLinkKey } = config;
    if (ackBaseUrl === undefined || ackLinkKey === undefined || request.entry === undefined) return null;
    // The acknowledgement is recorded under this ID, which must be an opaque staff ID to be accepted.
    if (!staffIdSchema.safeParse(recipientId).success) {
      log.warn(
        'a recipient ID in the directory is not an opaque staff ID; its message has no acknowledgement link',
      );
      return null;
    }
    let token: string;
    try {
      token = signAckLink(
        {
          workflowId: request.workflowId,
          deadline: request.entry.key,
          recipientId,
          noticeKey: request.noticeKey,
          expiresAt: new Date(date.getTime() + ackLinkTtlMs),
        },
        ackLinkKey,
      );
    } catch {
      // A field over the link's limits (keys are short codes in every shipped policy): the alert still goes.
      log.warn('the alert cannot carry an acknowledgement link (a key is too long)');
      return null;
    }
    const url = new URL(ackBaseUrl);
    url.searchParams.set('t', token);
    return url.toString();
  };

  /** A notice's messages, rendered and assembled per message: each linked alert's copy has its own link. */
  const noticeMessages = (request: NoticeRequest, to: Addressees, date: Date, log: Logger) => {
    const { workflowId, noticeKey, kind, entry } = request;
    const view = noticeView(request, to);
    return (id: string, recipients: readonly Recipient[], ackUrl: string | null): Outgoing => {
      const rendered = render(kind, { ...view, ackUrl }, log);
      const mail: SendMailOptions = {
        ...baseMail(id, date, kind, noticeKey),
        to: recipients.map(addressOf),
        subject: rendered.subject,
        text: rendered.text,
        html: rendered.html,
      };
      // Every notice about one deadline is threaded under the same (virtual) root message.
      if (entry) mail.references = deadlineThreadId(workflowId, entry.key, domain);
      if (entry?.kind === 'deadline' && entry.dueAt !== undefined && view.deadline) {
        mail.icalEvent = {
          method: 'PUBLISH',
          filename: `${entry.key}.ics`,
          content: buildDeadlineEvent({
            uid: deadlineEventUid(workflowId, entry.key, domain),
            entry,
            dueAt: new Date(entry.dueAt),
            caseNumber: request.caseNumber,
            facilityName: to.facilityName,
            localText: view.deadline.local,
            stamp: date,
          }),
        };
      }
      return {
        messageId: id,
        workflowId,
        noticeKey,
        kind,
        recipientRole: to.recipientRole,
        recipientIds: recipients.map((r) => r.id),
        escalationCapped: to.capped,
        sentAt: date,
        mail,
        withholdAddresses: request.recipients !== undefined,
      };
    };
  };

  /**
   * One message per recipient, each with its own link. Records accepted by earlier attempts are
   * carried in every heartbeat, so a third attempt on another host still knows what the first one sent.
   */
  const sendPerRecipient = async (
    request: NoticeRequest,
    messageId: string,
    to: Addressees,
    date: Date,
    log: Logger,
  ): Promise<NoticeResult> => {
    const outgoing = noticeMessages(request, to, date, log);
    const accepted = acceptedEarlier();
    const messages: RecipientMessage[] = [];
    const delivered: SentRecord[] = [];
    let retryable: ApplicationFailure | undefined;
    let refused: ApplicationFailure | undefined;
    for (const recipient of to.recipients) {
      const id = recipientMessageId(messageId, recipient.id, domain);
      const recipientLog = log.child({ recipientId: recipient.id, messageId: id });
      const earlier = await sender.acceptedBefore(id, recipientLog, 'notice');
      if (earlier) {
        if (!accepted.some((r) => r.messageId === id)) accepted.push(earlier);
        delivered.push(earlier);
        messages.push({ recipientId: recipient.id, messageId: id, status: 'already-sent' });
        continue;
      }
      const out = outgoing(id, [recipient], ackUrlFor(request, recipient.id, date, recipientLog));
      try {
        const record = await sender.deliver(out, recipientLog, accepted);
        accepted.push(record);
        delivered.push(record);
        messages.push({ recipientId: recipient.id, messageId: id, status: 'sent' });
      } catch (err) {
        // A cancellation, or anything but the relay's answer (a crash), ends the attempt at once.
        if (Context.current().cancellationSignal.aborted || !(err instanceof ApplicationFailure)) throw err;
        // The others still get theirs: one refused or deferred recipient must not silence the rest.
        if (err.nonRetryable) {
          refused ??= err;
          messages.push({ recipientId: recipient.id, messageId: id, status: 'refused' });
        } else {
          retryable ??= err;
        }
      }
    }
    // Temporal retries; the retry skips every message accepted so far.
    if (retryable) throw retryable;
    if (delivered.length === 0 && refused) throw refused;
    const refusedCount = messages.filter((m) => m.status === 'refused').length;
    return {
      messageId,
      status: messages.some((m) => m.status === 'sent') ? 'sent' : 'already-sent',
      recipientRole: to.recipientRole,
      recipientIds: to.recipients.map((r) => r.id),
      recipientCount: to.recipients.length,
      rejectedCount: delivered.reduce((sum, r) => sum + r.rejectedCount, refusedCount),
      escalationCapped: to.capped,
      sentAt: date.toISOString(),
      acceptedAt:
        delivered
          .map((r) => r.acceptedAt)
          .sort()
          .at(-1) ?? date.toISOString(),
      messages,
    };
  };

  async function sendNotice(input: NoticeRequest): Promise<NoticeResult> {
    const request = parseNoticeRequest(input);
    const { workflowId, noticeKey, kind, facility, role } = request;
    const messageId = noticeMessageId(workflowId, noticeKey, domain);
    const log = logger.child({ workflowId, noticeKey, kind, facility, role, messageId });
    return sender.once(messageId, log, 'notice', async () => {
      const to = await addresseesOf(directory, request, log);
      const date = noticeDate(request.sentAt);
      // Staff addresses may appear at debug level; a party's address never does (3.26 Confidentiality).
      if (request.recipients === undefined)
        log.debug({ to: to.recipients.map((r) => r.email) }, 'sending notice');
      if (carriesAckLinks(request)) return sendPerRecipient(request, messageId, to, date, log);
      const out = noticeMessages(request, to, date, log)(messageId, to.recipients, null);
      return resultOf(await sender.deliver(out, log), 'sent');
    });
  }

  async function alertAdministrators(input: AdminAlertRequest): Promise<NoticeResult> {
    const request = parseAdminAlertRequest(input);
    const { workflowId, noticeKey } = request;
    const messageId = adminAlertMessageId(workflowId, noticeKey, domain);
    const log = logger.child({
      workflowId,
      noticeKey,
      kind: 'admin-alert',
      failedKind: request.kind,
      facility: request.facility,
      role: request.role,
      errorType: request.errorCode,
      messageId,
    });
    return sender.once(messageId, log, 'alert', async () => {
      const facilityName = await alertFacilityName(directory, request.facility ?? '');
      const date = noticeDate(request.sentAt);
      const rendered = render('admin-alert', alertView(request, facilityName), log);
      const out: Outgoing = {
        messageId,
        workflowId,
        noticeKey,
        kind: 'admin-alert',
        recipientRole: 'administrators',
        recipientIds: ['admin-fallback'],
        escalationCapped: false,
        sentAt: date,
        mail: {
          ...baseMail(messageId, date, 'admin-alert', noticeKey),
          to: config.adminFallback,
          // Administrators reach the failed notice's thread from here.
          references: noticeMessageId(workflowId, noticeKey, domain),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
        },
      };
      return resultOf(await sender.deliver(out, log), 'sent');
    });
  }

  return { sendNotice, alertAdministrators };
}
