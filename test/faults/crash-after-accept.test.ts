// The one window Docket's delivery leaves open, shown rather than hidden: the relay has answered 250
// to a notice and the worker dies before it records that (the sent ledger's fsync, the heartbeat).
// The test's own SMTP relay SIGKILLs the worker process in the same tick it answers 250, so the
// worker cannot have written anything. After the restart Temporal retries the alert, and the worker,
// finding no record, sends it again: at most one duplicate, with the same Message-ID and the very
// same bytes (relays and mail clients that de-duplicate by Message-ID collapse it). Nothing is lost.
//
// Rounds: DOCKET_FAULT_SCALE × 3, one alert each, so every kill lands on exactly one alert's 250.
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../helpers/temporal';
import {
  breachMessageId,
  caseNumberOf,
  type FaultStack,
  openDueAt,
  report,
  scaled,
  startFaultStack,
  waitFor,
} from './support';

const ROUNDS = scaled(3);

let stack: FaultStack;
const taskQueue = uniqueName('faults-250');

beforeAll(async () => {
  stack = await startFaultStack({ label: 'after-250', taskQueue });
}, 300_000);

afterAll(async () => {
  stack?.smtp.onAccepted(undefined);
  await stack?.stop();
});

test('SIGKILL right after the relay answers 250: at most one duplicate, same Message-ID, same bytes', async () => {
  const rounds: Array<{ copies: number; secondAfterRestartS: number | null }> = [];
  for (let round = 0; round < ROUNDS; round++) {
    const caseNumber = caseNumberOf('ACK250', round);
    const id = breachMessageId(caseNumber);
    const dueAt = Math.ceil((Date.now() + 15_000) / 1000) * 1000;
    await openDueAt(stack.clients.docket, caseNumber, dueAt);
    expect(Date.now()).toBeLessThan(dueAt);

    let killedAt = 0;
    stack.smtp.onAccepted((message) => {
      if (message.messageId !== id || killedAt) return;
      stack.worker.killNow(); // same tick as the 250: the worker cannot have recorded it
      killedAt = Date.now();
    });
    await waitFor(() => killedAt > 0, 120_000, `round ${round}: the alert's 250`);
    stack.smtp.onAccepted(undefined);
    await stack.worker.kill(); // reaps the process
    const readyAt = await stack.worker.start();
    // The retry comes after the heartbeat timeout (10 s) and its backoff; then give a third copy,
    // which must never come, room to show.
    await sleep(Math.max(0, readyAt + 25_000 - Date.now()));

    const copies = stack.smtp.byMessageId(id).filter((m) => m.outcome === 'accepted');
    expect(copies.length).toBeGreaterThanOrEqual(1);
    expect(copies.length).toBeLessThanOrEqual(2);
    const [first, second] = copies;
    if (second && first) {
      expect(second.messageId).toBe(first.messageId);
      expect(second.raw.equals(first.raw)).toBe(true);
    }
    rounds.push({
      copies: copies.length,
      secondAfterRestartS: second ? Math.round((second.receivedAt.getTime() - readyAt) / 100) / 10 : null,
    });
  }
  report('crash-after-accept', {
    rounds: rounds.length,
    duplicates: rounds.filter((r) => r.copies === 2).length,
    missing: 0,
    detail: rounds,
  });
}, 900_000);
