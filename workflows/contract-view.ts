// What a contract record shows: the `schedule` query and every update answer with the case view
// plus this part, built from the record's violations and the deadlines its book tracks for them.
import {
  cite,
  ladderOf,
  missingAt,
  sanctionWords,
  type ContractHeading,
  type ContractViolation,
  type Requirement,
} from '../domain/cases/contract';
import { dueAtOf } from '../domain/deadline/checks';
import { AUTHORITY_TITLES } from '../domain/policies/nc-doc-contract';
import type { AppliedSetting } from '../domain/types';
import type { CaseView } from './case-messages';
import type { ContractRecord, ContractStage } from './contract-record';
import type { TrackedDeadline } from './deadlines';

export interface ViolationView {
  id: string;
  reference: string;
  heading: ContractHeading;
  headingTitle: string;
  at: string;
  confirmedBy: string;
  /** Its place in its heading's twelve-month count (for (e), among all fatalities). */
  position: number;
  countedWith: string[];
  beyondLadder: boolean;
  /** The action it drew: a warning letter, or a suspension with its length and deciding authority. */
  action: {
    sanction: 'warning-letter' | 'suspension';
    words: string;
    length?: string;
    authority: string;
    authorityTitle: string;
    rule: string;
    source: string;
  };
  warning?: { responseDueAt?: string; responseDueText?: string; state?: string; responseReceivedAt?: string };
  suspension?: {
    startsAt: string;
    /** The first instant it may resume (the suspension has run). */
    earliestEnd?: string;
    earliestEndText?: string;
    /** The last day of the suspension, end of day. */
    lastDayText?: string;
    resumedAt?: string;
    /** What resumption still waits for, each with its rule and source. */
    waitingFor: Requirement[];
  };
  count: { counting: boolean; countsUntil?: string; countsUntilText?: string; forever: boolean };
  summary: string;
}

export interface HeadingCountView {
  heading: ContractHeading;
  title: string;
  /** Violations of the heading that count now. */
  count: number;
  violations: string[];
  /** When the count next drops back (the end of the earliest of their twelve months). */
  dropsBackAfter?: string;
  /** What a violation confirmed now would draw. */
  next: string;
}

export interface ContractRecordView {
  contractNumber: string;
  status: ContractStage;
  policyVersion: string;
  settings: AppliedSetting[];
  violations: ViolationView[];
  counts: HeadingCountView[];
  suspension?: {
    inForce: string[];
    earliestResumption?: string;
    earliestResumptionText?: string;
    waitingFor: Array<Requirement & { violationId: string }>;
  };
}

/** The `schedule` query and every update answer with this: the case view plus the record. */
export type ContractView = CaseView & { contract: ContractRecordView };

const nowIso = (): string => new Date(Date.now()).toISOString();

function warningView(record: ContractRecord, v: ContractViolation): ViolationView['warning'] {
  const due = record.tracked(v, 'warning.response');
  return {
    ...(due
      ? { responseDueAt: due.entry.dueAt, responseDueText: due.entry.localText, state: due.state }
      : {}),
    ...(v.events['response-letter.received']
      ? { responseReceivedAt: v.events['response-letter.received'] }
      : {}),
  };
}

function suspensionView(record: ContractRecord, v: ContractViolation): ViolationView['suspension'] {
  const bound = record.runtime.lowerBound(`${v.id}:resumption.earliest`);
  const term = record.tracked(v, 'suspension.term');
  return {
    startsAt: v.at,
    ...(bound ? { earliestEnd: bound.earliest, earliestEndText: bound.localText } : {}),
    ...(term ? { lastDayText: term.entry.localText } : {}),
    ...(v.resumedAt ? { resumedAt: v.resumedAt } : {}),
    waitingFor: v.resumedAt ? [] : missingAt(record.suspensionState(v), nowIso()),
  };
}

export function violationView(record: ContractRecord, v: ContractViolation): ViolationView {
  const ladder = ladderOf(record.policyVersion, v.heading);
  const rung = record.rungOf(v);
  const window = record.tracked(v, 'count.window');
  const countsUntil = window?.entry.dueAt;
  return {
    id: v.id,
    reference: v.reference,
    heading: v.heading,
    headingTitle: ladder.title,
    at: v.at,
    confirmedBy: v.confirmedBy,
    position: v.position,
    countedWith: v.countedWith,
    beyondLadder: v.beyondLadder,
    action: {
      sanction: rung.sanction,
      words: sanctionWords(rung),
      ...(rung.length ? { length: rung.length.words } : {}),
      authority: rung.authority,
      authorityTitle: AUTHORITY_TITLES[rung.authority],
      rule: rung.quote,
      source: cite(rung.section),
    },
    ...(rung.sanction === 'warning-letter'
      ? { warning: warningView(record, v) }
      : { suspension: suspensionView(record, v) }),
    count: {
      counting: countsUntil === undefined ? true : Date.now() <= Date.parse(countsUntil),
      ...(countsUntil ? { countsUntil, countsUntilText: window?.entry.localText } : {}),
      forever: ladder.window === 'ever',
    },
    summary: v.summary,
  };
}

function countView(record: ContractRecord, heading: ContractHeading): HeadingCountView {
  const ladder = ladderOf(record.policyVersion, heading);
  const now = nowIso();
  const counting = record
    .priors()
    .filter(
      (p) =>
        p.heading === heading &&
        Date.parse(p.at) <= Date.parse(now) &&
        (p.countsUntil === undefined || Date.parse(now) <= Date.parse(p.countsUntil)),
    );
  const ends = counting
    .map((p) => record.violations.find((v) => v.id === p.id))
    .map((v) => (v ? record.tracked(v, 'count.window') : undefined))
    .filter((d): d is TrackedDeadline => d !== undefined)
    .sort((a, b) => Date.parse(dueAtOf(a.entry)) - Date.parse(dueAtOf(b.entry)));
  return {
    heading,
    title: ladder.title,
    count: counting.length,
    violations: counting.map((p) => p.id),
    ...(ends[0] ? { dropsBackAfter: ends[0].entry.localText } : {}),
    next: record.decide(heading, now).summary,
  };
}

/** The suspensions in force, the latest earliest resumption among them, and what each still waits for. */
function suspensionsView(
  record: ContractRecord,
  suspended: ContractViolation[],
): ContractRecordView['suspension'] {
  const bounds = suspended
    .map((v) => record.runtime.lowerBound(`${v.id}:resumption.earliest`))
    .filter((e) => e !== undefined)
    .sort((a, b) => Date.parse(b.earliest) - Date.parse(a.earliest));
  return {
    inForce: suspended.map((v) => v.id),
    ...(bounds[0]
      ? { earliestResumption: bounds[0].earliest, earliestResumptionText: bounds[0].localText }
      : {}),
    waitingFor: suspended.flatMap((v) =>
      missingAt(record.suspensionState(v), nowIso()).map((m) => ({ ...m, violationId: v.id })),
    ),
  };
}

export function contractRecordView(record: ContractRecord): ContractRecordView {
  const base: ContractRecordView = {
    contractNumber: record.intake.contractNumber,
    status: record.runtime.stage,
    policyVersion: record.policyVersion,
    settings: record.settings,
    violations: [],
    counts: [],
  };
  if (!record.policyVersion) return base;
  const suspended = record.inForce();
  return {
    ...base,
    violations: record.violations.map((v) => violationView(record, v)),
    counts: (['a', 'b', 'c', 'd', 'e'] as const).map((h) => countView(record, h)),
    ...(suspended.length > 0 ? { suspension: suspensionsView(record, suspended) } : {}),
  };
}
