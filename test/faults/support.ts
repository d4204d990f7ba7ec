// The fault-test harness: the pinned Temporal CLI dev server and the Docket worker as child processes
// this test starts and SIGKILLs by PID, a real SMTP receiver that can go away and come back on its
// port, and PREA emergency grievances whose 48-hour initial-response limit falls due at a chosen
// instant. Everything binds to 127.0.0.1 on free ports; every process started here is killed in
// `stopAll` (and on exit), and nothing else is touched.
//
// Sizes scale with DOCKET_FAULT_SCALE (default 1: small enough for CI on two cores); a figure for
// RELIABILITY.md is a run with a larger scale. DOCKET_FAULT_REPORT=<dir> writes each test's
// measurements there as JSON.
export { freePort } from '../helpers/net';
import { freePort } from '../helpers/net';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { createAlertWebhook } from '../../activities/alert-webhook';
import { loadDirectory } from '../../activities/directory';
import { noticeMessageId } from '../../activities/notifications';
import type { RelayHealth } from '../../activities/relay-health';
import type { MailSender } from '../../activities/send-once';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { buildActivities } from '../../worker/activities';
import { testArchive } from '../helpers/docket-env';
import { listenOnLoopback, signedPostServer } from '../helpers/webhooks';
import type { DocketClient } from '../../client/cases';
import { Keyring } from '../../infra/keys';
import { grievanceWorkflowId } from '../../workflows/grievance';
import { connectDevClients, devServerArgs, waitForFrontend, type DevClients } from '../../scripts/dev-server';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from '../helpers/smtp';

export const REPO_ROOT = path.join(__dirname, '..', '..');
export const HOUR_MS = 3_600_000;
export const MESSAGE_ID_DOMAIN = 'docket.faults.example.org';
/** The breach alert every test case sends at its due instant. */
export const BREACH_KEY = 'prea.emergency.initial-response/breach/1';

export const FAULT_SCALE = Number(process.env.DOCKET_FAULT_SCALE ?? '1');
if (!Number.isFinite(FAULT_SCALE) || FAULT_SCALE <= 0) {
  throw new Error(`DOCKET_FAULT_SCALE must be a positive number, got ${process.env.DOCKET_FAULT_SCALE}`);
}
export const scaled = (base: number): number => Math.max(1, Math.round(base * FAULT_SCALE));

export const iso = (ms: number): string => new Date(ms).toISOString();

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function killChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = exited(child);
  child.kill(signal);
  await done;
  children.delete(child);
}

/** A scratch directory for one test file: the server's database, the worker's data dir, logs. */
export function scratchDir(label: string): string {
  return mkdtempSync(path.join(tmpdir(), `docket-faults-${label}-`));
}

/**
 * The pinned Temporal CLI dev server on a fixed port with a SQLite file, so a SIGKILLed server
 * restarted on the same port and file comes back with every case and timer it had.
 */
export class DevServerProcess {
  private child: ChildProcess | undefined;
  readonly dbFile: string;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {
    this.dbFile = path.join(dir, 'temporal.db');
  }

  static async create(dir: string): Promise<DevServerProcess> {
    return new DevServerProcess(await freePort(), dir);
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    const cli = process.env.DOCKET_TEMPORAL_CLI;
    if (!cli) throw new Error('DOCKET_TEMPORAL_CLI is not set: run the tests through jest');
    const log = openSync(path.join(this.dir, 'temporal.log'), 'a');
    const child = spawn(cli, devServerArgs(this.port, this.dbFile), { stdio: ['ignore', log, log] });
    children.add(child);
    this.child = child;
    await waitForFrontend(this.address, child, path.join(this.dir, 'temporal.log'), 90_000);
  }

  kill(): Promise<void> {
    return killChild(this.child, 'SIGKILL');
  }

  stop(): Promise<void> {
    return killChild(this.child, 'SIGTERM');
  }
}

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** One random payload key for the run: the worker and the test's client encrypt alike. */
export function codecKeys(): { env: Record<string, string>; keyring: Keyring } {
  const key = randomBytes(32).toString('base64');
  return {
    env: { DOCKET_CODEC_KEYS: `faults:${key}` },
    keyring: Keyring.fromSpec({ current: 'faults', keys: { faults: key } }, 'fault-test keyring'),
  };
}

/**
 * The production worker (worker/main.ts) as its own process, configured through the environment as
 * scripts/up.sh does. It runs as `node --import tsx worker/main.ts`, which is what `npx tsx` ends up
 * running, without the npx and tsx launcher processes in front: a SIGKILL to this PID kills the
 * worker itself, not a launcher that would leave it running as an orphan.
 */
export class WorkerProcess {
  private child: ChildProcess | undefined;
  /** Every JSON log line of every incarnation, in order. */
  readonly lines: LogLine[] = [];
  /** When each incarnation logged "worker started" (ms since epoch). */
  readonly readyAt: number[] = [];
  private readonly logFile: string;

  constructor(
    private readonly env: Record<string, string>,
    readonly dataDir: string,
  ) {
    this.logFile = path.join(dataDir, 'worker.log');
    mkdirSync(dataDir, { recursive: true });
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts an incarnation; resolves when it polls (its "worker started" line). */
  async start(): Promise<number> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'worker', 'main.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...this.env, DOCKET_DATA_DIR: this.dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    this.child = child;
    const raw = openSync(this.logFile, 'a');
    let buffered = '';
    const ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`worker not ready in 240 s; see ${this.logFile}`)),
        240_000,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        writeFileSync(raw, chunk);
        buffered += chunk.toString('utf8');
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const text = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          newline = buffered.indexOf('\n');
          let line: LogLine;
          try {
            line = JSON.parse(text) as LogLine;
          } catch {
            continue;
          }
          this.lines.push(line);
          if (line.msg === 'worker started') {
            clearTimeout(timer);
            const at = Date.now();
            this.readyAt.push(at);
            resolve(at);
          }
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => writeFileSync(raw, chunk));
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`worker exited (${code ?? signal}) before it was ready; see ${this.logFile}`));
      });
    });
    return ready;
  }

  /** SIGKILL: the worker dies mid-whatever, with no chance to finish or clean up. */
  kill(): Promise<void> {
    return killChild(this.child, 'SIGKILL');
  }

  /** The same, synchronously: for a kill that must land in the current tick (see smtp onAccepted). */
  killNow(): void {
    if (this.running) this.child?.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    await killChild(this.child, 'SIGTERM');
  }

  /** Message-IDs in the worker's sent ledger (its data dir survives restarts, as in production). */
  ledgerMessageIds(): Set<string> {
    const ids = new Set<string>();
    let text: string;
    try {
      text = readFileSync(path.join(this.dataDir, 'sent-ledger.jsonl'), 'utf8');
    } catch {
      return ids;
    }
    for (const line of text.split('\n')) {
      try {
        const id = (JSON.parse(line) as { messageId?: unknown }).messageId;
        if (typeof id === 'string') ids.add(id);
      } catch {
        // blank or torn line
      }
    }
    return ids;
  }
}

/**
 * The worker's config file (what an agency's config/docket.yaml holds): the Message-ID domain the
 * tests compute IDs with, and optional worker tuning. Written into the test's scratch directory.
 */
export function writeWorkerConfig(dir: string, worker: Record<string, number> = {}): string {
  const file = path.join(dir, 'docket.yaml');
  const lines = [
    'mail:',
    '  from: Docket <docket@docket.faults.example.org>',
    '  adminFallback: docket-admin@ops.faults.example.org',
    `  messageIdDomain: ${MESSAGE_ID_DOMAIN}`,
    ...(Object.keys(worker).length > 0
      ? ['worker:', ...Object.entries(worker).map(([key, value]) => `  ${key}: ${value}`)]
      : []),
  ];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** The worker's environment for a dev server and a relay, as scripts/up.sh sets it. */
export function workerEnv(options: {
  dir: string;
  address: string;
  taskQueue: string;
  smtpPort: number;
  codecEnv: Record<string, string>;
  worker?: Record<string, number>;
  extra?: Record<string, string>;
}): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: options.address,
    DOCKET_TASK_QUEUE: options.taskQueue,
    DOCKET_SMTP_HOST: '127.0.0.1',
    DOCKET_SMTP_PORT: String(options.smtpPort),
    DOCKET_DIRECTORY: path.join(REPO_ROOT, 'config', 'directory.yaml'),
    DOCKET_CONFIG: writeWorkerConfig(options.dir, options.worker),
    DOCKET_LOG_LEVEL: 'info',
    ...options.codecEnv,
    ...options.extra,
  };
}

export type Clients = DevClients;

export const connectClients = connectDevClients;

/** What a fault test runs against: a dev server, a relay, a worker, clients, in one scratch directory. */
export interface FaultStack {
  readonly dir: string;
  readonly server: DevServerProcess;
  /** The relay's port: a test that takes the relay down brings it back on the same one. */
  readonly smtpPort: number;
  /** The relay; a test that replaces it (down and up again) assigns the new one here. */
  smtp: SmtpReceiver;
  readonly worker: WorkerProcess;
  readonly clients: Clients;
  /** Closes the clients, stops the worker, the server and the relay, removes the scratch directory. */
  stop(): Promise<void>;
}

/**
 * Starts a fault test's stack: the dev server and the relay at once, then the worker (whose config
 * carries `worker` tuning and `extra` environment), then the clients. If a step fails, what had
 * started is stopped before the error is thrown.
 */
export async function startFaultStack(options: {
  label: string;
  taskQueue: string;
  worker?: Record<string, number>;
  extra?: Record<string, string>;
}): Promise<FaultStack> {
  const dir = scratchDir(options.label);
  const parts: { server?: DevServerProcess; smtp?: SmtpReceiver; worker?: WorkerProcess; clients?: Clients } =
    {};
  const stop = async (): Promise<void> => {
    await parts.clients?.close().catch(() => undefined);
    await parts.worker?.stop();
    await parts.server?.stop();
    await parts.smtp?.close();
    removeScratch(dir);
  };
  try {
    const server = await DevServerProcess.create(dir);
    parts.server = server;
    const smtpPort = await freePort();
    const keys = codecKeys();
    [parts.smtp] = await Promise.all([startSmtpReceiver({ port: smtpPort }), server.start()]);
    const env = { dir, address: server.address, taskQueue: options.taskQueue, smtpPort, codecEnv: keys.env };
    const worker = new WorkerProcess(
      workerEnv({ ...env, worker: options.worker, extra: options.extra }),
      `${dir}/data`,
    );
    parts.worker = worker;
    await worker.start();
    parts.clients = await connectClients(server.address, keys.keyring, options.taskQueue);
    // The stack is `parts` itself, so `stop` closes whichever relay the test assigned last.
    return Object.assign(parts as Required<typeof parts>, { dir, smtpPort, stop });
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A paging endpoint on 127.0.0.1 that records each POST and whether its signature verifies. */
export interface PagingHook {
  url: string;
  posts: Array<{ body: string; verified: boolean; at: number }>;
  close(): Promise<void>;
}

/** Starts a paging endpoint whose posts are checked against the webhook secret `secret`. */
export async function startPagingHook(secret: string): Promise<PagingHook> {
  const posts: PagingHook['posts'] = [];
  const server = signedPostServer(secret, ({ body, verified, at }) => {
    posts.push({ body, verified, at });
    return 204;
  });
  const port = await listenOnLoopback(server);
  return {
    url: `http://127.0.0.1:${port}/page`,
    posts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Docket's activities for the alert-channel tests: notices through `primary`, administrators' alerts
 * also through the fallback relay and the signed paging webhook, the sample directory, an in-memory
 * ledger and a test archive.
 */
export async function alertChannelActivities(options: {
  primary: { mailer: MailSender; health: RelayHealth };
  fallbackMailer: MailSender;
  hook: { url: string; secret: string };
  logger: Logger;
}): Promise<ReturnType<typeof buildActivities>> {
  return buildActivities({
    mailer: options.primary.mailer,
    directory: await loadDirectory(path.join(REPO_ROOT, 'config', 'directory.yaml')),
    logger: options.logger,
    ledger: createMemorySentLedger(),
    config: {
      from: 'Docket <docket@docket.faults.example.org>',
      adminFallback: 'docket-admin@ops.faults.example.org',
      messageIdDomain: MESSAGE_ID_DOMAIN,
    },
    archive: testArchive(),
    adminAlerts: {
      primaryHealth: options.primary.health,
      fallbackMailer: options.fallbackMailer,
      webhook: createAlertWebhook({ url: options.hook.url, secret: options.hook.secret }),
    },
  });
}

export const caseNumberOf = (tag: string, i: number): string => `FLT-${tag}-${i}`;

export const breachMessageId = (caseNumber: string): string =>
  noticeMessageId(grievanceWorkflowId(caseNumber), BREACH_KEY, MESSAGE_ID_DOMAIN);

/**
 * A PREA emergency grievance (28 CFR 115.52(f)(2): initial response within 48 hours of filing)
 * filed 48 hours before `dueAtMs`, so its one breach alert is due at exactly that instant. Its
 * reminders lie in the past when it is armed (the machinery skips those) and its escalations and
 * final decision lie days later, so the alert is the only mail it sends in a test.
 */
export async function openDueAt(docket: DocketClient, caseNumber: string, dueAtMs: number): Promise<void> {
  await docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'sexual-abuse',
    preaEmergency: true,
    incidentAt: iso(dueAtMs - 49 * HOUR_MS),
  });
  const giveUpAt = Date.now() + 120_000;
  for (;;) {
    try {
      await docket.recordEvent('grievance', caseNumber, 'grievance-filed', {
        at: iso(dueAtMs - 48 * HOUR_MS),
        by: 'S-0100',
      });
      return;
    } catch (err) {
      // The first workflow task can outlast the client's own 10 s of CASE_INITIALIZING retries on a
      // loaded machine; the refusal recorded nothing, so sending again is safe.
      if ((err as { code?: string }).code !== 'CASE_INITIALIZING' || Date.now() > giveUpAt) throw err;
      await sleep(500);
    }
  }
}

/** Opens `count` cases due at `dueAtMs`, `concurrency` at a time. */
export async function openCases(
  docket: DocketClient,
  tag: string,
  count: number,
  dueAtMs: number,
  concurrency = 4,
): Promise<string[]> {
  const numbers = Array.from({ length: count }, (_, i) => caseNumberOf(tag, i));
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) await openDueAt(docket, numbers[i] as string, dueAtMs);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return numbers;
}

export interface DeliveryCount {
  expected: number;
  received: number;
  missing: number;
  /** Extra copies beyond the first, over all Message-IDs. */
  duplicates: number;
  /** Accepted before the due instant: must be 0. */
  early: number;
  /** Mails that are not one of the expected alerts. */
  other: number;
}

/** Counts the expected alerts among the receiver's accepted messages. */
export function countDeliveries(
  messages: readonly ReceivedMessage[],
  expectedIds: readonly string[],
  dueAtMs: number,
): DeliveryCount {
  const expected = new Set(expectedIds);
  const copies = new Map<string, number>();
  let early = 0;
  let other = 0;
  for (const m of messages) {
    if (m.outcome !== 'accepted') continue;
    if (!m.messageId || !expected.has(m.messageId)) {
      other++;
      continue;
    }
    copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    if (m.receivedAt.getTime() < dueAtMs) early++;
  }
  let duplicates = 0;
  for (const n of copies.values()) duplicates += n - 1;
  return {
    expected: expected.size,
    received: copies.size,
    missing: expected.size - copies.size,
    duplicates,
    early,
    other,
  };
}

/** Seconds from `fromMs` to each expected alert's first acceptance: p50 and max. */
export function latenessS(
  messages: readonly ReceivedMessage[],
  ids: readonly string[],
  fromMs: number,
): { p50: number; max: number } {
  const wanted = new Set(ids);
  const first = new Map<string, number>();
  for (const m of messages) {
    if (m.outcome !== 'accepted' || !m.messageId || !wanted.has(m.messageId)) continue;
    if (!first.has(m.messageId)) first.set(m.messageId, m.receivedAt.getTime());
  }
  const values = [...first.values()].map((at) => (at - fromMs) / 1000).sort((a, b) => a - b);
  const round = (x: number | undefined) => (x === undefined ? NaN : Math.round(x * 10) / 10);
  return { p50: round(values[Math.floor((values.length - 1) / 2)]), max: round(values[values.length - 1]) };
}

/** Waits until `check` is true, polling; throws with `what` after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(50);
  }
}

/** Prints a test's figures and, with DOCKET_FAULT_REPORT=<dir>, writes them there as JSON. */
export function report(name: string, figures: Record<string, unknown>): void {
  const payload = { test: name, scale: FAULT_SCALE, at: new Date().toISOString(), ...figures };
  process.stdout.write(`[faults] ${JSON.stringify(payload)}\n`);
  const dir = process.env.DOCKET_FAULT_REPORT;
  if (dir) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `${name}.json`), `${JSON.stringify(payload, null, 2)}\n`);
  }
}

export function removeScratch(dir: string): void {
  if (!process.env.DOCKET_FAULT_KEEP) rmSync(dir, { recursive: true, force: true });
}
