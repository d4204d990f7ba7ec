// The one definition of a schedule entry and of an extension record: the zod schemas below, from which
// domain/types.ts infers the TypeScript types. The domain parses extension records with them, the API
// parses and documents with them (its OpenAPI document is generated from them), and the notification
// activities check the entries they are given against them. Entries are plain JSON (they cross the
// Temporal boundary): ISO-8601 strings, numbers, no Date or luxon objects.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';

export const durationUnitSchema = sharedSchema('schedule/entry#durationUnitSchema', () =>
  z.enum(['hours', 'calendarDays', 'workingDays', 'months']),
);

export const durationSpecSchema = sharedSchema('schedule/entry#durationSpecSchema', () =>
  z.object({ amount: z.number(), unit: durationUnitSchema }),
);

/**
 * Where a rule comes from. Every rule Docket enforces cites either a seed policy (file + section)
 * or an explicit agency setting, with whether the value in force is the shipped default.
 */
export const sourceSchema = sharedSchema('schedule/entry#sourceSchema', () =>
  z.discriminatedUnion('kind', [
    z.object({
      kind: z.literal('seed'),
      file: z.string(),
      document: z.string(),
      section: z.string(),
      quote: z.string().optional(),
    }),
    z.object({ kind: z.literal('statute'), citation: z.string() }),
    z.object({
      kind: z.literal('agency-setting'),
      setting: z.string(),
      isDefault: z.boolean(),
      note: z.string().optional(),
    }),
  ]),
);

export const deadlineStateSchema = sharedSchema('schedule/entry#deadlineStateSchema', () =>
  z.enum(['pending', 'met', 'breached', 'extended', 'waived']),
);

/**
 * How "no earlier than N days after X" (or "at least N days") is counted. `clear-days`: N full days
 * must pass after the day of X, so the earliest instant is the start of day N + 1. `inclusive`: day N
 * itself counts as the Nth day, so the earliest instant is the start of day N.
 */
export const lowerBoundReadingSchema = sharedSchema('schedule/entry#lowerBoundReadingSchema', () =>
  z.enum(['clear-days', 'inclusive']),
);

export const skippedDaySchema = sharedSchema('schedule/entry#skippedDaySchema', () =>
  z.object({
    date: z.string(),
    reason: z.enum(['weekend', 'holiday']),
    /** Holiday name, when reason is holiday. */
    name: z.string().optional(),
  }),
);

export const deadlineExplanationSchema = sharedSchema('schedule/entry#deadlineExplanationSchema', () =>
  z.object({
    /** One readable sentence, e.g. "10 working days after 2026-11-20 (day 0), skipping 2026-11-26 Thanksgiving Day ...". */
    summary: z.string(),
    skipped: z.array(skippedDaySchema),
    /** Set when a calendar-day deadline landed on a non-working day and moved forward. */
    rolledForwardFrom: z.string().optional(),
    counting: z.string().optional().meta({
      description:
        'How the days were counted: day 0 (or day 1), the last day included, and for a lower bound the reading used.',
    }),
    reading: lowerBoundReadingSchema.optional().meta({
      description:
        'A day-based lower bound: clear-days (N full days pass; the earliest is the start of day N + 1) or inclusive (day N counts).',
    }),
  }),
);

export const reminderSpecSchema = sharedSchema('schedule/entry#reminderSpecSchema', () =>
  z.object({
    at: z.string().meta({
      description:
        'When the reminder goes out: within business hours on a working day, unless `outsideBusinessHours` says why not.',
    }),
    /** Stable key unique within the entry, e.g. `half-time`, `1-working-day-before`; part of the notice key. */
    key: z.string(),
    computedAt: z.string().optional().meta({
      description:
        "The instant the policy's lead time gives, when the reminder was moved into business hours.",
    }),
    movedBecause: z.string().optional().meta({
      example:
        'outside business hours (08:00–17:00 America/Chicago): Saturday is not a working day; moved to the start of the previous working day',
    }),
    outsideBusinessHours: z.string().optional().meta({
      description: 'Set when no business hours lie between the clock start and the deadline.',
    }),
  }),
);

export const escalationSpecSchema = sharedSchema('schedule/entry#escalationSpecSchema', () =>
  z.object({
    /** Interval between repeated breach alerts while unacknowledged (exact hours: the workflow adds it with plain arithmetic). */
    cadenceHours: z.number(),
    /** How many levels up the directory's escalation chain to go at most, after the first breach alert. */
    maxLevels: z.number(),
  }),
);

/** An extension granted to one deadline entry (its `key`). */
export const extensionRecordSchema = sharedSchema('schedule/entry#extensionRecordSchema', () =>
  z.object({
    key: z.string().min(1),
    /** The new limit. */
    dueAt: z.string(),
    reason: z.string(),
    approverRole: z.string(),
    /** Opaque staff ID of the approver. */
    approvedBy: z.string(),
    /** Set when the extension goes past the policy cap on the strength of an override (court order, director...). */
    overrideAuthority: z.string().optional(),
    grantedAt: z.string(),
  }),
);

export const extensionPolicySchema = sharedSchema('schedule/entry#extensionPolicySchema', () =>
  z.object({
    /** Roles that may approve an extension within the cap. */
    approverRoles: z.array(z.string()),
    /** The cap, when the policy sets one; absent = the source sets no cap. */
    cap: durationSpecSchema.extend({ from: z.enum(['anchor', 'due']) }).optional(),
    /** The latest instant an extension may reach without an override. */
    capAt: z.string().optional(),
    capSourceText: z.string().optional(),
    /** Authorities whose order allows going past the cap (court, director, ...); empty = never. */
    overrideAuthorities: z.array(z.string()),
    overrideSourceText: z.string().optional(),
    /** Who must be told of an extension, e.g. `inmate` (a service task for staff). */
    noticeTo: z.string().optional(),
    /** What the extension needs, in words ("good cause", "written notice with the new date"). */
    requirement: z.string(),
  }),
);

/** What deadline and lower-bound entries share. */
const entryFields = sharedSchema('schedule/entry#entryFields', () => ({
  /** The rule in words, e.g. "Staff respond in writing within 10 working days of receipt". */
  rule: z.string(),
  source: sourceSchema,
  /** Rendered citation, e.g. "OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)". */
  sourceText: z.string(),
  /** Role that must act (a directory role, never a person). */
  responsibleRole: z.string(),
  /** What the responsible role must do, for notices. */
  action: z.string(),
  /** The event the limit is counted from, and its instant. */
  anchorEvent: z.string(),
  anchorAt: z.string(),
  limit: durationSpecSchema,
  calendar: z.string(),
  zone: z.string(),
  /** `dueAt` or `earliest` in local time with its zone abbreviation, e.g. "2026-12-09 23:59 CST". */
  localText: z.string(),
  explanation: deadlineExplanationSchema,
  reminders: z.array(reminderSpecSchema),
  escalation: escalationSpecSchema.optional(),
  /** Extensions applied to this entry, oldest first; `dueAt` already reflects the last one. */
  extensions: z.array(extensionRecordSchema),
  /**
   * Who the limit binds. `staff`: missing it is a breach that alerts and escalates, but the late act is
   * still recorded. `subject` (inmate, party, employee): the subject gets no reminders (inmates get no
   * email) and a late filing is refused (`checkEvent`), e.g. OP-090124 §III.E.2.c.
   */
  actor: z.enum(['staff', 'subject']).optional(),
  /** The event that satisfies a deadline, or that a lower bound constrains (e.g. `rts.responded`). */
  completedBy: z.string().optional(),
  /** When `completedBy` was recorded. */
  completedAt: z.string().optional(),
  /** Where the entry stands given the recorded events (and `now`, when the caller passed one). */
  state: deadlineStateSchema.optional(),
  /** The entry marks the end of a period (probation, look-back window): reaching it is not a breach. */
  periodEnd: z.boolean().optional(),
  /** This entry is the furthest an extension of the named entry may reach without an override. */
  capOf: z.string().optional(),
  /** Whether and how this entry may be extended (docs/rules.md "Extensions"). */
  extensionPolicy: extensionPolicySchema.optional(),
  /** Further sources, e.g. the seed clause an agency setting fills in. */
  relatedSources: z.array(sourceSchema).optional(),
}));

/**
 * An entry of one kind: its key in the policy's rule table (docs/rules.md; `example` shows one), the
 * fields every entry has, and the instant that makes it what it is.
 */
const datedEntrySchema = <K extends string, I extends z.ZodRawShape>(kind: K, example: string, instant: I) =>
  z.object({ key: z.string().meta({ example }), kind: z.literal(kind), ...entryFields, ...instant });

/** A limit a step must meet: `dueAt` is the last instant by which it must be done. */
export const deadlineEntrySchema = sharedSchema('schedule/entry#deadlineEntrySchema', () =>
  datedEntrySchema('deadline', 'rts.response', { dueAt: z.string() }),
);

/** A limit a step may not precede: `earliest` is the first instant at which it may happen. */
export const lowerBoundEntrySchema = sharedSchema('schedule/entry#lowerBoundEntrySchema', () =>
  datedEntrySchema('lowerBound', 'notice.earliest-hearing', { earliest: z.string() }),
);

export const scheduleEntrySchema = sharedSchema('schedule/entry#scheduleEntrySchema', () =>
  z.discriminatedUnion('kind', [deadlineEntrySchema, lowerBoundEntrySchema]),
);
