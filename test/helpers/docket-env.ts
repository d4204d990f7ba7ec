// A whole Docket on the time-skipping test server: the real worker wiring (worker/activities.ts)
// with the real notification activities sending through nodemailer to a real SMTP receiver, the
// sample directory, and the real schedule computation. One per test file; each test gets its own
// workflow IDs.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino, { type Logger } from 'pino';
import { CaseArchive } from '../../activities/archive';
import { openSqliteArchiveStore } from '../../activities/archive-sqlite';
import { loadDirectory } from '../../activities/directory';
import { createMailTransport } from '../../activities/mail-transport';
import type { ScheduleActivityOptions } from '../../activities/schedule';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { buildActivities, type DocketActivities, type DocketActivityDeps } from '../../worker/activities';
import { generateKey, Keyring } from '../../infra/keys';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from './smtp';
import { bundleFor, createTimeSkippingEnv, uniqueName } from './temporal';

export const ADMIN_FALLBACK = 'docket-admin@ops.example.org';
export const DIRECTORY_PATH = path.join(__dirname, '..', '..', 'config', 'directory.yaml');
/** Signs the acknowledgement links test workers put in alerts (fresh per test process, as a deployment's own). */
export const TEST_ACK_LINK_KEY = randomBytes(32);

export interface DocketTestbed {
  env: TestWorkflowEnvironment;
  smtp: SmtpReceiver;
  taskQueue: string;
  /** Log lines the activities wrote (JSON), for leak checks. */
  logLines: string[];
  /** Moves the test server's clock to an instant (never backwards). */
  advanceTo(iso: string): Promise<void>;
  now(): Promise<Date>;
  /** Messages whose envelope includes `address`. */
  mailTo(address: string): ReceivedMessage[];
  teardown(): Promise<void>;
}

/**
 * Docket's real activities (worker/activities.ts) sending to a test SMTP receiver, with the sample
 * directory and an in-memory send ledger: what every test worker registers.
 */
export async function testActivities(
  smtp: SmtpReceiver,
  options: {
    logger?: Logger;
    ackBaseUrl?: string;
    ackLinkKey?: Buffer;
    schedule?: ScheduleActivityOptions;
    /** Where closed cases' records go; a fresh SQLite file of the test's own when absent. */
    archive?: CaseArchive;
    /** The case systems told of deadline changes; none when absent. */
    caseWebhooks?: DocketActivityDeps['caseWebhooks'];
  } = {},
): Promise<DocketActivities> {
  return buildActivities({
    mailer: createMailTransport({
      ...smtp.transportOptions(),
      timeoutsMs: { connection: 2_000, socket: 5_000 },
    }),
    directory: await loadDirectory(DIRECTORY_PATH),
    logger: options.logger ?? pino({ level: 'silent' }),
    ledger: createMemorySentLedger(),
    config: {
      from: 'Docket <docket@docket.example.org>',
      adminFallback: ADMIN_FALLBACK,
      messageIdDomain: 'docket.example.org',
      ackBaseUrl: options.ackBaseUrl ?? 'http://127.0.0.1:8080/ack',
      ackLinkKey: options.ackLinkKey ?? TEST_ACK_LINK_KEY,
    },
    ...(options.schedule ? { schedule: options.schedule } : {}),
    archive: options.archive ?? testArchive(),
    ...(options.caseWebhooks ? { caseWebhooks: options.caseWebhooks } : {}),
  });
}

/** A records archive in a fresh temporary directory, encrypted under a key of its own. */
export function testArchive(): CaseArchive {
  const dir = mkdtempSync(path.join(tmpdir(), 'docket-records-'));
  return new CaseArchive(
    openSqliteArchiveStore(path.join(dir, 'records.sqlite')),
    Keyring.fromSpec({ current: 'ktest', keys: { ktest: generateKey() } }),
    { messageIdDomain: 'docket.example.org' },
  );
}

/**
 * `schedule` holds the agency's business hours the schedule activity applies; it is read on every
 * computation, so a test that changes `schedule.businessHours` sees what a worker restarted with new
 * configuration would compute.
 */
export async function startDocketTestbed(
  options: { schedule?: ScheduleActivityOptions; caseWebhooks?: DocketActivityDeps['caseWebhooks'] } = {},
): Promise<DocketTestbed> {
  const env = await createTimeSkippingEnv();
  const smtp = await startSmtpReceiver();
  const logLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) });
  const taskQueue = uniqueName('docket');
  const activities = await testActivities(smtp, { logger, ...options });
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleFor(require.resolve('../../workflows')),
    activities,
  });
  const running = worker.run();

  return {
    env,
    smtp,
    taskQueue,
    logLines,
    async advanceTo(iso: string) {
      const target = Date.parse(iso);
      const now = await env.currentTimeMs();
      if (target > now) await env.sleep(target - now);
    },
    async now() {
      return new Date(await env.currentTimeMs());
    },
    mailTo(address: string) {
      return smtp.messages.filter((m) => m.envelope.to.includes(address));
    },
    async teardown() {
      worker.shutdown();
      await running;
      await smtp.close();
      await env.teardown();
    },
  };
}
