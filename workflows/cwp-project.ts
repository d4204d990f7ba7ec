// One Community Work Program project (NC DOC Policy D.0700 §.0706): short-term work for a governmental
// agency, "ten (10) consecutive labor days or less". The coordinator is reminded the labor day before
// the planned end; an addition to the scope may extend it (the generic extension update, approved by
// the facility head), never past the tenth labor day; the supervising officer may end it at any time.
import { defineUpdate } from '@temporalio/workflow';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import {
  CWP_CASE_TYPE,
  CWP_POLICY_ID,
  parseCwpIntake,
  projectTerminatedSchema,
  type CwpIntakeInput,
  type ProjectTerminatedInput,
} from '../domain/cases/work-programs';
import { guard } from './refusals';
import { type CaseView } from './case-messages';
import { runCase, timedStep } from './case-events';
import { endingEvent, workProgramRuntime } from './work-program';

export { CWP_CASE_TYPE };

export const projectCompletedUpdate = defineUpdate<CaseView, [EventBase]>('projectCompleted');
export const projectTerminatedUpdate = defineUpdate<CaseView, [ProjectTerminatedInput]>('projectTerminated');

export type CwpStage = 'in-progress' | 'completed' | 'terminated';

export interface CwpProjectResult {
  caseNumber: string;
  stage: CwpStage;
  outcome?: string;
}

export function cwpProjectWorkflowId(caseNumber: string): string {
  return `cwp-project-${caseNumber}`;
}

export async function cwpProject(raw: CwpIntakeInput): Promise<CwpProjectResult> {
  const intake = guard(() => parseCwpIntake(raw));
  const c = workProgramRuntime<CwpStage>(intake, {
    caseType: CWP_CASE_TYPE,
    policyId: CWP_POLICY_ID,
    facts: { plannedLaborDays: String(intake.plannedLaborDays) },
    events: { 'project.started': intake.startedAt },
    stage: 'in-progress',
    openStages: ['in-progress'],
  });
  const project = {
    runtime: c,
    result: (): CwpProjectResult => ({
      caseNumber: intake.caseNumber,
      stage: c.stage,
      ...(c.outcome ? { outcome: c.outcome } : {}),
    }),
    projectCompleted: timedStep(() => c, eventBaseSchema, {
      key: 'project.completed',
      stages: ['in-progress'],
      doing: 'completing the project',
      follows: ['project.started', 'the completion'],
      then: () => c.moveTo('completed', 'completed'),
    }),
    projectTerminated: endingEvent(c, projectTerminatedSchema, {
      doing: 'ending the project',
      type: 'project.terminated',
      stage: 'terminated',
      why: (event) => ({
        waived: `project ended: ${event.reason}`,
        detail: event.reason,
        outcome: event.reason,
      }),
    }),
  };
  return runCase(project, [projectCompletedUpdate, projectTerminatedUpdate]);
}
