// The state and rules of one inmate grievance (OP-090124 §III.E, with the PREA track of 28 CFR
// 115.52): which track it runs on, what each event from the case system checks and does, and the
// notices owed to the inmate, who has no email (staff serve them). The workflow
// (workflows/grievance.ts) registers these events and runs the case's loop.
import type { ExtensionRequestInput } from '../../domain/cases/common';
import { eventBaseSchema } from '../../domain/cases/common';
import {
  decisionSchema,
  GRIEVANCE_POLICY_ID,
  grievanceFacts,
  type GrievanceIntake,
} from '../../domain/cases/grievance';
import { citeConstraint } from '../../domain/policies/citations';
import type { ExtensionRecord, ScheduleEntry } from '../../domain/types';
import { casePolicy, caseEvent, timedStep } from '../case-events';
import { CaseRuntime } from '../case-runtime';
import { refuse } from '../refusals';
import type { TrackedDeadline } from '../deadlines';

export const GRIEVANCE_CASE_TYPE = 'grievance';

export type GrievanceStage =
  'informal' | 'awaiting-filing' | 'formal' | 'decided' | 'closed' | 'withdrawn' | 'lapsed';

export interface GrievanceResult {
  caseNumber: string;
  stage: GrievanceStage;
  outcome?: string;
}

const OPEN_STAGES: readonly GrievanceStage[] = ['informal', 'awaiting-filing', 'formal', 'decided'];

export class GrievanceCase {
  readonly runtime: CaseRuntime<GrievanceStage>;
  /** A sexual-abuse grievance runs on the PREA track (28 CFR 115.52). */
  private readonly prea: boolean;
  /** The PREA emergency track (115.52(f)): an initial response, then the final decision. */
  private readonly preaEmergency: boolean;

  constructor(private readonly intake: GrievanceIntake) {
    const facts = grievanceFacts(intake);
    this.prea = facts.category === 'sexual-abuse';
    this.preaEmergency = this.prea && facts.track === 'emergency';
    this.runtime = new CaseRuntime<GrievanceStage>({
      caseType: GRIEVANCE_CASE_TYPE,
      caseNumber: intake.caseNumber,
      facility: intake.facility,
      jurisdiction: 'US-OK',
      policyId: GRIEVANCE_POLICY_ID,
      policyVersion: intake.policyVersion,
      facts,
      settings: intake.settings,
      events: { incident: intake.incidentAt },
      // Emergency/sensitive grievances skip informal resolution (§III.E.11); PREA requires none (115.52(b)(3)).
      stage: facts.track === 'standard' && !this.prea ? 'informal' : 'awaiting-filing',
      openStages: OPEN_STAGES,
      bookOptions: { onBreach: (deadline) => this.onBreach(deadline) },
      onExtended: (entry, record, request) => this.tellInmateOfExtension(entry, record, request),
      onServiceRecorded: (task) => {
        if (this.runtime.stage === 'decided' && task.task.startsWith('grievance.decision/')) {
          this.runtime.moveTo('closed');
        }
      },
    });
  }

  result(): GrievanceResult {
    return { caseNumber: this.intake.caseNumber, stage: this.runtime.stage, outcome: this.runtime.outcome };
  }

  readonly rtsSubmitted = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'rts.submitted',
    stages: ['informal'],
    doing: 'a Request to Staff',
    once: 'the Request to Staff',
  });

  readonly rtsResponded = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'rts.responded',
    stages: ['informal'],
    doing: 'a Request to Staff response',
    requires: ['rts.submitted', 'a Request to Staff response'],
    follows: ['rts.submitted', 'the response'],
    next: 'awaiting-filing',
  });

  readonly grievanceFiled = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'grievance.filed',
    first: () => {
      if (this.runtime.stage === 'informal') {
        refuse(
          'INFORMAL_RESOLUTION_REQUIRED',
          'the formal grievance needs the Request to Staff response first (OP-090124 §III.E.9, §III.E.12); emergency or sensitive grievances skip this (§III.E.11)',
          { stage: this.runtime.stage },
        );
      }
    },
    stages: ['awaiting-filing'],
    doing: 'filing the grievance',
    follows: ['rts.responded', 'the filing'],
    next: 'formal',
  });

  // Only the PREA emergency track ever records one, so its duplicate check may come before the track's.
  readonly initialResponse = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'grievance.initial-response',
    stages: ['formal'],
    doing: 'an initial response',
    check: () => {
      if (!this.preaEmergency) {
        refuse(
          'NOT_APPLICABLE',
          'an initial response is recorded only on the PREA emergency track (28 CFR 115.52(f))',
        );
      }
    },
    once: 'the initial response',
  });

  readonly decisionIssued = caseEvent(decisionSchema, {
    validate: (decision) => {
      this.runtime.requireStage(['formal'], 'a decision');
      if (this.intake.involvedStaffIds.includes(decision.by)) {
        const { source } = citeConstraint(casePolicy(this.runtime), 'direct-involvement');
        refuse(
          'CONFLICT_OF_INTEREST',
          `staff ${decision.by} is directly involved in the complaint and may not decide it; a designee must be appointed (${source})`,
          { field: 'by', value: decision.by, rule: 'direct-involvement', source },
        );
      }
      this.runtime.requireAfter(decision.at, 'grievance.filed', 'the decision');
      for (const key of Object.keys(this.decisionEvents(decision.at))) {
        this.runtime.checkTimely(key, decision.at);
      }
    },
    apply: async (decision) => {
      await this.runtime.recordEvents(this.decisionEvents(decision.at), decision, 'decision.issued');
      this.runtime.moveTo('decided', decision.outcome);
      const decider =
        this.runtime.deadline('grievance.response') ??
        this.runtime.deadline('prea.final-decision') ??
        this.runtime.deadline('prea.emergency.final-decision');
      await this.runtime.addServiceTask(
        {
          key: 'grievance.decision',
          document: `Grievance decision (${decision.outcome})`,
          to: 'inmate',
          role: decider?.entry.responsibleRole ?? 'reviewing-authority',
        },
        decider?.entry,
      );
    },
  });

  readonly withdraw = caseEvent(eventBaseSchema, {
    validate: () => this.runtime.requireStage(['informal', 'awaiting-filing', 'formal'], 'a withdrawal'),
    apply: async (event) => {
      this.runtime.waiveOpen('grievance withdrawn', event.by);
      this.runtime.record({
        at: event.at,
        type: 'withdrawn',
        actor: event.by,
        detail: 'grievance withdrawn',
      });
      this.runtime.moveTo('withdrawn', 'withdrawn');
    },
  });

  /**
   * The inmate's window to take the next step, for `CaseRuntime.runUntilClosed`: the Request to
   * Staff while none was submitted, then the filing (the furthest an extension or the absolute limit
   * allows). When it closes with nothing filed, the grievance lapses.
   */
  readonly filingWindow = {
    at: (): string | undefined => {
      const due = (key: string) => this.runtime.schedule?.entries.find((e) => e.key === key)?.dueAt;
      if (this.runtime.stage === 'informal' && !this.runtime.events['rts.submitted'])
        return due('rts.filing');
      if (this.runtime.stage !== 'awaiting-filing') return undefined;
      const candidates = [due('grievance.filing'), due('grievance.filing.absolute')].filter(
        (d): d is string => !!d,
      );
      return candidates.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
    },
    onLapse: (at: string): void => {
      this.runtime.record({ type: 'lapsed', detail: `nothing filed by ${at}` });
      this.runtime.moveTo('lapsed', 'lapsed');
    },
  };

  /**
   * The events a decision records. The reviewing authority's answer is the agency's decision; on the
   * PREA track it is also the final decision on the merits (115.52(d)); the PREA emergency track has
   * only the final decision.
   */
  private decisionEvents(at: string): Record<string, string> {
    if (this.preaEmergency) return { 'grievance.final-decision': at };
    if (this.prea) return { 'grievance.responded': at, 'grievance.final-decision': at };
    return { 'grievance.responded': at };
  }

  private async onBreach(deadline: TrackedDeadline): Promise<void> {
    // 28 CFR 115.52(d)(4): with no response by the final due date, the inmate may consider the
    // absence of a response a denial. Record it, and have staff tell the inmate.
    if (!(deadline.key.startsWith('prea.') && deadline.key.endsWith('final-decision'))) return;
    this.runtime.record({
      type: 'prea.deemed-denial',
      detail: `no final decision by ${deadline.entry.localText} (28 CFR 115.52(d)(4))`,
    });
    await this.runtime.addServiceTask(
      {
        key: `${deadline.key}.deemed-denial`,
        document:
          'Notice: no decision by the final due date; the grievance may be treated as denied (28 CFR 115.52(d)(4))',
        to: 'inmate',
        role: deadline.entry.responsibleRole,
      },
      deadline.entry,
    );
  }

  /** Each extension notifies the affected party: the inmate, through staff (a service task). */
  private async tellInmateOfExtension(
    entry: ScheduleEntry,
    record: ExtensionRecord,
    request: ExtensionRequestInput,
  ): Promise<void> {
    if (entry.actor !== 'subject' && entry.extensionPolicy?.noticeTo !== 'inmate') return;
    await this.runtime.addServiceTask(
      {
        key: `${record.key}.extension-${this.runtime.extensions.length}`,
        document: `Written notice of extension: ${entry.key} now due ${entry.localText}`,
        to: 'inmate',
        role: entry.actor === 'subject' ? request.approverRole : entry.responsibleRole,
      },
      entry,
    );
  }
}
