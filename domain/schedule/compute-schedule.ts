// computeSchedule: the one function the workflows (through an activity), the API and the CLI preview
// use to turn a policy version, the case facts and the recorded events into dated schedule entries.
// It is pure: same input, same output; `now` only classifies entries as breached and is optional.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { validateBusinessHours } from '../calendar/business-hours';
import { getCalendar } from '../calendar/calendar';
import type { BusinessCalendar } from '../calendar/types';
import {
  computeDue,
  computeDueBefore,
  computeEarliest,
  describeDuration,
  type ComputedLimit,
  type LimitOptions,
} from '../deadline/compute';
import { validateExtension } from '../deadline/extensions';
import { computeReminders, type ReminderRule } from '../deadline/reminders';
import { DomainError } from '../errors';
import { renderSource } from '../policies/common';
import { getPolicy } from '../policies/registry';
import type { Policy, PolicyCondition, PolicyRule } from '../policies/schema';
import { formatInstant, formatLocalText, localDateOf, parseInstant, type Instant } from '../time';
import type {
  AppliedBusinessHours,
  AwaitingEntry,
  DatedEntry,
  DeadlineState,
  DurationSpec,
  ExtensionPolicy,
  ExtensionRecord,
  LowerBoundReading,
  Schedule,
  ScheduleInput,
  Source,
} from '../types';

export type { ScheduleInput } from '../types';
import {
  describeSettings,
  resolveFacts,
  resolveSettings,
  type FactValue,
  type ResolvedSetting,
} from './inputs';
import { extensionRecordSchema } from './entry';

const ScheduleInputSchema = sharedSchema('schedule/compute-schedule#ScheduleInputSchema', () =>
  z.object({
    policyId: z.string().min(1),
    policyVersion: z.string().min(1).optional(),
    facts: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    events: z.record(z.string(), z.string()),
    extensions: z.array(extensionRecordSchema).optional(),
    settings: z.record(z.string(), z.unknown()).optional(),
    businessHours: z.record(z.string(), z.unknown()).optional(),
    now: z.string().optional(),
  }),
);

interface Context {
  policy: Policy;
  calendar: BusinessCalendar;
  facts: Record<string, FactValue>;
  settings: Map<string, ResolvedSetting>;
  events: Map<string, Instant>;
  extensions: ExtensionRecord[];
  businessHours: AppliedBusinessHours;
  now?: Instant;
}

type Evaluation =
  | { type: 'entry'; entry: DatedEntry }
  | { type: 'awaiting'; awaiting: AwaitingEntry }
  | { type: 'not-applicable' };

function parseInput(input: ScheduleInput): z.infer<typeof ScheduleInputSchema> {
  const parsed = ScheduleInputSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') ?? 'input';
    throw new DomainError('INVALID_INPUT', `schedule input ${field}: ${issue?.message ?? 'invalid'}`, {
      field,
    });
  }
  return parsed.data;
}

function parseEvents(policy: Policy, raw: Record<string, string>): Map<string, Instant> {
  const known = policy.events.map((e) => e.key);
  const events = new Map<string, Instant>();
  for (const [key, value] of Object.entries(raw)) {
    if (!known.includes(key)) {
      throw new DomainError(
        'UNKNOWN_EVENT',
        `unknown event '${key}' for ${policy.id} (known: ${known.join(', ')})`,
        {
          field: `events.${key}`,
          value: key,
          known,
        },
      );
    }
    events.set(key, parseInstant(value, `event ${key}`));
  }
  for (const [earlier, later] of policy.order) {
    const a = events.get(earlier);
    const b = events.get(later);
    if (a !== undefined && b !== undefined && b < a) {
      throw new DomainError(
        'EVENT_OUT_OF_ORDER',
        `event '${later}' (${raw[later]}) is before '${earlier}' (${raw[earlier]})`,
        { field: `events.${later}`, value: raw[later], rule: `${earlier} must come first`, earlier, later },
      );
    }
  }
  return events;
}

/** Whether a "within N of X" window (day 0 = the day of X) contains the instant `of`. */
function isWithin(ctx: Context, event: Instant, of: Instant, limit: DurationSpec): boolean {
  const window = computeDue(ctx.calendar, { kind: 'instant', at: event }, limit);
  return of <= window.at && of >= event;
}

/** true when the condition holds, false when it does not, or the events still needed to decide it. */
function checkCondition(ctx: Context, when: PolicyCondition | undefined): true | false | string[] {
  if (!when) return true;
  for (const [fact, values] of Object.entries(when.facts ?? {})) {
    const value = ctx.facts[fact];
    if (value === undefined || !(values as FactValue[]).includes(value)) return false;
  }
  for (const [key, values] of Object.entries(when.settings ?? {})) {
    const value = ctx.settings.get(key)?.value;
    if (typeof value !== 'string' || !values.includes(value)) return false;
  }
  if ((when.eventsPresent ?? []).some((e) => !ctx.events.has(e))) return false;
  if ((when.eventsAbsent ?? []).some((e) => ctx.events.has(e))) return false;
  for (const [window, wanted] of [
    [when.eventWithin, true],
    [when.eventNotWithin, false],
  ] as const) {
    if (!window) continue;
    const event = ctx.events.get(window.event);
    if (event === undefined) {
      if (wanted) return false;
      continue;
    }
    const of = ctx.events.get(window.of);
    if (of === undefined) return [window.of];
    if (isWithin(ctx, event, of, window.limit) !== wanted) return false;
  }
  return true;
}

function resolveLimit(
  ctx: Context,
  rule: PolicyRule,
): { limit: DurationSpec; source: Source; related: Source[] } {
  const related = [...(rule.relatedSources ?? [])];
  const limit = rule.limit;
  if ('setting' in limit) {
    const { value, source } = agencySetting(ctx, limit.setting, false);
    return { limit: value as DurationSpec, source, related: [rule.source, ...related] };
  }
  if ('unitSetting' in limit) {
    const { value, source: unitSource } = agencySetting(ctx, limit.unitSetting, true);
    return {
      limit: { amount: limit.amount, unit: value as DurationSpec['unit'] },
      source: rule.source,
      related: [unitSource, ...related],
    };
  }
  if ('fact' in limit) {
    // evaluateRule has checked that the fact holds a positive whole number.
    return {
      limit: { amount: ctx.facts[limit.fact] as number, unit: limit.unit },
      source: rule.source,
      related,
    };
  }
  return { limit: { amount: limit.amount, unit: limit.unit }, source: rule.source, related };
}

/** A lower bound's reading, and the agency setting that chose it (if one did). */
function resolveReading(ctx: Context, rule: PolicyRule): { reading: LowerBoundReading; source?: Source } {
  const reading = rule.reading;
  if (reading === undefined || typeof reading === 'string') return { reading: reading ?? 'clear-days' };
  const { value, source } = agencySetting(ctx, reading.setting, true);
  return { reading: value as LowerBoundReading, source };
}

/** The value of an agency setting a rule reads, and the source naming it (with the value, if asked). */
function agencySetting(ctx: Context, key: string, withValue: boolean): { value: unknown; source: Source } {
  const setting = ctx.settings.get(key) as ResolvedSetting;
  const description = setting.definition.description;
  return {
    value: setting.value,
    source: {
      kind: 'agency-setting',
      setting: `${ctx.policy.id}.${key}`,
      isDefault: setting.isDefault,
      note: withValue ? `${String(setting.value)}: ${description}` : description,
    },
  };
}

/** The agency's business hours for the policy's calendar when it set them, else the calendar's default. */
function resolveBusinessHours(
  calendar: BusinessCalendar,
  given: Record<string, unknown> | undefined,
): AppliedBusinessHours {
  const configured = given?.[calendar.id];
  if (configured === undefined) return { ...calendar.businessHours, isDefault: true };
  return { ...validateBusinessHours(configured, `businessHours.${calendar.id}`), isDefault: false };
}

function reminderRules(ctx: Context, rule: PolicyRule): ReminderRule[] {
  if (Array.isArray(rule.reminders)) return rule.reminders;
  return ctx.settings.get(rule.reminders.setting)?.value as ReminderRule[];
}

function capInstant(
  ctx: Context,
  rule: PolicyRule,
  anchorAt: Instant,
  original: ComputedLimit,
  options: LimitOptions,
): ExtensionPolicy | undefined {
  const extension = rule.extension;
  if (!extension) return undefined;
  const policy: ExtensionPolicy = {
    approverRoles: [...extension.approverRoles],
    overrideAuthorities: [...extension.overrideAuthorities],
    requirement: extension.requirement,
  };
  if (extension.noticeTo) policy.noticeTo = extension.noticeTo;
  if (extension.overrideSource) policy.overrideSourceText = renderSource(extension.overrideSource);
  if (extension.cap) {
    const cap = { amount: extension.cap.amount, unit: extension.cap.unit };
    const capLimit =
      extension.cap.from === 'anchor'
        ? computeDue(ctx.calendar, { kind: 'instant', at: anchorAt }, cap, options)
        : cap.unit === 'hours'
          ? computeDue(ctx.calendar, { kind: 'instant', at: original.at }, cap, options)
          : computeDue(
              ctx.calendar,
              { kind: 'date', date: original.date ?? localDateOf(original.at, ctx.calendar.zone) },
              cap,
              {
                ...options,
                anchorDayIsFirstDay: false,
              },
            );
    policy.cap = { ...cap, from: extension.cap.from };
    policy.capAt = formatInstant(capLimit.at, ctx.calendar.zone);
    policy.capSourceText = renderSource(extension.cap.source);
  }
  return policy;
}

interface ResolvedAnchor {
  event: string;
  at: Instant;
  note?: string;
}

function resolveAnchor(ctx: Context, rule: PolicyRule): ResolvedAnchor | string[] {
  const anchor = rule.anchor;
  if ('latestOf' in anchor) {
    const missing = anchor.latestOf.filter((e) => !ctx.events.has(e));
    if (missing.length > 0) return missing;
    let latest: ResolvedAnchor | undefined;
    for (const e of anchor.latestOf) {
      const at = ctx.events.get(e) as Instant;
      if (!latest || at > latest.at) latest = { event: e, at };
    }
    const result = latest as ResolvedAnchor;
    return { ...result, note: `counted from ${result.event}, the later of ${anchor.latestOf.join(' and ')}` };
  }
  const key = 'before' in anchor ? anchor.before : anchor.event;
  const at = ctx.events.get(key);
  return at !== undefined ? { event: key, at } : [key];
}

function stateOf(
  ctx: Context,
  entry: DatedEntry,
  limitAt: Instant,
  completedAt: Instant | undefined,
): DeadlineState {
  if (entry.kind === 'lowerBound') {
    if (completedAt === undefined) return 'pending';
    return completedAt >= limitAt ? 'met' : 'breached';
  }
  const due = limitAt;
  if (completedAt !== undefined) return completedAt <= due ? 'met' : 'breached';
  if (ctx.now !== undefined && ctx.now > due && !entry.periodEnd) return 'breached';
  return entry.extensions.length > 0 ? 'extended' : 'pending';
}

function evaluateRule(ctx: Context, rule: PolicyRule): Evaluation {
  if ('fact' in rule.limit) {
    const amount = ctx.facts[rule.limit.fact];
    if (typeof amount !== 'number' || amount <= 0) return { type: 'not-applicable' };
  }
  const condition = checkCondition(ctx, rule.when);
  if (condition === false) return { type: 'not-applicable' };
  const anchorResult = resolveAnchor(ctx, rule);
  const missing = [
    ...(Array.isArray(condition) ? condition : []),
    ...(Array.isArray(anchorResult) ? anchorResult : []),
  ];
  if (missing.length > 0 || Array.isArray(anchorResult)) {
    return {
      type: 'awaiting',
      awaiting: { key: rule.key, rule: rule.rule, waitingFor: [...new Set(missing)] },
    };
  }
  let anchor = anchorResult;
  const { calendar, policy } = ctx;
  const zone = calendar.zone;
  const { limit, source, related } = resolveLimit(ctx, rule);
  const lowerBound = rule.kind === 'lowerBound' ? resolveReading(ctx, rule) : undefined;
  if (lowerBound?.source) related.push(lowerBound.source);
  const options: LimitOptions = {
    rollForward: rule.rollForward,
    anchorDayIsFirstDay: rule.anchorDayIsFirstDay,
  };
  if (policy.closeOfBusiness) options.closeOfBusiness = policy.closeOfBusiness;

  const compute = (from: ResolvedAnchor): ComputedLimit => {
    if ('before' in rule.anchor) return computeDueBefore(calendar, from.at, limit);
    const at = { kind: 'instant' as const, at: from.at };
    return lowerBound
      ? computeEarliest(calendar, at, limit, { ...options, reading: lowerBound.reading })
      : computeDue(calendar, at, limit, options);
  };

  let computed = compute(anchor);
  const notes: string[] = anchor.note ? [anchor.note] : [];
  const restart = 'event' in rule.anchor ? rule.anchor.restartOn : undefined;
  if (restart) {
    const documented = ctx.events.get(restart.requires);
    // Service itself shows the inmate was available, when availability was not recorded separately.
    const resumedEvent = ctx.events.has(restart.event) ? restart.event : rule.completedBy;
    const resumed = resumedEvent ? ctx.events.get(resumedEvent) : undefined;
    if (ctx.events.has(restart.event) && documented === undefined) {
      throw new DomainError(
        'MISSING_EVENT',
        `event '${restart.event}' needs '${restart.requires}' recorded first (${restart.note})`,
        { field: `events.${restart.requires}`, rule: rule.key },
      );
    }
    if (documented !== undefined) {
      if (documented > computed.at) {
        notes.push(
          `${restart.requires} was recorded after the original limit had passed, so the clock does not restart`,
        );
      } else if (resumed === undefined) {
        return {
          type: 'awaiting',
          awaiting: {
            key: rule.key,
            rule: rule.rule,
            waitingFor: [restart.event],
            note: `clock stopped: ${restart.requires} at ${formatLocalText(documented, zone)}; it restarts on ${restart.event} (${restart.note})`,
          },
        };
      } else {
        notes.push(
          `clock restarted on ${resumedEvent ?? restart.event}: ${restart.requires} was documented at ${formatLocalText(documented, zone)}, within the original limit (${restart.note})`,
        );
        anchor = { event: resumedEvent ?? restart.event, at: resumed };
        computed = compute(anchor);
      }
    }
  }

  const at = computed.at;
  const sourceText = renderSource(source);
  if ('fact' in rule.limit)
    notes.push(`${describeDuration(limit)} as decided for this case (${rule.limit.fact})`);
  // A period's end (probation, a look-back window) says how its days were counted, like a lower bound.
  if (rule.periodEnd && rule.kind === 'deadline' && computed.explanation.counting) {
    notes.push(`counting: ${computed.explanation.counting}`);
  }
  const summary = [
    `${anchor.event} ${formatLocalText(anchor.at, zone)}: ${computed.explanation.summary}`,
    ...notes,
  ].join('; ');
  const fields = {
    rule: rule.rule,
    source,
    sourceText,
    responsibleRole: rule.responsibleRole,
    action: rule.action,
    anchorEvent: anchor.event,
    anchorAt: formatInstant(anchor.at, zone),
    limit,
    calendar: calendar.id,
    zone,
    localText: formatLocalText(at, zone),
    explanation: { ...computed.explanation, summary },
    reminders: [],
    extensions: [],
    actor: rule.actor,
  };
  const entry: DatedEntry =
    rule.kind === 'deadline'
      ? { key: rule.key, kind: 'deadline', ...fields, dueAt: formatInstant(at, zone) }
      : { key: rule.key, kind: 'lowerBound', ...fields, earliest: formatInstant(at, zone) };
  if (rule.periodEnd) entry.periodEnd = true;
  if (rule.capOf) entry.capOf = rule.capOf;
  if (related.length > 0) entry.relatedSources = related;
  if (rule.escalation && rule.actor === 'staff' && !rule.periodEnd) entry.escalation = { ...rule.escalation };
  const extensionPolicy = capInstant(ctx, rule, anchor.at, computed, options);
  if (extensionPolicy) entry.extensionPolicy = extensionPolicy;

  let limitAt = at;
  for (const record of ctx.extensions.filter((e) => e.key === rule.key)) {
    const applied = validateExtension(policy, entry, record);
    entry.extensions.push(applied);
    // validateExtension refuses to extend anything but a deadline.
    if (entry.kind === 'deadline') entry.dueAt = applied.dueAt;
    const newDue = parseInstant(applied.dueAt);
    limitAt = newDue;
    entry.localText = formatLocalText(newDue, zone);
    entry.explanation = {
      ...entry.explanation,
      summary: `${entry.explanation.summary}; extended to ${entry.localText} by ${applied.approverRole}${applied.overrideAuthority ? ` on an order of ${applied.overrideAuthority}` : ''} (${applied.reason})`,
    };
  }

  if (rule.kind === 'deadline' && rule.actor === 'staff') {
    const windowStart = rule.remindersFrom ? ctx.events.get(rule.remindersFrom) : anchor.at;
    if (windowStart !== undefined) {
      entry.reminders = computeReminders(
        calendar,
        reminderRules(ctx, rule),
        windowStart,
        limitAt,
        policy.reminderTime,
        ctx.businessHours,
      );
    }
  }
  if (rule.completedBy) entry.completedBy = rule.completedBy;
  const completedAt = rule.completedBy ? ctx.events.get(rule.completedBy) : undefined;
  if (completedAt !== undefined) entry.completedAt = formatInstant(completedAt, zone);
  entry.state = stateOf(ctx, entry, limitAt, completedAt);
  return { type: 'entry', entry };
}

export function computeSchedule(input: ScheduleInput): Schedule {
  const parsed = parseInput(input);
  const policy = getPolicy(parsed.policyId, parsed.policyVersion);
  const calendar = getCalendar(policy.calendar);
  const ctx: Context = {
    policy,
    calendar,
    facts: resolveFacts(policy, parsed.facts),
    settings: resolveSettings(policy, parsed.settings),
    events: parseEvents(policy, parsed.events),
    extensions: parsed.extensions ?? [],
    businessHours: resolveBusinessHours(calendar, parsed.businessHours),
  };
  if (parsed.now !== undefined) ctx.now = parseInstant(parsed.now, 'now');

  const entries: DatedEntry[] = [];
  const awaiting = new Map<string, AwaitingEntry>();
  for (const rule of policy.rules) {
    const result = evaluateRule(ctx, rule);
    if (result.type === 'entry') {
      if (entries.some((existing) => existing.key === result.entry.key)) {
        throw new DomainError(
          'INVALID_POLICY',
          `${policy.id}@${policy.version}: two rules produced '${result.entry.key}'`,
          {
            key: result.entry.key,
          },
        );
      }
      entries.push(result.entry);
    } else if (result.type === 'awaiting' && !awaiting.has(rule.key)) {
      awaiting.set(rule.key, result.awaiting);
    }
  }
  for (const key of [...awaiting.keys()]) if (entries.some((e) => e.key === key)) awaiting.delete(key);
  for (const extension of ctx.extensions) {
    if (!entries.some((e) => e.key === extension.key)) {
      throw new DomainError(
        'UNKNOWN_ENTRY',
        `extension for '${extension.key}', which is not in this schedule (has: ${entries.map((e) => e.key).join(', ')})`,
        { key: extension.key, known: entries.map((e) => e.key) },
      );
    }
  }
  return {
    policyId: policy.id,
    policyVersion: policy.version,
    calendar: calendar.id,
    zone: calendar.zone,
    entries,
    awaiting: [...awaiting.values()],
    settings: describeSettings(ctx.settings),
    facts: ctx.facts,
    constraints: policy.constraints.map((c) => ({
      key: c.key,
      text: c.text,
      sourceText: renderSource(c.source),
    })),
    businessHours: ctx.businessHours,
  };
}
