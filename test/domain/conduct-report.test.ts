// Staff conduct cases without a workflow: the intake's checks, the agency settings that fill in seed
// 000's "promptly", and ex-offender status at the time of contact (discharge date + 180 days).
// America/Chicago: DST ends 2026-11-01.
import {
  contactStatusOf,
  parseConductIntake,
  type ConductReportIntake,
} from '../../domain/cases/conduct-report';
import { computeSchedule, DomainError, type ScheduleEntry } from '../../domain';

const SEED_000 = /seed 000_ffa994603df00692\.txt/;

const reportIntake = (overrides: Record<string, unknown> = {}) => ({
  kind: 'report',
  caseNumber: 'CR-2026-0001',
  category: 'prohibited-relationship',
  reporterId: 'S-0401',
  reportedTo: 'supervisor',
  subjectEmployeeId: 'S-0402',
  person: {
    id: 'P-0042',
    status: 'discharged',
    dischargedAt: '2026-06-01T10:00:00-05:00',
    contactAt: '2026-11-28T19:00:00-06:00',
  },
  learnedAt: '2026-11-30T09:00:00-06:00',
  reportedAt: '2026-11-30T11:00:00-06:00',
  ...overrides,
});

function periodFor(dischargedAt: string): ScheduleEntry {
  const schedule = computeSchedule({
    policyId: 'omes-pwp-conduct',
    facts: { 'person-status': 'discharged' },
    events: {
      'violation.learned': '2026-11-30T09:00:00-06:00',
      'report.made': '2026-11-30T11:00:00-06:00',
      'person.discharged': dischargedAt,
    },
  });
  return schedule.entries.find((e) => e.key === 'ex-offender.period') as ScheduleEntry;
}

describe('intake', () => {
  test('names each bad field without repeating a value', () => {
    let error: unknown;
    try {
      parseConductIntake(
        reportIntake({
          reporterId: 'Jane Doe',
          learnedAt: '2026-12-01T09:00:00-06:00',
          person: {
            id: 'jane',
            status: 'in-custody',
            dischargedAt: '2026-06-01T10:00:00-05:00',
            contactAt: 'yesterday',
          },
        }),
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(DomainError);
    const message = (error as DomainError).message;
    expect(message).toMatch(/reporterId: an opaque staff ID/);
    expect(message).toMatch(/person\.id: an opaque person ID/);
    expect(message).toMatch(/person\.contactAt: an ISO-8601 instant/);
    expect(message).toMatch(/person\.dischargedAt: a person in-custody has not been discharged/);
    expect(message).not.toContain('Jane Doe');
    expect(message).not.toContain('yesterday');
  });

  test('the report follows the learning, which follows the contact; a disclosure states what 1.006 asks', () => {
    expect(() => parseConductIntake(reportIntake({ reportedAt: '2026-11-30T08:00:00-06:00' }))).toThrow(
      /reportedAt: the report cannot precede learning of it/,
    );
    expect(() =>
      parseConductIntake({
        kind: 'disclosure',
        caseNumber: 'CR-2026-0002',
        employeeId: 'S-0500',
        relationship: 'pre-existing-inmate',
        personId: 'P-0043',
        noticeReceivedAt: '2026-12-01T09:00:00-07:00',
      }),
    ).toThrow(/wishes: .*correspond, visit or send money \(Policy 1\.006 §IV\.A\.2\.i\.a\)/);
    const parsed = parseConductIntake({
      kind: 'disclosure',
      caseNumber: 'CR-2026-0002',
      employeeId: 'S-0500',
      relationship: 'pre-existing-offender',
      intention: 'continue',
      personId: 'P-0043',
      noticeReceivedAt: '2026-12-01T09:00:00-07:00',
    });
    expect(parsed.facility).toBe('WDOC');
  });
});

describe('seed 000: the limits are agency settings that say "promptly" is theirs', () => {
  const schedule = computeSchedule({
    policyId: 'omes-pwp-conduct',
    facts: { 'person-status': 'offender' },
    // Wednesday before Thanksgiving 2026.
    events: { 'violation.learned': '2026-11-24T09:00:00-06:00', 'report.made': '2026-11-25T08:00:00-06:00' },
  });
  const entry = (key: string) => schedule.entries.find((e) => e.key === key) as ScheduleEntry;

  test.each([
    [
      'report.prompt',
      'report-limit',
      '2026-11-25T09:00:00.000-06:00',
      /must promptly report the violation to a supervisor or Human Resources/,
    ],
    [
      'investigation.start',
      'investigation-start',
      '2026-12-01T23:59:59.999-06:00',
      /will promptly investigate/,
    ],
    [
      'investigation.completion',
      'investigation-completion',
      '2026-12-28T23:59:59.999-06:00',
      /will promptly investigate/,
    ],
  ])('%s: default %s, due %s, citing the seed', (key, setting, dueAt, quote) => {
    const e = entry(key);
    expect(e.dueAt).toBe(dueAt);
    expect(e.source).toEqual({
      kind: 'agency-setting',
      setting: `omes-pwp-conduct.${setting}`,
      isDefault: true,
      note: expect.stringContaining('promptly'),
    });
    expect(e.sourceText).toMatch(/^agency setting omes-pwp-conduct\..* \(default\)/);
    const seed = e.relatedSources?.find((s) => s.kind === 'seed');
    expect(seed).toMatchObject({ file: '000_ffa994603df00692.txt', quote: expect.stringMatching(quote) });
  });

  test('investigation start skips Thanksgiving and the day after; completion rolls off Christmas Day', () => {
    expect(entry('investigation.start').explanation.summary).toContain('2026-11-26 Thanksgiving Day');
    expect(entry('investigation.completion').explanation.rolledForwardFrom).toBe('2026-12-25');
    expect(entry('investigation.start').responsibleRole).toBe('hr');
  });

  test('an agency may set its own limit', () => {
    const own = computeSchedule({
      policyId: 'omes-pwp-conduct',
      facts: { 'person-status': 'offender' },
      events: {
        'violation.learned': '2026-11-24T09:00:00-06:00',
        'report.made': '2026-11-25T08:00:00-06:00',
      },
      settings: { 'investigation-start': '1 workingDays' },
    });
    const start = own.entries.find((e) => e.key === 'investigation.start') as ScheduleEntry;
    expect(start.dueAt).toBe('2026-11-30T23:59:59.999-06:00');
    expect(start.sourceText).toContain('(agency value)');
  });
});

describe('ex-offender status at the time of contact', () => {
  const person = (contactAt: string): ConductReportIntake['person'] => ({
    id: 'P-0042',
    status: 'discharged',
    dischargedAt: '2026-06-01T10:00:00-05:00',
    contactAt,
  });

  test('discharged 2026-06-01: day 180 is 2026-11-28, included; the next day is outside', () => {
    const period = periodFor('2026-06-01T10:00:00-05:00');
    expect(period.dueAt).toBe('2026-11-28T23:59:59.999-06:00');
    expect(period.sourceText).toMatch(SEED_000);

    const inside = contactStatusOf(person('2026-11-28T23:30:00-06:00'), period);
    expect(inside.status).toBe('ex-offender');
    expect(inside.exOffenderUntil).toBe('2026-11-28T23:59:59.999-06:00');
    expect(inside.explanation).toBe(
      'The contact on 2026-11-28 falls within the 180 days: the person was an ex-offender. "Ex-offenders are those individuals who are within 180 days of the date following their discharge or termination from custody or supervision." The discharge was on 2026-06-01; the date following it is day 1 of the 180 days, so day 180 is 2026-11-28, included to 2026-11-28 23:59 CST; from the next day the person is no longer an ex-offender.',
    );
    expect(inside.source).toMatch(/§Definitions \(seed 000_ffa994603df00692\.txt\)/);

    const outside = contactStatusOf(person('2026-11-29T00:00:00-06:00'), period);
    expect(outside.status).toBe('not-covered');
    expect(outside.explanation).toMatch(
      /^The contact on 2026-11-29 falls after the 180 days: the person was neither an offender nor an ex-offender/,
    );
  });

  test('contact before the discharge, or in custody or under supervision, is with an offender', () => {
    const period = periodFor('2026-06-01T10:00:00-05:00');
    expect(contactStatusOf(person('2026-06-01T09:00:00-05:00'), period).status).toBe('offender');
    expect(
      contactStatusOf(
        { id: 'P-1', status: 'under-supervision', contactAt: '2026-06-01T09:00:00-05:00' },
        undefined,
      ).status,
    ).toBe('offender');
  });
});
