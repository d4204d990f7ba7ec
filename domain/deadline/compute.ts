// Deadline arithmetic (docs/rules.md "Deadline semantics"):
// - hours are exact elapsed time from the anchor instant, so a 24-hour limit across a daylight-saving
//   change is 24 real hours;
// - days are civil dates in the calendar's zone: the day of the anchor is day 0 and a deadline is the
//   end of day N (23:59:59.999 local, or the close of business when one is set);
// - working days skip the calendar's weekend days and holidays: day N is the Nth working day after the
//   anchor's date;
// - months are calendar months, clamped to the end of a shorter month;
// - roll-forward (25 O.S. §82.1(C)) moves a calendar-day or month deadline that lands on a weekend or
//   holiday to the end of the next working day;
// - a lower bound ("no earlier than N days after X") opens, by default, when day N has ended, i.e. at
//   the start of day N + 1 (the clear-days reading: a party given "at least N days" keeps all of day
//   N); a policy may let the agency choose the inclusive reading instead (day N counts: the bound opens
//   at the start of day N). Every day-based result states its counting in words.
import type { BusinessCalendar } from '../calendar/types';
import { DomainError } from '../errors';
import {
  addMonths,
  dayNumber,
  endOfLocalDay,
  formatLocalText,
  isoDateOf,
  localDateOf,
  MS_PER_HOUR,
  offsetMinutes,
  startOfLocalDay,
  type DayNumber,
  type Instant,
} from '../time';
import type {
  DeadlineExplanation,
  DurationSpec,
  DurationUnit,
  IsoDate,
  LowerBoundReading,
  SkippedDay,
} from '../types';

export const DURATION_UNITS: readonly DurationUnit[] = ['hours', 'calendarDays', 'workingDays', 'months'];
export const LOWER_BOUND_READINGS: readonly LowerBoundReading[] = ['clear-days', 'inclusive'];

/** The point a limit is counted from: an instant, or a civil date standing for "day 0". */
export type Anchor = { kind: 'instant'; at: Instant } | { kind: 'date'; date: IsoDate };

export interface LimitOptions {
  /** 25 O.S. §82.1(C): a calendar-day or month deadline on a non-working day moves to the next working day. */
  rollForward?: boolean;
  /** HH:mm local; unset means the end of the day (23:59:59.999). */
  closeOfBusiness?: string;
  /**
   * The anchor's day is the first day of the period rather than day 0: a 6-month probation that
   * "commence[s] on the day an employee receives official notification" (SD 2022-17 §III.F.1) starting
   * 15 January ends with 14 July.
   */
  anchorDayIsFirstDay?: boolean;
}

export interface ComputedLimit {
  /** Epoch milliseconds. */
  at: Instant;
  /** The civil date the limit falls on (after any roll-forward), for day-based units. */
  date?: IsoDate;
  explanation: DeadlineExplanation;
}

const UNIT_WORDS: Record<DurationUnit, [string, string]> = {
  hours: ['hour', 'hours'],
  calendarDays: ['calendar day', 'calendar days'],
  workingDays: ['working day', 'working days'],
  months: ['month', 'months'],
};

export function describeDuration(limit: DurationSpec): string {
  const [one, many] = UNIT_WORDS[limit.unit];
  return `${limit.amount} ${limit.amount === 1 ? one : many}`;
}

export function validateDuration(limit: DurationSpec, field = 'limit'): void {
  if (!DURATION_UNITS.includes(limit.unit)) {
    throw new DomainError(
      'INVALID_UNIT',
      `${field}: unknown unit '${String(limit.unit)}' (known: ${DURATION_UNITS.join(', ')})`,
      { field, value: limit.unit, known: DURATION_UNITS },
    );
  }
  if (typeof limit.amount !== 'number' || !Number.isFinite(limit.amount)) {
    throw new DomainError('INVALID_AMOUNT', `${field}: amount '${String(limit.amount)}' is not a number`, {
      field,
      value: limit.amount,
    });
  }
  if (limit.amount < 0) {
    throw new DomainError('NEGATIVE_AMOUNT', `${field}: amount ${limit.amount} is negative`, {
      field,
      value: limit.amount,
    });
  }
  if (!Number.isInteger(limit.amount)) {
    throw new DomainError('INVALID_AMOUNT', `${field}: amount ${limit.amount} is not a whole number`, {
      field,
      value: limit.amount,
    });
  }
}

function anchorDate(anchor: Anchor, zone: string): IsoDate {
  return anchor.kind === 'date' ? anchor.date : localDateOf(anchor.at, zone);
}

function anchorInstant(anchor: Anchor, zone: string): Instant {
  return anchor.kind === 'instant' ? anchor.at : startOfLocalDay(anchor.date, zone);
}

function anchorText(anchor: Anchor, zone: string): string {
  return anchor.kind === 'date' ? anchor.date : formatLocalText(anchor.at, zone);
}

/** The Nth working day after `from` (exclusive), collecting the non-working days passed over. */
function nthWorkingDayAfter(
  calendar: BusinessCalendar,
  from: DayNumber,
  count: number,
  skipped: SkippedDay[],
): DayNumber {
  let day = from;
  let counted = 0;
  while (counted < count) {
    day += 1;
    const reason = calendar.nonWorkingReasonOfDay(day);
    if (reason) skipped.push(reason);
    else counted += 1;
  }
  return day;
}

/** Rolls a date forward to the next working day (itself when it is one), collecting the days passed. */
export function rollForwardDay(calendar: BusinessCalendar, day: DayNumber, skipped: SkippedDay[]): DayNumber {
  let current = day;
  for (;;) {
    const reason = calendar.nonWorkingReasonOfDay(current);
    if (!reason) return current;
    skipped.push(reason);
    current += 1;
  }
}

function describeSkipped(skipped: readonly SkippedDay[]): string {
  if (skipped.length === 0) return '';
  const weekends = skipped.filter((s) => s.reason === 'weekend').map((s) => s.date);
  const holidays = skipped
    .filter((s) => s.reason === 'holiday')
    .map((s) => `${s.date} ${s.name ?? 'holiday'}`);
  const parts: string[] = [];
  if (weekends.length > 0) parts.push(`weekend days ${weekends.join(', ')}`);
  if (holidays.length > 0) parts.push(`holidays ${holidays.join(', ')}`);
  return `, skipping ${parts.join(' and ')}`;
}

/** The civil date a day-based limit falls on, before any roll-forward. */
function targetDay(
  calendar: BusinessCalendar,
  startDate: IsoDate,
  limit: DurationSpec,
  options: LimitOptions,
  skipped: SkippedDay[],
): DayNumber {
  const start = dayNumber(startDate);
  const firstDayShift = options.anchorDayIsFirstDay ? 1 : 0;
  switch (limit.unit) {
    case 'calendarDays':
      return start + limit.amount - (limit.amount > 0 ? firstDayShift : 0);
    case 'workingDays':
      return nthWorkingDayAfter(calendar, start, limit.amount, skipped);
    case 'months': {
      const { date, clamped } = addMonths(startDate, limit.amount);
      // A period that includes its first day ends the day before the same date N months on; when that
      // date does not exist (31 March + 6 months), the period ends on the last day of the shorter month.
      if (options.anchorDayIsFirstDay && limit.amount > 0 && !clamped) return dayNumber(date) - 1;
      return dayNumber(date);
    }
    default:
      throw new DomainError('INVALID_UNIT', `unit '${limit.unit}' is not day-based`, { value: limit.unit });
  }
}

/** "Within N of X": the last instant by which the step must be done. */
export function computeDue(
  calendar: BusinessCalendar,
  anchor: Anchor,
  limit: DurationSpec,
  options: LimitOptions = {},
): ComputedLimit {
  validateDuration(limit);
  const zone = calendar.zone;
  const what = `${describeDuration(limit)} after ${anchorText(anchor, zone)}`;
  if (limit.unit === 'hours') {
    const start = anchorInstant(anchor, zone);
    const at = start + limit.amount * MS_PER_HOUR;
    const dst =
      offsetMinutes(start, zone) !== offsetMinutes(at, zone) ? ' across a daylight-saving change' : '';
    return {
      at,
      explanation: {
        summary: `${what} is ${formatLocalText(at, zone)} (exact elapsed hours${dst})`,
        skipped: [],
      },
    };
  }
  const startDate = anchorDate(anchor, zone);
  const skipped: SkippedDay[] = [];
  const target = targetDay(calendar, startDate, limit, options, skipped);
  let final = target;
  let rolledForwardFrom: IsoDate | undefined;
  if (options.rollForward && limit.unit !== 'workingDays') {
    final = rollForwardDay(calendar, target, skipped);
    if (final !== target) rolledForwardFrom = isoDateOf(target);
  }
  const date = isoDateOf(final);
  const at = endOfLocalDay(date, zone, options.closeOfBusiness);
  const dayWord = options.anchorDayIsFirstDay ? '(day 1)' : '(day 0)';
  const counting = dueCounting(limit, startDate, isoDateOf(target), date, options, formatLocalText(at, zone));
  let summary = `${describeDuration(limit)} from ${startDate} ${dayWord} ends ${formatLocalText(at, zone)}`;
  if (rolledForwardFrom) {
    summary += `; ${rolledForwardFrom} is not a working day, so it rolls forward to ${date} (25 O.S. §82.1(C))`;
    summary += describeSkipped(skipped);
  } else {
    summary += describeSkipped(skipped);
  }
  return {
    at,
    date,
    explanation: rolledForwardFrom
      ? { summary, skipped, rolledForwardFrom, counting }
      : { summary, skipped, counting },
  };
}

/** "Within N days of X" in words: which day is day 0 (or day 1), and that the last day is included. */
function dueCounting(
  limit: DurationSpec,
  startDate: IsoDate,
  targetDate: IsoDate,
  finalDate: IsoDate,
  options: LimitOptions,
  endText: string,
): string {
  const n = describeDuration(limit);
  const first = options.anchorDayIsFirstDay
    ? `${startDate} is day 1 (the period includes the day it starts)`
    : `day 0 is ${startDate} (the day of the event, not counted)`;
  const last =
    limit.unit === 'months'
      ? `the last day is ${targetDate}, the same date ${n} on${options.anchorDayIsFirstDay ? ' less one day' : ''} (the last day of a shorter month when that date does not exist)`
      : `the last day is ${targetDate}, ${n} on`;
  const moved = finalDate !== targetDate ? `, rolled forward to ${finalDate}` : '';
  return `${first}; ${last}${moved}, included up to ${endText}; the next day is outside`;
}

/** "No earlier than N after X": the first instant at which the step may happen. */
export function computeEarliest(
  calendar: BusinessCalendar,
  anchor: Anchor,
  limit: DurationSpec,
  options: Pick<LimitOptions, 'anchorDayIsFirstDay'> & {
    /** Default `clear-days`: N full days pass after day 0 (DESIGN.md "Deadline semantics"). */
    reading?: LowerBoundReading;
  } = {},
): ComputedLimit {
  validateDuration(limit);
  const zone = calendar.zone;
  if (limit.unit === 'hours') {
    const start = anchorInstant(anchor, zone);
    const at = start + limit.amount * MS_PER_HOUR;
    return {
      at,
      explanation: {
        summary: `${describeDuration(limit)} after ${anchorText(anchor, zone)}: not before ${formatLocalText(at, zone)} (exact elapsed hours)`,
        skipped: [],
      },
    };
  }
  const reading = options.reading ?? 'clear-days';
  if (!LOWER_BOUND_READINGS.includes(reading)) {
    throw new DomainError(
      'INVALID_SETTING',
      `reading: '${String(reading)}' is not one of ${LOWER_BOUND_READINGS.join(', ')}`,
      { field: 'reading', value: reading, known: LOWER_BOUND_READINGS },
    );
  }
  const startDate = anchorDate(anchor, zone);
  const skipped: SkippedDay[] = [];
  const lastDay = targetDay(calendar, startDate, limit, options, skipped);
  const n = describeDuration(limit);
  let date = isoDateOf(reading === 'clear-days' ? lastDay + 1 : lastDay);
  let at = startOfLocalDay(date, zone);
  // Inclusive with N = 0 would open before the event itself: it opens at the event.
  const anchorAt = anchorInstant(anchor, zone);
  if (at < anchorAt) {
    at = anchorAt;
    date = startDate;
  }
  const atText = formatLocalText(at, zone);
  const counting =
    reading === 'clear-days'
      ? `clear days: day 0 is ${startDate}; ${n} must pass in full after it, through ${isoDateOf(lastDay)}, so the earliest is the start of the next day, ${atText}`
      : `inclusive reading: day 0 is ${startDate}; ${isoDateOf(lastDay)}, ${n} on, counts as the last day, so the earliest is its start, ${atText}`;
  const summary =
    `${n} from ${startDate} (day 0) run through ${isoDateOf(lastDay)}; ` +
    `not before ${atText}${describeSkipped(skipped)} (${counting})`;
  return { at, date, explanation: { summary, skipped, counting, reading } };
}

/** "At least N hours before X" (e.g. a consultation before a scheduled hearing). */
export function computeDueBefore(
  calendar: BusinessCalendar,
  event: Instant,
  limit: DurationSpec,
): ComputedLimit {
  validateDuration(limit);
  if (limit.unit !== 'hours') {
    throw new DomainError('INVALID_UNIT', `a limit before an event must be in hours, not '${limit.unit}'`, {
      value: limit.unit,
    });
  }
  const at = event - limit.amount * MS_PER_HOUR;
  return {
    at,
    explanation: {
      summary: `${describeDuration(limit)} before ${formatLocalText(event, calendar.zone)} is ${formatLocalText(at, calendar.zone)} (exact elapsed hours)`,
      skipped: [],
    },
  };
}
