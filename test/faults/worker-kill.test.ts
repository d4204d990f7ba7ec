// The worker SIGKILLed again and again while it drains a burst of breach alerts, restarted at once
// each time: nothing may go missing and nothing may be sent twice, and the alerts that were in the
// middle of their SMTP session when the worker died must go out within seconds of the restart.
// That last part is what the notice activity's heartbeat timeout buys: Temporal learns of the dead
// attempt within 10 s instead of waiting out the 2-minute start-to-close timeout.
//
// The relay holds each RCPT TO for a moment and the worker sends four at a time, so the drain spans
// the kills and every kill finds sessions in flight. Kills are
// placed outside the one window the design leaves open (between the relay's 250 and the sent
// ledger's write, see crash-after-accept.test.ts): a kill waits until every message the relay has
// accepted is in the worker's ledger file and no session is past its DATA command (whose message
// could still reach the relay after the kill), then lands in the same tick, before this process
// (which is the relay) can answer another 250. Everywhere else (mid-session, between the ledger write and
// the activity's completion, while Temporal holds a finished attempt) the kill is arbitrary.
//
// Scale: DOCKET_FAULT_SCALE (cases = 60 × scale), DOCKET_FAULT_KILLS (default 3).
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

const N = scaled(60);
const KILLS = Number(process.env.DOCKET_FAULT_KILLS ?? '3');

let stack: FaultStack;
const taskQueue = uniqueName('faults-drain');

beforeAll(async () => {
  // Few sends at a time and a slow relay stretch the drain over the kills.
  stack = await startFaultStack({
    label: 'drain',
    taskQueue,
    worker: { maxConcurrentActivityTaskExecutions: 4 },
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

/**
 * SIGKILLs the worker at the first moment an alert is in flight and every accepted alert is in its
 * ledger. The check and the
 * kill run in one synchronous block, so no 250 can go out between them.
 */
async function killOutsideTheOpenWindow(ids: readonly string[]): Promise<{ inFlight: number }> {
  const expected = new Set(ids);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const accepted = stack.smtp.messages.filter(
      (m) => m.outcome === 'accepted' && m.messageId && expected.has(m.messageId),
    );
    const ledger = stack.worker.ledgerMessageIds();
    // Also wait for a session in flight (the alert the heartbeat timeout must rescue), but none past
    // its DATA command: its last bytes may already be on their way, and the relay would accept a
    // message whose sender is dead, which is the open window again, seen from the relay's side.
    const settled =
      stack.smtp.receivingData() === 0 && accepted.every((m) => ledger.has(m.messageId as string));
    if (stack.smtp.inFlight() > 0 && settled) {
      const inFlight = stack.smtp.inFlight();
      stack.worker.killNow();
      await stack.worker.kill(); // waits for the exit
      return { inFlight };
    }
    if (Date.now() > deadline) throw new Error('the ledger never caught up with the accepted alerts');
    await sleep(5);
  }
}

test(
  'worker SIGKILLed repeatedly during a drain: nothing missing, nothing duplicated, in-flight alerts retried within seconds',
  async () => {
    stack.smtp.holdRcpt(300);
    const dueAt = Math.ceil((Date.now() + 20_000 + N * 1_200) / 1000) * 1000;
    const cases = await openCases(stack.clients.docket, 'DRN', N, dueAt);
    const ids = cases.map(breachMessageId);
    expect(Date.now()).toBeLessThan(dueAt);
    await sleep(dueAt - Date.now());

    const received = () => countDeliveries(stack.smtp.messages, ids, dueAt).received;
    const kills: Array<{ afterReceived: number; inFlight: number; restartS: number }> = [];
    for (let k = 1; k <= KILLS; k++) {
      await waitFor(
        () => received() >= Math.floor((k * N) / (KILLS + 1)),
        180_000,
        `alert ${k}/${KILLS + 1} of the drain`,
      );
      const { inFlight } = await killOutsideTheOpenWindow(ids);
      const killedAt = Date.now();
      const afterReceived = received();
      const readyAt = await stack.worker.start();
      kills.push({ afterReceived, inFlight, restartS: Math.round((readyAt - killedAt) / 1000) });
    }
    const lastReadyAt = stack.worker.readyAt[stack.worker.readyAt.length - 1] as number;
    const pendingAtLastKill = ids.filter((id) => stack.smtp.byMessageId(id).length === 0);

    await waitFor(() => received() === N, 180_000, `all ${N} alerts`);
    await sleep(15_000); // room for a duplicate to show

    const counted = countDeliveries(stack.smtp.messages, ids, dueAt);
    expect(counted).toMatchObject({
      expected: N,
      received: N,
      missing: 0,
      duplicates: 0,
      early: 0,
      other: 0,
    });
    // Alerts the ledger saved from a second send: the restarted worker found them and sent nothing.
    const savedByLedger = stack.worker.lines.filter((l) =>
      String(l.msg).startsWith('notice already accepted by the mail relay'),
    ).length;
    const lastKill = kills[kills.length - 1] as (typeof kills)[number];
    const afterLastRestart = latenessS(stack.smtp.messages, pendingAtLastKill, lastReadyAt);
    report('worker-kill', {
      cases: N,
      kills,
      ...counted,
      savedByLedger,
      pendingAtLastKill: pendingAtLastKill.length,
      latenessAfterLastRestartS: afterLastRestart,
      latenessFromDueS: latenessS(stack.smtp.messages, ids, dueAt),
    });
    // The last kill caught alerts mid-session; they and everything still pending went out within 15 s
    // of the restarted worker polling (not after the 2-minute start-to-close timeout).
    expect(lastKill.inFlight).toBeGreaterThan(0);
    expect(pendingAtLastKill.length).toBeGreaterThan(0);
    expect(afterLastRestart.max).toBeLessThan(15);
  },
  (600 + N * 3) * 1_000,
);
