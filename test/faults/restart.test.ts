// Timers survive the death of everything: cases whose breach alerts are due at one instant T, the
// worker AND the Temporal dev server SIGKILLed before T, both restarted after T. Every alert must then
// arrive once, none before T, within seconds of the restart. The dev server keeps its state in a
// SQLite file (as scripts/up.sh runs it), so the restarted server finds the timers that came due
// while it was dead and fires them.
//
// Scale: DOCKET_FAULT_SCALE (cases = 20 × scale); DOCKET_FAULT_DOWN_BEFORE_S and
// DOCKET_FAULT_DOWN_AFTER_S set how long before and after T everything is dead (default 5 s, 10 s).
import { setTimeout as sleep } from 'node:timers/promises';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { uniqueName } from '../helpers/temporal';
import {
  breachMessageId,
  codecKeys,
  connectClients,
  countDeliveries,
  DevServerProcess,
  latenessS,
  openCases,
  removeScratch,
  report,
  scaled,
  scratchDir,
  waitFor,
  WorkerProcess,
  workerEnv,
  type Clients,
} from './support';

const N = scaled(20);
const DOWN_BEFORE_S = Number(process.env.DOCKET_FAULT_DOWN_BEFORE_S ?? '5');
const DOWN_AFTER_S = Number(process.env.DOCKET_FAULT_DOWN_AFTER_S ?? '10');

let dir: string;
let server: DevServerProcess;
let smtp: SmtpReceiver;
let worker: WorkerProcess;
let clients: Clients;
const taskQueue = uniqueName('faults-restart');

beforeAll(async () => {
  dir = scratchDir('restart');
  server = await DevServerProcess.create(dir);
  const keys = codecKeys();
  [smtp] = await Promise.all([startSmtpReceiver(), server.start()]);
  worker = new WorkerProcess(
    workerEnv({ dir, address: server.address, taskQueue, smtpPort: smtp.port, codecEnv: keys.env }),
    `${dir}/data`,
  );
  await worker.start();
  clients = await connectClients(server.address, keys.keyring, taskQueue);
}, 300_000);

afterAll(async () => {
  await clients?.close().catch(() => undefined);
  await worker?.stop();
  await server?.stop();
  await smtp?.close();
  if (dir) removeScratch(dir);
});

test(
  'worker and dev server SIGKILLed with timers pending: after the restart every alert fires once, none early',
  async () => {
    // Opening takes about a second a case on a loaded two-core machine; T leaves room for that.
    const dueAt = Math.ceil((Date.now() + 20_000 + N * 1_500 + DOWN_BEFORE_S * 1_000) / 1000) * 1000;
    const cases = await openCases(clients.docket, 'RST', N, dueAt);
    const ids = cases.map(breachMessageId);
    const killAt = dueAt - DOWN_BEFORE_S * 1_000;
    expect(Date.now()).toBeLessThan(killAt); // else the machine was too slow to open the cases in time

    await sleep(killAt - Date.now());
    await Promise.all([worker.kill(), server.kill()]);
    const killedAt = Date.now();
    expect(countDeliveries(smtp.messages, ids, dueAt).received).toBe(0);

    await sleep(dueAt + DOWN_AFTER_S * 1_000 - Date.now());
    const serverRestartAt = Date.now();
    await server.start();
    const workerReadyAt = await worker.start();

    await waitFor(
      () => countDeliveries(smtp.messages, ids, dueAt).received === N,
      120_000 + N * 1_000,
      `${N} alerts after the restart`,
    );
    // A duplicate would come from a retry of an attempt that already sent: give one a chance to show.
    await sleep(15_000);

    const counted = countDeliveries(smtp.messages, ids, dueAt);
    expect(counted).toMatchObject({
      expected: N,
      received: N,
      missing: 0,
      duplicates: 0,
      early: 0,
      other: 0,
    });
    // Nothing can have been sent while the server was dead.
    for (const m of smtp.messages) expect(m.receivedAt.getTime()).toBeGreaterThanOrEqual(serverRestartAt);
    const fromReady = latenessS(smtp.messages, ids, workerReadyAt);
    report('restart', {
      cases: N,
      killedBeforeDueS: Math.round((dueAt - killedAt) / 1000),
      restartedAfterDueS: Math.round((serverRestartAt - dueAt) / 1000),
      workerStartS: Math.round((workerReadyAt - serverRestartAt) / 1000),
      ...counted,
      latenessFromDueS: latenessS(smtp.messages, ids, dueAt),
      latenessFromWorkerReadyS: fromReady,
    });
    expect(fromReady.max).toBeLessThan(15);
  },
  (300 + N * 4 + DOWN_BEFORE_S + DOWN_AFTER_S) * 1_000,
);
