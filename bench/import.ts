// Bulk import through the real CLI: `npm run bench -- import [--lines 10000] [--concurrency 8]
// [--events 2]`. Starts its own dev server
// (durable SQLite) and a production-wired worker process, writes a JSON Lines file of grievances with
// their recorded events, runs `docket cases import` on it as an operator would, and reports the rate
// and what the machine did meanwhile (CPU per process, the load average). Then runs it again to time
// a resume that finds everything recorded. Everything it starts it stops by PID.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateKey } from '../infra/keys';
import { parseConfig } from '../infra/config';
import { installCleanupHandlers, registerCleanup } from './lib/cleanup';
import { freePort } from '../scripts/ports';
import { startDevServer, temporalCliPath } from './lib/devserver';
import { CpuMeter, machineInfo, type CpuUsage } from './lib/machine';
import { startSmtpSink } from './lib/smtp-sink';
import { startWorkerProcess } from './lib/worker';

const HOUR = 3_600_000;
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function importFile(dir: string, lines: number, events: number): string {
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();
  const file = path.join(dir, 'cases.jsonl');
  const run = randomBytes(3).toString('hex').toUpperCase();
  const all = [
    { event: 'rts-submitted', at: iso(now - 48 * HOUR), by: 'S-0100' },
    { event: 'rts-responded', at: iso(now - 24 * HOUR), by: 'S-0101' },
    { event: 'grievance-filed', at: iso(now - HOUR), by: 'S-0100' },
  ].slice(0, events);
  const text = Array.from({ length: lines }, (_, i) =>
    JSON.stringify({
      caseType: 'grievance',
      intake: {
        caseNumber: `GRV-${run}-${String(i).padStart(6, '0')}`,
        facility: 'LARC',
        category: 'general',
        incidentAt: iso(now - 72 * HOUR),
      },
      events: all,
    }),
  ).join('\n');
  writeFileSync(file, `${text}\n`);
  return file;
}

/** Runs the CLI on the file; resolves with its exit code, its summary line and the CPU it used. */
function runCli(
  file: string,
  concurrency: number,
  env: NodeJS.ProcessEnv,
  meter: CpuMeter,
): Promise<{ status: number | null; stdout: string; stderr: string; cpu: CpuUsage }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [
        path.join(__dirname, '..', 'bin', 'docket.js'),
        'cases',
        'import',
        file,
        '--concurrency',
        String(concurrency),
      ],
      { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const unregister = registerCleanup(() => child.kill('SIGKILL'));
    if (child.pid) meter.add('cli', child.pid);
    let stdout = '';
    let stderr = '';
    let cpu = meter.snapshot();
    // Sampled until the end: a process that has exited has no CPU left to read.
    const sampler = setInterval(() => (cpu = meter.snapshot()), 1_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      process.stderr.write(d);
    });
    child.on('close', (status) => {
      clearInterval(sampler);
      unregister();
      resolve({ status, stdout, stderr, cpu });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      lines: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '8' },
      events: { type: 'string', default: '2' },
    },
  });
  const lines = Number(values.lines);
  const concurrency = Number(values.concurrency);
  const events = Number(values.events);
  installCleanupHandlers();
  const dir = mkdtempSync(path.join(tmpdir(), 'docket-bench-import-'));
  const keyEnv = { DOCKET_CODEC_KEYS: `kbench:${generateKey()}` };
  const server = await startDevServer('import');
  const sink = await startSmtpSink();
  const taskQueue = 'docket-bench-import';
  const worker = await startWorkerProcess(
    {
      kind: 'docket',
      wiring: 'production',
      address: server.address,
      taskQueue,
      smtpPort: sink.port,
      metricsPort: await freePort(),
      dataDir: path.join(dir, 'data'),
      logLevel: 'warn',
      worker: parseConfig({ temporal: { address: server.address } }).worker,
    },
    keyEnv,
    path.join(dir, 'worker.log'),
  );
  const file = importFile(dir, lines, events);
  const env = { ...keyEnv, TEMPORAL_ADDRESS: server.address, DOCKET_TASK_QUEUE: taskQueue };
  const report: Record<string, unknown> = {
    machine: machineInfo(temporalCliPath()),
    lines,
    events,
    concurrency,
  };
  try {
    for (const pass of ['import', 'resume'] as const) {
      log(`${pass}: ${lines} lines, ${events} events each, concurrency ${concurrency}`);
      const meter = new CpuMeter({ devserver: server.pid, worker: worker.pid });
      const started = Date.now();
      const run = await runCli(file, concurrency, env, meter);
      const seconds = (Date.now() - started) / 1000;
      report[pass] = {
        status: run.status,
        seconds: Math.round(seconds * 10) / 10,
        linesPerSecond: Math.round((lines / seconds) * 10) / 10,
        summary: run.stdout.trim(),
        cpu: run.cpu,
        workerRssMiB: worker.rss()?.rssMiB,
      };
      if (run.status !== 0) log(run.stderr.split('\n').slice(-5).join('\n'));
    }
  } finally {
    await worker.stop();
    await sink.close();
    await server.stop();
  }
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
