// Oklahoma OMES policy on public works programs with offender labor (seed 000): employees "must
// promptly report" a violation (prohibited activities, relationships, over-familiarity, sexual
// misconduct or harassment, retaliation) to a supervisor or Human Resources, and OMES "will promptly
// investigate". The seed puts no number on "promptly", so the three limits are agency settings whose
// shipped defaults are marked as defaults: report within 24 hours of learning of the violation, start
// the investigation within 2 working days of the report, complete it within 30 calendar days of the
// report (rolled forward off a weekend or holiday, 25 O.S. §82.1(C)).
//
// Ex-offenders "are those individuals who are within 180 days of the date following their discharge
// or termination from custody or supervision" (Definitions): the date following the discharge is the
// first of the 180 days, so the last is the discharge date plus 180 days (day 0 = the discharge date,
// as every "within N days" limit counts), included to the end of that day.
import { policyTable } from './table';
import { DAILY_ESCALATION, DAY_REMINDERS, HOURLY_ESCALATION, SEED_000, seed, statute } from './common';

const DOC = 'OMES Public Works Programs policy';
const s = (section: string, quote?: string) => seed(SEED_000, DOC, section, quote);

export const REPORT_QUOTE =
  'Any employee who witnesses or knows of a violation of this policy must promptly report the violation to a supervisor or Human Resources.';
export const INVESTIGATE_QUOTE = 'OMES will promptly investigate all allegations that violate this policy.';
export const EX_OFFENDER_QUOTE =
  'Ex-offenders are those individuals who are within 180 days of the date following their discharge or termination from custody or supervision.';
export const RETALIATION_QUOTE =
  'Any employee who retaliates against an individual for reporting or providing information concerning violation of this policy shall be subject to disciplinary action up to and including termination.';
export const LATE_REPORT_QUOTE =
  'Any employee, who fails to promptly report a violation or who knowing falsifies a report, shall be subject to disciplinary action, up to and including termination.';

export const omesPwpConduct = policyTable({
  id: 'omes-pwp-conduct',
  version: '1.0.0',
  title: 'OMES public works programs: reports of prohibited conduct with offenders and ex-offenders',
  jurisdiction: 'Oklahoma Office of Management and Enterprise Services',
  calendar: 'us-ok-state',
  document: { file: SEED_000, document: DOC },
  reminderTime: '08:00',
  events: [
    { key: 'violation.learned', description: 'The reporting employee witnessed or learned of the violation' },
    { key: 'report.made', description: 'The violation was reported to a supervisor or Human Resources' },
    { key: 'investigation.started', description: 'The investigation started' },
    { key: 'investigation.completed', description: 'The investigation was completed' },
    {
      key: 'person.discharged',
      description: 'The offender was discharged or terminated from custody or supervision',
    },
  ],
  order: [
    ['violation.learned', 'report.made'],
    ['report.made', 'investigation.started'],
    ['investigation.started', 'investigation.completed'],
  ],
  facts: [
    {
      name: 'person-status',
      kind: 'enum',
      values: ['offender', 'discharged'],
      description:
        'At the time of contact: under the care, custody or supervision of the Oklahoma Department of Corrections (offender), or discharged or terminated from it',
    },
  ],
  settings: [
    {
      key: 'report-limit',
      kind: 'duration',
      default: { amount: 24, unit: 'hours' },
      description:
        'Time for an employee to report a violation to a supervisor or Human Resources after witnessing or learning of it; the policy says "promptly report"',
    },
    {
      key: 'investigation-start',
      kind: 'duration',
      default: { amount: 2, unit: 'workingDays' },
      description:
        'Time to start the investigation after the report; the policy says OMES "will promptly investigate"',
    },
    {
      key: 'investigation-completion',
      kind: 'duration',
      default: { amount: 30, unit: 'calendarDays' },
      description:
        'Time to complete the investigation after the report; the policy says OMES "will promptly investigate"',
    },
  ],
  rules: [
    {
      key: 'report.prompt',
      kind: 'deadline',
      rule: 'An employee who witnesses or knows of a violation reports it promptly to a supervisor or Human Resources',
      source: s('Prohibited Retaliation (reporting)', REPORT_QUOTE),
      relatedSources: [s('Prohibited Retaliation (reporting)', LATE_REPORT_QUOTE)],
      // The employee who knew: Docket learns of the duty with the report itself, so nobody is reminded;
      // a report later than this is flagged to Human Resources when the case opens.
      responsibleRole: 'employee',
      actor: 'staff',
      action: 'Report the violation to a supervisor or Human Resources',
      anchor: { event: 'violation.learned' },
      limit: { setting: 'report-limit' },
      completedBy: 'report.made',
      escalation: HOURLY_ESCALATION,
    },
    {
      key: 'investigation.start',
      kind: 'deadline',
      rule: 'OMES promptly investigates every allegation: the investigation starts after the report',
      source: s('Prohibited Retaliation (investigation)', INVESTIGATE_QUOTE),
      responsibleRole: 'hr',
      actor: 'staff',
      action: 'Start the investigation of the reported violation',
      anchor: { event: 'report.made' },
      limit: { setting: 'investigation-start' },
      completedBy: 'investigation.started',
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'investigation.completion',
      kind: 'deadline',
      rule: 'OMES promptly investigates every allegation: the investigation is completed after the report',
      source: s('Prohibited Retaliation (investigation)', INVESTIGATE_QUOTE),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'hr',
      actor: 'staff',
      action: 'Complete the investigation and record its finding',
      anchor: { event: 'report.made' },
      limit: { setting: 'investigation-completion' },
      rollForward: true,
      completedBy: 'investigation.completed',
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'ex-offender.period',
      kind: 'deadline',
      rule: 'A person discharged or terminated from custody or supervision is an ex-offender within 180 days of the date following the discharge',
      source: s('Definitions', EX_OFFENDER_QUOTE),
      responsibleRole: 'hr',
      actor: 'staff',
      action:
        "Until this time, contact with the person falls under the policy's prohibitions on ex-offenders",
      anchor: { event: 'person.discharged' },
      // Calendar days, not rolled forward: a status lasts every day, and its end is no act due.
      limit: { amount: 180, unit: 'calendarDays' },
      periodEnd: true,
      when: { facts: { 'person-status': ['discharged'] } },
    },
  ],
  constraints: [
    {
      key: 'prohibited-conduct',
      text: 'Employees (including contractors, students and volunteers) may not engage in prohibited activities, relationships, over-familiarity, sexual misconduct or harassment, or retaliation with offenders or ex-offenders in the programs',
      source: s('Policy'),
    },
    { key: 'retaliation', text: RETALIATION_QUOTE, source: s('Prohibited Retaliation') },
    { key: 'late-report', text: LATE_REPORT_QUOTE, source: s('Prohibited Retaliation (reporting)') },
    {
      key: 'confidentiality',
      text: 'The identities of the reporter, the employee reported and the offender are confidential: Docket knows them by opaque IDs only',
      source: {
        kind: 'agency-setting',
        setting: 'omes-pwp-conduct.confidentiality',
        isDefault: true,
        note: 'the policy is silent; identities are handled as confidentially as Title IX parties',
      },
    },
  ],
});
