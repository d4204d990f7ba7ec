// The notice activity formats local times with the domain's cached functions instead of luxon's
// `toFormat` (which builds an Intl.DateTimeFormat per call): luxon is the oracle here, so the text of a
// notice cannot change with the swap, DST transitions and half-hour zones included.
import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { formatLocalText, isKnownZone, localWeekdayName } from '../../domain/time';

const zones = [
  'America/Chicago',
  'America/New_York',
  'America/Phoenix',
  'America/Anchorage',
  'Pacific/Honolulu',
  'Europe/London',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
  'UTC',
];
// Minute precision over 1995-2045, so the DST transition hours are drawn too.
const instantArb = fc
  .integer({ min: Date.UTC(1995, 0, 1) / 60_000, max: Date.UTC(2045, 0, 1) / 60_000 })
  .map((minutes) => minutes * 60_000);

test('local text and weekday match luxon for any instant in the zones Docket serves and a few others', () => {
  fc.assert(
    fc.property(instantArb, fc.constantFrom(...zones), (instant, zone) => {
      const luxon = DateTime.fromMillis(instant, { zone, locale: 'en-US' });
      expect(formatLocalText(instant, zone)).toBe(luxon.toFormat('yyyy-MM-dd HH:mm ZZZZ'));
      expect(localWeekdayName(instant, zone)).toBe(luxon.toFormat('cccc'));
    }),
    { numRuns: 3_000 },
  );
});

test('the hour after a spring-forward and the repeated hour of a fall-back read as luxon reads them', () => {
  for (const iso of [
    '2026-03-08T07:59:00Z',
    '2026-03-08T08:00:00Z',
    '2026-11-01T06:30:00Z',
    '2026-11-01T07:30:00Z',
  ]) {
    const instant = Date.parse(iso);
    const luxon = DateTime.fromMillis(instant, { zone: 'America/Chicago', locale: 'en-US' });
    expect(formatLocalText(instant, 'America/Chicago')).toBe(luxon.toFormat('yyyy-MM-dd HH:mm ZZZZ'));
  }
  expect(formatLocalText(Date.parse('2026-11-01T06:30:00Z'), 'America/Chicago')).toBe('2026-11-01 01:30 CDT');
  expect(formatLocalText(Date.parse('2026-11-01T07:30:00Z'), 'America/Chicago')).toBe('2026-11-01 01:30 CST');
});

test('isKnownZone agrees with luxon on real, retired-alias and made-up zone names', () => {
  for (const name of [...zones, 'US/Central', 'America/Chicag', 'Mars/Olympus_Mons', '', 'cst', '+05:00']) {
    expect({ name, known: isKnownZone(name) }).toEqual({ name, known: IANAZone.isValidZone(name) });
  }
});
