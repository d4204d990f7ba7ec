// Reminders land in business hours: placeReminder on its own (one function, so plain unit tests), and
// through computeSchedule with the real Oklahoma DOC grievance policy.
import {
  computeSchedule,
  DomainError,
  findEntry,
  getCalendar,
  placeReminder,
  type BusinessHours,
} from '../../domain';

const OK = getCalendar('us-ok-state');
const HOURS: BusinessHours = { start: '08:00', end: '17:00' };
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('the issue: an rts.response opened on a Saturday at 03:38', () => {
  // rts.submitted on Saturday 2026-10-03 at 03:38 CDT starts the clock of rts.response: 10 working days
  // (OP-090124 §III.E.10.b), day 0 being the Saturday. With no holiday in between, the 10th working day
  // is Friday 2026-10-16, so the deadline is 2026-10-16 23:59:59.999 CDT. The window is 13 days 20 h 22 min
  // (less a millisecond), half of it 6 days 22 h 11 min: the half-time reminder is computed for the next
  // Saturday, 2026-10-10 at 01:49 CDT, at night on a weekend. The start of the latest working day at or
  // before it is Friday 2026-10-09 08:00 CDT, six days after the clock started, so that is where it goes.
  const schedule = computeSchedule({
    policyId: 'ok-doc-grievance',
    events: { incident: '2026-10-02T16:00:00-05:00', 'rts.submitted': '2026-10-03T03:38:00-05:00' },
  });
  const entry = findEntry(schedule, 'rts.response');

  test('the deadline itself does not move', () => {
    expect(entry.dueAt).toBe('2026-10-16T23:59:59.999-05:00');
  });

  test('the half-time reminder moves from Saturday 01:49 to Friday 08:00; the other stays at 08:00', () => {
    expect(entry.reminders).toEqual([
      {
        key: 'half-time',
        at: '2026-10-09T08:00:00.000-05:00',
        computedAt: '2026-10-10T01:49:00.000-05:00',
        movedBecause:
          'outside business hours (08:00–17:00 America/Chicago): Saturday is not a working day; moved to the start of the previous working day',
      },
      // The working day before Friday 2026-10-16, at the policy's reminder time: within business hours.
      { key: '1-working-day-before', at: '2026-10-15T08:00:00.000-05:00' },
    ]);
    expect(schedule.businessHours).toEqual({ start: '08:00', end: '17:00', isDefault: true });
  });

  test("the agency's hours replace the default and are recorded with the schedule", () => {
    const agency = computeSchedule({
      policyId: 'ok-doc-grievance',
      events: { incident: '2026-10-02T16:00:00-05:00', 'rts.submitted': '2026-10-03T03:38:00-05:00' },
      businessHours: { 'us-ok-state': { start: '07:30', end: '16:00' } },
    });
    expect(agency.businessHours).toEqual({ start: '07:30', end: '16:00', isDefault: false });
    expect(findEntry(agency, 'rts.response').reminders[0]).toMatchObject({
      at: '2026-10-09T07:30:00.000-05:00',
      movedBecause: expect.stringMatching(/^outside business hours \(07:30–16:00 America\/Chicago\)/),
    });
    // A day-based lead time goes out when the office opens if that is after the policy's 08:00.
    const nine = computeSchedule({
      policyId: 'ok-doc-grievance',
      events: { incident: '2026-10-02T16:00:00-05:00', 'rts.submitted': '2026-10-03T03:38:00-05:00' },
      businessHours: { 'us-ok-state': { start: '09:00', end: '17:00' } },
    });
    expect(findEntry(nine, 'rts.response').reminders.map((r) => [r.key, r.at])).toEqual([
      ['half-time', '2026-10-09T09:00:00.000-05:00'],
      ['1-working-day-before', '2026-10-15T09:00:00.000-05:00'],
    ]);
    // Another calendar's hours do not apply to this policy's.
    const other = computeSchedule({
      policyId: 'ok-doc-grievance',
      events: { incident: '2026-10-02T16:00:00-05:00', 'rts.submitted': '2026-10-03T03:38:00-05:00' },
      businessHours: { 'us-ar-state': { start: '07:30', end: '16:00' } },
    });
    expect(findEntry(other, 'rts.response').reminders).toEqual(entry.reminders);
  });

  test('bad business hours are refused, naming the calendar, the field and the rule', () => {
    const attempt = (hours: unknown) => () =>
      computeSchedule({
        policyId: 'ok-doc-grievance',
        events: { incident: '2026-10-02T16:00:00-05:00' },
        businessHours: { 'us-ok-state': hours as BusinessHours },
      });
    expect(attempt({ start: '17:00', end: '08:00' })).toThrow(
      /businessHours\.us-ok-state: start 17:00 is not before end 08:00/,
    );
    expect(attempt({ start: '8am', end: '17:00' })).toThrow(
      /businessHours\.us-ok-state\.start: '8am' is not a 24-hour clock time/,
    );
    try {
      attempt({ start: '17:00', end: '17:00' })();
      throw new Error('not refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('INVALID_SETTING');
      expect((error as DomainError).details).toMatchObject({ field: 'businessHours.us-ok-state' });
    }
  });
});

describe('placeReminder', () => {
  // A 10-working-day window from Monday 2026-10-05 09:00 CDT to Monday 2026-10-19 end of day.
  const clockStart = at('2026-10-05T09:00:00-05:00');
  const dueAt = at('2026-10-19T23:59:59.999-05:00');
  const place = (computed: string, start = clockStart, due = dueAt) =>
    placeReminder(OK, HOURS, at(computed), start, due);

  test('within business hours on a working day: kept, with no explanation', () => {
    expect(place('2026-10-06T10:15:00-05:00')).toEqual({ at: at('2026-10-06T10:15:00-05:00') });
    expect(place('2026-10-06T08:00:00-05:00')).toEqual({ at: at('2026-10-06T08:00:00-05:00') });
    // 17:00 is closing time: the office has closed.
    expect(place('2026-10-06T17:00:00-05:00')?.at).toBe(at('2026-10-06T08:00:00-05:00'));
  });

  test('a Tuesday evening goes to the start of that Tuesday', () => {
    expect(place('2026-10-13T19:00:00-05:00')).toEqual({
      at: at('2026-10-13T08:00:00-05:00'),
      movedBecause:
        'outside business hours (08:00–17:00 America/Chicago): 19:00 is after the close of business; moved to the start of the same working day',
    });
  });

  test('before opening goes to the start of the previous working day', () => {
    // Tuesday 06:00 → Monday 08:00; Monday 06:00 → the Friday before.
    expect(place('2026-10-13T06:00:00-05:00')).toEqual({
      at: at('2026-10-12T08:00:00-05:00'),
      movedBecause:
        'outside business hours (08:00–17:00 America/Chicago): 06:00 is before the start of business; moved to the start of the previous working day',
    });
    expect(place('2026-10-12T06:00:00-05:00')?.at).toBe(at('2026-10-09T08:00:00-05:00'));
  });

  test('a holiday names the holiday and goes to the working day before it', () => {
    // Thanksgiving (Thursday 2026-11-26) and the day after are Oklahoma holidays (25 O.S. §82.1(A)).
    const placed = placeReminder(
      OK,
      HOURS,
      at('2026-11-27T10:00:00-06:00'),
      at('2026-11-16T09:00:00-06:00'),
      at('2026-12-04T23:59:59.999-06:00'),
    );
    expect(placed).toEqual({
      at: at('2026-11-25T08:00:00-06:00'),
      movedBecause:
        'outside business hours (08:00–17:00 America/Chicago): 2026-11-27 is a holiday (Day after Thanksgiving); moved to the start of the previous working day',
    });
  });

  test('when the start of the previous working day is before the clock started, the next one is used', () => {
    // An emergency grievance filed Friday 2026-11-20 at 18:00 CST is due 72 hours later, Monday 18:00.
    // Half time is Sunday 06:00; Friday 08:00 is before the filing, so Monday 08:00.
    const filed = at('2026-11-20T18:00:00-06:00');
    const due = filed + 72 * 3_600_000;
    expect(placeReminder(OK, HOURS, at('2026-11-22T06:00:00-06:00'), filed, due)).toEqual({
      at: at('2026-11-23T08:00:00-06:00'),
      movedBecause:
        'outside business hours (08:00–17:00 America/Chicago): Sunday is not a working day; moved to the start of the next working day, because the start of the previous one (2026-11-20 08:00 CST) is not after the clock start (2026-11-20 18:00 CST)',
    });
  });

  test('a clock that starts during business hours with no later working day before the deadline: the last minute of that day', () => {
    // Tuesday 14:00 → Wednesday 02:00 (12 hours): half time is Tuesday 20:00.
    const start = at('2026-10-13T14:00:00-05:00');
    const placed = placeReminder(OK, HOURS, at('2026-10-13T20:00:00-05:00'), start, start + 12 * 3_600_000);
    expect(placed?.at).toBe(at('2026-10-13T16:59:00-05:00'));
    expect(placed?.movedBecause).toMatch(
      /; no working day starts between the clock start \(2026-10-13 14:00 CDT\) and the deadline \(2026-10-14 02:00 CDT\), so moved to the last minute of business of 2026-10-13$/,
    );
  });

  test('no business hours at all before the deadline: the computed instant, saying why', () => {
    // Friday 18:00 → Sunday 18:00 (48 hours): nobody is at work in between.
    const start = at('2026-10-09T18:00:00-05:00');
    const placed = placeReminder(OK, HOURS, at('2026-10-10T18:00:00-05:00'), start, start + 48 * 3_600_000);
    expect(placed).toEqual({
      at: at('2026-10-10T18:00:00-05:00'),
      outsideBusinessHours:
        'outside business hours (08:00–17:00 America/Chicago): Saturday is not a working day; there are no business hours between the clock start (2026-10-09 18:00 CDT) and the deadline (2026-10-11 18:00 CDT), so it goes out at the computed instant',
    });
  });

  test('a reminder goes out after the previous one, or not at all', () => {
    // Computed before the previous reminder's instant: it adds nothing.
    const previous = { at: at('2026-10-13T10:00:00-05:00'), key: 'half-time' };
    expect(
      placeReminder(OK, HOURS, at('2026-10-13T09:00:00-05:00'), clockStart, dueAt, previous),
    ).toBeUndefined();
    // Tuesday 19:00 would move to Tuesday 08:00, before the previous one: the next morning instead.
    expect(
      placeReminder(OK, HOURS, at('2026-10-13T19:00:00-05:00'), clockStart, dueAt, previous)?.movedBecause,
    ).toMatch(
      /moved to the start of the next working day, because .* is not after the half-time reminder \(2026-10-13 10:00 CDT\)$/,
    );
    // The previous reminder took the last business minute before the deadline: nothing is left.
    const start = at('2026-10-09T10:00:00-05:00'); // Friday 10:00, due Saturday 10:00
    const last = { at: at('2026-10-09T16:59:00-05:00'), key: 'half-time' };
    expect(
      placeReminder(OK, HOURS, at('2026-10-10T06:00:00-05:00'), start, start + 24 * 3_600_000, last),
    ).toBeUndefined();
  });
});

describe('through computeSchedule', () => {
  test('a Friday-evening emergency grievance: half time moves to Monday 08:00, four hours before stays; the deadline does not move', () => {
    const schedule = computeSchedule({
      policyId: 'ok-doc-grievance',
      facts: { track: 'emergency' },
      events: { incident: '2026-11-18T14:00:00-06:00', 'grievance.filed': '2026-11-20T18:00:00-06:00' },
    });
    const entry = findEntry(schedule, 'grievance.response');
    // Breach alerts and escalations are not reminders: they go out at the deadline, whatever the hour.
    expect(entry.dueAt).toBe('2026-11-23T18:00:00.000-06:00');
    expect(entry.reminders.map((r) => [r.key, r.at, r.computedAt])).toEqual([
      ['half-time', '2026-11-23T08:00:00.000-06:00', '2026-11-22T06:00:00.000-06:00'],
      ['4-hours-before', '2026-11-23T14:00:00.000-06:00', undefined],
    ]);
  });

  test('the 4-hours-before reminder of a consultation never goes out before the 24-hours-before one', () => {
    // The hearing is Wednesday 09:00, so the consultation is due Tuesday 09:00; four hours before is
    // Tuesday 05:00, whose previous working-day start (Monday 08:00) is before the other reminder.
    const schedule = computeSchedule({
      policyId: 'ok-doc-discipline',
      events: {
        'report.filed': '2026-10-31T17:00:00-05:00',
        'report.accepted': '2026-10-31T18:00:00-05:00',
        'report.served': '2026-11-01T09:00:00-06:00',
        'representative.requested': '2026-11-01T09:10:00-06:00',
        'hearing.scheduledFor': '2026-11-04T09:00:00-06:00',
      },
    });
    expect(
      findEntry(schedule, 'representative.consult').reminders.map((r) => [r.key, iso(Date.parse(r.at))]),
    ).toEqual([
      ['24-hours-before', '2026-11-02T15:00:00.000Z'],
      ['4-hours-before', '2026-11-03T14:00:00.000Z'],
    ]);
  });
});
