// The state and rules of one Title IX case (ACSD Policy 3.26 / 8.20): its parties and staff roles,
// the supportive measures and appeals recorded, and what each event from the case system checks and
// does. The workflow (workflows/title-ix.ts) registers these events and runs the case's loop.
import { eventBaseSchema } from '../../domain/cases/common';
import {
  appealDecisionSchema,
  appealSchema,
  closeReportSchema,
  determinationSchema,
  dismissalSchema,
  docketActSchema,
  documentEventSchema,
  formalComplaintSchema,
  NOTICED_ROLES,
  recordPartySchema,
  supportiveMeasuresSchema,
  TITLE_IX_POLICY_ID,
  type Party,
  type TitleIxIntake,
} from '../../domain/cases/title-ix';
import { citeSection } from '../../domain/policies/citations';
import type { ScheduleEntry } from '../../domain/types';
import { casePolicy, caseEvent, timedStep } from '../case-events';
import { CaseRuntime } from '../case-runtime';
import { refuse, refuseFutureEvent } from '../refusals';
import { letters, PartyNotices, type NoticeOptions, type PartyLetter } from './notices';
import { Participants, type StaffRole } from './participants';
import {
  DISMISSIBLE,
  OPEN_STAGES,
  type AppealRecord,
  type RecordsRetention,
  type SupportiveMeasureRecord,
  type TitleIxDetails,
  type TitleIxResult,
  type TitleIxStage,
} from './types';

export const TITLE_IX_CASE_TYPE = 'title-ix';

const nowIso = (): string => new Date(Date.now()).toISOString();

export class TitleIxCase {
  readonly runtime: CaseRuntime<TitleIxStage>;
  private readonly participants: Participants;
  private readonly notices: PartyNotices;
  private readonly measures: SupportiveMeasureRecord[] = [];
  private readonly appeals: AppealRecord[] = [];

  constructor(private readonly intake: TitleIxIntake) {
    this.participants = new Participants(intake.parties, intake.coordinatorId);
    this.runtime = new CaseRuntime<TitleIxStage>({
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
      archiveDetails: () => ({ ...this.details() }),
    });
    this.notices = new PartyNotices(this.runtime, this.participants);
  }

  details(): TitleIxDetails {
    return {
      ...this.participants.details(),
      supportiveMeasures: [...this.measures],
      appeals: [...this.appeals],
      retention: this.retention(),
    };
  }

  /** The records date stays in the closing view and in the result: see RecordsRetention. */
  result(): TitleIxResult {
    const { stage, outcome } = this.runtime;
    return { caseNumber: this.intake.caseNumber, stage, outcome, retention: this.retention() };
  }

  readonly complainantContacted = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'complainant.contacted',
    doing: 'contacting the complainant',
    once: 'the contact with the complainant',
    follows: ['report.received', 'the contact'],
    then: (event) => this.participants.actedAs('coordinators', event.by),
  });

  readonly supportiveMeasures = caseEvent(supportiveMeasuresSchema, {
    validate: (record) => {
      this.runtime.requireOpen('recording supportive measures');
      const party = this.participants.requireNoticed(record.party, 'supportive measures');
      if (record.status === 'declined' && party.role === 'complainant' && !record.inWriting) {
        const source = this.cite('Supportive Measures');
        refuse('WRITING_REQUIRED', `a complainant declines supportive measures only in writing (${source})`, {
          field: 'inWriting',
          value: false,
          source,
        });
      }
      refuseFutureEvent(record.at);
      this.runtime.requireAfter(record.at, 'report.received', 'the supportive measures');
    },
    apply: async (record) => {
      const party = this.participants.get(record.party) as Party;
      const { at, by, status, inWriting } = record;
      this.measures.push({ at, by, party: party.id, role: party.role, status, inWriting });
      this.runtime.record({
        at,
        type: `supportive-measures.${status}`,
        actor: by,
        detail: `${party.role} ${party.id}${inWriting ? ', in writing' : ''}`,
      });
    },
  });

  readonly recordParty = caseEvent(recordPartySchema, {
    validate: ({ party }) => {
      this.runtime.requireOpen('recording a party');
      this.participants.requireSameRole(party);
    },
    apply: async ({ by, party }) => {
      const isNew = this.participants.set(party);
      this.runtime.record({
        type: isNew ? 'party.added' : 'party.updated',
        actor: by,
        detail: `${party.role} ${party.id}`,
      });
      if (isNew && this.runtime.events['notice.sent'] && NOTICED_ROLES.includes(party.role)) {
        await this.notices.tell('notice.parties', nowIso(), [party], letters.formalComplaint);
      }
    },
  });

  readonly formalComplaintReceived = timedStep(() => this.runtime, formalComplaintSchema, {
    key: 'formal-complaint.received',
    stages: ['report'],
    doing: 'a formal complaint',
    follows: ['report.received', 'the formal complaint'],
    then: (event) => {
      this.participants.actedAs('investigators', ...event.investigatorIds);
      this.runtime.moveTo('formal-complaint');
    },
  });

  readonly noticeParties = caseEvent(docketActSchema, {
    validate: () => {
      this.runtime.requireStage(['formal-complaint'], 'the notice of the formal complaint');
      for (const role of NOTICED_ROLES) {
        if (!this.participants.noticed().some((p) => p.role === role)) {
          refuse(
            'MISSING_PARTY',
            `the notice of a formal complaint needs a known ${role} (3.26 Formal Complaint)`,
            { missing: role },
          );
        }
      }
      this.runtime.checkTimely('notice.sent', nowIso());
    },
    apply: async (act) => {
      const at = nowIso();
      await this.runtime.recordEvents({ 'notice.sent': at }, { at, by: act.by }, 'notice.sent');
      this.runtime.moveTo('investigation');
      await this.notices.tell('notice.parties', at, this.participants.noticed(), letters.formalComplaint, {
        documentRef: act.documentRef,
      });
    },
  });

  readonly evidenceSent = timedStep(() => this.runtime, documentEventSchema, {
    key: 'evidence.sent',
    stages: ['investigation'],
    doing: 'sending the evidence',
    follows: ['notice.sent', 'sending the evidence'],
    next: 'evidence-review',
    then: (event) => this.sendReport('evidence.sent', letters.evidence, 'evidence.review', event),
  });

  readonly investigationCompleted = timedStep(() => this.runtime, documentEventSchema, {
    key: 'investigation.completed',
    stages: ['evidence-review'],
    doing: 'completing the investigative report',
    follows: ['evidence.sent', 'the investigative report'],
    then: async (event) => {
      this.participants.actedAs('investigators', event.by);
      this.runtime.moveTo('awaiting-determination');
      const key = 'investigation.completed';
      await this.sendReport(key, letters.investigativeReport, 'determination.earliest', event);
    },
  });

  /** The evidence or the investigative report, to every noticed party and advisor: `until` dates its review. */
  private sendReport(
    key: string,
    letter: (until: string) => PartyLetter,
    until: string,
    event: { documentRef?: string },
  ): Promise<void> {
    const text = letter(this.scheduled(until).localText);
    return this.tellParties(key, nowIso(), text, { advisors: true, documentRef: event.documentRef });
  }

  /** One letter to every noticed party at once (the letter names no party). */
  private tellParties(key: string, at: string, letter: PartyLetter, options: NoticeOptions): Promise<void> {
    return this.notices.tell(key, at, this.participants.noticed(), () => letter, options);
  }

  /** A decision sent now: its stage, and its maker, who may not have held an excluded role. */
  private checkDecider(
    stage: TitleIxStage,
    what: string,
    by: string,
    role: StaffRole,
    excluded: readonly StaffRole[],
    section: string,
  ): void {
    this.runtime.requireStage([stage], what);
    this.participants.requireSeparate(by, role, excluded, this.cite(section));
  }

  /** Records a decision Docket sends now, under its key; its maker acted in `role`. Returns its instant. */
  private async recordDecision(key: string, by: string, role: StaffRole): Promise<string> {
    const at = nowIso();
    await this.runtime.recordEvents({ [key]: at }, { at, by }, key);
    this.participants.actedAs(role, by);
    return at;
  }

  readonly determinationIssued = caseEvent(determinationSchema, {
    validate: (decision) => {
      const excluded = ['coordinators', 'investigators'] as const;
      this.checkDecider(
        'awaiting-determination',
        'a determination',
        decision.by,
        'decisionMakers',
        excluded,
        'Determination',
      );
      this.runtime.checkTimely('determination.issued', nowIso());
    },
    apply: async (decision) => {
      const key = 'determination.issued';
      const at = await this.recordDecision(key, decision.by, 'decisionMakers');
      this.runtime.moveTo('determined', decision.outcome);
      const appealBy = this.scheduled('appeal.filing').localText;
      const finalOn = this.scheduled('determination.final').localText;
      const letter = letters.determination(decision.outcome, appealBy, finalOn);
      await this.tellParties(key, at, letter, { documentRef: decision.documentRef });
    },
  });

  readonly appealFiled = caseEvent(appealSchema, {
    validate: (appeal) => {
      const runtime = this.runtime;
      runtime.requireStage(['determined', 'dismissed', 'appealed'], 'an appeal');
      this.participants.requireNoticed(appeal.party, 'an appeal');
      if (this.appeals.some((a) => a.party === appeal.party)) {
        refuse('DUPLICATE_EVENT', `party ${appeal.party} has already appealed`, { field: 'party' });
      }
      const decided = runtime.events['determination.issued'] ? 'determination.issued' : 'complaint.dismissed';
      runtime.requireAfter(appeal.at, decided, 'the appeal');
      runtime.checkTimely('appeal.filed', appeal.at);
    },
    apply: async (appeal) => {
      const appellant = this.participants.get(appeal.party) as Party;
      if (this.appeals.length === 0) {
        await this.runtime.recordEvents({ 'appeal.filed': appeal.at }, appeal, 'appeal.filed');
      } else {
        const detail = `${appellant.role} ${appellant.id}`;
        this.runtime.record({ at: appeal.at, type: 'appeal.filed', actor: appeal.by, detail });
      }
      const { at, basis } = appeal;
      this.appeals.push({ at, party: appellant.id, role: appellant.role, basis: [...basis] });
      this.runtime.moveTo('appealed');
      await this.notices.tell(
        `appeal.filed/${this.appeals.length}`,
        nowIso(),
        this.participants.noticed(),
        (party) => letters.appeal(appellant, basis, party),
      );
    },
  });

  readonly appealDecided = caseEvent(appealDecisionSchema, {
    validate: (decision) => {
      const excluded = ['coordinators', 'investigators', 'decisionMakers'] as const;
      this.checkDecider(
        'appealed',
        'an appeal decision',
        decision.by,
        'appealDecisionMakers',
        excluded,
        'Appeals',
      );
    },
    apply: async (decision) => {
      const key = 'appeal.decided';
      const at = await this.recordDecision(key, decision.by, 'appealDecisionMakers');
      const letter = letters.appealDecision(decision.result);
      await this.tellParties(key, at, letter, { documentRef: decision.documentRef });
      const outcome = `${this.runtime.outcome ?? 'decided'}; appeal ${decision.result}`;
      await this.close('final', outcome, at, decision.by);
    },
  });

  readonly dismissComplaint = caseEvent(dismissalSchema, {
    validate: () => this.runtime.requireStage(DISMISSIBLE, 'a dismissal'),
    apply: async (dismissal) => {
      const key = 'complaint.dismissed';
      const at = await this.recordDecision(key, dismissal.by, 'decisionMakers');
      this.runtime.waiveDeadline('notice.parties', 'formal complaint dismissed', dismissal.by);
      this.runtime.moveTo('dismissed', `dismissed (${dismissal.grounds}: ${dismissal.reason})`);
      const appealBy = this.scheduled('appeal.filing.dismissal').localText;
      const standsOn = this.scheduled('dismissal.final').localText;
      const letter = letters.dismissal(dismissal, appealBy, standsOn);
      await this.tellParties(key, at, letter, { documentRef: dismissal.documentRef });
    },
  });

  readonly closeReport = caseEvent(closeReportSchema, {
    validate: (event) => {
      const what = 'closing a report without a formal complaint';
      this.runtime.requireStage(['report'], what);
      this.runtime.requireEvent('complainant.contacted', what);
      this.runtime.requireAfter(event.at, 'complainant.contacted', 'closing the report');
      refuseFutureEvent(event.at);
    },
    apply: (event) => this.close('closed', 'no formal complaint', event.at, event.by),
  });

  /**
   * The instant a decided case becomes final on its own (no appeal filed in the appeal period), and
   * what then happens: for `CaseRuntime.runUntilClosed`. The work runs in the update queue, so an
   * appeal being recorded at that moment is either finished first or refused.
   */
  readonly finality = {
    at: (): string | undefined => {
      const { stage } = this.runtime;
      if (stage === 'determined') return this.runtime.lowerBound('determination.final')?.earliest;
      if (stage === 'dismissed') return this.runtime.lowerBound('dismissal.final')?.earliest;
      return undefined;
    },
    onLapse: (at: string): Promise<void> =>
      this.runtime.queue.run(async () => {
        const detail = 'no appeal filed in the appeal period';
        if (this.runtime.stage === 'determined') {
          this.runtime.record({ at, type: 'determination.final', detail });
          await this.close('final', this.runtime.outcome, at, 'docket');
        } else if (this.runtime.stage === 'dismissed') {
          this.runtime.record({ at, type: 'dismissal.final', detail });
          await this.close('dismissal-final', this.runtime.outcome, at, 'docket');
        }
        this.runtime.publish();
      }),
  };

  /** Closing records `case.closed`, from which the schedule dates the records (3.26 Records). */
  private async close(stage: TitleIxStage, outcome: string | undefined, at: string, by: string) {
    await this.runtime.recordEvents({ 'case.closed': at }, { at, by }, 'case.closed');
    this.runtime.moveTo(stage, outcome);
  }

  private scheduled(key: string): ScheduleEntry {
    const entry = this.runtime.schedule?.entries.find((e) => e.key === key);
    if (!entry) refuse('UNKNOWN_ENTRY', `the schedule has no entry ${key}`, { key });
    return entry;
  }

  private retention(): RecordsRetention | undefined {
    const entry = this.runtime.schedule?.entries.find((e) => e.key === 'records.retention');
    if (!entry?.earliest) return undefined;
    return {
      notBefore: entry.earliest,
      localText: entry.localText,
      notify: entry.responsibleRole,
      source: entry.sourceText,
    };
  }

  /** A section of the policy's seed document, as the refusals cite it. */
  private cite(section: string): string {
    return citeSection(casePolicy(this.runtime), section);
  }
}
