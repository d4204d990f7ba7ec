// Deadline arithmetic with hand-worked dates (docs/rules.md "Deadline semantics").
import {
  checkDeadline,
  checkNotBefore,
  computeDue,
  computeEarliest,
  dueFromAnchorText,
  formatInstant,
  getCalendar,
  type DomainError,
  type ScheduleEntry,
} from '../../domain';

const OK = getCalendar('us-ok-state');
const AR = getCalendar('us-ar-state');
const instant = (iso: string) => ({ kind: 'instant' as const, at: Date.parse(iso) });
const date = (iso: string) => ({ kind: 'date' as const, date: iso });
const iso = (at: number) => formatInstant(at, 'America/Chicago');

describe('hours: exact elapsed time', () => {
  test.each([
    // 24 hours across the end of DST (2026-11-01 02:00 CDT → 01:00 CST): the wall clock shows 23 hours later
    ['2026-10-31T18:00:00-05:00', 24, '2026-11-01T17:00:00.000-06:00'],
    // 24 hours across the start of DST (2027-03-14 02:00 CST → 03:00 CDT): the wall clock shows 25 hours later
    ['2027-03-13T20:00:00-06:00', 24, '2027-03-14T21:00:00.000-05:00'],
    // 48 hours over a weekend and Thanksgiving: hours ignore the business calendar
    ['2026-11-25T09:00:00-06:00', 48, '2026-11-27T09:00:00.000-06:00'],
  ])('%s + %i hours = %s', (anchor, hours, expected) => {
    const due = computeDue(OK, instant(anchor), { amount: hours, unit: 'hours' });
    expect(iso(due.at)).toBe(expected);
    expect(due.at - Date.parse(anchor)).toBe(hours * 3_600_000);
  });

  test('the explanation says when a daylight-saving change is crossed', () => {
    const due = computeDue(OK, instant('2026-10-31T18:00:00-05:00'), { amount: 24, unit: 'hours' });
    expect(due.explanation.summary).toContain('across a daylight-saving change');
  });
});

describe('calendar days: day 0 is the day of X, due at the end of day N', () => {
  test('7 calendar days from an incident at 23:30 on Friday end at the end of the next Friday', () => {
    const due = computeDue(OK, instant('2026-11-06T23:30:00-06:00'), { amount: 7, unit: 'calendarDays' });
    expect(iso(due.at)).toBe('2026-11-13T23:59:59.999-06:00');
  });

  test('the day is taken in the calendar zone, not the offset the instant was written in', () => {
    // 2026-11-07T03:00Z is still 6 November in Oklahoma
    const due = computeDue(OK, instant('2026-11-07T03:00:00Z'), { amount: 7, unit: 'calendarDays' });
    expect(iso(due.at)).toBe('2026-11-13T23:59:59.999-06:00');
  });

  test('a date anchor is day 0 itself', () => {
    expect(iso(computeDue(OK, date('2026-11-06'), { amount: 0, unit: 'calendarDays' }).at)).toBe(
      '2026-11-06T23:59:59.999-06:00',
    );
  });

  test('close of business replaces 23:59:59.999 when set', () => {
    const due = computeDue(
      OK,
      date('2026-11-06'),
      { amount: 3, unit: 'calendarDays' },
      { closeOfBusiness: '17:00' },
    );
    expect(iso(due.at)).toBe('2026-11-09T17:00:00.000-06:00');
  });
});

describe('roll forward (25 O.S. §82.1(C))', () => {
  test('landing on Thanksgiving rolls over the day after and the weekend to Monday', () => {
    const due = computeDue(
      OK,
      date('2026-11-19'),
      { amount: 7, unit: 'calendarDays' },
      { rollForward: true },
    );
    expect(iso(due.at)).toBe('2026-11-30T23:59:59.999-06:00');
    expect(due.explanation.rolledForwardFrom).toBe('2026-11-26');
    expect(due.explanation.skipped).toEqual([
      { date: '2026-11-26', reason: 'holiday', name: 'Thanksgiving Day' },
      { date: '2026-11-27', reason: 'holiday', name: 'Day after Thanksgiving' },
      { date: '2026-11-28', reason: 'weekend' },
      { date: '2026-11-29', reason: 'weekend' },
    ]);
    expect(due.explanation.summary).toContain('rolls forward to 2026-11-30');
  });

  test('landing on New Year 2028 observed (Fri 2027-12-31) rolls across the year to Monday 2028-01-03', () => {
    const due = computeDue(
      OK,
      date('2027-12-16'),
      { amount: 15, unit: 'calendarDays' },
      { rollForward: true },
    );
    expect(iso(due.at)).toBe('2028-01-03T23:59:59.999-06:00');
    expect(due.explanation.rolledForwardFrom).toBe('2027-12-31');
  });

  test('without roll-forward the same limit stays on the holiday', () => {
    const due = computeDue(OK, date('2027-12-16'), { amount: 15, unit: 'calendarDays' });
    expect(iso(due.at)).toBe('2027-12-31T23:59:59.999-06:00');
    expect(due.explanation.rolledForwardFrom).toBeUndefined();
  });

  test('a working day is not moved', () => {
    const due = computeDue(
      OK,
      date('2026-11-20'),
      { amount: 10, unit: 'calendarDays' },
      { rollForward: true },
    );
    expect(iso(due.at)).toBe('2026-11-30T23:59:59.999-06:00');
    expect(due.explanation.skipped).toEqual([]);
  });
});

describe('working days: day N is the Nth working day after X', () => {
  test('10 working days from Thu 2026-12-17 skip Christmas Eve, Christmas, New Year and three weekends', () => {
    const due = computeDue(OK, date('2026-12-17'), { amount: 10, unit: 'workingDays' });
    expect(iso(due.at)).toBe('2027-01-05T23:59:59.999-06:00');
    const holidays = due.explanation.skipped.filter((s) => s.reason === 'holiday').map((s) => s.date);
    expect(holidays).toEqual(['2026-12-24', '2026-12-25', '2027-01-01']);
    expect(due.explanation.skipped.filter((s) => s.reason === 'weekend')).toHaveLength(6);
  });

  test('Oklahoma and Arkansas differ on the day after Thanksgiving', () => {
    expect(iso(computeDue(OK, date('2026-11-25'), { amount: 2, unit: 'workingDays' }).at)).toBe(
      '2026-12-01T23:59:59.999-06:00',
    );
    expect(iso(computeDue(AR, date('2026-11-25'), { amount: 2, unit: 'workingDays' }).at)).toBe(
      '2026-11-30T23:59:59.999-06:00',
    );
  });

  test('an anchor on a weekend is day 0; Monday is day 1', () => {
    expect(iso(computeDue(OK, date('2026-11-07'), { amount: 1, unit: 'workingDays' }).at)).toBe(
      '2026-11-09T23:59:59.999-06:00',
    );
  });
});

describe('months', () => {
  test('clamped to the end of a shorter month', () => {
    expect(iso(computeDue(AR, date('2026-08-31'), { amount: 6, unit: 'months' }).at)).toBe(
      '2027-02-28T23:59:59.999-06:00',
    );
  });

  test('a period whose first day is the anchor day ends the day before the monthly anniversary', () => {
    const options = { anchorDayIsFirstDay: true };
    expect(iso(computeDue(AR, date('2026-01-15'), { amount: 6, unit: 'months' }, options).at)).toBe(
      '2026-07-14T23:59:59.999-05:00',
    );
    // 31 March + 6 months: 31 September does not exist, so the period ends 30 September
    expect(iso(computeDue(AR, date('2026-03-31'), { amount: 6, unit: 'months' }, options).at)).toBe(
      '2026-09-30T23:59:59.999-05:00',
    );
  });
});

describe('lower bounds: no earlier than N after X', () => {
  test('days: the step may happen once day N has ended', () => {
    const earliest = computeEarliest(AR, date('2026-11-20'), { amount: 10, unit: 'workingDays' });
    expect(iso(earliest.at)).toBe('2026-12-08T00:00:00.000-06:00');
  });

  test('hours: exactly N hours after', () => {
    const earliest = computeEarliest(OK, instant('2026-11-25T15:00:00-06:00'), { amount: 24, unit: 'hours' });
    expect(iso(earliest.at)).toBe('2026-11-26T15:00:00.000-06:00');
  });
});

describe('input errors', () => {
  test.each([
    [{ amount: -1, unit: 'calendarDays' as const }, 'NEGATIVE_AMOUNT'],
    [{ amount: 1.5, unit: 'calendarDays' as const }, 'INVALID_AMOUNT'],
    [{ amount: 2, unit: 'fortnights' as never }, 'INVALID_UNIT'],
  ])('%j → %s', (limit, code) => {
    expect(() => computeDue(OK, date('2026-11-20'), limit)).toThrow(expect.objectContaining({ code }));
  });

  test('dueFromAnchorText rejects malformed anchors and instants without an offset', () => {
    expect(() => dueFromAnchorText('us-ok-state', '2026-13-01', 1, 'calendarDays')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE' }),
    );
    expect(() => dueFromAnchorText('us-ok-state', '2026-11-20T09:00:00', 1, 'hours')).toThrow(
      expect.objectContaining({ code: 'INVALID_DATE' }),
    );
    expect(() => dueFromAnchorText('us-ok-state', '2026-11-20', '-3', 'calendarDays')).toThrow(
      expect.objectContaining({ code: 'NEGATIVE_AMOUNT' }),
    );
  });

  test('dueFromAnchorText accepts a date (day 0) or an instant', () => {
    expect(dueFromAnchorText('us-ok-state', '2026-11-20', '10', 'workingDays').at).toBe(
      '2026-12-08T23:59:59.999-06:00',
    );
    expect(dueFromAnchorText('us-ok-state', '2026-11-20T09:00:00-06:00', 24, 'hours').at).toBe(
      '2026-11-21T09:00:00.000-06:00',
    );
  });
});

describe('checkDeadline / checkNotBefore', () => {
  const base = {
    rule: 'Staff respond in writing within 10 working days of receipt',
    sourceText: 'OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)',
    completedBy: 'rts.responded',
  } as Partial<ScheduleEntry>;
  const deadline = {
    ...base,
    key: 'rts.response',
    kind: 'deadline',
    dueAt: '2026-12-08T23:59:59.999-06:00',
    localText: '2026-12-08 23:59 CST',
  } as ScheduleEntry;
  const lowerBound = {
    ...base,
    key: 'hearing.earliest',
    kind: 'lowerBound',
    earliest: '2026-11-26T15:00:00.000-06:00',
    localText: '2026-11-26 15:00 CST',
  } as ScheduleEntry;

  test('on time passes; one millisecond late fails with the deadline, the rule and the source', () => {
    expect(() => checkDeadline(deadline, '2026-12-08T23:59:59.999-06:00')).not.toThrow();
    let caught: DomainError | undefined;
    try {
      checkDeadline(deadline, '2026-12-09T00:00:00.000-06:00');
    } catch (error) {
      caught = error as DomainError;
    }
    expect(caught?.code).toBe('DEADLINE_PASSED');
    expect(caught?.message).toContain('2026-12-08 23:59 CST');
    expect(caught?.message).toContain('within 10 working days');
    expect(caught?.message).toContain('§III.E.10.b');
    expect(caught?.details.dueAt).toBe('2026-12-08T23:59:59.999-06:00');
  });

  test('too early fails with the earliest allowed time', () => {
    expect(() => checkNotBefore(lowerBound, '2026-11-26T15:00:00-06:00')).not.toThrow();
    expect(() => checkNotBefore(lowerBound, '2026-11-26T14:59:00-06:00')).toThrow(
      expect.objectContaining({
        code: 'TOO_EARLY',
        details: expect.objectContaining({ earliest: lowerBound.earliest }),
      }),
    );
  });
});
