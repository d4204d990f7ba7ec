// Field types shared by every case intake. Anything that can reach a workflow ID, a search attribute
// or a log line is an opaque code with a narrow alphabet: it cannot hold a name with spaces, an
// inmate number pattern chosen by us, or free text.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { DomainError } from '../errors';
import { getPolicy, policyVersionSchema } from '../policies/registry';
import { resolveSettings } from '../schedule/inputs';
import { CALENDAR_YEARS, INPUT_YEARS } from '../time';

export const caseNumberSchema = sharedSchema('cases/common#caseNumberSchema', () =>
  z
    .string()
    .regex(
      /^[A-Z][A-Z0-9]{1,9}-[A-Z0-9-]{1,40}$/,
      'an opaque case number like GRV-2026-000123 (A-Z, 0-9, dashes)',
    ),
);

export const facilityCodeSchema = sharedSchema('cases/common#facilityCodeSchema', () =>
  z.string().regex(/^[A-Z][A-Z0-9-]{1,15}$/, 'a facility code like LARC'),
);

/** An opaque ID of a person in the case system (a party, a reporter): `what` and an example name it. */
export const opaquePersonIdSchema = (what: string, example: string) =>
  z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,39}$/, `an opaque ${what} like ${example} (A-Z, 0-9, dashes)`);

/** An opaque reference to a document held by the case system (never its content). */
export const documentRefSchema = sharedSchema('cases/common#documentRefSchema', () =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,79}$/, 'an opaque document reference like DOC-2027-0042'),
);

export const staffIdSchema = sharedSchema('cases/common#staffIdSchema', () =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'an opaque staff ID like S-1042'),
);

/**
 * One of zod's own patterns, as a RegExp this module owns. Inside a workflow, zod is shared by every
 * case and frozen (workflows/shared-libraries.ts), its patterns with it; zod resets a pattern's
 * lastIndex before each test, which a frozen RegExp refuses with a TypeError that fails the workflow
 * task. A format that defaults to one of zod's patterns (z.email, z.iso.date, ...) is therefore given a
 * copy; test/domain/zod-patterns.test.ts fails if a schema that reaches a workflow is not.
 */
export const ownPattern = (pattern: RegExp): RegExp => new RegExp(pattern.source, pattern.flags);

const YEARS_RULE = `a year from ${INPUT_YEARS.first} to ${INPUT_YEARS.last} (the holiday calendars cover ${CALENDAR_YEARS.first} to ${CALENDAR_YEARS.last})`;
/** Both formats start with the four-digit year. */
const withinInputYears = (value: string): boolean => {
  const year = Number(value.slice(0, 4));
  return year >= INPUT_YEARS.first && year <= INPUT_YEARS.last;
};

/**
 * A calendar date, YYYY-MM-DD, that exists (zod's ISO date pattern knows month lengths and leap
 * years), in a year the calendars can count deadlines from.
 */
export const isoDateSchema = (message: string) =>
  z.string().regex(ownPattern(z.regexes.date), message).refine(withinInputYears, YEARS_RULE);

/** An address that can be delivered to: zod's pattern, within SMTP's limits (RFC 5321 §4.5.3.1). */
export const emailSchema = (message: string) =>
  z
    .email({ pattern: ownPattern(z.regexes.email), error: message })
    .max(254, `${message} (at most 254 characters)`)
    .refine((address) => address.indexOf('@') <= 64, `${message} (at most 64 characters before the @)`);

export const isoInstantSchema = sharedSchema('cases/common#isoInstantSchema', () =>
  z.iso
    .datetime({ offset: true, message: 'an ISO-8601 instant with offset' })
    .refine(withinInputYears, YEARS_RULE),
);

export const agencySettingsSchema = sharedSchema('cases/common#agencySettingsSchema', () =>
  z.record(z.string(), z.unknown()).optional(),
);

/**
 * A long-lived record (a contract, an employee's probation) lives for years; Temporal warns at 10,240
 * history events and stops a run at 51,200. The record continues-as-new once its history reaches
 * this many events (agency setting; default).
 */
export const DEFAULT_CONTINUE_AS_NEW_AT = 2_000;
/** The timeline carried from run to run keeps the newest this many events. */
export const DEFAULT_MAX_TIMELINE_EVENTS = 1_000;

/**
 * The intake fields of every case type that name its policy: the version the case pins (by default
 * the latest when it opens) and the agency's settings of that policy (checked when the intake is parsed).
 */
export const policyFields = (policyId: string) => ({
  policyVersion: policyVersionSchema(policyId).optional(),
  settings: agencySettingsSchema,
});

/** The intake fields that bound a long-lived record's runs: when it continues-as-new, what it carries. */
export const recordLifeFields = sharedSchema('cases/common#recordLifeFields', () => ({
  continueAsNewAtEvents: z.number().int().min(100).max(40_000).default(DEFAULT_CONTINUE_AS_NEW_AT),
  maxTimelineEvents: z.number().int().min(50).max(10_000).default(DEFAULT_MAX_TIMELINE_EVENTS),
}));

/** Common fields of every event recorded on a case. */
export const eventBaseSchema = sharedSchema('cases/common#eventBaseSchema', () =>
  z.object({
    /** When it happened (the case system's record), not when it was reported to Docket. */
    at: isoInstantSchema,
    /** Opaque staff ID of whoever recorded or performed it. */
    by: staffIdSchema,
    note: z.string().max(2_000).optional(),
  }),
);
export type EventBase = z.input<typeof eventBaseSchema>;

/** The event that ends a long-lived record (a contract ended, an employee separated): when, by whom, why. */
export const recordEndSchema = <const Reasons extends readonly [string, ...string[]]>(reasons: Reasons) =>
  z.object({ at: isoInstantSchema, by: staffIdSchema, reason: z.enum(reasons) });

export const extensionRequestSchema = sharedSchema('cases/common#extensionRequestSchema', () =>
  z.object({
    key: z.string().min(1),
    dueAt: isoInstantSchema,
    reason: z.string().trim().min(3, 'an extension needs a reason'),
    approverRole: z.string().min(1),
    approvedBy: staffIdSchema,
    overrideAuthority: z.string().optional(),
    at: isoInstantSchema,
  }),
);
export type ExtensionRequestInput = z.input<typeof extensionRequestSchema>;

export const acknowledgeSchema = sharedSchema('cases/common#acknowledgeSchema', () =>
  z.object({ key: z.string().min(1), by: staffIdSchema }),
);
export type AcknowledgeInput = z.input<typeof acknowledgeSchema>;

export const serviceProofSchema = sharedSchema('cases/common#serviceProofSchema', () =>
  z.object({
    /** The notice key of the service task this proves, e.g. `grievance.decision/service/1`. */
    task: z.string().min(1),
    servedBy: staffIdSchema,
    at: isoInstantSchema,
    method: z.enum(['in-person', 'institutional-mail', 'posted', 'other']),
    refused: z.boolean().default(false),
    note: z.string().max(2_000).optional(),
  }),
);
export type ServiceProofInput = z.input<typeof serviceProofSchema>;
export type ServiceProof = z.output<typeof serviceProofSchema>;

/** In a refinement of an intake or event, refuses `field` with the rule it breaks (`message`). */
export function fieldIssue(ctx: z.RefinementCtx, field: string, message: string): void {
  ctx.addIssue({ code: 'custom', path: [field], message });
}

/** Readable one-line summary of a zod failure: `field: problem; field: problem`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`).join('; ');
}

/** What every intake carries of its policy: the version it pins and the agency's settings. */
type PolicyFields = { policyVersion?: string; settings?: Record<string, unknown> };

/**
 * Parses an intake with `schema`, then checks its agency settings against the version of the policy
 * it pins (`policyOf`: the policy's ID, or how to tell it from the intake). Throws INVALID_INPUT
 * naming every bad field (never echoing a value), or INVALID_SETTING naming `settings.<key>`: a
 * setting the policy does not know is refused at the door and never reaches the case's first
 * schedule, where it would fail a case already opened.
 */
export function parseIntake<T extends z.ZodType<PolicyFields>>(
  schema: T,
  raw: unknown,
  what: string,
  policyOf: string | ((intake: z.output<T>) => string),
): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DomainError('INVALID_INPUT', `${what}: ${describeIssues(parsed.error)}`, {
      field: parsed.error.issues[0]?.path.join('.'),
    });
  }
  const intake = parsed.data;
  const policyId = typeof policyOf === 'string' ? policyOf : policyOf(intake);
  resolveSettings(getPolicy(policyId, intake.policyVersion), intake.settings);
  return intake;
}
