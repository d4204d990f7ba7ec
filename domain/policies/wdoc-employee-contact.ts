// Wyoming DOC Policy and Procedure #1.006, Employee Contact with Inmates and Offenders (seed 001),
// §IV.A.2: staff with a relationship that existed before the incarceration or supervision, or with
// regular lawful social contact expected to continue, give the warden / division administrator (or
// designee) written notice. The seed sets no time for the warden's review, so it is an agency setting
// with its shipped default marked as such.
import { policyTable } from './table';
import { DAILY_ESCALATION, DAY_REMINDERS, SEED_001, seed } from './common';

const DOC = 'WDOC Policy and Procedure #1.006';
const s = (section: string, quote?: string) => seed(SEED_001, DOC, `IV.A.${section}`, quote);

export const wdocEmployeeContact = policyTable({
  id: 'wdoc-employee-contact',
  version: '1.0.0',
  title: 'Wyoming DOC employee contact with inmates and offenders: written notice to the warden (1.006)',
  jurisdiction: 'Wyoming Department of Corrections',
  calendar: 'us-wy-state',
  document: { file: SEED_001, document: DOC },
  reminderTime: '08:00',
  events: [
    {
      key: 'notice.received',
      description: 'The written notice reached the warden / division administrator or designee',
    },
    { key: 'warden.decided', description: "The warden's decision on the notice" },
  ],
  order: [['notice.received', 'warden.decided']],
  facts: [],
  settings: [
    {
      key: 'warden-review',
      kind: 'duration',
      default: { amount: 10, unit: 'workingDays' },
      description:
        'Time for the warden / division administrator or designee to review a written notice and decide; the policy sets none',
    },
  ],
  rules: [
    {
      key: 'warden.review',
      kind: 'deadline',
      rule: "The warden / division administrator or designee reviews the employee's written notice and decides on the relationship or contact",
      source: s('2.i', 'contingent upon notification to the warden/division administrator or designee'),
      relatedSources: [
        s(
          '2.i.a',
          'shall provide WDOC with written notice of the nature and duration of the preexisting relationship',
        ),
        s('2.ii', 'will be required to inform the warden/division administrator or designee in writing'),
      ],
      responsibleRole: 'warden',
      actor: 'staff',
      action:
        'Review the written notice and record the decision (approved, approved with conditions, denied)',
      anchor: { event: 'notice.received' },
      limit: { setting: 'warden-review' },
      completedBy: 'warden.decided',
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
  ],
  constraints: [
    {
      key: 'no-sexual-contact',
      text: 'Sexual contact of any kind with an inmate or offender by staff, including consensual contact, is prohibited',
      source: s('2.i.c'),
    },
    {
      key: 'notice-contents',
      text: 'A pre-existing relationship with an inmate: the nature and duration, and whether the employee wishes to correspond, visit or send money; with an offender: the nature and duration, and the intention to continue or modify it',
      source: s('2.i.a-b'),
    },
    {
      key: 'social-contact',
      text: 'Regular lawful social contact expected to continue must be reported in writing; failing to do so may result in disciplinary action',
      source: s('2.ii'),
    },
    {
      key: 'confidentiality',
      text: 'The identities of the employee and the inmate or offender are confidential: Docket knows them by opaque IDs only',
      source: {
        kind: 'agency-setting',
        setting: 'wdoc-employee-contact.confidentiality',
        isDefault: true,
        note: 'the policy is silent; identities are handled as confidentially as Title IX parties',
      },
    },
  ],
});
