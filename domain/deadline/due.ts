// One-shot deadline arithmetic from plain strings, for the CLI (`docket calendar due`) and the API's
// what-if endpoints. The anchor may be a date (it is day 0) or an instant with an offset.
import { getCalendar } from '../calendar/calendar';
import { DomainError } from '../errors';
import { formatInstant, formatLocalText, isIsoDate, parseInstant } from '../time';
import type { DeadlineExplanation, DurationUnit, IsoInstant } from '../types';
import { computeDue, computeEarliest, DURATION_UNITS, type Anchor } from './compute';

export interface DueResult {
  calendar: string;
  zone: string;
  /** The deadline (or, for `earliest`, the lower bound) as an ISO-8601 instant with the local offset. */
  at: IsoInstant;
  localText: string;
  explanation: DeadlineExplanation;
}

export function parseAmount(raw: string | number, field = 'N'): number {
  const value = typeof raw === 'number' ? raw : /^[-+]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (Number.isNaN(value)) {
    throw new DomainError('INVALID_AMOUNT', `${field}: '${String(raw)}' is not a whole number`, {
      field,
      value: raw,
    });
  }
  if (value < 0) {
    throw new DomainError('NEGATIVE_AMOUNT', `${field}: ${value} is negative`, { field, value });
  }
  return value;
}

export function parseUnit(raw: string): DurationUnit {
  if (!(DURATION_UNITS as readonly string[]).includes(raw)) {
    throw new DomainError('INVALID_UNIT', `unit: '${raw}' is not one of ${DURATION_UNITS.join(', ')}`, {
      field: 'unit',
      value: raw,
      known: DURATION_UNITS,
    });
  }
  return raw as DurationUnit;
}

export function parseAnchor(raw: string): Anchor {
  if (isIsoDate(raw)) return { kind: 'date', date: raw };
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) {
    throw new DomainError('INVALID_DATE', `anchor: '${raw}' is not a real date`, {
      field: 'anchor',
      value: raw,
    });
  }
  return { kind: 'instant', at: parseInstant(raw, 'anchor') };
}

export function dueFromAnchorText(
  calendarId: string,
  anchorText: string,
  amount: string | number,
  unit: string,
  options: { rollForward?: boolean; closeOfBusiness?: string; lowerBound?: boolean } = {},
): DueResult {
  const calendar = getCalendar(calendarId);
  const anchor = parseAnchor(anchorText);
  const limit = { amount: parseAmount(amount), unit: parseUnit(unit) };
  const computed = options.lowerBound
    ? computeEarliest(calendar, anchor, limit)
    : computeDue(calendar, anchor, limit, {
        rollForward: options.rollForward ?? false,
        ...(options.closeOfBusiness ? { closeOfBusiness: options.closeOfBusiness } : {}),
      });
  return {
    calendar: calendar.id,
    zone: calendar.zone,
    at: formatInstant(computed.at, calendar.zone),
    localText: formatLocalText(computed.at, calendar.zone),
    explanation: computed.explanation,
  };
}
