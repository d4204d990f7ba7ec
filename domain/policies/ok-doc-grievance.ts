// Oklahoma DOC inmate grievance process: seed 002, Part II §III.E (OP-090124), plus the federal PREA
// standard for grievances alleging sexual abuse (28 CFR 115.52). Calendar-day limits roll forward under
// 25 O.S. §82.1(C); the federal PREA limits do not (a state holiday statute cannot lengthen them).
import type { PolicyInput } from './schema';
import { policyTable } from './table';
import {
  DAILY_ESCALATION,
  DAY_REMINDERS,
  HOUR_REMINDERS,
  ONE_WORKING_DAY_BEFORE,
  SEED_002,
  URGENT_ESCALATION,
  HALF_TIME,
  seed,
  statute,
} from './common';

const DOC = 'OP-090124';
const s = (section: string, quote?: string) => seed(SEED_002, DOC, `III.E.${section}`, quote);

type RuleInput = PolicyInput['rules'][number];

const NOT_SEXUAL_ABUSE = ['general', 'medical'];

/** The filing-window rules exist in two tracks that differ only in their anchor and condition. */
function filingTrack(track: 'standard' | 'emergency'): RuleInput[] {
  const anchor = track === 'standard' ? { latestOf: ['incident', 'rts.responded'] } : { event: 'incident' };
  const from =
    track === 'standard'
      ? 'of the incident or of the Request to Staff response, whichever is later'
      : 'of the incident (emergency/sensitive grievances skip informal resolution, §III.E.11)';
  const when = { facts: { track: [track], category: NOT_SEXUAL_ABUSE } };
  return [
    {
      key: 'grievance.filing',
      kind: 'deadline',
      rule: `The formal grievance must be submitted within 15 calendar days ${from}`,
      source: s(
        '12.a',
        'within 15 calendar days of the incident or the date of the response to the "Request to Staff Form," whichever is later',
      ),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'inmate',
      actor: 'subject',
      action:
        'Submit the Offender Grievance Report Form (with the Request to Staff) to the reviewing authority',
      anchor,
      limit: { amount: 15, unit: 'calendarDays' },
      rollForward: true,
      completedBy: 'grievance.filed',
      when,
      extension: {
        approverRoles: ['reviewing-authority'],
        cap: { amount: 60, unit: 'calendarDays', from: 'anchor', source: s('12.b') },
        overrideAuthorities: ['court', 'deputy-director', 'director', 'director-designee'],
        overrideSource: s('12.c'),
        noticeTo: 'inmate',
        requirement: 'good cause (§III.E.12.b); the inmate is told the extended filing date',
      },
    },
    {
      key: 'grievance.filing.extended',
      kind: 'deadline',
      rule: `The reviewing authority may extend the filing period for good cause up to 60 days ${from}`,
      source: s(
        '12.b',
        'The reviewing authority may choose to extend the filing period up to 60 days for good cause.',
      ),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'inmate',
      actor: 'subject',
      action: 'File within the extended period the reviewing authority granted',
      anchor,
      limit: { amount: 60, unit: 'calendarDays' },
      rollForward: true,
      completedBy: 'grievance.filed',
      capOf: 'grievance.filing',
      when,
    },
    {
      key: 'grievance.filing.absolute',
      kind: 'deadline',
      rule: `No grievance is accepted after 60 days ${from}, unless ordered by a court, a deputy director, the director, or their designee`,
      source: s('12.c', 'Under no circumstances will the grievance be accepted after 60 days'),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'inmate',
      actor: 'subject',
      action: 'A later filing needs an order by a court, a deputy director, the director, or their designee',
      anchor,
      limit: { amount: 60, unit: 'calendarDays' },
      rollForward: true,
      completedBy: 'grievance.filed',
      capOf: 'grievance.filing',
      when,
    },
  ];
}

/** The reviewing authority's answer; medical grievances go to the health services administrator. */
function responseRule(category: 'general' | 'medical', track: 'standard' | 'emergency'): RuleInput {
  const medical = category === 'medical';
  const emergency = track === 'emergency';
  return {
    key: 'grievance.response',
    kind: 'deadline',
    rule: `The ${medical ? 'facility health services administrator' : 'reviewing authority'} answers the ${emergency ? 'emergency/sensitive ' : ''}grievance`,
    source: medical
      ? s(
          '12.d',
          'All medical grievances will be sent to the facility health services administrator for resolution.',
        )
      : emergency
        ? s('11.b')
        : s('12'),
    responsibleRole: medical ? 'health-services-administrator' : 'reviewing-authority',
    actor: 'staff',
    action: 'Answer the grievance in writing and record the response',
    anchor: { event: 'grievance.filed' },
    limit: { setting: emergency ? 'grievance.emergency-response' : 'grievance.response' },
    completedBy: 'grievance.responded',
    when: { facts: { category: [category], track: [track] } },
    reminders: emergency ? HOUR_REMINDERS : DAY_REMINDERS,
    escalation: emergency ? URGENT_ESCALATION : DAILY_ESCALATION,
  };
}

export const okDocGrievance = policyTable({
  id: 'ok-doc-grievance',
  version: '1.0.0',
  title: 'Oklahoma DOC inmate grievance (OP-090124) with the PREA sexual-abuse track (28 CFR 115.52)',
  jurisdiction: 'Oklahoma Department of Corrections',
  calendar: 'us-ok-state',
  document: { file: SEED_002, document: DOC },
  reminderTime: '08:00',
  events: [
    { key: 'incident', description: 'The incident the complaint is about' },
    { key: 'rts.submitted', description: 'Request to Staff received by the unit manager / supervisor' },
    { key: 'rts.responded', description: 'Written response to the Request to Staff returned to the inmate' },
    { key: 'grievance.filed', description: 'Grievance received by the reviewing authority' },
    { key: 'grievance.responded', description: "Reviewing authority's (or HSA's) written response" },
    { key: 'grievance.initial-response', description: 'PREA emergency grievance: initial response given' },
    { key: 'grievance.final-decision', description: 'PREA: final agency decision on the merits issued' },
  ],
  order: [
    ['incident', 'rts.submitted'],
    ['rts.submitted', 'rts.responded'],
    ['incident', 'grievance.filed'],
    ['rts.responded', 'grievance.filed'],
    ['grievance.filed', 'grievance.responded'],
    ['grievance.filed', 'grievance.initial-response'],
    ['grievance.filed', 'grievance.final-decision'],
  ],
  facts: [
    {
      name: 'category',
      kind: 'enum',
      values: ['general', 'medical', 'sexual-abuse'],
      default: 'general',
      description:
        'medical → health services administrator (§III.E.12.d); sexual-abuse → PREA (28 CFR 115.52)',
    },
    {
      name: 'track',
      kind: 'enum',
      values: ['standard', 'emergency'],
      default: 'standard',
      description:
        'emergency = sensitive/emergency grievance sent straight to the reviewing authority (§III.E.11)',
    },
  ],
  settings: [
    {
      key: 'grievance.response',
      kind: 'duration',
      default: { amount: 15, unit: 'workingDays' },
      description:
        "Reviewing authority's response time; the seed (orientation manual) does not state it and defers to OP-090124 itself",
    },
    {
      key: 'grievance.emergency-response',
      kind: 'duration',
      default: { amount: 72, unit: 'hours' },
      description:
        'Response time for an emergency/sensitive grievance (§III.E.11 "immediate resolution"; no time in the seed)',
    },
  ],
  rules: [
    {
      key: 'rts.filing',
      kind: 'deadline',
      rule: 'Informal resolution (a Request to Staff) must be initiated within 7 calendar days of the incident',
      source: s(
        '10.b',
        'Attempts at informal resolution must be initiated by the inmate within seven (7) calendar days of the incident.',
      ),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'inmate',
      actor: 'subject',
      action: "Submit a Request to Staff to the unit manager or the supervising officer's team supervisor",
      anchor: { event: 'incident' },
      limit: { amount: 7, unit: 'calendarDays' },
      rollForward: true,
      completedBy: 'rts.submitted',
      // PREA 115.52(b)(3): no informal process may be required for a sexual-abuse allegation, and
      // (b)(1): no time limit on submitting one.
      when: { facts: { track: ['standard'], category: NOT_SEXUAL_ABUSE } },
    },
    {
      key: 'rts.response',
      kind: 'deadline',
      rule: 'Staff respond in writing to the Request to Staff within 10 working days of receipt',
      source: s(
        '10.b',
        'Staff will respond in writing to all "Request to Staff" forms ... within ten (10) working days of receipt.',
      ),
      responsibleRole: 'rts.responder',
      actor: 'staff',
      action: 'Answer the Request to Staff in writing and return it to the inmate',
      anchor: { event: 'rts.submitted' },
      limit: { amount: 10, unit: 'workingDays' },
      completedBy: 'rts.responded',
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    ...filingTrack('standard'),
    ...filingTrack('emergency'),
    responseRule('general', 'standard'),
    responseRule('medical', 'standard'),
    responseRule('general', 'emergency'),
    responseRule('medical', 'emergency'),
    {
      key: 'grievance.response',
      kind: 'deadline',
      rule: 'The reviewing authority answers the grievance alleging sexual abuse (the PREA final decision limit also applies)',
      source: s('12'),
      responsibleRole: 'reviewing-authority',
      actor: 'staff',
      action: 'Answer the grievance in writing and record the response',
      anchor: { event: 'grievance.filed' },
      limit: { setting: 'grievance.response' },
      completedBy: 'grievance.responded',
      when: { facts: { category: ['sexual-abuse'], track: ['standard'] } },
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'prea.final-decision',
      kind: 'deadline',
      rule:
        'A final agency decision on the merits of a grievance alleging sexual abuse is issued within 90 days of its initial filing ' +
        '(time the inmate spends preparing an administrative appeal does not count, 115.52(d)(2): record it as an extension)',
      source: statute('28 CFR 115.52(d)(1)'),
      responsibleRole: 'administrative-review-authority',
      actor: 'staff',
      action: 'Issue the final agency decision on the merits, or extend in writing with notice to the inmate',
      anchor: { event: 'grievance.filed' },
      limit: { amount: 90, unit: 'calendarDays' },
      completedBy: 'grievance.final-decision',
      when: { facts: { category: ['sexual-abuse'], track: ['standard'] } },
      reminders: [HALF_TIME, { kind: 'before', amount: 7, unit: 'calendarDays' }, ONE_WORKING_DAY_BEFORE],
      escalation: DAILY_ESCALATION,
      extension: {
        approverRoles: ['administrative-review-authority'],
        cap: { amount: 70, unit: 'calendarDays', from: 'due', source: statute('28 CFR 115.52(d)(3)') },
        overrideAuthorities: [],
        noticeTo: 'inmate',
        requirement:
          'the normal period is insufficient for an appropriate decision; the inmate is notified in writing of the extension and the date by which a decision will be made (115.52(d)(3))',
      },
    },
    {
      key: 'prea.final-decision.extended',
      kind: 'deadline',
      rule: 'The PREA final decision may be extended by up to 70 days, with written notice to the inmate (160 days from filing at most)',
      source: statute('28 CFR 115.52(d)(3)'),
      responsibleRole: 'administrative-review-authority',
      actor: 'staff',
      action: 'Issue the final agency decision within the extended period',
      anchor: { event: 'grievance.filed' },
      limit: { amount: 160, unit: 'calendarDays' },
      completedBy: 'grievance.final-decision',
      capOf: 'prea.final-decision',
      when: { facts: { category: ['sexual-abuse'], track: ['standard'] } },
    },
    {
      key: 'prea.emergency.initial-response',
      kind: 'deadline',
      rule: 'An emergency grievance alleging a substantial risk of imminent sexual abuse gets an initial response within 48 hours',
      source: statute('28 CFR 115.52(f)(2)'),
      relatedSources: [s('11.b')],
      responsibleRole: 'reviewing-authority',
      actor: 'staff',
      action: 'Forward to a level that can take immediate corrective action and give the initial response',
      anchor: { event: 'grievance.filed' },
      limit: { amount: 48, unit: 'hours' },
      completedBy: 'grievance.initial-response',
      when: { facts: { category: ['sexual-abuse'], track: ['emergency'] } },
      reminders: HOUR_REMINDERS,
      escalation: URGENT_ESCALATION,
    },
    {
      key: 'prea.emergency.final-decision',
      kind: 'deadline',
      rule: 'An emergency grievance alleging a substantial risk of imminent sexual abuse gets a final agency decision within 5 calendar days',
      source: statute('28 CFR 115.52(f)(2)'),
      responsibleRole: 'reviewing-authority',
      actor: 'staff',
      action: 'Issue the final agency decision on the emergency grievance',
      anchor: { event: 'grievance.filed' },
      limit: { amount: 5, unit: 'calendarDays' },
      completedBy: 'grievance.final-decision',
      when: { facts: { category: ['sexual-abuse'], track: ['emergency'] } },
      reminders: [HALF_TIME, ONE_WORKING_DAY_BEFORE],
      escalation: URGENT_ESCALATION,
    },
  ],
  constraints: [
    {
      key: 'direct-involvement',
      text: "An employee directly involved in the inmate's complaint may not determine the final resolution of the formal complaint; a designee is appointed",
      source: s('5'),
    },
    {
      key: 'non-grievable',
      text: 'Misconduct (disciplinary) reports and matters in litigation are not grievable; untimely grievances may not be filed',
      source: s('2'),
    },
    {
      key: 'prea.no-time-limit',
      text: 'No time limit applies to submitting a grievance alleging sexual abuse, and no informal resolution may be required',
      source: statute('28 CFR 115.52(b)(1), (b)(3)'),
    },
  ],
});
