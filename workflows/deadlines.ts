// The deadline machinery every case workflow uses: it arms the deadlines of a schedule, reminds the
// responsible role at the policy's lead times, alerts the supervisor on breach, escalates up the
// chain until someone acknowledges, and stands down the moment the step is done.
//
// Deadlines are never computed here: schedules arrive from the domain layer through a local
// activity, so they are recorded in history and a later calendar or policy change cannot move a
// deadline a running case has already been given.
import { condition, log, patched } from '@temporalio/workflow';
import type {
  DeadlineScheduleEntry,
  DeadlineState,
  LowerBoundScheduleEntry,
  Schedule,
  ScheduleEntry,
} from '../domain/types';
import { refuse } from './refusals';
import { CasePublisher, type DeadlineStatusSource } from './case-publisher';
import { CaseSteps } from './case-steps';
import { countAcknowledgement, countBreach } from './metrics';
import { NoticeSender, type CaseNotice } from './notice-sender';
import { Timeline, type TimelineEvent } from './timeline';

export type { TimelineEvent } from './timeline';

/**
 * patched() id: reminders are placed within business hours (domain placeReminder), so a schedule
 * recomputed for a case armed before that can bring other reminders for an unchanged deadline; the
 * book keeps showing the reminders its watcher has armed (DeadlineBook.apply).
 */
const REMINDERS_BUSINESS_HOURS = 'reminders-business-hours';

export type OverallDeadlineState = 'on-track' | 'at-risk' | 'breached';

export interface TrackedDeadline {
  key: string;
  entry: DeadlineScheduleEntry;
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
  /**
   * Keep timeline size bounded for long-lived records; the oldest entries are dropped first. It bounds
   * the timeline of `caseParts`, built by CaseRuntime or by a book given no parts.
   */
  maxTimelineEvents?: number;
}

/**
 * What a book writes to besides its deadlines: the case's steps, timeline, published status and
 * notices. CaseRuntime builds them once (`caseParts`) and uses them too.
 */
export interface CaseParts {
  steps: CaseSteps;
  timeline: Timeline;
  publisher: CasePublisher;
  notices: NoticeSender;
}

/**
 * What a book carries across continue-as-new: its deadlines and the timeline it writes to. Running
 * records hand this shape to their next run, so it stays as it is.
 */
export interface BookSnapshot {
  deadlines: TrackedDeadline[];
  lowerBounds: LowerBoundScheduleEntry[];
  timeline: TimelineEvent[];
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

/** Builds the pieces of one case (see `CaseParts`), its timeline bounded by `maxTimelineEvents`. */
export function caseParts(context: CaseContext, maxTimelineEvents?: number): CaseParts {
  const steps = new CaseSteps();
  const timeline = new Timeline(maxTimelineEvents);
  const publisher = new CasePublisher(context, steps);
  return { steps, timeline, publisher, notices: new NoticeSender(context, timeline, publisher) };
}

/**
 * The case's deadlines and their timers: their state, arming, reminders, breach, escalation, and the
 * snapshot a new run restores. What happens to them goes into the case's timeline, their reminders and
 * alerts go through its notice sender, and its publisher shows the status after each change.
 */
export class DeadlineBook implements DeadlineStatusSource {
  private readonly tracked = new Map<string, TrackedDeadline>();
  private readonly lowerBounds = new Map<string, LowerBoundScheduleEntry>();
  private readonly parts: CaseParts;
  /** Deadline changes waiting for the end of the current step (see `onChanges`). */
  private pendingChanges: DeadlineChange[] = [];

  /** `parts`: the case's own pieces; a book built without them (a watch's) gets its own. */
  constructor(
    private readonly context: CaseContext,
    private readonly options: DeadlineBookOptions = {},
    parts?: CaseParts,
  ) {
    this.parts = parts ?? caseParts(context, options.maxTimelineEvents);
    this.parts.publisher.show(this);
    // After the publisher's flush: a step's search attributes go out before its changes are handed on.
    this.parts.steps.atEnd(() => this.flushChanges());
  }

  /** Restores state carried across continue-as-new; watchers restart for anything still open. */
  static restore(
    context: CaseContext,
    snapshot: BookSnapshot,
    options: DeadlineBookOptions = {},
    parts?: CaseParts,
  ): DeadlineBook {
    const book = new DeadlineBook(context, options, parts);
    for (const entry of snapshot.lowerBounds) book.lowerBounds.set(entry.key, entry);
    book.parts.timeline.restore(snapshot.timeline);
    for (const deadline of snapshot.deadlines) {
      book.tracked.set(deadline.key, deadline);
      if (!settled(deadline.state) && !deadline.acknowledged) book.startWatcher(deadline);
    }
    book.publish();
    return book;
  }

  snapshot(): BookSnapshot {
    return {
      deadlines: [...this.tracked.values()],
      lowerBounds: [...this.lowerBounds.values()],
      timeline: this.parts.timeline.events(),
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

  lowerBound(key: string): LowerBoundScheduleEntry | undefined {
    return this.lowerBounds.get(key);
  }

  // A book used on its own (a subject's watch) is written to and read through these.

  /** Adds an entry to the timeline the book writes to. */
  record(event: Parameters<Timeline['record']>[0]): void {
    this.parts.timeline.record(event);
  }

  timeline(): TimelineEvent[] {
    return this.parts.timeline.events();
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
    let next: { deadline: TrackedDeadline; dueMs: number } | undefined;
    for (const d of this.tracked.values()) {
      if (settled(d.state) || d.state === 'breached' || !d.entry.dueAt || d.metAt || d.tolled) continue;
      const dueMs = Date.parse(d.entry.dueAt);
      if (d.entry.capOf || dueMs < Date.now()) continue;
      if (!next || dueMs < next.dueMs) next = { deadline: d, dueMs };
    }
    return next?.deadline;
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

  /** Every tracked deadline with the state it shows now (a lapsed window reads breached). */
  states(): Array<[TrackedDeadline, DeadlineState]> {
    return [...this.tracked.values()].map((d): [TrackedDeadline, DeadlineState] => [d, currentState(d)]);
  }

  /** Sends one notice through the case's notice sender (see NoticeSender.notify). */
  notify(request: CaseNotice): Promise<boolean> {
    return this.parts.notices.notify(request);
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
    if (!this.parts.steps.running) this.flushChanges();
  }

  private flushChanges(): void {
    if (this.pendingChanges.length === 0) return;
    const changes = this.pendingChanges;
    this.pendingChanges = [];
    this.options.onChanges?.(changes);
  }

  private publish(): void {
    this.parts.publisher.publish();
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
      await this.parts.notices.notify({
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
    await this.parts.notices.notify({
      kind: level === 0 ? 'breach' : 'escalation',
      noticeKey: `${deadline.key}/${level === 0 ? 'breach' : `escalation-${level}`}/${attempt}`,
      role: deadline.entry.responsibleRole,
      escalationLevel: level,
      entry: deadline.entry,
    });
    this.publish();
  }
}
