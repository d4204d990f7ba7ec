// Property tests (fast-check) for the deadline arithmetic over all four calendars and 1995-2045.
import fc from 'fast-check';
import { DateTime } from 'luxon';
import {
  CALENDAR_IDS,
  computeDue,
  computeEarliest,
  getCalendar,
  localDateOf,
  type DurationUnit,
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
