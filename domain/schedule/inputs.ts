// Case facts and agency settings: validated against the policy's declarations, defaults applied.
// Strings are accepted everywhere so the CLI and HTTP query parameters can pass values as typed.
import { DURATION_UNITS, LOWER_BOUND_READINGS, validateDuration } from '../deadline/compute';
import type { ReminderRule } from '../deadline/reminders';
import { DomainError } from '../errors';
import type { Policy, PolicySetting } from '../policies/schema';
import type { AppliedSetting, DurationSpec, DurationUnit, LowerBoundReading } from '../types';

export type FactValue = string | number | boolean;
export type SettingValue = DurationSpec | DurationUnit | ReminderRule[] | LowerBoundReading | string;

export interface ResolvedSetting {
  value: SettingValue;
  isDefault: boolean;
  definition: PolicySetting;
}

function invalidFact(name: string, value: unknown, message: string, known?: readonly string[]): DomainError {
  return new DomainError('INVALID_FACT', `fact '${name}': ${message}`, {
    field: `facts.${name}`,
    value,
    known,
  });
}

/** Refuses a fact or setting the policy does not define, listing those it does. */
function refuseUnknown(
  policy: Policy,
  kind: 'fact' | 'setting',
  given: Record<string, unknown>,
  known: string[],
): void {
  for (const name of Object.keys(given)) {
    if (!known.includes(name)) {
      throw new DomainError(
        kind === 'fact' ? 'INVALID_FACT' : 'INVALID_SETTING',
        `unknown ${kind} '${name}' for ${policy.id} (known: ${known.join(', ') || 'none'})`,
        { field: `${kind}s.${name}`, value: given[name], known },
      );
    }
  }
}

export function resolveFacts(policy: Policy, given: Record<string, unknown> = {}): Record<string, FactValue> {
  refuseUnknown(
    policy,
    'fact',
    given,
    policy.facts.map((f) => f.name),
  );
  const facts: Record<string, FactValue> = {};
  for (const definition of policy.facts) {
    const raw = given[definition.name];
    if (definition.kind === 'enum') {
      const value = raw ?? definition.default;
      if (value === undefined) {
        throw invalidFact(
          definition.name,
          raw,
          `is required (one of ${definition.values.join(', ')})`,
          definition.values,
        );
      }
      if (typeof value !== 'string' || !definition.values.includes(value)) {
        throw invalidFact(
          definition.name,
          raw,
          `'${String(value)}' is not one of ${definition.values.join(', ')}`,
          definition.values,
        );
      }
      facts[definition.name] = value;
    } else if (definition.kind === 'boolean') {
      const value = raw ?? definition.default ?? false;
      if (value === true || value === 'true') facts[definition.name] = true;
      else if (value === false || value === 'false') facts[definition.name] = false;
      else throw invalidFact(definition.name, raw, `'${String(value)}' is not true or false`);
    }
  }
  // Integers last: their maximum may depend on a boolean or enum fact resolved above.
  for (const definition of policy.facts) {
    if (definition.kind !== 'integer') continue;
    const raw = given[definition.name];
    if (raw === undefined) continue;
    const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
    if (typeof value !== 'number' || !Number.isInteger(value)) {
      throw invalidFact(definition.name, raw, `'${String(raw)}' is not a whole number`);
    }
    const max =
      definition.maxWhen && facts[definition.maxWhen.fact] === definition.maxWhen.equals
        ? definition.maxWhen.max
        : definition.max;
    if (value < definition.min || value > max) {
      throw invalidFact(
        definition.name,
        raw,
        `${value} is outside ${definition.min}-${max} (${definition.description})`,
      );
    }
    facts[definition.name] = value;
  }
  return facts;
}

const DURATION_TEXT = /^(\d+)\s*[: ]?\s*([a-zA-Z]+)$/;

function parseDurationText(text: string, field: string): DurationSpec {
  const match = DURATION_TEXT.exec(text.trim());
  const unit = match?.[2] as DurationUnit | undefined;
  if (!match || !unit || !DURATION_UNITS.includes(unit)) {
    if (/^-\d/.test(text.trim())) {
      throw new DomainError('NEGATIVE_AMOUNT', `${field}: '${text}' is negative`, { field, value: text });
    }
    throw new DomainError(
      'INVALID_SETTING',
      `${field}: '${text}' is not a duration like '15 workingDays' (units: ${DURATION_UNITS.join(', ')})`,
      { field, value: text, known: DURATION_UNITS },
    );
  }
  return { amount: Number(match[1]), unit };
}

function parseDuration(raw: unknown, field: string): DurationSpec {
  const spec =
    typeof raw === 'string'
      ? parseDurationText(raw, field)
      : typeof raw === 'object' && raw !== null
        ? (raw as DurationSpec)
        : undefined;
  if (!spec) {
    throw new DomainError('INVALID_SETTING', `${field}: expected a duration like '15 workingDays'`, {
      field,
      value: raw,
    });
  }
  validateDuration(spec, field);
  return { amount: spec.amount, unit: spec.unit };
}

function parseLeadTimes(raw: unknown, field: string): ReminderRule[] {
  const items: unknown[] =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean)
      : Array.isArray(raw)
        ? raw
        : [];
  if (!Array.isArray(raw) && typeof raw !== 'string') {
    throw new DomainError(
      'INVALID_SETTING',
      `${field}: expected a list like '30 calendarDays, 5 workingDays'`,
      {
        field,
        value: raw,
      },
    );
  }
  return items.map((item): ReminderRule => {
    if (item === 'half') return { kind: 'fraction', fraction: 0.5 };
    if (typeof item === 'object' && item !== null && (item as ReminderRule).kind === 'fraction') {
      return item as ReminderRule;
    }
    const spec = parseDuration(typeof item === 'object' && item !== null ? item : String(item), field);
    if (spec.amount === 0) {
      throw new DomainError('INVALID_SETTING', `${field}: a lead time of 0 is not a reminder`, {
        field,
        value: item,
      });
    }
    return { kind: 'before', amount: spec.amount, unit: spec.unit };
  });
}

export function parseSettingValue(definition: PolicySetting, raw: unknown): SettingValue {
  const field = `settings.${definition.key}`;
  switch (definition.kind) {
    case 'duration':
      return parseDuration(raw, field);
    case 'dayUnit':
      if (raw !== 'calendarDays' && raw !== 'workingDays') {
        throw new DomainError(
          'INVALID_SETTING',
          `${field}: '${String(raw)}' is not calendarDays or workingDays`,
          {
            field,
            value: raw,
            known: ['calendarDays', 'workingDays'],
          },
        );
      }
      return raw;
    case 'leadTimes':
      return parseLeadTimes(raw, field);
    case 'choice':
      if (typeof raw !== 'string' || !definition.values.includes(raw)) {
        throw new DomainError(
          'INVALID_SETTING',
          `${field}: '${String(raw)}' is not one of ${definition.values.join(', ')}`,
          { field, value: raw, known: definition.values },
        );
      }
      return raw;
    case 'reading':
      if (!(LOWER_BOUND_READINGS as readonly unknown[]).includes(raw)) {
        throw new DomainError(
          'INVALID_SETTING',
          `${field}: '${String(raw)}' is not ${LOWER_BOUND_READINGS.join(' or ')} (how "no earlier than N days after X" is counted)`,
          { field, value: raw, known: LOWER_BOUND_READINGS },
        );
      }
      return raw as LowerBoundReading;
  }
}

export function resolveSettings(
  policy: Policy,
  given: Record<string, unknown> = {},
): Map<string, ResolvedSetting> {
  refuseUnknown(
    policy,
    'setting',
    given,
    policy.settings.map((s) => s.key),
  );
  const resolved = new Map<string, ResolvedSetting>();
  for (const definition of policy.settings) {
    const raw = given[definition.key];
    resolved.set(
      definition.key,
      raw === undefined
        ? { value: definition.default as SettingValue, isDefault: true, definition }
        : { value: parseSettingValue(definition, raw), isDefault: false, definition },
    );
  }
  return resolved;
}

export function describeSettings(settings: Map<string, ResolvedSetting>): AppliedSetting[] {
  return [...settings.entries()].map(([key, s]) => ({
    key,
    value: s.value,
    isDefault: s.isDefault,
    description: s.definition.description,
  }));
}
