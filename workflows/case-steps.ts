// A step of a case: its opening, one update, one piece of its own work. What a step changes is handed
// on once, when the outermost step ends (its search attributes in one upsert), so a step costs one
// history event however many changes it makes.
import { patched } from '@temporalio/workflow';

/**
 * patched() id: a step's search attributes go out in one upsert (CaseSteps.run). Cases whose history
 * predates it run no steps: each change goes out as it is made, so their replay is unchanged.
 */
const ONE_UPSERT_PER_STEP = 'one-search-attribute-upsert-per-step';

export class CaseSteps {
  private depth = 0;
  private readonly endings: Array<() => void> = [];

  /** Whether a step is running: a change made now waits for its end. */
  get running(): boolean {
    return this.depth > 0;
  }

  /** Registers what hands a step's changes on when the outermost step ends; run in registration order. */
  atEnd(flush: () => void): void {
    this.endings.push(flush);
  }

  /** Runs `fn` as a step (nested steps are part of the outermost one). */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (!patched(ONE_UPSERT_PER_STEP)) return fn();
    this.depth += 1;
    try {
      return await fn();
    } finally {
      this.depth -= 1;
      if (this.depth === 0) for (const flush of this.endings) flush();
    }
  }
}
