// One Community Work Program project (NC DOC Policy D.0700 §.0706): short-term work for a governmental
// agency, "ten (10) consecutive labor days or less". The coordinator is reminded the labor day before
// the planned end; an addition to the scope may extend it (the generic extension update, approved by
// the facility head), never past the tenth labor day; the supervising officer may end it at any time.
import { defineUpdate } from '@temporalio/workflow';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import {
  CWP_CASE_TYPE,
  CWP_POLICY_ID,
  NC_JURISDICTION,
  parseCwpIntake,
  projectTerminatedSchema,
  type CwpIntakeInput,
  type ProjectTerminatedInput,
} from '../domain/cases/work-programs';
import { guard, refuseFutureEvent } from './refusals';
import { type CaseView } from './case-messages';
import { CaseRuntime } from './case-runtime';

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

type Project = CaseRuntime<CwpStage>;

function checkCompleted(c: Project, event: EventBase & { at: string }): void {
  c.requireStage(['in-progress'], 'completing the project');
  c.requireAfter(event.at, 'project.started', 'the completion');
  c.checkTimely('project.completed', event.at);
}

async function complete(c: Project, event: EventBase & { at: string }): Promise<void> {
  await c.recordEvents({ 'project.completed': event.at }, event, 'project.completed');
  c.moveTo('completed', 'completed');
}

function checkTerminated(c: Project, event: { at: string }): void {
  c.requireOpen('ending the project');
  refuseFutureEvent(event.at);
}

async function terminate(
  c: Project,
  event: ProjectTerminatedInput & { at: string; by: string },
): Promise<void> {
  c.waiveOpen(`project ended: ${event.reason}`, event.by);
  c.record({ at: event.at, type: 'project.terminated', actor: event.by, detail: event.reason });
  c.moveTo('terminated', event.reason);
}

export async function cwpProject(raw: CwpIntakeInput): Promise<CwpProjectResult> {
  const intake = guard(() => parseCwpIntake(raw));
  const c: Project = new CaseRuntime<CwpStage>({
    caseType: CWP_CASE_TYPE,
    caseNumber: intake.caseNumber,
    facility: intake.facility,
    jurisdiction: NC_JURISDICTION,
    policyId: CWP_POLICY_ID,
    policyVersion: intake.policyVersion,
    facts: { plannedLaborDays: String(intake.plannedLaborDays) },
    settings: intake.settings,
    events: { 'project.started': intake.startedAt },
    stage: 'in-progress',
    openStages: ['in-progress'],
  });
  c.registerCommonHandlers();
  c.handle(projectCompletedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => checkCompleted(c, event),
    apply: (event) => complete(c, event),
  });
  c.handle(projectTerminatedUpdate, {
    schema: projectTerminatedSchema,
    validate: (event) => checkTerminated(c, event),
    apply: (event) => terminate(c, event),
  });
  await c.open();
  await c.runUntilClosed();
  return { caseNumber: intake.caseNumber, stage: c.stage, ...(c.outcome ? { outcome: c.outcome } : {}) };
}
