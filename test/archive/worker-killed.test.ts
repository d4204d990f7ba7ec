// A worker killed between the archive write and the workflow's completion loses nothing and
// duplicates nothing. The production worker runs as a child process (test/fixtures/
// archive-worker-process.ts) that, once the archive activity has written and confirmed the record,
// holds the activity open; the test SIGKILLs it there, so the record is in the archive and Temporal
// has not heard of it. The workflow must still be running (its completion waits for the archive's
// confirmation); a second worker retries the activity, which finds the same record already written.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { ArchiveReceipt } from '../../activities/archive';
import { CaseArchive } from '../../activities/archive';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from '../../activities/archive-sqlite';
import { DocketClient } from '../../client/cases';
import { EncryptionCodec } from '../../infra/codec';
import { createDataConverter } from '../../infra/data-converter';
import { generateKey, Keyring } from '../../infra/keys';
import { docketBundleOptions } from '../../worker/workflow-bundle';
import { DAY, iso, newCaseNumber } from '../api/support';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { createDevServerEnv, quietBundlerLogger, uniqueName } from '../helpers/temporal';

const REPO_ROOT = path.join(__dirname, '..', '..');
const codecKey = generateKey();
const keyring = Keyring.fromSpec({ current: 'kcrash', keys: { kcrash: codecKey } });
const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-records-crash-'));
const taskQueue = uniqueName('docket-crash');

let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let bundlePath: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  const [started, bundle, receiver] = await Promise.all([
    createDevServerEnv(),
    bundleWorkflowCode({ ...docketBundleOptions, logger: quietBundlerLogger }),
    startSmtpReceiver(),
  ]);
  env = started;
  smtp = receiver;
  bundlePath = path.join(dataDir, 'workflow-bundle.js');
  writeFileSync(bundlePath, bundle.code);
}, 180_000);

afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await smtp?.close();
  await env?.teardown();
});

interface WorkerMessage {
  ready?: boolean;
  archived?: ArchiveReceipt;
  attempt?: number;
}

/** Starts the production worker as a process of its own; resolves once it polls. */
function startWorker(
  pauseAfterArchive: boolean,
): Promise<{ child: ChildProcess; messages: WorkerMessage[] }> {
  const child = fork(path.join(REPO_ROOT, 'test', 'fixtures', 'archive-worker-process.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      DOCKET_TASK_QUEUE: taskQueue,
      DOCKET_DATA_DIR: dataDir,
      DOCKET_CODEC_KEYS: `kcrash:${codecKey}`,
      DOCKET_SMTP_HOST: '127.0.0.1',
      DOCKET_SMTP_PORT: String(smtp.port),
      DOCKET_LOG_LEVEL: 'warn',
      DOCKET_TEST_BUNDLE: bundlePath,
      DOCKET_TEST_PAUSE_AFTER_ARCHIVE: pauseAfterArchive ? '1' : '0',
    },
  });
  children.push(child);
  const messages: WorkerMessage[] = [];
  child.on('message', (message: WorkerMessage) => messages.push(message));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    const check = setInterval(() => {
      if (messages.some((m) => m.ready)) {
        clearInterval(check);
        child.removeAllListeners('exit');
        resolve({ child, messages });
      }
    }, 100);
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 90_000): Promise<T> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > giveUpAt) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('SIGKILL after the archive write: the workflow waits, the retry finds the record written, one copy remains', async () => {
  const client = new Client({ connection: env.connection, dataConverter: createDataConverter(keyring) });
  const archive = new CaseArchive(openSqliteArchiveStore(path.join(dataDir, SQLITE_ARCHIVE_FILE)), keyring);
  const docket = new DocketClient({ client, taskQueue, timeoutMs: 30_000, archive });
  const caseNumber = newCaseNumber('GRV');
  const key = { caseType: 'grievance', caseNumber };

  const first = await startWorker(true);
  const now = Date.now();
  await docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: iso(now - 2 * DAY),
  });
  await docket.recordEvent('grievance', caseNumber, 'rts-submitted', { at: iso(now - DAY), by: 'S-0100' });
  const closing = await docket.recordEvent('grievance', caseNumber, 'withdrawn', {
    at: iso(now),
    by: 'S-0100',
  });
  expect(closing.closed).toBe(true);

  // The record is written and confirmed; the worker dies before Temporal hears of it.
  const written = await until('the archive write', () => first.messages.find((m) => m.archived));
  expect(written.archived).toMatchObject({ inserted: true });
  first.child.kill('SIGKILL');
  await new Promise((resolve) => first.child.once('exit', resolve));

  const handle = docket.handle('grievance', caseNumber);
  expect((await handle.describe()).status.name).toBe('RUNNING');
  const runs = await archive.store.runsOf(key);
  expect(runs).toHaveLength(1);
  expect(runs[0]?.contentHash).toBe(written.archived?.contentHash);

  // A new worker: the activity times out on its missed heartbeat, is retried, and completes the case.
  const second = await startWorker(false);
  await handle.result();
  expect((await handle.describe()).status.name).toBe('COMPLETED');
  second.child.kill('SIGTERM');
  await new Promise((resolve) => second.child.once('exit', resolve));

  const after = await archive.store.runsOf(key);
  expect(after).toHaveLength(1);
  expect(after[0]).toEqual(runs[0]);

  // History: one archive activity, completed on its second attempt, which wrote nothing new.
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const scheduled = events.filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'archiveCaseRecord',
  );
  expect(scheduled).toHaveLength(1);
  const started = events.find(
    (e) =>
      e.activityTaskStartedEventAttributes?.scheduledEventId?.toString() ===
      scheduled[0]?.eventId?.toString(),
  );
  expect(started?.activityTaskStartedEventAttributes?.attempt).toBe(2);
  // The archive's completion, among the case's other activities (deadline events go out beside it).
  const archiveCompleted = (e: (typeof events)[number]) =>
    e.activityTaskCompletedEventAttributes?.scheduledEventId?.toString() ===
    scheduled[0]?.eventId?.toString();
  const completed = events.find(archiveCompleted)?.activityTaskCompletedEventAttributes;
  const [payload] = await new EncryptionCodec(keyring).decode(completed?.result?.payloads ?? []);
  const receipt = defaultPayloadConverter.fromPayload<ArchiveReceipt>(payload as NonNullable<typeof payload>);
  expect(receipt).toMatchObject({ inserted: false, contentHash: written.archived?.contentHash });
  // The completion comes after the archive's confirmation.
  const completedAt = events.findIndex(archiveCompleted);
  const workflowDone = events.findIndex((e) => e.workflowExecutionCompletedEventAttributes);
  expect(completedAt).toBeGreaterThan(0);
  expect(workflowDone).toBeGreaterThan(completedAt);

  // And the archived record is the case as it closed.
  const read = await archive.read(key);
  expect(read?.record.snapshot.view).toEqual(closing);
}, 240_000);
