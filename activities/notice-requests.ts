// The notice activities' contract with the workflows: what `sendNotice` and `alertAdministrators`
// take and return, and the zod schemas that check a request at run time (payloads arrive as JSON; the
// TS types are no guarantee). A request that fails its schema is a non-retryable NOTICE_INPUT_INVALID
// naming each field and rule, never its value (values may hold case context).
import { ApplicationFailure } from '@temporalio/common';
import { z } from 'zod';
import { isKnownZone } from '../domain/time';
import type { IsoInstant, ScheduleEntry } from '../domain/types';
import { NOTICE_KINDS, NoticeErrorType, type NoticeKind } from './notice-codes';

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

/** The request checked against its schema; NOTICE_INPUT_INVALID when it does not fit. */
export const parseNoticeRequest = (input: unknown): NoticeRequest =>
  validated<NoticeRequest>(noticeRequestSchema, input, 'notice request');

/** The administrators' alert request checked against its schema; NOTICE_INPUT_INVALID when it does not fit. */
export const parseAdminAlertRequest = (input: unknown): AdminAlertRequest =>
  validated<AdminAlertRequest>(adminAlertSchema, input, 'administrators alert');
