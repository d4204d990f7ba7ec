// The statutory holiday rules of each business calendar, for ANY year. The dates a statute names
// ("third Monday in January", "fourth Thursday in November") are evaluated by date-holidays' rule
// engine (the maintained base library); what the statute then says about weekends, and its special
// Christmas clauses, is encoded here because the library's state lists do not follow the statutes
// (its US-OK list closes for Juneteenth and Columbus Day and lacks the second Christmas day; its US-AR
// list puts Christmas Eve and observed Christmas on the same Friday when Christmas is a Saturday).
import { addDays, dayNumber, isoWeekday } from '../time';
import type { IsoDate } from '../types';
import type { BusinessHours } from './business-hours';
import type { CalendarId, Holiday } from './types';

/** What the statute does with a holiday that falls on a weekend. */
export type WeekendShift =
  /** Saturday → preceding Friday, Sunday → succeeding Monday. */
  | 'saturday-to-friday-sunday-to-monday'
  /** Sunday → succeeding Monday; a Saturday holiday is simply lost to the weekend. */
  | 'sunday-to-monday'
  | 'none';

export interface StatutoryHoliday {
  name: string;
  /** date-holidays rule for the day the statute names, before any weekend shift. */
  rule: string;
  shift: WeekendShift;
  source: string;
}

export interface SpecialRuleContext {
  /** The governor's order choosing Oklahoma's second Christmas day, when the adjustments file has one. */
  secondChristmasDayOrder(year: number): { date: IsoDate; source: string } | undefined;
}

export interface CalendarDefinition {
  id: CalendarId;
  name: string;
  zone: string;
  weekendDays: readonly number[];
  source: string;
  holidays: readonly StatutoryHoliday[];
  /** The default business hours of offices on this calendar; DEFAULT_BUSINESS_HOURS when unset. */
  businessHours?: BusinessHours;
  /** Holidays whose observance the statute defines as a whole (Christmas clauses), for one year. */
  special?: (year: number, context: SpecialRuleContext) => Holiday[];
}

const SATURDAY = 6;
const SUNDAY = 7;

function christmasWeekday(year: number): number {
  return isoWeekday(dayNumber(`${year}-12-25`));
}

// ---------------------------------------------------------------------------------------------------
// Oklahoma: 25 O.S. §82.1(A) (as amended 2021). Saturdays and Sundays are themselves designated
// holidays in §82.1(A), which is why §82.1(C) lets an act due on a weekend be done on the next business
// day. Columbus Day and Juneteenth are NOT in §82.1(A).
// ---------------------------------------------------------------------------------------------------
const OK_SOURCE = '25 O.S. §82.1(A)';

/**
 * §82.1(A): "Christmas on the 25th day of December, the day before or after Christmas if Christmas is
 * not on a Saturday or Sunday, the Thursday and Friday before Christmas if Christmas is on a Saturday,
 * the Monday and Tuesday after Christmas, if Christmas is on a Sunday". The weekend shift of the other
 * holidays expressly excludes Christmas.
 *
 * "Before or after" is chosen each year by the governor's executive order under §82.1(B); when the
 * adjustments file has no order for the year, the default is the weekday the orders have used:
 *   Monday → Tuesday 26 (the day before is a Sunday)     Tuesday → Monday 24 (pre-2021 text of §82.1)
 *   Wednesday → Tuesday 24                                 Thursday → Friday 26 (pre-2021 text of §82.1)
 *   Friday → Thursday 24 (the day after is a Saturday; e.g. EO 2014-19A for 2015)
 */
export function oklahomaChristmas(year: number, context: SpecialRuleContext): Holiday[] {
  const christmas = `${year}-12-25`;
  const weekday = christmasWeekday(year);
  if (weekday === SATURDAY) {
    return [
      { date: `${year}-12-23`, name: 'Christmas holiday (Thursday before Christmas)', source: OK_SOURCE },
      { date: `${year}-12-24`, name: 'Christmas holiday (Friday before Christmas)', source: OK_SOURCE },
    ];
  }
  if (weekday === SUNDAY) {
    return [
      { date: `${year}-12-26`, name: 'Christmas holiday (Monday after Christmas)', source: OK_SOURCE },
      { date: `${year}-12-27`, name: 'Christmas holiday (Tuesday after Christmas)', source: OK_SOURCE },
    ];
  }
  const order = context.secondChristmasDayOrder(year);
  const defaultOffset = weekday === 1 || weekday === 4 ? 1 : -1;
  const second = order ?? { date: addDays(christmas, defaultOffset), source: OK_SOURCE };
  const secondName = second.date < christmas ? 'Day before Christmas' : 'Day after Christmas';
  return [
    { date: christmas, name: 'Christmas Day', source: OK_SOURCE },
    { date: second.date, name: secondName, source: second.source },
  ];
}

const OK_SHIFT: WeekendShift = 'saturday-to-friday-sunday-to-monday';

export const OKLAHOMA: CalendarDefinition = {
  id: 'us-ok-state',
  name: 'State of Oklahoma (25 O.S. §82.1)',
  zone: 'America/Chicago',
  weekendDays: [SATURDAY, SUNDAY],
  source: '25 O.S. §82.1',
  holidays: [
    { name: "New Year's Day", rule: '01-01', shift: OK_SHIFT, source: OK_SOURCE },
    {
      name: 'Martin Luther King, Jr. Day',
      rule: '3rd monday in January',
      shift: OK_SHIFT,
      source: OK_SOURCE,
    },
    { name: "Presidents' Day", rule: '3rd monday in February', shift: OK_SHIFT, source: OK_SOURCE },
    { name: 'Memorial Day', rule: 'monday before 06-01', shift: OK_SHIFT, source: OK_SOURCE },
    { name: 'Independence Day', rule: '07-04', shift: OK_SHIFT, source: OK_SOURCE },
    { name: 'Labor Day', rule: '1st monday in September', shift: OK_SHIFT, source: OK_SOURCE },
    { name: "Veterans' Day", rule: '11-11', shift: OK_SHIFT, source: OK_SOURCE },
    { name: 'Thanksgiving Day', rule: '4th thursday in November', shift: OK_SHIFT, source: OK_SOURCE },
    {
      name: 'Day after Thanksgiving',
      rule: 'friday after 4th thursday in November',
      shift: OK_SHIFT,
      source: OK_SOURCE,
    },
  ],
  special: oklahomaChristmas,
};

// ---------------------------------------------------------------------------------------------------
// Arkansas: A.C.A. §1-5-101. (a)(11), the employee's birthday, is a personal holiday of each employee,
// not an office closure, so it is not a calendar holiday. Columbus Day is not in (a): it is one of the
// memorial days of §1-5-106, "not legal holidays".
// ---------------------------------------------------------------------------------------------------
const AR_SOURCE = 'A.C.A. §1-5-101(a)';
const AR_SHIFT_SOURCE = 'A.C.A. §1-5-101(a), (b)';
const AR_SHIFT: WeekendShift = 'saturday-to-friday-sunday-to-monday';

/**
 * Christmas Eve (a)(9) and Christmas Day (a)(10) with (b)'s weekend rule. Two years need care because
 * (b) would put both holidays on one day, and (c) promises employees eleven paid holidays:
 *   Christmas on Saturday: Christmas Day is observed Friday the 24th (b), which is Christmas Eve itself,
 *     so Christmas Eve is observed on Thursday the 23rd.
 *   Christmas on Monday: Christmas Eve falls on Sunday and (b) moves it to the succeeding Monday, which is
 *     Christmas Day, so Christmas Eve is observed on the next weekday, Tuesday the 26th.
 */
export function arkansasChristmas(year: number): Holiday[] {
  const weekday = christmasWeekday(year);
  const eve = (date: IsoDate, observed: boolean): Holiday => ({
    date,
    name: observed ? 'Christmas Eve (observed)' : 'Christmas Eve',
    source: observed ? AR_SHIFT_SOURCE : AR_SOURCE,
  });
  const day = (date: IsoDate, observed: boolean): Holiday => ({
    date,
    name: observed ? 'Christmas Day (observed)' : 'Christmas Day',
    source: observed ? AR_SHIFT_SOURCE : AR_SOURCE,
  });
  switch (weekday) {
    case SATURDAY:
      return [eve(`${year}-12-23`, true), day(`${year}-12-24`, true)];
    case SUNDAY: // Christmas Eve on Saturday → Friday 23rd; Christmas on Sunday → Monday 26th.
      return [eve(`${year}-12-23`, true), day(`${year}-12-26`, true)];
    case 1: // Christmas Eve on Sunday.
      return [day(`${year}-12-25`, false), eve(`${year}-12-26`, true)];
    default:
      return [eve(`${year}-12-24`, false), day(`${year}-12-25`, false)];
  }
}

export const ARKANSAS: CalendarDefinition = {
  id: 'us-ar-state',
  name: 'State of Arkansas (A.C.A. §1-5-101)',
  zone: 'America/Chicago',
  weekendDays: [SATURDAY, SUNDAY],
  source: 'A.C.A. §1-5-101',
  holidays: [
    { name: "New Year's Day", rule: '01-01', shift: AR_SHIFT, source: AR_SOURCE },
    {
      name: "Dr. Martin Luther King Jr.'s Birthday",
      rule: '3rd monday in January',
      shift: AR_SHIFT,
      source: AR_SOURCE,
    },
    {
      name: "George Washington's Birthday and Daisy Gatson Bates Day",
      rule: '3rd monday in February',
      shift: AR_SHIFT,
      source: AR_SOURCE,
    },
    { name: 'Memorial Day', rule: 'monday before 06-01', shift: AR_SHIFT, source: AR_SOURCE },
    { name: 'Independence Day', rule: '07-04', shift: AR_SHIFT, source: AR_SOURCE },
    { name: 'Labor Day', rule: '1st monday in September', shift: AR_SHIFT, source: AR_SOURCE },
    { name: 'Veterans Day', rule: '11-11', shift: AR_SHIFT, source: AR_SOURCE },
    { name: 'Thanksgiving Day', rule: '4th thursday in November', shift: AR_SHIFT, source: AR_SOURCE },
  ],
  special: arkansasChristmas,
};

// ---------------------------------------------------------------------------------------------------
// Wyoming: W.S. 8-4-101(a); (b) moves only New Year's Day, Independence Day, Christmas Day and Veterans
// Day, and only from a Sunday to the Monday. Juneteenth (W.S. 8-4-107(c)) does not close offices.
// ---------------------------------------------------------------------------------------------------
const WY_SOURCE = 'W.S. 8-4-101(a)';
const WY_SUNDAY_SOURCE = 'W.S. 8-4-101(a), (b)';

export const WYOMING: CalendarDefinition = {
  id: 'us-wy-state',
  name: 'State of Wyoming (W.S. 8-4-101)',
  zone: 'America/Denver',
  weekendDays: [SATURDAY, SUNDAY],
  source: 'W.S. 8-4-101',
  holidays: [
    { name: "New Year's Day", rule: '01-01', shift: 'sunday-to-monday', source: WY_SUNDAY_SOURCE },
    {
      name: 'Martin Luther King, Jr./Wyoming Equality Day',
      rule: '3rd monday in January',
      shift: 'none',
      source: WY_SOURCE,
    },
    {
      name: "Washington's and Lincoln's Birthdays",
      rule: '3rd monday in February',
      shift: 'none',
      source: WY_SOURCE,
    },
    { name: 'Memorial Day', rule: 'monday before 06-01', shift: 'none', source: WY_SOURCE },
    { name: 'Independence Day', rule: '07-04', shift: 'sunday-to-monday', source: WY_SUNDAY_SOURCE },
    { name: 'Labor Day', rule: '1st monday in September', shift: 'none', source: WY_SOURCE },
    { name: 'Veterans Day', rule: '11-11', shift: 'sunday-to-monday', source: WY_SUNDAY_SOURCE },
    { name: 'Thanksgiving Day', rule: '4th thursday in November', shift: 'none', source: WY_SOURCE },
    { name: 'Christmas Day', rule: '12-25', shift: 'sunday-to-monday', source: WY_SUNDAY_SOURCE },
  ],
};

// ---------------------------------------------------------------------------------------------------
// North Carolina: state offices follow the State Human Resources Commission's schedule under
// G.S. 126-4(5), (5a) and 25 NCAC 01E .0900 (at most 12 paid holidays, including MLK Day, Veterans Day
// and three days for Christmas), not the longer list of G.S. 103-4. The commission publishes the
// actual dates each year; corrections go in the adjustments file.
// ---------------------------------------------------------------------------------------------------
const NC_SOURCE = 'G.S. 126-4(5), (5a); 25 NCAC 01E .0901';
const NC_SHIFT: WeekendShift = 'saturday-to-friday-sunday-to-monday';

/**
 * Three Christmas weekdays (G.S. 126-4(5a)). Default placement by Christmas's weekday, following the
 * commission's published schedules: Christmas Eve, Christmas and the 26th when those are weekdays;
 * otherwise the nearest weekdays around the weekend.
 */
export function northCarolinaChristmas(year: number): Holiday[] {
  const daysByWeekday: Record<number, readonly number[]> = {
    1: [25, 26, 27],
    2: [24, 25, 26],
    3: [24, 25, 26],
    4: [24, 25, 26],
    5: [24, 25, 28],
    6: [23, 24, 27],
    7: [23, 26, 27],
  };
  const days = daysByWeekday[christmasWeekday(year)] ?? [];
  return days.map((day) => ({
    date: `${year}-12-${String(day)}`,
    name: day === 25 ? 'Christmas Day' : 'Christmas holiday',
    source: NC_SOURCE,
  }));
}

export const NORTH_CAROLINA: CalendarDefinition = {
  id: 'us-nc-state',
  name: 'State of North Carolina (State Human Resources Commission holiday schedule)',
  zone: 'America/New_York',
  weekendDays: [SATURDAY, SUNDAY],
  source: NC_SOURCE,
  holidays: [
    { name: "New Year's Day", rule: '01-01', shift: NC_SHIFT, source: NC_SOURCE },
    {
      name: 'Martin Luther King, Jr. Day',
      rule: '3rd monday in January',
      shift: NC_SHIFT,
      source: NC_SOURCE,
    },
    { name: 'Good Friday', rule: 'easter -2', shift: 'none', source: NC_SOURCE },
    { name: 'Memorial Day', rule: 'monday before 06-01', shift: NC_SHIFT, source: NC_SOURCE },
    { name: 'Independence Day', rule: '07-04', shift: NC_SHIFT, source: NC_SOURCE },
    { name: 'Labor Day', rule: '1st monday in September', shift: NC_SHIFT, source: NC_SOURCE },
    { name: 'Veterans Day', rule: '11-11', shift: NC_SHIFT, source: NC_SOURCE },
    { name: 'Thanksgiving Day', rule: '4th thursday in November', shift: NC_SHIFT, source: NC_SOURCE },
    {
      name: 'Day after Thanksgiving',
      rule: 'friday after 4th thursday in November',
      shift: NC_SHIFT,
      source: NC_SOURCE,
    },
  ],
  special: northCarolinaChristmas,
};

export const CALENDAR_DEFINITIONS: readonly CalendarDefinition[] = [
  OKLAHOMA,
  ARKANSAS,
  WYOMING,
  NORTH_CAROLINA,
];
