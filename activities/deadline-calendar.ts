// The iCalendar (.ics) event attached to deadline notices, so the deadline lands in the recipient's
// calendar. The UID depends only on the case (workflow ID) and the deadline key, and SEQUENCE counts
// the extensions, so a later notice about the same deadline (an extension, a breach alert) updates
// the event a calendar already holds instead of adding a second one.
//
// Times are written in UTC ("...Z"): exact and valid everywhere, without shipping VTIMEZONE data.
// The notice text carries the local time with its zone for people.
import ical, { ICalCalendarMethod } from 'ical-generator';
import type { ScheduleEntry } from '../domain/types';

export interface DeadlineEventInput {
  uid: string;
  entry: ScheduleEntry;
  /** The instant the deadline falls due; `entry.dueAt` as a Date. */
  dueAt: Date;
  caseNumber: string;
  facilityName: string;
  /** Deadline in local time with zone, e.g. "2026-12-09 23:59 CST". */
  localText: string;
  /** DTSTAMP: the notice's own deterministic timestamp, so a retried send produces the same bytes. */
  stamp: Date;
}

export function buildDeadlineEvent(input: DeadlineEventInput): string {
  const { entry } = input;
  const calendar = ical({
    prodId: { company: 'Docket', product: 'Notices', language: 'EN' },
    method: ICalCalendarMethod.PUBLISH,
  });
  calendar.createEvent({
    id: input.uid,
    sequence: entry.extensions.length,
    stamp: input.stamp,
    start: input.dueAt,
    // No DTEND: RFC 5545 §3.6.1 makes a DATE-TIME event without one end at its start, i.e. a point in time.
    summary: `Due: ${entry.key} (case ${input.caseNumber})`,
    // Only policy text and opaque identifiers: calendar entries sync to phones and shared calendars.
    description: [
      `Due ${input.localText}`,
      `What to do: ${entry.action}`,
      `Rule: ${entry.rule}`,
      `Source: ${entry.sourceText}`,
      `Responsible role: ${entry.responsibleRole}`,
    ].join('\n'),
    location: input.facilityName,
  });
  return calendar.toString();
}
