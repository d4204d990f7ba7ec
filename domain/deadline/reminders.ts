// Reminder instants for a deadline (DESIGN.md "Notices and escalation": reminders go to the responsible
// role before the deadline, at policy-defined lead times such as half the time and one working day
// before). Day-based lead times fire at the start of the working morning, not at the deadline's clock
// time: a reminder at 23:59 the day before helps nobody.
import type { BusinessCalendar } from '../calendar/types';
import { DomainError } from '../errors';
import {
  addMonths,
  atLocalTime,
  dayNumber,
  formatInstant,
  isoDateOf,
  localDateOf,
  MS_PER_HOUR,
  type Instant,
} from '../time';
import type { DurationUnit, ReminderSpec } from '../types';

export type ReminderRule =
  { kind: 'fraction'; fraction: number } | { kind: 'before'; amount: number; unit: DurationUnit };

const UNIT_SLUGS: Record<DurationUnit, [string, string]> = {
  hours: ['hour', 'hours'],
  calendarDays: ['calendar-day', 'calendar-days'],
  workingDays: ['working-day', 'working-days'],
  months: ['month', 'months'],
};

export function reminderKey(rule: ReminderRule): string {
  if (rule.kind === 'fraction') {
    return rule.fraction === 0.5 ? 'half-time' : `${Math.round(rule.fraction * 100)}-percent-time`;
  }
  const [one, many] = UNIT_SLUGS[rule.unit];
  return `${rule.amount}-${rule.amount === 1 ? one : many}-before`;
}

function reminderInstant(
  calendar: BusinessCalendar,
  rule: ReminderRule,
  windowStart: Instant,
  dueAt: Instant,
  reminderTime: string,
): Instant {
  if (rule.kind === 'fraction') {
    if (!(rule.fraction > 0 && rule.fraction < 1)) {
      throw new DomainError('INVALID_SETTING', `reminder fraction ${rule.fraction} is not between 0 and 1`, {
        value: rule.fraction,
      });
    }
    return windowStart + Math.round((dueAt - windowStart) * rule.fraction);
  }
  if (rule.unit === 'hours') return dueAt - rule.amount * MS_PER_HOUR;
  const dueDate = localDateOf(dueAt, calendar.zone);
  let date: string;
  if (rule.unit === 'calendarDays') {
    date = isoDateOf(dayNumber(dueDate) - rule.amount);
  } else if (rule.unit === 'months') {
    date = addMonths(dueDate, -rule.amount).date;
  } else {
    let day = dayNumber(dueDate);
    let counted = 0;
    while (counted < rule.amount) {
      day -= 1;
      if (calendar.isWorkingDayNumber(day)) counted += 1;
    }
    date = isoDateOf(day);
  }
  return atLocalTime(date, calendar.zone, reminderTime);
}

/**
 * Concrete reminder instants strictly after the window start (the anchor) and strictly before the
 * deadline, sorted, one per instant. Lead times that would fall before the anchor are dropped.
 */
export function computeReminders(
  calendar: BusinessCalendar,
  rules: readonly ReminderRule[],
  windowStart: Instant,
  dueAt: Instant,
  reminderTime: string,
): ReminderSpec[] {
  const seen = new Set<number>();
  const reminders: { at: Instant; key: string }[] = [];
  for (const rule of rules) {
    const at = reminderInstant(calendar, rule, windowStart, dueAt, reminderTime);
    if (at <= windowStart || at >= dueAt || seen.has(at)) continue;
    seen.add(at);
    reminders.push({ at, key: reminderKey(rule) });
  }
  reminders.sort((a, b) => a.at - b.at);
  return reminders.map((r) => ({ key: r.key, at: formatInstant(r.at, calendar.zone) }));
}
