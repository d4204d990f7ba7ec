// Oklahoma DOC disciplinary process: seed 002, Part II §IV (OP-060125).
// §IV.B.3: "Time Frames: Will not include weekends and holidays, except as indicated", so a day count
// without "calendar" is in working days. Hour limits (24 hours) are exact elapsed hours as docs/rules.md
// says; they are never stretched over a weekend. Calendar-day limits roll forward under
// 25 O.S. §82.1(C).
//
// 1.1.0 (with the discipline workflow; 1.0.0 never ran a case, so it is not kept beside it):
// - report.service is the disciplinary investigator's duty, so that its breach alert reaches the shift
//   supervisor / unit manager who accepted the report (a breach alerts the responsible role's
//   supervisor, docs/rules.md "Notices and escalation"). The seed does not say who serves the report.
// - sanction.suspension: the longest a suspended punishment may run (§IV.C.9), computed with the
//   schedule so that the officer's specified period can be checked against it in history.
// - constraints from the Range of Allowable Sanctions: no suspension for class X offenses, and at
//   most three punishments (§IV.C.9).
//
// 1.2.0 (beside 1.1.0, which running cases keep), from the Range of Allowable Sanctions:
// - finding.guilty: the finding of guilt or the disposition of a guilty plea, the day 0 of what follows;
// - privilege.restore-<code>: a restorable sanction's term (its days, a case fact set from the finding)
//   ends on its last day, when the unit restores the privilege (ok-doc-sanctions.ts);
// - repeat.window: six months from the finding, within which a second guilty finding of the same rule
//   justifies a sanction of the next higher class (the per-subject record compares findings with it).
import type { PolicyInput } from './schema';
import { policyTable } from './table';
import {
  DAILY_ESCALATION,
  DAY_REMINDERS,
  HOURLY_ESCALATION,
  HOUR_REMINDERS,
  ONE_WORKING_DAY_BEFORE,
  SEED_002,
  seed,
  statute,
} from './common';
import {
  CLASS_X_QUOTE,
  REPEAT_RULE_SOURCE,
  RESTORABLE_SANCTIONS,
  restoredEventOf,
  restoreRuleOf,
  sanctionSource,
  TELEPHONE_EXCEPTION_FACT,
  TELEPHONE_EXCEPTION_OFFENSE,
  termFactOf,
} from './ok-doc-sanctions';

const DOC = 'OP-060125';
const s = (section: string, quote?: string) => seed(SEED_002, DOC, `IV.${section}`, quote);
const NOT_WAIVED = { eventsAbsent: ['hearing.waived'] };
const SANCTIONS = seed(SEED_002, DOC, 'IV, Acts Constituting Rule Violation: Range of Allowable Sanctions');

const V1_1_0 = {
  id: 'ok-doc-discipline',
  version: '1.1.0',
  title: 'Oklahoma DOC disciplinary hearing and appeals (OP-060125)',
  jurisdiction: 'Oklahoma Department of Corrections',
  calendar: 'us-ok-state',
  document: { file: SEED_002, document: DOC },
  reminderTime: '08:00',
  events: [
    {
      key: 'report.filed',
      description: 'Offense report filed with the shift supervisor / unit manager (violation reported)',
    },
    {
      key: 'report.accepted',
      description: 'Offense report approved and accepted by the shift supervisor / unit manager',
    },
    { key: 'inmate.unavailable', description: 'Inmate documented as unable or unavailable to be served' },
    { key: 'inmate.available', description: 'Inmate available again for service' },
    { key: 'report.served', description: 'Offense report served on the inmate' },
    { key: 'investigation.started', description: 'Investigation started' },
    { key: 'hearing.waived', description: 'Inmate waived the hearing (a plea of guilty)' },
    { key: 'representative.requested', description: 'Inmate requested a staff representative' },
    { key: 'hearing.scheduledFor', description: 'The instant the hearing is scheduled to start' },
    { key: 'representative.consulted', description: 'Staff representative consulted the inmate' },
    { key: 'hearing.held', description: 'Disciplinary hearing concluded' },
    { key: 'hearing.actions.served', description: 'Inmate received the Disciplinary Hearing Actions' },
    {
      key: 'appeal.facility.filed',
      description: 'Appeal received by the facility head / district supervisor',
    },
    { key: 'appeal.facility.decided', description: "Facility head's response issued" },
    { key: 'appeal.facility.response.served', description: "Inmate received the facility head's response" },
    { key: 'appeal.director.filed', description: "Appeal received by the director's office" },
    { key: 'appeal.director.decided', description: "Director's (or designee's) decision" },
    {
      key: 'sanction.suspended',
      description:
        'A punishment was imposed and suspended (at the finding of guilt, or the disposition of a guilty plea)',
    },
  ],
  order: [
    ['report.filed', 'report.accepted'],
    ['report.filed', 'investigation.started'],
    ['report.accepted', 'report.served'],
    ['report.accepted', 'inmate.unavailable'],
    ['inmate.unavailable', 'inmate.available'],
    ['inmate.available', 'report.served'],
    ['report.served', 'hearing.waived'],
    ['report.served', 'hearing.held'],
    ['representative.requested', 'representative.consulted'],
    ['hearing.held', 'hearing.actions.served'],
    ['hearing.actions.served', 'appeal.facility.filed'],
    ['appeal.facility.filed', 'appeal.facility.decided'],
    ['appeal.facility.decided', 'appeal.facility.response.served'],
    ['appeal.facility.response.served', 'appeal.director.filed'],
    ['appeal.director.filed', 'appeal.director.decided'],
    ['report.accepted', 'sanction.suspended'],
  ],
  facts: [],
  settings: [
    {
      key: 'appeal.facility-response',
      kind: 'duration',
      default: { amount: 15, unit: 'workingDays' },
      description:
        "Facility head's time to answer an appeal; the seed sets none (the default mirrors the director's 15 days of §IV.C.12 under §IV.B.3)",
    },
  ],
  rules: [
    {
      key: 'report.service',
      kind: 'deadline',
      rule: 'The offense report is served within 24 hours after its acceptance; if the inmate is unavailable (documented), within 24 hours after availability',
      source: s(
        'C.2',
        'served to the inmate within 24 hours after approval and acceptance by the shift supervisor/unit manager',
      ),
      responsibleRole: 'disciplinary-investigator',
      actor: 'staff',
      action: 'Serve the offense report on the inmate, or document in writing that the inmate is unavailable',
      anchor: {
        event: 'report.accepted',
        restartOn: {
          event: 'inmate.available',
          requires: 'inmate.unavailable',
          note: 'presented to the inmate within 24 hours after availability occurs (§IV.C.2)',
        },
      },
      limit: { amount: 24, unit: 'hours' },
      completedBy: 'report.served',
      reminders: HOUR_REMINDERS,
      escalation: HOURLY_ESCALATION,
    },
    {
      key: 'investigation.start',
      kind: 'deadline',
      rule: 'An investigation is started within 24 hours of the time the violation is reported',
      source: s(
        'C.5',
        'an appropriate investigation will be started within 24 hours of the time the violation is reported',
      ),
      responsibleRole: 'disciplinary-investigator',
      actor: 'staff',
      action: 'Start the investigation of the reported violation',
      anchor: { event: 'report.filed' },
      limit: { amount: 24, unit: 'hours' },
      completedBy: 'investigation.started',
      reminders: HOUR_REMINDERS,
      escalation: HOURLY_ESCALATION,
    },
    {
      key: 'hearing.earliest',
      kind: 'lowerBound',
      rule: 'The hearing may not begin before the 24-hour preparation period that starts when the report is served has ended',
      source: s(
        'C.2',
        'the inmate is entitled to a 24-hour preparation period beginning at the time the inmate is served',
      ),
      responsibleRole: 'disciplinary-officer',
      actor: 'staff',
      action: 'Do not hold the hearing before this time',
      anchor: { event: 'report.served' },
      limit: { amount: 24, unit: 'hours' },
      completedBy: 'hearing.held',
      when: NOT_WAIVED,
    },
    {
      key: 'representative.consult',
      kind: 'deadline',
      rule: 'The staff representative consults the inmate at least 24 hours before the hearing',
      source: s(
        'C.8',
        'The staff representative will consult with the inmate at least 24 hours before the hearing.',
      ),
      responsibleRole: 'staff-representative',
      actor: 'staff',
      action:
        'Consult the inmate: explain the charge, the possible consequences and the effect of a guilty plea',
      anchor: { before: 'hearing.scheduledFor' },
      limit: { amount: 24, unit: 'hours' },
      completedBy: 'representative.consulted',
      when: { eventsPresent: ['representative.requested'], eventsAbsent: ['hearing.waived'] },
      reminders: [
        { kind: 'before', amount: 24, unit: 'hours' },
        { kind: 'before', amount: 4, unit: 'hours' },
      ],
      remindersFrom: 'representative.requested',
      escalation: HOURLY_ESCALATION,
    },
    {
      key: 'hearing.conclusion',
      kind: 'deadline',
      rule: 'From acceptance of the offense report to the conclusion of the hearing normally takes no more than 7 days, excluding weekends and holidays',
      source: s('B.3', 'will normally not exceed seven (7) days excluding weekends and holidays'),
      responsibleRole: 'disciplinary-officer',
      actor: 'staff',
      action:
        'Conclude the disciplinary hearing, or extend in writing with justification and notify the inmate',
      anchor: { event: 'report.accepted' },
      limit: { amount: 7, unit: 'workingDays' },
      completedBy: 'hearing.held',
      when: NOT_WAIVED,
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
      extension: {
        approverRoles: ['disciplinary-officer', 'facility-head'],
        overrideAuthorities: [],
        noticeTo: 'inmate',
        requirement:
          'reasonable cause documented in writing, the justification attached to the offense report, and documented notification to the inmate (§IV.B, §IV.B.3)',
      },
    },
    {
      key: 'appeal.facility',
      kind: 'deadline',
      rule: 'An appeal to the facility head / district supervisor is filed within 15 calendar days of receipt of the Disciplinary Hearing Actions',
      source: s('C.11', 'within 15 calendar days of receipt of the, "Disciplinary Hearing Actions."'),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'inmate',
      actor: 'subject',
      action:
        'File the appeal with the facility head / district supervisor, stating every reason (issues not raised are waived)',
      anchor: { event: 'hearing.actions.served' },
      limit: { amount: 15, unit: 'calendarDays' },
      rollForward: true,
      completedBy: 'appeal.facility.filed',
      when: NOT_WAIVED,
    },
    {
      key: 'appeal.facility.response',
      kind: 'deadline',
      rule: 'The facility head / district supervisor answers the appeal',
      source: s('C.11'),
      responsibleRole: 'facility-head',
      actor: 'staff',
      action: 'Decide the appeal and have the response served on the inmate',
      anchor: { event: 'appeal.facility.filed' },
      limit: { setting: 'appeal.facility-response' },
      completedBy: 'appeal.facility.decided',
      when: NOT_WAIVED,
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'appeal.director',
      kind: 'deadline',
      rule: "An appeal to the director is filed within 15 calendar days of receipt of the facility head's response",
      source: s(
        'C.12',
        'within 15 calendar days of receipt of a response from the facility head/district supervisor or designee',
      ),
      relatedSources: [statute('25 O.S. §82.1(C)')],
      responsibleRole: 'inmate',
      actor: 'subject',
      action: 'File the appeal with the director',
      anchor: { event: 'appeal.facility.response.served' },
      limit: { amount: 15, unit: 'calendarDays' },
      rollForward: true,
      completedBy: 'appeal.director.filed',
      when: NOT_WAIVED,
    },
    {
      key: 'appeal.director.review',
      kind: 'deadline',
      rule: 'The director or designee reviews the appeal within 15 days of receipt (working days: §IV.B.3 excludes weekends and holidays unless the text says calendar days)',
      source: s('C.12', 'The director or designee will review the appeal within 15 days of receipt'),
      relatedSources: [s('B.3')],
      responsibleRole: 'director',
      actor: 'staff',
      action: 'Affirm, dismiss, modify, order a rehearing, or remand with instructions',
      anchor: { event: 'appeal.director.filed' },
      limit: { amount: 15, unit: 'workingDays' },
      completedBy: 'appeal.director.decided',
      when: NOT_WAIVED,
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'sanction.suspension',
      kind: 'deadline',
      rule: 'A punishment may be suspended for a specified period of at most 90 days; if the inmate is convicted of another offense within it, the disciplinary officer invokes it to run consecutive to the new punishment',
      source: s(
        'C.9',
        'The allowable punishment may be suspended for a specified period, not to exceed 90 days.',
      ),
      relatedSources: [SANCTIONS],
      responsibleRole: 'disciplinary-officer',
      actor: 'staff',
      action:
        'Invoke the suspended punishment if the inmate is convicted of another offense before the specified period ends (Docket tells you when)',
      anchor: { event: 'sanction.suspended' },
      // Calendar days: §IV.B.3 leaves weekends and holidays out of the process time frames, but a
      // punishment's term ("segregation for 30 days", "level 1 for 90 days") runs on every day. Not
      // rolled forward: the end of a period is not an act due on a working day.
      limit: { amount: 90, unit: 'calendarDays' },
      periodEnd: true,
    },
  ],
  constraints: [
    {
      key: 'waiver-ends-appeal',
      text: 'Waiving the hearing is a plea of guilty and forfeits the right to appeal',
      source: s('C.2'),
    },
    {
      key: 'direct-involvement',
      text: 'Staff who wrote, witnessed or accepted the offense report (or are otherwise directly involved) may not serve as disciplinary officer or staff representative',
      source: s('B.1'),
    },
    {
      key: 'no-suspension-class-x',
      text: 'For class X offenses there is no discretion by the hearing officer and no suspension of sanctions',
      source: SANCTIONS,
    },
    {
      key: 'three-punishments',
      text: 'No more than three punishments within the allowable range; an invoked suspended punishment does not count among them',
      source: s('C.9'),
    },
    {
      key: 'suspended-punishment',
      text: 'A suspended punishment lasts at most 90 days and is invoked if the inmate is convicted of another offense within it',
      source: s('C.9'),
    },
  ],
} satisfies PolicyInput;

export const okDocDiscipline = policyTable(V1_1_0);

type RuleInput = PolicyInput['rules'][number];

/** "Remainder of sentence" for offense 02-6: a bound Docket cannot know, so only a sanity cap. */
const REMAINDER_OF_SENTENCE_DAYS = 36_500;

const restoreRules: RuleInput[] = RESTORABLE_SANCTIONS.map((row) => ({
  key: restoreRuleOf(row.code),
  kind: 'deadline',
  rule: `${row.text}: the term runs from the day it is imposed (day 0) through its last day, on which the unit restores the privilege (${row.privilege})`,
  source: sanctionSource(row),
  responsibleRole: 'unit-manager',
  actor: 'staff',
  action: `Restore the privilege (${row.privilege}) on the last day of the term, tell the inmate, and record the restoration (privilege-restored)`,
  anchor: { event: 'finding.guilty' },
  // Calendar days, not rolled forward: a punishment runs on every day (see sanction.suspension).
  limit: { fact: termFactOf(row.code), unit: 'calendarDays' },
  completedBy: restoredEventOf(row.code),
  reminders: [ONE_WORKING_DAY_BEFORE],
  escalation: DAILY_ESCALATION,
}));

export const okDocDiscipline120 = policyTable({
  ...V1_1_0,
  version: '1.2.0',
  events: [
    ...V1_1_0.events,
    {
      key: 'finding.guilty',
      description:
        'The finding of guilt at the hearing, or the disposition of a guilty plea (the sanctions are imposed)',
    },
    ...RESTORABLE_SANCTIONS.map((row) => ({
      key: restoredEventOf(row.code),
      description: `The unit restored the privilege at the end of sanction ${row.code} (${row.privilege})`,
    })),
  ],
  order: [
    ...V1_1_0.order,
    ['report.accepted', 'finding.guilty'],
    ...RESTORABLE_SANCTIONS.map((row): [string, string] => ['finding.guilty', restoredEventOf(row.code)]),
  ],
  facts: [
    {
      name: TELEPHONE_EXCEPTION_FACT,
      kind: 'boolean',
      default: false,
      description: `The offense is ${TELEPHONE_EXCEPTION_OFFENSE}: loss of telephone privileges may be for 180 days to the remainder of the sentence (footnote ** of the Range of Allowable Sanctions)`,
    },
    ...RESTORABLE_SANCTIONS.map((row) => ({
      name: termFactOf(row.code),
      kind: 'integer' as const,
      min: 1,
      max: row.measure?.max ?? 1,
      ...(row.kind === 'telephone'
        ? { maxWhen: { fact: TELEPHONE_EXCEPTION_FACT, equals: true, max: REMAINDER_OF_SENTENCE_DAYS } }
        : {}),
      description: `Days of "${row.text}" imposed in this case (unsuspended)`,
    })),
  ],
  rules: [
    ...V1_1_0.rules,
    ...restoreRules,
    {
      key: 'repeat.window',
      kind: 'deadline',
      rule: 'A second guilty finding of the same rule violation within six months of this finding justifies a sanction of the next higher class of offense',
      source: REPEAT_RULE_SOURCE,
      responsibleRole: 'disciplinary-officer',
      actor: 'staff',
      action:
        'Until the end of this window, a guilty finding of the same rule against this inmate may carry a sanction of the next higher class (Docket tells the hearing officer)',
      anchor: { event: 'finding.guilty' },
      // Day 0 is the date of this finding; the window includes the same date six months later.
      limit: { amount: 6, unit: 'months' },
      periodEnd: true,
    },
  ],
  constraints: [
    ...V1_1_0.constraints,
    {
      key: 'sanction-class',
      text: "Sanctions come from the offense's class in the Range of Allowable Sanctions, and a term within the row's maximum; a sanction of the next higher class only for the second infraction of the same rule within six months",
      source: REPEAT_RULE_SOURCE,
    },
    { key: 'class-x-mandatory', text: CLASS_X_QUOTE, source: SANCTIONS },
  ],
});
