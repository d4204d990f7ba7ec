// What the two NC DOC work-program workflows (D.0700 §.0706 CWP projects, §.0707(h) Enterprises
// transfers) share: a runtime opened from the intake's number, facility, version and settings in the
// NC jurisdiction, a case object of handlers named after their updates, run by runCase, and the
// event that ends a program before its course (a transfer cancelled, a project terminated).
import { NC_JURISDICTION } from '../domain/cases/work-programs';
import { caseEvent, type CaseEvent } from './case-events';
import { CaseRuntime, type CaseRuntimeOptions } from './case-runtime';
import { refuseFutureEvent } from './refusals';

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

/** How a work program ends before its course: where it may, what it is recorded as, and the stage it leaves. */
export interface EndingRule<Stage extends string, Parsed> {
  /** The stages it may come in (any open stage when absent), and what it is called if refused there. */
  stages?: readonly Stage[];
  doing: string;
  /** The timeline entry's type, and the stage the case ends in. */
  type: string;
  stage: Stage;
  /** Why, in the words of the waived deadlines, of the timeline entry, and of the case's outcome. */
  why: (event: Parsed) => { waived: string; detail: string; outcome: string };
}

/**
 * The event that ends a work program early: refused out of its stages or dated in the future; every
 * open deadline waived, the end put on the timeline, and the case moved to its final stage.
 */
export function endingEvent<Stage extends string, Parsed extends { at: string; by: string }>(
  c: CaseRuntime<Stage>,
  schema: CaseEvent<Parsed>['schema'],
  rule: EndingRule<Stage, Parsed>,
): CaseEvent<Parsed> {
  return caseEvent(schema, {
    validate: (event) => {
      if (rule.stages) c.requireStage(rule.stages, rule.doing);
      else c.requireOpen(rule.doing);
      refuseFutureEvent(event.at);
    },
    apply: async (event) => {
      const why = rule.why(event);
      c.waiveOpen(why.waived, event.by);
      c.record({ at: event.at, type: rule.type, actor: event.by, detail: why.detail });
      c.moveTo(rule.stage, why.outcome);
    },
  });
}
