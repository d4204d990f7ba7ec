// A notice the primary relay will not take, end to end: the real workflow gives the notice up and
// alerts the administrators, and the alert does not depend on the relay that failed. It arrives
// through the fallback relay (smtp.fallback, a second real SMTP receiver) and as a signed POST to
// the paging tool's webhook (a real HTTP server checking the signature as a receiver would), and the
// case's timeline records both steps.
//
// The primary relay here refuses every message (550), which fails the notice at once. The other
// way a notice fails, a relay down for the whole retry day, is day-long-outage.test.ts.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { createMailTransport } from '../../activities/mail-transport';
import { adminAlertMessageId } from '../../activities/notifications';
import { RelayHealth, relayGatedMailer } from '../../activities/relay-health';
import { DocketClient } from '../../client/cases';
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
  startPagingHook,
} from './support';

const SECRET = 'a-random-paging-key-of-at-least-32-chars';

let env: TestWorkflowEnvironment;
let primary: SmtpReceiver;
let fallback: SmtpReceiver;
let hook: PagingHook;
let worker: Worker;
let running: Promise<void>;
let docket: DocketClient;
const healths: RelayHealth[] = [];

beforeAll(async () => {
  [env, primary, fallback] = await Promise.all([
    createTimeSkippingEnv(),
    startSmtpReceiver(),
    startSmtpReceiver(),
  ]);
  hook = await startPagingHook(SECRET);

  const logger = pino({ level: 'silent' });
  const relay = (name: string, port: number) => {
    const transport = createMailTransport({
      host: '127.0.0.1',
      port,
      ignoreTLS: true,
      timeoutsMs: { connection: 2_000, socket: 5_000 },
    });
    const health = new RelayHealth({
      relay: name,
      probe: () => transport.verify(),
      logger,
      outageAlertAfterMs: 300_000,
    });
    healths.push(health);
    return { mailer: relayGatedMailer(transport, health), health };
  };
  const main = relay('primary', primary.port);
  const codecEnv = { DOCKET_CODEC_KEYS: `kch:${generateKey()}` };
  const dataConverter = createDataConverter(loadKeyring(codecEnv));
  const taskQueue = uniqueName('faults-channels');
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleFor(docketWorkflowsPath),
    dataConverter,
    activities: await alertChannelActivities({
      primary: main,
      fallbackMailer: relay('fallback', fallback.port).mailer,
      hook: { url: hook.url, secret: SECRET },
      logger,
    }),
  });
  running = worker.run();
  docket = new DocketClient({ client: new Client({ connection: env.connection, dataConverter }), taskQueue });
}, 240_000);

afterAll(async () => {
  for (const h of healths) h.close();
  worker?.shutdown();
  await running;
  await hook?.close();
  await Promise.all([primary?.close(), fallback?.close()]);
  await env?.teardown();
});

test("the primary relay refuses everything: the administrators' alert arrives by fallback relay and signed webhook", async () => {
  primary.replyNext(550, 10);
  const caseNumber = 'FLT-CHANNELS-1';
  const workflowId = grievanceWorkflowId(caseNumber);
  const dueAt = Math.ceil((await env.currentTimeMs()) / 1000) * 1000 + HOUR_MS;
  await openDueAt(docket, caseNumber, dueAt);
  await env.sleep(dueAt - (await env.currentTimeMs()));
  for (let i = 0; i < 240 && (hook.posts.length === 0 || fallback.messages.length === 0); i++)
    await sleep(250);

  // The primary relay saw the notice and the alert, and took neither.
  expect(primary.messages).toHaveLength(0);
  expect(primary.rejected.map((r) => r.code)).toEqual([550, 550]);
  const [alert] = fallback.messages;
  expect(fallback.messages).toHaveLength(1);
  expect(alert?.messageId).toBe(adminAlertMessageId(workflowId, BREACH_KEY, MESSAGE_ID_DOMAIN));
  expect(alert?.envelope.to).toEqual(['docket-admin@ops.faults.example.org']);
  expect(alert?.subject).toBe(`[Docket administrators] Notice not delivered: SMTP_PERMANENT (${BREACH_KEY})`);

  expect(hook.posts).toHaveLength(1);
  expect(hook.posts[0]?.verified).toBe(true);
  expect(JSON.parse(hook.posts[0]?.body ?? '{}')).toMatchObject({
    type: 'docket.notice.undelivered',
    workflowId,
    noticeKey: BREACH_KEY,
    errorCode: 'SMTP_PERMANENT',
    caseNumber,
    kind: 'breach',
    facility: 'LARC',
    role: 'reviewing-authority',
    deadline: { key: 'prea.emergency.initial-response' },
  });

  // The case records the alert once the alert activity's completion reaches it, after the posts above.
  const breachEntries = async () =>
    (await docket.timeline('grievance', caseNumber))
      .filter((e) => e.noticeKey === BREACH_KEY)
      .map((e) => e.type);
  for (let i = 0; i < 80 && !(await breachEntries()).includes('admin.alerted'); i++) await sleep(250);
  expect(await breachEntries()).toEqual(['notice.failed', 'admin.alerted']);
}, 240_000);
