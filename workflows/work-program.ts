// What the two NC DOC work-program workflows (D.0700 §.0706 CWP projects, §.0707(h) Enterprises
// transfers) share: a runtime opened from the intake's number, facility, version and settings in the
// NC jurisdiction, and a case object of handlers named after their updates, run by runCase.
import { NC_JURISDICTION } from '../domain/cases/work-programs';
import { CaseRuntime, type CaseRuntimeOptions } from './case-runtime';

export interface WorkProgramIntake {
  caseNumber: string;
  facility: string;
  policyVersion?: string;
  settings?: Record<string, unknown>;
}

/** What a work program sets itself: its type and policy, facts, opening events and stages. */
export type WorkProgramOptions<Stage extends string> = Pick<
  CaseRuntimeOptions<Stage>,
  'caseType' | 'policyId' | 'facts' | 'events' | 'stage' | 'openStages'
>;

export function workProgramRuntime<Stage extends string>(
  intake: WorkProgramIntake,
  options: WorkProgramOptions<Stage>,
): CaseRuntime<Stage> {
  return new CaseRuntime<Stage>({
    ...options,
    caseNumber: intake.caseNumber,
    facility: intake.facility,
    jurisdiction: NC_JURISDICTION,
    policyVersion: intake.policyVersion,
    settings: intake.settings,
  });
}
