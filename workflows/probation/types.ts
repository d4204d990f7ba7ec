// What a probation record holds, hands to its next run and shows: shared by the record
// (./record.ts), its views (./view.ts) and the workflow (../probation.ts) its clients import.
import type { LookbackAdvice, ActionKind, SuspensionWindow } from '../../domain/cases/probation';
import type { ProbationAction } from '../../domain/cases/probation-actions';
import type { CaseView, ServiceTask } from '../case-messages';
import type { RunCarry } from '../record-loop';

export type { ProbationAction };

/** Where the employee stands; the Stage search attribute, so HR can list everyone on probation. */
export type RecordStage = 'clear' | 'initial-probation' | 'disciplinary-probation' | 'separated';

export interface ProbationViolation {
  id: string;
  occurredAt: string;
  reportedBy: string;
  advice: LookbackAdvice;
}

/** Everything a run hands to the next one. */
export interface ProbationCarry extends RunCarry<RecordStage> {
  actions: ProbationAction[];
  violations: ProbationViolation[];
  serviceTasks: ServiceTask[];
}

export interface ProbationRecordResult {
  employeeId: string;
  stage: RecordStage;
  outcome?: string;
  actions: number;
  runs: number;
}

export interface ActionView {
  id: string;
  action: ActionKind;
  at: string;
  notifiedAt?: string;
  incidentAt?: string;
  violationId?: string;
  policyVersion?: string;
  priorWrittenWarning?: string;
  /** The probation period it carries, once its start is known. */
  probation?: {
    key: string;
    state: string;
    startsOn: string;
    endsAt: string;
    localText: string;
    rule: string;
    source: string;
    extended: boolean;
  };
  awaitingNotification: boolean;
  suspension?: SuspensionWindow;
  lookback?: { key: string; state: string; from: string; until: string; localText: string; source: string };
  removal?: ProbationAction['removal'];
  /** Whether it may still be considered for progressive discipline (§III.E.3, §III.D.3.a.iii). */
  countsForProgressiveDiscipline: boolean;
}

export interface ProbationRecordView {
  employeeId: string;
  actions: ActionView[];
  violations: ProbationViolation[];
  onInitialProbation: string[];
  onDisciplinaryProbation: string[];
  countsForProgressiveDiscipline: string[];
}

/** The `schedule` query and every update answer with this: the case view plus the record. */
export type ProbationView = CaseView & { record: ProbationRecordView };
