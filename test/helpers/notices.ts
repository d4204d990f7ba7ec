// What every deadline notice must carry, checked on the message the SMTP receiver actually got:
// the deadline in local time with its zone, the rule's source, and a well-formed iCalendar event at
// the deadline.
import { parseICalendar, parseUtcDateTime, prop } from '../activities/support/ical';
import type { DeadlineView } from '../../workflows/deadlines';
import type { ReceivedMessage } from './smtp';

export function expectDeadlineNotice(mail: ReceivedMessage, deadline: DeadlineView): void {
  expect(mail.text).toContain(deadline.localText);
  expect(mail.text).toContain(deadline.source);
  const ics = mail.attachments.find((a) => a.contentType.startsWith('text/calendar'));
  expect(ics).toBeDefined();
  const calendar = parseICalendar(ics?.content.toString('utf8') ?? '');
  const event = calendar.components.find((c) => c.name === 'VEVENT');
  expect(event).toBeDefined();
  const start = prop(event!, 'DTSTART');
  expect(start).toBeDefined();
  // Second precision in iCalendar: the deadline is at .999 of its last second.
  expect(Math.floor(Date.parse(deadline.dueAt as string) / 1000)).toBe(
    parseUtcDateTime(start!.value).getTime() / 1000,
  );
}
