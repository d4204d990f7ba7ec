// Civil dates and instants. Deadlines count *dates* in the calendar's zone ("day 0 is the day of X")
// but record *instants* with an explicit offset, so the two are kept apart:
// - a civil date is an ISO date string or an integer day number (days since 1970-01-01, zone-free);
// - an instant is epoch milliseconds (a plain number, cheap to add hours to and to compare);
// - luxon is used only for what needs the IANA time-zone database: the UTC offset of a zone at an
//   instant, and the zone's abbreviation (CST/CDT).
// Nothing here reads the clock.
import { DateTime, IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from 'luxon';
import { DomainError } from './errors';
import type { IsoDate, IsoInstant } from './types';

/**
 * The years the holiday calendars cover. A deadline engine has no business outside them, and the
 * bound keeps each calendar's per-year cache small.
 */
export const CALENDAR_YEARS = { first: 1900, last: 2200 } as const;
/**
 * The years a date or instant a case system sends may fall in: a year inside the calendars at the
 * start (a local date can be the day before its UTC one) and a century of room at the end for the
 * deadlines counted from it.
 */
export const INPUT_YEARS = { first: CALENDAR_YEARS.first + 1, last: CALENDAR_YEARS.last - 101 } as const;

/** Epoch milliseconds. */
export type Instant = number;

const floor = Math.floor;
/** Floor division that also works for instants before 1970. */
function floorDiv(value: number, divisor: number): number {
  return floor(value / divisor);
}
/** Days since 1970-01-01 of a civil date (no zone involved). */
export type DayNumber = number;

export const MS_PER_HOUR = 3_600_000;
const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// An offset (or Z) is mandatory: an instant without one is ambiguous by up to a day across US zones,
// which is exactly the kind of error Docket must never make silently.
const ISO_INSTANT =
  /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

/**
 * An IANA zone whose UTC offsets are memoised per quarter hour. Luxon answers offsets through
 * Intl.DateTimeFormat#formatToParts, which would make a schedule cost milliseconds. Every offset
 * change of the zones Docket uses (and of every zone since 1970) happens on a quarter-hour boundary
 * of UTC, so the offset is constant within each bucket. (This extends luxon's abstract Zone, not
 * Date, so it is safe in the workflow sandbox.)
 */
class MemoisedZone extends Zone {
  private readonly offsets = new Map<number, number>();

  constructor(private readonly inner: IANAZone) {
    super();
  }

  override get type(): string {
    return 'iana';
  }

  override get name(): string {
    return this.inner.name;
  }

  override get isUniversal(): boolean {
    return false;
  }

  override get isValid(): boolean {
    return this.inner.isValid;
  }

  override offsetName(ts: number, options: ZoneOffsetOptions): string | null {
    return this.inner.offsetName(ts, options);
  }

  override formatOffset(ts: number, format: ZoneOffsetFormat): string {
    return this.inner.formatOffset(ts, format);
  }

  override offset(ts: number): number {
    const bucket = floor(ts / 900_000);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      if (this.offsets.size > 200_000) this.offsets.clear();
      offset = this.inner.offset(ts);
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  override equals(other: Zone): boolean {
    return other.type === 'iana' && other.name === this.name;
  }
}

const zones = new Map<string, Zone>();

/** The (memoised) luxon zone for an IANA zone name. */
export function zoneFor(name: string): Zone {
  let zone = zones.get(name);
  if (!zone) {
    const inner = IANAZone.create(name);
    if (!inner.isValid) {
      throw new DomainError('INVALID_DATE', `unknown time zone '${name}'`, { field: 'zone', value: name });
    }
    zone = new MemoisedZone(inner);
    zones.set(name, zone);
  }
  return zone;
}

/** The zone's UTC offset in minutes at an instant. */
export function offsetMinutes(instant: Instant, zone: string): number {
  return zoneFor(zone).offset(instant);
}

// ----- civil dates -----------------------------------------------------------------------------------

export function isIsoDate(value: string): boolean {
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const year = +(match[1] as string);
  const month = +(match[2] as string);
  const day = +(match[3] as string);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function parseIsoDate(value: string, field = 'date'): IsoDate {
  if (!isIsoDate(value)) {
    throw new DomainError('INVALID_DATE', `${field}: '${value}' is not a valid ISO-8601 date (YYYY-MM-DD)`, {
      field,
      value,
    });
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  return month === 2
    ? isLeapYear(year)
      ? 29
      : 28
    : month === 4 || month === 6 || month === 9 || month === 11
      ? 30
      : 31;
}

/** Day number of a civil date (Howard Hinnant's days-from-civil algorithm). */
function daysFromCivil(year: number, month: number, day: number): DayNumber {
  const y = month <= 2 ? year - 1 : year;
  const era = (y / 400) | 0;
  const yoe = y - era * 400;
  const doy = (((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) | 0) + day - 1;
  const doe = yoe * 365 + ((yoe / 4) | 0) - ((yoe / 100) | 0) + doy;
  return era * 146_097 + doe - 719_468;
}

export function dayNumber(date: IsoDate): DayNumber {
  return daysFromCivil(+date.slice(0, 4), +date.slice(5, 7), +date.slice(8, 10));
}

/**
 * Civil date of a day number (Howard Hinnant's days-to-civil algorithm; no Date allocation). All
 * intermediate values are non-negative for dates after 0000-03-01, so `| 0` truncation is a floor.
 */
function civilFromDays(day: DayNumber): [number, number, number] {
  const z = day + 719_468;
  const era = (z / 146_097) | 0;
  const doe = z - era * 146_097;
  const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36_524) | 0) - ((doe / 146_096) | 0)) / 365) | 0;
  const doy = doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0));
  const mp = ((5 * doy + 2) / 153) | 0;
  const d = doy - (((153 * mp + 2) / 5) | 0) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** The calendar year of a day number. */
export function yearOfDay(day: DayNumber): number {
  return civilFromDays(day)[0];
}

// Hot-path helpers avoid global lookups (Math, String): under jest's vm sandbox every global access
// goes through an interceptor and dominated the micro-benchmark.
function pad2(value: number): string {
  return value < 10 ? `0${value}` : `${value}`;
}

export function isoDateOf(day: DayNumber): IsoDate {
  const [y, m, d] = civilFromDays(day);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** Local wall-clock fields of an instant at a given offset: "YYYY-MM-DD", "HH:mm", "ss.SSS". */
function wallClock(instant: Instant, offset: number): { date: string; hm: string; secondsMs: string } {
  const wall = instant + offset * MS_PER_MINUTE;
  const day = floorDiv(wall, MS_PER_DAY);
  const msOfDay = wall - day * MS_PER_DAY;
  const hour = (msOfDay / MS_PER_HOUR) | 0;
  const minute = ((msOfDay % MS_PER_HOUR) / MS_PER_MINUTE) | 0;
  const second = ((msOfDay % MS_PER_MINUTE) / 1000) | 0;
  const ms = msOfDay % 1000;
  return {
    date: isoDateOf(day),
    hm: `${pad2(hour)}:${pad2(minute)}`,
    secondsMs: `${pad2(second)}.${ms < 10 ? `00${ms}` : ms < 100 ? `0${ms}` : `${ms}`}`,
  };
}

/** ISO weekday of a day number: Monday = 1 ... Sunday = 7 (1970-01-01 was a Thursday). */
export function isoWeekday(day: DayNumber): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function addDays(date: IsoDate, days: number): IsoDate {
  return isoDateOf(dayNumber(date) + days);
}

/**
 * Calendar-month arithmetic on civil dates: same day of month, clamped to the month's last day when the
 * target month is shorter (Aug 31 + 6 months = Feb 28/29). Also reports whether clamping happened, which
 * period arithmetic needs.
 */
export function addMonths(date: IsoDate, months: number): { date: IsoDate; clamped: boolean } {
  const y = +date.slice(0, 4);
  const m = +date.slice(5, 7) - 1;
  const d = +date.slice(8, 10);
  const targetMonthIndex = m + months;
  const ty = y + floorDiv(targetMonthIndex, 12);
  const tm = (((targetMonthIndex % 12) + 12) % 12) + 1;
  const daysInTarget = daysInMonth(ty, tm);
  const td = d < daysInTarget ? d : daysInTarget;
  return { date: isoDateOf(daysFromCivil(ty, tm, td)), clamped: td < d };
}

// ----- instants --------------------------------------------------------------------------------------

export function isIsoInstant(value: string): boolean {
  const match = ISO_INSTANT.exec(value);
  if (!match) return false;
  const [, date, hour, minute, second, offsetHour, offsetMinute] = match;
  return (
    isIsoDate(date as string) &&
    +(hour as string) <= 23 &&
    +(minute as string) <= 59 &&
    +(second ?? 0) <= 59 &&
    +(offsetHour ?? 0) <= 18 &&
    +(offsetMinute ?? 0) <= 59
  );
}

export function parseInstant(value: string, field = 'instant'): Instant {
  if (typeof value !== 'string' || !ISO_INSTANT.test(value)) {
    throw new DomainError(
      'INVALID_DATE',
      `${field}: '${String(value)}' is not an ISO-8601 instant with an offset (e.g. 2026-11-20T09:30:00-06:00)`,
      { field, value },
    );
  }
  const parsed = Date.parse(value);
  if (!isIsoInstant(value) || Number.isNaN(parsed)) {
    throw new DomainError('INVALID_DATE', `${field}: '${value}' is not a real date and time`, {
      field,
      value,
    });
  }
  return parsed;
}

export function parseClockTime(value: string, field = 'time'): { hour: number; minute: number } {
  const match = CLOCK_TIME.exec(value);
  if (!match) {
    throw new DomainError('INVALID_DATE', `${field}: '${value}' is not a 24-hour clock time (HH:mm)`, {
      field,
      value,
    });
  }
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The civil date of an instant in a zone. */
export function localDateOf(instant: Instant, zone: string): IsoDate {
  return isoDateOf(floorDiv(instant + offsetMinutes(instant, zone) * MS_PER_MINUTE, MS_PER_DAY));
}

/**
 * The instant a local wall-clock time occurs in a zone (luxon's algorithm: guess with the offset at
 * the wall time, correct once; a wall time skipped by DST resolves to the later offset).
 */
export function localToInstant(date: IsoDate, zone: string, hour: number, minute: number, ms = 0): Instant {
  const wall = dayNumber(date) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + ms;
  const z = zoneFor(zone);
  const o1 = z.offset(wall);
  let guess = wall - o1 * MS_PER_MINUTE;
  const o2 = z.offset(guess);
  if (o1 === o2) return guess;
  guess -= (o2 - o1) * MS_PER_MINUTE;
  const o3 = z.offset(guess);
  if (o2 === o3) return guess;
  return wall - Math.min(o2, o3) * MS_PER_MINUTE;
}

export function startOfLocalDay(date: IsoDate, zone: string): Instant {
  return localToInstant(date, zone, 0, 0);
}

/**
 * The last instant of a civil day in a zone: 23:59:59.999 local, or the close of business when one is
 * set (docs/rules.md "Deadline semantics": due at the end of day N).
 */
export function endOfLocalDay(date: IsoDate, zone: string, closeOfBusiness?: string): Instant {
  if (closeOfBusiness) {
    const { hour, minute } = parseClockTime(closeOfBusiness, 'closeOfBusiness');
    return localToInstant(date, zone, hour, minute);
  }
  return localToInstant(date, zone, 23, 59, 59_999);
}

export function atLocalTime(date: IsoDate, zone: string, clock: string): Instant {
  const { hour, minute } = parseClockTime(clock);
  return localToInstant(date, zone, hour, minute);
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** ISO-8601 instant with milliseconds and the zone's offset, e.g. 2026-12-09T23:59:59.999-06:00. */
export function formatInstant(instant: Instant, zone: string): IsoInstant {
  const offset = offsetMinutes(instant, zone);
  const wall = wallClock(instant, offset);
  return `${wall.date}T${wall.hm}:${wall.secondsMs}${formatOffset(offset)}`;
}

// Luxon builds a new Intl.DateTimeFormat for every abbreviation lookup; the abbreviation depends only
// on the zone and the offset in force, so it is cached per (zone, offset).
const abbreviations = new Map<string, string>();

function zoneAbbreviation(instant: Instant, zone: string, offset: number): string {
  const cacheKey = `${zone}|${offset}`;
  let abbreviation = abbreviations.get(cacheKey);
  if (abbreviation === undefined) {
    abbreviation = DateTime.fromMillis(instant, { zone: zoneFor(zone) }).toFormat('ZZZZ');
    abbreviations.set(cacheKey, abbreviation);
  }
  return abbreviation;
}

/** Local wall time with the zone abbreviation, e.g. "2026-12-09 23:59 CST". */
export function formatLocalText(instant: Instant, zone: string): string {
  const offset = offsetMinutes(instant, zone);
  const wall = wallClock(instant, offset);
  return `${wall.date} ${wall.hm} ${zoneAbbreviation(instant, zone, offset)}`;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/** English name of the weekday of an instant's local date, e.g. "Wednesday". */
export function localWeekdayName(instant: Instant, zone: string): string {
  return WEEKDAY_NAMES[isoWeekday(dayNumber(localDateOf(instant, zone))) - 1] as string;
}

/** Whether `name` is an IANA time zone this runtime knows; a known zone is looked up once per process. */
export function isKnownZone(name: string): boolean {
  try {
    zoneFor(name);
    return true;
  } catch {
    return false;
  }
}
