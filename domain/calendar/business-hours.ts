// Business hours: when someone is at the office to read a reminder. They are an agency setting per
// calendar (the worker's `calendars.<id>.businessHours`); a calendar's default is 08:00–17:00 local
// on its working days. The interval is half-open: at 17:00 the office has closed.
import { DomainError } from '../errors';
import {
  dayNumber,
  isoDateOf,
  localDateOf,
  localToInstant,
  parseClockTime,
  type DayNumber,
  type Instant,
} from '../time';
import type { BusinessHours } from '../types';
import type { BusinessCalendar } from './types';

export type { BusinessHours } from '../types';

export const DEFAULT_BUSINESS_HOURS: Readonly<BusinessHours> = Object.freeze({
  start: '08:00',
  end: '17:00',
});

// A calendar with no working day in a year would make a search for the next opening run forever; no
// statute closes an office for a year, so a search this long means the calendar data is broken.
const MAX_DAYS_SEARCHED = 400;

/** Checks `HH:mm` times with start before end (no overnight hours); names the field on failure. */
export function validateBusinessHours(value: unknown, field = 'businessHours'): BusinessHours {
  const hours = value as Partial<BusinessHours> | null;
  if (typeof hours !== 'object' || hours === null) {
    throw new DomainError('INVALID_SETTING', `${field}: expected { start: 'HH:mm', end: 'HH:mm' }`, {
      field,
      value,
    });
  }
  const start = parseClockTime(String(hours.start), `${field}.start`);
  const end = parseClockTime(String(hours.end), `${field}.end`);
  if (start.hour * 60 + start.minute >= end.hour * 60 + end.minute) {
    throw new DomainError(
      'INVALID_SETTING',
      `${field}: start ${String(hours.start)} is not before end ${String(hours.end)}`,
      { field, value, rule: 'start before end, within one day' },
    );
  }
  return { start: String(hours.start), end: String(hours.end) };
}

/** `08:00–17:00 America/Chicago`, for explanations. */
export function describeBusinessHours(hours: BusinessHours, zone: string): string {
  return `${hours.start}–${hours.end} ${zone}`;
}

/** The business-hours interval of a civil day, [open, close), as instants. */
export function businessIntervalOf(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  day: DayNumber,
): { open: Instant; close: Instant } {
  const date = isoDateOf(day);
  const start = parseClockTime(hours.start);
  const end = parseClockTime(hours.end);
  return {
    open: localToInstant(date, calendar.zone, start.hour, start.minute),
    close: localToInstant(date, calendar.zone, end.hour, end.minute),
  };
}

/** Whether someone is at work at `at`: a working day of the calendar, within its business hours. */
export function isWithinBusinessHours(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  at: Instant,
): boolean {
  const day = dayNumber(localDateOf(at, calendar.zone));
  if (!calendar.isWorkingDayNumber(day)) return false;
  const { open, close } = businessIntervalOf(calendar, hours, day);
  return at >= open && at < close;
}

function searchFailed(calendar: BusinessCalendar, at: Instant, direction: string): DomainError {
  return new DomainError(
    'INVALID_DATE',
    `${calendar.id}: no working day within ${MAX_DAYS_SEARCHED} days ${direction} ${localDateOf(at, calendar.zone)}`,
    { field: 'calendar', value: calendar.id },
  );
}

type Opening = { open: Instant; close: Instant; day: DayNumber };

/** The opening of the latest working day that opens at or before `at`, and that day. */
export function latestOpeningAtOrBefore(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  at: Instant,
): Opening {
  return searchOpening(calendar, hours, at, 'before');
}

/** The opening of the first working day that opens strictly after `at`, and that day. */
export function firstOpeningAfter(calendar: BusinessCalendar, hours: BusinessHours, at: Instant): Opening {
  return searchOpening(calendar, hours, at, 'after');
}

/** Walks working days from `at`'s local day, back or forth, to the first opening on that side of `at`. */
function searchOpening(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  at: Instant,
  direction: 'before' | 'after',
): Opening {
  const step = direction === 'before' ? -1 : 1;
  const first = dayNumber(localDateOf(at, calendar.zone));
  for (let day = first; Math.abs(day - first) < MAX_DAYS_SEARCHED; day += step) {
    if (!calendar.isWorkingDayNumber(day)) continue;
    const interval = businessIntervalOf(calendar, hours, day);
    if (direction === 'before' ? interval.open <= at : interval.open > at) return { ...interval, day };
  }
  throw searchFailed(calendar, at, direction);
}
