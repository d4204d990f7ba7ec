// `docket calendar ...`: holiday lists and one-off deadline arithmetic on a business calendar.
import type { Command } from 'commander';
import { getCalendar, listCalendars } from '../../domain/calendar';
import { dueFromAnchorText } from '../../domain/deadline/due';
import { DomainError } from '../../domain/errors';
import type { Output } from './shared';

function parseYear(raw: string): number {
  if (!/^\d{4}$/.test(raw)) {
    throw new DomainError('INVALID_DATE', `year: '${raw}' is not a four-digit year`, {
      field: 'year',
      value: raw,
    });
  }
  return Number(raw);
}

export function registerCalendarCommands(program: Command, io: Output): void {
  const calendar = program
    .command('calendar')
    .description('business calendars: holidays and deadline arithmetic');

  calendar
    .command('list')
    .description('list the known calendars with their time zones')
    .action(() => {
      for (const id of listCalendars()) {
        const c = getCalendar(id);
        io.out(`${id}\t${c.zone}\t${c.source}`);
      }
    });

  calendar
    .command('holidays')
    .description("a year's non-working weekdays, one ISO date per line, sorted")
    .argument('<calendar>', `calendar id (${listCalendars().join(', ')})`)
    .argument('<year>', 'calendar year, e.g. 2027')
    .option('--names', 'also print each holiday name and its source')
    .action((calendarId: string, year: string, options: { names?: boolean }) => {
      for (const holiday of getCalendar(calendarId).holidays(parseYear(year))) {
        io.out(options.names ? `${holiday.date}\t${holiday.name}\t${holiday.source}` : holiday.date);
      }
    });

  calendar
    .command('due')
    .description('the deadline N units after an anchor, as an ISO-8601 instant with the local offset')
    .argument('<calendar>', 'calendar id')
    .argument('<anchor>', 'a date (day 0) or an ISO-8601 instant with offset')
    .argument('<N>', 'whole number of units (0 or more)')
    .argument('<unit>', 'hours | calendarDays | workingDays | months')
    .option(
      '--roll-forward',
      'move a calendar-day/month deadline off a weekend or holiday (25 O.S. §82.1(C))',
    )
    .option('--earliest', 'compute a lower bound ("no earlier than N after") instead of a deadline')
    .option('--close-of-business <HH:mm>', 'end the day at this local time instead of 23:59:59.999')
    .option('--explain', 'print the explanation (skipped weekends and holidays) on a second line')
    .action(
      (
        calendarId: string,
        anchor: string,
        amount: string,
        unit: string,
        options: { rollForward?: boolean; earliest?: boolean; closeOfBusiness?: string; explain?: boolean },
      ) => {
        const result = dueFromAnchorText(calendarId, anchor, amount, unit, {
          rollForward: options.rollForward ?? false,
          lowerBound: options.earliest ?? false,
          ...(options.closeOfBusiness ? { closeOfBusiness: options.closeOfBusiness } : {}),
        });
        io.out(result.at);
        if (options.explain) io.out(result.explanation.summary);
      },
    );
}
