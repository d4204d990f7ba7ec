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
//   overlapping attempts in one process are serialised as well.
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
//   non-retryable SMTP_PERMANENT failures, which the workflow answers with `alertAdministrators`.
//
// Privacy: logs carry opaque fields only (workflow ID, notice key, kind, facility, role,
// Message-ID, counts). Recipient addresses appear at debug level only; names and the workflow's
// free context never appear in logs.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type { SendMailOptions, SentMessageInfo } from 'nodemailer';
import type { Logger } from 'pino';
import { z } from 'zod';
import { staffIdSchema } from '../domain/cases/common';
import { formatLocalText, isKnownZone, localWeekdayName } from '../domain/time';
import type { IsoInstant, ScheduleEntry } from '../domain/types';
import { signAckLink } from './ack-link';
import { buildDeadlineEvent } from './deadline-calendar';
import { sendFailureLogFields } from './failure-cause';
import { UnknownRecipientError, type Directory, type DirectorySource, type Recipient } from './directory';
import { NOTICE_KINDS, NoticeErrorType, type NoticeKind, type TemplateKind } from './notice-codes';
import {
  DEFAULT_TEMPLATES_DIR,
  loadNoticeTemplates,
  NoticeTemplateError,
  type DeadlineView,
  type NoticeView,
} from './notice-templates';
import type { SentLedger, SentRecord } from './sent-ledger';

// Re-exported so callers have one module for the whole notice contract.
export * from './notice-codes';

// ---------------------------------------------------------------------------------------------
// Contract

/** A plain-data value the workflow may hand to templates. */
export type ContextValue = string | number | boolean;

export interface NoticeRequest {
  /** The case's workflow ID (opaque). */
  workflowId: string;
  /**
   * Unique per case + notice + attempt of the process step, e.g. `rts.response/reminder/half-time/1`.
   * It decides the Message-ID: the same key is the same message, so never reuse a key for a different notice.
   */
  noticeKey: string;
  kind: NoticeKind;
  /** Facility code in the directory, e.g. LARC. */
  facility: string;
  /** The directory role the notice is about: the role responsible for the step (`entry.responsibleRole` as a rule). */
  role: string;
  /**
   * Walks the directory's escalation chain from `role`: 0 = the role's supervisor (its `escalatesTo`),
   * 1 = the supervisor's supervisor, and so on. Absent: the notice goes to `role` itself; a breach
   * defaults to 0 and an escalation requires it. A level above the top of the chain goes to the top
   * and the result says `escalationCapped`.
   */
  escalationLevel?: number;
  /** Opaque case number from the case system. */
  caseNumber: string;
  caseType: string;
  /** The deadline the notice is about (required for reminder, breach, escalation, service-task, extension). */
  entry?: ScheduleEntry;
  /** For service-task and party-notice: what to deliver, and to whom (a role in the case such as "inmate", never a name). */
  delivery?: { document: string; to: string };
  /**
   * The notice's Date header: pass the workflow's current time (`new Date().toISOString()` inside the
   * workflow is deterministic). Absent: the instant Temporal first scheduled this activity, which is
   * also the same on every retry.
   */
  sentAt?: IsoInstant;
  /** Extra fields for the templates (`{{lookup context "x"}}`). Rendered into the mail, never logged. */
  context?: Record<string, ContextValue>;
  /**
   * `party-notice` only: the people the notice is addressed to when they are not staff (the parties
   * to a Title IX complaint and their advisors), in place of the directory. Send one request per
   * party, with the party's opaque ID in `noticeKey`, so each party gets its own message and
   * Message-ID. `id` is opaque and is what results, the ledger and logs record; `email` and `name`
   * go into the To: header and nowhere else (never logged, never returned).
   */
  recipients?: NoticeRecipient[];
}

/** A recipient given by the workflow rather than the directory (see `NoticeRequest.recipients`). */
export interface NoticeRecipient {
  /** Opaque ID, e.g. the party ID `P-0001` or `P-0001-ADVISOR`. */
  id: string;
  email: string;
  /** Display name for the To: header only. */
  name?: string;
}

export type NoticeStatus = 'sent' | 'already-sent';

/** One recipient's own message, for an alert sent one message per recipient. */
export interface RecipientMessage {
  recipientId: string;
  messageId: string;
  /** `refused`: the relay refused this recipient permanently while others received theirs. */
  status: NoticeStatus | 'refused';
}

export interface NoticeResult {
  /** The notice's Message-ID; for an alert sent one message per recipient, the one `messages` derive from. */
  messageId: string;
  /**
   * `already-sent`: an earlier attempt's message was accepted by the relay, nothing was sent this time
   * (for one message per recipient: every recipient's message was accepted earlier).
   */
  status: NoticeStatus;
  /** The role the message went to, after escalation. */
  recipientRole: string;
  /** Opaque staff IDs of the recipients (for the case record: who was told). */
  recipientIds: string[];
  recipientCount: number;
  /** Recipients the relay refused while accepting the others; non-zero deserves an administrators' alert. */
  rejectedCount: number;
  escalationCapped: boolean;
  /** The message's Date header (deterministic: `sentAt` of the request, or the activity's first schedule time). */
  sentAt: IsoInstant;
  /** When the relay accepted the message (worker clock); the last acceptance for one message per recipient. */
  acceptedAt: IsoInstant;
  /** Present when the notice went as one message per recipient (alerts with acknowledgement links). */
  messages?: RecipientMessage[];
}

export interface AdminAlertRequest {
  workflowId: string;
  /** The key of the notice that failed. The alert's own Message-ID derives from it. */
  noticeKey: string;
  /** The failure the workflow caught: the ApplicationFailure type (e.g. SMTP_PERMANENT) and its message. */
  errorCode: string;
  errorMessage: string;
  caseNumber?: string;
  caseType?: string;
  /** The failed notice's kind, facility and role: pass them, the administrators need them to act. */
  kind?: NoticeKind;
  facility?: string;
  role?: string;
  /** The deadline the failed notice was about. */
  entry?: ScheduleEntry;
  /** Date header; see NoticeRequest.sentAt. */
  sentAt?: IsoInstant;
}

/** The part of a nodemailer Transporter the activities use. */
export interface MailSender {
  sendMail(options: SendMailOptions): Promise<SentMessageInfo>;
}

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
  /**
   * Fault injection for tests only: runs after the relay accepted a message and the ledger recorded
   * it, before the activity completes. A throw here stands in for a worker dying at that moment.
   */
  testHooks?: {
    afterAccepted?(event: { messageId: string; noticeKey: string; attempt: number }): void | Promise<void>;
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

// ---------------------------------------------------------------------------------------------
// Deterministic identities

function digest(parts: readonly string[]): string {
  // JSON of the parts, not concatenation: ("a/b", "c") and ("a", "b/c") must not collide.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** `<docket.<40 hex>@domain>`: derived from the workflow ID and notice key only, so every retry gets the same one. */
export function noticeMessageId(workflowId: string, noticeKey: string, domain: string): string {
  return `<docket.${digest(['notice', workflowId, noticeKey]).slice(0, 40)}@${domain}>`;
}

/** Message-ID of one recipient's own message of a notice sent one message per recipient. */
export function recipientMessageId(noticeMessageId: string, recipientId: string, domain: string): string {
  return `<docket.${digest(['recipient', noticeMessageId, recipientId]).slice(0, 40)}@${domain}>`;
}

/** Message-ID of the administrators' alert about the failed notice `noticeKey`. */
export function adminAlertMessageId(workflowId: string, noticeKey: string, domain: string): string {
  return `<docket.${digest(['admin-alert', workflowId, noticeKey]).slice(0, 40)}@${domain}>`;
}

/** Calendar UID of a deadline: one event per case and deadline key, updated by later notices. */
export function deadlineEventUid(workflowId: string, entryKey: string, domain: string): string {
  return `${digest(['deadline', workflowId, entryKey]).slice(0, 40)}@${domain}`;
}

// ---------------------------------------------------------------------------------------------
// SMTP failure classification

const PERMANENT_CODES = new Set([
  'EAUTH', // the relay refused our credentials: retrying will not change them
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'EENVELOPE', // without a reply code: no usable recipient address at all
  'EMAXRECIPIENTS',
  'EREQUIRETLS',
  'EFILEACCESS',
  'EURLACCESS',
]);

export interface SmtpErrorClassification {
  retryable: boolean;
  code: string | undefined;
  responseCode: number | undefined;
  command: string | undefined;
}

/**
 * Whether sending the same message again may succeed. A reply code decides when there is one
 * (4xx transient, 5xx permanent except 503, which is a session-state error that a new connection
 * clears, as RFC 5321 and nodemailer treat it); authentication and configuration errors are
 * permanent; connection, socket, DNS, TLS and timeout errors and anything unknown are transient
 * (the workflow's retry policy bounds them, so doubt costs time, not a lost notice).
 */
export function classifySmtpError(err: unknown): SmtpErrorClassification {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    responseCode?: unknown;
    command?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;
  let retryable: boolean;
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') retryable = false;
  else if (responseCode !== undefined && responseCode >= 400)
    retryable = responseCode < 500 || responseCode === 503;
  else if (code !== undefined && PERMANENT_CODES.has(code)) retryable = false;
  else retryable = true;
  return { retryable, code, responseCode, command };
}

function smtpFailure(
  err: unknown,
  messageId: string,
  noticeKey: string,
  withholdAddresses = false,
): ApplicationFailure {
  const c = classifySmtpError(err);
  let reason = err instanceof Error ? err.message : String(err);
  // Relays quote the refused address ("550 <x@y>: no such user"); a party's address must not reach a
  // failure message, which is logged by the worker and mailed to the administrators.
  if (withholdAddresses) reason = reason.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address withheld]');
  const details = {
    messageId,
    noticeKey,
    code: c.code ?? null,
    responseCode: c.responseCode ?? null,
    command: c.command ?? null,
  };
  return ApplicationFailure.create({
    type: c.retryable ? NoticeErrorType.SMTP_TRANSIENT : NoticeErrorType.SMTP_PERMANENT,
    message: `${c.retryable ? 'mail relay unavailable or deferred' : 'mail relay refused'} notice ${noticeKey}: ${reason}`,
    nonRetryable: !c.retryable,
    details: [details],
    // The activity logs each transient failure itself, with its cause and next retry; BENIGN keeps the
    // SDK from logging the same attempt again at warn level.
    ...(c.retryable ? { category: ApplicationFailureCategory.BENIGN } : {}),
  });
}

// ---------------------------------------------------------------------------------------------
// Input validation (payloads arrive as JSON; the TS types are not a runtime guarantee)

const isoInstant = z.iso.datetime({ offset: true });
const opaque = z.string().min(1).max(200);

const entrySchema = z
  .looseObject({
    key: z.string().min(1),
    kind: z.enum(['deadline', 'lowerBound']),
    rule: z.string().min(1),
    sourceText: z.string().min(1),
    responsibleRole: z.string().min(1),
    action: z.string().min(1),
    anchorEvent: z.string().min(1),
    anchorAt: isoInstant,
    calendar: z.string().min(1),
    zone: z.string().refine(isKnownZone, 'not an IANA time zone'),
    dueAt: isoInstant.optional(),
    earliest: isoInstant.optional(),
    localText: z.string(),
    explanation: z.looseObject({ summary: z.string() }),
    extensions: z.array(
      z.looseObject({
        dueAt: isoInstant,
        reason: z.string().min(1),
        approverRole: z.string().min(1),
        overrideAuthority: z.string().optional(),
        grantedAt: isoInstant,
      }),
    ),
  })
  .refine((e) => (e.kind === 'deadline' ? e.dueAt !== undefined : e.earliest !== undefined), {
    message: 'a deadline entry needs dueAt, a lower bound needs earliest',
  });

/** People Docket never emails, whatever a workflow asks: notices owed to them are service tasks for staff. */
const NEVER_EMAILED = new Set(['inmate', 'offender', 'prisoner']);

const contextSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

const noticeRequestSchema = z
  .object({
    workflowId: opaque,
    noticeKey: opaque,
    kind: z.enum(NOTICE_KINDS),
    facility: z.string().min(1),
    role: z.string().min(1),
    escalationLevel: z.int().min(0).max(50).optional(),
    caseNumber: opaque,
    caseType: z.string().min(1),
    entry: entrySchema.optional(),
    delivery: z.object({ document: z.string().min(1), to: z.string().min(1) }).optional(),
    sentAt: isoInstant.optional(),
    context: contextSchema.optional(),
    recipients: z
      .array(
        z.object({
          id: opaque,
          email: z.email('not a valid email address'),
          name: z.string().min(1).max(200).optional(),
        }),
      )
      .min(1)
      .max(10)
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.recipients !== undefined && r.kind !== 'party-notice') {
      ctx.addIssue({
        code: 'custom',
        path: ['recipients'],
        message: 'recipients outside the directory are only for party-notice; staff are reached by role',
      });
    }
    if (NEVER_EMAILED.has(r.role)) {
      ctx.addIssue({
        code: 'custom',
        path: ['role'],
        message: `${r.role}s do not receive email: send a service-task to the staff role that serves the notice`,
      });
    }
    const needsDeadline: NoticeKind[] = ['reminder', 'breach', 'escalation', 'service-task', 'extension'];
    if (needsDeadline.includes(r.kind) && r.entry?.kind !== 'deadline') {
      ctx.addIssue({ code: 'custom', path: ['entry'], message: `a ${r.kind} notice needs a deadline entry` });
    }
    if (r.kind === 'escalation' && r.escalationLevel === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['escalationLevel'],
        message: 'an escalation needs escalationLevel',
      });
    }
    if ((r.kind === 'service-task' || r.kind === 'party-notice') && r.delivery === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['delivery'],
        message: `a ${r.kind} needs delivery (what, to whom)`,
      });
    }
    if (r.kind === 'extension' && (r.entry?.extensions.length ?? 0) === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['entry', 'extensions'],
        message: 'an extension notice needs an extension',
      });
    }
  });

const adminAlertSchema = z.object({
  workflowId: opaque,
  noticeKey: opaque,
  errorCode: z.string().min(1),
  errorMessage: z.string(),
  caseNumber: opaque.optional(),
  caseType: z.string().min(1).optional(),
  kind: z.enum(NOTICE_KINDS).optional(),
  facility: z.string().min(1).optional(),
  role: z.string().min(1).optional(),
  entry: entrySchema.optional(),
  sentAt: isoInstant.optional(),
});

function validated<T>(schema: z.ZodType, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (parsed.success) return input as T;
  // Paths and messages only: never echo values, which may hold case context.
  const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
  throw ApplicationFailure.create({
    type: NoticeErrorType.NOTICE_INPUT_INVALID,
    message: `invalid ${what}: ${problems.join('; ')}`,
    nonRetryable: true,
    details: [{ problems }],
  });
}

// ---------------------------------------------------------------------------------------------
// Views

// The domain's formatting, whose zone names are cached: luxon's `toFormat` with a zone token builds an
// Intl.DateTimeFormat per call, which showed in the notice activity's profile (BENCHMARKS.md).
function formatLocal(iso: string, zone: string): { local: string; weekday: string } {
  const instant = Date.parse(iso); // validated by noticeRequestSchema as an ISO instant with an offset
  return { local: formatLocalText(instant, zone), weekday: localWeekdayName(instant, zone) };
}

function deadlineView(entry: ScheduleEntry): DeadlineView {
  const instant = entry.kind === 'deadline' ? entry.dueAt : entry.earliest;
  const when =
    instant !== undefined ? formatLocal(instant, entry.zone) : { local: entry.localText, weekday: '' };
  const last = entry.extensions.at(-1);
  const previous = entry.extensions.at(-2)?.dueAt;
  let extension: DeadlineView['extension'] = null;
  if (last) {
    // The limit before the last extension: the previous extension's, or the original one, which
    // the schedule no longer carries once extended; fall back to saying so rather than guessing.
    extension = {
      previousLocal: previous !== undefined ? formatLocal(previous, entry.zone).local : 'the original limit',
      reason: last.reason,
      approverRole: last.approverRole,
      overrideAuthority: last.overrideAuthority ?? null,
      grantedLocal: formatLocal(last.grantedAt, entry.zone).local,
    };
  }
  return {
    key: entry.key,
    isLowerBound: entry.kind === 'lowerBound',
    rule: entry.rule,
    source: entry.sourceText,
    action: entry.action,
    responsibleRole: entry.responsibleRole,
    local: when.local,
    weekday: when.weekday,
    zone: entry.zone,
    instant: instant ?? '',
    calendar: entry.calendar,
    anchorEvent: entry.anchorEvent,
    anchorLocal: formatLocal(entry.anchorAt, entry.zone).local,
    explanation: entry.explanation.summary,
    extension,
    hasCalendarFile: entry.kind === 'deadline' && entry.dueAt !== undefined,
  };
}

function contextView(
  context: Record<string, ContextValue> | undefined,
): Pick<NoticeView, 'context' | 'details'> {
  const entries = Object.entries(context ?? {}).map(([key, value]) => [key, String(value)] as const);
  return { context: Object.fromEntries(entries), details: entries.map(([key, value]) => ({ key, value })) };
}

function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined; // called directly (a unit test, a script): no heartbeats, no retries
  }
}

/** Deterministic Date header: the workflow's time if given, else the first attempt's schedule time. */
function noticeDate(sentAt: string | undefined, activity: Context | undefined): Date {
  if (sentAt !== undefined) return new Date(sentAt);
  if (activity) return new Date(activity.info.scheduledTimestampMs);
  return new Date();
}

function addressOf(r: Recipient): string | { name: string; address: string } {
  return r.name !== undefined ? { name: r.name, address: r.email } : r.email;
}

interface HeartbeatDetails {
  /** The message this attempt's relay accepted last. */
  docketAccepted?: SentRecord;
  /** For one message per recipient: every message accepted so far, by this attempt or earlier ones. */
  docketAcceptedAll?: SentRecord[];
}

const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// The factory

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
  // Loaded and test-rendered once per factory: a broken template stops the worker at start-up.
  const templates = loadNoticeTemplates(config.templatesDir ?? DEFAULT_TEMPLATES_DIR);

  // Two attempts of one notice can overlap in one process (a timed-out attempt still in its SMTP
  // session when Temporal starts the retry). The later one waits for the earlier to settle, then
  // re-checks the ledger, instead of opening a second SMTP session alongside it. The wait ends
  // early if Temporal cancels the waiting attempt, so a stuck attempt cannot hold up the retries.
  const inFlight = new Map<string, Promise<unknown>>();
  const exclusive = async <T>(
    messageId: string,
    activity: Context | undefined,
    send: () => Promise<T>,
  ): Promise<T> => {
    for (let running = inFlight.get(messageId); running; running = inFlight.get(messageId)) {
      const settled = running.then(
        () => undefined,
        () => undefined,
      );
      await (activity ? Promise.race([settled, activity.cancelled]) : settled);
    }
    const promise = send().finally(() => inFlight.delete(messageId));
    inFlight.set(messageId, promise);
    return promise;
  };

  /** The record of an earlier accepted attempt, if there is one. */
  const previouslyAccepted = async (
    messageId: string,
    activity: Context | undefined,
  ): Promise<SentRecord | undefined> => {
    const beat = (activity?.info.heartbeatDetails ?? undefined) as HeartbeatDetails | undefined;
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

  interface Outgoing {
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

  /**
   * One SMTP transaction, then the ledger and the heartbeat. `acceptedBefore`: the other messages of
   * the same notice accepted so far, which the heartbeat carries on so a retry skips them too.
   */
  const deliver = async (
    out: Outgoing,
    activity: Context | undefined,
    log: Logger,
    acceptedBefore: readonly SentRecord[] = [],
  ): Promise<SentRecord> => {
    let info: SentMessageInfo;
    try {
      info = await mailer.sendMail({ ...out.mail, signal: activity?.cancellationSignal });
    } catch (err) {
      // Cancelled by Temporal (workflow cancellation, or the attempt timed out): report the
      // cancellation itself, not an SMTP failure, so Temporal records what really happened.
      if (activity?.cancellationSignal.aborted) throw activity.cancellationSignal.reason ?? err;
      const failure = smtpFailure(err, out.messageId, out.noticeKey, out.withholdAddresses);
      const c = classifySmtpError(err);
      log.warn(
        {
          errorType: failure.type,
          code: c.code,
          responseCode: c.responseCode,
          attempt: activity?.info.attempt,
          ...sendFailureLogFields(err, activity?.info, !failure.nonRetryable),
        },
        failure.nonRetryable ? 'notice refused permanently by the mail relay' : 'notice deferred; will retry',
      );
      throw failure;
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
    activity?.heartbeat({
      docketAccepted: record,
      ...(acceptedBefore.length > 0 ? { docketAcceptedAll: [...acceptedBefore, record] } : {}),
    } satisfies HeartbeatDetails);
    if (rejectedCount > 0) {
      log.warn(
        { rejectedCount, recipientCount: out.recipientIds.length },
        'mail relay refused some recipients',
      );
    }
    log.info(
      { recipientCount: out.recipientIds.length, rejectedCount, attempt: activity?.info.attempt },
      'notice accepted by the mail relay',
    );
    await deps.testHooks?.afterAccepted?.({
      messageId: out.messageId,
      noticeKey: out.noticeKey,
      attempt: activity?.info.attempt ?? 1,
    });
    return record;
  };

  const resultOf = (record: SentRecord, status: NoticeStatus): NoticeResult => ({
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
    baseBoundary: digest(['boundary', messageId]).slice(0, 24),
    headers: {
      // RFC 3834: an automatic notice; out-of-office replies should not answer it.
      'Auto-Submitted': 'auto-generated',
      'X-Docket-Notice-Kind': kind,
      'X-Docket-Notice-Key': noticeKey,
    },
  });

  const unknownRecipient = (
    err: UnknownRecipientError,
    noticeKey: string,
    log: Logger,
  ): ApplicationFailure => {
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
  };

  /** Which role receives the notice, after walking `escalationLevel` steps up the chain. */
  const targetRole = (dir: Directory, r: NoticeRequest): { role: string; capped: boolean } => {
    const level = r.escalationLevel ?? (r.kind === 'breach' ? 0 : undefined);
    if (level === undefined) return { role: r.role, capped: false };
    const chain = dir.escalationChain(r.facility, r.role);
    if (chain.length === 0) return { role: r.role, capped: true }; // the role is the top: it gets its own alert
    const capped = level >= chain.length;
    return { role: chain[Math.min(level, chain.length - 1)] ?? r.role, capped };
  };

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

  async function sendNotice(input: NoticeRequest): Promise<NoticeResult> {
    const request = validated<NoticeRequest>(noticeRequestSchema, input, 'notice request');
    const { workflowId, noticeKey, kind, facility, role } = request;
    const messageId = noticeMessageId(workflowId, noticeKey, config.messageIdDomain);
    const log = logger.child({ workflowId, noticeKey, kind, facility, role, messageId });
    const activity = currentActivity();
    const alreadySent = async (): Promise<NoticeResult | undefined> => {
      const earlier = await previouslyAccepted(messageId, activity);
      if (!earlier) return undefined;
      log.info(
        { attempt: activity?.info.attempt },
        'notice already accepted by the mail relay; not sending again',
      );
      return resultOf(earlier, 'already-sent');
    };

    // Checked before waiting on an overlapping attempt (it may be stuck after its 250), and again after.
    const before = await alreadySent();
    if (before) return before;
    return exclusive(messageId, activity, async () => {
      const after = await alreadySent();
      if (after) return after;

      // Resolved now, not when the workflow scheduled the notice: staffing changes apply.
      let recipientRole: string;
      let capped: boolean;
      let recipients: readonly Recipient[];
      let facilityName: string;
      try {
        const dir = await directory.current();
        if (request.recipients !== undefined) {
          // A party notice addressed by the workflow: the case role it goes to (never a name).
          recipientRole = request.delivery?.to ?? role;
          capped = false;
          recipients = request.recipients;
        } else {
          ({ role: recipientRole, capped } = targetRole(dir, request));
          recipients = dir.resolve(facility, recipientRole);
        }
        facilityName = dir.facilityName(facility);
      } catch (err) {
        if (err instanceof UnknownRecipientError) throw unknownRecipient(err, noticeKey, log);
        throw err;
      }
      if (capped)
        log.warn({ recipientRole }, 'escalation level above the top of the chain; alerting the top role');

      const date = noticeDate(request.sentAt, activity);
      const entry = request.entry;
      const deadline = entry ? deadlineView(entry) : null;
      const baseView: NoticeView = {
        kind,
        workflowId,
        noticeKey,
        caseNumber: request.caseNumber,
        caseType: request.caseType,
        facility: { code: facility, name: facilityName },
        role,
        recipientRole,
        escalationLevel: request.escalationLevel ?? (kind === 'breach' ? 0 : null),
        escalationCapped: capped,
        deadline,
        ackUrl: null,
        delivery: request.delivery ?? null,
        ...contextView(request.context),
        failure: null,
      };
      // Rendered and assembled per message: each recipient's copy of a linked alert has its own link.
      const compose = (id: string, to: readonly Recipient[], ackUrl: string | null): SendMailOptions => {
        const rendered = render(kind, { ...baseView, ackUrl }, log);
        const mail: SendMailOptions = {
          ...baseMail(id, date, kind, noticeKey),
          to: to.map(addressOf),
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
        };
        if (entry) {
          // Every notice about one deadline is threaded under the same (virtual) root message.
          mail.references = `<docket.${digest(['thread', workflowId, entry.key]).slice(0, 40)}@${config.messageIdDomain}>`;
        }
        if (entry?.kind === 'deadline' && entry.dueAt !== undefined && deadline) {
          mail.icalEvent = {
            method: 'PUBLISH',
            filename: `${entry.key}.ics`,
            content: buildDeadlineEvent({
              uid: deadlineEventUid(workflowId, entry.key, config.messageIdDomain),
              entry,
              dueAt: new Date(entry.dueAt),
              caseNumber: request.caseNumber,
              facilityName,
              localText: deadline.local,
              stamp: date,
            }),
          };
        }
        return mail;
      };
      // Staff addresses may appear at debug level; a party's address never does (3.26 Confidentiality).
      if (request.recipients === undefined)
        log.debug({ to: recipients.map((r) => r.email) }, 'sending notice');
      const outgoing = (id: string, to: readonly Recipient[], ackUrl: string | null): Outgoing => ({
        messageId: id,
        workflowId,
        noticeKey,
        kind,
        recipientRole,
        recipientIds: to.map((r) => r.id),
        escalationCapped: capped,
        sentAt: date,
        mail: compose(id, to, ackUrl),
        withholdAddresses: request.recipients !== undefined,
      });

      if (!carriesAckLinks(request)) {
        return resultOf(await deliver(outgoing(messageId, recipients, null), activity, log), 'sent');
      }

      // One message per recipient. Records accepted by earlier attempts are carried in every heartbeat,
      // so a third attempt on another host still knows what the first one sent.
      const beat = (activity?.info.heartbeatDetails ?? undefined) as HeartbeatDetails | undefined;
      const accepted: SentRecord[] = [...(beat?.docketAcceptedAll ?? [])];
      const messages: RecipientMessage[] = [];
      const delivered: SentRecord[] = [];
      let retryable: ApplicationFailure | undefined;
      let refused: ApplicationFailure | undefined;
      for (const recipient of recipients) {
        const id = recipientMessageId(messageId, recipient.id, config.messageIdDomain);
        const recipientLog = log.child({ recipientId: recipient.id, messageId: id });
        const earlier = await previouslyAccepted(id, activity);
        if (earlier) {
          recipientLog.info(
            { attempt: activity?.info.attempt },
            'notice already accepted by the mail relay; not sending again',
          );
          if (!accepted.some((r) => r.messageId === id)) accepted.push(earlier);
          delivered.push(earlier);
          messages.push({ recipientId: recipient.id, messageId: id, status: 'already-sent' });
          continue;
        }
        const out = outgoing(id, [recipient], ackUrlFor(request, recipient.id, date, recipientLog));
        try {
          const record = await deliver(out, activity, recipientLog, accepted);
          accepted.push(record);
          delivered.push(record);
          messages.push({ recipientId: recipient.id, messageId: id, status: 'sent' });
        } catch (err) {
          // A cancellation, or anything but the relay's answer (a crash), ends the attempt at once.
          if (activity?.cancellationSignal.aborted || !(err instanceof ApplicationFailure)) throw err;
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
        recipientRole,
        recipientIds: recipients.map((r) => r.id),
        recipientCount: recipients.length,
        rejectedCount: delivered.reduce((sum, r) => sum + r.rejectedCount, refusedCount),
        escalationCapped: capped,
        sentAt: date.toISOString(),
        acceptedAt:
          delivered
            .map((r) => r.acceptedAt)
            .sort()
            .at(-1) ?? date.toISOString(),
        messages,
      };
    });
  }

  async function alertAdministrators(input: AdminAlertRequest): Promise<NoticeResult> {
    const request = validated<AdminAlertRequest>(adminAlertSchema, input, 'administrators alert');
    const { workflowId, noticeKey } = request;
    const messageId = adminAlertMessageId(workflowId, noticeKey, config.messageIdDomain);
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
    const activity = currentActivity();
    const alreadySent = async (): Promise<NoticeResult | undefined> => {
      const earlier = await previouslyAccepted(messageId, activity);
      if (!earlier) return undefined;
      log.info(
        { attempt: activity?.info.attempt },
        'alert already accepted by the mail relay; not sending again',
      );
      return resultOf(earlier, 'already-sent');
    };

    const before = await alreadySent();
    if (before) return before;
    return exclusive(messageId, activity, async () => {
      const after = await alreadySent();
      if (after) return after;
      // The failure may be that the facility is unknown: fall back to its code rather than fail the alert.
      const facility = request.facility ?? '';
      let facilityName = facility;
      try {
        const dir = await directory.current();
        if (dir.facilityCodes().includes(facility)) facilityName = dir.facilityName(facility);
      } catch {
        // An unreadable directory must not stop the alert about it.
      }
      const date = noticeDate(request.sentAt, activity);
      const view: NoticeView = {
        kind: 'admin-alert',
        workflowId,
        noticeKey,
        caseNumber: request.caseNumber ?? '',
        caseType: request.caseType ?? '',
        facility: { code: facility, name: facilityName },
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
          noticeKey,
          kind: request.kind ?? null,
          facility: request.facility ?? null,
          role: request.role ?? null,
          errorType: request.errorCode,
          errorMessage: request.errorMessage,
        },
      };
      const rendered = render('admin-alert', view, log);
      const record = await deliver(
        {
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
            references: noticeMessageId(workflowId, noticeKey, config.messageIdDomain),
            subject: rendered.subject,
            text: rendered.text,
            html: rendered.html,
          },
        },
        activity,
        log,
      );
      return resultOf(record, 'sent');
    });
  }

  return { sendNotice, alertAdministrators };
}
