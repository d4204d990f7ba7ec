// How "no earlier than N days after X" is counted (DESIGN.md "Deadline semantics"): by default N full
// days pass after the day of X (clear days); a policy may let the agency choose the inclusive reading.
// Title IX (ACSD 3.26, seed 003) works in school business days by default; Arkansas calendar.
import { computeEarliest } from '../../domain/deadline/compute';
import { getCalendar } from '../../domain/calendar/calendar';
import { computeSchedule, type ScheduleEntry } from '../../domain';

const TITLE_IX_EVENTS = {
  'report.received': '2027-03-01T09:00:00-06:00',
  'formal-complaint.received': '2027-03-01T10:00:00-06:00',
  'notice.sent': '2027-03-01T11:00:00-06:00',
  'evidence.sent': '2027-03-02T09:00:00-06:00',
  // Wednesday 2027-03-24; ten working days run through Wednesday 2027-04-07.
  'investigation.completed': '2027-03-24T16:00:00-05:00',
};

function titleIxEntry(key: string, options: { version?: string; settings?: Record<string, unknown> } = {}) {
  const schedule = computeSchedule({
    policyId: 'acsd-title-ix',
    ...(options.version ? { policyVersion: options.version } : {}),
    events: TITLE_IX_EVENTS,
    settings: options.settings ?? {},
  });
  const entry = schedule.entries.find((e) => e.key === key) as ScheduleEntry;
  return { schedule, entry };
}

describe('Title IX determination.earliest: "no earlier than ten (10) days following" (3.26 Determination)', () => {
  test('default: clear days, refused until the start of the day after the tenth day, and it says so', () => {
    const { schedule, entry } = titleIxEntry('determination.earliest');
    expect(schedule.policyVersion).toBe('1.1.0');
    expect(entry.earliest).toBe('2027-04-08T00:00:00.000-05:00');
    expect(entry.explanation.reading).toBe('clear-days');
    expect(entry.explanation.summary).toContain(
      'clear days: day 0 is 2027-03-24; 10 working days must pass in full after it, through 2027-04-07, so the earliest is the start of the next day, 2027-04-08 00:00 CDT',
    );
    expect(entry.relatedSources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'agency-setting',
          setting: 'acsd-title-ix.lower-bound-reading',
          isDefault: true,
        }),
      ]),
    );
    expect(schedule.settings).toEqual(
      expect.arrayContaining([
        { key: 'lower-bound-reading', value: 'clear-days', isDefault: true, description: expect.any(String) },
      ]),
    );
  });

  test('inclusive reading on request: the tenth day itself counts', () => {
    const { entry } = titleIxEntry('determination.earliest', {
      settings: { 'lower-bound-reading': 'inclusive' },
    });
    expect(entry.earliest).toBe('2027-04-07T00:00:00.000-05:00');
    expect(entry.explanation.reading).toBe('inclusive');
    expect(entry.explanation.summary).toContain('inclusive reading: day 0 is 2027-03-24; 2027-04-07');
    expect(entry.relatedSources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ setting: 'acsd-title-ix.lower-bound-reading', isDefault: false }),
      ]),
    );
  });

  test('a bad reading names the setting and the choices', () => {
    expect(() =>
      titleIxEntry('determination.earliest', { settings: { 'lower-bound-reading': 'lenient' } }),
    ).toThrow(/settings\.lower-bound-reading: 'lenient' is not clear-days or inclusive/);
  });

  test('cases on 1.0.0 keep the same date (clear days), and their explanation names the reading too', () => {
    const { entry } = titleIxEntry('determination.earliest', { version: '1.0.0' });
    expect(entry.earliest).toBe('2027-04-08T00:00:00.000-05:00');
    expect(entry.explanation.summary).toContain('clear days:');
  });

  test('the finality of a determination ("the day after the period expires") is not a reading: it stays on the next day', () => {
    const { entry } = titleIxEntry('determination.final', {
      settings: { 'lower-bound-reading': 'inclusive' },
    });
    const schedule = computeSchedule({
      policyId: 'acsd-title-ix',
      events: { ...TITLE_IX_EVENTS, 'determination.issued': '2027-04-08T10:00:00-05:00' },
      settings: { 'lower-bound-reading': 'inclusive' },
    });
    const final = schedule.entries.find((e) => e.key === 'determination.final');
    const appeal = schedule.entries.find((e) => e.key === 'appeal.filing');
    expect(entry).toBeUndefined();
    expect(final?.explanation.reading).toBe('clear-days');
    // Final at the start of the day after the appeal period's last day.
    expect(Date.parse(final?.earliest as string)).toBe(Date.parse(appeal?.dueAt as string) + 1);
  });
});

describe('computeEarliest', () => {
  const ar = getCalendar('us-ar-state');

  test('calendar days, both readings, from a date', () => {
    const limit = { amount: 3, unit: 'calendarDays' as const };
    const anchor = { kind: 'date' as const, date: '2027-06-01' };
    expect(computeEarliest(ar, anchor, limit).date).toBe('2027-06-05');
    expect(computeEarliest(ar, anchor, limit, { reading: 'inclusive' }).date).toBe('2027-06-04');
  });

  test('inclusive with zero days opens at the event itself, not before it', () => {
    const at = Date.parse('2027-06-01T15:00:00-05:00');
    const earliest = computeEarliest(
      ar,
      { kind: 'instant', at },
      { amount: 0, unit: 'calendarDays' },
      {
        reading: 'inclusive',
      },
    );
    expect(earliest.at).toBe(at);
  });
});

describe('look-back windows state their counting', () => {
  test('probation look-back (SD 2022-17 §III.D.4): day 0 is the warning date, the same date six months on is inside', () => {
    const schedule = computeSchedule({
      policyId: 'adc-probation',
      facts: { action: 'written-warning' },
      events: {
        'action.issued': '2027-01-15T10:00:00-06:00',
        'notification.received': '2027-01-15T11:00:00-06:00',
      },
    });
    const window = schedule.entries.find((e) => e.key === 'lookback.warning');
    expect(window?.dueAt).toBe('2027-07-15T23:59:59.999-05:00');
    expect(window?.explanation.summary).toContain(
      'counting: day 0 is 2027-01-15 (the day of the event, not counted); the last day is 2027-07-15',
    );
    expect(window?.explanation.counting).toContain('the next day is outside');
  });
});
