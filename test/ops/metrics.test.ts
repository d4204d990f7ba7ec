// Metrics end to end on the official dev server: the production worker (worker/main.ts, as its own
// process, so the SDK runtime is installed with its Prometheus exporter exactly as in production)
// sends a small burst of breach alerts to a real SMTP receiver; its /metrics then carries Docket's
// counters with the right counts, and no label anywhere holds a case number. The API's /metrics
// counts requests by route template and answers loopback callers only.
import { freePort } from '../helpers/net';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApiAuth, parseApiKeysEnv } from '../../server/api/auth';
import { isLoopback } from '../../server/api/metrics';
import { buildApi } from '../../server/api/server';
import { DocketClient } from '../../client/cases';
import { createDataConverter } from '../../infra/data-converter';
import { generateKey, Keyring } from '../../infra/keys';
import { eventually, grievanceIntake, iso, DAY } from '../api/support';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { createDevServerEnv, uniqueName } from '../helpers/temporal';

const REPO = path.join(__dirname, '..', '..');
const BREACHED = 3;

/** `name{labels} value` lines of a Prometheus text exposition, comments dropped. */
function samples(text: string): Array<{ name: string; labels: Record<string, string>; value: number }> {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)) {
        labels[key as string] = value as string;
      }
      return { name: match[1] as string, labels, value: Number(match[3]) };
    });
}

const total = (text: string, name: string, labels: Record<string, string> = {}): number =>
  samples(text)
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);

let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let worker: ChildProcess;
let workerLog = '';
let metricsPort: number;
let dataDir: string;
const taskQueue = uniqueName('docket-metrics');
const keyring = Keyring.fromSpec({ current: 'metrics-test', keys: { 'metrics-test': generateKey() } });

/** The worker's environment: everything from here, nothing from the shell that runs the tests. */
function workerEnv(configFile: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    DOCKET_CONFIG: configFile,
    TEMPORAL_ADDRESS: env.address,
    DOCKET_TASK_QUEUE: taskQueue,
    DOCKET_SMTP_HOST: smtp.host,
    DOCKET_SMTP_PORT: String(smtp.port),
    DOCKET_DIRECTORY: path.join(REPO, 'config', 'directory.yaml'),
    DOCKET_DATA_DIR: dataDir,
    DOCKET_METRICS_PORT: String(metricsPort),
    DOCKET_CODEC_KEYS: `metrics-test:${keyring.currentKey.toString('base64')}`,
    DOCKET_LOG_LEVEL: 'info',
  };
}

beforeAll(async () => {
  [env, smtp, metricsPort] = await Promise.all([createDevServerEnv(), startSmtpReceiver(), freePort()]);
  dataDir = mkdtempSync(path.join(tmpdir(), 'docket-metrics-'));
  // Defaults for everything the environment does not set, whatever config/docket.yaml holds.
  const configFile = path.join(dataDir, 'docket.yaml');
  writeFileSync(configFile, '{}\n');
  worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: REPO,
    env: workerEnv(configFile),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  worker.stdout?.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
  worker.stderr?.on('data', (chunk: Buffer) => (workerLog += chunk.toString()));
  // It bundles the workflows first; cases opened before it polls would wait on it anyway.
  await eventually(
    async () => {
      if (worker.exitCode !== null) throw new Error(`the worker exited: ${workerLog}`);
      return workerLog.includes('"msg":"worker started"') ? true : undefined;
    },
    'the worker to start',
    110_000,
  );
}, 120_000);

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.kill('SIGTERM');
    await exited;
  }
  await smtp?.close();
  await env?.teardown();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

async function scrapeWorker(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
  expect(response.status).toBe(200);
  return response.text();
}

test('after a burst of breach alerts, the worker serves the counts by case type, facility and kind, and no case number', async () => {
  const client = new Client({
    connection: env.connection,
    namespace: env.namespace ?? 'default',
    dataConverter: createDataConverter(keyring),
  });
  const docket = new DocketClient({ client, taskQueue, timeoutMs: 60_000 });
  const now = Date.now();
  const caseNumbers: string[] = [];
  for (let i = 0; i < BREACHED; i++) {
    const intake = grievanceIntake({ facility: 'LARC', incidentAt: iso(now - 24 * DAY) });
    await docket.openCase('grievance', intake);
    // The Request to Staff came in three weeks ago: its response is overdue, breached at once.
    await docket.recordEvent('grievance', intake.caseNumber, 'rts-submitted', {
      at: iso(now - 22 * DAY),
      by: 'S-0100',
    });
    caseNumbers.push(intake.caseNumber);
  }
  const breachMail = (caseNumber: string) =>
    smtp.messages.filter((m) => m.text.includes(caseNumber) && m.header('x-docket-notice-kind') === 'breach');
  await eventually(
    async () => (caseNumbers.every((n) => breachMail(n).length > 0) ? true : undefined),
    'a breach alert for every case',
    90_000,
  );
  await docket.acknowledge('grievance', caseNumbers[0] as string, { key: 'rts.response', by: 'S-0200' });

  const labels = { case_type: 'grievance', facility: 'LARC' };
  const text = await eventually(async () => {
    const scraped = await scrapeWorker();
    return total(scraped, 'docket_breaches_total', labels) === BREACHED &&
      total(scraped, 'docket_acknowledgements_total', labels) === 1
      ? scraped
      : undefined;
  }, 'the breach and acknowledgement counters');
  // One breach notice per case went out (sent), none was deduplicated or failed.
  expect(total(text, 'docket_notices_sent_total', { ...labels, kind: 'breach' })).toBe(BREACHED);
  expect(total(text, 'docket_notices_deduplicated_total', labels)).toBe(0);
  expect(total(text, 'docket_notices_failed_total', labels)).toBe(0);
  // The SDK's own runtime metrics share the endpoint.
  expect(text).toMatch(/^temporal_\w+/m);
  for (const sample of samples(text)) {
    for (const value of Object.values(sample.labels)) {
      for (const caseNumber of caseNumbers) expect(value).not.toContain(caseNumber);
      expect(value).not.toMatch(/GRV-|@/);
    }
  }
  // Nothing went wrong on the way.
  expect(workerLog).not.toMatch(/"level":50/);
}, 240_000);

test("the worker built its workflow bundle in a child process: webpack's compiler never loaded into it", () => {
  // The SDK's bundler compiles with swc's native module; loaded once, it and webpack's heap stay for
  // the worker's life (about 250 MiB, BENCHMARKS.md "Memory").
  const maps = readFileSync(`/proc/${worker.pid}/maps`, 'utf8');
  expect(maps).toContain('core-bridge');
  expect(maps).not.toMatch(/swc/);
});

test('a second worker on the same metrics port stops at once, naming the setting and the port', async () => {
  const second = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: REPO,
    env: workerEnv(path.join(dataDir, 'docket.yaml')),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  second.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise((resolve) => second.once('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain(
    `docket worker: metrics.workerPort (DOCKET_METRICS_PORT) ${metricsPort}: 127.0.0.1:${metricsPort} is already in use`,
  );
  // The first worker still serves its metrics.
  expect(total(await scrapeWorker(), 'docket_notices_sent_total')).toBeGreaterThan(0);
}, 60_000);

test("the API's /metrics counts requests by route template and status, for loopback callers only", async () => {
  const token = 'm'.repeat(32);
  const docket = new DocketClient({
    client: new Client({ connection: env.connection, dataConverter: createDataConverter(keyring) }),
    taskQueue,
    timeoutMs: 5_000,
  });
  const app = buildApi({
    docket,
    auth: new ApiAuth(parseApiKeysEnv(`cms-metrics:case-system:${token}`)),
    ackLinkKey: randomBytes(32),
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    const headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${url}/cases/grievance/GRV-2026-990001`, { headers })).status).toBe(404);
    expect((await fetch(`${url}/cases/grievance/GRV-2026-990002`, { headers })).status).toBe(404);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    const route = '/cases/:caseType/:caseNumber';
    expect(total(text, 'docket_api_requests_total', { method: 'GET', route, status: '404' })).toBe(2);
    expect(total(text, 'docket_api_request_duration_seconds_count', { route, status: '404' })).toBe(2);
    expect(total(text, 'docket_api_requests_total', { route: '/health', status: '200' })).toBe(1);
    expect(text).not.toContain('GRV-2026-99000');
  } finally {
    await app.close();
  }
  // Anyone else is refused: the loopback check is what stands between /metrics and the network.
  expect(isLoopback('127.0.0.1')).toBe(true);
  expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
  expect(isLoopback('::1')).toBe(true);
  expect(isLoopback('10.0.0.7')).toBe(false);
  expect(isLoopback('::ffff:10.0.0.7')).toBe(false);
  expect(isLoopback(undefined)).toBe(false);
});
