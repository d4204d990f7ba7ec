// Arkansas Correctional School District Title IX formal-complaint process: seed 003, policies 3.26
// (licensed personnel) and 8.20 (classified personnel), whose procedure text is identical. The seed
// leaves several values open ("as soon as reasonably possible", the appeal period, whether "days" are
// calendar or school business days); those are agency settings with defaults marked as defaults.
//
// Version 1.0.0 was completed in place (dismissal appeals, records retention) before any Title IX
// case ran: the workflow that runs these rules arrived with that change, so no case holds a schedule
// of the earlier text. From now on, changes are a new version beside this one (registry.ts).
//
// 1.1.0: how "no earlier than ten (10) days" and "at least ten (10) days" are counted is an agency
// setting (`lower-bound-reading`). The default is the clear-days reading 1.0.0 already applied (ten
// full days pass after the day the period ends; the bound opens at the start of the next day), so a
// case on either version gets the same dates unless the agency chooses the inclusive reading.
import type { PolicyInput } from './schema';
import { policyTable } from './table';
import { DAILY_ESCALATION, DAY_REMINDERS, SEED_003, seed } from './common';

const DOC = 'ACSD Policy 3.26 / 8.20';
const s = (section: string, quote?: string) => seed(SEED_003, DOC, section, quote);

const V1_0_0 = {
  id: 'acsd-title-ix',
  version: '1.0.0',
  title: 'Arkansas Correctional School District Title IX sexual harassment grievance process (3.26, 8.20)',
  jurisdiction: 'Arkansas Correctional School District',
  calendar: 'us-ar-state',
  document: { file: SEED_003, document: DOC },
  reminderTime: '08:00',
  events: [
    { key: 'report.received', description: 'Title IX Coordinator received a report of sexual harassment' },
    {
      key: 'complainant.contacted',
      description: 'Coordinator contacted the complainant about supportive measures',
    },
    {
      key: 'formal-complaint.received',
      description: 'Formal complaint received by the Title IX Coordinator',
    },
    { key: 'notice.sent', description: 'Written notice sent simultaneously to all known parties' },
    {
      key: 'evidence.sent',
      description: 'Evidence sent to each party and advisor for inspection and review',
    },
    {
      key: 'investigation.completed',
      description: 'Investigative report completed (end of the investigation period)',
    },
    {
      key: 'determination.issued',
      description: 'Written determination provided to the parties simultaneously',
    },
    { key: 'appeal.filed', description: 'A party appealed the determination or dismissal' },
    { key: 'appeal.decided', description: 'Written appeal decision provided to both parties' },
    {
      key: 'complaint.dismissed',
      description: 'Written notice of the dismissal and its reasons provided to the parties simultaneously',
    },
    {
      key: 'case.closed',
      description:
        'The case closed: the determination or dismissal became final, or a report ended without a formal complaint',
    },
  ],
  order: [
    ['report.received', 'complainant.contacted'],
    ['formal-complaint.received', 'notice.sent'],
    ['notice.sent', 'evidence.sent'],
    ['evidence.sent', 'investigation.completed'],
    ['investigation.completed', 'determination.issued'],
    ['determination.issued', 'appeal.filed'],
    ['appeal.filed', 'appeal.decided'],
    ['report.received', 'formal-complaint.received'],
    ['formal-complaint.received', 'complaint.dismissed'],
    ['complaint.dismissed', 'appeal.filed'],
    ['report.received', 'case.closed'],
  ],
  facts: [],
  settings: [
    {
      key: 'coordinator-contact',
      kind: 'duration',
      default: { amount: 2, unit: 'workingDays' },
      description:
        'Time for the coordinator to contact the complainant; the policy says "as soon as reasonably possible"',
    },
    {
      key: 'notice-parties',
      kind: 'duration',
      default: { amount: 5, unit: 'workingDays' },
      description:
        'Time to send written notice to the parties "upon receipt" of a formal complaint; the policy sets no number',
    },
    {
      key: 'day-unit',
      kind: 'dayUnit',
      default: 'workingDays',
      description:
        'Whether the policy\'s "days" are calendar days or business days; the policy does not say (default: business days, the longer and so safer reading of "at least 10 days")',
    },
    {
      key: 'appeal-period',
      kind: 'duration',
      default: { amount: 10, unit: 'workingDays' },
      description: 'Period for filing an appeal; the policy provides for appeals but sets no period',
    },
  ],
  rules: [
    {
      key: 'coordinator.contact',
      kind: 'deadline',
      rule: 'The Title IX Coordinator contacts the complainant about supportive measures as soon as reasonably possible after receiving a report',
      source: s(
        'Sexual Harassment reporting',
        'As soon as reasonably possible after receiving a report ... the Title IX Coordinator shall contact the complainant',
      ),
      responsibleRole: 'title-ix-coordinator',
      actor: 'staff',
      action:
        'Contact the complainant: discuss and offer supportive measures and explain how to file a formal complaint',
      anchor: { event: 'report.received' },
      limit: { setting: 'coordinator-contact' },
      completedBy: 'complainant.contacted',
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'notice.parties',
      kind: 'deadline',
      rule: 'On receipt of a formal complaint, written notice goes to all known parties simultaneously',
      source: s(
        'Formal Complaint',
        'Upon receipt of a formal complaint, a District shall simultaneously provide the following written notice to the parties who are known',
      ),
      responsibleRole: 'title-ix-coordinator',
      actor: 'staff',
      action:
        'Send the written notice (process, allegations, presumption of non-responsibility, advisor, evidence review, false statements) to all known parties at the same time, before any initial interview',
      anchor: { event: 'formal-complaint.received' },
      limit: { setting: 'notice-parties' },
      completedBy: 'notice.sent',
      reminders: DAY_REMINDERS,
      escalation: DAILY_ESCALATION,
    },
    {
      key: 'evidence.review',
      kind: 'lowerBound',
      rule: 'Evidence goes to each party and advisor at least 10 days before the investigative report is completed, and the parties have at least 10 days to respond: the report may not be completed before that period ends',
      source: s(
        'Formal Complaint (evidence review)',
        'The parties shall have at least ten (10) days to submit a written response to the evidence.',
      ),
      responsibleRole: 'investigator',
      actor: 'staff',
      action:
        "Consider the parties' written responses; do not complete the investigative report before this time",
      anchor: { event: 'evidence.sent' },
      limit: { amount: 10, unitSetting: 'day-unit' },
      completedBy: 'investigation.completed',
    },
    {
      key: 'determination.earliest',
      kind: 'lowerBound',
      rule: 'The written determination is issued no earlier than 10 days after the investigation period ends',
      source: s(
        'Determination',
        'No earlier than ten (10) days following the completion of the investigation period',
      ),
      responsibleRole: 'decision-maker',
      actor: 'staff',
      action: 'Do not issue the written determination before this time',
      anchor: { event: 'investigation.completed' },
      limit: { amount: 10, unitSetting: 'day-unit' },
      completedBy: 'determination.issued',
    },
    {
      key: 'appeal.filing',
      kind: 'deadline',
      rule: 'Either party may appeal the determination within the appeal period',
      source: s('Appeals'),
      responsibleRole: 'party',
      actor: 'subject',
      action: 'File the appeal with the District, stating its basis',
      anchor: { event: 'determination.issued' },
      limit: { setting: 'appeal-period' },
      completedBy: 'appeal.filed',
      // A dismissed complaint has no determination: its appeal period is appeal.filing.dismissal.
      when: { eventsAbsent: ['complaint.dismissed'] },
    },
    {
      key: 'determination.final',
      kind: 'lowerBound',
      rule: 'Without an appeal, the determination becomes final the day after the appeal period expires; no sanction before then',
      source: s(
        'Determination',
        'If an appeal is not filed, the day after the period for an appeal to be filed expires',
      ),
      relatedSources: [s('Disciplinary Sanctions')],
      responsibleRole: 'title-ix-coordinator',
      actor: 'staff',
      action: 'Treat the determination as final and implement any sanction or remedy from this time',
      anchor: { event: 'determination.issued' },
      limit: { setting: 'appeal-period' },
      periodEnd: true,
      when: { eventsAbsent: ['appeal.filed', 'complaint.dismissed'] },
    },
    // 3.26 Appeals: "Either party may appeal a determination regarding responsibility or from a
    // dismissal". The seed sets one appeal period for both, so the dismissal uses the same setting.
    {
      key: 'appeal.filing.dismissal',
      kind: 'deadline',
      rule: 'Either party may appeal the dismissal of the formal complaint within the appeal period',
      source: s(
        'Appeals',
        'Either party may appeal a determination regarding responsibility or from a dismissal of a formal complaint',
      ),
      responsibleRole: 'party',
      actor: 'subject',
      action: 'File the appeal with the District, stating its basis',
      anchor: { event: 'complaint.dismissed' },
      limit: { setting: 'appeal-period' },
      completedBy: 'appeal.filed',
    },
    // The seed states finality only for a determination; a dismissal that nobody appeals stands on
    // the same terms, so the case closes the day after its appeal period expires.
    {
      key: 'dismissal.final',
      kind: 'lowerBound',
      rule: 'Without an appeal, the dismissal stands from the day after the appeal period expires, and the case closes',
      source: s(
        'Appeals',
        'Either party may appeal a determination regarding responsibility or from a dismissal of a formal complaint',
      ),
      relatedSources: [
        s(
          'Determination',
          'If an appeal is not filed, the day after the period for an appeal to be filed expires',
        ),
      ],
      responsibleRole: 'title-ix-coordinator',
      actor: 'staff',
      action: 'Treat the dismissal as standing and close the grievance process from this time',
      anchor: { event: 'complaint.dismissed' },
      limit: { setting: 'appeal-period' },
      periodEnd: true,
      when: { eventsAbsent: ['appeal.filed'] },
    },
    // 3.26 Records: "a minimum of seven (7) years". Counted from closure, the latest record of the
    // case, so every record in it is kept at least that long. A lower bound: disposal may not come
    // earlier. The responsible role is who is told when the date arrives.
    {
      key: 'records.retention',
      kind: 'lowerBound',
      rule: 'The records of the case are kept for at least seven years after it closes; they may not be disposed of before this time',
      source: s(
        'Records',
        'The District shall maintain the following records for a minimum of seven (7) years',
      ),
      responsibleRole: 'title-ix-coordinator',
      actor: 'staff',
      action:
        "Keep the case's records (investigation, determination, sanctions, remedies, appeal, supportive measures) until this time; disposal only afterwards, under the District's records schedule",
      anchor: { event: 'case.closed' },
      limit: { amount: 84, unit: 'months' },
    },
  ],
  constraints: [
    {
      key: 'separation-of-roles',
      text: 'The decision-maker is not the Title IX Coordinator or the investigator; the appeal decision-maker is none of them nor the original decision-maker',
      source: s('Determination; Appeals'),
    },
    {
      key: 'simultaneous-notice',
      text: 'Notices, the determination and the appeal decision go to both parties simultaneously; the other party is told when an appeal is filed',
      source: s('Formal Complaint; Appeals'),
    },
    {
      key: 'confidentiality',
      text: 'Identities of reporters, complainants, respondents and witnesses are confidential',
      source: s('Confidentiality'),
    },
    {
      key: 'records',
      text: 'Records are kept for at least seven years after the case closes (records.retention)',
      source: s('Records'),
    },
  ],
} satisfies PolicyInput;

export const acsdTitleIx = policyTable(V1_0_0);

/** The lower bounds whose "N days" the agency's reading setting counts. */
const READING_RULES = new Set(['evidence.review', 'determination.earliest']);

export const acsdTitleIx110 = policyTable({
  ...V1_0_0,
  version: '1.1.0',
  settings: [
    ...V1_0_0.settings,
    {
      key: 'lower-bound-reading',
      kind: 'reading',
      default: 'clear-days',
      description:
        'How "no earlier than ten (10) days" (Determination) and "at least ten (10) days" (evidence review) are counted; the policy does not say. clear-days (default): ten full days pass after the day the period starts from, so a determination is refused until the start of the day after the tenth day; inclusive: the tenth day itself counts',
    },
  ],
  rules: V1_0_0.rules.map((rule) =>
    READING_RULES.has(rule.key) ? { ...rule, reading: { setting: 'lower-bound-reading' } } : rule,
  ),
});
