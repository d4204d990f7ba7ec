// The life of one case inside its workflow, shared by every case type: recorded events, the schedule
// computed from them (in a local activity, so it is in history), the deadline book, service tasks,
// stages, and the update plumbing. A case-type workflow supplies only its own rules: which events
// exist, in which stages they are allowed, and what else happens when they are recorded.
//
// It composes the case's pieces (`caseParts`: steps, timeline, publisher, notice sender) with its
// deadline book, and is all a workflow talks to. The common queries and updates are registered from
// case-handlers.ts; a long-lived record's loop and hand-over are in record-loop.ts.
import {
  allHandlersFinished,
  condition,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair, UpdateDefinition } from '@temporalio/common';
import type { ArchiveActivities, CaseRecordSnapshot } from '../activities/archive';
import type { ZodError } from 'zod';
import type { EventBase, ExtensionRequestInput, ServiceProof } from '../domain/cases/common';
import { checkEvent } from '../domain/deadline/checks';
import type { ExtensionRecord, LowerBoundScheduleEntry, Schedule, ScheduleEntry } from '../domain/types';
import { registerCommonHandlers, type ExtensionSpec } from './case-handlers';
import { computeCaseSchedule } from './case-schedule';
import { guard, parsePayload, refuse, refuseFutureEvent } from './refusals';
import { SerialQueue } from './serial-queue';
import { DEADLINE_EVENTS, DeadlineEventPublisher, RECORD_DEADLINE_EVENTS } from './deadline-event-publisher';
import { type CaseView, type ServiceTask } from './case-messages';
import {
  caseParts,
  DeadlineBook,
  type BookSnapshot,
  type CaseParts,
  type DeadlineBookOptions,
  type TrackedDeadline,
} from './deadlines';
import type { CaseNotice } from './notice-sender';
import { RecordLoop, type RecordLife } from './record-loop';
import { CaseTypeKey, FacilityKey, JurisdictionKey, PolicyVersionKey, StageKey } from './search-attributes';
import type { Timeline, TimelineEvent } from './timeline';

export { RECORD_STEPS, type RecordLife } from './record-loop';

export interface CaseRuntimeOptions<Stage extends string> {
  /**
   * Long-lived records that continue as new (probation, contract) post their deadline changes from a
   * later patch than the other case types (see deadline-event-publisher.ts).
   */
  continuesAsNew?: boolean;
  caseType: string;
  caseNumber: string;
  facility: string;
  /** Opaque jurisdiction code for the search attribute, e.g. US-OK. */
  jurisdiction: string;
  policyId: string;
  policyVersion?: string;
  facts: Record<string, string | number | boolean>;
  settings?: Record<string, unknown>;
  /** Events known at opening (e.g. the incident), event key → instant. */
  events: Record<string, string>;
  stage: Stage;
  /** Stages in which the case is still open; the workflow ends when it leaves them. */
  openStages: readonly Stage[];
  bookOptions?: DeadlineBookOptions;
  /** Called after an extension is recorded (the affected party must be told). */
  onExtended?: (
    entry: ScheduleEntry,
    record: ExtensionRecord,
    request: ExtensionRequestInput,
  ) => Promise<void>;
  /** Called after proof of service is recorded. */
  onServiceRecorded?: (task: ServiceTask) => Promise<void> | void;
  /** Case-type checks of a proof of service (e.g. not before the decision served); throw to refuse. */
  validateService?: (task: ServiceTask, proof: ServiceProof) => void;
  /**
   * When a recomputed schedule no longer has an armed deadline, settle it instead of letting its
   * timer run on: a rule waiting for an event again has its clock stopped (tolled, e.g. an inmate
   * unavailable for service), a rule that no longer applies is waived (e.g. a waived hearing).
   */
  settleDroppedDeadlines?: boolean;
  /**
   * The deadline book a previous run carried across continue-as-new (`book.snapshot()`): restored
   * with `bookOptions`, its open deadlines re-armed, instead of a new, empty book.
   */
  bookSnapshot?: BookSnapshot;
  /** Adds the case type's own state to the view every query and update returns (e.g. a record's actions). */
  extendView?: (view: CaseView) => CaseView;
  /** The case type's own part of the archived record, in opaque IDs (e.g. a Title IX case's parties and roles). */
  archiveDetails?: () => Record<string, unknown>;
  /**
   * Called when a period of the book ends (a probation, a count's twelve months). It runs as the
   * case's own work (`work`): serialised with the updates, and never before the runtime and the case
   * type's object exist, even for a period a restored book finds already over.
   */
  onPeriodEnd?: (deadline: TrackedDeadline) => Promise<void>;
}

/** A case-type update's validation and effect (`handle`), or one replacing a common update. */
export type CaseUpdateSpec<Input, Parsed> = Omit<CaseEventHandler<Input, Parsed>, '_input'>;

/**
 * patched() id: a case's record is written to the records archive, and the write confirmed, before
 * its workflow completes or continues as new. Histories from before it complete without the activity.
 */
export const ARCHIVE_RECORD = 'archive-record-before-completion';

/**
 * The record must outlive the workflow, so the write is retried until it succeeds (an unreachable
 * store keeps the case open, visibly, rather than losing its record). The heartbeat lets a worker
 * killed mid-write be noticed in seconds; the write itself is idempotent.
 */
const ARCHIVE_OPTIONS = {
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '20 seconds',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
} as const;
const archiver = proxyActivities<ArchiveActivities>(ARCHIVE_OPTIONS);

/** At most this many writes of one record while updates keep changing it (an acknowledgement at close). */
const MAX_ARCHIVE_WRITES = 3;

/** What a case-type update does: validate synchronously (no trace if refused), then apply. */
export interface CaseEventHandler<Input, Parsed> {
  schema: { safeParse(v: unknown): { success: true; data: Parsed } | { success: false; error: ZodError } };
  validate(input: Parsed): void;
  apply(input: Parsed): Promise<void>;
  _input?: Input;
}

export class CaseRuntime<Stage extends string> {
  readonly events: Record<string, string>;
  /** The case facts; a recorded event may add some (e.g. the terms a finding imposes). */
  readonly facts: Record<string, string | number | boolean>;
  readonly extensions: ExtensionRecord[] = [];
  readonly serviceTasks: ServiceTask[] = [];
  /** The case's steps, timeline, published status and notices, shared with its deadline book. */
  private readonly parts: CaseParts;
  private readonly book: DeadlineBook;
  readonly queue = new SerialQueue();
  /** A long-lived record's own work, hand-over and policy version (`runRecord`). */
  private readonly recordLoop = new RecordLoop(this);
  stage: Stage;
  outcome?: string;
  private current?: Schedule;
  private version = 0;
  private readonly deadlineEvents: DeadlineEventPublisher;

  constructor(readonly options: CaseRuntimeOptions<Stage>) {
    this.events = { ...options.events };
    this.facts = { ...options.facts };
    this.stage = options.stage;
    const context = {
      caseNumber: options.caseNumber,
      caseType: options.caseType,
      facility: options.facility,
    };
    const onPeriodEnd = options.onPeriodEnd;
    const bookOptions: DeadlineBookOptions = {
      ...options.bookOptions,
      ...(onPeriodEnd ? { onPeriodEnd: (deadline) => this.work(() => onPeriodEnd(deadline)) } : {}),
      onChanges: (changes) => this.deadlineEvents.publish(changes, this.policyVersionLabel()),
    };
    this.deadlineEvents = new DeadlineEventPublisher(
      context,
      options.continuesAsNew ? RECORD_DEADLINE_EVENTS : DEADLINE_EVENTS,
    );
    this.parts = caseParts(context, bookOptions?.maxTimelineEvents);
    this.book = options.bookSnapshot
      ? DeadlineBook.restore(context, options.bookSnapshot, bookOptions, this.parts)
      : new DeadlineBook(context, bookOptions, this.parts);
  }

  get schedule(): Schedule | undefined {
    return this.current;
  }

  /** Increments whenever the schedule changes; main loops re-arm their timers on it. */
  get scheduleVersion(): number {
    return this.version;
  }

  get closed(): boolean {
    return !this.options.openStages.includes(this.stage);
  }

  // What a workflow needs from its deadlines, so no workflow reaches into the book.

  /** Adds an entry to the case's timeline. */
  record(event: Parameters<Timeline['record']>[0]): void {
    this.parts.timeline.record(event);
  }

  timeline(): TimelineEvent[] {
    return this.parts.timeline.events();
  }

  deadline(key: string): TrackedDeadline | undefined {
    return this.book.get(key);
  }

  lowerBound(key: string): LowerBoundScheduleEntry | undefined {
    return this.book.lowerBound(key);
  }

  /** Sends one notice; a permanent failure goes to the administrators and into the timeline. */
  notify(request: CaseNotice): Promise<boolean> {
    return this.parts.notices.notify(request);
  }

  acknowledge(key: string, by: string): TrackedDeadline {
    return this.book.acknowledge(key, by);
  }

  requireBreached(key: string): TrackedDeadline {
    return this.book.requireBreached(key);
  }

  waiveDeadline(key: string, reason: string, actor?: string): void {
    this.book.waive(key, reason, actor);
  }

  /** Publishes the search attributes and the UI's status text for the current deadlines. */
  publish(extraDetails?: string): void {
    this.parts.publisher.publish(extraDetails);
  }

  deadlineViews(): ReturnType<DeadlineBook['view']> {
    return this.book.view();
  }

  /** Runs one step of the case, publishing its search attributes once at the end. */
  step<T>(fn: () => Promise<T>): Promise<T> {
    return this.parts.steps.run(fn);
  }

  /** Upserts now, or with the rest of the current step's changes when one is running. */
  setSearchAttributes(pairs: SearchAttributeUpdatePair[]): void {
    this.parts.publisher.setSearchAttributes(pairs);
  }

  /** Tracks a schedule's deadlines directly (records whose schedule is assembled by the workflow). */
  applySchedule(schedule: Schedule, completed?: Iterable<string>): void {
    this.book.apply(schedule, completed);
  }

  /** A notice or a deadline-event publication is under way: the case must not continue as new yet. */
  get deliveriesPending(): boolean {
    return this.parts.notices.sending || this.deadlineEvents.pending;
  }

  private policyVersionLabel(): string {
    return `${this.options.policyId}@${this.current?.policyVersion ?? this.options.policyVersion ?? ''}`;
  }

  deadlineSnapshot(): BookSnapshot {
    return this.book.snapshot();
  }

  view(): CaseView {
    const view: CaseView = {
      caseNumber: this.options.caseNumber,
      caseType: this.options.caseType,
      facility: this.options.facility,
      stage: this.stage,
      policyId: this.options.policyId,
      policyVersion: this.current?.policyVersion ?? '',
      deadlineState: this.book.overallState(),
      deadlines: this.book.view(),
      awaiting: this.current?.awaiting ?? [],
      serviceTasks: this.serviceTasks,
      closed: this.closed,
      outcome: this.outcome,
    };
    return this.options.extendView ? this.options.extendView(view) : view;
  }

  computeSchedule(
    events: Record<string, string>,
    extensions: ExtensionRecord[],
    facts: Record<string, string | number | boolean> = this.facts,
  ): Promise<Schedule> {
    return computeCaseSchedule({
      policyId: this.options.policyId,
      policyVersion: this.current?.policyVersion ?? this.options.policyVersion,
      facts,
      events,
      extensions,
      settings: this.options.settings,
    });
  }

  /**
   * Registers the queries and updates every case has. Call before the first await. A record whose
   * deadlines are entries of its own (`A3:probation.written-warning`) answers extensions itself: its
   * handler is registered instead of the common one.
   */
  registerCommonHandlers(overrides: { extendDeadline?: ExtensionSpec } = {}): void {
    registerCommonHandlers(this, overrides);
  }

  /**
   * Registers a case-type update: the validator parses and checks the payload against the state
   * (refusing leaves no trace in history); the handler runs serialised with the other updates and
   * answers with the case's new view.
   */
  handle<Input, Parsed>(
    update: UpdateDefinition<CaseView, [Input]>,
    handler: Omit<CaseEventHandler<Input, Parsed>, '_input'>,
  ): void {
    const what = update.name;
    setHandler(
      update,
      (raw: Input) =>
        this.queue.run(() =>
          this.parts.steps.run(async () => {
            const input = parsePayload(handler.schema, raw, what);
            // State may have moved since validation while this update waited its turn.
            handler.validate(input);
            await handler.apply(input);
            this.parts.publisher.publish();
            return this.view();
          }),
        ),
      {
        validator: (raw: Input) => {
          const input = parsePayload(handler.schema, raw, what);
          handler.validate(input);
        },
      },
    );
  }

  /** Upserts the case's static search attributes, computes the first schedule and arms it. */
  async open(): Promise<void> {
    await this.parts.steps.run(async () => {
      this.setSearchAttributes([
        { key: CaseTypeKey, value: this.options.caseType },
        { key: JurisdictionKey, value: this.options.jurisdiction },
        { key: FacilityKey, value: this.options.facility },
        { key: StageKey, value: this.stage },
      ]);
      const first = await this.computeSchedule(this.events, this.extensions);
      this.setSearchAttributes([
        { key: PolicyVersionKey, value: `${first.policyId}@${first.policyVersion}` },
      ]);
      this.record({
        type: 'opened',
        detail: `${this.options.caseType} at ${this.options.facility}`,
        actor: workflowInfo().workflowId,
      });
      this.adopt(first);
    });
  }

  /**
   * Waits until the case closes. `lapseAt` names the instant at which the case lapses on its own
   * (a subject's window closing with nothing filed), re-read whenever the schedule or stage changes.
   */
  async runUntilClosed(lapse?: {
    at: () => string | undefined;
    /** May return a promise (e.g. work run through `queue` so it cannot interleave with an update): it is awaited. */
    onLapse: (at: string) => void | Promise<void>;
  }): Promise<void> {
    while (!this.closed) {
      const before = this.stage;
      const version = this.version;
      const changed = () => this.stage !== before || this.version !== version;
      const lapseAt = lapse?.at();
      if (lapseAt === undefined) {
        await condition(changed);
        continue;
      }
      const remaining = Math.max(1, Date.parse(lapseAt) - Date.now());
      if (await condition(changed, remaining, { summary: `window closes ${lapseAt}` })) continue;
      if (lapse?.at() === lapseAt) await lapse.onLapse(lapseAt);
    }
    this.publish();
    // Let the update that closed the case return its answer before the workflow completes.
    await condition(allHandlersFinished);
    await this.archive('closed');
  }

  /** The case as it stands, for the records archive: what the queries show, plus intake and events. */
  recordSnapshot(segment: CaseRecordSnapshot['segment']): CaseRecordSnapshot {
    const info = workflowInfo();
    const details = this.options.archiveDetails?.();
    return {
      workflowId: info.workflowId,
      runId: info.runId,
      segment,
      at: new Date(Date.now()).toISOString(),
      caseType: this.options.caseType,
      caseNumber: this.options.caseNumber,
      facility: this.options.facility,
      jurisdiction: this.options.jurisdiction,
      policyId: this.options.policyId,
      intake: {
        facts: { ...this.options.facts },
        ...(this.options.settings ? { settings: this.options.settings } : {}),
        events: { ...this.options.events },
      },
      events: { ...this.events },
      extensions: [...this.extensions],
      view: this.view(),
      timeline: this.timeline(),
      ...(details ? { details } : {}),
    };
  }

  /**
   * Writes the case's record to the records archive and waits until the archive has confirmed it:
   * called before the workflow completes (`closed`) or continues as new (`continued`), so a crash in
   * between retries the write instead of losing the record. An update accepted meanwhile (an
   * acknowledgement of a breach) changes the record, which is then written again.
   */
  async archive(segment: CaseRecordSnapshot['segment']): Promise<void> {
    await this.deadlineEvents.settled();
    if (!patched(ARCHIVE_RECORD)) return;
    const content = (snapshot: CaseRecordSnapshot) => JSON.stringify({ ...snapshot, at: '' });
    for (let writes = 0; writes < MAX_ARCHIVE_WRITES; writes++) {
      const snapshot = this.recordSnapshot(segment);
      await archiver.archiveCaseRecord.executeWithOptions(
        { ...ARCHIVE_OPTIONS, summary: `archive the ${segment} record` },
        [snapshot],
      );
      await condition(allHandlersFinished);
      await this.deadlineEvents.settled();
      if (content(this.recordSnapshot(segment)) === content(snapshot)) return;
    }
  }

  // Long-lived records (probation, contracts): see record-loop.ts.

  /** Opens a long-lived record: its search attributes, policy version and `opened` entry (RecordLoop.open). */
  openRecord(policyLabel: string, openedDetail?: string): void {
    this.recordLoop.open(policyLabel, openedDetail);
  }

  /** Publishes the policy version a record runs on (`adc-probation@2024-01`), when it changes. */
  publishPolicyVersion(label: string): void {
    this.recordLoop.publishPolicyVersion(label);
  }

  /** Tells a record's main loop (`runRecord`) to look again: an update changed the record. */
  touch(): void {
    this.recordLoop.touch();
  }

  /** Whether the case's own work (`work`) or a notice is under way: no hand-over meanwhile. */
  get busy(): boolean {
    return this.recordLoop.busy;
  }

  /**
   * Runs the case's own work (a period's end, a notice on a date of its own) serialised with the
   * updates, since it reads and changes the same state, and counted so a hand-over waits for it. It
   * starts a turn later: a book restored in the constructor calls back before the case type's object
   * holding the runtime is complete.
   */
  work(fn: () => Promise<void>): Promise<void> {
    return this.recordLoop.work(fn);
  }

  /**
   * Runs a long-lived record until it closes: its own timed work once due, and a hand-over to a new
   * run (continue-as-new) once its history is long and nothing is in flight or about to be. Between
   * them it waits for a change, the next timed work, or the moment a held-back hand-over may go.
   */
  runRecord(life: RecordLife): Promise<void> {
    return this.recordLoop.run(life);
  }

  requireReady(): Schedule {
    if (!this.current)
      refuse('CASE_INITIALIZING', 'the case is still computing its first schedule; retry shortly');
    return this.current;
  }

  requireStage(allowed: readonly Stage[], what: string): void {
    if (!allowed.includes(this.stage)) {
      refuse(
        'OUT_OF_ORDER',
        `${what} is not possible while the ${this.options.caseType} is ${this.stage} (allowed when ${allowed.join(' or ')})`,
        { stage: this.stage, allowed },
      );
    }
  }

  requireOpen(what: string): void {
    this.requireStage(this.options.openStages, what);
  }

  requireEvent(key: string, what: string): string {
    const at = this.events[key];
    if (!at) refuse('OUT_OF_ORDER', `${what} needs ${key} to be recorded first`, { missing: key });
    return at;
  }

  refuseDuplicate(key: string, what: string): void {
    if (this.events[key])
      refuse('DUPLICATE_EVENT', `${what} was already recorded at ${this.events[key]}`, { key });
  }

  /** An event may not be dated before one it must follow. */
  requireAfter(at: string, earlierKey: string, what: string): void {
    const earlier = this.events[earlierKey];
    if (earlier && Date.parse(at) < Date.parse(earlier)) {
      refuse('EVENT_OUT_OF_ORDER', `${what} at ${at} is before ${earlierKey} (${earlier})`, {
        field: 'at',
        value: at,
        earlier: earlierKey,
      });
    }
  }

  /** Not in the future; not after a subject's window or before a lower bound (domain checkEvent). */
  checkTimely(eventKey: string, at: string): void {
    refuseFutureEvent(at);
    const current = this.requireReady();
    guard(() => checkEvent(current, eventKey, at));
  }

  /**
   * Records events: recomputes the schedule (recorded in history) and only then changes any state,
   * so a failure part-way leaves the case as it was.
   */
  async recordEvents(
    recorded: Record<string, string>,
    event: EventBase & { at: string },
    label: string,
    /** Checks the recomputed schedule before anything changes (a limit only it can date); throw to refuse. */
    accept?: (next: Schedule) => void,
    /** Case facts the event establishes (e.g. a sanction's days), kept only if the schedule computes. */
    facts?: Record<string, string | number | boolean>,
  ): Promise<void> {
    const nextEvents = { ...this.events, ...recorded };
    const nextFacts = facts ? { ...this.facts, ...facts } : this.facts;
    const next = await this.computeSchedule(nextEvents, this.extensions, nextFacts);
    accept?.(next);
    Object.assign(this.events, recorded);
    if (facts) Object.assign(this.facts, facts);
    this.record({
      at: event.at,
      type: label,
      actor: event.by,
      detail: Object.keys(recorded).join(', '),
    });
    this.adopt(next, label);
  }

  moveTo(next: Stage, outcome?: string): void {
    if (outcome !== undefined) this.outcome = outcome;
    if (next === this.stage) return;
    this.record({ type: 'stage', detail: `${this.stage} → ${next}` });
    this.stage = next;
    this.setSearchAttributes([{ key: StageKey, value: next }]);
  }

  /** Ends every open deadline as waived (withdrawal, dismissal, waiver). */
  waiveOpen(reason: string, actor?: string): void {
    for (const deadline of this.book.view()) {
      if (deadline.kind === 'deadline') this.book.waive(deadline.key, reason, actor);
    }
  }

  /** A notice owed to someone without email (an inmate): staff are told to serve it and record proof. */
  async addServiceTask(
    task: { key: string; document: string; to: string; role: string; dueAt?: string },
    entry?: ScheduleEntry,
  ): Promise<ServiceTask> {
    const n = this.serviceTasks.filter((t) => t.task.startsWith(`${task.key}/service/`)).length + 1;
    const created: ServiceTask = {
      task: `${task.key}/service/${n}`,
      document: task.document,
      to: task.to,
      role: task.role,
      dueAt: task.dueAt,
    };
    this.serviceTasks.push(created);
    await this.notify({
      kind: 'service-task',
      noticeKey: created.task,
      role: task.role,
      entry,
      delivery: { document: task.document, to: task.to },
    });
    return created;
  }

  /**
   * An extension the policy says must be notified to someone without email (`noticeTo`, e.g. the
   * inmate) becomes a service task for the staff role that serves it. For use in `onExtended`.
   */
  async serveExtensionNotice(
    entry: ScheduleEntry,
    record: ExtensionRecord,
    servingRole: string = entry.responsibleRole,
  ): Promise<ServiceTask | undefined> {
    const to = entry.extensionPolicy?.noticeTo;
    if (!to) return undefined;
    return this.addServiceTask(
      {
        key: `${record.key}.extension-${this.extensions.length}`,
        document: `Written notice of extension: ${entry.key} now due ${entry.localText}`,
        to,
        role: servingRole,
      },
      entry,
    );
  }

  /** Takes a recomputed schedule: the book arms it, and deadlines it dropped are settled. */
  adopt(next: Schedule, cause?: string): void {
    this.current = next;
    this.version += 1;
    this.book.apply(next);
    if (this.options.settleDroppedDeadlines) this.settleDropped(next, cause);
  }

  /** See `settleDroppedDeadlines`: the book keeps no timer for a deadline the schedule dropped. */
  private settleDropped(next: Schedule, cause = 'the schedule was recomputed'): void {
    const present = new Set(next.entries.map((e) => e.key));
    for (const deadline of this.book.view()) {
      if (present.has(deadline.key)) continue;
      if (deadline.kind === 'lowerBound') {
        this.book.dropLowerBound(deadline.key);
        continue;
      }
      if (deadline.state === 'met' || deadline.state === 'waived' || deadline.metAt) continue;
      const waiting = next.awaiting?.find((a) => a.key === deadline.key);
      if (waiting)
        this.book.toll(deadline.key, waiting.note ?? `waiting for ${waiting.waitingFor.join(', ')}`);
      else this.book.waive(deadline.key, `no longer applies after ${cause}`);
    }
  }
}
