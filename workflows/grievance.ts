// One inmate grievance (Oklahoma DOC OP-090124 §III.E, with the PREA track of 28 CFR 115.52), from
// the incident to the decision served on the inmate. Events from the case system arrive as Updates;
// their validators refuse anything out of order, late, or decided by an involved employee, so a
// refused event leaves no trace in history.
import { defineUpdate } from '@temporalio/workflow';
import { z } from 'zod';
import { eventBaseSchema, type EventBase, type ExtensionRequestInput } from '../domain/cases/common';
import {
  GRIEVANCE_POLICY_ID,
  grievanceFacts,
  parseGrievanceIntake,
  type GrievanceIntakeInput,
} from '../domain/cases/grievance';
import type { ExtensionRecord, ScheduleEntry } from '../domain/types';
import { guard, refuse, type CaseView } from './case-support';
import { CaseRuntime } from './case-runtime';
import type { TrackedDeadline } from './deadlines';

export const GRIEVANCE_CASE_TYPE = 'grievance';

export const decisionSchema = eventBaseSchema.extend({
  outcome: z.enum(['granted', 'denied', 'partially-granted', 'dismissed']),
});
export type DecisionInput = z.input<typeof decisionSchema>;

export const rtsSubmittedUpdate = defineUpdate<CaseView, [EventBase]>('rtsSubmitted');
export const rtsRespondedUpdate = defineUpdate<CaseView, [EventBase]>('rtsResponded');
export const grievanceFiledUpdate = defineUpdate<CaseView, [EventBase]>('grievanceFiled');
export const initialResponseUpdate = defineUpdate<CaseView, [EventBase]>('initialResponse');
export const decisionIssuedUpdate = defineUpdate<CaseView, [DecisionInput]>('decisionIssued');
export const withdrawUpdate = defineUpdate<CaseView, [EventBase]>('withdraw');

export type GrievanceStage =
  'informal' | 'awaiting-filing' | 'formal' | 'decided' | 'closed' | 'withdrawn' | 'lapsed';

export interface GrievanceResult {
  caseNumber: string;
  stage: GrievanceStage;
  outcome?: string;
}

const CONFLICT_SOURCE = 'OP-090124 §III.E.5 (seed 002_5a28f52881808cb3.txt)';
const OPEN_STAGES: readonly GrievanceStage[] = ['informal', 'awaiting-filing', 'formal', 'decided'];

export function grievanceWorkflowId(caseNumber: string): string {
  return `grievance-${caseNumber}`;
}

export async function grievance(rawIntake: GrievanceIntakeInput): Promise<GrievanceResult> {
  const intake = guard(() => parseGrievanceIntake(rawIntake));
  const facts = grievanceFacts(intake);
  const prea = facts.category === 'sexual-abuse';
  const preaEmergency = prea && facts.track === 'emergency';

  const c: CaseRuntime<GrievanceStage> = new CaseRuntime<GrievanceStage>({
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
    stage: facts.track === 'standard' && !prea ? 'informal' : 'awaiting-filing',
    openStages: OPEN_STAGES,
    bookOptions: { onBreach: (deadline) => onBreach(deadline) },
    onExtended: (entry, record, request) => tellInmateOfExtension(entry, record, request),
    onServiceRecorded: (task) => {
      if (c.stage === 'decided' && task.task.startsWith('grievance.decision/')) c.moveTo('closed');
    },
  });

  async function onBreach(deadline: TrackedDeadline): Promise<void> {
    // 28 CFR 115.52(d)(4): with no response by the final due date, the inmate may consider the
    // absence of a response a denial. Record it, and have staff tell the inmate.
    if (!(deadline.key.startsWith('prea.') && deadline.key.endsWith('final-decision'))) return;
    c.record({
      type: 'prea.deemed-denial',
      detail: `no final decision by ${deadline.entry.localText} (28 CFR 115.52(d)(4))`,
    });
    await c.addServiceTask(
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
  async function tellInmateOfExtension(
    entry: ScheduleEntry,
    record: ExtensionRecord,
    request: ExtensionRequestInput,
  ) {
    if (entry.actor !== 'subject' && entry.extensionPolicy?.noticeTo !== 'inmate') return;
    await c.addServiceTask(
      {
        key: `${record.key}.extension-${c.extensions.length}`,
        document: `Written notice of extension: ${entry.key} now due ${entry.localText}`,
        to: 'inmate',
        role: entry.actor === 'subject' ? request.approverRole : entry.responsibleRole,
      },
      entry,
    );
  }

  c.registerCommonHandlers();

  c.handle(rtsSubmittedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireStage(['informal'], 'a Request to Staff');
      c.refuseDuplicate('rts.submitted', 'the Request to Staff');
      c.checkTimely('rts.submitted', event.at);
    },
    apply: (event) => c.recordEvents({ 'rts.submitted': event.at }, event, 'rts.submitted'),
  });

  c.handle(rtsRespondedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireStage(['informal'], 'a Request to Staff response');
      c.requireEvent('rts.submitted', 'a Request to Staff response');
      c.requireAfter(event.at, 'rts.submitted', 'the response');
      c.checkTimely('rts.responded', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'rts.responded': event.at }, event, 'rts.responded');
      c.moveTo('awaiting-filing');
    },
  });

  c.handle(grievanceFiledUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      if (c.stage === 'informal') {
        refuse(
          'INFORMAL_RESOLUTION_REQUIRED',
          'the formal grievance needs the Request to Staff response first (OP-090124 §III.E.9, §III.E.12); emergency or sensitive grievances skip this (§III.E.11)',
          { stage: c.stage },
        );
      }
      c.requireStage(['awaiting-filing'], 'filing the grievance');
      c.requireAfter(event.at, 'rts.responded', 'the filing');
      c.checkTimely('grievance.filed', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'grievance.filed': event.at }, event, 'grievance.filed');
      c.moveTo('formal');
    },
  });

  c.handle(initialResponseUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireStage(['formal'], 'an initial response');
      if (!preaEmergency) {
        refuse(
          'NOT_APPLICABLE',
          'an initial response is recorded only on the PREA emergency track (28 CFR 115.52(f))',
        );
      }
      c.refuseDuplicate('grievance.initial-response', 'the initial response');
      c.checkTimely('grievance.initial-response', event.at);
    },
    apply: (event) =>
      c.recordEvents({ 'grievance.initial-response': event.at }, event, 'grievance.initial-response'),
  });

  // The reviewing authority's answer is the agency's decision; on the PREA track it is also the final
  // decision on the merits (115.52(d)); the PREA emergency track has only the final decision.
  const decisionEvents = (at: string): Record<string, string> =>
    preaEmergency
      ? { 'grievance.final-decision': at }
      : prea
        ? { 'grievance.responded': at, 'grievance.final-decision': at }
        : { 'grievance.responded': at };

  c.handle(decisionIssuedUpdate, {
    schema: decisionSchema,
    validate: (decision) => {
      c.requireStage(['formal'], 'a decision');
      if (intake.involvedStaffIds.includes(decision.by)) {
        refuse(
          'CONFLICT_OF_INTEREST',
          `staff ${decision.by} is directly involved in the complaint and may not decide it; a designee must be appointed (${CONFLICT_SOURCE})`,
          { field: 'by', value: decision.by, rule: 'direct-involvement', source: CONFLICT_SOURCE },
        );
      }
      c.requireAfter(decision.at, 'grievance.filed', 'the decision');
      for (const key of Object.keys(decisionEvents(decision.at))) c.checkTimely(key, decision.at);
    },
    apply: async (decision) => {
      await c.recordEvents(decisionEvents(decision.at), decision, 'decision.issued');
      c.moveTo('decided', decision.outcome);
      const decider =
        c.deadline('grievance.response') ??
        c.deadline('prea.final-decision') ??
        c.deadline('prea.emergency.final-decision');
      await c.addServiceTask(
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

  c.handle(withdrawUpdate, {
    schema: eventBaseSchema,
    validate: () => c.requireStage(['informal', 'awaiting-filing', 'formal'], 'a withdrawal'),
    apply: async (event) => {
      c.waiveOpen('grievance withdrawn', event.by);
      c.record({ at: event.at, type: 'withdrawn', actor: event.by, detail: 'grievance withdrawn' });
      c.moveTo('withdrawn', 'withdrawn');
    },
  });

  await c.open();
  // The case closes when the decision is served, on withdrawal, or when the inmate's window to take
  // the next step lapses with nothing filed (the furthest an extension or the absolute limit allows).
  await c.runUntilClosed({
    at: () => {
      const due = (key: string) => c.schedule?.entries.find((e) => e.key === key)?.dueAt;
      if (c.stage === 'informal' && !c.events['rts.submitted']) return due('rts.filing');
      if (c.stage !== 'awaiting-filing') return undefined;
      const candidates = [due('grievance.filing'), due('grievance.filing.absolute')].filter(
        (d): d is string => !!d,
      );
      return candidates.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
    },
    onLapse: (at) => {
      c.record({ type: 'lapsed', detail: `nothing filed by ${at}` });
      c.moveTo('lapsed', 'lapsed');
    },
  });
  return { caseNumber: intake.caseNumber, stage: c.stage, outcome: c.outcome };
}
