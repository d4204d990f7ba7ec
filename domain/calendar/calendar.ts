import Holidays from 'date-holidays';
import { DomainError } from '../errors';
import {
  addDays,
  CALENDAR_YEARS,
  dayNumber,
  isoDateOf,
  isoWeekday,
  parseIsoDate,
  yearOfDay,
  type DayNumber,
} from '../time';
import type { IsoDate, SkippedDay } from '../types';
import {
  HOLIDAY_ADJUSTMENTS,
  OKLAHOMA_SECOND_CHRISTMAS_DAY_ORDERS,
  type HolidayAdjustment,
  type SecondChristmasDayOrder,
} from './adjustments';
import { DEFAULT_BUSINESS_HOURS, type BusinessHours } from './business-hours';
import { CALENDAR_DEFINITIONS, type CalendarDefinition, type StatutoryHoliday } from './statutes';
import { CALENDAR_IDS, type BusinessCalendar, type CalendarId, type Holiday } from './types';

// date-holidays evaluates its rules for any year; the calendars answer only for CALENDAR_YEARS.
const { first: MIN_YEAR, last: MAX_YEAR } = CALENDAR_YEARS;

interface YearTable {
  year: number;
  firstDay: DayNumber;
  lastDay: DayNumber;
  list: readonly Holiday[];
  byDay: ReadonlyMap<DayNumber, Holiday>;
}

/** Where a statutory holiday is observed, or undefined when the statute lets it fall on the weekend. */
function observedDate(
  holiday: StatutoryHoliday,
  actual: IsoDate,
): { date: IsoDate; shifted: boolean } | undefined {
  const weekday = isoWeekday(dayNumber(actual));
  if (weekday === 6) {
    if (holiday.shift === 'saturday-to-friday-sunday-to-monday')
      return { date: addDays(actual, -1), shifted: true };
    return undefined;
  }
  if (weekday === 7) {
    if (holiday.shift === 'none') return undefined;
    return { date: addDays(actual, 1), shifted: true };
  }
  return { date: actual, shifted: false };
}

class StatutoryCalendar implements BusinessCalendar {
  readonly id: CalendarId;
  readonly name: string;
  readonly zone: string;
  readonly weekendDays: readonly number[];
  readonly source: string;
  readonly businessHours: BusinessHours;
  private readonly engine: Holidays;
  private readonly years = new Map<number, YearTable>();
  // Working-day loops walk consecutive days, so the last year's table is nearly always the one needed.
  private lastTable: YearTable | undefined;
  private readonly weekendSet: ReadonlySet<number>;

  constructor(
    private readonly definition: CalendarDefinition,
    private readonly adjustments: readonly HolidayAdjustment[],
    private readonly christmasOrders: readonly SecondChristmasDayOrder[],
  ) {
    this.id = definition.id;
    this.name = definition.name;
    this.zone = definition.zone;
    this.weekendDays = definition.weekendDays;
    this.source = definition.source;
    this.businessHours = definition.businessHours ?? DEFAULT_BUSINESS_HOURS;
    this.weekendSet = new Set(definition.weekendDays);
    // One rule engine per calendar, holding only the statute's own rules (no country data), built once.
    this.engine = new Holidays();
    definition.holidays.forEach((holiday, index) => {
      this.engine.setHoliday(holiday.rule, { name: String(index), type: 'public' });
    });
  }

  holidays(year: number): readonly Holiday[] {
    return this.table(year).list;
  }

  holidayOn(date: IsoDate): Holiday | undefined {
    const day = dayNumber(parseIsoDate(date));
    return this.tableOfDay(day).byDay.get(day);
  }

  isWeekend(date: IsoDate): boolean {
    return this.weekendSet.has(isoWeekday(dayNumber(parseIsoDate(date))));
  }

  isWorkingDay(date: IsoDate): boolean {
    return this.isWorkingDayNumber(dayNumber(parseIsoDate(date)));
  }

  nonWorkingReason(date: IsoDate): SkippedDay | undefined {
    return this.nonWorkingReasonOfDay(dayNumber(parseIsoDate(date)));
  }

  isWorkingDayNumber(day: DayNumber): boolean {
    if (this.weekendSet.has(isoWeekday(day))) return false;
    return !this.tableOfDay(day).byDay.has(day);
  }

  nonWorkingReasonOfDay(day: DayNumber): SkippedDay | undefined {
    if (this.weekendSet.has(isoWeekday(day))) return { date: isoDateOf(day), reason: 'weekend' };
    const holiday = this.tableOfDay(day).byDay.get(day);
    return holiday ? { date: holiday.date, reason: 'holiday', name: holiday.name } : undefined;
  }

  private tableOfDay(day: DayNumber): YearTable {
    const last = this.lastTable;
    if (last && day >= last.firstDay && day <= last.lastDay) return last;
    const table = this.table(yearOfDay(day));
    this.lastTable = table;
    return table;
  }

  private table(year: number): YearTable {
    const cached = this.years.get(year);
    if (cached) return cached;
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      throw new DomainError('INVALID_DATE', `year ${String(year)} is outside ${MIN_YEAR}-${MAX_YEAR}`, {
        field: 'year',
        value: year,
      });
    }
    const table = this.build(year);
    this.years.set(year, table);
    return table;
  }

  /**
   * Observed holidays inside `year`. Neighbouring years are evaluated too because observance crosses the
   * year boundary: New Year's Day on a Saturday is observed on Friday 31 December of the year before
   * (e.g. 1 January 2028 → 31 December 2027).
   */
  private build(year: number): YearTable {
    const byDay = new Map<DayNumber, Holiday>();
    const put = (holiday: Holiday): void => {
      if (holiday.date.slice(0, 4) !== String(year)) return;
      const day = dayNumber(holiday.date);
      if (this.weekendSet.has(isoWeekday(day))) return; // a weekend is closed anyway; the list is weekdays
      const existing = byDay.get(day);
      // Two statutory holidays observed on one weekday would silently cost employees a holiday and
      // shorten working-day deadlines; the statute modules resolve every known collision explicitly.
      if (existing && existing.name !== holiday.name) {
        throw new DomainError(
          'INVALID_DATE',
          `${this.id}: '${holiday.name}' and '${existing.name}' are both observed on ${holiday.date}`,
          { field: 'calendar', value: this.id },
        );
      }
      byDay.set(day, holiday);
    };
    const context = {
      secondChristmasDayOrder: (y: number) => this.christmasOrders.find((order) => order.year === y),
    };
    for (const y of [year - 1, year, year + 1]) {
      for (const found of this.engine.getHolidays(y)) {
        const statutory = this.definition.holidays[Number(found.name)];
        if (!statutory) continue;
        const actual = found.date.slice(0, 10);
        const observed = observedDate(statutory, actual);
        if (!observed) continue;
        put({
          date: observed.date,
          name: observed.shifted ? `${statutory.name} (observed)` : statutory.name,
          source: statutory.source,
        });
      }
      for (const holiday of this.definition.special?.(y, context) ?? []) put(holiday);
    }
    for (const adjustment of this.adjustments) {
      if (adjustment.calendar !== this.id || adjustment.date.slice(0, 4) !== String(year)) continue;
      const day = dayNumber(adjustment.date);
      if (adjustment.action === 'remove') byDay.delete(day);
      else byDay.set(day, { date: adjustment.date, name: adjustment.name, source: adjustment.source });
    }
    const list = [...byDay.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    return { year, firstDay: dayNumber(`${year}-01-01`), lastDay: dayNumber(`${year}-12-31`), list, byDay };
  }
}

export interface CalendarOverrides {
  adjustments?: readonly HolidayAdjustment[];
  secondChristmasDayOrders?: readonly SecondChristmasDayOrder[];
}

/** Builds a calendar from its statute; tests use the overrides to exercise the adjustments mechanism. */
export function createCalendar(
  definition: CalendarDefinition,
  overrides: CalendarOverrides = {},
): BusinessCalendar {
  return new StatutoryCalendar(
    definition,
    overrides.adjustments ?? HOLIDAY_ADJUSTMENTS,
    overrides.secondChristmasDayOrders ?? OKLAHOMA_SECOND_CHRISTMAS_DAY_ORDERS,
  );
}

const calendars = new Map<string, BusinessCalendar>();

export function isCalendarId(id: string): id is CalendarId {
  return (CALENDAR_IDS as readonly string[]).includes(id);
}

export function listCalendars(): readonly CalendarId[] {
  return CALENDAR_IDS;
}

export function getCalendar(id: string): BusinessCalendar {
  const cached = calendars.get(id);
  if (cached) return cached;
  const definition = CALENDAR_DEFINITIONS.find((candidate) => candidate.id === id);
  if (!definition) {
    throw new DomainError(
      'UNKNOWN_CALENDAR',
      `unknown calendar '${id}' (known: ${CALENDAR_IDS.join(', ')})`,
      {
        field: 'calendar',
        value: id,
        known: CALENDAR_IDS,
      },
    );
  }
  const calendar = createCalendar(definition);
  calendars.set(id, calendar);
  return calendar;
}
