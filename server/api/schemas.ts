// The API's request and response schemas. Requests are parsed with them; responses are documented
// with them (OpenAPI is generated from these, see openapi.ts). Response schemas are checked against
// the TypeScript types the workflows and the domain return (`describes<CaseView>()`), so a change to
// those types that the documentation does not follow fails the type check.
import { z } from 'zod';
import { serviceProofSchema } from '../../domain/cases/common';
import { refusalCodes, type RefusalCode } from '../../domain/errors';
import {
  deadlineStateSchema,
  extensionRecordSchema,
  reminderSpecSchema,
  scheduleEntrySchema,
} from '../../domain/schedule/entry';
import type { Schedule } from '../../domain/types';
import type { CaseView } from '../../workflows/case-messages';
import type { TimelineEvent } from '../../workflows/deadlines';
import { caseTypeNames, type CaseType } from '../../client/case-types';
import { type OpenedCase } from '../../client/cases';
import { deadlineStates, type DeadlinesDue } from '../../client/deadlines-due';
import type { UndeliveredNotices } from '../../client/undelivered';
import { errorCodeList } from './errors';

/** A compile-time check that a documented schema produces exactly the type the code returns. */
const describes =
  <T>() =>
  <S extends z.ZodType<T>>(schema: S): S =>
    schema;

const caseTypeSchema = z.enum(caseTypeNames() as [CaseType, ...CaseType[]]);

export const errorSchema = z.object({
  error: z.object({
    code: z.enum(errorCodeList).meta({
      description: 'Stable, never reworded: branch on this. One of the API codes or the refusals.',
      example: 'CASE_NOT_FOUND',
    }),
    message: z.string().meta({
      description: 'One line naming the problem; for a refusal, the rule, the limit and its source.',
    }),
    details: z.record(z.string(), z.unknown()).optional().meta({
      description: 'JSON details, e.g. `field`, `rule`, `dueAt`, `capAt`, `limit`, `source`, `known`.',
    }),
  }),
});
export type ErrorBody = z.infer<typeof errorSchema>;

const refusalCodeList = Object.keys(refusalCodes) as [RefusalCode, ...RefusalCode[]];

/** The body of a 422: an error whose code is one of the business-rule refusals, all listed. */
export const refusalSchema = errorSchema
  .extend({
    error: errorSchema.shape.error.extend({
      code: z.enum(refusalCodeList).meta({
        description: 'Stable, never reworded: branch on this. One of the refusals listed here.',
        example: 'OUT_OF_ORDER',
        'x-enum-descriptions': refusalCodeList.map((code) => refusalCodes[code]),
      }),
    }),
  })
  .meta({
    description:
      'A refusal: the request was well formed, but the case, the policy or the input breaks a rule. Nothing was changed.',
  });

const awaitingSchema = z.object({
  key: z.string(),
  rule: z.string(),
  waitingFor: z.array(z.string()),
  note: z.string().optional(),
});

export const scheduleSchema = describes<Schedule>()(
  z
    .object({
      policyId: z.string(),
      policyVersion: z.string(),
      calendar: z.string(),
      zone: z.string(),
      entries: z.array(scheduleEntrySchema),
      awaiting: z.array(awaitingSchema).optional(),
      settings: z
        .array(
          z.object({ key: z.string(), value: z.unknown(), isDefault: z.boolean(), description: z.string() }),
        )
        .optional(),
      facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
      constraints: z
        .array(z.object({ key: z.string(), text: z.string(), sourceText: z.string() }))
        .optional(),
      businessHours: z
        .object({ start: z.string(), end: z.string(), isDefault: z.boolean() })
        .optional()
        .meta({ description: 'The local business hours reminders were placed in, on working days.' }),
    })
    .meta({ description: 'Every dated entry of a policy for the given facts and events.' }),
);

const deadlineViewSchema = z.object({
  key: z.string(),
  kind: z.enum(['deadline', 'lowerBound']),
  state: deadlineStateSchema,
  dueAt: z.string().optional(),
  earliest: z.string().optional(),
  localText: z.string().meta({ example: '2026-12-09 23:59 CST' }),
  responsibleRole: z.string(),
  rule: z.string(),
  source: z.string(),
  explanation: z.string(),
  reminders: z.array(reminderSpecSchema),
  attempt: z.number(),
  metAt: z.string().optional(),
  breachedAt: z.string().optional(),
  acknowledged: z.object({ by: z.string(), at: z.string() }).optional(),
  extensions: z.array(extensionRecordSchema),
});

export const caseViewSchema = describes<CaseView>()(
  z
    .object({
      caseNumber: z.string(),
      caseType: z.string(),
      facility: z.string(),
      stage: z.string(),
      policyId: z.string(),
      policyVersion: z.string(),
      deadlineState: z.enum(deadlineStates),
      deadlines: z.array(deadlineViewSchema),
      awaiting: z.array(awaitingSchema),
      serviceTasks: z.array(
        z.object({
          task: z.string(),
          document: z.string(),
          to: z.string(),
          role: z.string(),
          dueAt: z.string().optional(),
          proof: serviceProofSchema.optional(),
        }),
      ),
      closed: z.boolean(),
      outcome: z.string().optional(),
      sanctions: z.record(z.string(), z.unknown()).optional().meta({
        description:
          "Discipline: the imposed sanctions with their terms and restorations (`imposed`), the earlier findings of the same rule on the inmate's record (`priorFindings`), and after a guilty finding whether the repeat rule applies (`repeat`: status, prior case and date, statement, counting, source).",
      }),
      conduct: z.record(z.string(), z.unknown()).optional().meta({
        description:
          "Conduct report: the report (timeliness, offender or ex-offender at the contact with its explanation, finding), or the disclosure notice and the warden's decision; retaliation reported. Opaque IDs only.",
      }),
    })
    .meta({ description: "A case's stage and where each of its deadlines stands." }),
);

const timelineEventSchema = describes<TimelineEvent>()(
  z.object({
    at: z.string(),
    type: z.string(),
    actor: z.string().optional(),
    detail: z.string(),
    noticeKey: z.string().optional(),
  }),
);

export const caseRecordSchema = z.object({
  schedule: caseViewSchema,
  timeline: z.array(timelineEventSchema),
  source: z.enum(['live', 'archive']).meta({
    description:
      "Where the case was read: `live` from its workflow; `archive` from the records archive once Temporal no longer has the workflow (a closed case past the namespace's history retention). An archived case shows the view and timeline it had when it closed.",
  }),
  archive: z
    .object({
      archivedAt: z.string(),
      closedAt: z.string().nullable(),
      retainUntil: z
        .string()
        .nullable()
        .meta({ description: 'The records may not be disposed of before this.' }),
      retentionSource: z.string().nullable().meta({ description: 'The retention period and its authority.' }),
      legalHold: z.boolean(),
      runs: z.number().int(),
    })
    .optional()
    .meta({ description: 'With source `archive`: when the record was archived and how long it is kept.' }),
});

export const caseUpdatedSchema = z
  .object({ schedule: caseViewSchema })
  .meta({ description: 'The case after the event, extension or acknowledgement.' });

/** What names one case in a response: its type, its number and its workflow ID. */
const caseRefFields = { caseType: caseTypeSchema, caseNumber: z.string(), workflowId: z.string() };

export const openedCaseSchema = describes<OpenedCase>()(
  z.object({
    ...caseRefFields,
    created: z
      .boolean()
      .meta({ description: 'False when the same case was already open with the same intake.' }),
  }),
);

/** A list's `limit` query parameter: a whole number from 1 to `max`, `fallback` when absent. */
const limitParam = (max: number, fallback: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** `a,b` or repeated `?state=a&state=b`: both arrive as a list. */
const listParam = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (value) =>
      (Array.isArray(value) ? value : [value])
        .flatMap((v) => String(v).split(','))
        .map((v) => v.trim())
        .filter((v) => v !== ''),
    z.array(item).min(1),
  );

export const deadlinesDueQuerySchema = z
  .object({
    facility: z.string().optional(),
    caseType: listParam(z.string()).optional(),
    state: listParam(z.enum(deadlineStates)).optional(),
    dueBefore: z.iso.datetime({ offset: true, message: 'an ISO-8601 instant with offset' }).optional(),
    limit: limitParam(1_000, 100),
  })
  .strict();

export const deadlinesDueSchema = describes<DeadlinesDue>()(
  z.object({
    cases: z.array(
      z.object({
        ...caseRefFields,
        facility: z.string().nullable(),
        jurisdiction: z.string().nullable(),
        stage: z.string().nullable(),
        deadlineState: z.enum(deadlineStates).nullable(),
        nextDeadline: z.string().nullable(),
        nextDeadlineLocal: z
          .string()
          .nullable()
          .meta({ description: "The next deadline in the case's calendar, e.g. 2026-12-09 23:59 CST" }),
        policyVersion: z.string().nullable(),
      }),
    ),
    truncated: z.boolean().meta({ description: 'More cases matched than `limit`: narrow the filters.' }),
    query: z
      .string()
      .meta({ description: 'The visibility List Filter that answered (paste it into the Temporal UI).' }),
  }),
);

export const undeliveredQuerySchema = z
  .object({
    caseType: listParam(z.string()).optional(),
    limit: limitParam(5_000, 1_000),
  })
  .strict();

export const undeliveredNoticesSchema = describes<UndeliveredNotices>()(
  z.object({
    notices: z.array(
      z.object({
        ...caseRefFields,
        state: z.enum(['retrying', 'failed']).meta({
          description:
            '`retrying`: Temporal is still trying; `failed`: given up after a day (or refused for good).',
        }),
        activity: z.enum(['sendNotice', 'alertAdministrators']),
        noticeKey: z.string().nullable(),
        attempts: z.number().nullable(),
        lastFailure: z.object({ type: z.string().nullable(), message: z.string() }).nullable(),
        nextAttemptAt: z.string().nullable(),
        giveUpAt: z.string().nullable(),
        failedAt: z.string().nullable(),
        administrators: z.enum(['alerted', 'alert-failed', 'alert-pending']).nullable(),
      }),
    ),
    casesScanned: z.number(),
    truncated: z
      .boolean()
      .meta({ description: 'More running cases than `limit`: the rest were not scanned.' }),
    timelineUnavailable: z.array(z.string()).meta({
      description: 'Cases whose timeline no worker answered for: their given-up notices are not listed.',
    }),
    source: z.string(),
  }),
);

export const previewBodySchema = z
  .object({
    policyVersion: z.string().min(1).optional().meta({ description: 'Default: the latest.' }),
    facts: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .meta({ example: { category: 'general', track: 'standard' } }),
    events: z
      .record(z.string(), z.string())
      .default({})
      .meta({
        description: 'Recorded events: event key → ISO-8601 instant.',
        example: { incident: '2026-11-02T10:00:00-06:00' },
      }),
    extensions: z.array(extensionRecordSchema).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    now: z
      .string()
      .optional()
      .meta({ description: 'Classify deadlines already past this instant as breached.' }),
  })
  .strict();

export const policiesSchema = z.object({
  policies: z.array(
    z.object({ id: z.string(), title: z.string(), latest: z.string(), versions: z.array(z.string()) }),
  ),
});

export const healthSchema = z.object({
  status: z.literal('ok'),
  temporal: z.enum(['reachable', 'unreachable']),
});

/**
 * What the acknowledgement link carries: one signed token (activities/ack-link.ts), built per
 * recipient by activities/notifications.ts under `mail.ackBaseUrl`. The page's form posts it back.
 */
export const ackLinkQuerySchema = z.object({
  t: z
    .string()
    .min(1)
    .max(2048)
    .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'base64url, a dot, base64url')
    .meta({
      description: 'The signed token from the alert email: case, deadline, recipient, notice, expiry',
    }),
});

/** The form the page's Acknowledge button posts: the same token, nothing else. */
export const ackFormSchema = ackLinkQuerySchema;
