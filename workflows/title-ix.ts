// One Title IX report at the Arkansas Correctional School District (ACSD Policy 3.26 / 8.20, seed
// 003), from the report to the Title IX Coordinator through the formal complaint, investigation,
// determination and appeal (or dismissal) to the closing of the case and its records date. Events
// from the case system arrive as Updates; their validators refuse anything out of order, too early
// (the 10-day lower bounds), or decided by someone the policy's role separation excludes, so a
// refused event leaves no trace in history. The case's state and the checks and effects of each
// event live in TitleIxCase (./title-ix/case.ts); this file says which events the policy knows.
//
// Confidentiality (3.26 Confidentiality): complainants, respondents, reporters and witnesses are
// known here by opaque party IDs. Their names and addresses stay in the workflow input and state and
// in the notice activity's input (payloads, which the codec encrypts); the workflow ID, search
// attributes, current details, timer and activity summaries, the timeline and log lines carry case
// numbers, party IDs and roles only.
import { defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';
import type { EventBase } from '../domain/cases/common';
import {
  parseTitleIxIntake,
  type AppealDecisionInput,
  type AppealInput,
  type CloseReportInput,
  type DeterminationInput,
  type DismissalInput,
  type DocketActInput,
  type DocumentEventInput,
  type FormalComplaintInput,
  type RecordPartyInput,
  type SupportiveMeasuresInput,
  type TitleIxIntakeInput,
} from '../domain/cases/title-ix';
import { runCase } from './case-events';
import { guard } from './refusals';
import { type CaseView } from './case-messages';
import { TitleIxCase } from './title-ix/case';
import type { TitleIxDetails, TitleIxResult } from './title-ix/types';

export { TITLE_IX_CASE_TYPE } from './title-ix/case';
export type {
  RecordsRetention,
  SupportiveMeasureRecord,
  TitleIxDetails,
  TitleIxResult,
  TitleIxStage,
} from './title-ix/types';

export const complainantContactedUpdate = defineUpdate<CaseView, [EventBase]>('complainantContacted');
export const supportiveMeasuresUpdate = defineUpdate<CaseView, [SupportiveMeasuresInput]>(
  'supportiveMeasures',
);
export const recordPartyUpdate = defineUpdate<CaseView, [RecordPartyInput]>('recordParty');
export const formalComplaintReceivedUpdate = defineUpdate<CaseView, [FormalComplaintInput]>(
  'formalComplaintReceived',
);
export const noticePartiesUpdate = defineUpdate<CaseView, [DocketActInput]>('noticeParties');
export const evidenceSentUpdate = defineUpdate<CaseView, [DocumentEventInput]>('evidenceSent');
export const investigationCompletedUpdate = defineUpdate<CaseView, [DocumentEventInput]>(
  'investigationCompleted',
);
export const determinationIssuedUpdate = defineUpdate<CaseView, [DeterminationInput]>('determinationIssued');
export const appealFiledUpdate = defineUpdate<CaseView, [AppealInput]>('appealFiled');
export const appealDecidedUpdate = defineUpdate<CaseView, [AppealDecisionInput]>('appealDecided');
export const dismissComplaintUpdate = defineUpdate<CaseView, [DismissalInput]>('dismissComplaint');
export const closeReportUpdate = defineUpdate<CaseView, [CloseReportInput]>('closeReport');

/** The events the policy knows, in the order their handlers are registered (TitleIxCase names them). */
const TITLE_IX_EVENTS = [
  // 3.26: "As soon as reasonably possible after receiving a report ... the Title IX Coordinator shall
  // contact the complainant" (coordinator.contact, an agency setting). Whoever makes the contact acts
  // as coordinator, so role separation excludes them from deciding.
  complainantContactedUpdate,

  // 3.26 Supportive Measures: offered to the complainant, available to the respondent, before or
  // after a formal complaint; the complainant's decline counts only "in writing". The measures
  // themselves stay in the case system (they are confidential too): only the status is recorded.
  supportiveMeasuresUpdate,

  // A party or advisor becomes known, or a party's contact details change. A complainant or
  // respondent who becomes known after the notice of the formal complaint went out gets it now:
  // 3.26 gives the notice to "the parties who are known". A party's role never changes.
  recordPartyUpdate,

  // The formal complaint names the investigators assigned; they may not decide the case.
  formalComplaintReceivedUpdate,

  // 3.26 Formal Complaint: "Upon receipt of a formal complaint, a District shall simultaneously
  // provide the following written notice to the parties who are known" (notice.parties). Docket
  // sends it, so the event's instant is the instant of sending.
  noticePartiesUpdate,

  // 3.26: "At least ten (10) days prior to completion of the investigative report, the District
  // shall send to each party and the party's advisor, if any, the evidence ... The parties shall have
  // at least ten (10) days to submit a written response" (evidence.review). The case system sends the
  // evidence itself; Docket tells each party and advisor how long they have.
  evidenceSentUpdate,

  // The report may not be completed before the parties' 10 days have run: checkTimely refuses it with
  // the earliest allowed time (TOO_EARLY). "The investigative report is sent to the parties."
  investigationCompletedUpdate,

  // 3.26 Determination: "No earlier than ten (10) days following the completion of the investigation
  // period, the decision-maker, who cannot be the same person as the Title IX Coordinator or the
  // investigator, shall issue a written determination ... provided to the parties simultaneously."
  // Issuing is providing it, so its instant is Docket's clock: the appeal period runs from the
  // moment the parties have it, never from an earlier signature.
  determinationIssuedUpdate,

  // 3.26 Appeals: either party may appeal a determination or a dismissal within the appeal period
  // (a subject's window: a late appeal is refused). "Notify the other party in writing when an appeal
  // is filed" and "Simultaneously provide all parties a written copy of the District's procedures
  // governing the appeal process": every party is written to at once, the other party told of the
  // appeal, the appellant that it was received.
  appealFiledUpdate,

  // 3.26 Appeals item 4: the appeal decision-maker is not the original decision-maker (of the
  // determination or the dismissal), the investigator or the Title IX Coordinator. Item 7: the
  // written decision goes to both parties simultaneously, and the determination is final on that date.
  appealDecidedUpdate,

  // 3.26: required and discretionary dismissals; "Upon the dismissal of a formal complaint for any
  // reason, the District shall promptly send written notice of the dismissal and reason(s) for the
  // dismissal simultaneously to the parties." A dismissal may be appealed (3.26 Appeals).
  dismissComplaintUpdate,

  // A report that never becomes a formal complaint still ends, and its records are kept (3.26
  // Records: "any actions, including any supportive measures, taken in response to a report"), but
  // only once the coordinator has contacted the complainant as 3.26 requires.
  closeReportUpdate,
];

export const titleIxDetailsQuery = defineQuery<TitleIxDetails>('titleIxDetails');

export function titleIxWorkflowId(caseNumber: string): string {
  return `title-ix-${caseNumber}`;
}

export async function titleIx(rawIntake: TitleIxIntakeInput): Promise<TitleIxResult> {
  const titleIxCase = new TitleIxCase(guard(() => parseTitleIxIntake(rawIntake)));
  setHandler(titleIxDetailsQuery, () => titleIxCase.details());
  // Without an appeal the determination "shall become final ... the day after the period for an
  // appeal to be filed expires" (3.26 Determination); a dismissal nobody appeals stands on the same
  // terms. One timer to that instant, re-armed if the schedule or stage changes.
  //
  // The workflow ends here; the records date stays in the closing view and in the result. A 7-year
  // timer in this workflow would bind every later change of this code to replay it for 7 years, and
  // a closed run is visible only for the namespace's retention, so the date goes back to the case
  // system (the record keeper) with the role to tell: see RecordsRetention.
  return runCase(titleIxCase, TITLE_IX_EVENTS, { lapse: titleIxCase.finality });
}
