import type { IsoDate, SkippedDay } from '../types';
import type { DayNumber } from '../time';
import type { BusinessHours } from './business-hours';

export const CALENDAR_IDS = ['us-ok-state', 'us-ar-state', 'us-wy-state', 'us-nc-state'] as const;
export type CalendarId = (typeof CALENDAR_IDS)[number];

/** A non-working weekday: a holiday as observed (after any weekend shift), with where it comes from. */
export interface Holiday {
  date: IsoDate;
  name: string;
  /** Citation, e.g. "25 O.S. §82.1(A)" or an executive order from the adjustments file. */
  source: string;
}

export interface BusinessCalendar {
  readonly id: CalendarId;
  readonly name: string;
  /** IANA time zone in which "a day" is counted. */
  readonly zone: string;
  /** ISO weekdays (Monday = 1 ... Sunday = 7) on which offices are closed. */
  readonly weekendDays: readonly number[];
  /** Close of business (HH:mm) when a deadline ends then rather than at 23:59:59.999; unset = end of day. */
  readonly closeOfBusiness?: string;
  /** When someone is at the office on a working day (reminders go out then); an agency may override it. */
  readonly businessHours: BusinessHours;
  /** The statute or rule that defines the calendar. */
  readonly source: string;
  /** The non-working weekdays of a calendar year (observed dates inside that year), sorted by date. */
  holidays(year: number): readonly Holiday[];
  holidayOn(date: IsoDate): Holiday | undefined;
  isWeekend(date: IsoDate): boolean;
  isWorkingDay(date: IsoDate): boolean;
  /** Why a date is not a working day, or undefined when it is one. */
  nonWorkingReason(date: IsoDate): SkippedDay | undefined;
  /** Day-number variants for the deadline arithmetic's inner loops. */
  isWorkingDayNumber(day: DayNumber): boolean;
  nonWorkingReasonOfDay(day: DayNumber): SkippedDay | undefined;
}
