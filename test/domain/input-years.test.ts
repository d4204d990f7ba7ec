// Dates and instants from a case system must fall in years the holiday calendars can count from, with
// room for the deadlines counted after them; anything else is refused when the intake or event is
// parsed, naming the rule, rather than failing the case's schedule later.
import { isoDateSchema, isoInstantSchema } from '../../domain/cases/common';
import { getCalendar } from '../../domain/calendar';
import { CALENDAR_YEARS, INPUT_YEARS } from '../../domain/time';

const RULE = 'a year from 1901 to 2099 (the holiday calendars cover 1900 to 2200)';
const dateSchema = isoDateSchema('a date like 2027-11-22');

test.each([
  ['1900-12-31T23:59:59Z', false],
  ['1901-01-01T00:00:00Z', true],
  ['2099-12-31T23:59:59.999-06:00', true],
  ['2100-01-01T00:00:00Z', false],
  ['0000-01-01T00:00:00Z', false],
])('instant %s accepted: %s', (value, accepted) => {
  const parsed = isoInstantSchema.safeParse(value);
  expect(parsed.success).toBe(accepted);
  if (!parsed.success) expect(parsed.error.issues.map((issue) => issue.message)).toEqual([RULE]);
});

test.each([
  ['1900-06-30', false],
  ['1901-01-01', true],
  ['2099-12-31', true],
  ['2100-02-28', false],
])('date %s accepted: %s', (value, accepted) => {
  expect(dateSchema.safeParse(value).success).toBe(accepted);
});

test('the input years leave the calendars a year before and a century after', () => {
  expect(INPUT_YEARS.first).toBe(CALENDAR_YEARS.first + 1);
  expect(CALENDAR_YEARS.last - INPUT_YEARS.last).toBeGreaterThanOrEqual(100);
  const calendar = getCalendar('us-ok-state');
  expect(calendar.holidays(CALENDAR_YEARS.last).length).toBeGreaterThan(0);
  expect(() => calendar.holidays(CALENDAR_YEARS.last + 1)).toThrow(/year 2201 is outside 1900-2200/);
});
