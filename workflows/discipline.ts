// One disciplinary case (Oklahoma DOC OP-060125, seed 002 Part II §IV) per offense report, from the
// supervisor's acceptance of the report (the anchor of §IV.B.3) through service, the hearing or its
// waiver, and the two appeals. Events from the case system arrive as Updates whose validators refuse
// anything out of order, too early, too late, or done by directly involved staff, so a refused event
// leaves no trace in history. A second workflow per subject watches suspended sanctions (§IV.C.9) and
// keeps the subject's guilty findings by rule for the repeat rule of the Range of Allowable Sanctions.
//
// Cases opened with this code (patched SANCTION_RULES) also check each imposed sanction against the
// Range of Allowable Sanctions, give each restorable sanction a term whose end is a service task for the
// unit (with its reminder and breach alerts until the restoration is recorded), and tell the hearing
// officer whether the repeat rule applies. Cases already running keep the behaviour they opened with.
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  log,
  patched,
  setHandler,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import {
  appealDecisionSchema,
  CONFLICT_SOURCE,
  DISCIPLINE_POLICY_ID,
  dispositionSchema,
  hearingFindingSchema,
  hearingScheduleSchema,
  inmateUnavailableSchema,
  involvementOf,
  parseDisciplineIntake,
  representativeRequestSchema,
  SANCTIONS_SOURCE,
  subjectWatchRef,
  subjectWatchWorkflowId,
  SUSPENSION_SOURCE,
  type AppealDecisionInput,
  type DisciplineIntakeInput,
  type DispositionInput,
  type HearingFindingInput,
  type HearingScheduleInput,
  type InmateUnavailableInput,
  type PrivilegeRestoredInput,
  type RepresentativeRequestInput,
  type SanctionInput,
  privilegeRestoredSchema,
} from '../domain/cases/discipline';
import { assessRepeat, type RepeatAssessment, type RuleFinding } from '../domain/cases/discipline-record';
import { checkNotBefore } from '../domain/deadline/checks';
import {
  amountOf,
  checkImposedSanctions,
  REPEAT_RULE_QUOTE,
  restoredEventOf,
  restoreRuleOf,
  sanctionRow,
  sanctionSourceText,
  termFacts,
  type ImposedSanction,
  type SanctionClass,
} from '../domain/policies/ok-doc-sanctions';
import { versionAtLeast } from '../domain/policies/versions';
import { formatLocalText, startOfLocalDay } from '../domain/time';
import type { Schedule, ScheduleEntry } from '../domain/types';
import { CaseRuntime } from './case-runtime';
import {
  guard,
  refuse,
  refuseFutureEvent,
  timelineQuery,
  type CaseView,
  type ServiceTask,
} from './case-support';
import { DeadlineBook } from './deadlines';
import { CaseTypeKey, JurisdictionKey } from './search-attributes';

export const DISCIPLINE_CASE_TYPE = 'discipline';
export const SUBJECT_WATCH_CASE_TYPE = 'suspended-sanction-watch';
const JURISDICTION = 'US-OK';

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

/**
 * patched() id: sanctions checked against the Range of Allowable Sanctions, terms with restoration
 * tasks, and the repeat rule through the per-subject record. Evaluated once, when a case starts, so
 * a case keeps the rules it opened with (as it keeps its policy version).
 */
export const SANCTION_RULES_PATCH = 'sanction-terms-and-repeat-rule';
/** The policy version that dates terms and repeat windows (ok-doc-discipline 1.2.0). */
const TERMS_POLICY_VERSION = '1.2.0';

export type DisciplineStage =
  | 'awaiting-service'
  | 'awaiting-hearing'
  | 'awaiting-disposition'
  | 'found-guilty'
  | 'facility-appeal'
  | 'facility-decided'
  | 'director-appeal'
  | 'director-decided'
  | 'sanctions-in-force'
  | 'final'
  | 'expunged';

const OPEN_STAGES: readonly DisciplineStage[] = [
  'awaiting-service',
  'awaiting-hearing',
  'awaiting-disposition',
  'found-guilty',
  'facility-appeal',
  'facility-decided',
  'director-appeal',
  'director-decided',
  // The decision is final, but a sanction's term has not ended with its restoration recorded yet.
  'sanctions-in-force',
];

export interface DisciplineResult {
  caseNumber: string;
  stage: DisciplineStage;
  outcome?: string;
  /** §IV.C.10: a finding of not guilty expunges all related material. */
  expunged: boolean;
}

/**
 * An appeal received on the last day may reach the case system (and Docket) days later by
 * institutional mail. The case stays open this long after an appeal window closes, so an appeal
 * received in time is still accepted and one received late is refused naming the deadline. Not a
 * policy limit: the decision is final as of the deadline itself.
 */
const LATE_RECORDING_GRACE_MS = 14 * 24 * 3_600_000;

// Documents the inmate receives; each is a service task whose proof of service records the event.
const OFFENSE_REPORT = 'offense-report';
const HEARING_ACTIONS = 'hearing-actions';
const FACILITY_RESPONSE = 'facility-response';
const DIRECTOR_DECISION = 'director-decision';
const SERVED_EVENT: Record<string, string> = {
  [OFFENSE_REPORT]: 'report.served',
  [HEARING_ACTIONS]: 'hearing.actions.served',
  [FACILITY_RESPONSE]: 'appeal.facility.response.served',
};
const documentOf = (task: ServiceTask): string => task.task.split('/service/')[0] ?? task.task;
/** A restoration's service task is `restore-<sanction code>`. */
const RESTORE_TASK = 'restore-';
/** Appeal outcomes after which a privilege may be restored before its term ends (§IV.C.11-12). */
const VOIDING_OUTCOMES = ['dismissed', 'modified'];

/** An imposed sanction as the case shows it. */
export interface ImposedSanctionView {
  code: string;
  class: SanctionClass;
  text: string;
  source: string;
  days?: number;
  hours?: number;
  suspendedUntil?: string;
  /** A restorable sanction's end: the unit restores the privilege on its last day. */
  restoration?: {
    key: string;
    privilege: string;
    dueAt: string;
    localText: string;
    explanation: string;
    task?: string;
    restoredAt?: string;
  };
}

/** The sanctions part of a discipline case's view (cases opened with SANCTION_RULES_PATCH). */
export interface SanctionsView {
  offense: { code: string; class: SanctionClass };
  imposed: ImposedSanctionView[];
  /** Earlier guilty findings of the same rule on the inmate's record; null until the record answers. */
  priorFindings: RuleFinding[] | null;
  /** Set once the case has a guilty finding: whether the repeat rule applies to it. */
  repeat?: RepeatAssessment;
}

export interface DisciplineView extends CaseView {
  sanctions?: SanctionsView;
}

export function disciplineWorkflowId(caseNumber: string): string {
  return `discipline-${caseNumber}`;
}

export async function discipline(rawIntake: DisciplineIntakeInput): Promise<DisciplineResult> {
  const intake = guard(() => parseDisciplineIntake(rawIntake));
  const subjectRef = subjectWatchRef(intake.subjectId);
  const modern = patched(SANCTION_RULES_PATCH);
  const offense = { code: intake.offenseCode, class: intake.offenseClass };
  /** The subject's earlier findings of this rule, pushed by the per-subject record. */
  let priors: RuleFinding[] | undefined;
  let repeat: RepeatAssessment | undefined;
  let imposed: ImposedSanctionView[] = [];
  const appealOutcomes: string[] = [];
  setHandler(priorFindingsSignal, (message) => {
    if (message.offenseCode === intake.offenseCode) priors = message.findings;
  });

  const c: CaseRuntime<DisciplineStage> = new CaseRuntime<DisciplineStage>({
    caseType: DISCIPLINE_CASE_TYPE,
    caseNumber: intake.caseNumber,
    facility: intake.facility,
    jurisdiction: JURISDICTION,
    policyId: DISCIPLINE_POLICY_ID,
    policyVersion: intake.policyVersion,
    facts: {},
    settings: intake.settings,
    events: { 'report.filed': intake.reportedAt, 'report.accepted': intake.acceptedAt },
    stage: 'awaiting-service',
    openStages: OPEN_STAGES,
    // An unavailable inmate stops the service clock (§IV.C.2); a waiver ends the hearing's limits.
    settleDroppedDeadlines: true,
    // §IV.B, §IV.B.3: "the inmate will receive documented notification of the extension".
    onExtended: async (entry, record) => void (await c.serveExtensionNotice(entry, record)),
    validateService: (task, proof) => validateServiceOf(task, proof.at),
    onServiceRecorded: (task) => afterService(task),
    extendView: (view): DisciplineView => (modern ? { ...view, sanctions: sanctionsView() } : view),
  });

  function sanctionsView(): SanctionsView {
    return {
      offense,
      imposed: imposed.map((i) => {
        if (!i.restoration) return i;
        const restoredAt = c.events[restoredEventOf(i.code)];
        return restoredAt ? { ...i, restoration: { ...i.restoration, restoredAt } } : i;
      }),
      priorFindings: priors ?? null,
      ...(repeat ? { repeat } : {}),
    };
  }

  /** Terms are dated by the policy version that has them (ok-doc-discipline 1.2.0). */
  const withTerms = (): boolean =>
    modern && c.schedule !== undefined && versionAtLeast(c.schedule.policyVersion, TERMS_POLICY_VERSION);

  /** Staff who wrote, witnessed or accepted the report may not act as `role` (§IV.B.1). */
  function refuseInvolved(staffId: string, role: string, field: string): void {
    const involvement = involvementOf(intake, staffId);
    if (!involvement) return;
    refuse(
      'CONFLICT_OF_INTEREST',
      `staff ${staffId} ${involvement} and may not serve as ${role} (${CONFLICT_SOURCE})`,
      { field, value: staffId, rule: 'direct-involvement', source: CONFLICT_SOURCE },
    );
  }

  const entryOf = (key: string, schedule: Schedule | undefined = c.schedule): ScheduleEntry | undefined =>
    schedule?.entries.find((e) => e.key === key);

  /** "Updates that schedule or record a hearing against these limits are rejected." */
  function refuseAfterConclusionLimit(at: string, what: string): void {
    const limit = entryOf('hearing.conclusion');
    if (!limit?.dueAt || Date.parse(at) <= Date.parse(limit.dueAt)) return;
    refuse(
      'DEADLINE_PASSED',
      `${what} at ${at} is after the hearing.conclusion limit ${limit.localText} (${limit.rule}; ${limit.sourceText}); an extension needs a written justification, and the inmate is notified`,
      { key: limit.key, field: 'at', value: at, dueAt: limit.dueAt, source: limit.sourceText },
    );
  }

  /** §IV.C.8: the representative consults the inmate at least 24 hours before the hearing. */
  function refuseWithoutConsultation(schedule: Schedule, hearingAt: string): void {
    if (!c.events['representative.requested']) return;
    const consult = entryOf('representative.consult', schedule);
    if (!consult?.dueAt) return;
    const consulted = c.events['representative.consulted'];
    const details = { key: consult.key, dueAt: consult.dueAt, source: consult.sourceText, value: hearingAt };
    if (consulted && Date.parse(consulted) > Date.parse(consult.dueAt)) {
      refuse(
        'TOO_EARLY',
        `a hearing at ${hearingAt} is less than 24 hours after the staff representative consulted the inmate (${consulted}); the consultation had to be by ${consult.localText} (${consult.rule}; ${consult.sourceText})`,
        details,
      );
    }
    if (!consulted && Date.parse(consult.dueAt) < Date.now()) {
      refuse(
        'TOO_EARLY',
        `a hearing at ${hearingAt} leaves no time for the requested staff representative to consult the inmate by ${consult.localText} (${consult.rule}; ${consult.sourceText})`,
        details,
      );
    }
  }

  /** Class X allows no suspension; a suspension ends after it starts (§IV.C.9, sanction table). */
  function checkSanctions(sanctions: readonly SanctionInput[], at: string): void {
    const suspended = sanctions.filter((s) => s.suspendedUntil !== undefined);
    if (suspended.length > 0 && intake.offenseClass === 'X') {
      refuse(
        'SUSPENSION_NOT_ALLOWED',
        `offense ${intake.offenseCode} is class X: "there is no discretion by hearing officer and no suspension of sanctions" (${SANCTIONS_SOURCE})`,
        { field: 'sanctions', rule: 'no-suspension-class-x', source: SANCTIONS_SOURCE },
      );
    }
    for (const s of suspended) {
      if (Date.parse(s.suspendedUntil as string) <= Date.parse(at)) {
        refuse('INVALID_INPUT', `sanction ${s.code}: suspendedUntil ${s.suspendedUntil} is not after ${at}`, {
          field: 'sanctions.suspendedUntil',
          value: s.suspendedUntil,
        });
      }
    }
    // A finding of not guilty imposes nothing to check.
    if (!modern || sanctions.length === 0) return;
    // The table: known rows of the offense's class (the next higher class only under the repeat rule),
    // terms stated and within each row's maximum, the mandatory class X sanctions.
    const assessment = assessRepeat(offense, at, priors, intake.caseNumber);
    guard(() =>
      checkImposedSanctions(offense, sanctions as ImposedSanction[], {
        applies: assessment.status === 'applies',
        statement: assessment.statement,
      }),
    );
  }

  /**
   * The 90-day maximum is a calendar-day limit in the calendar's zone, known only once the schedule
   * is recomputed with the finding; it is checked there, before anything changes.
   */
  const withinSuspensionLimit =
    (sanctions: readonly SanctionInput[]) =>
    (next: Schedule): void => {
      const limit = entryOf('sanction.suspension', next);
      if (!limit?.dueAt) return;
      for (const s of sanctions) {
        if (s.suspendedUntil && Date.parse(s.suspendedUntil) > Date.parse(limit.dueAt)) {
          refuse(
            'SUSPENSION_TOO_LONG',
            `sanction ${s.code}: suspended until ${s.suspendedUntil}, past the longest allowed period ending ${limit.localText} (${limit.rule}; ${SUSPENSION_SOURCE})`,
            {
              field: 'sanctions.suspendedUntil',
              value: s.suspendedUntil,
              dueAt: limit.dueAt,
              source: SUSPENSION_SOURCE,
            },
          );
        }
      }
    };

  const findingEvents = (at: string, sanctions: readonly SanctionInput[]): Record<string, string> =>
    sanctions.some((s) => s.suspendedUntil) ? { 'sanction.suspended': at } : {};

  /** The events and facts of a guilty finding under ok-doc-discipline 1.2.0: day 0 and the terms. */
  const convictionRecord = (
    at: string,
    sanctions: readonly SanctionInput[],
  ): { events: Record<string, string>; facts?: Record<string, string | number | boolean> } =>
    withTerms()
      ? {
          events: { 'finding.guilty': at },
          facts: termFacts(intake.offenseCode, sanctions as ImposedSanction[]),
        }
      : { events: {} };

  /**
   * After a guilty finding (cases with SANCTION_RULES_PATCH): the repeat rule assessed and told to the
   * hearing officer, the imposed sanctions shown with their terms, and for each restorable one a service
   * task for the unit to restore the privilege on the term's last day (its reminder and breach alerts
   * come from the schedule entry).
   */
  async function afterConviction(at: string, by: string, sanctions: readonly SanctionInput[]): Promise<void> {
    // The record answers when the case opens; a conclusion within moments of opening waits briefly.
    if (priors === undefined) await condition(() => priors !== undefined, '10 seconds');
    repeat = assessRepeat(offense, at, priors, intake.caseNumber);
    c.record({ at, type: 'repeat.assessed', actor: by, detail: repeat.statement });
    await c.notify({
      kind: 'party-notice',
      noticeKey: 'finding.guilty/repeat-rule',
      role: 'disciplinary-officer',
      delivery: {
        document: `Repeat rule for the guilty finding of rule ${intake.offenseCode}: ${
          repeat.status === 'applies'
            ? 'a second infraction within six months'
            : repeat.status === 'unknown'
              ? 'not known'
              : 'not a second infraction within six months'
        }`,
        to: 'disciplinary-officer',
      },
      context: {
        alert: repeat.statement,
        alertAction:
          repeat.status === 'applies' && repeat.higherClass
            ? `A sanction of class ${repeat.higherClass} may be imposed for this finding; Docket accepts one only while the repeat rule applies.`
            : 'No sanction of a higher class may be imposed for this finding.',
        alertRule: `${REPEAT_RULE_QUOTE} Counting: ${repeat.counting}.`,
        alertSource: repeat.source,
      },
    });
    imposed = sanctions.map((s): ImposedSanctionView => {
      const row = sanctionRow(s.code);
      const amount = amountOf(s as ImposedSanction);
      const view: ImposedSanctionView = {
        code: s.code,
        class: row?.class ?? intake.offenseClass,
        text: row?.text ?? s.code,
        source: sanctionSourceText(row),
        ...(amount?.unit === 'days' ? { days: amount.value } : {}),
        ...(amount?.unit === 'hours' ? { hours: amount.value } : {}),
        ...(s.suspendedUntil ? { suspendedUntil: s.suspendedUntil } : {}),
      };
      const entry = entryOf(restoreRuleOf(s.code));
      if (entry?.dueAt && row?.privilege) {
        view.restoration = {
          key: entry.key,
          privilege: row.privilege,
          dueAt: entry.dueAt,
          localText: entry.localText,
          explanation: entry.explanation.summary,
        };
      }
      return view;
    });
    for (const view of imposed) {
      const restoration = view.restoration;
      if (!restoration) continue;
      const task = await c.addServiceTask(
        {
          key: `${RESTORE_TASK}${view.code}`,
          document: `Restoration of ${restoration.privilege}: ${view.text} (${view.days} days from ${at.slice(0, 10)}, day 0) ends ${restoration.localText}. On that day restore the privilege, tell the inmate, and record the restoration (${view.source})`,
          to: 'inmate',
          role: 'unit-manager',
          dueAt: restoration.dueAt,
        },
        entryOf(restoration.key),
      );
      restoration.task = task.task;
    }
  }

  const restorationsPending = (): boolean =>
    imposed.some((i) => i.restoration !== undefined && !c.events[restoredEventOf(i.code)]);

  /** The decision is final; the case stays open while a sanction's restoration is still owed. */
  function finish(outcome?: string): void {
    c.moveTo(restorationsPending() ? 'sanctions-in-force' : 'final', outcome);
  }

  /** A restoration: on the term's last day or later, or earlier once an appeal dismissed or modified it. */
  function validateRestoration(code: string, at: string): ScheduleEntry {
    const entry = modern ? entryOf(restoreRuleOf(code)) : undefined;
    if (!entry?.dueAt) {
      const running = imposed.filter((i) => i.restoration).map((i) => i.code);
      refuse('UNKNOWN_SANCTION_TERM', `no sanction ${code} with a term to restore runs in this case`, {
        field: 'sanction',
        value: code,
        known: running,
      });
    }
    const restored = c.events[restoredEventOf(code)];
    if (restored) refuse('DUPLICATE_EVENT', `the restoration of ${code} was already recorded at ${restored}`);
    refuseFutureEvent(at);
    c.requireAfter(at, 'finding.guilty', 'the restoration');
    const lastDay = entry.dueAt.slice(0, 10);
    const earliest = startOfLocalDay(lastDay, entry.zone);
    const voided = appealOutcomes.find((o) => VOIDING_OUTCOMES.includes(o));
    if (Date.parse(at) < earliest && !voided) {
      const earliestText = formatLocalText(earliest, entry.zone);
      refuse(
        'TOO_EARLY',
        `${entry.key}: ${at} is before the last day of the term (${lastDay}); the privilege is restored on that day, from ${earliestText}, unless an appeal dismissed or modified the sanction (${entry.rule}; ${entry.sourceText})`,
        {
          key: entry.key,
          field: 'at',
          value: at,
          earliest: new Date(earliest).toISOString(),
          dueAt: entry.dueAt,
          source: entry.sourceText,
        },
      );
    }
    return entry;
  }

  async function recordRestoration(code: string, at: string, by: string, note?: string): Promise<void> {
    // The timeline's entry names the event (privilege.restored-<code>); a note goes beside it.
    await c.recordEvents({ [restoredEventOf(code)]: at }, { at, by }, 'privilege.restored');
    if (note) c.record({ at, type: 'restoration.note', actor: by, detail: note });
    const task = c.serviceTasks.find((t) => t.task.startsWith(`${RESTORE_TASK}${code}/service/`));
    if (task && !task.proof) {
      task.proof = {
        task: task.task,
        servedBy: by,
        at,
        method: 'other',
        refused: false,
        note: 'privilege restored',
      };
    }
    if (c.stage === 'sanctions-in-force' && !restorationsPending()) c.moveTo('final');
  }

  /**
   * Tells the subject's watch of a conviction and of any punishment suspended with it (§IV.C.9), and,
   * for cases that date a repeat window, of the rule violated and the window's end.
   */
  async function reportConviction(at: string, sanctions: readonly SanctionInput[]): Promise<void> {
    const finding: GuiltyFinding = {
      caseNumber: intake.caseNumber,
      facility: intake.facility,
      convictedAt: at,
      suspensions: sanctions.flatMap((s) =>
        s.suspendedUntil ? [{ sanction: s.code, until: s.suspendedUntil }] : [],
      ),
    };
    const window = modern ? entryOf('repeat.window') : undefined;
    if (window?.dueAt) {
      finding.rule = {
        offenseCode: intake.offenseCode,
        foundOn: window.anchorAt.slice(0, 10),
        windowUntil: window.dueAt,
        windowText: window.localText,
      };
    }
    await tellWatch({ finding }, `conviction at ${at}`);
  }

  /**
   * Workflows cannot signal-with-start, so the watch is started as a child that outlives this case
   * (ABANDON) with the message as its input, or, when it is already running, signalled through an
   * external handle. Both are workflow commands: recorded in history, delivered once, and sent with
   * the worker's own data converter (the payload codec), unlike an activity holding a second client
   * whose retries could deliver a message twice. If the watch ends between the two calls, start again.
   */
  async function tellWatch(
    message: { finding: GuiltyFinding } | { subscription: RecordSubscription },
    what: string,
  ): Promise<void> {
    const workflowId = subjectWatchWorkflowId(subjectRef);
    const isFinding = 'finding' in message;
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await startChild(suspendedSanctionWatch, {
          workflowId,
          args: [
            isFinding
              ? { subjectRef, findings: [message.finding] }
              : { subjectRef, findings: [], requests: [message.subscription] },
          ],
          parentClosePolicy: 'ABANDON',
          typedSearchAttributes: [
            { key: CaseTypeKey, value: SUBJECT_WATCH_CASE_TYPE },
            { key: JurisdictionKey, value: JURISDICTION },
          ],
          staticSummary: 'Suspended sanctions and findings by rule of one subject (OP-060125 §IV)',
        });
        c.record({ type: 'subject-watch.started', detail: what });
        return;
      } catch (err) {
        if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      }
      try {
        const handle = getExternalWorkflowHandle(workflowId);
        if (isFinding) await handle.signal(guiltyFindingSignal, message.finding);
        else await handle.signal(recordSubscribeSignal, message.subscription);
        c.record({ type: 'subject-watch.told', detail: what });
        return;
      } catch {
        // The watch completed after our start was refused: the next attempt starts a new one.
      }
    }
    log.error('the subject watch could not be told', { caseNumber: intake.caseNumber });
    c.record({ type: 'subject-watch.failed', detail: `${what} not delivered` });
  }

  /** Asks the per-subject record for this rule's earlier findings; it answers now and on each new one. */
  const subscribeToRecord = (): Promise<void> =>
    tellWatch(
      {
        subscription: {
          caseNumber: intake.caseNumber,
          workflowId: workflowInfo().workflowId,
          offenseCode: intake.offenseCode,
          facility: intake.facility,
          at: new Date(Date.now()).toISOString(),
        },
      },
      `findings of rule ${intake.offenseCode} requested`,
    );

  function validateServiceOf(task: ServiceTask, at: string): void {
    switch (documentOf(task)) {
      case OFFENSE_REPORT:
        c.requireStage(['awaiting-service'], 'service of the offense report');
        for (const earlier of ['report.accepted', 'inmate.unavailable', 'inmate.available'])
          c.requireAfter(at, earlier, 'service of the offense report');
        c.checkTimely('report.served', at);
        return;
      case HEARING_ACTIONS:
        return c.requireAfter(at, 'hearing.held', 'service of the hearing actions');
      case FACILITY_RESPONSE:
        return c.requireAfter(at, 'appeal.facility.decided', "service of the facility head's response");
      case DIRECTOR_DECISION:
        return c.requireAfter(at, 'appeal.director.decided', "service of the director's decision");
    }
    if (documentOf(task).startsWith(RESTORE_TASK)) {
      validateRestoration(documentOf(task).slice(RESTORE_TASK.length), at);
    }
  }

  async function afterService(task: ServiceTask): Promise<void> {
    const proof = task.proof;
    if (!proof) return;
    const document = documentOf(task);
    const event = SERVED_EVENT[document];
    // A refused signature is still service: the inmate was presented with the document.
    if (event) await c.recordEvents({ [event]: proof.at }, { at: proof.at, by: proof.servedBy }, event);
    if (document === OFFENSE_REPORT) c.moveTo('awaiting-hearing');
    // §IV.C.12: "The decision of the director or designee is final."
    if (document === DIRECTOR_DECISION) finish();
    if (document.startsWith(RESTORE_TASK)) {
      await recordRestoration(document.slice(RESTORE_TASK.length), proof.at, proof.servedBy, proof.note);
    }
  }

  c.registerCommonHandlers();

  c.handle(investigationStartedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireOpen('starting the investigation');
      c.refuseDuplicate('investigation.started', 'the start of the investigation');
      c.requireAfter(event.at, 'report.filed', 'the investigation');
      c.checkTimely('investigation.started', event.at);
    },
    apply: (event) => c.recordEvents({ 'investigation.started': event.at }, event, 'investigation.started'),
  });

  // §IV.C.2: unavailability is documented, and the report is then served within 24 hours after
  // availability occurs. The domain restarts the clock; the runtime stops its timers meanwhile.
  c.handle(inmateUnavailableUpdate, {
    schema: inmateUnavailableSchema,
    validate: (event) => {
      c.requireStage(['awaiting-service'], 'documenting that the inmate is unavailable');
      c.refuseDuplicate('inmate.unavailable', 'unavailability');
      c.requireAfter(event.at, 'report.accepted', 'unavailability');
      c.checkTimely('inmate.unavailable', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'inmate.unavailable': event.at }, event, 'inmate.unavailable');
      c.record({
        at: event.at,
        type: 'unavailability.documented',
        actor: event.by,
        detail: event.reason,
      });
    },
  });

  c.handle(inmateAvailableUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireStage(['awaiting-service'], 'recording that the inmate is available');
      c.requireEvent('inmate.unavailable', 'availability');
      c.refuseDuplicate('inmate.available', 'availability');
      c.requireAfter(event.at, 'inmate.unavailable', 'availability');
      c.checkTimely('inmate.available', event.at);
    },
    apply: (event) => c.recordEvents({ 'inmate.available': event.at }, event, 'inmate.available'),
  });

  c.handle(representativeRequestedUpdate, {
    schema: representativeRequestSchema,
    validate: (request) => {
      c.requireStage(['awaiting-service', 'awaiting-hearing'], 'requesting a staff representative');
      c.refuseDuplicate('representative.requested', 'the request for a staff representative');
      if (request.representativeId)
        refuseInvolved(request.representativeId, 'the staff representative', 'representativeId');
      c.requireAfter(request.at, 'report.accepted', 'the request');
      c.checkTimely('representative.requested', request.at);
    },
    apply: (request) =>
      c.recordEvents({ 'representative.requested': request.at }, request, 'representative.requested'),
  });

  c.handle(representativeConsultedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireStage(['awaiting-service', 'awaiting-hearing'], "the staff representative's consultation");
      c.requireEvent('representative.requested', 'the consultation');
      c.refuseDuplicate('representative.consulted', 'the consultation');
      refuseInvolved(event.by, 'the staff representative', 'by');
      c.requireAfter(event.at, 'representative.requested', 'the consultation');
      c.checkTimely('representative.consulted', event.at);
    },
    apply: (event) =>
      c.recordEvents({ 'representative.consulted': event.at }, event, 'representative.consulted'),
  });

  // Scheduling is recorded so the representative's 24 hours (§IV.C.8) can be counted back from it;
  // a time inside the preparation period (§IV.C.2) or past the 7 working days (§IV.B.3) is refused.
  c.handle(hearingScheduledUpdate, {
    schema: hearingScheduleSchema,
    validate: (input) => {
      c.requireStage(['awaiting-hearing'], 'scheduling the hearing');
      refuseFutureEvent(input.at);
      const earliest = entryOf('hearing.earliest');
      if (earliest) guard(() => checkNotBefore(earliest, input.hearingAt));
      refuseAfterConclusionLimit(input.hearingAt, 'a hearing scheduled');
    },
    apply: async (input) => {
      await c.recordEvents({ 'hearing.scheduledFor': input.hearingAt }, input, 'hearing.scheduled', (next) =>
        refuseWithoutConsultation(next, input.hearingAt),
      );
      // Renews the request for earlier findings, which lapses after a while on its own.
      if (modern) await subscribeToRecord();
    },
  });

  c.handle(hearingConcludedUpdate, {
    schema: hearingFindingSchema,
    validate: (finding) => {
      c.requireStage(['awaiting-hearing'], 'the hearing');
      refuseInvolved(finding.by, 'the disciplinary officer', 'by');
      c.requireEvent('hearing.scheduledFor', 'recording the hearing');
      c.requireAfter(finding.at, 'hearing.scheduledFor', 'the end of the hearing');
      c.checkTimely('hearing.held', finding.at);
      refuseAfterConclusionLimit(finding.at, 'a hearing concluded');
      const schedule = c.requireReady();
      if (c.events['representative.requested'] && !c.events['representative.consulted']) {
        const consult = entryOf('representative.consult', schedule);
        refuse(
          'REPRESENTATIVE_NOT_CONSULTED',
          `the inmate requested a staff representative, who must consult the inmate at least 24 hours before the hearing${consult ? ` (by ${consult.localText})` : ''}; no consultation is recorded (OP-060125 §IV.C.8)`,
          { key: 'representative.consult', dueAt: consult?.dueAt },
        );
      }
      refuseWithoutConsultation(schedule, c.events['hearing.scheduledFor'] as string);
      checkSanctions(finding.sanctions, finding.at);
    },
    apply: async (finding) => {
      const conviction =
        finding.finding === 'guilty' ? convictionRecord(finding.at, finding.sanctions) : { events: {} };
      await c.recordEvents(
        {
          'hearing.held': finding.at,
          ...findingEvents(finding.at, finding.sanctions),
          ...conviction.events,
        },
        finding,
        'hearing.held',
        withinSuspensionLimit(finding.sanctions),
        conviction.facts,
      );
      if (finding.finding === 'not-guilty') {
        // §IV.C.10: all related material is expunged and not used in decisions about the inmate.
        c.waiveOpen('not guilty (§IV.C.10)', finding.by);
        c.record({
          at: finding.at,
          type: 'material.expunged',
          actor: finding.by,
          detail:
            'not guilty: all related material is expunged and may not be used in decisions concerning the inmate (OP-060125 §IV.C.10)',
        });
        c.moveTo('expunged', 'not-guilty');
        return;
      }
      c.record({
        at: finding.at,
        type: 'finding.guilty',
        actor: finding.by,
        detail: `sanctions ${finding.sanctions.map((s) => s.code + (s.suspendedUntil ? ' (suspended)' : '')).join(', ')}`,
      });
      c.moveTo('found-guilty', 'guilty');
      // §IV.C.9: the inmate is informed of the evidence, the basis for punishment and the right to
      // appeal; receipt of the Disciplinary Hearing Actions starts the appeal period (§IV.C.11).
      await c.addServiceTask(
        {
          key: HEARING_ACTIONS,
          document:
            'Disciplinary Hearing Actions: the finding of guilt, the evidence for it, the basis for each punishment, and the right to appeal within 15 calendar days of receipt (OP-060125 §IV.C.9, §IV.C.11)',
          to: 'inmate',
          role: 'disciplinary-officer',
        },
        entryOf('hearing.conclusion'),
      );
      if (modern) await afterConviction(finding.at, finding.by, finding.sanctions);
      await reportConviction(finding.at, finding.sanctions);
    },
  });

  // §IV.C.2: waiving the hearing is a plea of guilty and forfeits the appeal; the report goes to the
  // disciplinary officer for disposition and sanctions (§IV.C.5). The policy arms no appeal limits.
  c.handle(hearingWaivedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      c.requireStage(['awaiting-hearing'], 'waiving the hearing');
      c.requireAfter(event.at, 'report.served', 'the waiver');
      c.checkTimely('hearing.waived', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'hearing.waived': event.at }, event, 'hearing.waived');
      c.record({
        at: event.at,
        type: 'plea.guilty',
        actor: event.by,
        detail:
          'hearing waived: a plea of guilty, the right to appeal forfeited (OP-060125 §IV.C.2); to the disciplinary officer for sanctions (§IV.C.5)',
      });
      c.moveTo('awaiting-disposition', 'guilty-plea');
    },
  });

  c.handle(dispositionRecordedUpdate, {
    schema: dispositionSchema,
    validate: (disposition) => {
      c.requireStage(['awaiting-disposition'], 'the disposition of a guilty plea');
      refuseInvolved(disposition.by, 'the disciplinary officer', 'by');
      refuseFutureEvent(disposition.at);
      c.requireAfter(disposition.at, 'hearing.waived', 'the disposition');
      checkSanctions(disposition.sanctions, disposition.at);
    },
    apply: async (disposition) => {
      const conviction = convictionRecord(disposition.at, disposition.sanctions);
      const events = { ...findingEvents(disposition.at, disposition.sanctions), ...conviction.events };
      if (Object.keys(events).length > 0)
        await c.recordEvents(
          events,
          disposition,
          conviction.events['finding.guilty'] ? 'finding.guilty' : 'sanction.suspended',
          withinSuspensionLimit(disposition.sanctions),
          conviction.facts,
        );
      c.record({
        at: disposition.at,
        type: 'disposition',
        actor: disposition.by,
        detail: `guilty plea; sanctions ${disposition.sanctions.map((s) => s.code).join(', ')}`,
      });
      if (modern) await afterConviction(disposition.at, disposition.by, disposition.sanctions);
      await reportConviction(disposition.at, disposition.sanctions);
      finish('guilty-plea');
    },
  });

  const refuseForfeitedAppeal = (): void => {
    if (!c.events['hearing.waived']) return;
    refuse(
      'APPEAL_FORFEITED',
      'the hearing was waived: a plea of guilty that forfeits the right to appeal (OP-060125 §IV.C.2)',
      { rule: 'waiver-ends-appeal' },
    );
  };

  c.handle(facilityAppealFiledUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      refuseForfeitedAppeal();
      c.requireEvent('hearing.actions.served', 'an appeal to the facility head');
      // Late first: after the window the answer is the deadline, whatever the stage.
      c.checkTimely('appeal.facility.filed', event.at);
      c.requireStage(['found-guilty'], 'an appeal to the facility head');
      c.requireAfter(event.at, 'hearing.actions.served', 'the appeal');
    },
    apply: async (event) => {
      await c.recordEvents({ 'appeal.facility.filed': event.at }, event, 'appeal.facility.filed');
      c.moveTo('facility-appeal');
    },
  });

  c.handle(facilityAppealDecidedUpdate, {
    schema: appealDecisionSchema,
    validate: (decision) => {
      c.requireStage(['facility-appeal'], "the facility head's response");
      c.requireAfter(decision.at, 'appeal.facility.filed', 'the response');
      c.checkTimely('appeal.facility.decided', decision.at);
    },
    apply: async (decision) => {
      await c.recordEvents({ 'appeal.facility.decided': decision.at }, decision, 'appeal.facility.decided');
      appealOutcomes.push(decision.outcome);
      c.moveTo('facility-decided', decision.outcome);
      // Receipt of the response starts the inmate's 15 calendar days to go to the director (§IV.C.12).
      await c.addServiceTask(
        {
          key: FACILITY_RESPONSE,
          document: `Facility head's response to the appeal (${decision.outcome}), with the right to appeal to the director within 15 calendar days of receipt (OP-060125 §IV.C.12)`,
          to: 'inmate',
          role: 'facility-head',
        },
        entryOf('appeal.facility.response'),
      );
    },
  });

  c.handle(directorAppealFiledUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      refuseForfeitedAppeal();
      c.requireEvent('appeal.facility.response.served', 'an appeal to the director');
      c.checkTimely('appeal.director.filed', event.at);
      c.requireStage(['facility-decided'], 'an appeal to the director');
      c.requireAfter(event.at, 'appeal.facility.response.served', 'the appeal');
    },
    apply: async (event) => {
      await c.recordEvents({ 'appeal.director.filed': event.at }, event, 'appeal.director.filed');
      c.moveTo('director-appeal');
    },
  });

  c.handle(directorAppealDecidedUpdate, {
    schema: appealDecisionSchema,
    validate: (decision) => {
      c.requireStage(['director-appeal'], "the director's decision");
      c.requireAfter(decision.at, 'appeal.director.filed', 'the decision');
      c.checkTimely('appeal.director.decided', decision.at);
    },
    apply: async (decision) => {
      await c.recordEvents({ 'appeal.director.decided': decision.at }, decision, 'appeal.director.decided');
      appealOutcomes.push(decision.outcome);
      c.moveTo('director-decided', decision.outcome);
      await c.addServiceTask(
        {
          key: DIRECTOR_DECISION,
          document: `Director's decision on the appeal (${decision.outcome}); the decision is final (OP-060125 §IV.C.12)`,
          to: 'inmate',
          role: 'director',
        },
        entryOf('appeal.director.review'),
      );
    },
  });

  // The unit restored a privilege at the end of a sanction's term (or recorded it as proof of service
  // of the restoration task, which comes to the same).
  c.handle(privilegeRestoredUpdate, {
    schema: privilegeRestoredSchema,
    validate: (event) => void validateRestoration(event.sanction, event.at),
    apply: (event) => recordRestoration(event.sanction, event.at, event.by, event.note),
  });

  await c.open();
  // The offense report is the first document the inmate is owed (§IV.C.2): the investigator is told
  // to serve it, with the 24-hour limit, and records proof of service against this task.
  await c.addServiceTask(
    { key: OFFENSE_REPORT, document: 'Offense report', to: 'inmate', role: 'disciplinary-investigator' },
    entryOf('report.service'),
  );
  // The per-subject record answers with the inmate's earlier findings of this rule before the hearing.
  if (modern) await subscribeToRecord();

  // An appeal window that closes with nothing filed makes the decision final (§IV.C.11, §IV.C.12).
  const openWindow = (): ScheduleEntry | undefined => {
    if (c.stage === 'found-guilty') return entryOf('appeal.facility');
    if (c.stage === 'facility-decided') return entryOf('appeal.director');
    return undefined;
  };
  await c.runUntilClosed({
    at: () => {
      const window = openWindow();
      return window?.dueAt
        ? new Date(Date.parse(window.dueAt) + LATE_RECORDING_GRACE_MS).toISOString()
        : undefined;
    },
    onLapse: () => {
      const window = openWindow();
      c.record({
        type: 'appeal.lapsed',
        detail: `no appeal filed by ${window?.localText ?? 'the deadline'} (${window?.key ?? 'appeal'}): the decision is final`,
      });
      finish();
    },
  });
  return {
    caseNumber: intake.caseNumber,
    stage: c.stage,
    outcome: c.outcome,
    expunged: c.stage === 'expunged',
  };
}

// ---------------------------------------------------------------------------------------------
// Suspended sanctions and findings by rule, per subject (§IV.C.9; Range of Allowable Sanctions)

/** A guilty finding as the subject's watch receives it: no identity, only case numbers and instants. */
export interface GuiltyFinding {
  caseNumber: string;
  facility: string;
  /** The finding of guilt (or the disposition of a guilty plea): the conviction. */
  convictedAt: string;
  /** Punishments suspended with it, each with the end of the period the officer specified. */
  suspensions: { sanction: string; until: string }[];
  /** The rule violated and the finding's repeat window (cases that date one, ok-doc-discipline 1.2.0). */
  rule?: { offenseCode: string; foundOn: string; windowUntil: string; windowText: string };
}

/** An open case asks for the subject's earlier findings of its rule, now and as new ones arrive. */
export interface RecordSubscription {
  caseNumber: string;
  /** The case's workflow ID, to which the record signals its answers. */
  workflowId: string;
  offenseCode: string;
  facility: string;
  /** When the case asked; the subscription lapses SUBSCRIPTION_MS later unless renewed. */
  at: string;
}

/** The record's answer to a subscribed case: every finding of the rule it holds, other cases only. */
export interface PriorFindings {
  offenseCode: string;
  findings: RuleFinding[];
}

interface WatchedSubscription extends RecordSubscription {
  until: string;
}

export interface WatchedSuspension {
  caseNumber: string;
  facility: string;
  sanction: string;
  from: string;
  until: string;
  /** Case numbers whose conviction invoked it (the officer was told). */
  invokedBy: string[];
}

export interface WatchedConviction {
  caseNumber: string;
  facility: string;
  at: string;
}

export interface SubjectWatchInput {
  subjectRef: string;
  /** Findings that arrived with the start (the first one) or were still queued at continue-as-new. */
  findings: GuiltyFinding[];
  /** Subscriptions that arrived with the start or were still queued at continue-as-new. */
  requests?: RecordSubscription[];
  carried?: {
    suspensions: WatchedSuspension[];
    convictions: WatchedConviction[];
    ruleFindings?: RuleFinding[];
    subscriptions?: WatchedSubscription[];
  };
}

export interface SubjectWatchView {
  subjectRef: string;
  suspensions: WatchedSuspension[];
  convictions: WatchedConviction[];
  /** Guilty findings by rule, kept while their six-month windows can matter (the repeat rule). */
  findings: RuleFinding[];
  /** Open cases waiting for findings of their rule: case number and rule only. */
  subscriptions: { caseNumber: string; offenseCode: string; until: string }[];
}

export const guiltyFindingSignal = defineSignal<[GuiltyFinding]>('guiltyFinding');
export const recordSubscribeSignal = defineSignal<[RecordSubscription]>('recordSubscribe');
/** Sent by the record to a subscribed discipline case. */
export const priorFindingsSignal = defineSignal<[PriorFindings]>('priorFindings');
export const suspensionsQuery = defineQuery<SubjectWatchView>('suspensions');

/**
 * A subscription lasts this long after the case asked (it asks again when the hearing is scheduled);
 * a case that closes without a conviction is then forgotten, or sooner, when an answer to it fails.
 */
const SUBSCRIPTION_MS = 90 * 24 * 3_600_000;
/** patched() id: the record answers subscribed cases (commands only runs with subscriptions have). */
const RECORD_ANSWERS_PATCH = 'subject-record-answers';

/**
 * A conviction is kept as long as a suspension that began before it could still be reported late
 * (a period is at most 90 days, §IV.C.9, plus the recording grace); then it can matter to no one.
 */
const CONVICTION_MEMORY_MS = 91 * 24 * 3_600_000 + LATE_RECORDING_GRACE_MS;

/**
 * One subject's suspended punishments and convictions, found by the hash of an opaque subject ID
 * (`subject-<hash>`): cases of the same inmate find each other without an identity in any workflow ID
 * or search attribute. When a conviction falls inside another case's suspension period, the
 * disciplinary officer of the new case is told to invoke the suspended punishment, to run
 * consecutive to the new one; a conviction after the period invokes nothing. The watch ends when
 * nothing it holds can matter any more.
 */
export async function suspendedSanctionWatch(input: SubjectWatchInput): Promise<void> {
  const workflowId = workflowInfo().workflowId;
  const book = new DeadlineBook(
    { caseNumber: workflowId, caseType: SUBJECT_WATCH_CASE_TYPE, facility: '-' },
    { maxTimelineEvents: 1_000 },
  );
  const suspensions: WatchedSuspension[] = [...(input.carried?.suspensions ?? [])];
  const convictions: WatchedConviction[] = [...(input.carried?.convictions ?? [])];
  const ruleFindings: RuleFinding[] = [...(input.carried?.ruleFindings ?? [])];
  const subscriptions: WatchedSubscription[] = [...(input.carried?.subscriptions ?? [])];
  const inbox: GuiltyFinding[] = [...input.findings];
  const requests: RecordSubscription[] = [...(input.requests ?? [])];
  setHandler(guiltyFindingSignal, (finding) => void inbox.push(finding));
  setHandler(recordSubscribeSignal, (request) => void requests.push(request));
  setHandler(suspensionsQuery, () => ({
    subjectRef: input.subjectRef,
    suspensions,
    convictions,
    findings: ruleFindings,
    subscriptions: subscriptions.map((s) => ({
      caseNumber: s.caseNumber,
      offenseCode: s.offenseCode,
      until: s.until,
    })),
  }));
  setHandler(timelineQuery, () => book.timeline());

  /** Tells a subscribed case every finding of its rule held for other cases; a closed case is dropped. */
  async function answer(sub: WatchedSubscription): Promise<void> {
    if (!patched(RECORD_ANSWERS_PATCH)) return;
    const findings = ruleFindings.filter(
      (f) => f.offenseCode === sub.offenseCode && f.caseNumber !== sub.caseNumber,
    );
    try {
      await getExternalWorkflowHandle(sub.workflowId).signal(priorFindingsSignal, {
        offenseCode: sub.offenseCode,
        findings,
      });
      book.record({
        type: 'findings.sent',
        detail: `${findings.length} finding(s) of rule ${sub.offenseCode} to ${sub.caseNumber}`,
      });
    } catch {
      const i = subscriptions.indexOf(sub);
      if (i >= 0) subscriptions.splice(i, 1);
      book.record({ type: 'subscription.dropped', detail: `${sub.caseNumber}: the case is no longer open` });
    }
  }

  async function subscribe(request: RecordSubscription): Promise<void> {
    const existing = subscriptions.findIndex((s) => s.caseNumber === request.caseNumber);
    if (existing >= 0) subscriptions.splice(existing, 1);
    const sub: WatchedSubscription = {
      ...request,
      until: new Date(Date.parse(request.at) + SUBSCRIPTION_MS).toISOString(),
    };
    subscriptions.push(sub);
    book.record({ type: 'subscription.recorded', detail: `${sub.caseNumber} (rule ${sub.offenseCode})` });
    await answer(sub);
  }

  /** Keeps a finding's rule and window, and tells the open cases of the same rule. */
  async function keepRuleFinding(finding: GuiltyFinding): Promise<void> {
    const rule = finding.rule;
    if (!rule) return;
    ruleFindings.push({
      caseNumber: finding.caseNumber,
      facility: finding.facility,
      offenseCode: rule.offenseCode,
      foundAt: finding.convictedAt,
      foundOn: rule.foundOn,
      windowUntil: rule.windowUntil,
      windowText: rule.windowText,
    });
    book.record({
      type: 'finding.recorded',
      detail: `${finding.caseNumber}: rule ${rule.offenseCode} on ${rule.foundOn}, window through ${rule.windowText}`,
    });
    // The case that reported it has concluded: it needs no more answers.
    const own = subscriptions.findIndex((s) => s.caseNumber === finding.caseNumber);
    if (own >= 0) subscriptions.splice(own, 1);
    for (const sub of subscriptions.filter((s) => s.offenseCode === rule.offenseCode)) await answer(sub);
  }

  const within = (s: WatchedSuspension, at: string): boolean =>
    Date.parse(s.from) <= Date.parse(at) && Date.parse(at) <= Date.parse(s.until);

  async function invoke(s: WatchedSuspension, conviction: WatchedConviction): Promise<void> {
    s.invokedBy.push(conviction.caseNumber);
    book.record({
      type: 'suspension.invoked',
      detail: `${s.sanction} of ${s.caseNumber} (suspended ${s.from} to ${s.until}) by the conviction in ${conviction.caseNumber} at ${conviction.at}`,
    });
    await book.notify({
      kind: 'party-notice',
      noticeKey: `suspended-sanction/${s.caseNumber}/${s.sanction}/invoke/${conviction.caseNumber}`,
      role: 'disciplinary-officer',
      facility: conviction.facility,
      caseNumber: conviction.caseNumber,
      delivery: {
        document: `Suspended punishment ${s.sanction} of case ${s.caseNumber} (suspended until ${s.until}) is invoked by this conviction, to run consecutive to the new punishment; it does not count among the new offense's three punishments (${SUSPENSION_SOURCE})`,
        to: 'inmate',
      },
      context: {
        suspendedCase: s.caseNumber,
        suspendedSanction: s.sanction,
        suspendedFrom: s.from,
        suspendedUntil: s.until,
        convictedAt: conviction.at,
      },
    });
  }

  async function take(finding: GuiltyFinding): Promise<void> {
    // A finding is delivered once, but a case number names one case: a repeat is ignored.
    if (convictions.some((known) => known.caseNumber === finding.caseNumber)) return;
    const conviction = {
      caseNumber: finding.caseNumber,
      facility: finding.facility,
      at: finding.convictedAt,
    };
    book.record({ type: 'conviction.recorded', detail: `${finding.caseNumber} at ${finding.convictedAt}` });
    await keepRuleFinding(finding);
    for (const s of suspensions)
      if (s.caseNumber !== finding.caseNumber && within(s, conviction.at)) await invoke(s, conviction);
    convictions.push(conviction);
    for (const { sanction, until } of finding.suspensions) {
      const s: WatchedSuspension = {
        caseNumber: finding.caseNumber,
        facility: finding.facility,
        sanction,
        from: finding.convictedAt,
        until,
        invokedBy: [],
      };
      suspensions.push(s);
      book.record({ type: 'suspension.recorded', detail: `${sanction} of ${s.caseNumber} until ${until}` });
      // Another case's conviction inside this period that reached the watch first.
      for (const earlier of convictions)
        if (earlier.caseNumber !== s.caseNumber && within(s, earlier.at)) await invoke(s, earlier);
    }
  }

  /** Drops what can no longer matter; returns when the next item expires, if any remains. */
  function forgetExpired(): number | undefined {
    const now = Date.now();
    // A conviction recorded late may still fall inside a period that has just ended.
    const suspensionEnd = (s: WatchedSuspension) => Date.parse(s.until) + LATE_RECORDING_GRACE_MS;
    const convictionEnd = (k: WatchedConviction) => Date.parse(k.at) + CONVICTION_MEMORY_MS;
    // A finding recorded late may still fall inside a window that has just ended.
    const findingEnd = (f: RuleFinding) => Date.parse(f.windowUntil) + LATE_RECORDING_GRACE_MS;
    const subscriptionEnd = (s: WatchedSubscription) => Date.parse(s.until);
    const keptSuspensions = suspensions.filter((s) => suspensionEnd(s) > now);
    const keptConvictions = convictions.filter((k) => convictionEnd(k) > now);
    suspensions.splice(0, suspensions.length, ...keptSuspensions);
    convictions.splice(0, convictions.length, ...keptConvictions);
    const keptFindings = ruleFindings.filter((f) => findingEnd(f) > now);
    const keptSubscriptions = subscriptions.filter((s) => subscriptionEnd(s) > now);
    ruleFindings.splice(0, ruleFindings.length, ...keptFindings);
    subscriptions.splice(0, subscriptions.length, ...keptSubscriptions);
    const ends = [
      ...suspensions.map(suspensionEnd),
      ...convictions.map(convictionEnd),
      ...ruleFindings.map(findingEnd),
      ...subscriptions.map(subscriptionEnd),
    ];
    return ends.length > 0 ? Math.min(...ends) : undefined;
  }

  const waiting = (): boolean => inbox.length > 0 || requests.length > 0;
  for (;;) {
    while (inbox.length > 0) await take(inbox.shift() as GuiltyFinding);
    // After the findings, so that a case asking at the same moment hears of them.
    while (requests.length > 0) await subscribe(requests.shift() as RecordSubscription);
    const nextExpiry = forgetExpired();
    if (nextExpiry === undefined) {
      if (!waiting()) return;
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      const more = ruleFindings.length > 0 || subscriptions.length > 0 || requests.length > 0;
      await continueAsNew<typeof suspendedSanctionWatch>({
        subjectRef: input.subjectRef,
        findings: inbox.splice(0),
        ...(more
          ? {
              requests: requests.splice(0),
              carried: { suspensions, convictions, ruleFindings, subscriptions },
            }
          : { carried: { suspensions, convictions } }),
      });
    }
    await condition(waiting, Math.max(1, nextExpiry - Date.now()), {
      summary: 'until the next suspension period or conviction can be forgotten',
    });
  }
}
