// Helpers of the tests of long-lived records (a contract, an employee's probation): each test gets a
// testbed of its own, sends Updates and reads the record's view, and reads the mail it sent.
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { scheduleQuery, type CaseView } from '../../workflows/case-messages';
import { startDocketTestbed, type DocketTestbed } from './docket-env';
import type { ReceivedMessage } from './smtp';

/** Runs `run` against a testbed of its own, torn down afterwards whatever happens. */
export async function withDocketTestbed(run: (bed: DocketTestbed) => Promise<void>): Promise<void> {
  const bed = await startDocketTestbed();
  try {
    await run(bed);
  } finally {
    await bed.teardown();
  }
}

/** Sends one Update and returns the view it answers with, as the record's own view type `V`. */
export function sendUpdate<V extends CaseView, I>(
  handle: WorkflowHandle,
  update: UpdateDefinition<CaseView, [I]>,
  input: I,
): Promise<V> {
  return handle.executeUpdate(update, { args: [input] }) as Promise<V>;
}

/** The record's current view, as its own view type `V`. */
export const viewOf = async <V extends CaseView>(handle: WorkflowHandle): Promise<V> =>
  (await handle.query(scheduleQuery)) as V;

/** Messages to `address` that mention `text` (a contract number, an employee ID). */
export const mailAbout = (bed: DocketTestbed, address: string, text: string): ReceivedMessage[] =>
  bed.mailTo(address).filter((m) => m.text.includes(text));

/** When a message was sent: its Date header. */
export const sentAt = (mail: ReceivedMessage | undefined): number =>
  Date.parse(mail?.header('date') as string);

/** Polls `predicate` every 50 ms until it holds; throws naming `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
