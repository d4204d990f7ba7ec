// Timers survive the death of everything: cases whose breach alerts are due at one instant T, the
// worker AND the Temporal dev server SIGKILLed before T, both restarted after T. Every alert must then
// arrive once, none before T, within seconds of the restart. The dev server keeps its state in a
// SQLite file (as scripts/up.sh runs it), so the restarted server finds the timers that came due
// while it was dead and fires them.
//
// Scale: DOCKET_FAULT_SCALE (cases = 20 × scale); DOCKET_FAULT_DOWN_BEFORE_S and
// DOCKET_FAULT_DOWN_AFTER_S set how long before and after T everything is dead (default 5 s, 10 s).
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../helpers/temporal';
import {
  breachMessageId,
  countDeliveries,
  type FaultStack,
  latenessS,
  openCases,
  report,
  scaled,
  startFaultStack,
  waitFor,
} from './support';

const N = scaled(20);
const DOWN_BEFORE_S = Number(process.env.DOCKET_FAULT_DOWN_BEFORE_S ?? '5');
const DOWN_AFTER_S = Number(process.env.DOCKET_FAULT_DOWN_AFTER_S ?? '10');

let stack: FaultStack;
const taskQueue = uniqueName('faults-restart');

beforeAll(async () => {
  stack = await startFaultStack({ label: 'restart', taskQueue });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

test(
  'worker and dev server SIGKILLed with timers pending: after the restart every alert fires once, none early',
  async () => {
    // Opening takes about a second a case on a loaded two-core machine; T leaves room for that.
    const dueAt = Math.ceil((Date.now() + 20_000 + N * 1_500 + DOWN_BEFORE_S * 1_000) / 1000) * 1000;
    const cases = await openCases(stack.clients.docket, 'RST', N, dueAt);
    const ids = cases.map(breachMessageId);
    const killAt = dueAt - DOWN_BEFORE_S * 1_000;
    expect(Date.now()).toBeLessThan(killAt); // else the machine was too slow to open the cases in time

    await sleep(killAt - Date.now());
    await Promise.all([stack.worker.kill(), stack.server.kill()]);
    const killedAt = Date.now();
    expect(countDeliveries(stack.smtp.messages, ids, dueAt).received).toBe(0);

    await sleep(dueAt + DOWN_AFTER_S * 1_000 - Date.now());
    const serverRestartAt = Date.now();
    await stack.server.start();
    const workerReadyAt = await stack.worker.start();

    await waitFor(
      () => countDeliveries(stack.smtp.messages, ids, dueAt).received === N,
      120_000 + N * 1_000,
      `${N} alerts after the restart`,
    );
    // A duplicate would come from a retry of an attempt that already sent: give one a chance to show.
    await sleep(15_000);

    const counted = countDeliveries(stack.smtp.messages, ids, dueAt);
    expect(counted).toMatchObject({
      expected: N,
      received: N,
      missing: 0,
      duplicates: 0,
      early: 0,
      other: 0,
    });
    // Nothing can have been sent while the server was dead.
    for (const m of stack.smtp.messages)
      expect(m.receivedAt.getTime()).toBeGreaterThanOrEqual(serverRestartAt);
    const fromReady = latenessS(stack.smtp.messages, ids, workerReadyAt);
    report('restart', {
      cases: N,
      killedBeforeDueS: Math.round((dueAt - killedAt) / 1000),
      restartedAfterDueS: Math.round((serverRestartAt - dueAt) / 1000),
      workerStartS: Math.round((workerReadyAt - serverRestartAt) / 1000),
      ...counted,
      latenessFromDueS: latenessS(stack.smtp.messages, ids, dueAt),
      latenessFromWorkerReadyS: fromReady,
    });
    expect(fromReady.max).toBeLessThan(15);
  },
  (300 + N * 4 + DOWN_BEFORE_S + DOWN_AFTER_S) * 1_000,
);
