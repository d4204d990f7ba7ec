// Two short-lived procedures of NC DOC Policy D.0700 (seed 004) beside the contract ladders:
//
// - §.0706, Community Work Program projects: "short-term work projects that are not formalized into
//   inmate labor contracts" with "a duration of ten (10) consecutive labor days or less". A project's
//   planned end is a deadline for the program's coordinator, reminded the labor day before; an
//   addition to its scope (reviewed and approved like the project, §.0706(h)) may extend it, never past
//   the tenth labor day.
// - §.0707(h), Enterprises temporary transfers to a facility nearer the job site: arranged "at least 24
//   hours prior to the requested transfer" (a lower bound on the transfer, exact hours), and the
//   receiving facility processes the inmates "(up to 4 hours) before the inmate(s) may be released to
//   an Enterprises work crew".
//
// Each is a case type of its own rather than events of a contract record: a CWP project is by
// definition not an inmate labor contract, and a transfer concerns inmates moved for one week's work,
// not the contract's violations; both end in days, while a contract record lives for years.
//
// A "labor day" is not defined by the seed. It is read as a working day of the North Carolina state
// calendar (weekends and state holidays are not labor days), recorded on each rule as an agency
// reading with its default marked.
import type { Source } from '../types';
import { DAILY_ESCALATION, HALF_TIME, HOURLY_ESCALATION, SEED_004, seed } from './common';
import type { PolicyInput } from './schema';
import { policyTable } from './table';

const DOC = 'Policy D.0700';
const s = (section: string, quote?: string) => seed(SEED_004, DOC, section, quote);

type RuleInput = PolicyInput['rules'][number];

const TEN_DAYS = s(
  'D.0706',
  'These work projects have a duration of ten (10) consecutive labor days or less.',
);
const LABOR_DAY: Source = {
  kind: 'agency-setting',
  setting: 'nc-doc-cwp.labor-day',
  isDefault: true,
  note: 'a labor day is a working day of the us-nc-state calendar; the seed does not define it',
};

export const CWP_MAX_LABOR_DAYS = 10;

/** The planned end of a project of `days` labor days: labor day 1 is the day work began. */
function plannedEnd(days: number): RuleInput {
  return {
    key: 'project.end',
    kind: 'deadline',
    rule: `The project is planned for ${days} consecutive labor day${days === 1 ? '' : 's'}: the day work began is labor day 1, so it ends with labor day ${days}`,
    source: TEN_DAYS,
    relatedSources: [LABOR_DAY],
    responsibleRole: 'cwp-coordinator',
    actor: 'staff',
    action:
      'Complete the project and record it; more work needs an addition to the scope reviewed and approved by the facility head (D.0706(h)), and never past the tenth labor day',
    anchor: { event: 'project.started' },
    limit: { amount: days - 1, unit: 'workingDays' },
    completedBy: 'project.completed',
    when: { facts: { plannedLaborDays: [String(days)] } },
    reminders: [{ kind: 'before', amount: 1, unit: 'workingDays' }],
    escalation: DAILY_ESCALATION,
    extension: {
      approverRoles: ['facility-head'],
      cap: { amount: CWP_MAX_LABOR_DAYS - 1, unit: 'workingDays', from: 'anchor', source: TEN_DAYS },
      overrideAuthorities: [],
      requirement:
        'an addition to the scope of the project, reviewed and approved like the project itself (D.0706(h)); at most ten consecutive labor days in all (D.0706)',
    },
  };
}

export const ncDocCwp = policyTable({
  id: 'nc-doc-cwp',
  version: '1.0.0',
  title: 'North Carolina DOC Community Work Program projects (Policy D.0700 §.0706)',
  jurisdiction: 'North Carolina Department of Correction, Division of Prisons',
  calendar: 'us-nc-state',
  document: { file: SEED_004, document: DOC },
  reminderTime: '08:00',
  events: [
    { key: 'project.started', description: 'Work on the project began: labor day 1' },
    { key: 'project.completed', description: 'The project was completed' },
  ],
  order: [['project.started', 'project.completed']],
  facts: [
    {
      name: 'plannedLaborDays',
      kind: 'enum',
      values: Array.from({ length: CWP_MAX_LABOR_DAYS }, (_, i) => String(i + 1)),
      description: 'How many consecutive labor days the project is planned for: 1 to 10 (D.0706)',
    },
  ],
  settings: [],
  rules: [
    ...Array.from({ length: CWP_MAX_LABOR_DAYS }, (_, i) => plannedEnd(i + 1)),
    {
      key: 'project.limit',
      kind: 'deadline',
      rule: 'A Community Work Program project lasts ten consecutive labor days or less: it ends with labor day 10 at the latest',
      source: TEN_DAYS,
      relatedSources: [LABOR_DAY],
      responsibleRole: 'cwp-coordinator',
      actor: 'staff',
      action: 'No extension reaches past this day',
      anchor: { event: 'project.started' },
      limit: { amount: CWP_MAX_LABOR_DAYS - 1, unit: 'workingDays' },
      completedBy: 'project.completed',
      capOf: 'project.end',
    },
  ],
  constraints: [
    {
      key: 'not-a-contract',
      text: 'Community Work Program projects are short-term work projects not formalized into inmate labor contracts',
      source: s('D.0706'),
    },
    {
      key: 'scope-additions',
      text: 'Additions to the scope of the project requested after the work has begun require the same review and approval process',
      source: s('D.0706(h)'),
    },
  ],
});

export const ncDocTransfer = policyTable({
  id: 'nc-doc-transfer',
  version: '1.0.0',
  title: 'North Carolina DOC Enterprises temporary transfers (Policy D.0700 §.0707(h))',
  jurisdiction: 'North Carolina Department of Correction, Division of Prisons',
  calendar: 'us-nc-state',
  document: { file: SEED_004, document: DOC },
  reminderTime: '08:00',
  events: [
    {
      key: 'transfer.arranged',
      description:
        'Enterprises supervisors made the arrangements with Division of Prisons Transportation staff and the receiving facility',
    },
    { key: 'inmates.delivered', description: 'Enterprises delivered the inmates to the receiving facility' },
    {
      key: 'processing.completed',
      description: 'The receiving facility processed the inmates into the facility',
    },
    { key: 'crew.released', description: 'The inmates were released to an Enterprises work crew' },
    { key: 'inmates.returned', description: 'The inmates were returned to their home facility' },
  ],
  order: [
    ['transfer.arranged', 'inmates.delivered'],
    ['inmates.delivered', 'processing.completed'],
    ['processing.completed', 'crew.released'],
    ['inmates.delivered', 'inmates.returned'],
  ],
  facts: [],
  settings: [],
  rules: [
    {
      key: 'transfer.earliest',
      kind: 'lowerBound',
      rule: 'The transfer is arranged with Division of Prisons Transportation staff and the receiving facility at least 24 hours before it takes place',
      source: s(
        'D.0707(h)(1)',
        'Enterprises supervisors make arrangements through the Division of Prisons Transportation staff and the receiving correctional facility at least 24 hours prior to the requested transfer',
      ),
      responsibleRole: 'enterprises-supervisor',
      actor: 'staff',
      action: 'Deliver the inmates to the receiving facility no earlier than this',
      anchor: { event: 'transfer.arranged' },
      limit: { amount: 24, unit: 'hours' },
      completedBy: 'inmates.delivered',
    },
    {
      key: 'processing.window',
      kind: 'deadline',
      rule: 'The receiving facility processes the inmates into the facility, up to 4 hours, before they may be released to an Enterprises work crew',
      source: s(
        'D.0707(h)(3)',
        'Enterprises leaves the inmates with the receiving facility for processing the inmate(s) into the facility (up to 4 hours) before the inmate(s) may be released to an Enterprises work crew',
      ),
      responsibleRole: 'receiving-officer',
      actor: 'staff',
      action: 'Process the inmates into the facility and record it, so they may be released to the work crew',
      anchor: { event: 'inmates.delivered' },
      limit: { amount: 4, unit: 'hours' },
      completedBy: 'processing.completed',
      reminders: [HALF_TIME],
      escalation: HOURLY_ESCALATION,
    },
  ],
  constraints: [
    {
      key: 'release-after-processing',
      text: 'Inmates are released to an Enterprises work crew only after the receiving facility has processed them',
      source: s('D.0707(h)(3)'),
    },
    {
      key: 'weekly-return',
      text: 'Enterprises returns the inmates to their home facility at the end of each workweek unless unexpected circumstances dictate an early return',
      source: s('D.0707(h)(4)'),
    },
  ],
});
