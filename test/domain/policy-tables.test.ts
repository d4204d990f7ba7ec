// One table row (at least) for every rule in the four procedures' tables (docs/rules.md), plus the PREA track, with
// expected instants worked out by hand. Weekdays used below: 2026-11-26 Thu (Thanksgiving),
// 2026-12-25 Fri, 2027-12-25 Sat, 2028-01-01 Sat, 2028-12-25 Mon. DST ends 2026-11-01 and starts
// 2027-03-14 in America/Chicago.
import { computeSchedule, type Schedule, type ScheduleEntry } from '../../domain';
import {
  checkPolicyTables,
  definePolicy,
  okDocGrievance,
  policyTable,
  type PolicyInput,
} from '../../domain/policies';

interface Row {
  name: string;
  facts?: Record<string, string | number | boolean>;
  settings?: Record<string, unknown>;
  events: Record<string, string>;
  key: string;
  dueAt?: string;
  earliest?: string;
  role?: string;
  section?: RegExp;
}

function entryFor(policyId: string, row: Row): { schedule: Schedule; entry: ScheduleEntry } {
  const schedule = computeSchedule({
    policyId,
    events: row.events,
    facts: row.facts ?? {},
    settings: row.settings ?? {},
  });
  const entry = schedule.entries.find((e) => e.key === row.key);
  if (!entry) throw new Error(`no entry ${row.key}; have ${schedule.entries.map((e) => e.key).join(', ')}`);
  return { schedule, entry };
}

function checkRow(policyId: string, row: Row): void {
  const { entry } = entryFor(policyId, row);
  if (row.dueAt) {
    expect(entry.kind).toBe('deadline');
    expect(entry.dueAt).toBe(row.dueAt);
  }
  if (row.earliest) {
    expect(entry.kind).toBe('lowerBound');
    expect(entry.earliest).toBe(row.earliest);
  }
  if (row.role) expect(entry.responsibleRole).toBe(row.role);
  if (row.section) expect(entry.sourceText).toMatch(row.section);
  expect(entry.explanation.summary.length).toBeGreaterThan(0);
}

const GRIEVANCE_ROWS: Row[] = [
  {
    name: 'rts.filing: 7 calendar days from Thu 2026-11-19 is Thanksgiving → rolls to Mon 2026-11-30',
    events: { incident: '2026-11-19T14:00:00-06:00' },
    key: 'rts.filing',
    dueAt: '2026-11-30T23:59:59.999-06:00',
    role: 'inmate',
    section: /OP-090124 §III\.E\.10\.b \(seed 002_5a28f52881808cb3\.txt\)/,
  },
  {
    name: 'rts.filing: 7 calendar days from 2026-12-18 is Christmas → rolls to Mon 2026-12-28',
    events: { incident: '2026-12-18T08:00:00-06:00' },
    key: 'rts.filing',
    dueAt: '2026-12-28T23:59:59.999-06:00',
  },
  {
    name: 'rts.response: 10 working days from Thu 2026-12-17 cross Christmas and New Year → Tue 2027-01-05',
    events: { incident: '2026-12-15T08:00:00-06:00', 'rts.submitted': '2026-12-17T10:00:00-06:00' },
    key: 'rts.response',
    dueAt: '2027-01-05T23:59:59.999-06:00',
    role: 'rts.responder',
    section: /§III\.E\.10\.b/,
  },
  {
    name: 'grievance.filing: 15 calendar days from the RTS response (Thu 2026-12-10) is Christmas → Mon 2026-12-28',
    events: {
      incident: '2026-11-02T08:00:00-06:00',
      'rts.submitted': '2026-11-05T08:00:00-06:00',
      'rts.responded': '2026-12-10T16:00:00-06:00',
    },
    key: 'grievance.filing',
    dueAt: '2026-12-28T23:59:59.999-06:00',
    role: 'inmate',
    section: /§III\.E\.12\.a/,
  },
  {
    name: 'grievance.filing, emergency track: 15 calendar days from the incident (no RTS)',
    facts: { track: 'emergency' },
    events: { incident: '2026-11-11T08:00:00-06:00' },
    key: 'grievance.filing',
    dueAt: '2026-11-30T23:59:59.999-06:00', // day 15 is Thanksgiving → Monday 30th
  },
  {
    name: 'grievance.filing.extended: up to 60 days from the RTS response → Mon 2027-02-08',
    events: {
      incident: '2026-11-02T08:00:00-06:00',
      'rts.submitted': '2026-11-05T08:00:00-06:00',
      'rts.responded': '2026-12-10T16:00:00-06:00',
    },
    key: 'grievance.filing.extended',
    dueAt: '2027-02-08T23:59:59.999-06:00',
    section: /§III\.E\.12\.b/,
  },
  {
    name: 'grievance.filing.absolute: never after 60 days → Mon 2027-02-08',
    events: {
      incident: '2026-11-02T08:00:00-06:00',
      'rts.submitted': '2026-11-05T08:00:00-06:00',
      'rts.responded': '2026-12-10T16:00:00-06:00',
    },
    key: 'grievance.filing.absolute',
    dueAt: '2027-02-08T23:59:59.999-06:00',
    section: /§III\.E\.12\.c/,
  },
  {
    name: 'grievance.response (agency setting, default 15 working days) from Mon 2026-12-28 crosses New Year and MLK Day → Wed 2027-01-20',
    events: { incident: '2026-12-20T08:00:00-06:00', 'grievance.filed': '2026-12-28T09:00:00-06:00' },
    key: 'grievance.response',
    dueAt: '2027-01-20T23:59:59.999-06:00',
    role: 'reviewing-authority',
  },
  {
    name: 'grievance.response, medical: the health services administrator answers (§III.E.12.d)',
    facts: { category: 'medical' },
    events: {
      incident: '2026-12-10T08:00:00-06:00',
      'rts.submitted': '2026-12-11T08:00:00-06:00',
      'rts.responded': '2026-12-21T08:00:00-06:00',
      'grievance.filed': '2026-12-28T09:00:00-06:00',
    },
    key: 'grievance.response',
    dueAt: '2027-01-20T23:59:59.999-06:00',
    role: 'health-services-administrator',
    section: /agency setting ok-doc-grievance\.grievance\.response \(default\)/,
  },
  {
    name: 'grievance.response, emergency track default 72 hours across the end of DST',
    facts: { track: 'emergency' },
    events: { incident: '2026-10-30T08:00:00-05:00', 'grievance.filed': '2026-10-31T12:00:00-05:00' },
    key: 'grievance.response',
    dueAt: '2026-11-03T11:00:00.000-06:00',
  },
  {
    name: 'prea.final-decision: 90 calendar days from 2026-09-26 is Christmas, and a federal limit does not roll forward',
    facts: { category: 'sexual-abuse' },
    events: { incident: '2026-01-05T08:00:00-06:00', 'grievance.filed': '2026-09-26T10:00:00-05:00' },
    key: 'prea.final-decision',
    dueAt: '2026-12-25T23:59:59.999-06:00',
    role: 'administrative-review-authority',
    section: /28 CFR 115\.52\(d\)\(1\)/,
  },
  {
    name: 'prea.final-decision.extended: at most 70 more days → 2027-03-05',
    facts: { category: 'sexual-abuse' },
    events: { incident: '2026-01-05T08:00:00-06:00', 'grievance.filed': '2026-09-26T10:00:00-05:00' },
    key: 'prea.final-decision.extended',
    dueAt: '2027-03-05T23:59:59.999-06:00',
    section: /115\.52\(d\)\(3\)/,
  },
  {
    name: 'prea.emergency.initial-response: 48 real hours across the start of DST',
    facts: { category: 'sexual-abuse', track: 'emergency' },
    events: { incident: '2027-03-12T08:00:00-06:00', 'grievance.filed': '2027-03-13T08:00:00-06:00' },
    key: 'prea.emergency.initial-response',
    dueAt: '2027-03-15T09:00:00.000-05:00',
    section: /115\.52\(f\)\(2\)/,
  },
  {
    name: 'prea.emergency.final-decision: 5 calendar days, not rolled off a Sunday',
    facts: { category: 'sexual-abuse', track: 'emergency' },
    events: { incident: '2026-12-21T08:00:00-06:00', 'grievance.filed': '2026-12-22T08:00:00-06:00' },
    key: 'prea.emergency.final-decision',
    dueAt: '2026-12-27T23:59:59.999-06:00',
  },
];

const DISCIPLINE_ROWS: Row[] = [
  {
    name: 'report.service: 24 real hours after acceptance, across the end of DST',
    events: { 'report.filed': '2026-10-31T17:00:00-05:00', 'report.accepted': '2026-10-31T18:00:00-05:00' },
    key: 'report.service',
    dueAt: '2026-11-01T17:00:00.000-06:00',
    // ok-doc-discipline 1.1.0: the investigator serves, so the breach alert reaches the shift
    // supervisor who accepted the report (a breach alerts the responsible role's supervisor).
    role: 'disciplinary-investigator',
    section: /OP-060125 §IV\.C\.2 \(seed 002_5a28f52881808cb3\.txt\)/,
  },
  {
    name: 'report.service: tolled while the inmate was unavailable, 24 hours after availability',
    events: {
      'report.accepted': '2026-11-25T16:00:00-06:00',
      'inmate.unavailable': '2026-11-25T20:00:00-06:00',
      'inmate.available': '2026-11-28T07:30:00-06:00',
    },
    key: 'report.service',
    dueAt: '2026-11-29T07:30:00.000-06:00',
  },
  {
    name: 'investigation.start: 24 real hours after the violation is reported, across the start of DST',
    events: { 'report.filed': '2027-03-13T20:00:00-06:00' },
    key: 'investigation.start',
    dueAt: '2027-03-14T21:00:00.000-05:00',
    role: 'disciplinary-investigator',
    section: /§IV\.C\.5/,
  },
  {
    name: 'hearing.earliest: 24-hour preparation after service, even on Thanksgiving',
    events: { 'report.accepted': '2026-11-25T08:00:00-06:00', 'report.served': '2026-11-25T15:00:00-06:00' },
    key: 'hearing.earliest',
    earliest: '2026-11-26T15:00:00.000-06:00',
    role: 'disciplinary-officer',
    section: /§IV\.C\.2/,
  },
  {
    name: 'representative.consult: 24 real hours before a hearing the morning after DST ends',
    events: {
      'report.accepted': '2026-10-28T08:00:00-05:00',
      'report.served': '2026-10-28T12:00:00-05:00',
      'representative.requested': '2026-10-28T12:05:00-05:00',
      'hearing.scheduledFor': '2026-11-01T10:00:00-06:00',
    },
    key: 'representative.consult',
    dueAt: '2026-10-31T11:00:00.000-05:00',
    role: 'staff-representative',
    section: /§IV\.C\.8/,
  },
  {
    name: 'hearing.conclusion: 7 working days from Fri 2026-11-20 skip Thanksgiving and the day after → Thu 2026-12-03',
    events: { 'report.accepted': '2026-11-20T10:00:00-06:00' },
    key: 'hearing.conclusion',
    dueAt: '2026-12-03T23:59:59.999-06:00',
    role: 'disciplinary-officer',
    section: /§IV\.B\.3/,
  },
  {
    name: 'hearing.conclusion: 7 working days from Mon 2026-12-21 cross Christmas and New Year → Mon 2027-01-04',
    events: { 'report.accepted': '2026-12-21T10:00:00-06:00' },
    key: 'hearing.conclusion',
    dueAt: '2027-01-04T23:59:59.999-06:00',
  },
  {
    name: 'appeal.facility: 15 calendar days from Thu 2027-12-16 land on New Year 2028 observed → Mon 2028-01-03',
    events: {
      'report.accepted': '2027-12-06T08:00:00-06:00',
      'report.served': '2027-12-06T12:00:00-06:00',
      'hearing.held': '2027-12-15T10:00:00-06:00',
      'hearing.actions.served': '2027-12-16T09:00:00-06:00',
    },
    key: 'appeal.facility',
    dueAt: '2028-01-03T23:59:59.999-06:00',
    role: 'inmate',
    section: /§IV\.C\.11/,
  },
  {
    name: 'appeal.facility.response (agency setting, default 15 working days) from Thu 2027-12-16 → Tue 2028-01-11',
    events: { 'appeal.facility.filed': '2027-12-16T09:00:00-06:00' },
    key: 'appeal.facility.response',
    dueAt: '2028-01-11T23:59:59.999-06:00',
    role: 'facility-head',
  },
  {
    name: 'appeal.director: 15 calendar days from Thu 2028-11-09 land on the day after Thanksgiving → Mon 2028-11-27',
    events: { 'appeal.facility.response.served': '2028-11-09T14:00:00-06:00' },
    key: 'appeal.director',
    dueAt: '2028-11-27T23:59:59.999-06:00',
    role: 'inmate',
    section: /§IV\.C\.12/,
  },
  {
    name: 'appeal.director.review: 15 working days (§IV.B.3) from Mon 2028-12-18 cross Christmas and New Year 2029 → Thu 2029-01-11',
    events: { 'appeal.director.filed': '2028-12-18T09:00:00-06:00' },
    key: 'appeal.director.review',
    dueAt: '2029-01-11T23:59:59.999-06:00',
    role: 'director',
    section: /§IV\.C\.12/,
  },
  {
    name: 'sanction.suspension: at most 90 calendar days from Mon 2027-11-29 → Sun 2028-02-27, not rolled forward',
    events: {
      'report.accepted': '2027-11-22T09:00:00-06:00',
      'sanction.suspended': '2027-11-29T10:00:00-06:00',
    },
    key: 'sanction.suspension',
    dueAt: '2028-02-27T23:59:59.999-06:00',
    role: 'disciplinary-officer',
    section: /§IV\.C\.9/,
  },
];

const TITLE_IX_ROWS: Row[] = [
  {
    name: 'coordinator.contact (agency setting, default 2 working days) from Wed 2026-12-23 skips Christmas Eve and Christmas → Tue 2026-12-29',
    events: { 'report.received': '2026-12-23T15:00:00-06:00' },
    key: 'coordinator.contact',
    dueAt: '2026-12-29T23:59:59.999-06:00',
    role: 'title-ix-coordinator',
    section: /agency setting acsd-title-ix\.coordinator-contact \(default\)/,
  },
  {
    name: 'notice.parties (agency setting, default 5 working days) from Tue 2026-11-24: Arkansas works the day after Thanksgiving → Wed 2026-12-02',
    events: { 'formal-complaint.received': '2026-11-24T11:00:00-06:00' },
    key: 'notice.parties',
    dueAt: '2026-12-02T23:59:59.999-06:00',
    role: 'title-ix-coordinator',
  },
  {
    name: 'evidence.review: 10 working days from Wed 2027-12-15 cross Christmas and New Year 2028 → not before Tue 2028-01-04',
    events: { 'evidence.sent': '2027-12-15T10:00:00-06:00' },
    key: 'evidence.review',
    earliest: '2028-01-04T00:00:00.000-06:00',
    role: 'investigator',
    section: /ACSD Policy 3\.26 \/ 8\.20 .*\(seed 003_f6cc332a41fedc95\.txt\)/,
  },
  {
    name: 'evidence.review with calendar days: 10 days from 2027-12-15 → not before 2027-12-26',
    settings: { 'day-unit': 'calendarDays' },
    events: { 'evidence.sent': '2027-12-15T10:00:00-06:00' },
    key: 'evidence.review',
    earliest: '2027-12-26T00:00:00.000-06:00',
  },
  {
    name: 'determination.earliest: 10 working days after Fri 2026-11-20 (Thanksgiving skipped) → not before Tue 2026-12-08',
    events: { 'investigation.completed': '2026-11-20T16:00:00-06:00' },
    key: 'determination.earliest',
    earliest: '2026-12-08T00:00:00.000-06:00',
    role: 'decision-maker',
  },
  {
    name: 'appeal.filing (agency setting, default 10 working days) from Wed 2027-03-10 across the start of DST → Wed 2027-03-24',
    events: { 'determination.issued': '2027-03-10T13:00:00-06:00' },
    key: 'appeal.filing',
    dueAt: '2027-03-24T23:59:59.999-05:00',
    role: 'party',
    section: /acsd-title-ix\.appeal-period/,
  },
  {
    name: 'determination.final: the day after the appeal period expires',
    events: { 'determination.issued': '2027-03-10T13:00:00-06:00' },
    key: 'determination.final',
    earliest: '2027-03-25T00:00:00.000-05:00',
  },
];

const PROBATION_ROWS: Row[] = [
  {
    name: 'probation.written-warning: at least 6 months from 2026-01-15 (day 1) → through 2026-07-14',
    facts: { action: 'written-warning' },
    events: {
      'action.issued': '2026-01-14T10:00:00-06:00',
      'notification.received': '2026-01-15T10:00:00-06:00',
    },
    key: 'probation.written-warning',
    dueAt: '2026-07-14T23:59:59.999-05:00',
    role: 'supervisor',
    section: /SD 2022-17 §III\.D\.3\.b/,
  },
  {
    name: 'probation.written-warning: 6 months from 2026-08-31 → through 2027-02-28 (shorter month)',
    facts: { action: 'written-warning' },
    events: { 'notification.received': '2026-08-31T10:00:00-05:00' },
    key: 'probation.written-warning',
    dueAt: '2027-02-28T23:59:59.999-06:00',
  },
  {
    name: 'probation.written-warning: a second warning within a year → at least 9 months → through 2027-08-31',
    facts: { action: 'written-warning' },
    events: {
      'written-warning.prior': '2026-03-01T10:00:00-06:00',
      'notification.received': '2026-12-01T10:00:00-06:00',
    },
    key: 'probation.written-warning',
    dueAt: '2027-08-31T23:59:59.999-05:00',
  },
  {
    name: 'probation.written-warning: one day past the year → back to 6 months',
    facts: { action: 'written-warning' },
    events: {
      'written-warning.prior': '2025-12-01T10:00:00-06:00',
      'notification.received': '2026-12-02T10:00:00-06:00',
    },
    key: 'probation.written-warning',
    dueAt: '2027-06-01T23:59:59.999-05:00',
  },
  {
    name: 'probation.suspension: 12 months from Christmas Eve 2027 → through 2028-12-23',
    facts: { action: 'suspension', suspensionWorkingDays: 10 },
    events: { 'notification.received': '2027-12-24T10:00:00-06:00' },
    key: 'probation.suspension',
    dueAt: '2028-12-23T23:59:59.999-06:00',
    section: /§III\.D\.3\.c/,
  },
  {
    name: 'probation.demotion: 12 months from 2028-02-29 → through 2029-02-28',
    facts: { action: 'demotion' },
    events: { 'notification.received': '2028-02-29T10:00:00-06:00' },
    key: 'probation.demotion',
    dueAt: '2029-02-28T23:59:59.999-06:00',
    section: /§III\.D\.3\.d/,
  },
  {
    name: 'probation.initial: the first year of employment from 2026-03-09 → through 2027-03-08',
    facts: { action: 'initial-hire' },
    events: { hired: '2026-03-09T08:00:00-05:00' },
    key: 'probation.initial',
    dueAt: '2027-03-08T23:59:59.999-06:00',
    section: /§III\.F\.2/,
  },
  {
    name: 'probation.initial: six months after a promotion on 2026-05-01 → through 2026-10-31',
    facts: { action: 'promotion' },
    events: { promoted: '2026-05-01T08:00:00-05:00' },
    key: 'probation.initial',
    dueAt: '2026-10-31T23:59:59.999-05:00',
  },
  {
    name: 'lookback.warning: within 6 months from the warning date (day 0) 2026-01-15 → 2026-07-15',
    facts: { action: 'verbal-warning' },
    events: { 'action.issued': '2026-01-15T10:00:00-06:00' },
    key: 'lookback.warning',
    dueAt: '2026-07-15T23:59:59.999-05:00',
    role: 'hr',
    section: /§III\.D\.4/,
  },
  {
    name: 'lookback.suspension: within 12 months of the suspension date 2026-12-31 → 2027-12-31',
    facts: { action: 'suspension' },
    events: { 'action.issued': '2026-12-31T10:00:00-06:00' },
    key: 'lookback.suspension',
    dueAt: '2027-12-31T23:59:59.999-06:00',
    section: /§III\.D\.5/,
  },
  {
    name: 'verbal-warning.removal: after one year from 2026-03-10 → not before 2027-03-11',
    facts: { action: 'verbal-warning' },
    events: { 'action.issued': '2026-03-10T10:00:00-05:00' },
    key: 'verbal-warning.removal',
    earliest: '2027-03-11T00:00:00.000-06:00',
    role: 'supervisor',
    section: /§III\.D\.3\.a\.iii/,
  },
];

describe.each([
  ['ok-doc-grievance', GRIEVANCE_ROWS],
  ['ok-doc-discipline', DISCIPLINE_ROWS],
  ['acsd-title-ix', TITLE_IX_ROWS],
  ['adc-probation', PROBATION_ROWS],
])('%s', (policyId, rows) => {
  test.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => checkRow(policyId, row));
});

test("every key of the procedures' rule tables is covered by a row above", () => {
  const covered = new Set(
    [...GRIEVANCE_ROWS, ...DISCIPLINE_ROWS, ...TITLE_IX_ROWS, ...PROBATION_ROWS].map((r) => r.key),
  );
  const designKeys = [
    'rts.filing',
    'rts.response',
    'grievance.filing',
    'grievance.filing.extended',
    'grievance.filing.absolute',
    'report.service',
    'investigation.start',
    'hearing.earliest',
    'representative.consult',
    'hearing.conclusion',
    'appeal.facility',
    'appeal.director',
    'appeal.director.review',
    'coordinator.contact',
    'notice.parties',
    'evidence.review',
    'determination.earliest',
    'appeal.filing',
    'probation.written-warning',
    'probation.suspension',
    'probation.demotion',
    'probation.initial',
    'lookback.warning',
    'lookback.suspension',
    'verbal-warning.removal',
  ];
  expect(designKeys.filter((key) => !covered.has(key))).toEqual([]);
});

describe('the shipped tables, read without checking in every workflow', () => {
  test('every registered table meets the schema, and the schema reads it exactly as shipped', () => {
    expect(() => checkPolicyTables()).not.toThrow();
  });

  test("a rule that leaves the schema's defaults out reads them as the schema does", () => {
    const input = okDocGrievance as PolicyInput;
    const bare: PolicyInput = {
      ...input,
      rules: input.rules.map(({ rollForward, anchorDayIsFirstDay, periodEnd, reminders, ...rule }) => ({
        ...rule,
        // Only what differs from a default stays written, as a policy author would write it.
        ...(rollForward ? { rollForward } : {}),
        ...(anchorDayIsFirstDay ? { anchorDayIsFirstDay } : {}),
        ...(periodEnd ? { periodEnd } : {}),
        ...(Array.isArray(reminders) && reminders.length === 0 ? {} : { reminders }),
      })),
    };
    expect(policyTable(bare)).toEqual(definePolicy(bare));
    expect(policyTable(bare)).toEqual(okDocGrievance);
  });

  test('a malformed table is caught by the check, naming the policy and the issue', () => {
    const input = okDocGrievance as PolicyInput;
    const broken = { ...input, rules: [{ ...input.rules[0], responsibleRole: '' }] } as PolicyInput;
    expect(() => definePolicy(broken)).toThrow(/ok-doc-grievance@.* is invalid: rules\.0\.responsibleRole/);
  });
});
