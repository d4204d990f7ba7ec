// One employee's probation record (Arkansas DOC SD 2022-17 §III.D-F), keyed by an opaque employee ID
// (`probation-<employeeId>`). The record lives as long as the employment: it holds every disciplinary
// action and every start of an initial probation, and runs their periods.
//
// Why a record of actions rather than one case per action: the rules look across actions. A second
// written warning within a year of an earlier one carries 9 months, not 6 (§III.D.3.b); a new
// violation is judged against every earlier action's look-back window (§III.D.4-5); a verbal warning
// may be removed only if no other incident followed it (§III.D.3.a.iii). So each action is an entry in
// the record's state with its own schedule, computed by the same recorded local activity as every
// case (`computeScheduleRecorded`), and its own entries in the one DeadlineBook, keyed `A3:<policy key>`
// (e.g. `A3:probation.written-warning`, `A3:lookback.warning`). The book arms their reminders and
// period ends; CaseRuntime supplies the update plumbing, the stage and the view.
//
// The record continues-as-new before its history grows past a few thousand events, carrying the
// actions, the book's snapshot (deadlines with their attempts and states, the bounded timeline) and
// the service tasks, so queries and deadlines answer the same in the next run.
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  defineUpdate,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { extensionRequestSchema, type ExtensionRequestInput } from '../domain/cases/common';
import {
  ACTION_LABELS,
  actionDate,
  actionInputSchema,
  checkSuspensionStart,
  incidentsSince,
  isDisciplinary,
  localDateOf,
  lookBack,
  notificationInputSchema,
  parseProbationIntake,
  priorWrittenWarning,
  PROBATION_CASE_TYPE,
  PROBATION_JURISDICTION,
  PROBATION_POLICY_ID,
  removalInputSchema,
  separationInputSchema,
  suspensionDayZero,
  suspensionWindow,
  violationInputSchema,
  type ActionInput,
  type ActionKind,
  type DisciplinaryAction,
  type Incident,
  type LookbackAdvice,
  type NotificationInput,
  type ParsedAction,
  type PriorAction,
  type ProbationIntakeInput,
  type RemovalInput,
  type SeparationInput,
  type SuspensionWindow,
  type ViolationInput,
} from '../domain/cases/probation';
import { checkNotBefore } from '../domain/deadline/checks';
import { validateExtension } from '../domain/deadline/extensions';
import { getPolicy } from '../domain/policies/registry';
import { resolveFacts } from '../domain/schedule/inputs';
import type { ExtensionRecord, Schedule, ScheduleEntry } from '../domain/types';
import {
  computeScheduleRecorded,
  extendDeadlineUpdate,
  guard,
  refuse,
  refuseFutureEvent,
  type CaseView,
  type ServiceTask,
} from './case-support';
import { CaseRuntime } from './case-runtime';
import type { DeadlineBook, TrackedDeadline } from './deadlines';
import { CaseTypeKey, FacilityKey, JurisdictionKey, PolicyVersionKey, StageKey } from './search-attributes';

export { PROBATION_CASE_TYPE };

export const recordActionUpdate = defineUpdate<CaseView, [ActionInput]>('recordAction');
export const notificationReceivedUpdate = defineUpdate<CaseView, [NotificationInput]>('notificationReceived');
export const violationReportedUpdate = defineUpdate<CaseView, [ViolationInput]>('violationReported');
export const verbalWarningRemovedUpdate = defineUpdate<CaseView, [RemovalInput]>('verbalWarningRemoved');
export const separateUpdate = defineUpdate<CaseView, [SeparationInput]>('separate');

/** Where the employee stands; the Stage search attribute, so HR can list everyone on probation. */
export type RecordStage = 'clear' | 'initial-probation' | 'disciplinary-probation' | 'separated';
const OPEN_STAGES: readonly RecordStage[] = ['clear', 'initial-probation', 'disciplinary-probation'];

/**
 * Continue-as-new waits until no reminder or period end of the book (and no removal-eligibility notice)
 * falls within this much of the present, on either side: a restored watcher skips reminders whose time
 * has passed, so one due while the run hands over would otherwise never be sent.
 */
const HANDOVER_GUARD_MS = 60 * 60_000;

export interface ProbationAction {
  /** A1, A2, ... in the order recorded. */
  id: string;
  action: ActionKind;
  /** The events of its schedule (policy event keys → instants). */
  events: Record<string, string>;
  facts: Record<string, string | number | boolean>;
  extensions: ExtensionRecord[];
  /** The policy version its schedule was first computed with; a recomputation keeps it. */
  policyVersion?: string;
  recordedBy: string;
  incidentAt?: string;
  violationId?: string;
  suspension?: { workingDays: number; licenseSuspension: boolean; firstDay: string };
  /** The earlier written warning that makes this one's probation at least 9 months (§III.D.3.b). */
  priorWrittenWarning?: string;
  /** Its entries in the book (`A3:probation.written-warning`, ...). */
  keys: string[];
  /** Policy keys still waiting for an event (e.g. the probation, for the employee's notification). */
  awaiting: string[];
  /** When its probation ended: from then on it is not a consideration for progressive discipline (§III.E.3). */
  probationEndedAt?: string;
  /** A verbal warning's removal (§III.D.3.a.iii). */
  removal?: {
    eligibleFrom: string;
    eligibleText: string;
    notifiedAt?: string;
    blockedBy?: string[];
    removedAt?: string;
  };
}

export interface ProbationViolation {
  id: string;
  occurredAt: string;
  reportedBy: string;
  advice: LookbackAdvice;
}

/** Everything a run hands to the next one. */
export interface ProbationCarry {
  stage: RecordStage;
  outcome?: string;
  actions: ProbationAction[];
  violations: ProbationViolation[];
  book: ReturnType<DeadlineBook['snapshot']>;
  serviceTasks: ServiceTask[];
  /** Runs so far, counting the one that hands over. */
  runs: number;
}

export type ProbationRecordInput = ProbationIntakeInput & { carried?: ProbationCarry };

export interface ProbationRecordResult {
  employeeId: string;
  stage: RecordStage;
  outcome?: string;
  actions: number;
  runs: number;
}

export interface ActionView {
  id: string;
  action: ActionKind;
  at: string;
  notifiedAt?: string;
  incidentAt?: string;
  violationId?: string;
  policyVersion?: string;
  priorWrittenWarning?: string;
  /** The probation period it carries, once its start is known. */
  probation?: {
    key: string;
    state: string;
    startsOn: string;
    endsAt: string;
    localText: string;
    rule: string;
    source: string;
    extended: boolean;
  };
  awaitingNotification: boolean;
  suspension?: SuspensionWindow;
  lookback?: { key: string; state: string; from: string; until: string; localText: string; source: string };
  removal?: ProbationAction['removal'];
  /** Whether it may still be considered for progressive discipline (§III.E.3, §III.D.3.a.iii). */
  countsForProgressiveDiscipline: boolean;
}

export interface ProbationRecordView {
  employeeId: string;
  actions: ActionView[];
  violations: ProbationViolation[];
  onInitialProbation: string[];
  onDisciplinaryProbation: string[];
  countsForProgressiveDiscipline: string[];
}

/** The `schedule` query and every update answer with this: the case view plus the record. */
export type ProbationView = CaseView & { record: ProbationRecordView };

export function probationWorkflowId(employeeId: string): string {
  return `probation-${employeeId}`;
}

/** The probation rule an action carries (§III.D.3.b-d, §III.F.2); a verbal warning carries none (§III.D.3.a.ii). */
function probationKeyOf(action: ActionKind): string | undefined {
  if (action === 'initial-hire' || action === 'promotion') return 'probation.initial';
  if (action === 'verbal-warning') return undefined;
  return `probation.${action}`;
}

const lookbackKeyOf = (action: DisciplinaryAction): string =>
  action === 'suspension' || action === 'demotion' ? 'lookback.suspension' : 'lookback.warning';

const nowIso = (): string => new Date(Date.now()).toISOString();
const running = (d: TrackedDeadline | undefined): boolean =>
  d !== undefined && (d.state === 'pending' || d.state === 'extended');

/** `A3:probation.written-warning` → the action and the policy key. */
function splitKey(key: string): { actionId: string; base: string } | undefined {
  const match = /^(A\d+):(.+)$/.exec(key);
  return match ? { actionId: match[1] as string, base: match[2] as string } : undefined;
}

function prefixed(actionId: string, entry: ScheduleEntry): ScheduleEntry {
  return {
    ...entry,
    key: `${actionId}:${entry.key}`,
    ...(entry.capOf ? { capOf: `${actionId}:${entry.capOf}` } : {}),
    extensions: entry.extensions.map((x) => ({ ...x, key: `${actionId}:${x.key}` })),
  };
}

function unprefixed(entry: ScheduleEntry): ScheduleEntry {
  const strip = (key: string) => splitKey(key)?.base ?? key;
  return {
    ...entry,
    key: strip(entry.key),
    ...(entry.capOf ? { capOf: strip(entry.capOf) } : {}),
    extensions: entry.extensions.map((x) => ({ ...x, key: strip(x.key) })),
  };
}

export async function probationRecord(input: ProbationRecordInput): Promise<ProbationRecordResult> {
  const { carried, ...raw } = input;
  const intake = guard(() => parseProbationIntake(raw));
  const actions: ProbationAction[] = carried?.actions ?? [];
  const violations: ProbationViolation[] = carried?.violations ?? [];
  const runs = (carried?.runs ?? 0) + 1;
  /** Bumped on every change the main loop must look at again. */
  let revision = 0;
  /** Record work (period ends, eligibility notices) under way outside an update handler. */
  let working = 0;
  let publishedPolicy = '';

  const c: CaseRuntime<RecordStage> = new CaseRuntime<RecordStage>({
    caseType: PROBATION_CASE_TYPE,
    caseNumber: intake.employeeId,
    facility: intake.facility,
    jurisdiction: PROBATION_JURISDICTION,
    policyId: PROBATION_POLICY_ID,
    policyVersion: intake.policyVersion,
    facts: {},
    settings: intake.settings,
    events: {},
    stage: carried?.stage ?? 'clear',
    openStages: OPEN_STAGES,
    bookOptions: {
      onPeriodEnd: (deadline) => recordWork(() => onPeriodEnd(deadline)),
      maxTimelineEvents: intake.maxTimelineEvents,
    },
    bookSnapshot: carried?.book,
    extendView: (view): ProbationView => ({
      ...view,
      policyVersion: actions.at(-1)?.policyVersion ?? '',
      record: recordView(),
    }),
  });
  if (carried) {
    c.serviceTasks.push(...carried.serviceTasks);
    c.outcome = carried.outcome;
  }

  /**
   * Runs record work serialised with the updates (it reads and changes the same state), counted so
   * continue-as-new waits for it. The first await lets a book restored in CaseRuntime's constructor
   * call back before `c` is assigned.
   */
  async function recordWork(work: () => Promise<void>): Promise<void> {
    working += 1;
    try {
      await Promise.resolve();
      await c.queue.run(work);
    } finally {
      working -= 1;
      revision += 1;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the record

  function findAction(id: string): ProbationAction {
    const found = actions.find((a) => a.id === id);
    if (!found) {
      refuse('UNKNOWN_ACTION', `no action ${id} on this record`, {
        field: 'actionId',
        value: id,
        known: actions.map((a) => a.id),
      });
    }
    return found;
  }

  const tracked = (action: ProbationAction, base: string | undefined): TrackedDeadline | undefined =>
    base ? c.deadline(`${action.id}:${base}`) : undefined;

  const issuedAt = (action: ProbationAction): string =>
    action.events['action.issued'] ?? action.events.hired ?? action.events.promoted ?? '';

  function counts(action: ProbationAction): boolean {
    if (!isDisciplinary(action.action)) return false;
    if (action.action === 'verbal-warning') return !action.removal?.removedAt;
    return action.probationEndedAt === undefined;
  }

  function priorActions(): PriorAction[] {
    return actions.flatMap((a): PriorAction[] => {
      if (!isDisciplinary(a.action)) return [];
      const window = tracked(a, lookbackKeyOf(a.action));
      const probation = tracked(a, probationKeyOf(a.action));
      return [
        {
          id: a.id,
          action: a.action,
          issuedAt: issuedAt(a),
          removed: a.removal?.removedAt !== undefined,
          ...(window
            ? {
                window: {
                  key: window.key,
                  from: window.entry.anchorAt,
                  until: window.entry.dueAt as string,
                  untilText: window.entry.localText,
                  source: window.entry.sourceText,
                },
              }
            : {}),
          ...(probation
            ? { probation: { until: probation.entry.dueAt as string, untilText: probation.entry.localText } }
            : {}),
        },
      ];
    });
  }

  /** Other incidents recorded after a verbal warning (§III.D.3.a.iii). */
  function incidentsAfter(warning: ProbationAction): Incident[] {
    const all: Incident[] = [
      ...violations.map((v) => ({ id: v.id, at: v.occurredAt })),
      ...actions
        .filter((a) => a.id !== warning.id && isDisciplinary(a.action))
        .map((a) => ({ id: a.id, at: a.incidentAt ?? issuedAt(a) })),
    ];
    return incidentsSince(issuedAt(warning), all);
  }

  function actionView(a: ProbationAction): ActionView {
    const probation = tracked(a, probationKeyOf(a.action));
    const window = isDisciplinary(a.action) ? tracked(a, lookbackKeyOf(a.action)) : undefined;
    const days = tracked(a, 'suspension.days');
    return {
      id: a.id,
      action: a.action,
      at: issuedAt(a),
      ...(a.events['notification.received'] ? { notifiedAt: a.events['notification.received'] } : {}),
      ...(a.incidentAt ? { incidentAt: a.incidentAt } : {}),
      ...(a.violationId ? { violationId: a.violationId } : {}),
      ...(a.policyVersion ? { policyVersion: a.policyVersion } : {}),
      ...(a.priorWrittenWarning ? { priorWrittenWarning: a.priorWrittenWarning } : {}),
      ...(probation
        ? {
            probation: {
              key: probation.key,
              state: probation.state,
              startsOn: localDateOf(probation.entry.anchorAt),
              endsAt: probation.entry.dueAt as string,
              localText: probation.entry.localText,
              rule: probation.entry.rule,
              source: probation.entry.sourceText,
              extended: probation.entry.extensions.length > 0,
            },
          }
        : {}),
      awaitingNotification: a.awaiting.some((k) => k.startsWith('probation.')),
      ...(days ? { suspension: suspensionWindow(days.entry) } : {}),
      ...(window
        ? {
            lookback: {
              key: window.key,
              state: window.state,
              from: window.entry.anchorAt,
              until: window.entry.dueAt as string,
              localText: window.entry.localText,
              source: window.entry.sourceText,
            },
          }
        : {}),
      ...(a.removal ? { removal: { ...a.removal } } : {}),
      countsForProgressiveDiscipline: counts(a),
    };
  }

  function recordView(): ProbationRecordView {
    const on = (pred: (a: ProbationAction) => boolean) =>
      actions.filter((a) => pred(a) && running(tracked(a, probationKeyOf(a.action)))).map((a) => a.id);
    return {
      employeeId: intake.employeeId,
      actions: actions.map(actionView),
      violations: violations.map((v) => ({ ...v })),
      onInitialProbation: on((a) => !isDisciplinary(a.action)),
      onDisciplinaryProbation: on((a) => isDisciplinary(a.action)),
      countsForProgressiveDiscipline: actions.filter(counts).map((a) => a.id),
    };
  }

  /** The stage follows the periods: disciplinary probation outranks an initial one. */
  function refreshStage(): void {
    if (c.closed) return;
    const view = recordView();
    const next: RecordStage =
      view.onDisciplinaryProbation.length > 0
        ? 'disciplinary-probation'
        : view.onInitialProbation.length > 0
          ? 'initial-probation'
          : 'clear';
    c.moveTo(next);
  }

  // ---------------------------------------------------------------------------------------------
  // Schedules: one per action, computed and recorded like every case's

  function computeFor(
    action: ProbationAction,
    events: Record<string, string>,
    extensions: ExtensionRecord[],
  ): Promise<Schedule> {
    return computeScheduleRecorded({
      policyId: PROBATION_POLICY_ID,
      policyVersion: action.policyVersion ?? intake.policyVersion,
      facts: action.facts,
      events,
      extensions,
      settings: intake.settings,
    });
  }

  function adopt(action: ProbationAction, schedule: Schedule): void {
    action.policyVersion = schedule.policyVersion;
    const entries = schedule.entries.map((entry) => prefixed(action.id, entry));
    c.applySchedule({ ...schedule, entries });
    action.keys = entries.map((e) => e.key);
    action.awaiting = (schedule.awaiting ?? []).map((a) => a.key);
    publishPolicyVersion();
  }

  function publishPolicyVersion(): void {
    const version = actions.at(-1)?.policyVersion;
    const label = version ? `${PROBATION_POLICY_ID}@${version}` : '';
    if (!label || label === publishedPolicy) return;
    publishedPolicy = label;
    upsertSearchAttributes([{ key: PolicyVersionKey, value: label }]);
  }

  // ---------------------------------------------------------------------------------------------
  // Notices. Workflows hold roles; the directory resolves them when each notice is sent.

  /** A notice about one of the record's entries, with what happened and what to do in its words. */
  async function tell(
    role: string,
    noticeKey: string,
    entry: ScheduleEntry,
    what: string,
    context: Record<string, string>,
  ): Promise<void> {
    await c.notify({ kind: 'reminder', noticeKey, role, entry: { ...entry, action: what }, context });
  }

  /**
   * A probation period has ended: the supervisor and HR are told (issue 8). From then on a disciplinary
   * action "should not be used as a consideration for further progressive discipline" (§III.E.3).
   */
  async function onPeriodEnd(deadline: TrackedDeadline): Promise<void> {
    const parts = splitKey(deadline.key);
    const action = parts ? actions.find((a) => a.id === parts.actionId) : undefined;
    if (!parts || !action || parts.base !== probationKeyOf(action.action)) {
      refreshStage();
      return;
    }
    action.probationEndedAt = deadline.entry.dueAt;
    const label = `${action.id} ${ACTION_LABELS[action.action]} of ${localDateOf(issuedAt(action))}`;
    const what = isDisciplinary(action.action)
      ? `The disciplinary probation for ${label} has ended: from now on it is not a consideration for further progressive discipline (SD 2022-17 §III.E.3). Its documentation stays in the Personnel File.`
      : `The initial probation that began with the ${label} has ended (SD 2022-17 §III.F.2).`;
    c.record({ type: 'probation.ended', detail: `${deadline.key} ended ${deadline.entry.localText}` });
    refreshStage();
    const context = {
      Notice: 'Probation period ended',
      Action: label,
      'Probation began': localDateOf(deadline.entry.anchorAt),
      'Probation ended': deadline.entry.localText,
    };
    for (const role of ['supervisor', 'hr']) {
      await tell(role, `${deadline.key}/ended/${role}/${deadline.attempt}`, deadline.entry, what, context);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Verbal-warning removal eligibility (§III.D.3.a.iii): the record's own timer, since the book arms
  // deadlines, not lower bounds.

  const eligibilityPending = (): ProbationAction[] =>
    c.closed
      ? []
      : actions.filter(
          (a) => a.removal && !a.removal.notifiedAt && !a.removal.blockedBy && !a.removal.removedAt,
        );

  function nextEligibility(): number | undefined {
    const times = eligibilityPending().map((a) => Date.parse(a.removal?.eligibleFrom as string));
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  async function announceEligibility(): Promise<void> {
    for (const action of eligibilityPending()) {
      const removal = action.removal as NonNullable<ProbationAction['removal']>;
      if (Date.parse(removal.eligibleFrom) > Date.now()) continue;
      const blockers = incidentsAfter(action);
      if (blockers.length > 0) {
        removal.blockedBy = blockers.map((i) => i.id);
        c.record({
          type: 'verbal-warning.removal-barred',
          detail: `${action.id}: other incidents since the warning (${removal.blockedBy.join(', ')}), so its documentation stays (SD 2022-17 §III.D.3.a.iii)`,
        });
        continue;
      }
      removal.notifiedAt = nowIso();
      const bound = c.lowerBound(`${action.id}:verbal-warning.removal`) as ScheduleEntry;
      c.record({
        type: 'verbal-warning.removal-eligible',
        detail: `${action.id}: eligible for removal from ${removal.eligibleText}`,
      });
      // The reminder template needs a dated entry: the lower bound, shown at the instant it opens.
      const entry: ScheduleEntry = { ...bound, kind: 'deadline', dueAt: bound.earliest };
      await tell(
        'supervisor',
        `${bound.key}/eligible`,
        entry,
        `From ${removal.eligibleText}, the verbal warning ${action.id} of ${localDateOf(issuedAt(action))} may be removed from the Supervisor's File on the employee's written request and your approval: no other incident is on record since it (SD 2022-17 §III.D.3.a.iii).`,
        {
          Notice: 'Verbal warning eligible for removal',
          Action: `${action.id} verbal warning of ${localDateOf(issuedAt(action))}`,
          'Eligible from': removal.eligibleText,
          'Other incidents since the warning': 'none on record',
        },
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Updates

  c.registerCommonHandlers();

  c.handle(recordActionUpdate, {
    schema: actionInputSchema,
    validate: (input) => void validateAction(input),
    apply: (input) => recordAction(input),
  });

  /** Refuses an action that does not fit the record; no trace is left in history. */
  function validateAction(input: ParsedAction): void {
    c.requireOpen('recording an action');
    const at = actionDate(input);
    refuseFutureEvent(
      at,
      input.action === 'initial-hire' ? 'hiredAt' : input.action === 'promotion' ? 'promotedAt' : 'issuedAt',
    );
    if (input.action === 'initial-hire') {
      const hired = actions.find((a) => a.action === 'initial-hire');
      if (hired)
        refuse(
          'DUPLICATE_EVENT',
          `the initial hire was already recorded (${hired.id}, ${hired.events.hired})`,
          { key: 'hired' },
        );
      return;
    }
    if (input.action === 'promotion') {
      const hired = actions.find((a) => a.action === 'initial-hire')?.events.hired;
      if (hired && Date.parse(at) < Date.parse(hired)) {
        refuse('EVENT_OUT_OF_ORDER', `the promotion at ${at} is before the initial hire (${hired})`, {
          field: 'promotedAt',
          value: at,
          earlier: 'hired',
        });
      }
      return;
    }
    if (input.notifiedAt) {
      refuseFutureEvent(input.notifiedAt, 'notifiedAt');
      if (Date.parse(input.notifiedAt) < Date.parse(at)) {
        refuse(
          'EVENT_OUT_OF_ORDER',
          `notifiedAt ${input.notifiedAt} is before the action was issued (${at})`,
          {
            field: 'notifiedAt',
            value: input.notifiedAt,
            earlier: 'action.issued',
          },
        );
      }
    }
    if (input.incidentAt && Date.parse(input.incidentAt) > Date.parse(at)) {
      refuse('EVENT_OUT_OF_ORDER', `incidentAt ${input.incidentAt} is after the action was issued (${at})`, {
        field: 'incidentAt',
        value: input.incidentAt,
      });
    }
    if (input.violationId && !violations.some((v) => v.id === input.violationId)) {
      refuse('UNKNOWN_VIOLATION', `no violation ${input.violationId} on this record`, {
        field: 'violationId',
        value: input.violationId,
        known: violations.map((v) => v.id),
      });
    }
    // Which earlier warning a written warning is measured against (§III.D.3.b) and which windows a
    // violation falls in depend on the order of the actions, so they are recorded in that order.
    const latest = actions
      .filter((a) => isDisciplinary(a.action))
      .sort((a, b) => Date.parse(issuedAt(b)) - Date.parse(issuedAt(a)))[0];
    if (latest && Date.parse(at) < Date.parse(issuedAt(latest))) {
      refuse(
        'EVENT_OUT_OF_ORDER',
        `the ${ACTION_LABELS[input.action]} issued ${at} is dated before ${latest.id} (${issuedAt(latest)}); record disciplinary actions in the order they were issued`,
        { field: 'issuedAt', value: at, earlier: latest.id },
      );
    }
    if (input.action === 'suspension') {
      // The policy's own range check: 1 to 10 working days, 15 in the driver's-license case.
      guard(() =>
        resolveFacts(getPolicy(PROBATION_POLICY_ID, intake.policyVersion), {
          action: 'suspension',
          suspensionWorkingDays: input.suspension.workingDays,
          licenseSuspension: input.suspension.licenseSuspension,
        }),
      );
      // Exact checks against the recorded calendar follow once the window is computed.
      if (Date.parse(`${input.suspension.firstDay}T23:59:59.999-06:00`) < Date.parse(at)) {
        refuse(
          'EVENT_OUT_OF_ORDER',
          `suspension.firstDay ${input.suspension.firstDay} is before the suspension was issued (${at})`,
          {
            field: 'suspension.firstDay',
            value: input.suspension.firstDay,
          },
        );
      }
    }
  }

  function factsOf(input: ParsedAction): Record<string, string | number | boolean> {
    if (input.action !== 'suspension') return { action: input.action };
    return {
      action: 'suspension',
      suspensionWorkingDays: input.suspension.workingDays,
      licenseSuspension: input.suspension.licenseSuspension,
      suspensionLength: String(input.suspension.workingDays),
    };
  }

  function eventsOf(input: ParsedAction): { events: Record<string, string>; prior?: string } {
    switch (input.action) {
      case 'initial-hire':
        return { events: { hired: input.hiredAt } };
      case 'promotion':
        return { events: { promoted: input.promotedAt } };
      case 'verbal-warning':
        // No disciplinary probation for a verbal warning (§III.D.3.a.ii): its notification starts nothing.
        return { events: { 'action.issued': input.issuedAt } };
      default: {
        const events: Record<string, string> = { 'action.issued': input.issuedAt };
        if (input.notifiedAt) events['notification.received'] = input.notifiedAt;
        if (input.action === 'suspension') {
          events['suspension.day-zero'] = suspensionDayZero(input.suspension.firstDay);
        }
        if (input.action !== 'written-warning') return { events };
        const prior = priorWrittenWarning(
          actions
            .filter((a) => a.action === 'written-warning')
            .map((a) => ({ id: a.id, issuedAt: issuedAt(a) })),
          input.issuedAt,
        );
        if (prior) events['written-warning.prior'] = prior.issuedAt;
        return prior ? { events, prior: prior.id } : { events };
      }
    }
  }

  async function recordAction(input: ParsedAction): Promise<void> {
    const id = `A${actions.length + 1}`;
    const { events, prior } = eventsOf(input);
    const action: ProbationAction = {
      id,
      action: input.action,
      events,
      facts: factsOf(input),
      extensions: [],
      recordedBy: input.by,
      keys: [],
      awaiting: [],
    };
    if (prior) action.priorWrittenWarning = prior;
    if (input.action !== 'initial-hire' && input.action !== 'promotion') {
      const violation = input.violationId ? violations.find((v) => v.id === input.violationId) : undefined;
      if (input.violationId) action.violationId = input.violationId;
      const incident = input.incidentAt ?? violation?.occurredAt;
      if (incident) action.incidentAt = incident;
    }
    if (input.action === 'suspension') action.suspension = { ...input.suspension };

    const schedule = await computeFor(action, events, []);
    if (input.action === 'suspension') {
      const days = schedule.entries.find((e) => e.key === 'suspension.days');
      const window = schedule.entries.find((e) => e.key === 'lookback.suspension');
      if (days && window)
        guard(() => checkSuspensionStart(days, input.suspension.firstDay, localDateOf(window.anchorAt)));
    }
    actions.push(action);
    adopt(action, schedule);
    const bound = schedule.entries.find((e) => e.key === 'verbal-warning.removal');
    if (bound?.earliest) action.removal = { eligibleFrom: bound.earliest, eligibleText: bound.localText };
    c.record({
      at: actionDate(input),
      type: `action.${input.action}`,
      actor: input.by,
      detail: `${id} ${ACTION_LABELS[input.action]}${prior ? ` (a second written warning within a year of ${prior}: at least 9 months, SD 2022-17 §III.D.3.b)` : ''}`,
    });
    refreshStage();
    revision += 1;
  }

  c.handle(notificationReceivedUpdate, {
    schema: notificationInputSchema,
    validate: (input) => {
      c.requireOpen('recording a notification');
      refuseFutureEvent(input.at);
      const action = findAction(input.actionId);
      if (!probationKeyOf(action.action) || !isDisciplinary(action.action)) {
        refuse(
          'NOT_APPLICABLE',
          action.action === 'verbal-warning'
            ? 'a verbal warning carries no disciplinary probation (SD 2022-17 §III.D.3.a.ii): there is no notification to record'
            : `a ${ACTION_LABELS[action.action]} starts its initial probation itself (SD 2022-17 §III.F.2)`,
          { field: 'actionId', value: input.actionId },
        );
      }
      const recorded = action.events['notification.received'];
      if (recorded)
        refuse('DUPLICATE_EVENT', `the notification of ${action.id} was already recorded at ${recorded}`);
      if (Date.parse(input.at) < Date.parse(issuedAt(action))) {
        refuse(
          'EVENT_OUT_OF_ORDER',
          `the notification at ${input.at} is before ${action.id} was issued (${issuedAt(action)})`,
          {
            field: 'at',
            value: input.at,
            earlier: 'action.issued',
          },
        );
      }
    },
    apply: async (input) => {
      const action = findAction(input.actionId);
      const events = { ...action.events, 'notification.received': input.at };
      const schedule = await computeFor(action, events, action.extensions);
      action.events = events;
      adopt(action, schedule);
      c.record({
        at: input.at,
        type: 'notification.received',
        actor: input.by,
        detail: `${action.id}: the employee received official notification; the probation commences (SD 2022-17 §III.F.1)`,
      });
      refreshStage();
      revision += 1;
    },
  });

  c.handle(violationReportedUpdate, {
    schema: violationInputSchema,
    validate: (input) => {
      c.requireOpen('reporting a violation');
      refuseFutureEvent(input.occurredAt, 'occurredAt');
    },
    apply: async (input) => {
      const id = `V${violations.length + 1}`;
      const at = Date.parse(input.occurredAt);
      const initial = actions.some((a) => {
        const d = tracked(a, isDisciplinary(a.action) ? undefined : 'probation.initial');
        return (
          d !== undefined && Date.parse(d.entry.anchorAt) <= at && at <= Date.parse(d.entry.dueAt as string)
        );
      });
      const advice = lookBack({ id, occurredAt: input.occurredAt }, priorActions(), initial);
      violations.push({ id, occurredAt: input.occurredAt, reportedBy: input.by, advice });
      c.record({
        at: input.occurredAt,
        type: 'violation.reported',
        actor: input.by,
        detail: `${id}: ${advice.moreSevereActionCalledFor ? 'more severe action called for if equal or more substantial (SD 2022-17 §III.D.4-5)' : 'no look-back window applies (SD 2022-17 §III.D.4-5)'}`,
      });
      revision += 1;
      await adviseDecisionMaker(advice);
    },
  });

  /**
   * The decision-making supervisor decides the discipline (§III.D.1) and is told what the look-back
   * calls for, with the dates and the rule. The notice is about the window that decides it: one the
   * violation falls in, or else the one that ended last.
   */
  async function adviseDecisionMaker(advice: LookbackAdvice): Promise<void> {
    const inside = advice.findings.filter((f) => f.within);
    const pool = inside.length > 0 ? inside : advice.findings;
    const decisive = [...pool].sort((a, b) => Date.parse(b.until) - Date.parse(a.until))[0];
    const entry = decisive ? c.deadline(decisive.key)?.entry : undefined;
    if (!decisive || !entry) return; // nothing on record to look back at: the answer is in the view
    const context: Record<string, string> = {
      Notice: 'Look-back on a new violation (SD 2022-17 §III.D.4-5)',
      Violation: `${advice.violationId} occurred ${advice.occurredAt}`,
      'More severe action called for': advice.moreSevereActionCalledFor
        ? 'yes, if the violation is equal or more substantial'
        : 'no',
    };
    for (const f of advice.findings) {
      context[`${f.actionId} ${ACTION_LABELS[f.action]}`] =
        `window ${localDateOf(f.from)} through ${f.untilText} (SD 2022-17 §${f.rule}): ${f.within ? 'the violation is inside it' : 'the violation is outside it'}`;
    }
    if (advice.expired.length > 0) context['Probation expired (§III.E.3)'] = advice.expired.join(', ');
    if (advice.initialProbation)
      context['Initial probation (§III.F.3)'] = 'the employee is on initial probation';
    await tell(
      'decision-making-supervisor',
      `${advice.violationId}/lookback`,
      entry,
      advice.summary,
      context,
    );
  }

  c.handle(verbalWarningRemovedUpdate, {
    schema: removalInputSchema,
    validate: (input) => {
      c.requireOpen('removing a verbal warning');
      refuseFutureEvent(input.at);
      const action = findAction(input.actionId);
      if (action.action !== 'verbal-warning' || !action.removal) {
        refuse(
          'NOT_APPLICABLE',
          `${action.id} is a ${ACTION_LABELS[action.action]}, not a verbal warning (SD 2022-17 §III.D.3.a.iii)`,
          {
            field: 'actionId',
            value: input.actionId,
          },
        );
      }
      if (action.removal.removedAt)
        refuse('DUPLICATE_EVENT', `${action.id} was already removed at ${action.removal.removedAt}`);
      const bound = c.lowerBound(`${action.id}:verbal-warning.removal`) as ScheduleEntry;
      guard(() => checkNotBefore(unprefixed(bound), input.at));
      const blockers = incidentsAfter(action);
      if (blockers.length > 0) {
        refuse(
          'OTHER_INCIDENT',
          `${action.id} may not be removed: other incidents occurred after it (${blockers.map((b) => `${b.id} ${b.at}`).join(', ')}); removal requires that no other incidents have occurred (SD 2022-17 §III.D.3.a.iii)`,
          { field: 'actionId', value: input.actionId, incidents: blockers, source: bound.sourceText },
        );
      }
    },
    apply: async (input) => {
      const action = findAction(input.actionId);
      const events = { ...action.events, 'verbal-warning.removed': input.at };
      const schedule = await computeFor(action, events, action.extensions);
      action.events = events;
      adopt(action, schedule);
      (action.removal as NonNullable<ProbationAction['removal']>).removedAt = input.at;
      c.record({
        at: input.at,
        type: 'verbal-warning.removed',
        actor: input.by,
        detail: `${action.id}: documentation removed from the Supervisor's File (SD 2022-17 §III.D.3.a.iii)`,
      });
      revision += 1;
    },
  });

  // The generic extension update, answered per action: the initial probation "may be extended by the
  // appropriate Decision-Making Supervisor in lieu of disciplinary action with written notification"
  // (§III.F.2), and a written warning's probation may be longer than its minimum (§III.D.3.b).
  c.handle(extendDeadlineUpdate, {
    schema: extensionRequestSchema,
    validate: (request) => {
      c.requireOpen('an extension');
      refuseFutureEvent(request.at);
      extensionFor(request);
    },
    apply: async (request) => {
      const { action, record } = extensionFor(request);
      const extensions = [...action.extensions, record];
      const schedule = await computeFor(action, action.events, extensions);
      action.extensions = extensions;
      adopt(action, schedule);
      const entry = (c.deadline(request.key) as TrackedDeadline).entry;
      c.record({
        at: request.at,
        type: 'deadline.extended',
        actor: request.approvedBy,
        detail: `${request.key} to ${record.dueAt} by ${record.approverRole}: ${record.reason}`,
      });
      refreshStage();
      revision += 1;
      await c.notify({
        kind: 'extension',
        noticeKey: `${request.key}/extension/${extensions.length}`,
        role: entry.responsibleRole,
        entry,
      });
      // The employee is told in writing: staff hand it over or mail it (§III.F.1-2) and record it.
      await c.addServiceTask(
        {
          key: `${request.key}.extension-${extensions.length}`,
          document: `Written notification: ${isDisciplinary(action.action) ? 'disciplinary' : 'initial'} probation extended through ${entry.localText} (${entry.sourceText})`,
          to: entry.extensionPolicy?.noticeTo ?? 'employee',
          role: request.approverRole,
        },
        entry,
      );
    },
  });

  function extensionFor(request: ExtensionRequestInput): {
    action: ProbationAction;
    record: ExtensionRecord;
  } {
    const parts = splitKey(request.key);
    const deadline = c.deadline(request.key);
    if (!parts || !deadline) {
      refuse('UNKNOWN_DEADLINE', `no deadline ${request.key} on this record`, {
        key: request.key,
        known: c.deadlineViews().map((d) => d.key),
      });
    }
    const action = findAction(parts.actionId);
    if (!running(deadline) || Date.parse(request.at) > Date.parse(deadline.entry.dueAt as string)) {
      refuse(
        'PERIOD_ENDED',
        `${request.key} ended ${deadline.entry.localText}: a period can be extended only before it ends`,
        { key: request.key, dueAt: deadline.entry.dueAt },
      );
    }
    const entry = unprefixed(deadline.entry);
    const record = guard(() =>
      validateExtension(
        {
          id: PROBATION_POLICY_ID,
          version: action.policyVersion ?? '',
          rules: [{ key: entry.key, extension: entry.extensionPolicy }],
        },
        entry,
        { ...request, grantedAt: request.at },
      ),
    );
    return { action, record };
  }

  c.handle(separateUpdate, {
    schema: separationInputSchema,
    validate: (input) => {
      c.requireOpen('closing the record');
      refuseFutureEvent(input.at);
    },
    apply: async (input) => {
      c.waiveOpen(`employee separated (${input.reason})`, input.by);
      c.record({
        at: input.at,
        type: 'separated',
        actor: input.by,
        detail: `record closed: ${input.reason}`,
      });
      c.moveTo('separated', input.reason);
      revision += 1;
    },
  });

  // ---------------------------------------------------------------------------------------------
  // The record's life

  upsertSearchAttributes([
    { key: CaseTypeKey, value: PROBATION_CASE_TYPE },
    { key: JurisdictionKey, value: PROBATION_JURISDICTION },
    { key: FacilityKey, value: intake.facility },
    { key: StageKey, value: c.stage },
  ]);
  publishPolicyVersion();
  if (!carried) {
    c.record({
      type: 'opened',
      detail: `probation record at ${intake.facility}`,
      actor: workflowInfo().workflowId,
    });
  }
  c.publish();

  const busy = (): boolean => working > 0 || c.sendingNotices;

  const wantsToContinue = (): boolean => {
    const info = workflowInfo();
    return info.historyLength >= intake.continueAsNewAtEvents || info.continueAsNewSuggested;
  };

  /** Milliseconds until no timer of the record lies within HANDOVER_GUARD_MS of now (0: now). */
  function msUntilQuiet(): number {
    const now = Date.now();
    const instants: number[] = [];
    for (const d of c.deadlineViews()) {
      if (d.kind !== 'deadline' || (d.state !== 'pending' && d.state !== 'extended') || !d.dueAt) continue;
      instants.push(Date.parse(d.dueAt), ...d.reminders.map((r) => Date.parse(r.at)));
    }
    const eligible = nextEligibility();
    if (eligible !== undefined) instants.push(eligible);
    const near = instants.filter((t) => Math.abs(t - now) <= HANDOVER_GUARD_MS);
    return near.length === 0 ? 0 : Math.max(...near) + HANDOVER_GUARD_MS - now + 1;
  }

  const readyToContinue = (): boolean => allHandlersFinished() && !busy() && msUntilQuiet() === 0;

  while (!c.closed) {
    if (nextEligibility() !== undefined && (nextEligibility() as number) <= Date.now()) {
      await recordWork(announceEligibility);
      continue;
    }
    if (wantsToContinue() && readyToContinue()) {
      // This run's history will be deleted with the namespace's retention: archive what it holds first.
      await c.archive('continued');
      // An update or notice that came in while the archive was written waits for the next attempt.
      if (!readyToContinue() || c.closed) continue;
      const carry: ProbationCarry = {
        stage: c.stage,
        ...(c.outcome !== undefined ? { outcome: c.outcome } : {}),
        actions,
        violations,
        book: c.deadlineSnapshot(),
        serviceTasks: [...c.serviceTasks],
        runs,
      };
      await continueAsNew<typeof probationRecord>({ ...raw, carried: carry });
    }
    const seen = revision;
    // A handover held back by a timer close to now is retried once that timer is well past; one held
    // back by a running handler or notice is retried by the predicate when that finishes.
    const quietIn = wantsToContinue() ? msUntilQuiet() : 0;
    const eligible = nextEligibility();
    const timers = [
      ...(eligible !== undefined ? [{ at: eligible, summary: 'verbal-warning removal eligibility' }] : []),
      ...(quietIn > 0
        ? [{ at: Date.now() + quietIn, summary: 'hand over to a new run (continue-as-new)' }]
        : []),
    ].sort((a, b) => a.at - b.at);
    const woken = () => c.closed || revision !== seen || (wantsToContinue() && readyToContinue());
    const next = timers[0];
    if (!next) await condition(woken);
    else
      await condition(woken, Math.max(1, next.at - Date.now()), {
        summary: `${next.summary} at ${new Date(next.at).toISOString()}`,
      });
  }

  // Let the update that closed the record answer, and any notice under way finish.
  await condition(() => allHandlersFinished() && !busy());
  c.publish();
  await c.archive('closed');
  return { employeeId: intake.employeeId, stage: c.stage, outcome: c.outcome, actions: actions.length, runs };
}
