// The state and rules of one inmate labor contract's record (NC DOC Policy D.0700 §.0705), used by
// the `contractRecord` workflow (workflows/contract.ts). Each confirmed violation is an entry with its
// own schedule, computed by the same recorded local activity as every case's, and its own entries in
// the one DeadlineBook, keyed `V2:<policy key>` (`V2:suspension.term`, `V2:resumption.earliest`,
// `V2:count.window`, `V1:warning.response`). The book arms the warning letter's answer, each
// suspension's end and each count's twelve months; this class decides the rung a violation draws,
// what a suspended contract waits for, and tells the people who decide. What the validators check
// is in workflows/contract-checks.ts, what the record shows in workflows/contract-view.ts.
import { allHandlersFinished, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import { acknowledgeSchema, extensionRequestSchema } from '../domain/cases/common';
import { keyedUnder } from '../domain/cases/record-keys';
import { dueAtOf } from '../domain/deadline/checks';
import {
  contractEndedSchema,
  contractResumedSchema,
  CONTRACT_CASE_TYPE,
  CONTRACT_JURISDICTION,
  CONTRACT_POLICY_ID,
  decideSanction,
  ladderOf,
  missingAt,
  ordinal,
  REQUIREMENT_EVENTS,
  REQUIREMENT_LABELS,
  requirementEventSchema,
  requirementsOf,
  sanctionWords,
  splitViolationKey,
  violationConfirmedSchema,
  type BeyondLastRung,
  type ContractHeading,
  type ContractIntake,
  type ContractViolation,
  type LadderDecision,
  type PriorViolation,
  type Requirement,
  type ResumptionRequirement,
  type SuspensionState,
} from '../domain/cases/contract';
import { AUTHORITY_TITLES, type LadderRung } from '../domain/policies/nc-doc-contract';
import type { AppliedSetting, ExtensionRecord, Schedule } from '../domain/types';
import { computeCaseSchedule } from './case-schedule';
import { CaseRuntime, type CaseEventHandler } from './case-runtime';
import {
  checkEnd,
  checkResumption,
  checkViolation,
  extensionFor,
  requirementTarget,
  type ExtensionRequest,
} from './contract-checks';
import { contractRecordView, type ContractView } from './contract-view';
import type { TrackedDeadline } from './deadlines';
import { adoptExtension, findOnRecord, tellExtension, tellOfEntry } from './record-common';
import { carryRun, type RunCarry } from './record-loop';
import { CaseTypeKey, FacilityKey, JurisdictionKey, PolicyVersionKey, StageKey } from './search-attributes';

export type { ContractViolation } from '../domain/cases/contract';

/** Where the contract stands; the Stage search attribute, so staff can list suspended contracts. */
export type ContractStage = 'active' | 'suspended' | 'ended';
const OPEN_STAGES: readonly ContractStage[] = ['active', 'suspended'];

/**
 * Continue-as-new waits until no reminder or period end of the book falls within this much of the
 * present, on either side: a restored watcher skips reminders whose time has passed, so one due while
 * the run hands over would otherwise never be sent.
 */
const HANDOVER_GUARD_MS = 60 * 60_000;

/** Everything a run hands to the next one. */
export interface ContractCarry extends RunCarry<ContractStage> {
  policyVersion: string;
  settings: AppliedSetting[];
  violations: ContractViolation[];
}

const nowIso = (): string => new Date(Date.now()).toISOString();

export class ContractRecord {
  readonly runtime: CaseRuntime<ContractStage>;
  readonly violations: ContractViolation[];
  readonly runs: number;
  policyVersion: string;
  settings: AppliedSetting[];
  /** Bumped on every change the main loop must look at again. */
  private changes = 0;
  /** Record work (period ends) under way outside an update handler. */
  private working = 0;

  constructor(
    readonly intake: ContractIntake,
    carried?: ContractCarry,
  ) {
    this.violations = carried?.violations ?? [];
    this.runs = (carried?.runs ?? 0) + 1;
    this.policyVersion = carried?.policyVersion ?? '';
    this.settings = carried?.settings ?? [];
    this.runtime = new CaseRuntime<ContractStage>({
      continuesAsNew: true,
      caseType: CONTRACT_CASE_TYPE,
      caseNumber: intake.contractNumber,
      facility: intake.facility,
      jurisdiction: CONTRACT_JURISDICTION,
      policyId: CONTRACT_POLICY_ID,
      policyVersion: intake.policyVersion,
      facts: {},
      settings: intake.settings,
      events: {},
      stage: carried?.stage ?? 'active',
      openStages: OPEN_STAGES,
      bookOptions: {
        onPeriodEnd: (deadline) => this.recordWork(() => this.onPeriodEnd(deadline)),
        maxTimelineEvents: intake.maxTimelineEvents,
      },
      bookSnapshot: carried?.book,
      extendView: (view): ContractView => ({
        ...view,
        policyVersion: this.policyVersion,
        contract: contractRecordView(this),
      }),
    });
    if (carried?.outcome !== undefined) this.runtime.outcome = carried.outcome;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the record

  setting(key: string): string {
    const value = this.settings.find((s) => s.key === key)?.value;
    return typeof value === 'string' ? value : '';
  }

  rungOf(v: ContractViolation): LadderRung {
    return ladderOf(this.policyVersion, v.heading).rungs[v.rung - 1] as LadderRung;
  }

  requirements(v: ContractViolation): Requirement[] {
    const ladder = ladderOf(this.policyVersion, v.heading);
    return requirementsOf(ladder, this.rungOf(v), this.setting('osha-survey') === 'required');
  }

  find(id: string): ContractViolation {
    return findOnRecord(this.violations, id, {
      code: 'UNKNOWN_VIOLATION',
      noun: 'violation',
      field: 'violationId',
    });
  }

  tracked(v: ContractViolation, base: string): TrackedDeadline | undefined {
    return this.runtime.deadline(`${v.id}:${base}`);
  }

  priors(): PriorViolation[] {
    return this.violations.map((v) => {
      const window = this.tracked(v, 'count.window');
      return {
        id: v.id,
        heading: v.heading,
        at: v.at,
        ...(window ? { countsUntil: dueAtOf(window.entry) } : {}),
      };
    });
  }

  /** Suspensions not yet followed by a resumption. */
  inForce(): ContractViolation[] {
    return this.violations.filter((v) => this.rungOf(v).sanction === 'suspension' && !v.resumedAt);
  }

  suspensionState(v: ContractViolation): SuspensionState {
    return { violationId: v.id, requirements: this.requirements(v), events: v.events };
  }

  decide(heading: ContractHeading, at: string): LadderDecision {
    const ladder = ladderOf(this.policyVersion, heading);
    return decideSanction(ladder, this.priors(), at, this.setting('beyond-last-rung') as BeyondLastRung);
  }

  // ---------------------------------------------------------------------------------------------
  // Schedules: one per violation, computed and recorded like every case's

  computeFor(
    v: Pick<ContractViolation, 'heading' | 'rung'>,
    events: Record<string, string>,
    extensions: ExtensionRecord[],
  ): Promise<Schedule> {
    return computeCaseSchedule({
      policyId: CONTRACT_POLICY_ID,
      // Empty only for the opening probe, which finds the version (the intake's, or the latest).
      policyVersion: this.policyVersion || this.intake.policyVersion,
      facts: { heading: v.heading, rung: String(v.rung) },
      events,
      extensions,
      settings: this.intake.settings,
    });
  }

  adopt(v: ContractViolation, schedule: Schedule): void {
    this.runtime.applySchedule({
      ...schedule,
      entries: schedule.entries.map((e) => keyedUnder(v.id, e)),
    });
  }

  /** Records an event on one violation's schedule: recomputed first, so a failure changes nothing. */
  async recordOn(v: ContractViolation, event: string, at: string): Promise<void> {
    const events = { ...v.events, [event]: at };
    const schedule = await this.computeFor(v, events, v.extensions);
    v.events = events;
    this.adopt(v, schedule);
  }

  refreshStage(): void {
    if (this.runtime.closed) return;
    this.runtime.moveTo(this.inForce().length > 0 ? 'suspended' : 'active');
    this.changes += 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Opening: the policy version and settings in force are recorded once, with an empty schedule.

  async open(carried: boolean): Promise<void> {
    // Queued like an update's work, so an event that arrives while the record opens is applied (and
    // checked again) after it: none needs the version before a violation exists.
    await this.runtime.queue.run(() =>
      this.runtime.step(async () => {
        this.runtime.setSearchAttributes([
          { key: CaseTypeKey, value: CONTRACT_CASE_TYPE },
          { key: JurisdictionKey, value: CONTRACT_JURISDICTION },
          { key: FacilityKey, value: this.intake.facility },
          { key: StageKey, value: this.runtime.stage },
        ]);
        if (!carried) {
          // No events: it dates nothing, and records which version and settings the record runs on.
          const probe = await this.computeFor({ heading: 'a', rung: 1 }, {}, []);
          this.policyVersion = probe.policyVersion;
          this.settings = probe.settings ?? [];
          this.runtime.record({
            type: 'opened',
            detail: `contract record at ${this.intake.facility}`,
            actor: workflowInfo().workflowId,
          });
        }
        this.runtime.setSearchAttributes([
          { key: PolicyVersionKey, value: `${CONTRACT_POLICY_ID}@${this.policyVersion}` },
        ]);
        this.runtime.publish();
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Notices. Workflows hold roles; the directory resolves them when each notice is sent.

  /** The deciding authority is told of the violation and the sanction the ladder calls for. */
  async tellAuthority(v: ContractViolation, decision: LadderDecision): Promise<void> {
    const rung = decision.rung;
    const entry = this.tracked(
      v,
      rung.sanction === 'warning-letter' ? 'warning.response' : 'suspension.term',
    );
    if (!entry) return;
    const context: Record<string, string> = {
      Notice: `Confirmed violation under ${ladderOf(this.policyVersion, v.heading).section}: the sanction the ladder calls for`,
      Contract: this.intake.contractNumber,
      Violation: `${v.id} (reference ${v.reference}), confirmed ${v.at}`,
      'Position in the count': `${ordinal(decision.position)}${decision.countedWith.length > 0 ? ` (with ${decision.countedWith.join(', ')})` : ''}`,
      Sanction: sanctionWords(rung),
      'Deciding authority': AUTHORITY_TITLES[rung.authority],
      Source: entry.entry.sourceText,
    };
    const bound = this.runtime.lowerBound(`${v.id}:resumption.earliest`);
    if (bound) context['Earliest resumption'] = bound.localText;
    context['Before resumption'] = this.requirements(v)
      .map((r) => REQUIREMENT_LABELS[r.requirement])
      .join('; ');
    await tellOfEntry(
      this.runtime,
      rung.authority,
      `${v.id}/sanction`,
      entry.entry,
      decision.summary,
      context,
    );
    if (decision.alert) {
      const what = `For your attention: ${decision.alert.reason}. ${decision.summary}`;
      await tellOfEntry(this.runtime, decision.alert.role, `${v.id}/beyond-ladder`, entry.entry, what, {
        ...context,
        Notice: 'A violation past the last rung of its ladder (agency setting beyond-last-rung)',
      });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Period ends: a suspension has run, a violation's twelve months are over

  async recordWork(work: () => Promise<void>): Promise<void> {
    this.working += 1;
    try {
      // A book restored in CaseRuntime's constructor may call back before the constructor returns.
      await Promise.resolve();
      await this.runtime.queue.run(work);
    } finally {
      this.working -= 1;
      this.changes += 1;
    }
  }

  async onPeriodEnd(deadline: TrackedDeadline): Promise<void> {
    const parts = splitViolationKey(deadline.key);
    const v = parts ? this.violations.find((x) => x.id === parts.violationId) : undefined;
    if (!parts || !v) return;
    if (parts.base === 'count.window') {
      v.countEndedAt = deadline.entry.dueAt;
      const left = this.priors().filter((p) => p.heading === v.heading && p.id !== v.id);
      const still = left.filter((p) => p.countsUntil && Date.parse(p.countsUntil) > Date.now());
      this.runtime.record({
        type: 'count.dropped',
        detail: `${v.id} no longer counts under D.0705(${v.heading}) after ${deadline.entry.localText}: the count is now ${still.length}`,
      });
      return;
    }
    if (parts.base === 'suspension.term') await this.onTermEnded(v, deadline);
  }

  /** The suspension has run. If the letter or review is still missing, the Facility Head is alerted. */
  private async onTermEnded(v: ContractViolation, deadline: TrackedDeadline): Promise<void> {
    v.termEndedAt = deadline.entry.dueAt;
    const missing = v.resumedAt ? [] : missingAt(this.suspensionState(v), nowIso());
    this.runtime.record({
      type: 'suspension.term-ended',
      detail: `${v.id}: the suspension ran through ${deadline.entry.localText}${missing.length > 0 ? `; still missing ${missing.map((m) => m.requirement).join(', ')}` : ''}`,
    });
    if (missing.length === 0) return;
    const what = `The ${this.rungOf(v).length?.words} suspension for ${v.id} has run (through ${deadline.entry.localText}), but the contract stays suspended: it may not resume before ${missing.map((m) => REQUIREMENT_LABELS[m.requirement]).join(' and ')} (${missing[0]?.source}).`;
    await tellOfEntry(
      this.runtime,
      'facility-head',
      `${v.id}/suspension.term/stays-suspended`,
      deadline.entry,
      what,
      {
        Notice: 'Suspension period ended; the contract stays suspended',
        Contract: this.intake.contractNumber,
        Violation: `${v.id} (reference ${v.reference})`,
        'Still missing': missing.map((m) => REQUIREMENT_LABELS[m.requirement]).join('; '),
        Rule: missing.map((m) => `"${m.rule}" (${m.source})`).join(' '),
      },
    );
  }

  // ---------------------------------------------------------------------------------------------
  // What the updates do once accepted

  async confirm(input: {
    at: string;
    by: string;
    heading: ContractHeading;
    reference: string;
  }): Promise<void> {
    const decision = this.decide(input.heading, input.at);
    const v: ContractViolation = {
      id: `V${this.violations.length + 1}`,
      heading: input.heading,
      reference: input.reference,
      at: input.at,
      confirmedBy: input.by,
      position: decision.position,
      countedWith: decision.countedWith,
      rung: decision.rung.rung,
      beyondLadder: decision.beyondLadder,
      summary: decision.summary,
      events: { 'violation.confirmed': input.at },
      extensions: [],
    };
    const schedule = await this.computeFor(v, v.events, []);
    this.violations.push(v);
    this.adopt(v, schedule);
    this.runtime.record({
      at: input.at,
      type: 'violation.confirmed',
      actor: input.by,
      detail: `${v.id} (${input.reference}): ${decision.summary}`,
    });
    this.refreshStage();
    await this.tellAuthority(v, decision);
  }

  async recordRequirement(
    kind: ResumptionRequirement,
    input: { at: string; by: string; violationId?: string },
  ): Promise<void> {
    const v = requirementTarget(this, kind, input);
    await this.recordOn(v, REQUIREMENT_EVENTS[kind], input.at);
    this.runtime.record({
      at: input.at,
      type: REQUIREMENT_EVENTS[kind],
      actor: input.by,
      detail: `${v.id}: ${REQUIREMENT_LABELS[kind]}`,
    });
    this.touch();
  }

  /** Every suspension in force ends with the resumption; all are recomputed before any changes. */
  async resume(input: { at: string; by: string }): Promise<void> {
    const suspended = this.inForce();
    const schedules: Schedule[] = [];
    for (const v of suspended) {
      schedules.push(await this.computeFor(v, { ...v.events, 'contract.resumed': input.at }, v.extensions));
    }
    suspended.forEach((v, i) => {
      v.events = { ...v.events, 'contract.resumed': input.at };
      v.resumedAt = input.at;
      this.adopt(v, schedules[i] as Schedule);
    });
    this.runtime.record({
      at: input.at,
      type: 'contract.resumed',
      actor: input.by,
      detail: `contract activities resumed after the suspension for ${suspended.map((v) => v.id).join(', ')}`,
    });
    this.refreshStage();
  }

  async end(input: { at: string; by: string; reason: string }): Promise<void> {
    this.runtime.waiveOpen(`contract ended (${input.reason})`, input.by);
    this.runtime.record({ at: input.at, type: 'contract.ended', actor: input.by, detail: input.reason });
    this.runtime.moveTo('ended', input.reason);
    this.touch();
  }

  async extend(request: ExtensionRequest): Promise<void> {
    const { v, record } = extensionFor(this, request);
    const { entry, count } = await adoptExtension(this, v, request, record);
    this.touch();
    await tellExtension(this.runtime, request.key, count, entry);
  }

  // ---------------------------------------------------------------------------------------------
  // The record's life: it hands over to a new run (continue-as-new) before its history grows large

  /** Changes so far: the main loop waits for this to move. */
  get revision(): number {
    return this.changes;
  }

  /** Period-end work or a notice under way. */
  get busy(): boolean {
    return this.working > 0 || this.runtime.deliveriesPending;
  }

  wantsToContinue(): boolean {
    const info = workflowInfo();
    return info.historyLength >= this.intake.continueAsNewAtEvents || info.continueAsNewSuggested;
  }

  /** Milliseconds until no timer of the record lies within HANDOVER_GUARD_MS of now (0: now). */
  msUntilQuiet(): number {
    const now = Date.now();
    const instants: number[] = [];
    for (const d of this.runtime.deadlineViews()) {
      if (d.kind !== 'deadline' || (d.state !== 'pending' && d.state !== 'extended') || !d.dueAt) continue;
      instants.push(Date.parse(d.dueAt), ...d.reminders.map((r) => Date.parse(r.at)));
    }
    const near = instants.filter((t) => Math.abs(t - now) <= HANDOVER_GUARD_MS);
    return near.length === 0 ? 0 : Math.max(...near) + HANDOVER_GUARD_MS - now + 1;
  }

  readyToContinue(): boolean {
    return allHandlersFinished() && !this.busy && this.msUntilQuiet() === 0;
  }

  carry(): ContractCarry {
    return {
      ...carryRun(this.runtime, this.runs),
      policyVersion: this.policyVersion,
      settings: this.settings,
      violations: this.violations,
    };
  }

  touch(): void {
    this.changes += 1;
  }
}

type Handler<S extends z.ZodTypeAny> = Omit<CaseEventHandler<unknown, z.output<S>>, '_input'>;

/** An update's handler: its payload schema, the check its validator runs, what it does once accepted. */
function on<S extends z.ZodTypeAny>(
  schema: S,
  validate: (input: z.output<S>) => void,
  apply: (input: z.output<S>) => Promise<void>,
): Handler<S> {
  return { schema, validate, apply };
}

/** The record's updates, each delegating to its check and its action. */
export function contractHandlers(record: ContractRecord) {
  const { runtime } = record;
  const requirement = (kind: ResumptionRequirement) =>
    on(
      requirementEventSchema,
      (event) => void requirementTarget(record, kind, event),
      (event) => record.recordRequirement(kind, event),
    );
  return {
    violationConfirmed: on(
      violationConfirmedSchema,
      (event) => checkViolation(record, event),
      (event) => record.confirm(event),
    ),
    responseLetterReceived: requirement('response-letter'),
    safetyReviewCompleted: requirement('safety-review'),
    oshaSurveyCompleted: requirement('osha-survey'),
    contractResumed: on(
      contractResumedSchema,
      (event) => checkResumption(record, event.at),
      (event) => record.resume(event),
    ),
    contractEnded: on(
      contractEndedSchema,
      (event) => checkEnd(record, event.at),
      (event) => record.end(event),
    ),
    // The record's deadlines live in its own book entries (`V1:warning.response`), not in
    // CaseRuntime's one schedule, so acknowledgements and extensions are answered here.
    acknowledge: on(
      acknowledgeSchema,
      (ack) => void runtime.requireBreached(ack.key),
      async (ack) => void runtime.acknowledge(ack.key, ack.by),
    ),
    extendDeadline: on(
      extensionRequestSchema,
      (request) => void extensionFor(record, request),
      (request) => record.extend(request),
    ),
  };
}
