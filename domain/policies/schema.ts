// Policies are versioned data. The zod schemas below are the contract every policy module must meet.
// A shipped table is read with `policyTable` (table.ts: the schema's defaults filled in, nothing
// checked: it runs in every workflow that loads the registry) and checked against the schema once per process at
// start-up (`checkPolicyTables`, check.ts) and in the unit tests, so a malformed rule fails loudly
// before any case runs rather than computing a wrong deadline. `definePolicy` checks one policy.
import { z } from 'zod';
import { CALENDAR_IDS } from '../calendar/types';
import { DomainError } from '../errors';

const key = z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-zA-Z0-9-]*)*$/, 'dotted lower-case key');
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm');

export const DurationUnitSchema = z.enum(['hours', 'calendarDays', 'workingDays', 'months']);
export const DayUnitSchema = z.enum(['calendarDays', 'workingDays']);
/** How a day-based lower bound is counted (types.ts LowerBoundReading). */
export const ReadingSchema = z.enum(['clear-days', 'inclusive']);

export const DurationSpecSchema = z.strictObject({
  amount: z.number().int().nonnegative(),
  unit: DurationUnitSchema,
});

export const SourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('seed'),
    file: z.string().min(1),
    document: z.string().min(1),
    section: z.string().min(1),
    quote: z.string().optional(),
  }),
  z.strictObject({ kind: z.literal('statute'), citation: z.string().min(1) }),
  z.strictObject({
    kind: z.literal('agency-setting'),
    setting: z.string().min(1),
    isDefault: z.boolean(),
    note: z.string().optional(),
  }),
]);

export const ReminderRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fraction'), fraction: z.number().gt(0).lt(1) }),
  z.strictObject({
    kind: z.literal('before'),
    amount: z.number().int().positive(),
    unit: DurationUnitSchema,
  }),
]);

/**
 * Where a rule's limit comes from: fixed, an agency setting, a fixed amount in a configurable day
 * unit, or an amount a case decides (an integer fact, e.g. the days of a sanction the hearing officer
 * imposed); a rule whose fact is absent or 0 does not apply.
 */
export const LimitSchema = z.union([
  DurationSpecSchema,
  z.strictObject({ setting: key }),
  z.strictObject({ amount: z.number().int().nonnegative(), unitSetting: key }),
  z.strictObject({ fact: z.string().min(1), unit: DurationUnitSchema }),
]);

export const AnchorSchema = z.union([
  z.strictObject({
    event: key,
    /**
     * Tolling: the clock restarts on `event` once `requires` (the documented reason it stopped) has been
     * recorded within the original limit (OP-060125 §IV.C.2: served within 24 hours after availability).
     */
    restartOn: z.strictObject({ event: key, requires: key, note: z.string().min(1) }).optional(),
  }),
  /** "Whichever is later" (OP-090124 §III.E.12.a); every listed event must be recorded. */
  z.strictObject({ latestOf: z.array(key).min(2) }),
  /** "At least N hours before X": the deadline lies before a scheduled event. */
  z.strictObject({ before: key }),
]);

export const ConditionSchema = z.strictObject({
  facts: z.record(z.string(), z.array(z.union([z.string(), z.boolean()])).min(1)).optional(),
  eventsPresent: z.array(key).optional(),
  eventsAbsent: z.array(key).optional(),
  /** `event` is recorded and `of` falls within `limit` of it (day 0 = the day of `event`). */
  eventWithin: z.strictObject({ event: key, of: key, limit: DurationSpecSchema }).optional(),
  /** The negation of `eventWithin`: `event` is absent, or `of` falls after the window. */
  eventNotWithin: z.strictObject({ event: key, of: key, limit: DurationSpecSchema }).optional(),
  /** A `choice` agency setting has one of these values (e.g. how a window's last day is counted). */
  settings: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
});

export const EscalationSchema = z.strictObject({
  cadenceHours: z.number().positive(),
  maxLevels: z.number().int().nonnegative(),
});

export const ExtensionRuleSchema = z.strictObject({
  approverRoles: z.array(z.string().min(1)).min(1),
  cap: z
    .strictObject({
      amount: z.number().int().positive(),
      unit: DurationUnitSchema,
      /** Counted from the rule's anchor (same day 0) or from the original deadline. */
      from: z.enum(['anchor', 'due']),
      source: SourceSchema,
    })
    .optional(),
  overrideAuthorities: z.array(z.string().min(1)),
  overrideSource: SourceSchema.optional(),
  noticeTo: z.string().min(1).optional(),
  requirement: z.string().min(1),
});

export const RuleSchema = z.strictObject({
  key,
  kind: z.enum(['deadline', 'lowerBound']),
  /** The rule in words, as a notice would state it. */
  rule: z.string().min(1),
  source: SourceSchema,
  relatedSources: z.array(SourceSchema).optional(),
  responsibleRole: z.string().min(1),
  actor: z.enum(['staff', 'subject']),
  action: z.string().min(1),
  anchor: AnchorSchema,
  limit: LimitSchema,
  rollForward: z.boolean().default(false),
  anchorDayIsFirstDay: z.boolean().default(false),
  periodEnd: z.boolean().default(false),
  completedBy: key.optional(),
  when: ConditionSchema.optional(),
  reminders: z.union([z.array(ReminderRuleSchema), z.strictObject({ setting: key })]).default([]),
  /** Reminders start after this event rather than the anchor (for limits that lie before their anchor). */
  remindersFrom: key.optional(),
  escalation: EscalationSchema.optional(),
  extension: ExtensionRuleSchema.optional(),
  capOf: key.optional(),
  /**
   * A day-based lower bound's reading: fixed, or chosen by an agency setting of kind `reading`.
   * Absent: clear days. Bounds whose text fixes the counting ("the day after the period expires")
   * leave it absent.
   */
  reading: z.union([ReadingSchema, z.strictObject({ setting: key })]).optional(),
});

export const SettingSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    key,
    kind: z.literal('duration'),
    default: DurationSpecSchema,
    description: z.string().min(1),
  }),
  z.strictObject({ key, kind: z.literal('dayUnit'), default: DayUnitSchema, description: z.string().min(1) }),
  z.strictObject({
    key,
    kind: z.literal('leadTimes'),
    default: z.array(ReminderRuleSchema),
    description: z.string().min(1),
  }),
  /** One of a fixed set of readings where the seed leaves a choice to the agency. */
  z.strictObject({
    key,
    kind: z.literal('choice'),
    values: z.array(z.string().regex(/^[a-z][a-z0-9-]*$/)).min(2),
    default: z.string().min(1),
    description: z.string().min(1),
  }),
  z.strictObject({ key, kind: z.literal('reading'), default: ReadingSchema, description: z.string().min(1) }),
]);

export const FactSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('enum'),
    values: z.array(z.string().min(1)).min(1),
    default: z.string().optional(),
    description: z.string().min(1),
  }),
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('boolean'),
    default: z.boolean().optional(),
    description: z.string().min(1),
  }),
  z.strictObject({
    name: z.string().min(1),
    kind: z.literal('integer'),
    min: z.number().int(),
    max: z.number().int(),
    /** A higher maximum when another fact has a given value (SD 2022-17 §III.D.3.c.ii). */
    maxWhen: z
      .strictObject({ fact: z.string(), equals: z.union([z.string(), z.boolean()]), max: z.number().int() })
      .optional(),
    description: z.string().min(1),
  }),
]);

export const PolicySchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'semantic version'),
    title: z.string().min(1),
    jurisdiction: z.string().min(1),
    calendar: z.enum(CALENDAR_IDS),
    /** The seed document most rules cite. */
    document: z.strictObject({ file: z.string().min(1), document: z.string().min(1) }),
    /** HH:mm local; unset = deadlines end at 23:59:59.999 local. */
    closeOfBusiness: clock.optional(),
    /** Local time at which day-based reminders go out. */
    reminderTime: clock,
    events: z.array(z.strictObject({ key, description: z.string().min(1) })).min(1),
    /** Pairs [earlier, later]: recording `later` before `earlier` is an error. */
    order: z.array(z.tuple([key, key])),
    facts: z.array(FactSchema),
    settings: z.array(SettingSchema),
    rules: z.array(RuleSchema).min(1),
    constraints: z.array(z.strictObject({ key, text: z.string().min(1), source: SourceSchema })),
  })
  .superRefine((policy, ctx) => {
    const events = new Set(policy.events.map((e) => e.key));
    const settings = new Map(policy.settings.map((s) => [s.key, s.kind]));
    const facts = new Set(policy.facts.map((f) => f.name));
    const ruleKeys = new Set(policy.rules.map((r) => r.key));
    const needEvent = (name: string, where: string): void => {
      if (!events.has(name)) ctx.addIssue({ code: 'custom', message: `${where}: unknown event '${name}'` });
    };
    const needSetting = (name: string, kind: string, where: string): void => {
      if (settings.get(name) !== kind) {
        ctx.addIssue({ code: 'custom', message: `${where}: no ${kind} setting '${name}'` });
      }
    };
    for (const [earlier, later] of policy.order) {
      needEvent(earlier, 'order');
      needEvent(later, 'order');
    }
    for (const setting of policy.settings) {
      if (setting.kind === 'choice' && !setting.values.includes(setting.default)) {
        ctx.addIssue({
          code: 'custom',
          message: `setting ${setting.key}: default '${setting.default}' is not one of ${setting.values.join(', ')}`,
        });
      }
    }
    for (const rule of policy.rules) {
      const where = `rule ${rule.key}`;
      const anchor = rule.anchor;
      if ('event' in anchor) {
        needEvent(anchor.event, where);
        if (anchor.restartOn) {
          needEvent(anchor.restartOn.event, where);
          needEvent(anchor.restartOn.requires, where);
        }
      } else if ('latestOf' in anchor) anchor.latestOf.forEach((e) => needEvent(e, where));
      else needEvent(anchor.before, where);
      if ('setting' in rule.limit) needSetting(rule.limit.setting, 'duration', where);
      if ('unitSetting' in rule.limit) needSetting(rule.limit.unitSetting, 'dayUnit', where);
      if ('fact' in rule.limit) {
        const fact = policy.facts.find((f) => f.name === (rule.limit as { fact: string }).fact);
        if (fact?.kind !== 'integer') {
          ctx.addIssue({ code: 'custom', message: `${where}: no integer fact '${rule.limit.fact}'` });
        }
      }
      if (rule.reading !== undefined) {
        if (rule.kind !== 'lowerBound') {
          ctx.addIssue({ code: 'custom', message: `${where}: only a lower bound has a reading` });
        }
        if (typeof rule.reading === 'object') needSetting(rule.reading.setting, 'reading', where);
      }
      if (!Array.isArray(rule.reminders)) needSetting(rule.reminders.setting, 'leadTimes', where);
      if (rule.completedBy) needEvent(rule.completedBy, where);
      if (rule.remindersFrom) needEvent(rule.remindersFrom, where);
      if (rule.capOf && !ruleKeys.has(rule.capOf)) {
        ctx.addIssue({ code: 'custom', message: `${where}: capOf names unknown rule '${rule.capOf}'` });
      }
      for (const e of [...(rule.when?.eventsPresent ?? []), ...(rule.when?.eventsAbsent ?? [])])
        needEvent(e, where);
      for (const w of [rule.when?.eventWithin, rule.when?.eventNotWithin]) {
        if (w) {
          needEvent(w.event, where);
          needEvent(w.of, where);
        }
      }
      for (const fact of Object.keys(rule.when?.facts ?? {})) {
        if (!facts.has(fact)) ctx.addIssue({ code: 'custom', message: `${where}: unknown fact '${fact}'` });
      }
      for (const [name, values] of Object.entries(rule.when?.settings ?? {})) {
        needSetting(name, 'choice', where);
        const known = policy.settings.find((s) => s.key === name);
        for (const value of values) {
          if (known?.kind === 'choice' && !known.values.includes(value)) {
            ctx.addIssue({
              code: 'custom',
              message: `${where}: '${value}' is not a value of setting '${name}'`,
            });
          }
        }
      }
      if (
        rule.kind === 'deadline' &&
        rule.actor === 'staff' &&
        !rule.periodEnd &&
        !rule.capOf &&
        !rule.escalation
      ) {
        ctx.addIssue({ code: 'custom', message: `${where}: a staff deadline needs an escalation` });
      }
    }
  });

export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;
export type PolicyRule = Policy['rules'][number];
export type PolicySetting = Policy['settings'][number];
export type PolicyFact = Policy['facts'][number];
export type PolicyCondition = z.infer<typeof ConditionSchema>;
export type RuleAnchor = z.infer<typeof AnchorSchema>;
export type RuleLimit = z.infer<typeof LimitSchema>;

/** Checks a policy against the schema: the policy with its defaults, or INVALID_POLICY naming the issue. */
export function definePolicy(input: PolicyInput): Policy {
  const parsed = PolicySchema.safeParse(input);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.')}: ${first.message}` : 'invalid';
    throw new DomainError('INVALID_POLICY', `policy ${input.id}@${input.version} is invalid: ${where}`, {
      field: 'policy',
      value: `${input.id}@${input.version}`,
      issues: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  return parsed.data;
}
