// The state and rules of one employee's probation record, used by the `probationRecord` workflow
// (workflows/probation.ts). Each action is an entry with its own schedule, computed by the same
// recorded local activity as every case's, and its own entries in the runtime's one deadline book,
// keyed `A3:<policy key>` (`A3:probation.written-warning`, `A3:lookback.warning`). The book arms their
// reminders and period ends; this class decides what each update does to the record and who is told.
import {
  ACTION_LABELS,
  actionDate,
  actionInputSchema,
  notificationInputSchema,
  removalInputSchema,
  separationInputSchema,
  violationInputSchema,
  checkSuspensionStart,
  incidentsSince,
  isDisciplinary,
  localDateOf,
  lookBack,
  PROBATION_CASE_TYPE,
  PROBATION_JURISDICTION,
  PROBATION_POLICY_ID,
  type Incident,
  type LookbackAdvice,
  type NotificationInput,
  type ParsedAction,
  type PriorAction,
  type ProbationIntake,
  type RemovalInput,
  type SeparationInput,
  type ViolationInput,
} from '../../domain/cases/probation';
import {
  eventsOf,
  factsOf,
  issuedAt,
  lookbackKeyOf,
  probationKeyOf,
  splitKey,
  unprefixed,
  type ProbationAction,
} from '../../domain/cases/probation-actions';
import { keyedUnder } from '../../domain/cases/record-keys';
import { checkNotBefore, dueAtOf } from '../../domain/deadline/checks';
import { extensionRequestSchema, type ExtensionRequestInput } from '../../domain/cases/common';
import type { ExtensionRecord, LowerBoundScheduleEntry, Schedule, ScheduleEntry } from '../../domain/types';
import { computeCaseSchedule } from '../case-schedule';
import { guard, refuse, refuseFutureEvent } from '../refusals';
import { CaseRuntime, type CaseUpdateSpec } from '../case-runtime';
import type { TrackedDeadline } from '../deadlines';
import {
  adoptExtension,
  findOnRecord,
  requestedDeadline,
  tellExtension,
  tellOfEntry,
  validatedExtension,
} from '../record-common';
import { carryRun } from '../record-loop';
import { checkAction } from './checks';
import type { ProbationCarry, ProbationView, ProbationViolation, RecordStage } from './types';
import { recordView, running } from './view';

const OPEN_STAGES: readonly RecordStage[] = ['clear', 'initial-probation', 'disciplinary-probation'];
const nowIso = (): string => new Date(Date.now()).toISOString();
type Removal = NonNullable<ProbationAction['removal']>;

export class ProbationRecord {
  readonly runtime: CaseRuntime<RecordStage>;
  readonly actions: ProbationAction[];
  readonly violations: ProbationViolation[];
  /** Runs so far, counting this one. */
  readonly runs: number;

  constructor(
    readonly intake: ProbationIntake,
    carried?: ProbationCarry,
  ) {
    this.actions = carried?.actions ?? [];
    this.violations = carried?.violations ?? [];
    this.runs = (carried?.runs ?? 0) + 1;
    this.runtime = new CaseRuntime<RecordStage>({
      continuesAsNew: true,
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
      onPeriodEnd: (deadline) => this.periodEnded(deadline),
      bookOptions: { maxTimelineEvents: intake.maxTimelineEvents },
      bookSnapshot: carried?.book,
      extendView: (view): ProbationView => ({
        ...view,
        policyVersion: this.actions.at(-1)?.policyVersion ?? '',
        record: this.view(),
      }),
    });
    if (carried) {
      this.runtime.serviceTasks.push(...carried.serviceTasks);
      this.runtime.outcome = carried.outcome;
    }
  }

  /** Opens this run: a new record's `opened` entry, or a continued one's search attributes again. */
  open(continued: boolean): void {
    this.runtime.openRecord(
      this.policyLabel(),
      continued ? undefined : `probation record at ${this.intake.facility}`,
    );
  }

  carry(): ProbationCarry {
    return {
      ...carryRun(this.runtime, this.runs),
      actions: this.actions,
      violations: this.violations,
      serviceTasks: [...this.runtime.serviceTasks],
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the record

  find(id: string): ProbationAction {
    return findOnRecord(this.actions, id, { code: 'UNKNOWN_ACTION', noun: 'action', field: 'actionId' });
  }

  private readonly tracked = (
    action: ProbationAction,
    base: string | undefined,
  ): TrackedDeadline | undefined => (base ? this.runtime.deadline(`${action.id}:${base}`) : undefined);

  view(): ProbationView['record'] {
    return recordView(this.intake.employeeId, this.actions, this.violations, this.tracked);
  }

  private priorActions(): PriorAction[] {
    return this.actions.flatMap((a): PriorAction[] => {
      if (!isDisciplinary(a.action)) return [];
      const window = this.tracked(a, lookbackKeyOf(a.action));
      const probation = this.tracked(a, probationKeyOf(a.action));
      const prior: PriorAction = {
        id: a.id,
        action: a.action,
        issuedAt: issuedAt(a),
        removed: a.removal?.removedAt !== undefined,
        ...(window
          ? {
              window: {
                key: window.key,
                from: window.entry.anchorAt,
                until: dueAtOf(window.entry),
                untilText: window.entry.localText,
                source: window.entry.sourceText,
              },
            }
          : {}),
        ...(probation
          ? { probation: { until: dueAtOf(probation.entry), untilText: probation.entry.localText } }
          : {}),
      };
      return [prior];
    });
  }

  /** Other incidents recorded after a verbal warning (§III.D.3.a.iii). */
  private incidentsAfter(warning: ProbationAction): Incident[] {
    const all: Incident[] = [
      ...this.violations.map((v) => ({ id: v.id, at: v.occurredAt })),
      ...this.actions
        .filter((a) => a.id !== warning.id && isDisciplinary(a.action))
        .map((a) => ({ id: a.id, at: a.incidentAt ?? issuedAt(a) })),
    ];
    return incidentsSince(issuedAt(warning), all);
  }

  /** The stage follows the periods: disciplinary probation outranks an initial one. */
  private refreshStage(): void {
    if (this.runtime.closed) return;
    const view = this.view();
    const next: RecordStage =
      view.onDisciplinaryProbation.length > 0
        ? 'disciplinary-probation'
        : view.onInitialProbation.length > 0
          ? 'initial-probation'
          : 'clear';
    this.runtime.moveTo(next);
  }

  // ---------------------------------------------------------------------------------------------
  // Schedules: one per action, computed and recorded like every case's

  computeFor(
    action: ProbationAction,
    events: Record<string, string>,
    extensions: ExtensionRecord[],
  ): Promise<Schedule> {
    return computeCaseSchedule({
      policyId: PROBATION_POLICY_ID,
      policyVersion: action.policyVersion ?? this.intake.policyVersion,
      facts: action.facts,
      events,
      extensions,
      settings: this.intake.settings,
    });
  }

  adopt(action: ProbationAction, schedule: Schedule): void {
    action.policyVersion = schedule.policyVersion;
    const entries = schedule.entries.map((entry) => keyedUnder(action.id, entry));
    this.runtime.applySchedule({ ...schedule, entries });
    action.keys = entries.map((e) => e.key);
    action.awaiting = (schedule.awaiting ?? []).map((a) => a.key);
    this.runtime.publishPolicyVersion(this.policyLabel());
  }

  /** The version the latest action's schedule runs on (`adc-probation@...`); empty before any. */
  private policyLabel(): string {
    const version = this.actions.at(-1)?.policyVersion;
    return version ? `${PROBATION_POLICY_ID}@${version}` : '';
  }

  // ---------------------------------------------------------------------------------------------
  // Notices. Workflows hold roles; the directory resolves them when each notice is sent.

  /**
   * A probation period has ended: the supervisor and HR are told. From then on a disciplinary action
   * "should not be used as a consideration for further progressive discipline" (§III.E.3).
   */
  private async periodEnded(deadline: TrackedDeadline): Promise<void> {
    const parts = splitKey(deadline.key);
    const action = parts ? this.actions.find((a) => a.id === parts.actionId) : undefined;
    if (!parts || !action || parts.base !== probationKeyOf(action.action)) {
      this.refreshStage();
      return;
    }
    action.probationEndedAt = deadline.entry.dueAt;
    const label = `${action.id} ${ACTION_LABELS[action.action]} of ${localDateOf(issuedAt(action))}`;
    const what = isDisciplinary(action.action)
      ? `The disciplinary probation for ${label} has ended: from now on it is not a consideration for further progressive discipline (SD 2022-17 §III.E.3). Its documentation stays in the Personnel File.`
      : `The initial probation that began with the ${label} has ended (SD 2022-17 §III.F.2).`;
    this.runtime.record({
      type: 'probation.ended',
      detail: `${deadline.key} ended ${deadline.entry.localText}`,
    });
    this.refreshStage();
    const context = {
      Notice: 'Probation period ended',
      Action: label,
      'Probation began': localDateOf(deadline.entry.anchorAt),
      'Probation ended': deadline.entry.localText,
    };
    for (const role of ['supervisor', 'hr']) {
      await tellOfEntry(
        this.runtime,
        role,
        `${deadline.key}/ended/${role}/${deadline.attempt}`,
        deadline.entry,
        what,
        context,
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Verbal-warning removal eligibility (§III.D.3.a.iii): the record's own timed work (`runRecord`),
  // since the book arms deadlines, not lower bounds.

  private eligibilityPending(): ProbationAction[] {
    if (this.runtime.closed) return [];
    return this.actions.filter(
      (a) => a.removal && !a.removal.notifiedAt && !a.removal.blockedBy && !a.removal.removedAt,
    );
  }

  /** When the next verbal warning becomes eligible for removal (epoch ms), if one is waiting. */
  nextEligibility(): number | undefined {
    // A date the schedule could not place (an instant out of the calendar's range) sets no timer.
    const times = this.eligibilityPending()
      .map((a) => Date.parse(a.removal?.eligibleFrom as string))
      .filter(Number.isFinite);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  async announceEligibility(): Promise<void> {
    for (const action of this.eligibilityPending()) {
      const removal = action.removal as Removal;
      if (Date.parse(removal.eligibleFrom) > Date.now()) continue;
      const blockers = this.incidentsAfter(action);
      if (blockers.length > 0) {
        removal.blockedBy = blockers.map((i) => i.id);
        this.runtime.record({
          type: 'verbal-warning.removal-barred',
          detail: `${action.id}: other incidents since the warning (${removal.blockedBy.join(', ')}), so its documentation stays (SD 2022-17 §III.D.3.a.iii)`,
        });
        continue;
      }
      removal.notifiedAt = nowIso();
      const bound = this.removalBound(action);
      this.runtime.record({
        type: 'verbal-warning.removal-eligible',
        detail: `${action.id}: eligible for removal from ${removal.eligibleText}`,
      });
      // The reminder template needs a dated entry: the lower bound, shown at the instant it opens.
      const { earliest, ...fields } = bound;
      const entry: ScheduleEntry = { ...fields, kind: 'deadline', dueAt: earliest };
      const warning = `${action.id} verbal warning of ${localDateOf(issuedAt(action))}`;
      await tellOfEntry(
        this.runtime,
        'supervisor',
        `${bound.key}/eligible`,
        entry,
        `From ${removal.eligibleText}, the verbal warning ${action.id} of ${localDateOf(issuedAt(action))} may be removed from the Supervisor's File on the employee's written request and your approval: no other incident is on record since it (SD 2022-17 §III.D.3.a.iii).`,
        {
          Notice: 'Verbal warning eligible for removal',
          Action: warning,
          'Eligible from': removal.eligibleText,
          'Other incidents since the warning': 'none on record',
        },
      );
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Updates: each one's schema, its check (in its validator: a refusal leaves no trace) and its effect.

  readonly onAction = this.update(actionInputSchema, this.checkAction, this.recordAction);
  readonly onNotification = this.update(
    notificationInputSchema,
    this.checkNotification,
    this.notificationReceived,
  );
  readonly onViolation = this.update(violationInputSchema, this.checkViolation, this.violationReported);
  readonly onRemoval = this.update(removalInputSchema, this.checkRemoval, this.verbalWarningRemoved);
  readonly onExtension = this.update(extensionRequestSchema, this.checkExtension, this.extend);
  readonly onSeparation = this.update(separationInputSchema, this.checkSeparation, this.separate);

  /** An update's spec: this record's check runs in its validator, its effect in its handler. */
  private update<Parsed>(
    schema: CaseUpdateSpec<unknown, Parsed>['schema'],
    check: (input: Parsed) => void,
    effect: (input: Parsed) => Promise<void>,
  ): CaseUpdateSpec<unknown, Parsed> {
    return {
      schema,
      validate: (input) => check.call(this, input),
      apply: (input) => effect.call(this, input),
    };
  }

  checkAction(input: ParsedAction): void {
    this.runtime.requireOpen('recording an action');
    checkAction(input, this.actions, this.violations, this.intake.policyVersion);
  }

  async recordAction(input: ParsedAction): Promise<void> {
    const id = `A${this.actions.length + 1}`;
    const { events, prior } = eventsOf(input, this.actions);
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
      const violation = input.violationId
        ? this.violations.find((v) => v.id === input.violationId)
        : undefined;
      if (input.violationId) action.violationId = input.violationId;
      const incident = input.incidentAt ?? violation?.occurredAt;
      if (incident) action.incidentAt = incident;
    }
    if (input.action === 'suspension') action.suspension = { ...input.suspension };

    const schedule = await this.computeFor(action, events, []);
    if (input.action === 'suspension') checkSuspensionDays(schedule, input.suspension.firstDay);
    this.actions.push(action);
    this.adopt(action, schedule);
    const bound = schedule.entries.find((e) => e.key === 'verbal-warning.removal');
    if (bound?.earliest) action.removal = { eligibleFrom: bound.earliest, eligibleText: bound.localText };
    this.runtime.record({
      at: actionDate(input),
      type: `action.${input.action}`,
      actor: input.by,
      detail: `${id} ${ACTION_LABELS[input.action]}${prior ? ` (a second written warning within a year of ${prior}: at least 9 months, SD 2022-17 §III.D.3.b)` : ''}`,
    });
    this.refreshStage();
    this.runtime.touch();
  }

  checkNotification(input: NotificationInput): void {
    this.runtime.requireOpen('recording a notification');
    refuseFutureEvent(input.at);
    const action = this.find(input.actionId);
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
        { field: 'at', value: input.at, earlier: 'action.issued' },
      );
    }
  }

  /** A verbal warning's earliest removal, which its schedule always holds once it is issued. */
  private removalBound(action: ProbationAction): LowerBoundScheduleEntry {
    const bound = this.runtime.lowerBound(`${action.id}:verbal-warning.removal`);
    if (!bound) throw new Error(`${action.id}: no removal lower bound`);
    return bound;
  }

  /** One action's event taken into its schedule: recomputed with it first (a failure changes nothing), then adopted. */
  private async addEvent(actionId: string, key: string, at: string): Promise<ProbationAction> {
    const action = this.find(actionId);
    const events = { ...action.events, [key]: at };
    const schedule = await this.computeFor(action, events, action.extensions);
    action.events = events;
    this.adopt(action, schedule);
    return action;
  }

  async notificationReceived(input: NotificationInput): Promise<void> {
    const action = await this.addEvent(input.actionId, 'notification.received', input.at);
    this.runtime.record({
      at: input.at,
      type: 'notification.received',
      actor: input.by,
      detail: `${action.id}: the employee received official notification; the probation commences (SD 2022-17 §III.F.1)`,
    });
    this.refreshStage();
    this.runtime.touch();
  }

  checkViolation(input: ViolationInput): void {
    this.runtime.requireOpen('reporting a violation');
    refuseFutureEvent(input.occurredAt, 'occurredAt');
  }

  async violationReported(input: ViolationInput): Promise<void> {
    const id = `V${this.violations.length + 1}`;
    const at = Date.parse(input.occurredAt);
    const initial = this.actions.some((a) => {
      const d = this.tracked(a, isDisciplinary(a.action) ? undefined : 'probation.initial');
      return d !== undefined && Date.parse(d.entry.anchorAt) <= at && at <= Date.parse(dueAtOf(d.entry));
    });
    const advice = lookBack({ id, occurredAt: input.occurredAt }, this.priorActions(), initial);
    this.violations.push({ id, occurredAt: input.occurredAt, reportedBy: input.by, advice });
    this.runtime.record({
      at: input.occurredAt,
      type: 'violation.reported',
      actor: input.by,
      detail: `${id}: ${advice.moreSevereActionCalledFor ? 'more severe action called for if equal or more substantial (SD 2022-17 §III.D.4-5)' : 'no look-back window applies (SD 2022-17 §III.D.4-5)'}`,
    });
    this.runtime.touch();
    await this.adviseDecisionMaker(advice);
  }

  /**
   * The decision-making supervisor decides the discipline (§III.D.1) and is told what the look-back
   * calls for, with the dates and the rule. The notice is about the window that decides it: one the
   * violation falls in, or else the one that ended last.
   */
  private async adviseDecisionMaker(advice: LookbackAdvice): Promise<void> {
    const inside = advice.findings.filter((f) => f.within);
    const pool = inside.length > 0 ? inside : advice.findings;
    const decisive = [...pool].sort((a, b) => Date.parse(b.until) - Date.parse(a.until))[0];
    const entry = decisive ? this.runtime.deadline(decisive.key)?.entry : undefined;
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
    await tellOfEntry(
      this.runtime,
      'decision-making-supervisor',
      `${advice.violationId}/lookback`,
      entry,
      advice.summary,
      context,
    );
  }

  checkRemoval(input: RemovalInput): void {
    this.runtime.requireOpen('removing a verbal warning');
    refuseFutureEvent(input.at);
    const action = this.find(input.actionId);
    if (action.action !== 'verbal-warning' || !action.removal) {
      refuse(
        'NOT_APPLICABLE',
        `${action.id} is a ${ACTION_LABELS[action.action]}, not a verbal warning (SD 2022-17 §III.D.3.a.iii)`,
        { field: 'actionId', value: input.actionId },
      );
    }
    if (action.removal.removedAt)
      refuse('DUPLICATE_EVENT', `${action.id} was already removed at ${action.removal.removedAt}`);
    const bound = this.removalBound(action);
    guard(() => checkNotBefore(unprefixed(bound), input.at));
    const blockers = this.incidentsAfter(action);
    if (blockers.length > 0) {
      refuse(
        'OTHER_INCIDENT',
        `${action.id} may not be removed: other incidents occurred after it (${blockers.map((b) => `${b.id} ${b.at}`).join(', ')}); removal requires that no other incidents have occurred (SD 2022-17 §III.D.3.a.iii)`,
        { field: 'actionId', value: input.actionId, incidents: blockers, source: bound.sourceText },
      );
    }
  }

  async verbalWarningRemoved(input: RemovalInput): Promise<void> {
    const action = await this.addEvent(input.actionId, 'verbal-warning.removed', input.at);
    (action.removal as Removal).removedAt = input.at;
    this.runtime.record({
      at: input.at,
      type: 'verbal-warning.removed',
      actor: input.by,
      detail: `${action.id}: documentation removed from the Supervisor's File (SD 2022-17 §III.D.3.a.iii)`,
    });
    this.runtime.touch();
  }

  // The extension update, answered per action: the initial probation "may be extended by the
  // appropriate Decision-Making Supervisor in lieu of disciplinary action with written notification"
  // (§III.F.2), and a written warning's probation may be longer than its minimum (§III.D.3.b).

  checkExtension(request: ExtensionRequestInput): void {
    this.runtime.requireOpen('an extension');
    refuseFutureEvent(request.at);
    this.extensionFor(request);
  }

  private extensionFor(request: ExtensionRequestInput): { action: ProbationAction; record: ExtensionRecord } {
    const { parts, deadline } = requestedDeadline(this.runtime, request.key, splitKey);
    const action = this.find(parts.actionId);
    if (!running(deadline) || Date.parse(request.at) > Date.parse(dueAtOf(deadline.entry))) {
      refuse(
        'PERIOD_ENDED',
        `${request.key} ended ${deadline.entry.localText}: a period can be extended only before it ends`,
        { key: request.key, dueAt: deadline.entry.dueAt },
      );
    }
    const entry = unprefixed(deadline.entry);
    const policy = { id: PROBATION_POLICY_ID, version: action.policyVersion ?? '' };
    return { action, record: validatedExtension(policy, entry, request) };
  }

  async extend(request: ExtensionRequestInput): Promise<void> {
    const { action, record } = this.extensionFor(request);
    const { entry, count } = await adoptExtension(this, action, request, record);
    this.refreshStage();
    this.runtime.touch();
    await tellExtension(this.runtime, request.key, count, entry);
    // The employee is told in writing: staff hand it over or mail it (§III.F.1-2) and record it.
    await this.runtime.addServiceTask(
      {
        key: `${request.key}.extension-${count}`,
        document: `Written notification: ${isDisciplinary(action.action) ? 'disciplinary' : 'initial'} probation extended through ${entry.localText} (${entry.sourceText})`,
        to: entry.extensionPolicy?.noticeTo ?? 'employee',
        role: request.approverRole,
      },
      entry,
    );
  }

  checkSeparation(input: SeparationInput): void {
    this.runtime.requireOpen('closing the record');
    refuseFutureEvent(input.at);
  }

  async separate(input: SeparationInput): Promise<void> {
    this.runtime.waiveOpen(`employee separated (${input.reason})`, input.by);
    this.runtime.record({
      at: input.at,
      type: 'separated',
      actor: input.by,
      detail: `record closed: ${input.reason}`,
    });
    this.runtime.moveTo('separated', input.reason);
    this.runtime.touch();
  }
}

/** A suspension's first day checked against its working days and look-back, as computed (recorded). */
function checkSuspensionDays(schedule: Schedule, firstDay: string): void {
  const days = schedule.entries.find((e) => e.key === 'suspension.days');
  const window = schedule.entries.find((e) => e.key === 'lookback.suspension');
  if (days && window) guard(() => checkSuspensionStart(days, firstDay, localDateOf(window.anchorAt)));
}
