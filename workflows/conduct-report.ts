// One staff conduct case, of either kind (domain/cases/conduct-report.ts):
// - a report of prohibited conduct with an offender or ex-offender at an Oklahoma OMES public works
//   program (seed 000), from the report through the start and the completion of the investigation,
//   with retaliation against the reporter (or a witness, or the offender) alerted to Human Resources at
//   once, and whether the person was an offender or an ex-offender when the contact took place;
// - an employee's written notice of a pre-existing relationship or of regular social contact with an
//   inmate or offender at the Wyoming DOC (seed 001 §IV.A.2), through the warden's decision.
// Events arrive as Updates whose validators refuse anything out of order, too early or too late (a
// refused event leaves no trace in history). The case's state and the checks and effects of each
// event live in ConductCase (./conduct-report/case.ts); this file says which events the policies know.
//
// Confidentiality: the people in the case are known here by opaque IDs, and the allegation's category
// only in the workflow's input and state (payloads the codec encrypts). The workflow ID, search
// attributes, current details, summaries, log lines and the notices to staff carry the case number,
// roles and dates only.
import { defineUpdate } from '@temporalio/workflow';
import type { EventBase } from '../domain/cases/common';
import {
  parseConductIntake,
  type ConductIntakeInput,
  type InvestigationCompletedInput,
  type RetaliationInput,
  type WardenDecisionInput,
} from '../domain/cases/conduct-report';
import { runCase } from './case-events';
import { guard } from './refusals';
import { type CaseView } from './case-messages';
import { ConductCase } from './conduct-report/case';
import type { ConductResult } from './conduct-report/types';

export { CONDUCT_REPORT_CASE_TYPE } from './conduct-report/case';
export type {
  ConductDetails,
  ConductResult,
  ConductStage,
  ConductView,
  RetaliationRecord,
} from './conduct-report/types';

export const conductInvestigationStartedUpdate = defineUpdate<CaseView, [EventBase]>('investigationStarted');
export const conductInvestigationCompletedUpdate = defineUpdate<CaseView, [InvestigationCompletedInput]>(
  'investigationCompleted',
);
export const retaliationReportedUpdate = defineUpdate<CaseView, [RetaliationInput]>('retaliationReported');
export const wardenDecidedUpdate = defineUpdate<CaseView, [WardenDecisionInput]>('wardenDecided');

/** The events the policies know, in the order their handlers are registered (ConductCase names them). */
const CONDUCT_EVENTS = [
  // Seed 000: OMES "will promptly investigate all allegations": the investigation starts, then
  // completes with a finding, each within the agency's limit (a report only).
  conductInvestigationStartedUpdate,
  conductInvestigationCompletedUpdate,

  // Seed 000 Prohibited Retaliation: retaliation against anyone for reporting or taking part is itself
  // a violation; Human Resources is alerted at once, each time, whatever else the case is waiting for.
  retaliationReportedUpdate,

  // Seed 001 §IV.A.2.i: the warden / division administrator or designee decides on the notice, never
  // the employee who gave it (a disclosure only).
  wardenDecidedUpdate,
];

export function conductReportWorkflowId(caseNumber: string): string {
  return `conduct-report-${caseNumber}`;
}

export async function conductReport(rawIntake: ConductIntakeInput): Promise<ConductResult> {
  const conductCase = new ConductCase(guard(() => parseConductIntake(rawIntake)));
  // With its first schedule the case knows its limits: a report's contact status is decided and Human
  // Resources alerted (again if the report came late); a disclosure goes to the warden for review.
  return runCase(conductCase, CONDUCT_EVENTS, { opened: () => conductCase.announce() });
}
