export { getCalendar, createCalendar, isCalendarId, listCalendars, type CalendarOverrides } from './calendar';
export { CALENDAR_IDS, type BusinessCalendar, type CalendarId, type Holiday } from './types';
export {
  HOLIDAY_ADJUSTMENTS,
  OKLAHOMA_SECOND_CHRISTMAS_DAY_ORDERS,
  type HolidayAdjustment,
  type SecondChristmasDayOrder,
} from './adjustments';
export { CALENDAR_DEFINITIONS, type CalendarDefinition, type StatutoryHoliday } from './statutes';
export {
  businessIntervalOf,
  DEFAULT_BUSINESS_HOURS,
  describeBusinessHours,
  firstOpeningAfter,
  isWithinBusinessHours,
  latestOpeningAtOrBefore,
  validateBusinessHours,
  type BusinessHours,
} from './business-hours';
