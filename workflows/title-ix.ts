// One Title IX report at the Arkansas Correctional School District (ACSD Policy 3.26 / 8.20, seed
// 003), from the report to the Title IX Coordinator through the formal complaint, investigation,
// determination and appeal (or dismissal) to the closing of the case and its records date. Events
// from the case system arrive as Updates; their validators refuse anything out of order, too early
// (the 10-day lower bounds), or decided by someone the policy's role separation excludes, so a
// refused event leaves no trace in history.
//
// Confidentiality (3.26 Confidentiality): complainants, respondents, reporters and witnesses are
// known here by opaque party IDs. Their names and addresses stay in the workflow input and state and
// in the notice activity's input (payloads, which the codec encrypts); the workflow ID, search
// attributes, current details, timer and activity summaries, the timeline and log lines carry case
// numbers, party IDs and roles only.
import { defineQuery, defineUpdate, setHandler } from '@temporalio/workflow';
import type { ContextValue, NoticeRecipient } from '../activities/notifications';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import {
  appealDecisionSchema,
  appealSchema,
  closeReportSchema,
  determinationSchema,
  DISMISSAL_REASON_TEXT,
  dismissalSchema,
  docketActSchema,
  documentEventSchema,
  formalComplaintSchema,
  NOTICED_ROLES,
  parseTitleIxIntake,
  recordPartySchema,
  supportiveMeasuresSchema,
  TITLE_IX_POLICY_ID,
  type AppealDecisionInput,
  type AppealInput,
  type CloseReportInput,
  type DeterminationInput,
  type DismissalInput,
  type DocketActInput,
  type DocumentEventInput,
  type FormalComplaintInput,
  type Party,
  type PartyRole,
  type RecordPartyInput,
  type SupportiveMeasuresInput,
  type TitleIxIntakeInput,
} from '../domain/cases/title-ix';
import type { ScheduleEntry } from '../domain/types';
import { guard, refuse, refuseFutureEvent, type CaseView } from './case-support';
import { CaseRuntime } from './case-runtime';

export const TITLE_IX_CASE_TYPE = 'title-ix';

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

export type TitleIxStage =
  | 'report'
  | 'formal-complaint'
  | 'investigation'
  | 'evidence-review'
  | 'awaiting-determination'
  | 'determined'
  | 'dismissed'
  | 'appealed'
  | 'final'
  | 'dismissal-final'
  | 'closed';

const OPEN_STAGES: readonly TitleIxStage[] = [
  'report',
  'formal-complaint',
  'investigation',
  'evidence-review',
  'awaiting-determination',
  'determined',
  'dismissed',
  'appealed',
];
/** Stages in which the formal complaint may still be dismissed (3.26: "at any time during the grievance process"). */
const DISMISSIBLE: readonly TitleIxStage[] = [
  'formal-complaint',
  'investigation',
  'evidence-review',
  'awaiting-determination',
];

/** Where the records date stands once the case closes (3.26 Records). */
export interface RecordsRetention {
  /** The first instant at which the records may be disposed of: at least seven years after closure. */
  notBefore: string;
  localText: string;
  /** The directory role told when that date arrives. */
  notify: string;
  source: string;
}

export interface TitleIxResult {
  caseNumber: string;
  stage: TitleIxStage;
  outcome?: string;
  retention?: RecordsRetention;
}

export interface SupportiveMeasureRecord {
  at: string;
  by: string;
  party: string;
  role: PartyRole;
  status: string;
  inWriting: boolean;
}

/** The Title IX part of the case for the case system: opaque IDs and roles only, never contact details. */
export interface TitleIxDetails {
  parties: { id: string; role: PartyRole; advisor: boolean }[];
  staff: {
    coordinators: string[];
    investigators: string[];
    decisionMakers: string[];
    appealDecisionMakers: string[];
  };
  supportiveMeasures: SupportiveMeasureRecord[];
  appeals: { at: string; party: string; role: PartyRole; basis: string[] }[];
  retention?: RecordsRetention;
}

export const titleIxDetailsQuery = defineQuery<TitleIxDetails>('titleIxDetails');

/** What one party's notice says: its title, and the template fields for that party alone. */
interface PartyLetter {
  document: string;
  context?: Record<string, ContextValue>;
}

const SOURCE = (section: string) => `ACSD Policy 3.26 / 8.20 §${section} (seed 003_f6cc332a41fedc95.txt)`;

export function titleIxWorkflowId(caseNumber: string): string {
  return `title-ix-${caseNumber}`;
}

export async function titleIx(rawIntake: TitleIxIntakeInput): Promise<TitleIxResult> {
  const intake = guard(() => parseTitleIxIntake(rawIntake));
  const parties = new Map<string, Party>(intake.parties.map((p) => [p.id, p]));
  // Who has held which role in this case, by opaque staff ID, for the role separation of 3.26.
  const coordinators = new Set<string>([intake.coordinatorId]);
  const investigators = new Set<string>();
  const decisionMakers = new Set<string>();
  const appealDecisionMakers = new Set<string>();
  const supportiveMeasures: SupportiveMeasureRecord[] = [];
  const appeals: TitleIxDetails['appeals'] = [];

  const c: CaseRuntime<TitleIxStage> = new CaseRuntime<TitleIxStage>({
    caseType: TITLE_IX_CASE_TYPE,
    caseNumber: intake.caseNumber,
    facility: intake.facility,
    jurisdiction: 'US-AR',
    policyId: TITLE_IX_POLICY_ID,
    policyVersion: intake.policyVersion,
    facts: {},
    settings: intake.settings,
    events: { 'report.received': intake.reportReceivedAt },
    stage: 'report',
    openStages: OPEN_STAGES,
    archiveDetails: () => ({ ...details() }),
  });

  const nowIso = (): string => new Date(Date.now()).toISOString();
  /** The parties to the grievance process proper, who receive its written notices. */
  const noticed = (): Party[] => [...parties.values()].filter((p) => NOTICED_ROLES.includes(p.role));
  const scheduled = (key: string): ScheduleEntry => {
    const entry = c.schedule?.entries.find((e) => e.key === key);
    if (!entry) refuse('UNKNOWN_ENTRY', `the schedule has no entry ${key}`, { key });
    return entry;
  };
  const retention = (): RecordsRetention | undefined => {
    const entry = c.schedule?.entries.find((e) => e.key === 'records.retention');
    if (!entry?.earliest) return undefined;
    return {
      notBefore: entry.earliest,
      localText: entry.localText,
      notify: entry.responsibleRole,
      source: entry.sourceText,
    };
  };

  const recipientsOf = (party: Party, withAdvisor: boolean): NoticeRecipient[] => {
    const own: NoticeRecipient = { id: party.id, email: party.email as string };
    if (party.name) own.name = party.name;
    if (!withAdvisor || !party.advisor) return [own];
    const advisor: NoticeRecipient = { id: `${party.id}-ADVISOR`, email: party.advisor.email };
    if (party.advisor.name) advisor.name = party.advisor.name;
    return [own, advisor];
  };

  /**
   * Written notice to each party "simultaneously" (3.26 Formal Complaint, Determination, Appeals,
   * dismissal): one message per party, all scheduled from this one workflow step with the same Date
   * header (`at`, the workflow's clock). Each message is addressed to its own party (and, for the
   * evidence and the report, that party's advisor) and carries only what that party may see: its own
   * role and the case's dates, never another party's name or address. The notice key holds the
   * party's opaque ID, so each party's Message-ID is its own and stable across retries.
   */
  async function tellParties(
    step: string,
    at: string,
    who: readonly Party[],
    letter: (party: Party) => PartyLetter,
    options: { advisors?: boolean; documentRef?: string } = {},
  ): Promise<void> {
    await Promise.all(
      who.map((party) => {
        const { document, context } = letter(party);
        return c.notify({
          kind: 'party-notice',
          noticeKey: `${step}/party-notice/${party.id}`,
          role: 'title-ix-coordinator',
          sentAt: at,
          recipients: recipientsOf(party, options.advisors ?? false),
          delivery: { document, to: party.role },
          context: {
            partyRole: party.role,
            ...(options.documentRef ? { documentRef: options.documentRef } : {}),
            ...context,
          },
        });
      }),
    );
  }

  const formalComplaintLetter = () => ({
    document: 'Notice of formal complaint and of the allegations',
    context: { formalComplaint: true },
  });

  /** 3.26 Determination; Appeals item 4: nobody decides who held an excluded role in this case. */
  function requireSeparate(
    by: string,
    as: string,
    excluded: readonly [Set<string>, string][],
    section: string,
  ): void {
    for (const [ids, role] of excluded) {
      if (!ids.has(by)) continue;
      const source = SOURCE(section);
      refuse(
        'ROLE_SEPARATION',
        `staff ${by} acted as the ${role} in this case and may not be the ${as} (${source})`,
        { field: 'by', value: by, conflictsWith: role, rule: 'separation-of-roles', source },
      );
    }
  }

  function requireParty(id: string, what: string): Party {
    const party = parties.get(id);
    if (!party || !NOTICED_ROLES.includes(party.role)) {
      refuse('UNKNOWN_PARTY', `${what}: ${id} is not a complainant or respondent in this case`, {
        field: 'party',
        value: id,
        known: noticed().map((p) => p.id),
      });
    }
    return party;
  }

  /** Closing records `case.closed`, from which the schedule dates the records (3.26 Records). */
  async function close(stage: TitleIxStage, outcome: string | undefined, at: string, by: string) {
    await c.recordEvents({ 'case.closed': at }, { at, by }, 'case.closed');
    c.moveTo(stage, outcome);
  }

  const details = (): TitleIxDetails => ({
    parties: [...parties.values()].map((p) => ({ id: p.id, role: p.role, advisor: !!p.advisor })),
    staff: {
      coordinators: [...coordinators],
      investigators: [...investigators],
      decisionMakers: [...decisionMakers],
      appealDecisionMakers: [...appealDecisionMakers],
    },
    supportiveMeasures: [...supportiveMeasures],
    appeals: [...appeals],
    retention: retention(),
  });
  setHandler(titleIxDetailsQuery, details);
  c.registerCommonHandlers();

  // 3.26: "As soon as reasonably possible after receiving a report ... the Title IX Coordinator shall
  // contact the complainant" (coordinator.contact, an agency setting). Whoever makes the contact acts
  // as coordinator, so role separation excludes them from deciding.
  c.handle(complainantContactedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireOpen('contacting the complainant');
      c.refuseDuplicate('complainant.contacted', 'the contact with the complainant');
      c.requireAfter(event.at, 'report.received', 'the contact');
      c.checkTimely('complainant.contacted', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'complainant.contacted': event.at }, event, 'complainant.contacted');
      coordinators.add(event.by);
    },
  });

  // 3.26 Supportive Measures: offered to the complainant, available to the respondent, before or
  // after a formal complaint; the complainant's decline counts only "in writing". The measures
  // themselves stay in the case system (they are confidential too): only the status is recorded.
  c.handle(supportiveMeasuresUpdate, {
    schema: supportiveMeasuresSchema,
    validate: (record) => {
      c.requireOpen('recording supportive measures');
      const party = requireParty(record.party, 'supportive measures');
      if (record.status === 'declined' && party.role === 'complainant' && !record.inWriting) {
        refuse(
          'WRITING_REQUIRED',
          `a complainant declines supportive measures only in writing (${SOURCE('Supportive Measures')})`,
          { field: 'inWriting', value: false, source: SOURCE('Supportive Measures') },
        );
      }
      refuseFutureEvent(record.at);
      c.requireAfter(record.at, 'report.received', 'the supportive measures');
    },
    apply: async (record) => {
      const party = parties.get(record.party) as Party;
      supportiveMeasures.push({
        at: record.at,
        by: record.by,
        party: party.id,
        role: party.role,
        status: record.status,
        inWriting: record.inWriting,
      });
      c.record({
        at: record.at,
        type: `supportive-measures.${record.status}`,
        actor: record.by,
        detail: `${party.role} ${party.id}${record.inWriting ? ', in writing' : ''}`,
      });
    },
  });

  // A party or advisor becomes known, or a party's contact details change. A complainant or
  // respondent who becomes known after the notice of the formal complaint went out gets it now:
  // 3.26 gives the notice to "the parties who are known".
  c.handle(recordPartyUpdate, {
    schema: recordPartySchema,
    validate: ({ party }) => {
      c.requireOpen('recording a party');
      const existing = parties.get(party.id);
      if (existing && existing.role !== party.role) {
        refuse(
          'PARTY_ROLE_FIXED',
          `party ${party.id} is the ${existing.role} in this case; a party's role does not change`,
          { field: 'party.role', value: party.role },
        );
      }
    },
    apply: async ({ by, party }) => {
      const isNew = !parties.has(party.id);
      parties.set(party.id, party);
      c.record({
        type: isNew ? 'party.added' : 'party.updated',
        actor: by,
        detail: `${party.role} ${party.id}`,
      });
      if (isNew && c.events['notice.sent'] && NOTICED_ROLES.includes(party.role)) {
        await tellParties('notice.parties', nowIso(), [party], formalComplaintLetter);
      }
    },
  });

  c.handle(formalComplaintReceivedUpdate, {
    schema: formalComplaintSchema,
    validate: (event) => {
      c.requireStage(['report'], 'a formal complaint');
      c.requireAfter(event.at, 'report.received', 'the formal complaint');
      c.checkTimely('formal-complaint.received', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'formal-complaint.received': event.at }, event, 'formal-complaint.received');
      for (const id of event.investigatorIds) investigators.add(id);
      c.moveTo('formal-complaint');
    },
  });

  // 3.26 Formal Complaint: "Upon receipt of a formal complaint, a District shall simultaneously
  // provide the following written notice to the parties who are known" (notice.parties). Docket
  // sends it, so the event's instant is the instant of sending.
  c.handle(noticePartiesUpdate, {
    schema: docketActSchema,
    validate: () => {
      c.requireStage(['formal-complaint'], 'the notice of the formal complaint');
      for (const role of NOTICED_ROLES) {
        if (!noticed().some((p) => p.role === role)) {
          refuse(
            'MISSING_PARTY',
            `the notice of a formal complaint needs a known ${role} (3.26 Formal Complaint)`,
            {
              missing: role,
            },
          );
        }
      }
      c.checkTimely('notice.sent', nowIso());
    },
    apply: async (act) => {
      const at = nowIso();
      await c.recordEvents({ 'notice.sent': at }, { at, by: act.by }, 'notice.sent');
      c.moveTo('investigation');
      await tellParties('notice.parties', at, noticed(), formalComplaintLetter, {
        documentRef: act.documentRef,
      });
    },
  });

  // 3.26: "At least ten (10) days prior to completion of the investigative report, the District
  // shall send to each party and the party's advisor, if any, the evidence ... The parties shall have
  // at least ten (10) days to submit a written response" (evidence.review). The case system sends the
  // evidence itself; Docket tells each party and advisor how long they have.
  c.handle(evidenceSentUpdate, {
    schema: documentEventSchema,
    validate: (event) => {
      c.requireStage(['investigation'], 'sending the evidence');
      c.requireAfter(event.at, 'notice.sent', 'sending the evidence');
      c.checkTimely('evidence.sent', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'evidence.sent': event.at }, event, 'evidence.sent');
      c.moveTo('evidence-review');
      const bound = scheduled('evidence.review');
      await tellParties(
        'evidence.sent',
        nowIso(),
        noticed(),
        () => ({
          document: 'Evidence for inspection and review, and your time to respond',
          context: { evidence: true, reportNotBefore: bound.localText },
        }),
        { advisors: true, documentRef: event.documentRef },
      );
    },
  });

  // The report may not be completed before the parties' 10 days have run: checkTimely refuses it with
  // the earliest allowed time (TOO_EARLY). "The investigative report is sent to the parties."
  c.handle(investigationCompletedUpdate, {
    schema: documentEventSchema,
    validate: (event) => {
      c.requireStage(['evidence-review'], 'completing the investigative report');
      c.requireAfter(event.at, 'evidence.sent', 'the investigative report');
      c.checkTimely('investigation.completed', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'investigation.completed': event.at }, event, 'investigation.completed');
      investigators.add(event.by);
      c.moveTo('awaiting-determination');
      const bound = scheduled('determination.earliest');
      await tellParties(
        'investigation.completed',
        nowIso(),
        noticed(),
        () => ({
          document: 'Investigative report',
          context: { investigativeReport: true, determinationNotBefore: bound.localText },
        }),
        { advisors: true, documentRef: event.documentRef },
      );
    },
  });

  // 3.26 Determination: "No earlier than ten (10) days following the completion of the investigation
  // period, the decision-maker, who cannot be the same person as the Title IX Coordinator or the
  // investigator, shall issue a written determination ... provided to the parties simultaneously."
  // Issuing is providing it, so its instant is Docket's clock: the appeal period runs from the
  // moment the parties have it, never from an earlier signature.
  c.handle(determinationIssuedUpdate, {
    schema: determinationSchema,
    validate: (decision) => {
      c.requireStage(['awaiting-determination'], 'a determination');
      requireSeparate(
        decision.by,
        'decision-maker',
        [
          [coordinators, 'Title IX Coordinator'],
          [investigators, 'investigator'],
        ],
        'Determination',
      );
      c.checkTimely('determination.issued', nowIso());
    },
    apply: async (decision) => {
      const at = nowIso();
      await c.recordEvents({ 'determination.issued': at }, { at, by: decision.by }, 'determination.issued');
      decisionMakers.add(decision.by);
      c.moveTo('determined', decision.outcome);
      const appealBy = scheduled('appeal.filing').localText;
      const finalOn = scheduled('determination.final').localText;
      await tellParties(
        'determination.issued',
        at,
        noticed(),
        () => ({
          document: 'Written determination regarding responsibility',
          context: { determination: true, outcome: decision.outcome, appealBy, finalOn },
        }),
        { documentRef: decision.documentRef },
      );
    },
  });

  // 3.26 Appeals: either party may appeal a determination or a dismissal within the appeal period
  // (a subject's window: a late appeal is refused). "Notify the other party in writing when an appeal
  // is filed" and "Simultaneously provide all parties a written copy of the District's procedures
  // governing the appeal process": every party is written to at once, the other party told of the
  // appeal, the appellant that it was received.
  c.handle(appealFiledUpdate, {
    schema: appealSchema,
    validate: (appeal) => {
      c.requireStage(['determined', 'dismissed', 'appealed'], 'an appeal');
      requireParty(appeal.party, 'an appeal');
      if (appeals.some((a) => a.party === appeal.party)) {
        refuse('DUPLICATE_EVENT', `party ${appeal.party} has already appealed`, { field: 'party' });
      }
      const decided = c.events['determination.issued'] ? 'determination.issued' : 'complaint.dismissed';
      c.requireAfter(appeal.at, decided, 'the appeal');
      c.checkTimely('appeal.filed', appeal.at);
    },
    apply: async (appeal) => {
      const appellant = parties.get(appeal.party) as Party;
      if (appeals.length === 0) {
        await c.recordEvents({ 'appeal.filed': appeal.at }, appeal, 'appeal.filed');
      } else {
        c.record({
          at: appeal.at,
          type: 'appeal.filed',
          actor: appeal.by,
          detail: `${appellant.role} ${appellant.id}`,
        });
      }
      appeals.push({ at: appeal.at, party: appellant.id, role: appellant.role, basis: [...appeal.basis] });
      c.moveTo('appealed');
      await tellParties(`appeal.filed/${appeals.length}`, nowIso(), noticed(), (party): PartyLetter =>
        party.id === appellant.id
          ? {
              document: 'Your appeal: receipt and appeal procedures',
              context: { appealFiled: true, isAppellant: true },
            }
          : {
              document: 'Notice of an appeal, and the appeal procedures',
              context: {
                appealFiled: true,
                appellantRole: appellant.role,
                appealBasis: appeal.basis.join(', '),
              },
            },
      );
    },
  });

  // 3.26 Appeals item 4: the appeal decision-maker is not the original decision-maker (of the
  // determination or the dismissal), the investigator or the Title IX Coordinator. Item 7: the
  // written decision goes to both parties simultaneously, and the determination is final on that date.
  c.handle(appealDecidedUpdate, {
    schema: appealDecisionSchema,
    validate: (decision) => {
      c.requireStage(['appealed'], 'an appeal decision');
      requireSeparate(
        decision.by,
        'appeal decision-maker',
        [
          [coordinators, 'Title IX Coordinator'],
          [investigators, 'investigator'],
          [decisionMakers, 'decision-maker'],
        ],
        'Appeals',
      );
    },
    apply: async (decision) => {
      const at = nowIso();
      await c.recordEvents({ 'appeal.decided': at }, { at, by: decision.by }, 'appeal.decided');
      appealDecisionMakers.add(decision.by);
      await tellParties(
        'appeal.decided',
        at,
        noticed(),
        () => ({
          document: 'Written decision on the appeal',
          context: { appealDecision: true, appealResult: decision.result },
        }),
        { documentRef: decision.documentRef },
      );
      await close('final', `${c.outcome ?? 'decided'}; appeal ${decision.result}`, at, decision.by);
    },
  });

  // 3.26: required and discretionary dismissals; "Upon the dismissal of a formal complaint for any
  // reason, the District shall promptly send written notice of the dismissal and reason(s) for the
  // dismissal simultaneously to the parties." A dismissal may be appealed (3.26 Appeals).
  c.handle(dismissComplaintUpdate, {
    schema: dismissalSchema,
    validate: () => c.requireStage(DISMISSIBLE, 'a dismissal'),
    apply: async (dismissal) => {
      const at = nowIso();
      await c.recordEvents({ 'complaint.dismissed': at }, { at, by: dismissal.by }, 'complaint.dismissed');
      decisionMakers.add(dismissal.by);
      c.waiveDeadline('notice.parties', 'formal complaint dismissed', dismissal.by);
      c.moveTo('dismissed', `dismissed (${dismissal.grounds}: ${dismissal.reason})`);
      const appealBy = scheduled('appeal.filing.dismissal').localText;
      const standsOn = scheduled('dismissal.final').localText;
      await tellParties(
        'complaint.dismissed',
        at,
        noticed(),
        () => ({
          document: 'Notice of dismissal of the formal complaint, with its reason',
          context: {
            dismissal: true,
            dismissalGrounds: dismissal.grounds,
            dismissalReason: DISMISSAL_REASON_TEXT[dismissal.reason] ?? dismissal.reason,
            appealBy,
            standsOn,
          },
        }),
        { documentRef: dismissal.documentRef },
      );
    },
  });

  // A report that never becomes a formal complaint still ends, and its records are kept (3.26
  // Records: "any actions, including any supportive measures, taken in response to a report"), but
  // only once the coordinator has contacted the complainant as 3.26 requires.
  c.handle(closeReportUpdate, {
    schema: closeReportSchema,
    validate: (event) => {
      c.requireStage(['report'], 'closing a report without a formal complaint');
      c.requireEvent('complainant.contacted', 'closing a report without a formal complaint');
      c.requireAfter(event.at, 'complainant.contacted', 'closing the report');
      refuseFutureEvent(event.at);
    },
    apply: (event) => close('closed', 'no formal complaint', event.at, event.by),
  });

  await c.open();
  // Without an appeal the determination "shall become final ... the day after the period for an
  // appeal to be filed expires" (3.26 Determination); a dismissal nobody appeals stands on the same
  // terms. One timer to that instant, re-armed if the schedule or stage changes; the work runs in the
  // update queue so an appeal being recorded at that moment is either finished first or refused.
  await c.runUntilClosed({
    at: () =>
      c.stage === 'determined'
        ? c.lowerBound('determination.final')?.earliest
        : c.stage === 'dismissed'
          ? c.lowerBound('dismissal.final')?.earliest
          : undefined,
    onLapse: (at) =>
      c.queue.run(async () => {
        if (c.stage === 'determined') {
          c.record({ at, type: 'determination.final', detail: 'no appeal filed in the appeal period' });
          await close('final', c.outcome, at, 'docket');
        } else if (c.stage === 'dismissed') {
          c.record({ at, type: 'dismissal.final', detail: 'no appeal filed in the appeal period' });
          await close('dismissal-final', c.outcome, at, 'docket');
        }
        c.publish();
      }),
  });
  // The workflow ends here; the records date stays in the closing view and in the result. A 7-year
  // timer in this workflow would bind every later change of this code to replay it for 7 years, and
  // a closed run is visible only for the namespace's retention, so the date goes back to the case
  // system (the record keeper) with the role to tell: see RecordsRetention.
  return { caseNumber: intake.caseNumber, stage: c.stage, outcome: c.outcome, retention: retention() };
}
