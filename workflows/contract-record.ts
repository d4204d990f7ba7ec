// The state and rules of one inmate labor contract's record (NC DOC Policy D.0700 §.0705), used by
// the `contractRecord` workflow (workflows/contract.ts). Each confirmed violation is an entry with its
// own schedule, computed by the same recorded local activity as every case's, and its own entries in
// the one DeadlineBook, keyed `V2:<policy key>` (`V2:suspension.term`, `V2:resumption.earliest`,
// `V2:count.window`, `V1:warning.response`). The book arms the warning letter's answer, each
// suspension's end and each count's twelve months; this class decides the rung a violation draws,
// what a suspended contract waits for, and tells the people who decide.
import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import type { z } from 'zod';
import type { extensionRequestSchema } from '../domain/cases/common';
import {
  CONTRACT_CASE_TYPE,
  CONTRACT_JURISDICTION,
  CONTRACT_POLICY_ID,
  cite,
  decideSanction,
  ladderOf,
  missingAt,
  ordinal,
  REQUIREMENT_EVENTS,
  REQUIREMENT_LABELS,
  requirementsOf,
  requireResumable,
  sanctionWords,
  type BeyondLastRung,
  type ContractHeading,
  type ContractIntake,
  type LadderDecision,
  type PriorViolation,
  type Requirement,
  type ResumptionRequirement,
  type SuspensionState,
} from '../domain/cases/contract';
import { checkNotBefore } from '../domain/deadline/checks';
import { validateExtension } from '../domain/deadline/extensions';
import { AUTHORITY_TITLES, type LadderRung } from '../domain/policies/nc-doc-contract';
import type { AppliedSetting, ExtensionRecord, Schedule, ScheduleEntry } from '../domain/types';
import { computeScheduleRecorded, guard, refuse, refuseFutureEvent, type CaseView } from './case-support';
import { CaseRuntime } from './case-runtime';
import type { DeadlineBook, TrackedDeadline } from './deadlines';
import { CaseTypeKey, FacilityKey, JurisdictionKey, PolicyVersionKey, StageKey } from './search-attributes';

/** Where the contract stands; the Stage search attribute, so staff can list suspended contracts. */
export type ContractStage = 'active' | 'suspended' | 'ended';
const OPEN_STAGES: readonly ContractStage[] = ['active', 'suspended'];

/**
 * Continue-as-new waits until no reminder or period end of the book falls within this much of the
 * present, on either side: a restored watcher skips reminders whose time has passed, so one due while
 * the run hands over would otherwise never be sent.
 */
const HANDOVER_GUARD_MS = 60 * 60_000;

export interface ContractViolation {
  /** V1, V2, ... in the order confirmed. */
  id: string;
  heading: ContractHeading;
  reference: string;
  at: string;
  confirmedBy: string;
  position: number;
  countedWith: string[];
  rung: number;
  beyondLadder: boolean;
  summary: string;
  /** The events of its schedule (policy event keys → instants). */
  events: Record<string, string>;
  extensions: ExtensionRecord[];
  resumedAt?: string;
  termEndedAt?: string;
  countEndedAt?: string;
}

/** Everything a run hands to the next one. */
export interface ContractCarry {
  stage: ContractStage;
  outcome?: string;
  policyVersion: string;
  settings: AppliedSetting[];
  violations: ContractViolation[];
  book: ReturnType<DeadlineBook['snapshot']>;
  /** Runs so far, counting the one that hands over. */
  runs: number;
}

export interface ViolationView {
  id: string;
  reference: string;
  heading: ContractHeading;
  headingTitle: string;
  at: string;
  confirmedBy: string;
  /** Its place in its heading's twelve-month count (for (e), among all fatalities). */
  position: number;
  countedWith: string[];
  beyondLadder: boolean;
  /** The action it drew: a warning letter, or a suspension with its length and deciding authority. */
  action: {
    sanction: 'warning-letter' | 'suspension';
    words: string;
    length?: string;
    authority: string;
    authorityTitle: string;
    rule: string;
    source: string;
  };
  warning?: { responseDueAt?: string; responseDueText?: string; state?: string; responseReceivedAt?: string };
  suspension?: {
    startsAt: string;
    /** The first instant it may resume (the suspension has run). */
    earliestEnd?: string;
    earliestEndText?: string;
    /** The last day of the suspension, end of day. */
    lastDayText?: string;
    resumedAt?: string;
    /** What resumption still waits for, each with its rule and source. */
    waitingFor: Requirement[];
  };
  count: { counting: boolean; countsUntil?: string; countsUntilText?: string; forever: boolean };
  summary: string;
}

export interface HeadingCountView {
  heading: ContractHeading;
  title: string;
  /** Violations of the heading that count now. */
  count: number;
  violations: string[];
  /** When the count next drops back (the end of the earliest of their twelve months). */
  dropsBackAfter?: string;
  /** What a violation confirmed now would draw. */
  next: string;
}

export interface ContractRecordView {
  contractNumber: string;
  status: ContractStage;
  policyVersion: string;
  settings: AppliedSetting[];
  violations: ViolationView[];
  counts: HeadingCountView[];
  suspension?: {
    inForce: string[];
    earliestResumption?: string;
    earliestResumptionText?: string;
    waitingFor: Array<Requirement & { violationId: string }>;
  };
}

/** The `schedule` query and every update answer with this: the case view plus the record. */
export type ContractView = CaseView & { contract: ContractRecordView };

const nowIso = (): string => new Date(Date.now()).toISOString();

type ExtensionRequest = z.output<typeof extensionRequestSchema>;

/** `V3:suspension.term` → the violation and the policy key. */
function splitKey(key: string): { violationId: string; base: string } | undefined {
  const match = /^(V\d+):(.+)$/.exec(key);
  return match ? { violationId: match[1] as string, base: match[2] as string } : undefined;
}

function prefixed(id: string, entry: ScheduleEntry): ScheduleEntry {
  return {
    ...entry,
    key: `${id}:${entry.key}`,
    extensions: entry.extensions.map((x) => ({ ...x, key: `${id}:${x.key}` })),
  };
}

export class ContractRecord {
  readonly c: CaseRuntime<ContractStage>;
  readonly violations: ContractViolation[];
  readonly runs: number;
  policyVersion: string;
  settings: AppliedSetting[];
  /** Bumped on every change the main loop must look at again. */
  private revision = 0;
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
    this.c = new CaseRuntime<ContractStage>({
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
        contract: this.view(),
      }),
    });
    if (carried?.outcome !== undefined) this.c.outcome = carried.outcome;
  }

  // ---------------------------------------------------------------------------------------------
  // Reading the record

  private setting(key: string): string {
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
    const found = this.violations.find((v) => v.id === id);
    if (!found) {
      refuse('UNKNOWN_VIOLATION', `no violation ${id} on this record`, {
        field: 'violationId',
        value: id,
        known: this.violations.map((v) => v.id),
      });
    }
    return found;
  }

  tracked(v: ContractViolation, base: string): TrackedDeadline | undefined {
    return this.c.deadline(`${v.id}:${base}`);
  }

  priors(): PriorViolation[] {
    return this.violations.map((v) => {
      const window = this.tracked(v, 'count.window');
      return {
        id: v.id,
        heading: v.heading,
        at: v.at,
        ...(window ? { countsUntil: window.entry.dueAt as string } : {}),
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
    return computeScheduleRecorded({
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
    this.c.applySchedule({ ...schedule, entries: schedule.entries.map((e) => prefixed(v.id, e)) });
  }

  /** Records an event on one violation's schedule: recomputed first, so a failure changes nothing. */
  async recordOn(v: ContractViolation, event: string, at: string): Promise<void> {
    const events = { ...v.events, [event]: at };
    const schedule = await this.computeFor(v, events, v.extensions);
    v.events = events;
    this.adopt(v, schedule);
  }

  refreshStage(): void {
    if (this.c.closed) return;
    this.c.moveTo(this.inForce().length > 0 ? 'suspended' : 'active');
    this.revision += 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Opening: the policy version and settings in force are recorded once, with an empty schedule.

  async open(carried: boolean): Promise<void> {
    // Queued like an update's work, so an event that arrives while the record opens is applied (and
    // checked again) after it: none needs the version before a violation exists.
    await this.c.queue.run(() =>
      this.c.step(async () => {
        this.c.setSearchAttributes([
          { key: CaseTypeKey, value: CONTRACT_CASE_TYPE },
          { key: JurisdictionKey, value: CONTRACT_JURISDICTION },
          { key: FacilityKey, value: this.intake.facility },
          { key: StageKey, value: this.c.stage },
        ]);
        if (!carried) {
          // No events: it dates nothing, and records which version and settings the record runs on.
          const probe = await this.computeFor({ heading: 'a', rung: 1 }, {}, []);
          this.policyVersion = probe.policyVersion;
          this.settings = probe.settings ?? [];
          this.c.record({
            type: 'opened',
            detail: `contract record at ${this.intake.facility}`,
            actor: workflowInfo().workflowId,
          });
        }
        this.c.setSearchAttributes([
          { key: PolicyVersionKey, value: `${CONTRACT_POLICY_ID}@${this.policyVersion}` },
        ]);
        this.c.publish();
      }),
    );
  }

  // ---------------------------------------------------------------------------------------------
  // Notices. Workflows hold roles; the directory resolves them when each notice is sent.

  async tell(
    role: string,
    noticeKey: string,
    entry: ScheduleEntry,
    what: string,
    context: Record<string, string>,
  ): Promise<void> {
    await this.c.notify({
      kind: 'reminder',
      noticeKey,
      role,
      entry: { ...entry, action: what },
      context,
    });
  }

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
    const bound = this.c.lowerBound(`${v.id}:resumption.earliest`);
    if (bound) context['Earliest resumption'] = bound.localText;
    context['Before resumption'] = this.requirements(v)
      .map((r) => REQUIREMENT_LABELS[r.requirement])
      .join('; ');
    await this.tell(rung.authority, `${v.id}/sanction`, entry.entry, decision.summary, context);
    if (decision.alert) {
      const what = `For your attention: ${decision.alert.reason}. ${decision.summary}`;
      await this.tell(decision.alert.role, `${v.id}/beyond-ladder`, entry.entry, what, {
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
      await this.c.queue.run(work);
    } finally {
      this.working -= 1;
      this.revision += 1;
    }
  }

  async onPeriodEnd(deadline: TrackedDeadline): Promise<void> {
    const parts = splitKey(deadline.key);
    const v = parts ? this.violations.find((x) => x.id === parts.violationId) : undefined;
    if (!parts || !v) return;
    if (parts.base === 'count.window') {
      v.countEndedAt = deadline.entry.dueAt;
      const left = this.priors().filter((p) => p.heading === v.heading && p.id !== v.id);
      const still = left.filter((p) => p.countsUntil && Date.parse(p.countsUntil) > Date.now());
      this.c.record({
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
    this.c.record({
      type: 'suspension.term-ended',
      detail: `${v.id}: the suspension ran through ${deadline.entry.localText}${missing.length > 0 ? `; still missing ${missing.map((m) => m.requirement).join(', ')}` : ''}`,
    });
    if (missing.length === 0) return;
    const what = `The ${this.rungOf(v).length?.words} suspension for ${v.id} has run (through ${deadline.entry.localText}), but the contract stays suspended: it may not resume before ${missing.map((m) => REQUIREMENT_LABELS[m.requirement]).join(' and ')} (${missing[0]?.source}).`;
    await this.tell('facility-head', `${v.id}/suspension.term/stays-suspended`, deadline.entry, what, {
      Notice: 'Suspension period ended; the contract stays suspended',
      Contract: this.intake.contractNumber,
      Violation: `${v.id} (reference ${v.reference})`,
      'Still missing': missing.map((m) => REQUIREMENT_LABELS[m.requirement]).join('; '),
      Rule: missing.map((m) => `"${m.rule}" (${m.source})`).join(' '),
    });
  }

  // ---------------------------------------------------------------------------------------------
  // Checks the update validators run (a refusal leaves no trace in history)

  checkViolation(input: { at: string; heading: ContractHeading; reference: string }): void {
    this.c.requireOpen('confirming a violation');
    refuseFutureEvent(input.at);
    const same = this.violations.find((v) => v.reference === input.reference);
    if (same) {
      refuse(
        'DUPLICATE_EVENT',
        `violation ${input.reference} was already confirmed as ${same.id} (${same.at})`,
        {
          field: 'reference',
          value: input.reference,
        },
      );
    }
    // The count depends on the order of the violations, so they are recorded in the order confirmed.
    const latest = this.violations.at(-1);
    if (latest && Date.parse(input.at) < Date.parse(latest.at)) {
      refuse(
        'EVENT_OUT_OF_ORDER',
        `the violation confirmed ${input.at} is dated before ${latest.id} (${latest.at}); record violations in the order they were confirmed`,
        { field: 'at', value: input.at, earlier: latest.id },
      );
    }
  }

  /** The violation a letter, review or survey is for: the one named, or the only one waiting. */
  requirementTarget(
    kind: ResumptionRequirement,
    input: { at: string; violationId?: string },
  ): ContractViolation {
    this.c.requireOpen(`recording ${REQUIREMENT_LABELS[kind]}`);
    refuseFutureEvent(input.at);
    const event = REQUIREMENT_EVENTS[kind];
    const needs = (v: ContractViolation) => this.requirements(v).some((r) => r.requirement === kind);
    const waiting = this.violations.filter((v) => needs(v) && !v.events[event] && !v.resumedAt);
    const v = input.violationId ? this.find(input.violationId) : waiting[0];
    if (!v || !needs(v)) this.refuseNotApplicable(kind, v);
    if (!input.violationId && waiting.length > 1) {
      refuse(
        'AMBIGUOUS_VIOLATION',
        `${waiting.map((w) => w.id).join(' and ')} both wait for ${REQUIREMENT_LABELS[kind]}: name one in violationId`,
        {
          field: 'violationId',
          known: waiting.map((w) => w.id),
        },
      );
    }
    if (v.events[event])
      refuse('DUPLICATE_EVENT', `${event} for ${v.id} was already recorded at ${v.events[event]}`);
    if (Date.parse(input.at) < Date.parse(v.at)) {
      refuse('EVENT_OUT_OF_ORDER', `${event} at ${input.at} is before ${v.id} was confirmed (${v.at})`, {
        field: 'at',
        value: input.at,
        earlier: v.id,
      });
    }
    return v;
  }

  private refuseNotApplicable(kind: ResumptionRequirement, v: ContractViolation | undefined): never {
    const osha = kind === 'osha-survey' && this.setting('osha-survey') !== 'required';
    const why = v
      ? `${v.id} (${sanctionWords(this.rungOf(v))}, ${this.rungOf(v).section}) does not require it`
      : osha && this.policyVersion
        ? 'the agency does not require the OSHA survey (agency setting nc-doc-contract.osha-survey = not-required)'
        : 'no violation on this record is waiting for it';
    refuse('NOT_APPLICABLE', `${REQUIREMENT_LABELS[kind]}: ${why}`, {
      requirement: kind,
      ...(v ? { violationId: v.id } : {}),
    });
  }

  /** A resumption before a suspension has run, or before what it requires, is refused with the rule. */
  checkResumption(at: string): void {
    this.c.requireOpen('resuming the contract');
    refuseFutureEvent(at);
    const suspended = this.inForce();
    if (suspended.length === 0)
      refuse('NOT_SUSPENDED', 'the contract is not suspended: there is nothing to resume');
    for (const v of suspended) {
      const bound = this.c.lowerBound(`${v.id}:resumption.earliest`);
      if (bound) guard(() => checkNotBefore(bound, at));
    }
    guard(() =>
      requireResumable(
        suspended.map((v) => this.suspensionState(v)),
        at,
      ),
    );
  }

  /** The book's extension entry for a request, validated against the terms recorded with it. */
  extensionFor(request: ExtensionRequest): {
    v: ContractViolation;
    record: ExtensionRecord;
  } {
    this.c.requireOpen('an extension');
    refuseFutureEvent(request.at);
    const parts = splitKey(request.key);
    const deadline = this.c.deadline(request.key);
    if (!parts || !deadline) {
      refuse('UNKNOWN_DEADLINE', `no deadline ${request.key} on this record`, {
        key: request.key,
        known: this.c.deadlineViews().map((d) => d.key),
      });
    }
    const v = this.find(parts.violationId);
    const entry = { ...deadline.entry, key: parts.base };
    const record = guard(() =>
      validateExtension(
        {
          id: CONTRACT_POLICY_ID,
          version: this.policyVersion,
          rules: [{ key: parts.base, extension: entry.extensionPolicy }],
        },
        entry,
        { ...request, grantedAt: request.at },
      ),
    );
    return { v, record };
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
    this.c.record({
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
    const v = this.requirementTarget(kind, input);
    await this.recordOn(v, REQUIREMENT_EVENTS[kind], input.at);
    this.c.record({
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
    this.c.record({
      at: input.at,
      type: 'contract.resumed',
      actor: input.by,
      detail: `contract activities resumed after the suspension for ${suspended.map((v) => v.id).join(', ')}`,
    });
    this.refreshStage();
  }

  checkEnd(at: string): void {
    this.c.requireOpen('ending the contract');
    refuseFutureEvent(at);
  }

  async end(input: { at: string; by: string; reason: string }): Promise<void> {
    this.c.waiveOpen(`contract ended (${input.reason})`, input.by);
    this.c.record({ at: input.at, type: 'contract.ended', actor: input.by, detail: input.reason });
    this.c.moveTo('ended', input.reason);
    this.touch();
  }

  async extend(request: ExtensionRequest): Promise<void> {
    const { v, record } = this.extensionFor(request);
    const extensions = [...v.extensions, record];
    const schedule = await this.computeFor(v, v.events, extensions);
    v.extensions = extensions;
    this.adopt(v, schedule);
    const entry = (this.c.deadline(request.key) as TrackedDeadline).entry;
    this.c.record({
      at: request.at,
      type: 'deadline.extended',
      actor: request.approvedBy,
      detail: `${request.key} to ${record.dueAt} by ${record.approverRole}: ${record.reason}`,
    });
    this.touch();
    await this.c.notify({
      kind: 'extension',
      noticeKey: `${request.key}/extension/${extensions.length}`,
      role: entry.responsibleRole,
      entry,
    });
  }

  // ---------------------------------------------------------------------------------------------
  // The view

  violationView(v: ContractViolation): ViolationView {
    const ladder = ladderOf(this.policyVersion, v.heading);
    const rung = this.rungOf(v);
    const window = this.tracked(v, 'count.window');
    const countsUntil = window?.entry.dueAt;
    return {
      id: v.id,
      reference: v.reference,
      heading: v.heading,
      headingTitle: ladder.title,
      at: v.at,
      confirmedBy: v.confirmedBy,
      position: v.position,
      countedWith: v.countedWith,
      beyondLadder: v.beyondLadder,
      action: {
        sanction: rung.sanction,
        words: sanctionWords(rung),
        ...(rung.length ? { length: rung.length.words } : {}),
        authority: rung.authority,
        authorityTitle: AUTHORITY_TITLES[rung.authority],
        rule: rung.quote,
        source: cite(rung.section),
      },
      ...(rung.sanction === 'warning-letter'
        ? { warning: this.warningView(v) }
        : { suspension: this.suspensionView(v) }),
      count: {
        counting: countsUntil === undefined ? true : Date.now() <= Date.parse(countsUntil),
        ...(countsUntil ? { countsUntil, countsUntilText: window?.entry.localText } : {}),
        forever: ladder.window === 'ever',
      },
      summary: v.summary,
    };
  }

  private warningView(v: ContractViolation): ViolationView['warning'] {
    const due = this.tracked(v, 'warning.response');
    return {
      ...(due
        ? { responseDueAt: due.entry.dueAt, responseDueText: due.entry.localText, state: due.state }
        : {}),
      ...(v.events['response-letter.received']
        ? { responseReceivedAt: v.events['response-letter.received'] }
        : {}),
    };
  }

  private suspensionView(v: ContractViolation): ViolationView['suspension'] {
    const bound = this.c.lowerBound(`${v.id}:resumption.earliest`);
    const term = this.tracked(v, 'suspension.term');
    return {
      startsAt: v.at,
      ...(bound ? { earliestEnd: bound.earliest, earliestEndText: bound.localText } : {}),
      ...(term ? { lastDayText: term.entry.localText } : {}),
      ...(v.resumedAt ? { resumedAt: v.resumedAt } : {}),
      waitingFor: v.resumedAt ? [] : missingAt(this.suspensionState(v), nowIso()),
    };
  }

  private countView(heading: ContractHeading): HeadingCountView {
    const ladder = ladderOf(this.policyVersion, heading);
    const now = nowIso();
    const counting = this.priors().filter(
      (p) =>
        p.heading === heading &&
        Date.parse(p.at) <= Date.parse(now) &&
        (p.countsUntil === undefined || Date.parse(now) <= Date.parse(p.countsUntil)),
    );
    const ends = counting
      .map((p) => this.violations.find((v) => v.id === p.id))
      .map((v) => (v ? this.tracked(v, 'count.window') : undefined))
      .filter((d): d is TrackedDeadline => d !== undefined)
      .sort((a, b) => Date.parse(a.entry.dueAt as string) - Date.parse(b.entry.dueAt as string));
    return {
      heading,
      title: ladder.title,
      count: counting.length,
      violations: counting.map((p) => p.id),
      ...(ends[0] ? { dropsBackAfter: ends[0].entry.localText } : {}),
      next: this.decide(heading, now).summary,
    };
  }

  view(): ContractRecordView {
    const base: ContractRecordView = {
      contractNumber: this.intake.contractNumber,
      status: this.c.stage,
      policyVersion: this.policyVersion,
      settings: this.settings,
      violations: [],
      counts: [],
    };
    if (!this.policyVersion) return base;
    const suspended = this.inForce();
    const bounds = suspended
      .map((v) => this.c.lowerBound(`${v.id}:resumption.earliest`))
      .filter((e): e is ScheduleEntry => e !== undefined)
      .sort((a, b) => Date.parse(b.earliest as string) - Date.parse(a.earliest as string));
    return {
      ...base,
      violations: this.violations.map((v) => this.violationView(v)),
      counts: (['a', 'b', 'c', 'd', 'e'] as const).map((h) => this.countView(h)),
      ...(suspended.length > 0
        ? {
            suspension: {
              inForce: suspended.map((v) => v.id),
              ...(bounds[0]
                ? { earliestResumption: bounds[0].earliest, earliestResumptionText: bounds[0].localText }
                : {}),
              waitingFor: suspended.flatMap((v) =>
                missingAt(this.suspensionState(v), nowIso()).map((m) => ({ ...m, violationId: v.id })),
              ),
            },
          }
        : {}),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The record's life: it hands over to a new run (continue-as-new) before its history grows large

  private get busy(): boolean {
    return this.working > 0 || this.c.sendingNotices;
  }

  private wantsToContinue(): boolean {
    const info = workflowInfo();
    return info.historyLength >= this.intake.continueAsNewAtEvents || info.continueAsNewSuggested;
  }

  /** Milliseconds until no timer of the record lies within HANDOVER_GUARD_MS of now (0: now). */
  private msUntilQuiet(): number {
    const now = Date.now();
    const instants: number[] = [];
    for (const d of this.c.deadlineViews()) {
      if (d.kind !== 'deadline' || (d.state !== 'pending' && d.state !== 'extended') || !d.dueAt) continue;
      instants.push(Date.parse(d.dueAt), ...d.reminders.map((r) => Date.parse(r.at)));
    }
    const near = instants.filter((t) => Math.abs(t - now) <= HANDOVER_GUARD_MS);
    return near.length === 0 ? 0 : Math.max(...near) + HANDOVER_GUARD_MS - now + 1;
  }

  private readyToContinue(): boolean {
    return allHandlersFinished() && !this.busy && this.msUntilQuiet() === 0;
  }

  carry(): ContractCarry {
    return {
      stage: this.c.stage,
      ...(this.c.outcome !== undefined ? { outcome: this.c.outcome } : {}),
      policyVersion: this.policyVersion,
      settings: this.settings,
      violations: this.violations,
      book: this.c.deadlineSnapshot(),
      runs: this.runs,
    };
  }

  /** Runs until the contract ends, handing over through `continueAsNew` when history grows. */
  async run(continueAsNew: (carry: ContractCarry) => Promise<never>): Promise<void> {
    while (!this.c.closed) {
      if (this.wantsToContinue() && this.readyToContinue()) await continueAsNew(this.carry());
      const seen = this.revision;
      // A handover held back by a timer close to now is retried once that timer is well past; one held
      // back by a running handler or notice is retried by the predicate when that finishes.
      const quietIn = this.wantsToContinue() ? this.msUntilQuiet() : 0;
      const woken = () =>
        this.c.closed || this.revision !== seen || (this.wantsToContinue() && this.readyToContinue());
      if (quietIn === 0) await condition(woken);
      else
        await condition(woken, quietIn, {
          summary: `hand over to a new run (continue-as-new) at ${new Date(Date.now() + quietIn).toISOString()}`,
        });
    }
    // Let the update that closed the record answer, and any notice under way finish.
    await condition(() => allHandlersFinished() && !this.busy);
    this.c.publish();
  }

  touch(): void {
    this.revision += 1;
  }
}
