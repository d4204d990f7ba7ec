// What the Temporal UI shows of a case: its search attributes (batched per step, see case-steps.ts) and
// its current details, the status text with the deadline table, which administrators read through the
// codec server.
import { setCurrentDetails, upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import type { DeadlineState } from '../domain/types';
import type { CaseSteps } from './case-steps';
import type { CaseContext, OverallDeadlineState, TrackedDeadline } from './deadlines';
import { DeadlineStateKey, NextDeadlineKey } from './search-attributes';

/** What the publisher shows of the case's deadlines (the deadline book). */
export interface DeadlineStatusSource {
  /** The earliest due time among deadlines still open. */
  nextDeadline(): TrackedDeadline | undefined;
  overallState(): OverallDeadlineState;
  /** Every tracked deadline with the state it shows now. */
  states(): Array<[TrackedDeadline, DeadlineState]>;
}

/** Before a book is shown: nothing is due, nothing is late. */
const noDeadlines: DeadlineStatusSource = {
  nextDeadline: () => undefined,
  overallState: () => 'on-track',
  states: () => [],
};

export class CasePublisher {
  private lastSearchAttributes = '';
  /** Search attributes waiting for the end of the current step, by key. */
  private readonly pendingAttributes = new Map<string, SearchAttributeUpdatePair>();
  private deadlines: DeadlineStatusSource = noDeadlines;

  constructor(
    private readonly context: CaseContext,
    private readonly steps: CaseSteps,
  ) {
    steps.atEnd(() => this.flushSearchAttributes());
  }

  /** The deadlines the status shows (the case's book registers itself when it is built). */
  show(deadlines: DeadlineStatusSource): void {
    this.deadlines = deadlines;
  }

  /** Upserts now, or with the rest of the current step's changes when one is running. */
  setSearchAttributes(pairs: SearchAttributeUpdatePair[]): void {
    for (const pair of pairs) {
      this.pendingAttributes.delete(pair.key.name);
      this.pendingAttributes.set(pair.key.name, pair);
    }
    if (!this.steps.running) this.flushSearchAttributes();
  }

  /** Upserts what the current step has changed so far (before a notice that may be retried for a day). */
  flushSearchAttributes(): void {
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
    const next = this.deadlines.nextDeadline();
    const state = this.deadlines.overallState();
    const nextDue = next?.entry.dueAt ? new Date(next.entry.dueAt) : undefined;
    const signature = `${nextDue?.toISOString() ?? '-'}|${state}`;
    if (signature !== this.lastSearchAttributes) {
      this.lastSearchAttributes = signature;
      this.setSearchAttributes([
        nextDue ? { key: NextDeadlineKey, value: nextDue } : { key: NextDeadlineKey, value: null },
        { key: DeadlineStateKey, value: state },
      ]);
    }
    const { caseType, caseNumber, facility } = this.context;
    setCurrentDetails(
      // Markdown: paragraphs need blank lines between them, the table needs its lines together.
      [
        `**${caseType} ${caseNumber}** (${facility}): ${state}`,
        next ? `Next: ${next.key} due ${next.entry.localText}` : 'No open deadline',
        extraDetails,
        this.deadlineTable(),
      ]
        .filter((paragraph) => paragraph !== '')
        .join('\n\n'),
    );
  }

  /** A cap only bounds extensions of its deadline: it has no row of its own. */
  private deadlineTable(): string {
    const rows = this.deadlines
      .states()
      .filter(([d]) => !d.entry.capOf)
      .map(
        ([d, shown]) =>
          `| ${d.key} | ${d.tolled ? 'clock stopped' : d.entry.localText} | ${d.tolled ? 'tolled' : shown} | ${d.entry.responsibleRole} | ${d.entry.sourceText} |`,
      );
    return ['| deadline | due | state | role | source |', '|---|---|---|---|---|', ...rows].join('\n');
  }
}
