// The deadline machinery every case workflow uses: it arms the deadlines of a schedule, reminds the
// responsible role at the policy's lead times, alerts the supervisor on breach, escalates up the
// chain until someone acknowledges, and stands down the moment the step is done.
//
// Deadlines are never computed here: schedules arrive from the domain layer through a local
// activity, so they are recorded in history and a later calendar or policy change cannot move a
// deadline a running case has already been given.
import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { DeadlineState, Schedule, ScheduleEntry } from '../domain/types';
import type { NotificationActivities, NoticeRequest } from '../activities/notifications';
import { refuse } from './case-support';
import { DeadlineStateKey, NextDeadlineKey } from './search-attributes';
import { countAcknowledgement, countBreach } from './metrics';

// A notice must not be lost to a transient SMTP outage, so retries continue for a day before the
// failure goes to the administrators instead. Retries stay seconds apart for that whole day: the
// worker holds notices at its relay gate while the relay is unreachable (activities/relay-health.ts)
// and releases them the moment it answers, so a short interval costs no SMTP connections during an
// outage, and a notice between attempts when the relay recovers waits at most the maximum interval.
// The heartbeat timeout lets Temporal see a dead worker within seconds; the activity heartbeats
// whenever it waits or talks to the relay for longer than a moment. Start-to-close only bounds a
// stuck attempt on a live worker: gate wait (30 s) plus nodemailer's connect, greeting and socket
// timeouts fit inside it.
// Activity options are not part of a workflow's commands' identity: changing them does not break
// the replay of running cases (test/replay.test.ts).
const NOTICE_OPTIONS = {
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '1 day',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '10 seconds' },
} as const;
const notices = proxyActivities<NotificationActivities>(NOTICE_OPTIONS);

/** patched() id: a step's search attributes go out in one upsert (DeadlineBook.step). */
const ONE_UPSERT_PER_STEP = 'one-search-attribute-upsert-per-step';
/**
 * patched() id: reminders are placed within business hours (domain placeReminder), so a schedule
 * recomputed for a case armed before that can bring other reminders for an unchanged deadline; the
 * book keeps showing the reminders its watcher has armed (DeadlineBook.apply).
 */
const REMINDERS_BUSINESS_HOURS = 'reminders-business-hours';

// The administrators' alert goes out over every channel configured (fallback relay, paging webhook),
// so it does not wait on the relay that failed; when none takes it, it is retried for a week.
const adminAlerts = proxyActivities<NotificationActivities>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export type OverallDeadlineState = 'on-track' | 'at-risk' | 'breached';

export interface TrackedDeadline {
  key: string;
  entry: ScheduleEntry;
  state: DeadlineState;
  /** Increments whenever the deadline is re-armed (extension, restarted clock); part of notice keys. */
  attempt: number;
  metAt?: string;
  breachedAt?: string;
  acknowledged?: { by: string; at: string };
  /** Alerts sent since the breach: 1 = the supervisor, 2+ = further up the chain. */
  alertsSent: number;
  /** Set while the deadline's clock is stopped (tolled): why, and on what it restarts. No timer runs. */
  tolled?: string;
}

export interface TimelineEvent {
  at: string;
  type: string;
  /** Opaque staff ID or role, never a name. */
  actor?: string;
  detail: string;
  noticeKey?: string;
}

export interface CaseContext {
  caseNumber: string;
  caseType: string;
  facility: string;
}

/**
 * One change of a deadline's state, as case systems are told of it (activities/deadline-events.ts):
 * `attempt` with `key` and `state` names the change uniquely within a case, so its event ID is stable.
 */
export interface DeadlineChange {
  key: string;
  state: 'breached' | 'acknowledged' | 'met' | 'extended' | 'pending' | 'tolled' | 'waived';
  attempt: number;
  dueAt?: string;
  /** When the change took effect (the breach: the due time; met: when the step was done). */
  at: string;
  /** Extensions granted so far: a deadline met after one counts as extended in the compliance figures. */
  extensions: number;
}

export interface DeadlineBookOptions {
  /**
   * Receives the deadline changes of each step when it ends (an update, the opening), and a change
   * made outside a step (a breach, a period's end) at once.
   */
  onChanges?: (changes: DeadlineChange[]) => void;
  /** Called (inside the workflow) right after a deadline is breached, e.g. PREA's deemed denial. */
  onBreach?: (deadline: TrackedDeadline) => Promise<void>;
  /** Called when a period-end entry (probation, look-back window) is reached: not a breach. */
  onPeriodEnd?: (deadline: TrackedDeadline) => Promise<void>;
  /** Keep timeline size bounded for long-lived records; the oldest entries are dropped first. */
  maxTimelineEvents?: number;
}

export interface DeadlineView {
  key: string;
  kind: ScheduleEntry['kind'];
  state: DeadlineState;
  dueAt?: string;
  earliest?: string;
  localText: string;
  responsibleRole: string;
  rule: string;
  source: string;
  explanation: string;
  reminders: ScheduleEntry['reminders'];
  attempt: number;
  metAt?: string;
  breachedAt?: string;
  acknowledged?: { by: string; at: string };
  extensions: ScheduleEntry['extensions'];
  tolled?: string;
}

const nowIso = (): string => new Date(Date.now()).toISOString();
const msUntil = (iso: string): number => Math.max(0, Date.parse(iso) - Date.now());
const settled = (state: DeadlineState): boolean => state === 'met' || state === 'waived';

/**
 * Only staff duties and period ends need timers. A subject's window (an inmate's filing period) just
 * closes: nobody is reminded or alerted, and a late filing is refused by the update validators. Cap
 * entries (`capOf`) only bound extensions. Skipping their timers keeps each case's history small.
 */
const needsWatcher = (entry: ScheduleEntry): boolean =>
  entry.kind === 'deadline' && entry.dueAt !== undefined && entry.actor !== 'subject' && !entry.capOf;

/** A subject's window or a cap has no timer, so its lapse is read off the clock when asked. */
function currentState(deadline: TrackedDeadline): DeadlineState {
  if (
    deadline.state === 'pending' &&
    !needsWatcher(deadline.entry) &&
    deadline.entry.dueAt &&
    Date.parse(deadline.entry.dueAt) < Date.now()
  ) {
    return 'breached';
  }
  return deadline.state;
}

export class DeadlineBook {
  private readonly tracked = new Map<string, TrackedDeadline>();
  private readonly lowerBounds = new Map<string, ScheduleEntry>();
  private readonly timelineEvents: TimelineEvent[] = [];
  private lastSearchAttributes = '';
  /** Search attributes waiting for the end of the current step (see `step`), by key. */
  private readonly pendingAttributes = new Map<string, SearchAttributeUpdatePair>();
  private stepDepth = 0;
  private noticesInFlight = 0;
  /** Deadline changes waiting for the end of the current step (see `onChanges`). */
  private pendingChanges: DeadlineChange[] = [];

  constructor(
    private readonly context: CaseContext,
    private readonly options: DeadlineBookOptions = {},
  ) {}

  /** Restores state carried across continue-as-new; watchers restart for anything still open. */
  static restore(
    context: CaseContext,
    snapshot: { deadlines: TrackedDeadline[]; lowerBounds: ScheduleEntry[]; timeline: TimelineEvent[] },
    options: DeadlineBookOptions = {},
  ): DeadlineBook {
    const book = new DeadlineBook(context, options);
    for (const entry of snapshot.lowerBounds) book.lowerBounds.set(entry.key, entry);
    book.timelineEvents.push(...snapshot.timeline);
    for (const deadline of snapshot.deadlines) {
      book.tracked.set(deadline.key, deadline);
      if (!settled(deadline.state) && !deadline.acknowledged) book.startWatcher(deadline);
    }
    book.publish();
    return book;
  }

  snapshot(): { deadlines: TrackedDeadline[]; lowerBounds: ScheduleEntry[]; timeline: TimelineEvent[] } {
    return {
      deadlines: [...this.tracked.values()],
      lowerBounds: [...this.lowerBounds.values()],
      timeline: [...this.timelineEvents],
    };
  }

  /**
   * Takes a freshly computed schedule. New deadlines are armed; a deadline whose due time moved
   * (an extension or a restarted clock) is re-armed under a new attempt number; keys listed in
   * `completed` are marked met and their timers stand down.
   */
  apply(schedule: Schedule, completed: Iterable<string> = []): void {
    const done = new Set(completed);
    for (const entry of schedule.entries)
      if (entry.completedAt && entry.kind === 'deadline') done.add(entry.key);
    for (const entry of schedule.entries) {
      if (entry.kind === 'lowerBound') {
        this.lowerBounds.set(entry.key, entry);
        continue;
      }
      const existing = this.tracked.get(entry.key);
      if (!existing) {
        const deadline: TrackedDeadline = {
          key: entry.key,
          entry,
          state: 'pending',
          attempt: 1,
          alertsSent: 0,
        };
        this.tracked.set(entry.key, deadline);
        if (done.has(entry.key)) {
          deadline.state = 'met';
          deadline.metAt = entry.completedAt ?? nowIso();
          this.noteChange(deadline, 'met', deadline.metAt);
        } else {
          this.startWatcher(deadline);
        }
        continue;
      }
      if (settled(existing.state) || existing.entry.dueAt === entry.dueAt) {
        // The watcher of an unchanged deadline keeps the reminders it armed: a recomputed schedule may
        // place them differently (business hours of a case armed before reminders were placed in them,
        // or changed since), and the view must show when they actually go out. Histories from before
        // the patch adopted the new list, which changes when the case turns at-risk.
        const armed = existing.entry.reminders;
        const keepArmed =
          JSON.stringify(armed) !== JSON.stringify(entry.reminders) && patched(REMINDERS_BUSINESS_HOURS);
        existing.entry = {
          ...entry,
          dueAt: existing.entry.dueAt,
          ...(keepArmed ? { reminders: armed } : {}),
        };
        continue;
      }
      const extended = entry.extensions.length > existing.entry.extensions.length;
      existing.entry = entry;
      existing.attempt += 1;
      existing.state = extended ? 'extended' : 'pending';
      existing.breachedAt = undefined;
      existing.acknowledged = undefined;
      existing.alertsSent = 0;
      existing.tolled = undefined;
      this.noteChange(existing, existing.state === 'extended' ? 'extended' : 'pending');
      this.startWatcher(existing);
    }
    for (const key of done) {
      const entry = schedule.entries.find((e) => e.key === key);
      this.complete(key, entry?.completedAt);
    }
    this.publish();
  }

  /** The step is done: its deadline is met (or, if it was already breached, stops escalating). */
  complete(key: string, at: string = nowIso()): void {
    const deadline = this.tracked.get(key);
    if (!deadline || settled(deadline.state) || deadline.metAt) return;
    deadline.state = deadline.state === 'breached' ? 'breached' : 'met';
    deadline.metAt = at;
    if (deadline.state === 'breached') deadline.acknowledged ??= { by: 'step-completed', at };
    this.noteChange(deadline, 'met', at);
    this.publish();
  }

  /** The step no longer applies (e.g. skipped informal resolution, waived hearing). */
  waive(key: string, reason: string, actor?: string): void {
    const deadline = this.tracked.get(key);
    if (!deadline || settled(deadline.state)) return;
    deadline.state = 'waived';
    this.record({ type: 'deadline.waived', detail: `${key}: ${reason}`, actor });
    this.noteChange(deadline, 'waived');
    this.publish();
  }

  /**
   * The deadline's clock has stopped (e.g. OP-060125 §IV.C.2: the inmate is unavailable for service):
   * its timers stand down and it shows no due time until a recomputed schedule re-arms it.
   */
  toll(key: string, note: string, actor?: string): void {
    const deadline = this.tracked.get(key);
    if (!deadline || settled(deadline.state) || deadline.metAt || deadline.tolled !== undefined) return;
    deadline.tolled = note;
    this.record({ type: 'deadline.tolled', detail: `${key}: ${note}`, actor });
    this.noteChange(deadline, 'tolled');
    this.publish();
  }

  /** A lower bound whose rule no longer applies (e.g. a hearing that was waived) leaves the view. */
  dropLowerBound(key: string): void {
    this.lowerBounds.delete(key);
  }

  /** Stops the repeats of a breach alert; who acknowledged it and when is recorded. */
  acknowledge(key: string, by: string): TrackedDeadline {
    const deadline = this.requireBreached(key);
    deadline.acknowledged = { by, at: nowIso() };
    this.record({ type: 'alert.acknowledged', detail: `breach alert for ${key} acknowledged`, actor: by });
    this.noteChange(deadline, 'acknowledged', deadline.acknowledged.at);
    this.publish();
    countAcknowledgement(this.context);
    return deadline;
  }

  /** Throws unless `key` names a breached, unacknowledged deadline; for update validators. */
  requireBreached(key: string): TrackedDeadline {
    const deadline = this.tracked.get(key);
    if (!deadline) {
      refuse('UNKNOWN_DEADLINE', `no deadline ${key} in this case`, { key });
    }
    if (deadline.state !== 'breached') {
      refuse(
        'NOTHING_TO_ACKNOWLEDGE',
        `deadline ${key} is ${deadline.state}, not breached: there is no alert to acknowledge`,
        { key, state: deadline.state },
      );
    }
    if (deadline.acknowledged) {
      refuse(
        'ALREADY_ACKNOWLEDGED',
        `the breach alert for ${key} was already acknowledged by ${deadline.acknowledged.by} at ${deadline.acknowledged.at}`,
        { key, acknowledged: deadline.acknowledged },
      );
    }
    return deadline;
  }

  get(key: string): TrackedDeadline | undefined {
    return this.tracked.get(key);
  }

  lowerBound(key: string): ScheduleEntry | undefined {
    return this.lowerBounds.get(key);
  }

  record(event: Omit<TimelineEvent, 'at'> & { at?: string }): void {
    this.timelineEvents.push({ at: event.at ?? nowIso(), ...event } as TimelineEvent);
    const max = this.options.maxTimelineEvents;
    if (max !== undefined && this.timelineEvents.length > max) {
      this.timelineEvents.splice(0, this.timelineEvents.length - max);
    }
  }

  timeline(): TimelineEvent[] {
    return [...this.timelineEvents];
  }

  view(): DeadlineView[] {
    const deadlines = [...this.tracked.values()].map((d): DeadlineView => ({
      key: d.key,
      kind: 'deadline',
      state: currentState(d),
      dueAt: d.entry.dueAt,
      localText: d.entry.localText,
      responsibleRole: d.entry.responsibleRole,
      rule: d.entry.rule,
      source: d.entry.sourceText,
      explanation: d.entry.explanation.summary,
      reminders: d.entry.reminders,
      attempt: d.attempt,
      metAt: d.metAt,
      breachedAt: d.breachedAt,
      acknowledged: d.acknowledged,
      extensions: d.entry.extensions,
      tolled: d.tolled,
    }));
    const bounds = [...this.lowerBounds.values()].map((e): DeadlineView => ({
      key: e.key,
      kind: 'lowerBound',
      state: 'pending',
      earliest: e.earliest,
      localText: e.localText,
      responsibleRole: e.responsibleRole,
      rule: e.rule,
      source: e.sourceText,
      explanation: e.explanation.summary,
      reminders: [],
      attempt: 1,
      extensions: e.extensions,
    }));
    return [...deadlines, ...bounds];
  }

  /** The earliest due time among deadlines still open. */
  nextDeadline(): TrackedDeadline | undefined {
    let next: TrackedDeadline | undefined;
    for (const d of this.tracked.values()) {
      if (settled(d.state) || d.state === 'breached' || !d.entry.dueAt || d.metAt || d.tolled) continue;
      if (d.entry.capOf || Date.parse(d.entry.dueAt) < Date.now()) continue;
      if (!next || Date.parse(d.entry.dueAt) < Date.parse(next.entry.dueAt as string)) next = d;
    }
    return next;
  }

  overallState(): OverallDeadlineState {
    // Only staff duties count: an inmate's lapsed filing window is not the agency's breach.
    const open = [...this.tracked.values()].filter(
      (d) => !settled(d.state) && !d.metAt && !d.tolled && needsWatcher(d.entry) && !d.entry.periodEnd,
    );
    if (open.some((d) => d.state === 'breached')) return 'breached';
    // At risk once the first reminder of any open deadline has gone out.
    const now = Date.now();
    const atRisk = open.some((d) => d.entry.reminders.some((r) => Date.parse(r.at) <= now));
    return atRisk ? 'at-risk' : 'on-track';
  }

  /**
   * Runs one step of the case (its opening, an event from the case system) with every search attribute
   * it changes upserted once, when it ends: each upsert is a history event, and a step used to spend up
   * to three (stage, policy version, next deadline). Cases whose history predates the patch keep
   * upserting as they go, so their replay is unchanged.
   */
  async step<T>(fn: () => Promise<T>): Promise<T> {
    if (!patched(ONE_UPSERT_PER_STEP)) return fn();
    this.stepDepth += 1;
    try {
      return await fn();
    } finally {
      this.stepDepth -= 1;
      if (this.stepDepth === 0) {
        this.flushSearchAttributes();
        this.flushChanges();
      }
    }
  }

  /** Collects a change for `onChanges`: with the rest of the step's, or on its own outside a step. */
  private noteChange(deadline: TrackedDeadline, state: DeadlineChange['state'], at: string = nowIso()): void {
    // A cap only bounds extensions of its deadline: nobody meets or breaches it.
    if (!this.options.onChanges || deadline.entry.capOf) return;
    const { key, attempt, entry } = deadline;
    this.pendingChanges.push({
      key,
      state,
      attempt,
      ...(entry.dueAt !== undefined ? { dueAt: entry.dueAt } : {}),
      at,
      extensions: entry.extensions.length,
    });
    if (this.stepDepth === 0) this.flushChanges();
  }

  private flushChanges(): void {
    if (this.pendingChanges.length === 0) return;
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    this.options.onChanges?.(changes);
  }

  /** Upserts now, or with the rest of the current step's changes when one is running. */
  setSearchAttributes(pairs: SearchAttributeUpdatePair[]): void {
    for (const pair of pairs) {
      this.pendingAttributes.delete(pair.key.name);
      this.pendingAttributes.set(pair.key.name, pair);
    }
    if (this.stepDepth === 0) this.flushSearchAttributes();
  }

  private flushSearchAttributes(): void {
    if (this.pendingAttributes.size === 0) return;
    const pairs = [...this.pendingAttributes.values()];
    this.pendingAttributes.clear();
    upsertSearchAttributes(pairs);
  }

  /**
   * Keeps the Temporal UI truthful: NextDeadline and DeadlineState search attributes (upserted only
   * when they change, to keep history small) and the workflow's current details.
   */
  publish(extraDetails = ''): void {
    const next = this.nextDeadline();
    const state = this.overallState();
    const nextDue = next?.entry.dueAt ? new Date(next.entry.dueAt) : undefined;
    const signature = `${nextDue?.toISOString() ?? '-'}|${state}`;
    if (signature !== this.lastSearchAttributes) {
      this.lastSearchAttributes = signature;
      this.setSearchAttributes([
        nextDue ? { key: NextDeadlineKey, value: nextDue } : { key: NextDeadlineKey, value: null },
        { key: DeadlineStateKey, value: state },
      ]);
    }
    const rows = [...this.tracked.values()]
      .filter((d) => !d.entry.capOf)
      .map(
        (d) =>
          `| ${d.key} | ${d.tolled ? 'clock stopped' : d.entry.localText} | ${d.tolled ? 'tolled' : currentState(d)} | ${d.entry.responsibleRole} | ${d.entry.sourceText} |`,
      );
    setCurrentDetails(
      // Markdown: paragraphs need blank lines between them, the table needs its lines together.
      [
        `**${this.context.caseType} ${this.context.caseNumber}** (${this.context.facility}): ${state}`,
        next ? `Next: ${next.key} due ${next.entry.localText}` : 'No open deadline',
        extraDetails,
        ['| deadline | due | state | role | source |', '|---|---|---|---|---|', ...rows].join('\n'),
      ]
        .filter((paragraph) => paragraph !== '')
        .join('\n\n'),
    );
  }

  /**
   * Whether a notice is being sent right now (a reminder, an alert, or a notice a workflow sent through
   * `notify`). A workflow must not continue-as-new while one is: the new run would not send it again,
   * because a restored watcher skips reminders whose time has passed.
   */
  get sendingNotices(): boolean {
    return this.noticesInFlight > 0;
  }

  /** Sends one notice; a permanent failure goes to the administrators and into the timeline. */
  async notify(
    request: Omit<NoticeRequest, 'workflowId' | 'caseNumber' | 'caseType' | 'facility'> & {
      facility?: string;
      /** A notice about another case than the book's own (e.g. a per-subject watch telling one case). */
      caseNumber?: string;
    },
  ): Promise<boolean> {
    // A notice may be retried for a day: what the step has changed must not wait for it to be delivered.
    this.flushSearchAttributes();
    this.noticesInFlight += 1;
    try {
      return await this.sendAndRecord(request);
    } finally {
      this.noticesInFlight -= 1;
    }
  }

  private async sendAndRecord(request: Parameters<DeadlineBook['notify']>[0]): Promise<boolean> {
    const full: NoticeRequest = {
      workflowId: workflowInfo().workflowId,
      caseNumber: this.context.caseNumber,
      caseType: this.context.caseType,
      facility: this.context.facility,
      sentAt: nowIso(),
      ...request,
    };
    try {
      const result = await notices.sendNotice.executeWithOptions(
        { ...NOTICE_OPTIONS, summary: `${request.kind} ${request.noticeKey}` },
        [full],
      );
      this.record({
        type: 'notice.sent',
        detail: `${request.kind} to ${result.recipientRole} (${result.recipientCount} recipient(s))`,
        noticeKey: request.noticeKey,
        actor: 'docket',
        at: result.sentAt,
      });
      if (result.rejectedCount > 0) {
        await this.alertAdministrators(
          full,
          'SMTP_PARTIAL_REJECTION',
          `${result.rejectedCount} recipient(s) of ${request.noticeKey} were refused by the relay`,
        );
      }
      return true;
    } catch (err) {
      const cause =
        err instanceof ActivityFailure && err.cause instanceof ApplicationFailure ? err.cause : undefined;
      const code = cause?.type ?? 'NOTICE_FAILED';
      log.warn('notice failed permanently; alerting administrators', { noticeKey: request.noticeKey, code });
      this.record({
        type: 'notice.failed',
        detail: `${request.kind} to ${request.role}: ${code}`,
        noticeKey: request.noticeKey,
      });
      await this.alertAdministrators(full, code, cause?.message ?? (err as Error).message);
      this.publish();
      return false;
    }
  }

  private async alertAdministrators(
    notice: NoticeRequest,
    errorCode: string,
    errorMessage: string,
  ): Promise<void> {
    try {
      await adminAlerts.alertAdministrators({
        workflowId: notice.workflowId,
        noticeKey: notice.noticeKey,
        errorCode,
        errorMessage,
        caseNumber: notice.caseNumber,
        caseType: notice.caseType,
        kind: notice.kind,
        facility: notice.facility,
        role: notice.role,
        entry: notice.entry,
        sentAt: nowIso(),
      });
      this.record({
        type: 'admin.alerted',
        detail: `administrators told of ${errorCode}`,
        noticeKey: notice.noticeKey,
      });
    } catch (adminErr) {
      log.error('administrator alert failed', { noticeKey: notice.noticeKey });
      this.record({
        type: 'admin.alert-failed',
        detail: (adminErr as Error).message,
        noticeKey: notice.noticeKey,
      });
    }
  }

  private startWatcher(deadline: TrackedDeadline): void {
    if (!needsWatcher(deadline.entry)) return;
    const attempt = deadline.attempt;
    // The watcher of an older attempt must stand down as soon as the deadline is re-armed.
    const superseded = (): boolean => deadline.attempt !== attempt;
    this.watch(deadline, attempt, superseded).catch((err: unknown) => {
      log.error('deadline watcher failed', { key: deadline.key, error: (err as Error).message });
    });
  }

  private async watch(deadline: TrackedDeadline, attempt: number, superseded: () => boolean): Promise<void> {
    const done = (): boolean => superseded() || settled(deadline.state) || deadline.tolled !== undefined;
    const entry = deadline.entry;
    if (!entry.dueAt) return;
    const label = `${deadline.key} due ${entry.localText}`;

    for (const reminder of entry.reminders) {
      if (Date.parse(reminder.at) <= Date.now()) continue;
      if (await condition(done, msUntil(reminder.at), { summary: `reminder (${reminder.key}): ${label}` }))
        return;
      await this.notify({
        kind: 'reminder',
        noticeKey: `${deadline.key}/reminder/${reminder.key}/${attempt}`,
        role: entry.responsibleRole,
        entry,
      });
      if (done()) return;
    }

    if (msUntil(entry.dueAt) > 0 && (await condition(done, msUntil(entry.dueAt), { summary: label }))) return;
    if (done()) return;

    if (entry.periodEnd) {
      deadline.state = 'met';
      deadline.metAt = entry.dueAt;
      this.record({ type: 'period.ended', detail: `${deadline.key} ended ${entry.localText}` });
      this.noteChange(deadline, 'met', entry.dueAt);
      this.publish();
      if (this.options.onPeriodEnd) await this.options.onPeriodEnd(deadline);
      return;
    }

    deadline.state = 'breached';
    deadline.breachedAt = entry.dueAt;
    this.record({ type: 'deadline.breached', detail: `${deadline.key} was due ${entry.localText}` });
    this.noteChange(deadline, 'breached', entry.dueAt);
    this.publish();
    countBreach(this.context);
    await this.sendBreachAlert(deadline, attempt, 0);
    if (this.options.onBreach) await this.options.onBreach(deadline);

    const escalation = entry.escalation;
    if (!escalation) return;
    const stop = (): boolean =>
      superseded() || settled(deadline.state) || deadline.acknowledged !== undefined;
    for (let level = 1; level <= escalation.maxLevels; level++) {
      const cadenceMs = escalation.cadenceHours * 3_600_000;
      if (
        await condition(stop, cadenceMs, {
          summary: `escalation ${level} for ${deadline.key} if unacknowledged`,
        })
      ) {
        return;
      }
      await this.sendBreachAlert(deadline, attempt, level);
    }
  }

  private async sendBreachAlert(deadline: TrackedDeadline, attempt: number, level: number): Promise<void> {
    deadline.alertsSent += 1;
    await this.notify({
      kind: level === 0 ? 'breach' : 'escalation',
      noticeKey: `${deadline.key}/${level === 0 ? 'breach' : `escalation-${level}`}/${attempt}`,
      role: deadline.entry.responsibleRole,
      escalationLevel: level,
      entry: deadline.entry,
    });
    this.publish();
  }
}
