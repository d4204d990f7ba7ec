// The primary relay is down for the whole day a notice may be retried. The notice gives up after that
// day and the workflow alerts the administrators, which must not go through the relay that failed:
// the alert reaches them through the fallback relay (smtp.fallback) and the paging tool's webhook (a
// real HTTP server here, checking the signature as a receiver would). The case's timeline records
// both: the notice failed, the administrators were alerted.
//
// On the time-skipping test server, with the real workflows, the production activity wiring
// (worker/activities.ts), encrypted payloads and a real SMTP receiver as the fallback relay. (The
// undelivered-notices list needs visibility queries, which this server does not answer: it is
// tested on the dev server, test/api/undelivered.test.ts and test/cli/notices.test.ts.)
import { createServer as createTcpServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createMailTransport } from '../../activities/mail-transport';
import { adminAlertMessageId } from '../../activities/notifications';
import { RelayHealth, relayGatedMailer } from '../../activities/relay-health';
import { DocketClient } from '../../client/cases';
import type { buildActivities } from '../../worker/activities';
import { createDataConverter } from '../../infra/data-converter';
import { generateKey, loadKeyring } from '../../infra/keys';
import { docketWorkflowsPath } from '../../worker/workflow-bundle';
import { grievanceWorkflowId } from '../../workflows/grievance';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { bundleFor, createTimeSkippingEnv, uniqueName } from '../helpers/temporal';
import {
  alertChannelActivities,
  BREACH_KEY,
  HOUR_MS,
  MESSAGE_ID_DOMAIN,
  openDueAt,
  type PagingHook,
  report,
  startPagingHook,
} from './support';

const SECRET = 'a-random-paging-key-of-at-least-32-chars';
const codecEnv = { DOCKET_CODEC_KEYS: `kday:${generateKey()}` };

let env: TestWorkflowEnvironment;
let fallback: SmtpReceiver;
let hook: PagingHook;
let worker: Worker | undefined;
let running: Promise<void> | undefined;
let activities: ReturnType<typeof buildActivities>;
let dataConverter: ReturnType<typeof createDataConverter>;
let docket: DocketClient;
const healths: RelayHealth[] = [];
let deferredAttempts = 0;
const taskQueue = uniqueName('faults-day');

async function startWorker(): Promise<void> {
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleFor(docketWorkflowsPath),
    dataConverter,
    activities,
  });
  running = worker.run();
}

async function stopWorker(): Promise<void> {
  worker?.shutdown();
  await running;
  worker = undefined;
  running = undefined;
}

function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  [env, fallback] = await Promise.all([createTimeSkippingEnv(), startSmtpReceiver()]);
  hook = await startPagingHook(SECRET);

  // Counts the day's failed attempts from the worker's own log lines.
  const logger = pino(
    { level: 'warn' },
    {
      write: (line: string) => {
        if (line.includes('"msg":"notice deferred; will retry"')) deferredAttempts += 1;
      },
    },
  );
  const timeoutsMs = { connection: 2_000, socket: 5_000 };
  const relay = (name: string, port: number) => {
    const transport = createMailTransport({ host: '127.0.0.1', port, ignoreTLS: true, timeoutsMs });
    // No wait at the gate: the test server runs each of the day's attempts in real time (below).
    const health = new RelayHealth({
      relay: name,
      probe: () => transport.verify(),
      logger,
      outageAlertAfterMs: 300_000,
      probeIntervalMs: 1_000,
      maxWaitMs: 0,
    });
    healths.push(health);
    return { mailer: relayGatedMailer(transport, health), health };
  };
  const primary = relay('primary', await deadPort());
  dataConverter = createDataConverter(loadKeyring(codecEnv));
  activities = await alertChannelActivities({
    primary,
    fallbackMailer: relay('fallback', fallback.port).mailer,
    hook: { url: hook.url, secret: SECRET },
    logger,
  });
  await startWorker();
  docket = new DocketClient({
    client: new Client({ connection: env.connection, dataConverter }),
    taskQueue,
    timeoutMs: 60_000,
  });
}, 240_000);

afterAll(async () => {
  for (const h of healths) h.close();
  await stopWorker();
  await hook?.close();
  await fallback?.close();
  await env?.teardown();
});

test("relay down all day: the notice gives up after a day and the administrators' alert arrives by fallback relay and signed webhook", async () => {
  const caseNumber = 'FLT-DAY-1';
  const workflowId = grievanceWorkflowId(caseNumber);
  const dueAt = Math.ceil((await env.currentTimeMs()) / 1000) * 1000 + HOUR_MS;
  await openDueAt(docket, caseNumber, dueAt);
  await env.sleep(dueAt - (await env.currentTimeMs()));

  // The breach alert is being retried (Temporal's own record of it).
  const handle = docket.handle('grievance', caseNumber);
  let attempts = 0;
  for (let i = 0; i < 600 && attempts < 2; i++) {
    const pending = (await handle.describe()).raw.pendingActivities ?? [];
    attempts = pending.find((p) => p.activityType?.name === 'sendNotice')?.attempt ?? 0;
    if (attempts < 2) await sleep(50);
  }
  expect(attempts).toBeGreaterThanOrEqual(2);

  // The rest of the day passes with the relay still down. The test server's clock stands still while
  // an activity task waits in its queue, so the day's retries (seconds apart) really run, one after
  // the other, each failing at the gate at once.
  const jumpStarted = Date.now();
  // In steps of an hour: the test server (grpc-java) closes a connection that pings it more often than
  // every five minutes, which the client does every 30 s, and the client then sends the cut-off call
  // again, whole. On a loaded machine a 25-hour sleep was cut off and sent again, day after day.
  const dayEnds = (await env.currentTimeMs()) + 25 * HOUR_MS;
  while ((await env.currentTimeMs()) < dayEnds) await env.sleep(HOUR_MS);
  const jumpRealS = Math.round((Date.now() - jumpStarted) / 1000);
  for (let i = 0; i < 240 && (hook.posts.length === 0 || fallback.messages.length === 0); i++)
    await sleep(500);

  expect(hook.posts).toHaveLength(1);
  expect(hook.posts[0]?.verified).toBe(true);
  const event = JSON.parse(hook.posts[0]?.body ?? '{}') as Record<string, unknown>;
  expect(event).toMatchObject({
    type: 'docket.notice.undelivered',
    workflowId,
    noticeKey: BREACH_KEY,
    caseNumber,
    caseType: 'grievance',
    kind: 'breach',
    facility: 'LARC',
    deadline: { key: 'prea.emergency.initial-response' },
  });
  // Raised when Temporal gave the notice up: a day after it fell due, less at most one retry interval
  // (10 s; Temporal gives up at the last attempt whose next retry would fall after the day).
  expect(Date.parse(String(event.raisedAt)) - dueAt).toBeGreaterThanOrEqual(24 * HOUR_MS - 10_000);
  expect(Date.parse(String(event.raisedAt)) - dueAt).toBeLessThan(25 * HOUR_MS);
  const alert = fallback.messages.find(
    (m) => m.messageId === adminAlertMessageId(workflowId, BREACH_KEY, MESSAGE_ID_DOMAIN),
  );
  expect(alert?.envelope.to).toEqual(['docket-admin@ops.faults.example.org']);
  expect(fallback.messages).toHaveLength(1); // only the alert: the notice itself never went out

  const timeline = await docket.timeline('grievance', caseNumber);
  const types = timeline.filter((e) => e.noticeKey === BREACH_KEY).map((e) => e.type);
  expect(types).toEqual(['notice.failed', 'admin.alerted']);
  // Retried all day, seconds apart (the maximum interval is 10 s): thousands of attempts.
  expect(deferredAttempts).toBeGreaterThan(5_000);

  report('day-long-outage', {
    // The workflow's clock when it raised the alert (the webhook's raisedAt): the one-day give-up.
    alertRaisedHoursAfterDue:
      Math.round(((Date.parse(String(event.raisedAt)) - dueAt) / HOUR_MS) * 100) / 100,
    failedSendAttemptsInTheDay: deferredAttempts,
    realSecondsForTheDay: jumpRealS,
    webhookPosts: hook.posts.length,
    webhookSignatureVerified: hook.posts[0]?.verified,
    fallbackRelayAlerts: fallback.messages.length,
    timeline: types,
  });
}, 600_000);
