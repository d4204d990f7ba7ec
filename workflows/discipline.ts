// One disciplinary case (Oklahoma DOC OP-060125 §IV) per offense report, from the supervisor's
// acceptance of the report (the anchor of §IV.B.3) through service, the hearing or its waiver, and the
// two appeals. Events from the case system arrive as Updates whose validators refuse anything out of
// order, too early, too late, or done by directly involved staff, so a refused event leaves no trace
// in history. A second workflow per subject (./discipline/suspended-sanction-watch) watches suspended
// sanctions (§IV.C.9) and keeps the subject's guilty findings by rule for the repeat rule of the Range
// of Allowable Sanctions.
//
// Cases opened with this code (patched SANCTION_RULES_PATCH) also check each imposed sanction against the
// Range of Allowable Sanctions, give each restorable sanction a term whose end is a service task for the
// unit (with its reminder and breach alerts until the restoration is recorded), and tell the hearing
// officer whether the repeat rule applies. Cases already running keep the behaviour they opened with.
//
// This file is the case's outline: its updates, which part of the case handles each, and its run.
// The rules live in ./discipline: the case and its documents (case.ts), the hearing (hearing.ts), the
// appeals (appeals.ts), the sanctions (sanctions.ts) and the link to the subject's watch.
import { defineUpdate, patched, setHandler } from '@temporalio/workflow';
import type { EventBase } from '../domain/cases/common';
import {
  parseDisciplineIntake,
  type AppealDecisionInput,
  type DisciplineIntakeInput,
  type DispositionInput,
  type HearingFindingInput,
  type HearingScheduleInput,
  type InmateUnavailableInput,
  type PrivilegeRestoredInput,
  type RepresentativeRequestInput,
} from '../domain/cases/discipline';
import { handleEvents } from './case-events';
import { guard } from './refusals';
import { type CaseView } from './case-messages';
import { AppealEvents } from './discipline/appeals';
import { DisciplineCase } from './discipline/case';
import { HearingEvents } from './discipline/hearing';
import { SANCTION_RULES_PATCH, type DisciplineResult } from './discipline/model';
import { priorFindingsSignal } from './discipline/watch-messages';

export {
  DISCIPLINE_CASE_TYPE,
  SANCTION_RULES_PATCH,
  type DisciplineResult,
  type DisciplineStage,
  type DisciplineView,
  type ImposedSanctionView,
  type SanctionsView,
} from './discipline/model';
export {
  guiltyFindingSignal,
  priorFindingsSignal,
  recordSubscribeSignal,
  SUBJECT_WATCH_CASE_TYPE,
  suspensionsQuery,
  type GuiltyFinding,
  type PriorFindings,
  type RecordSubscription,
  type SubjectWatchInput,
  type SubjectWatchView,
  type WatchedConviction,
  type WatchedSuspension,
} from './discipline/watch-messages';
export { suspendedSanctionWatch } from './discipline/suspended-sanction-watch';

export const investigationStartedUpdate = defineUpdate<CaseView, [EventBase]>('investigationStarted');
export const inmateUnavailableUpdate = defineUpdate<CaseView, [InmateUnavailableInput]>('inmateUnavailable');
export const inmateAvailableUpdate = defineUpdate<CaseView, [EventBase]>('inmateAvailable');
export const representativeRequestedUpdate = defineUpdate<CaseView, [RepresentativeRequestInput]>(
  'representativeRequested',
);
export const representativeConsultedUpdate = defineUpdate<CaseView, [EventBase]>('representativeConsulted');
export const hearingScheduledUpdate = defineUpdate<CaseView, [HearingScheduleInput]>('hearingScheduled');
export const hearingConcludedUpdate = defineUpdate<CaseView, [HearingFindingInput]>('hearingConcluded');
export const hearingWaivedUpdate = defineUpdate<CaseView, [EventBase]>('hearingWaived');
export const dispositionRecordedUpdate = defineUpdate<CaseView, [DispositionInput]>('dispositionRecorded');
export const facilityAppealFiledUpdate = defineUpdate<CaseView, [EventBase]>('facilityAppealFiled');
export const facilityAppealDecidedUpdate = defineUpdate<CaseView, [AppealDecisionInput]>(
  'facilityAppealDecided',
);
export const directorAppealFiledUpdate = defineUpdate<CaseView, [EventBase]>('directorAppealFiled');
export const directorAppealDecidedUpdate = defineUpdate<CaseView, [AppealDecisionInput]>(
  'directorAppealDecided',
);
export const privilegeRestoredUpdate = defineUpdate<CaseView, [PrivilegeRestoredInput]>('privilegeRestored');

export function disciplineWorkflowId(caseNumber: string): string {
  return `discipline-${caseNumber}`;
}

export async function discipline(rawIntake: DisciplineIntakeInput): Promise<DisciplineResult> {
  const intake = guard(() => parseDisciplineIntake(rawIntake));
  // Asked once, as the case starts: a case keeps the sanction rules it opened with.
  const disciplineCase = new DisciplineCase(intake, patched(SANCTION_RULES_PATCH));
  const { runtime, sanctions } = disciplineCase;
  const hearing = new HearingEvents(disciplineCase);
  const appeals = new AppealEvents(disciplineCase);

  // The subject's record answers with the earlier findings of this rule, now and on each new one.
  setHandler(priorFindingsSignal, (message) => sanctions.receivePriors(message));
  runtime.registerCommonHandlers();
  handleEvents(runtime, hearing, [
    investigationStartedUpdate,
    inmateUnavailableUpdate,
    inmateAvailableUpdate,
    representativeRequestedUpdate,
    representativeConsultedUpdate,
    hearingScheduledUpdate,
    hearingConcludedUpdate,
    hearingWaivedUpdate,
    dispositionRecordedUpdate,
  ]);
  handleEvents(runtime, appeals, [
    facilityAppealFiledUpdate,
    facilityAppealDecidedUpdate,
    directorAppealFiledUpdate,
    directorAppealDecidedUpdate,
  ]);
  runtime.handle(privilegeRestoredUpdate, sanctions.privilegeRestored);

  await disciplineCase.open();
  // Until the case closes, or an appeal window closes with nothing filed and the decision is final.
  await runtime.runUntilClosed({
    at: () => disciplineCase.appealLapseAt(),
    onLapse: () => disciplineCase.appealLapsed(),
  });
  return disciplineCase.result();
}
