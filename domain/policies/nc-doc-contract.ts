// North Carolina DOC Division of Prisons policy D.0700 (seed 004), §.0705: suspension of inmate labor
// contracts after confirmed violations of a safety & health regulation, an inmate labor contract
// component or a correctional agent training component.
//
// The ladder below is the policy's table: for each heading of §.0705, what the 1st, 2nd, ... confirmed
// violation draws, who decides it and what must be in hand before the contract resumes, each rung
// quoting its paragraph. The schedule rules are generated from it, so the two cannot disagree. The
// headings are (a) violations that do not result in injuries, (b) accidents resulting in first aid
// treatment, (c) injuries or illnesses requiring medical treatment greater than first aid, (d)
// permanent and/or disabling injuries or illnesses, (e) fatality. The seed's text labels (c)-(e);
// (a) and (b) are the two untitled headings before them.
//
// Each heading keeps its own count. "Within a twelve month period" is counted on civil dates in
// America/New_York: an earlier violation of the same heading counts toward a new one when the new
// one falls no later than the day twelve months after the earlier one's date (day 0; 29 February +
// 12 months is 28 February), the agency setting `count-window-edge` (default `inclusive`). That is the
// same as counting back twelve months from the new violation's date, both ends included. Heading
// (e) has no window: "any subsequent" fatality draws five years, however long after.
//
// A suspension runs from the day of the confirmed violation (day 0) for its length: a one-week
// suspension confirmed on a Monday covers the seven days after it, and the contract may resume from
// the start of the following Tuesday (a lower bound, the "clear days" reading of every lower bound).
import type { DurationSpec } from '../types';
import { DAILY_ESCALATION, DAY_REMINDERS, SEED_004, seed } from './common';
import type { PolicyInput } from './schema';
import { policyTable } from './table';

const DOC = 'Policy D.0700';
const s = (section: string, quote?: string) => seed(SEED_004, DOC, section, quote);

type RuleInput = PolicyInput['rules'][number];

export const CONTRACT_HEADINGS = ['a', 'b', 'c', 'd', 'e'] as const;
export type ContractHeading = (typeof CONTRACT_HEADINGS)[number];

/** The deciding authorities of §.0705, as directory roles. */
export type ContractAuthority = 'facility-head' | 'region-director' | 'assistant-director';
/** What must be in hand before a suspended contract resumes. */
export type ResumptionRequirement = 'response-letter' | 'safety-review' | 'osha-survey';

export const AUTHORITY_TITLES: Record<ContractAuthority | 'director', string> = {
  'facility-head': 'Facility Head',
  'region-director': 'Region Director',
  'assistant-director': "Division's Assistant Director for Management Services",
  director: 'Director of Prisons',
};

export interface SuspensionLength extends DurationSpec {
  unit: 'calendarDays' | 'months';
  /** As the seed says it, before "suspension": "one week", "three month", ... */
  words: string;
  /** As a length: "one week", "three months", ... */
  span: string;
}

export interface LadderRung {
  /** 1 for the first confirmed violation, 2 for the second within the window, ... */
  rung: number;
  /** The paragraph, e.g. `D.0705(a)(2)`. */
  section: string;
  quote: string;
  sanction: 'warning-letter' | 'suspension';
  length?: SuspensionLength;
  authority: ContractAuthority;
  /** Before the contract resumes (a suspension), or what the warning letter requires (a warning). */
  requires: ResumptionRequirement[];
}

export interface HeadingLadder {
  heading: ContractHeading;
  title: string;
  section: string;
  /** `twelve-months`: an earlier violation counts for twelve months; `ever`: every earlier one counts. */
  window: 'twelve-months' | 'ever';
  /**
   * Past the last rung: `agency-setting` (the seed says nothing about a 5th violation under (a); the
   * agency setting `beyond-last-rung` decides) or `repeats` ((e)(2): "any subsequent" fatality).
   */
  pastLastRung: 'agency-setting' | 'repeats';
  /** Who is alerted when a violation goes past the last rung (the authority above the top rung's). */
  nextAuthority: 'assistant-director' | 'director';
  rungs: LadderRung[];
}

const WEEK: SuspensionLength = { amount: 7, unit: 'calendarDays', words: 'one week', span: 'one week' };
const THREE_MONTHS: SuspensionLength = {
  amount: 3,
  unit: 'months',
  words: 'three month',
  span: 'three months',
};
const SIX_MONTHS: SuspensionLength = { amount: 6, unit: 'months', words: 'six month', span: 'six months' };
const ONE_YEAR: SuspensionLength = { amount: 12, unit: 'months', words: 'one year', span: 'one year' };
const FIVE_YEARS: SuspensionLength = { amount: 60, unit: 'months', words: 'five year', span: 'five years' };

const LETTER = 'will require a letter specifying corrective action taken before the contract is resumed';
const REVIEW =
  'An agency safety officer will review the safety program of the contracting organization and their corrective actions before allowing resumption of contract activities.';
const OSHA =
  'The agency may require a comprehensive survey of the contracting organization s safety program by OSHA Consultative Services and correction of any discrepancies before allowing resumption of contract activities.';
const AD = 'the Division s Assistant Director for Management Services';

function suspension(
  section: string,
  rung: number,
  length: SuspensionLength,
  authority: ContractAuthority,
  quote: string,
  requires: ResumptionRequirement[] = ['response-letter'],
): LadderRung {
  return { rung, section, quote, sanction: 'suspension', length, authority, requires };
}

/** (a) and (b) share their ladder; only the words for the violation differ. */
function minorLadder(heading: 'a' | 'b', title: string, what: string): HeadingLadder {
  const p = (n: number) => `D.0705(${heading})(${n})`;
  return {
    heading,
    title,
    section: `D.0705(${heading})`,
    window: 'twelve-months',
    pastLastRung: 'agency-setting',
    nextAuthority: 'assistant-director',
    rungs: [
      {
        rung: 1,
        section: p(1),
        quote: `The first ${what} ... will result in a letter of warning from the Facility Head. The warning letter will require a letter of response specifying corrective action taken.`,
        sanction: 'warning-letter',
        authority: 'facility-head',
        requires: ['response-letter'],
      },
      suspension(
        p(2),
        2,
        WEEK,
        'facility-head',
        `A second ${what} ... within a twelve month period will result in a one week suspension of the inmate labor contract by the Facility Head. As part of the suspension the Facility Head ${LETTER}.`,
      ),
      suspension(
        p(3),
        3,
        THREE_MONTHS,
        'facility-head',
        `A third ${what} ... within a twelve month period will result in a three month suspension of the inmate labor contract by the Facility Head. As part of the suspension the Facility Head ${LETTER}.`,
      ),
      suspension(
        p(4),
        4,
        SIX_MONTHS,
        'region-director',
        `A fourth ${what} ... within a twelve month period will result in a six month suspension of the inmate labor contract by the Region Director. As part of the suspension the Region Director ${LETTER}.`,
      ),
    ],
  };
}

const SERIOUS: ResumptionRequirement[] = ['response-letter', 'safety-review'];

const LADDERS_1_0_0: Record<ContractHeading, HeadingLadder> = {
  a: minorLadder(
    'a',
    'Violations that do not result in injuries',
    'reported or observed and confirmed violation',
  ),
  b: minorLadder(
    'b',
    'Violations resulting in first aid treatment',
    'accident that results in first aid treatment',
  ),
  c: {
    heading: 'c',
    title: 'Violations resulting in injuries or illnesses requiring medical treatment greater than first aid',
    section: 'D.0705(c)',
    window: 'twelve-months',
    pastLastRung: 'agency-setting',
    nextAuthority: 'director',
    rungs: [
      suspension(
        'D.0705(c)(1)',
        1,
        THREE_MONTHS,
        'facility-head',
        `The first accident that result in injury or illness requiring medical treatment greater than first aid ... will result in a three month suspension by the Facility Head. ... ${REVIEW}`,
        SERIOUS,
      ),
      suspension(
        'D.0705(c)(2)',
        2,
        SIX_MONTHS,
        'region-director',
        `A second accident ... within a twelve month period will result in a six month suspension of the inmate labor contract by the Region Director. ... ${REVIEW}`,
        SERIOUS,
      ),
      suspension(
        'D.0705(c)(3)',
        3,
        ONE_YEAR,
        'assistant-director',
        `A third accident ... within a twelve month period will result in a one year suspension of the inmate labor contract by ${AD}. ... ${REVIEW}`,
        SERIOUS,
      ),
    ],
  },
  d: {
    heading: 'd',
    title: 'Violations that result in permanent and/or disabling injuries or illnesses',
    section: 'D.0705(d)',
    window: 'twelve-months',
    pastLastRung: 'agency-setting',
    nextAuthority: 'director',
    rungs: [
      suspension(
        'D.0705(d)(1)',
        1,
        SIX_MONTHS,
        'region-director',
        `Accidents that result in permanent and/or disabling injury or illness ... will result in a six month suspension by the Region Director. ... ${REVIEW}`,
        SERIOUS,
      ),
      suspension(
        'D.0705(d)(2)',
        2,
        ONE_YEAR,
        'assistant-director',
        `A second accident ... within a twelve month period will result in a one year suspension of the inmate labor contract by ${AD}. ... ${REVIEW}`,
        SERIOUS,
      ),
    ],
  },
  e: {
    heading: 'e',
    title: 'Violations resulting in fatality',
    section: 'D.0705(e)',
    window: 'ever',
    pastLastRung: 'repeats',
    nextAuthority: 'director',
    rungs: [
      suspension(
        'D.0705(e)(1)',
        1,
        ONE_YEAR,
        'assistant-director',
        `Accidents that result in fatality ... will result in a one year suspension by ${AD}. ... ${REVIEW} ${OSHA}`,
        SERIOUS,
      ),
      suspension(
        'D.0705(e)(2)',
        2,
        FIVE_YEARS,
        'assistant-director',
        `Any subsequent accident that result in fatality ... will result in a five year suspension of the inmate labor contract and suspension by ${AD}. ... ${REVIEW} ${OSHA}`,
        SERIOUS,
      ),
    ],
  },
};

/** The ladder of each policy version; a new version adds its table beside this one. */
const LADDERS: Record<string, Record<ContractHeading, HeadingLadder>> = { '1.0.0': LADDERS_1_0_0 };

export function contractLadders(version: string): Record<ContractHeading, HeadingLadder> | undefined {
  return LADDERS[version];
}

export const SAFETY_REVIEW_QUOTE = REVIEW;
export const OSHA_SURVEY_QUOTE = OSHA;

// ---------------------------------------------------------------------------------------------
// Schedule rules, generated from the ladder

const ON_VIOLATION = { event: 'violation.confirmed' };
const ordinal = (n: number) => ['first', 'second', 'third', 'fourth'][n - 1] ?? `${n}th`;

function warningRule(ladder: HeadingLadder, rung: LadderRung): RuleInput {
  return {
    key: 'warning.response',
    kind: 'deadline',
    rule: `The Facility Head's letter of warning (${ordinal(rung.rung)} confirmed violation under ${ladder.section}) requires the contractor's letter of response specifying corrective action taken`,
    source: s(rung.section, rung.quote),
    responsibleRole: 'facility-head',
    actor: 'staff',
    action:
      "Obtain the contractor's letter of response specifying the corrective action taken, and record it (response-letter-received)",
    anchor: ON_VIOLATION,
    limit: { setting: 'warning-response' },
    completedBy: 'response-letter.received',
    when: { facts: { heading: [ladder.heading], rung: [String(rung.rung)] } },
    reminders: DAY_REMINDERS,
    escalation: DAILY_ESCALATION,
  };
}

function suspensionRules(ladder: HeadingLadder, rung: LadderRung): RuleInput[] {
  const length = rung.length as SuspensionLength;
  const by = AUTHORITY_TITLES[rung.authority];
  const when = { facts: { heading: [ladder.heading], rung: [String(rung.rung)] } };
  const common = {
    source: s(rung.section, rung.quote),
    responsibleRole: rung.authority,
    actor: 'staff' as const,
    anchor: ON_VIOLATION,
    limit: { amount: length.amount, unit: length.unit },
    when,
  };
  const what = `the ${length.words} suspension of the inmate labor contract by the ${by} (${ordinal(rung.rung)} confirmed violation under ${ladder.section}${ladder.window === 'twelve-months' && rung.rung > 1 ? ' within a twelve month period' : ''})`;
  return [
    {
      key: 'suspension.term',
      kind: 'deadline',
      rule: `${what[0]?.toUpperCase()}${what.slice(1)} runs ${length.span} from the day of the confirmed violation (day 0)`,
      action: `The contract stays suspended through this day; it resumes only after it, and only once ${rung.requires.includes('safety-review') ? 'the corrective-action letter is in hand and an agency safety officer has reviewed the safety program' : 'the corrective-action letter is in hand'}`,
      periodEnd: true,
      ...common,
    },
    {
      key: 'resumption.earliest',
      kind: 'lowerBound',
      rule: `The contract may not resume before ${what} has run`,
      action: 'Resume contract activities no earlier than this, once what the suspension requires is in hand',
      completedBy: 'contract.resumed',
      ...common,
    },
  ];
}

function countWindowRule(ladder: HeadingLadder, edge: 'inclusive' | 'exclusive'): RuleInput {
  return {
    key: 'count.window',
    kind: 'deadline',
    rule:
      edge === 'inclusive'
        ? `A confirmed violation counts toward later ones under ${ladder.section} "within a twelve month period": through the day twelve months after its date (day 0), that day included`
        : `A confirmed violation counts toward later ones under ${ladder.section} "within a twelve month period": up to the day before the date twelve months after its date (day 0)`,
    source: s(ladder.section, 'within a twelve month period'),
    relatedSources: [
      {
        kind: 'agency-setting',
        setting: 'nc-doc-contract.count-window-edge',
        isDefault: edge === 'inclusive',
        note: `${edge}: whether the day twelve months on is still inside the period`,
      },
    ],
    responsibleRole: 'facility-head',
    actor: 'staff',
    action: `Nothing to do: after this, the violation no longer counts toward the twelve-month count under ${ladder.section}`,
    anchor: ON_VIOLATION,
    limit: { amount: 12, unit: 'months' },
    anchorDayIsFirstDay: edge === 'exclusive',
    periodEnd: true,
    when: { facts: { heading: [ladder.heading] }, settings: { 'count-window-edge': [edge] } },
  };
}

function rulesOf(ladders: Record<ContractHeading, HeadingLadder>): RuleInput[] {
  return CONTRACT_HEADINGS.flatMap((heading) => {
    const ladder = ladders[heading];
    const rungs = ladder.rungs.flatMap((rung) =>
      rung.sanction === 'warning-letter' ? [warningRule(ladder, rung)] : suspensionRules(ladder, rung),
    );
    const windows =
      ladder.window === 'twelve-months'
        ? [countWindowRule(ladder, 'inclusive'), countWindowRule(ladder, 'exclusive')]
        : [];
    return [...rungs, ...windows];
  });
}

export const ncDocContract = policyTable({
  id: 'nc-doc-contract',
  version: '1.0.0',
  title: 'North Carolina DOC suspension of inmate labor contracts (Policy D.0700 §.0705)',
  jurisdiction: 'North Carolina Department of Correction, Division of Prisons',
  calendar: 'us-nc-state',
  document: { file: SEED_004, document: DOC },
  reminderTime: '08:00',
  events: [
    {
      key: 'violation.confirmed',
      description:
        'A reported or observed violation was confirmed: its date is day 0 of the suspension and of its count',
    },
    {
      key: 'response-letter.received',
      description: "The contractor's letter specifying the corrective action taken was received",
    },
    {
      key: 'safety-review.completed',
      description:
        "An agency safety officer reviewed the contracting organization's safety program and corrective actions",
    },
    {
      key: 'osha-survey.completed',
      description:
        "OSHA Consultative Services' comprehensive survey was completed and its discrepancies corrected",
    },
    { key: 'contract.resumed', description: 'Contract activities resumed after the suspension' },
  ],
  order: [
    ['violation.confirmed', 'response-letter.received'],
    ['violation.confirmed', 'safety-review.completed'],
    ['violation.confirmed', 'osha-survey.completed'],
    ['violation.confirmed', 'contract.resumed'],
  ],
  facts: [
    {
      name: 'heading',
      kind: 'enum',
      values: [...CONTRACT_HEADINGS],
      description:
        'The heading of §.0705: (a) no injury, (b) first aid, (c) more than first aid, (d) permanent or disabling, (e) fatality',
    },
    {
      name: 'rung',
      kind: 'enum',
      values: ['1', '2', '3', '4'],
      description:
        "The ladder's rung the violation draws: its position in the heading's count (the top rung past the last)",
    },
  ],
  settings: [
    {
      key: 'warning-response',
      kind: 'duration',
      default: { amount: 30, unit: 'calendarDays' },
      description:
        "The contractor's time to answer a letter of warning with its letter of response (D.0705(a)(1), (b)(1) require the letter but set no time): agency setting",
    },
    {
      key: 'count-window-edge',
      kind: 'choice',
      values: ['inclusive', 'exclusive'],
      default: 'inclusive',
      description:
        'Whether "within a twelve month period" includes the day twelve months after an earlier violation (counted back from the new violation\'s date, on civil dates in America/New_York): agency setting',
    },
    {
      key: 'beyond-last-rung',
      kind: 'choice',
      values: ['top-rung-and-alert', 'top-rung'],
      default: 'top-rung-and-alert',
      description:
        "A violation past a heading's last rung (a 5th under (a) or (b), a 4th under (c), a 3rd under (d); the seed is silent) draws the top rung's suspension, and by default an alert to the authority above the top rung's: agency setting",
    },
    {
      key: 'osha-survey',
      kind: 'choice',
      values: ['not-required', 'required'],
      default: 'not-required',
      description:
        'Whether a fatality (D.0705(e)) also needs a comprehensive OSHA Consultative Services survey before resumption ("The agency may require"): agency setting',
    },
  ],
  rules: rulesOf(LADDERS_1_0_0),
  constraints: [
    {
      key: 'separate-counts',
      text: 'Each heading of D.0705 keeps its own count of confirmed violations within a twelve month period',
      source: s('D.0705'),
    },
    {
      key: 'resumption.letter',
      text: 'A suspended contract resumes only after the letter specifying corrective action taken is received',
      source: s('D.0705(a)(2)-(4), (b)(2)-(4), (c)-(e)'),
    },
    {
      key: 'resumption.safety-review',
      text: 'After a violation under (c), (d) or (e), an agency safety officer reviews the safety program and corrective actions before resumption',
      source: s('D.0705(c)-(e)', REVIEW),
    },
    {
      key: 'resumption.osha-survey',
      text: 'After a fatality the agency may require an OSHA Consultative Services survey and correction of discrepancies before resumption (agency setting osha-survey)',
      source: s('D.0705(e)', OSHA),
    },
  ],
});
