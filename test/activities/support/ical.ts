// A small, strict RFC 5545 reader for tests: enough to prove an attachment is a well-formed
// iCalendar object, not just text that contains "BEGIN:VCALENDAR". It checks CRLF line endings,
// the 75-octet line limit, unfolding, content-line syntax, balanced BEGIN/END, and the properties
// RFC 5545 requires of VCALENDAR and VEVENT.

export interface ICalProperty {
  name: string;
  params: Record<string, string>;
  value: string;
}

export interface ICalComponent {
  name: string;
  properties: ICalProperty[];
  components: ICalComponent[];
}

const CONTENT_LINE =
  /^([A-Za-z0-9-]+)((?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*):(.*)$/;
const DATE_TIME = /^\d{8}T\d{6}Z?$/;

export function prop(component: ICalComponent, name: string): ICalProperty | undefined {
  return component.properties.find((p) => p.name === name);
}

export function parseICalendar(text: string): ICalComponent {
  if (!text.endsWith('\r\n') && !text.endsWith('END:VCALENDAR'))
    throw new Error('iCalendar: does not end a line');
  if (/(?<!\r)\n/.test(text)) throw new Error('iCalendar: bare LF line ending (RFC 5545 §3.1 requires CRLF)');
  const physical = text.split('\r\n');
  if (physical.at(-1) === '') physical.pop();
  for (const [i, line] of physical.entries()) {
    if (Buffer.byteLength(line, 'utf8') > 75)
      throw new Error(`iCalendar: line ${i + 1} longer than 75 octets`);
  }
  // Unfold: a line starting with a space or tab continues the previous one (§3.1).
  const lines: string[] = [];
  for (const line of physical) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += line.slice(1);
    } else {
      lines.push(line);
    }
  }

  const root: ICalComponent = { name: '', properties: [], components: [] };
  const stack: ICalComponent[] = [root];
  for (const [i, line] of lines.entries()) {
    const m = CONTENT_LINE.exec(line);
    if (!m) throw new Error(`iCalendar: content line ${i + 1} is malformed: ${JSON.stringify(line)}`);
    const name = (m[1] ?? '').toUpperCase();
    const value = m[3] ?? '';
    const params: Record<string, string> = {};
    for (const part of (m[2] ?? '').split(';').slice(1)) {
      const eq = part.indexOf('=');
      params[part.slice(0, eq).toUpperCase()] = part.slice(eq + 1);
    }
    const top = stack[stack.length - 1];
    if (!top) throw new Error('iCalendar: unbalanced');
    if (name === 'BEGIN') {
      const child: ICalComponent = { name: value.toUpperCase(), properties: [], components: [] };
      top.components.push(child);
      stack.push(child);
    } else if (name === 'END') {
      if (top.name !== value.toUpperCase())
        throw new Error(`iCalendar: END:${value} closes ${top.name || 'nothing'}`);
      stack.pop();
    } else {
      if (top === root) throw new Error(`iCalendar: property ${name} outside any component`);
      top.properties.push({ name, params, value });
    }
  }
  if (stack.length !== 1) throw new Error(`iCalendar: ${stack[stack.length - 1]?.name} is never closed`);
  if (root.components.length !== 1 || root.components[0]?.name !== 'VCALENDAR') {
    throw new Error('iCalendar: the object must be exactly one VCALENDAR');
  }
  const calendar = root.components[0];
  if (prop(calendar, 'VERSION')?.value !== '2.0') throw new Error('iCalendar: VCALENDAR needs VERSION:2.0');
  if (!prop(calendar, 'PRODID')) throw new Error('iCalendar: VCALENDAR needs PRODID');
  for (const event of calendar.components.filter((c) => c.name === 'VEVENT')) {
    for (const required of ['UID', 'DTSTAMP', 'DTSTART']) {
      if (!prop(event, required)) throw new Error(`iCalendar: VEVENT needs ${required}`);
    }
    for (const name of ['DTSTAMP', 'DTSTART', 'DTEND']) {
      const p = prop(event, name);
      if (p && p.params.VALUE !== 'DATE' && !DATE_TIME.test(p.value)) {
        throw new Error(`iCalendar: ${name} is not a DATE-TIME: ${p.value}`);
      }
    }
  }
  return calendar;
}

/** `20261210T055959Z` → Date. */
export function parseUtcDateTime(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) throw new Error(`not a UTC DATE-TIME: ${value}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}
