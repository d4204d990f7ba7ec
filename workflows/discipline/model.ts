// The discipline case's stages, what its view shows beyond every case's, and what its parts share.
import type { RepeatAssessment, RuleFinding } from '../../domain/cases/discipline-record';
import type { SanctionClass } from '../../domain/policies/ok-doc-sanctions';
import type { Schedule, ScheduleEntry } from '../../domain/types';
import type { CaseEventHandler, CaseRuntime } from '../case-runtime';
import type { CaseView } from '../case-messages';
import type { DisciplineCase } from './case';

export const DISCIPLINE_CASE_TYPE = 'discipline';
/** Opaque jurisdiction code of every discipline case and subject watch (search attribute). */
export const JURISDICTION = 'US-OK';

/**
 * patched() id: sanctions checked against the Range of Allowable Sanctions, terms with restoration
 * tasks, and the repeat rule through the per-subject record. Evaluated once, when a case starts, so
 * a case keeps the rules it opened with (as it keeps its policy version).
 */
export const SANCTION_RULES_PATCH = 'sanction-terms-and-repeat-rule';

/**
 * An appeal received on the last day may reach the case system (and Docket) days later by
 * institutional mail. The case stays open this long after an appeal window closes, so an appeal
 * received in time is still accepted and one received late is refused naming the deadline. Not a
 * policy limit: the decision is final as of the deadline itself.
 */
export const LATE_RECORDING_GRACE_MS = 14 * 24 * 3_600_000;

export type DisciplineStage =
  | 'awaiting-service'
  | 'awaiting-hearing'
  | 'awaiting-disposition'
  | 'found-guilty'
  | 'facility-appeal'
  | 'facility-decided'
  | 'director-appeal'
  | 'director-decided'
  | 'sanctions-in-force'
  | 'final'
  | 'expunged';

export const OPEN_STAGES: readonly DisciplineStage[] = [
  'awaiting-service',
  'awaiting-hearing',
  'awaiting-disposition',
  'found-guilty',
  'facility-appeal',
  'facility-decided',
  'director-appeal',
  'director-decided',
  // The decision is final, but a sanction's term has not ended with its restoration recorded yet.
  'sanctions-in-force',
];

export type DisciplineRuntime = CaseRuntime<DisciplineStage>;

/** One case-type update: its payload schema, the checks that refuse it, and what it changes. */
export type DisciplineUpdate<Parsed> = Omit<CaseEventHandler<unknown, Parsed>, '_input'>;

/** A group of the case's update handlers (the hearing's, the appeals'): they act through its runtime. */
export abstract class DisciplineEvents {
  protected readonly runtime: DisciplineRuntime;

  constructor(protected readonly disciplineCase: DisciplineCase) {
    this.runtime = disciplineCase.runtime;
  }
}

/** Lets a handler's payload type follow from its schema. */
export const updateHandler = <Parsed>(handler: DisciplineUpdate<Parsed>): DisciplineUpdate<Parsed> => handler;

export interface DisciplineResult {
  caseNumber: string;
  stage: DisciplineStage;
  outcome?: string;
  /** §IV.C.10: a finding of not guilty expunges all related material. */
  expunged: boolean;
}

/** An imposed sanction as the case shows it. */
export interface ImposedSanctionView {
  code: string;
  class: SanctionClass;
  text: string;
  source: string;
  days?: number;
  hours?: number;
  suspendedUntil?: string;
  /** A restorable sanction's end: the unit restores the privilege on its last day. */
  restoration?: {
    key: string;
    privilege: string;
    dueAt: string;
    localText: string;
    explanation: string;
    task?: string;
    restoredAt?: string;
  };
}

/** The sanctions part of a discipline case's view (cases opened with SANCTION_RULES_PATCH). */
export interface SanctionsView {
  offense: { code: string; class: SanctionClass };
  imposed: ImposedSanctionView[];
  /** Earlier guilty findings of the same rule on the inmate's record; null until the record answers. */
  priorFindings: RuleFinding[] | null;
  /** Set once the case has a guilty finding: whether the repeat rule applies to it. */
  repeat?: RepeatAssessment;
}

export interface DisciplineView extends CaseView {
  sanctions?: SanctionsView;
}

export const entryOf = (schedule: Schedule | undefined, key: string): ScheduleEntry | undefined =>
  schedule?.entries.find((e) => e.key === key);
