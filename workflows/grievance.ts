// One inmate grievance (Oklahoma DOC OP-090124 §III.E, with the PREA track of 28 CFR 115.52), from
// the incident to the decision served on the inmate. Events from the case system arrive as Updates;
// their validators refuse anything out of order, late, or decided by an involved employee, so a
// refused event leaves no trace in history. The case's state and the checks and effects of each
// event live in GrievanceCase (./grievance/case.ts); this file says which events the policy knows.
import { defineUpdate } from '@temporalio/workflow';
import type { EventBase } from '../domain/cases/common';
import {
  parseGrievanceIntake,
  type DecisionInput,
  type GrievanceIntakeInput,
} from '../domain/cases/grievance';
import { runCase } from './case-events';
import { guard } from './refusals';
import { type CaseView } from './case-messages';
import { GrievanceCase, type GrievanceResult } from './grievance/case';

export { decisionSchema, type DecisionInput } from '../domain/cases/grievance';
export { GRIEVANCE_CASE_TYPE, type GrievanceResult, type GrievanceStage } from './grievance/case';

export const rtsSubmittedUpdate = defineUpdate<CaseView, [EventBase]>('rtsSubmitted');
export const rtsRespondedUpdate = defineUpdate<CaseView, [EventBase]>('rtsResponded');
export const grievanceFiledUpdate = defineUpdate<CaseView, [EventBase]>('grievanceFiled');
export const initialResponseUpdate = defineUpdate<CaseView, [EventBase]>('initialResponse');
export const decisionIssuedUpdate = defineUpdate<CaseView, [DecisionInput]>('decisionIssued');
export const withdrawUpdate = defineUpdate<CaseView, [EventBase]>('withdraw');

/** The events the policy knows, in the order their handlers are registered (GrievanceCase names them). */
const GRIEVANCE_EVENTS = [
  // §III.E.9-10: informal resolution first, by a Request to Staff and its written response.
  rtsSubmittedUpdate,
  rtsRespondedUpdate,

  // §III.E.12: the formal grievance, after the response (emergency, sensitive and PREA grievances
  // are filed directly, §III.E.11 and 115.52(b)(3)).
  grievanceFiledUpdate,

  // 115.52(f): an emergency PREA grievance gets an initial response before the final decision.
  initialResponseUpdate,

  // The reviewing authority's decision, never by staff directly involved in the complaint (§III.E.5);
  // it is served on the inmate, and the case closes once its service is recorded.
  decisionIssuedUpdate,

  // The inmate may withdraw the grievance until it is decided; every open deadline is waived.
  withdrawUpdate,
];

export function grievanceWorkflowId(caseNumber: string): string {
  return `grievance-${caseNumber}`;
}

export async function grievance(rawIntake: GrievanceIntakeInput): Promise<GrievanceResult> {
  const grievanceCase = new GrievanceCase(guard(() => parseGrievanceIntake(rawIntake)));
  // The case closes when the decision is served, on withdrawal, or when the inmate's window to take
  // the next step lapses with nothing filed (the furthest an extension or the absolute limit allows).
  return runCase(grievanceCase, GRIEVANCE_EVENTS, { lapse: grievanceCase.filingWindow });
}
