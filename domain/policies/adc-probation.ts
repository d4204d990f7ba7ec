// Arkansas DOC employee disciplinary and initial probation: seed 003, Secretarial Directive 2022-17
// §III.D-F. A probation period "will commence on the day an employee receives official notification"
// (§III.F.1), so that day is the period's first day: 6 months from 15 January runs through 14 July.
// Look-back windows ("within six months from the date of the ... warning", §III.D.4) count the day of
// the warning as day 0, like every other "within" limit.
//
// Version 1.0.0 was completed in place (the suspension's working-day window, a written warning's
// longer probation) before any probation record ran: the workflow that runs these rules arrived with
// that change, so no record holds a schedule of the earlier text. From now on, changes are a new
// version beside this one (registry.ts).
import type { PolicyInput } from './schema';
import { policyTable } from './table';
import { SEED_003, seed } from './common';

const DOC = 'SD 2022-17';
const s = (section: string, quote?: string) => seed(SEED_003, DOC, section, quote);

type RuleInput = PolicyInput['rules'][number];

const PROBATION_REMINDERS = { setting: 'reminder-lead-times' };
const PRIOR_WARNING_WINDOW = {
  event: 'written-warning.prior',
  of: 'notification.received',
  limit: { amount: 12, unit: 'months' as const },
};

function disciplinaryProbation(
  key: string,
  action: string,
  months: number,
  rule: string,
  source: RuleInput['source'],
  when: RuleInput['when'] = {},
  extension?: RuleInput['extension'],
): RuleInput {
  return {
    key,
    kind: 'deadline',
    rule,
    source,
    relatedSources: [s('III.F.1'), s('III.E.3')],
    responsibleRole: 'supervisor',
    actor: 'staff',
    action:
      'Review the employee before the disciplinary probation ends; after it ends the action no longer counts for progressive discipline (§III.E.3)',
    anchor: { event: 'notification.received' },
    limit: { amount: months, unit: 'months' },
    anchorDayIsFirstDay: true,
    periodEnd: true,
    when: { ...when, facts: { action: [action] } },
    reminders: PROBATION_REMINDERS,
    ...(extension ? { extension } : {}),
  };
}

// §III.D.3.b sets a minimum: the period "may be longer depending on the nature of the violation and its
// impact on Department operations". The longer period is decided by whoever administers the discipline
// (§III.B.3.c, §III.D.1), so it is an extension approved by the decision-making supervisor, and the
// employee is told in writing, as with every disciplinary action (§III.F.1).
const LONGER_WRITTEN_WARNING_PROBATION: RuleInput['extension'] = {
  approverRoles: ['decision-making-supervisor'],
  overrideAuthorities: [],
  noticeTo: 'employee',
  requirement:
    'a longer period depending on the nature of the violation and its impact on Department operations (§III.D.3.b), with written notification to the employee',
};

// The unpaid suspension itself: "a minimum of (1) one working day but not to exceed (10) ten working
// days" (§III.D.3.c.i), "up to fifteen (15) working days" when the employee's driver's license is
// suspended (§III.D.3.c.ii). The window is the N working days after day 0, the day before the first
// suspension day, so a first day on a working day is day 1 of N and holidays are skipped (A.C.A.
// §1-5-101 through the us-ar-state calendar). A rule's limit cannot come from a number fact, so the
// length is also given as the enum fact `suspensionLength`, one rule per length; the integer fact
// `suspensionWorkingDays` keeps the range check (1-10, 15 with a license suspension).
const MAX_SUSPENSION_DAYS = 15;
const SUSPENSION_LENGTHS = Array.from({ length: MAX_SUSPENSION_DAYS }, (_, i) => String(i + 1));

function suspensionDays(days: number): RuleInput {
  const license = days > 10;
  return {
    key: 'suspension.days',
    kind: 'deadline',
    rule: `An unpaid suspension of ${days} working day${days === 1 ? '' : 's'}${license ? " (driver's-license case)" : ''}: the ${days} working day${days === 1 ? '' : 's'} after day 0, the day before the first suspension day`,
    source: license
      ? s('III.D.3.c.ii', 'suspension from their duties may be up to fifteen (15) working days (120 hours)')
      : s(
          'III.D.3.c.i',
          'Suspension shall be without pay for a minimum of (1) one working day but not to exceed (10) ten working days (80 hours).',
        ),
    relatedSources: [s('III.D.3.c.i', 'The dates of Suspension are to be scheduled soon as possible')],
    responsibleRole: 'supervisor',
    actor: 'staff',
    action:
      'The employee is suspended without pay on these working days; record them for timekeeping and payroll',
    anchor: { event: 'suspension.day-zero' },
    limit: { amount: days, unit: 'workingDays' },
    periodEnd: true,
    when: {
      facts: {
        action: ['suspension'],
        suspensionLength: [String(days)],
        ...(license ? { licenseSuspension: [true] } : {}),
      },
    },
  };
}

export const adcProbation = policyTable({
  id: 'adc-probation',
  version: '1.0.0',
  title: 'Arkansas DOC disciplinary and initial probation periods (SD 2022-17)',
  jurisdiction: 'Arkansas Department of Corrections',
  calendar: 'us-ar-state',
  document: { file: SEED_003, document: DOC },
  reminderTime: '08:00',
  events: [
    {
      key: 'action.issued',
      description: 'Date of the disciplinary action (the warning, suspension or demotion)',
    },
    {
      key: 'notification.received',
      description: 'Employee received official notification of the disciplinary action',
    },
    { key: 'written-warning.prior', description: 'Date of an earlier (initial) written warning' },
    { key: 'hired', description: 'Initial hire with the Department' },
    { key: 'promoted', description: 'Promotion took effect' },
    {
      key: 'verbal-warning.removed',
      description: "Verbal warning documentation removed from the Supervisor's File",
    },
    {
      key: 'suspension.day-zero',
      description:
        'Day 0 of the suspension: the day before its first day; the suspension days are the working days after it',
    },
  ],
  order: [
    ['action.issued', 'notification.received'],
    ['written-warning.prior', 'action.issued'],
    ['written-warning.prior', 'notification.received'],
    ['hired', 'promoted'],
    ['action.issued', 'verbal-warning.removed'],
  ],
  facts: [
    {
      name: 'action',
      kind: 'enum',
      values: ['verbal-warning', 'written-warning', 'suspension', 'demotion', 'initial-hire', 'promotion'],
      description: 'The disciplinary action (§III.D.3) or the start of initial probation (§III.F.2)',
    },
    {
      name: 'suspensionWorkingDays',
      kind: 'integer',
      min: 1,
      max: 10,
      maxWhen: { fact: 'licenseSuspension', equals: true, max: 15 },
      description:
        "Length of an unpaid suspension: 1 to 10 working days, up to 15 when a driver's license is suspended (§III.D.3.c.i-ii)",
    },
    {
      name: 'licenseSuspension',
      kind: 'boolean',
      default: false,
      description:
        "The employee's driver's license is suspended (Arkansas Vehicle Safety Policy, §III.D.3.c.ii)",
    },
    {
      name: 'suspensionLength',
      kind: 'enum',
      values: ['none', ...SUSPENSION_LENGTHS],
      default: 'none',
      description:
        'suspensionWorkingDays again, as text, to select the rule that counts the suspension days; none without a suspension',
    },
  ],
  settings: [
    {
      key: 'reminder-lead-times',
      kind: 'leadTimes',
      default: [
        { kind: 'before', amount: 30, unit: 'calendarDays' },
        { kind: 'before', amount: 5, unit: 'workingDays' },
      ],
      description: 'When the supervisor is reminded before a probation period ends; the directive sets none',
    },
  ],
  rules: [
    disciplinaryProbation(
      'probation.written-warning',
      'written-warning',
      6,
      'A written warning carries a disciplinary probation of at least 6 months',
      s('III.D.3.b', 'automatically subject to a minimum six (6) month Disciplinary Probation period'),
      { eventNotWithin: PRIOR_WARNING_WINDOW },
      LONGER_WRITTEN_WARNING_PROBATION,
    ),
    disciplinaryProbation(
      'probation.written-warning',
      'written-warning',
      9,
      'A second written warning within one year of the initial written warning carries a disciplinary probation of at least 9 months',
      s(
        'III.D.3.b',
        'If a subsequent written warning is received within a one (1) year period from the initial written warning, a minimum nine (9) month disciplinary Probation period will be imposed.',
      ),
      { eventWithin: PRIOR_WARNING_WINDOW },
      LONGER_WRITTEN_WARNING_PROBATION,
    ),
    disciplinaryProbation(
      'probation.suspension',
      'suspension',
      12,
      "A suspension (itself 1 to 10 working days, up to 15 in the driver's-license case) carries a 12-month probation",
      s('III.D.3.c', 'Suspensions are accompanied by an automatic twelve (12) month probationary period.'),
    ),
    ...Array.from({ length: MAX_SUSPENSION_DAYS }, (_, i) => suspensionDays(i + 1)),
    disciplinaryProbation(
      'probation.demotion',
      'demotion',
      12,
      'A demotion carries a 12-month disciplinary probation',
      s(
        'III.D.3.d',
        'Demotion is accompanied by an automatic twelve (12) month Disciplinary Probation period.',
      ),
    ),
    ...(['initial-hire', 'promotion'] as const).map((action): RuleInput => ({
      key: 'probation.initial',
      kind: 'deadline',
      rule:
        action === 'initial-hire'
          ? 'Initial probation lasts the first year of employment'
          : 'Initial probation lasts six months following a promotion',
      source: s('III.F.2', 'during their first year of employment or six (6) months following a promotion'),
      relatedSources: [s('II.F')],
      responsibleRole: 'supervisor',
      actor: 'staff',
      action:
        'Evaluate the employee before initial probation ends; it may be extended in writing instead of discipline',
      anchor: { event: action === 'initial-hire' ? 'hired' : 'promoted' },
      limit: { amount: action === 'initial-hire' ? 12 : 6, unit: 'months' },
      anchorDayIsFirstDay: true,
      periodEnd: true,
      when: { facts: { action: [action] } },
      reminders: PROBATION_REMINDERS,
      extension: {
        approverRoles: ['decision-making-supervisor'],
        overrideAuthorities: [],
        noticeTo: 'employee',
        requirement: 'in lieu of disciplinary action, with written notification to the employee (§III.F.2)',
      },
    })),
    {
      key: 'lookback.warning',
      kind: 'deadline',
      rule: 'An equal or more substantial violation within 6 months from the date of a verbal or written warning calls for more severe action',
      source: s('III.D.4', 'within (6) six months from the date of the initial verbal or written warning'),
      responsibleRole: 'hr',
      actor: 'staff',
      action: 'Until this time, treat an equal or worse violation as calling for more severe discipline',
      anchor: { event: 'action.issued' },
      limit: { amount: 6, unit: 'months' },
      periodEnd: true,
      when: { facts: { action: ['verbal-warning', 'written-warning'] } },
    },
    {
      key: 'lookback.suspension',
      kind: 'deadline',
      rule: 'An equal or more substantial violation within 12 months of the date of a suspension or demotion calls for more severe action',
      source: s('III.D.5', 'within (12) twelve months of the date of suspension or demotion'),
      responsibleRole: 'hr',
      actor: 'staff',
      action: 'Until this time, treat an equal or worse violation as calling for more severe discipline',
      anchor: { event: 'action.issued' },
      limit: { amount: 12, unit: 'months' },
      periodEnd: true,
      when: { facts: { action: ['suspension', 'demotion'] } },
    },
    {
      key: 'verbal-warning.removal',
      kind: 'lowerBound',
      rule: "On the employee's written request and the supervisor's approval, a verbal warning's documentation may be removed after one year from the date of the warning, if no other incident has occurred",
      source: s(
        'III.D.3.a.iii',
        'may be removed ... after one (1) year from the date of the warning provided that no other incidents have occurred',
      ),
      responsibleRole: 'supervisor',
      actor: 'staff',
      action:
        'From this time, an employee request to remove the verbal warning may be approved if there was no other incident',
      anchor: { event: 'action.issued' },
      limit: { amount: 12, unit: 'months' },
      completedBy: 'verbal-warning.removed',
      when: { facts: { action: ['verbal-warning'] } },
    },
  ],
  constraints: [
    {
      key: 'no-probation-for-verbal-warning',
      text: 'A verbal warning carries no disciplinary probation',
      source: s('III.D.3.a.ii'),
    },
    {
      key: 'probation-expiry',
      text: 'After the disciplinary probation expires, the action is not considered for further progressive discipline',
      source: s('III.E.3'),
    },
  ],
});
