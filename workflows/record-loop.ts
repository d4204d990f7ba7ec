// Long-lived records (probation, contracts): one entry per action in the deadline book, timed work of
// their own, and a hand-over to a new run (continue-as-new) before their history grows large.
import {
  allHandlersFinished,
  condition,
  patched,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { CaseRuntime } from './case-runtime';
import type { BookSnapshot } from './deadlines';
import { CaseTypeKey, FacilityKey, JurisdictionKey, PolicyVersionKey, StageKey } from './search-attributes';

/**
 * patched() id: a long-lived record's policy version (`publishPolicyVersion`) goes out with the rest of
 * the step's search attributes, and its own work (`work`) runs as a step, so each step costs one upsert
 * like every case's (CaseSteps.run). Records from before it upsert the version on its own.
 */
export const RECORD_STEPS = 'record-search-attributes-in-steps';

/** How a long-lived record lives (`runRecord`): its own timed work and its hand-over to a new run. */
export interface RecordLife {
  /** Work of the record due at an instant of its own, not a deadline of the book (a removal eligibility). */
  due?: {
    /** Epoch milliseconds of the next such work; undefined when none is pending. */
    at: () => number | undefined;
    summary: string;
    run: () => Promise<void>;
  };
  handover: {
    /** History length at which the record continues as new (or sooner, when Temporal suggests it). */
    atEvents: number;
    /**
     * No hand-over while a timer of the record lies within this much of now, on either side: a
     * restored watcher skips reminders whose time has passed, so one due meanwhile would be lost.
     */
    guardMs: number;
    /** Continues as new, carrying what the next run needs; never returns. */
    continueAsNew: () => Promise<never>;
  };
}

/** What every long-lived record hands to its next run, besides its own items. */
export interface RunCarry<Stage extends string> {
  stage: Stage;
  outcome?: string;
  book: BookSnapshot;
  /** Runs so far, counting the one that hands over. */
  runs: number;
}

/** The runtime's part of a hand-over: where the record stands, its book, and the runs so far. */
export function carryRun<Stage extends string>(runtime: CaseRuntime<Stage>, runs: number): RunCarry<Stage> {
  return {
    stage: runtime.stage,
    ...(runtime.outcome !== undefined ? { outcome: runtime.outcome } : {}),
    book: runtime.deadlineSnapshot(),
    runs,
  };
}

/** The record side of a CaseRuntime; the runtime's methods of the same names delegate here. */
export class RecordLoop<Stage extends string> {
  /** Bumped on every change the main loop must look at again (`touch`, `work`). */
  private revision = 0;
  /** The case's own work under way outside an update handler (`work`). */
  private working = 0;
  /** Whether this run batches a record's upserts (RECORD_STEPS): asked once, when first needed. */
  private recordStepsPatch?: boolean;
  private publishedPolicy = '';

  constructor(private readonly c: CaseRuntime<Stage>) {}

  /**
   * Opens a long-lived record: its static search attributes, the policy version it runs on, the
   * `opened` entry (`openedDetail`; undefined when continued from an earlier run). It runs at once,
   * outside any step, before the main loop starts: no patch marker is written, so an update refused
   * before the first one accepted still leaves no trace in history.
   */
  open(policyLabel: string, openedDetail?: string): void {
    const { options } = this.c;
    this.c.setSearchAttributes([
      { key: CaseTypeKey, value: options.caseType },
      { key: JurisdictionKey, value: options.jurisdiction },
      { key: FacilityKey, value: options.facility },
      { key: StageKey, value: this.c.stage },
    ]);
    this.publishPolicyVersion(policyLabel);
    if (openedDetail !== undefined)
      this.c.record({ type: 'opened', detail: openedDetail, actor: workflowInfo().workflowId });
    this.c.publish();
  }

  /** Publishes the policy version a record runs on (`adc-probation@2024-01`), when it changes. */
  publishPolicyVersion(label: string): void {
    if (!label || label === this.publishedPolicy) return;
    this.publishedPolicy = label;
    const pairs = [{ key: PolicyVersionKey, value: label }];
    if (this.recordSteps) this.c.setSearchAttributes(pairs);
    else upsertSearchAttributes(pairs);
  }

  /**
   * RECORD_STEPS, asked once per run, the first time it matters: asked again once replay has caught
   * up, a patch absent from the history so far would read as present.
   */
  private get recordSteps(): boolean {
    this.recordStepsPatch ??= patched(RECORD_STEPS);
    return this.recordStepsPatch;
  }

  touch(): void {
    this.revision += 1;
  }

  get busy(): boolean {
    return this.working > 0 || this.c.deliveriesPending;
  }

  async work(fn: () => Promise<void>): Promise<void> {
    this.working += 1;
    try {
      await Promise.resolve();
      await this.c.queue.run(() => (this.recordSteps ? this.c.step(fn) : fn()));
    } finally {
      this.working -= 1;
      this.revision += 1;
    }
  }

  /**
   * The main loop (see `CaseRuntime.runRecord`). Its wait is in line, not in a helper: an extra await
   * would move its timers among other coroutines' commands.
   */
  async run(life: RecordLife): Promise<void> {
    while (!this.c.closed) {
      const dueNow = life.due?.at();
      if (life.due && dueNow !== undefined && dueNow <= Date.now()) {
        await this.work(life.due.run);
        continue;
      }
      if (this.wantsHandover(life) && this.readyForHandover(life)) {
        // This run's history will be deleted with the namespace's retention: archive what it holds first.
        await this.c.archive('continued');
        // An update or notice that came in while the archive was written waits for the next attempt.
        if (!this.readyForHandover(life) || this.c.closed) continue;
        await life.handover.continueAsNew();
      }
      const seen = this.revision;
      // A hand-over held back by a timer close to now is retried once that timer is well past; one held
      // back by a running handler or notice is retried by the predicate when that finishes.
      const quietIn = this.wantsHandover(life) ? this.msUntilQuiet(life) : 0;
      const due = life.due?.at();
      const timers = [
        ...(life.due && due !== undefined ? [{ at: due, summary: life.due.summary }] : []),
        ...(quietIn > 0
          ? [{ at: Date.now() + quietIn, summary: 'hand over to a new run (continue-as-new)' }]
          : []),
      ].sort((a, b) => a.at - b.at);
      const woken = () =>
        this.c.closed || this.revision !== seen || (this.wantsHandover(life) && this.readyForHandover(life));
      const next = timers[0];
      if (!next) await condition(woken);
      else
        await condition(woken, Math.max(1, next.at - Date.now()), {
          summary: `${next.summary} at ${new Date(next.at).toISOString()}`,
        });
    }
    // Let the update that closed the record answer, and any notice under way finish.
    await condition(() => allHandlersFinished() && !this.busy);
    this.c.publish();
    await this.c.archive('closed');
  }

  private wantsHandover(life: RecordLife): boolean {
    const info = workflowInfo();
    return info.historyLength >= life.handover.atEvents || info.continueAsNewSuggested;
  }

  private readyForHandover(life: RecordLife): boolean {
    return allHandlersFinished() && !this.busy && this.msUntilQuiet(life) === 0;
  }

  /** Milliseconds until no timer of the record lies within the hand-over guard of now (0: now). */
  private msUntilQuiet(life: RecordLife): number {
    const now = Date.now();
    const guard = life.handover.guardMs;
    const instants: number[] = [];
    for (const d of this.c.deadlineViews()) {
      if (d.kind !== 'deadline' || (d.state !== 'pending' && d.state !== 'extended') || !d.dueAt) continue;
      instants.push(Date.parse(d.dueAt), ...d.reminders.map((r) => Date.parse(r.at)));
    }
    const due = life.due?.at();
    if (due !== undefined) instants.push(due);
    const near = instants.filter((t) => Math.abs(t - now) <= guard);
    return near.length === 0 ? 0 : Math.max(...near) + guard - now + 1;
  }
}
