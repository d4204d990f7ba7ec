// Reminder instants for a deadline (docs/rules.md "Notices and escalation": reminders go to the responsible
// role before the deadline, at policy-defined lead times such as half the time and one working day
// before). Day-based lead times fire at the start of the working morning, not at the deadline's clock
// time: a reminder at 23:59 the day before helps nobody. That is the policy's reminder time, or the
// start of business when the agency's hours do not include it (an office opening at 09:00 is told of
// "one working day before" at 09:00 that day, not at 09:00 the day before).
//
// A reminder is useful only while someone is at work, so each computed instant is then placed within
// the calendar's business hours on a working day (placeReminder). Only reminders move: breach alerts
// and escalations go out at once, at any hour.
import {
  describeBusinessHours,
  firstOpeningAfter,
  isWithinBusinessHours,
  latestOpeningAtOrBefore,
  type BusinessHours,
} from '../calendar/business-hours';
import type { BusinessCalendar } from '../calendar/types';
import { DomainError } from '../errors';
import { describeDuration } from './compute';
import {
  addMonths,
  atLocalTime,
  dayNumber,
  formatInstant,
  formatLocalText,
  isoDateOf,
  localDateOf,
  localWeekdayName,
  MS_PER_HOUR,
  type Instant,
} from '../time';
import type { DurationUnit, ReminderSpec } from '../types';

export type ReminderRule =
  { kind: 'fraction'; fraction: number } | { kind: 'before'; amount: number; unit: DurationUnit };

export function reminderKey(rule: ReminderRule): string {
  if (rule.kind === 'fraction') {
    return rule.fraction === 0.5 ? 'half-time' : `${Math.round(rule.fraction * 100)}-percent-time`;
  }
  // `3-calendar-days-before`: the duration's words, as a key.
  return `${describeDuration(rule).replace(/ /g, '-')}-before`;
}

function reminderInstant(
  calendar: BusinessCalendar,
  rule: ReminderRule,
  windowStart: Instant,
  dueAt: Instant,
  reminderTime: string,
  hours: BusinessHours,
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
  // HH:mm strings compare in clock order.
  const morning = reminderTime >= hours.start && reminderTime < hours.end ? reminderTime : hours.start;
  return atLocalTime(date, calendar.zone, morning);
}

const MS_PER_MINUTE = 60_000;

/** Where a reminder goes out, given the instant its lead time gives. */
export interface ReminderPlacement {
  at: Instant;
  /** Why `at` is not the computed instant; absent when the computed instant is within business hours. */
  movedBecause?: string;
  /** Set when the reminder goes out outside business hours because there are none to move it to. */
  outsideBusinessHours?: string;
}

/** The reminder placed just before this one: a later reminder must go out after it. */
export interface PreviousReminder {
  at: Instant;
  key: string;
}

/** Why an instant is outside business hours, e.g. "Saturday is not a working day". */
function whyOutside(calendar: BusinessCalendar, hours: BusinessHours, at: Instant): string {
  const zone = calendar.zone;
  const reason = calendar.nonWorkingReason(localDateOf(at, zone));
  if (reason?.reason === 'holiday') return `${reason.date} is a holiday (${reason.name ?? 'holiday'})`;
  if (reason) return `${localWeekdayName(at, zone)} is not a working day`;
  const clock = formatLocalText(at, zone).slice(11, 16);
  return clock < hours.start
    ? `${clock} is before the start of business`
    : `${clock} is after the close of business`;
}

/**
 * Places a reminder computed for `computed` (strictly between the clock start and the deadline) where
 * someone is at work. It must go out after the clock started and after the previous reminder (if any):
 * 1. within business hours on a working day: kept;
 * 2. otherwise the start of business of the latest working day that starts at or before it (Saturday
 *    01:49 → Friday 08:00, Tuesday 19:00 → Tuesday 08:00): earlier rather than later, because a
 *    reminder exists to leave time before the deadline;
 * 3. when that is not after the clock start (or the previous reminder), the start of the next working
 *    day, if that is before the deadline;
 * 4. when no working day starts in between either, the last minute of business of the day that opened
 *    before it (the clock started, or the previous reminder went out, during that day's hours);
 * 5. when there are no business hours at all between the clock start and the deadline, the computed
 *    instant itself. The deadline then falls before anyone is back at work, so whoever must act is
 *    working outside business hours and the policy's lead time is the best time to tell them. Sending
 *    it "at once" (at the clock start) instead would remind nobody: that instant has passed by the time
 *    the schedule is armed, and a case's watcher skips reminders whose time has passed.
 * Returns undefined when the reminder adds nothing: the previous one goes out at or after its computed
 * instant, or already took the last business hours before the deadline.
 * A placed reminder is always strictly after the clock start and the previous reminder, and strictly
 * before the deadline.
 */
export function placeReminder(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  computed: Instant,
  clockStart: Instant,
  dueAt: Instant,
  previous?: PreviousReminder,
): ReminderPlacement | undefined {
  const after = previous && previous.at > clockStart ? previous.at : clockStart;
  if (computed <= after) return undefined;
  if (isWithinBusinessHours(calendar, hours, computed)) return { at: computed };
  const zone = calendar.zone;
  const local = (at: Instant) => formatLocalText(at, zone);
  const outside = `outside business hours (${describeBusinessHours(hours, zone)}): ${whyOutside(calendar, hours, computed)}`;
  const bound =
    after === clockStart
      ? `the clock start (${local(clockStart)})`
      : `the ${previous?.key ?? 'previous'} reminder (${local(after)})`;
  const before = latestOpeningAtOrBefore(calendar, hours, computed);
  if (before.open > after) {
    const sameDay = localDateOf(before.open, zone) === localDateOf(computed, zone);
    return {
      at: before.open,
      movedBecause: `${outside}; moved to the start of the ${sameDay ? 'same' : 'previous'} working day`,
    };
  }
  const next = firstOpeningAfter(calendar, hours, computed);
  if (next.open < dueAt) {
    return {
      at: next.open,
      movedBecause: `${outside}; moved to the start of the next working day, because the start of the previous one (${local(before.open)}) is not after ${bound}`,
    };
  }
  // No working day starts between the bound and the deadline, so `before` opened at or before the bound;
  // the computed instant, outside business hours, is at or after its close: its last minute is earlier.
  const lastMinute = before.close - MS_PER_MINUTE;
  const deadline = `the deadline (${local(dueAt)})`;
  if (lastMinute > after) {
    return {
      at: lastMinute,
      movedBecause: `${outside}; no working day starts between ${bound} and ${deadline}, so moved to the last minute of business of ${localDateOf(lastMinute, zone)}`,
    };
  }
  const businessHoursAfterClockStart =
    before.open > clockStart || next.open < dueAt || lastMinute > clockStart;
  if (businessHoursAfterClockStart) return undefined;
  return {
    at: computed,
    outsideBusinessHours: `${outside}; there are no business hours between the clock start (${local(clockStart)}) and ${deadline}, so it goes out at the computed instant`,
  };
}

/**
 * Concrete reminder instants strictly after the window start (the clock start) and strictly before the
 * deadline, placed within business hours (placeReminder), in the order they go out. Lead times that
 * would fall before the window start are dropped, and so is a reminder that would go out at or before
 * the one computed before it (one message, not two in the same minute or out of order).
 */
export function computeReminders(
  calendar: BusinessCalendar,
  rules: readonly ReminderRule[],
  windowStart: Instant,
  dueAt: Instant,
  reminderTime: string,
  hours: BusinessHours = calendar.businessHours,
): ReminderSpec[] {
  const zone = calendar.zone;
  const computed = rules
    .map((rule) => ({
      key: reminderKey(rule),
      at: reminderInstant(calendar, rule, windowStart, dueAt, reminderTime, hours),
    }))
    .filter((r) => r.at > windowStart && r.at < dueAt)
    .sort((a, b) => a.at - b.at)
    // Of two rules computed for one instant, the policy's first is kept (the sort is stable).
    .filter((r, i, sorted) => i === 0 || sorted[i - 1]?.at !== r.at);
  const reminders: ReminderSpec[] = [];
  let previous: PreviousReminder | undefined;
  for (const reminder of computed) {
    const placed = placeReminder(calendar, hours, reminder.at, windowStart, dueAt, previous);
    if (!placed) continue;
    const spec: ReminderSpec = { key: reminder.key, at: formatInstant(placed.at, zone) };
    if (placed.movedBecause !== undefined) {
      spec.computedAt = formatInstant(reminder.at, zone);
      spec.movedBecause = placed.movedBecause;
    }
    if (placed.outsideBusinessHours !== undefined) spec.outsideBusinessHours = placed.outsideBusinessHours;
    reminders.push(spec);
    previous = { at: placed.at, key: reminder.key };
  }
  return reminders;
}
