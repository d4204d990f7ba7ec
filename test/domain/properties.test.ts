// Property tests (fast-check) for the deadline arithmetic over all four calendars and 1995-2045.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  CALENDAR_IDS,
  computeDue,
  computeEarliest,
  computeReminders,
  computeSchedule,
  getCalendar,
  localDateOf,
  type BusinessCalendar,
  type BusinessHours,
  type DurationUnit,
  type ReminderRule,
  type ReminderSpec,
} from '../../domain';

const calendarArb = fc.constantFrom(...CALENDAR_IDS).map((id) => getCalendar(id));
const dayArb = fc
  .integer({ min: 0, max: 50 * 366 })
  .map(
    (offset) => DateTime.fromISO('1995-01-01', { zone: 'UTC' }).plus({ days: offset }).toISODate() as string,
  );
// Instants anywhere in the range, minute precision, including the DST transition hours.
const instantArb = fc
  .integer({ min: Date.UTC(1995, 0, 1) / 60_000, max: Date.UTC(2045, 0, 1) / 60_000 })
  .map((minutes) => minutes * 60_000);
const dayUnitArb = fc.constantFrom<DurationUnit>('calendarDays', 'workingDays', 'months');

describe('deadline arithmetic properties', () => {
  test('monotonic in N: a longer limit never ends earlier (all units, with and without roll-forward)', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        fc.constantFrom<DurationUnit>('hours', 'calendarDays', 'workingDays', 'months'),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.boolean(),
        (calendar, at, unit, a, b, rollForward) => {
          const [small, large] = a <= b ? [a, b] : [b, a];
          const anchor = { kind: 'instant' as const, at };
          const first = computeDue(calendar, anchor, { amount: small, unit }, { rollForward });
          const second = computeDue(calendar, anchor, { amount: large, unit }, { rollForward });
          expect(first.at).toBeLessThanOrEqual(second.at);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('a working-day deadline (N ≥ 1) always lands on a working day, at the end of that day', () => {
    fc.assert(
      fc.property(calendarArb, dayArb, fc.integer({ min: 1, max: 40 }), (calendar, date, n) => {
        const due = computeDue(calendar, { kind: 'date', date }, { amount: n, unit: 'workingDays' });
        expect(calendar.isWorkingDay(due.date as string)).toBe(true);
        // the end of that local day: one millisecond later is the next day
        expect(localDateOf(due.at, calendar.zone)).toBe(due.date);
        expect(localDateOf(due.at + 1, calendar.zone)).not.toBe(due.date);
        // and exactly n working days lie in (date, due.date]
        let count = 0;
        for (
          let d = DateTime.fromISO(date).plus({ days: 1 });
          d.toISODate()! <= due.date!;
          d = d.plus({ days: 1 })
        ) {
          if (calendar.isWorkingDay(d.toISODate()!)) count += 1;
        }
        expect(count).toBe(n);
      }),
      { numRuns: 300 },
    );
  });

  test('hours are exact elapsed time, including across every DST change', () => {
    fc.assert(
      fc.property(calendarArb, instantArb, fc.integer({ min: 0, max: 24 * 30 }), (calendar, at, hours) => {
        const due = computeDue(calendar, { kind: 'instant', at }, { amount: hours, unit: 'hours' });
        expect(due.at - at).toBe(hours * 3_600_000);
      }),
      { numRuns: 500 },
    );
  });

  test('24 hours from just before a DST change is still 24 real hours', () => {
    for (const iso of [
      '2026-10-31T02:30:00-05:00',
      '2026-11-01T01:30:00-05:00',
      '2027-03-14T01:59:00-06:00',
    ]) {
      const at = Date.parse(iso);
      const due = computeDue(
        getCalendar('us-ok-state'),
        { kind: 'instant', at },
        { amount: 24, unit: 'hours' },
      );
      expect(due.at - at).toBe(24 * 3_600_000);
    }
  });

  test('roll-forward is idempotent and lands on a working day', () => {
    fc.assert(
      fc.property(
        calendarArb,
        dayArb,
        fc.integer({ min: 0, max: 60 }),
        dayUnitArb.filter((u) => u !== 'workingDays'),
        (calendar, date, n, unit) => {
          const once = computeDue(
            calendar,
            { kind: 'date', date },
            { amount: n, unit },
            { rollForward: true },
          );
          expect(calendar.isWorkingDay(once.date as string)).toBe(true);
          const again = computeDue(
            calendar,
            { kind: 'date', date: once.date as string },
            { amount: 0, unit: 'calendarDays' },
            { rollForward: true },
          );
          expect(again.at).toBe(once.at);
          expect(again.explanation.rolledForwardFrom).toBeUndefined();
          const plain = computeDue(calendar, { kind: 'date', date }, { amount: n, unit });
          expect(once.at).toBeGreaterThanOrEqual(plain.at);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a lower bound opens exactly one millisecond after the same deadline closes', () => {
    fc.assert(
      fc.property(
        calendarArb,
        dayArb,
        fc.integer({ min: 0, max: 40 }),
        dayUnitArb,
        (calendar, date, n, unit) => {
          const anchor = { kind: 'date' as const, date };
          const due = computeDue(calendar, anchor, { amount: n, unit });
          const earliest = computeEarliest(calendar, anchor, { amount: n, unit });
          expect(earliest.at - due.at).toBe(1);
        },
      ),
      { numRuns: 300 },
    );
  });
});

// ----- reminders in business hours --------------------------------------------------------------------

const MINUTE = 60_000;
const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Business hours from 05:00-11:00 openings, 4 to 11 hours long, on the quarter hour; or the default. */
const hoursArb: fc.Arbitrary<BusinessHours | undefined> = fc.option(
  fc
    .tuple(fc.integer({ min: 20, max: 44 }), fc.integer({ min: 16, max: 44 }))
    .map(([open, length]) => ({ start: hhmm(open * 15), end: hhmm(open * 15 + length * 15) })),
  { nil: undefined },
);

const reminderRuleArb: fc.Arbitrary<ReminderRule> = fc.oneof(
  fc.integer({ min: 5, max: 95 }).map((p) => ({ kind: 'fraction' as const, fraction: p / 100 })),
  fc.record({
    kind: fc.constant('before' as const),
    amount: fc.integer({ min: 1, max: 72 }),
    unit: fc.constant<DurationUnit>('hours'),
  }),
  fc.record({
    kind: fc.constant('before' as const),
    amount: fc.integer({ min: 1, max: 10 }),
    unit: fc.constantFrom<DurationUnit>('calendarDays', 'workingDays'),
  }),
);

const limitArb = fc.oneof(
  fc.record({ amount: fc.integer({ min: 1, max: 200 }), unit: fc.constant<DurationUnit>('hours') }),
  fc.record({ amount: fc.integer({ min: 1, max: 60 }), unit: fc.constant<DurationUnit>('calendarDays') }),
  fc.record({ amount: fc.integer({ min: 1, max: 30 }), unit: fc.constant<DurationUnit>('workingDays') }),
  fc.record({ amount: fc.integer({ min: 1, max: 3 }), unit: fc.constant<DurationUnit>('months') }),
);

/** [open, close) of a working date's business hours, by luxon (independent of the domain's arithmetic). */
function businessInterval(zone: string, date: string, hours: BusinessHours): [number, number] {
  const open = DateTime.fromISO(`${date}T${hours.start}`, { zone }).toMillis();
  const close = DateTime.fromISO(`${date}T${hours.end}`, { zone }).toMillis();
  return [open, close];
}

function inBusinessHours(calendar: BusinessCalendar, hours: BusinessHours, at: number): boolean {
  const local = DateTime.fromMillis(at, { zone: calendar.zone });
  const date = local.toISODate() as string;
  if (!calendar.isWorkingDay(date)) return false;
  const [open, close] = businessInterval(calendar.zone, date, hours);
  return at >= open && at < close;
}

/** Whether a whole business-hours minute starts after `from` and before `until`. */
function businessMinuteBetween(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  from: number,
  until: number,
): boolean {
  const firstMinute = Math.ceil((from + 1) / MINUTE) * MINUTE;
  let day = DateTime.fromMillis(from, { zone: calendar.zone }).startOf('day');
  const last = DateTime.fromMillis(until, { zone: calendar.zone }).toISODate() as string;
  for (; (day.toISODate() as string) <= last; day = day.plus({ days: 1 })) {
    const date = day.toISODate() as string;
    if (!calendar.isWorkingDay(date)) continue;
    const [open, close] = businessInterval(calendar.zone, date, hours);
    const minute = Math.max(open, firstMinute);
    if (minute + MINUTE <= close && minute < until) return true;
  }
  return false;
}

/** The reminder rules: in business hours or the documented exception, inside the window, in order. */
function expectWellPlaced(
  calendar: BusinessCalendar,
  hours: BusinessHours,
  reminders: readonly ReminderSpec[],
  clockStart: number,
  dueAt: number,
): void {
  let previous = clockStart;
  for (const reminder of reminders) {
    const at = Date.parse(reminder.at);
    expect(at).toBeGreaterThan(previous);
    expect(at).toBeLessThan(dueAt);
    previous = at;
    if (reminder.outsideBusinessHours !== undefined) {
      // The "no business hours before the deadline" case: nobody is at work from the clock start on.
      expect(businessMinuteBetween(calendar, hours, clockStart, dueAt)).toBe(false);
      expect(reminder.movedBecause).toBeUndefined();
    } else {
      expect(inBusinessHours(calendar, hours, at)).toBe(true);
    }
    // A moved reminder shows where it was computed for, which was outside business hours.
    expect(reminder.computedAt === undefined).toBe(reminder.movedBecause === undefined);
    if (reminder.computedAt !== undefined) {
      const computed = Date.parse(reminder.computedAt);
      expect(inBusinessHours(calendar, hours, computed)).toBe(false);
      expect(computed).toBeGreaterThan(clockStart);
      expect(computed).toBeLessThan(dueAt);
    }
  }
}

describe('reminders in business hours', () => {
  test('over random clock starts, limits, lead times and business hours: within business hours on a working day or the documented exception, never before the clock starts, never after the deadline', () => {
    fc.assert(
      fc.property(
        calendarArb,
        instantArb,
        limitArb,
        fc.array(reminderRuleArb, { minLength: 1, maxLength: 4 }),
        hoursArb,
        fc.constantFrom('06:00', '08:00', '12:30', '18:00'),
        (calendar, clockStart, limit, rules, configured, reminderTime) => {
          const hours = configured ?? calendar.businessHours;
          const due = computeDue(calendar, { kind: 'instant', at: clockStart }, limit);
          const reminders = computeReminders(calendar, rules, clockStart, due.at, reminderTime, hours);
          expectWellPlaced(calendar, hours, reminders, clockStart, due.at);
          // Unique keys: the notice key of each reminder must be unique within the entry.
          const keys = reminders.map((r) => r.key);
          expect(new Set(keys).size).toBe(keys.length);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  test('the real policies: grievances opened at random instants, every track, every reminder well placed', () => {
    fc.assert(
      fc.property(
        instantArb,
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.constantFrom('general', 'medical', 'sexual-abuse'),
        fc.constantFrom('standard', 'emergency'),
        hoursArb,
        (incident, minutesLater, category, track, configured) => {
          const opened = incident + minutesLater * MINUTE;
          const calendar = getCalendar('us-ok-state');
          const hours = configured ?? calendar.businessHours;
          const local = (ms: number) => DateTime.fromMillis(ms, { zone: calendar.zone }).toISO() as string;
          const events: Record<string, string> = { incident: local(incident) };
          if (track === 'standard' && category !== 'sexual-abuse') events['rts.submitted'] = local(opened);
          else events['grievance.filed'] = local(opened);
          const schedule = computeSchedule({
            policyId: 'ok-doc-grievance',
            facts: { category, track },
            events,
            ...(configured ? { businessHours: { 'us-ok-state': configured } } : {}),
          });
          const staff = schedule.entries.filter((e) => e.actor === 'staff' && e.kind === 'deadline');
          expect(staff.length).toBeGreaterThan(0);
          for (const entry of staff) {
            expectWellPlaced(
              calendar,
              hours,
              entry.reminders,
              Date.parse(entry.anchorAt),
              Date.parse(entry.dueAt as string),
            );
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
