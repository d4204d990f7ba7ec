// Reviewed per-year corrections applied on top of the statutory rules in statutes.ts: closures added by
// an executive order or proclamation (e.g. a presidential day of mourning under 25 O.S. §82.1(B) or
// A.C.A. §1-5-103), statutory holidays an order moved or removed, and the governor's choice of
// Oklahoma's second Christmas day. Every entry cites its source. A change here is a data change that
// needs review: deadlines already given to running cases are recorded in their workflow history and do
// not move (docs/rules.md "Replay safety").
//
// Review notes (2026-2028):
// - Oklahoma: Christmas 2026 is a Friday, 2027 a Saturday, 2028 a Monday, so §82.1(A) leaves the
//   governor no choice of second Christmas day in those years (Friday → the day after is a Saturday;
//   Monday → the day before is a Sunday; Saturday → Thursday and Friday before). The next years with a
//   real choice are 2029 (Tuesday), 2030 (Wednesday) and 2031 (Thursday): add the order's date here
//   when it is issued.
// - No executive-order closures for 2026-2028 had been published when this file was reviewed.
import type { IsoDate } from '../types';
import type { CalendarId } from './types';

export interface HolidayAdjustment {
  calendar: CalendarId;
  date: IsoDate;
  /** `add` closes an extra weekday; `remove` reopens a statutory holiday the order moved. */
  action: 'add' | 'remove';
  name: string;
  source: string;
  note?: string;
}

export interface SecondChristmasDayOrder {
  year: number;
  date: IsoDate;
  source: string;
}

export const HOLIDAY_ADJUSTMENTS: readonly HolidayAdjustment[] = [];

/** Oklahoma governor's orders choosing "the day before or after Christmas" (25 O.S. §82.1(A), (B)). */
export const OKLAHOMA_SECOND_CHRISTMAS_DAY_ORDERS: readonly SecondChristmasDayOrder[] = [
  {
    year: 2015,
    date: '2015-12-24',
    source: 'Executive Order 2014-19A (OAC 1:2014-19A): Thursday & Friday December 24 & 25, 2015',
  },
];
