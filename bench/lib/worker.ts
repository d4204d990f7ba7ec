// Starts bench/worker-process.ts as a child process (its own PID, so /proc/<pid>/status VmRSS is the
// worker's alone) and samples its memory while it runs. Stopped by its PID: IPC "stop" first (a clean
// Worker.shutdown), SIGTERM and then SIGKILL if it lingers.
import { fork, type ChildProcess } from 'node:child_process';
import { openSync } from 'node:fs';
import path from 'node:path';
import type { WorkerMessage, WorkerProcessOptions } from '../worker-process';
import { registerCleanup } from './cleanup';
import type { BenchContext, WorkerSetup } from './context';
import { freePort } from '../../scripts/ports';
import { stopChild } from './devserver';
import { rssOf, round } from './machine';

export interface WorkerProcess {
  pid: number;
  startupMs: number;
  /** Highest VmRSS seen by the sampler (MiB) since start or the last resetPeak(). */
  peakRssMiB(): number;
  resetPeak(): void;
  rss(): { rssMiB: number; hwmMiB: number } | undefined;
  /** V8's view (heap, external) for the memory breakdown; the rest of RSS is native (the Rust core). */
  memoryUsage(): Promise<NodeJS.MemoryUsage | undefined>;
  /** SIGKILL to this worker's PID, as a crash would: no shutdown, no completion of what it holds. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The worker for one measured run of a setup: the ceiling always on its prebuilt bundle, Docket as
 * the setup wires it. `name` keeps the run's data directory and log apart from the others.
 */
export async function startSetupWorker(
  ctx: BenchContext,
  run: {
    kind: WorkerProcessOptions['kind'];
    setup: WorkerSetup;
    address: string;
    taskQueue: string;
    name: string;
  },
): Promise<WorkerProcess> {
  const { kind, setup } = run;
  return startWorkerProcess(
    {
      kind,
      wiring: kind === 'minimal' ? 'prebuilt' : setup.wiring,
      address: run.address,
      taskQueue: run.taskQueue,
      smtpPort: ctx.sink.port,
      // Other people's workers on this machine may hold the default port.
      metricsPort: await freePort(),
      dataDir: path.join(ctx.tmpDir, `data-${run.name}`),
      logLevel: setup.logLevel,
      bundlePath: kind === 'minimal' ? ctx.bundles.bench : ctx.bundles.docket,
      worker: setup.worker,
      extra: setup.extra,
      diagnostics: setup.diagnostics,
    },
    { ...ctx.keyEnv, ...setup.env },
    path.join(ctx.tmpDir, `worker-${run.name}.log`),
  );
}

export function startWorkerProcess(
  options: WorkerProcessOptions,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<WorkerProcess> {
  return forkWorker(
    path.join(__dirname, '..', 'worker-process.ts'),
    { ...env, BENCH_WORKER_OPTIONS: JSON.stringify(options) },
    logFile,
  );
}

/**
 * Any worker script that speaks worker-process.ts's IPC: 'ready' or 'failed' once, 'memory' on
 * request, a clean stop on 'stop' (the job-queue peer's worker is another).
 */
export async function forkWorker(
  script: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
): Promise<WorkerProcess> {
  const log = openSync(logFile, 'a');
  const child: ChildProcess = fork(script, [], {
    // BENCH_WORKER_NODE_ARGS (space-separated) profiles the worker, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_WORKER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    env: { ...process.env, ...env },
    stdio: ['ignore', log, log, 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the worker process did not start');
  const unregister = registerCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const startupMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not start in 180 s; see ${logFile}`)),
      180_000,
    );
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message.startupMs);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`worker failed to start: ${message.error}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code} before it was ready; see ${logFile}`));
    });
  });

  let peak = 0;
  const sampler = setInterval(() => {
    const now = rssOf(pid);
    if (now) peak = Math.max(peak, now.rssMiB);
  }, 500);
  sampler.unref();

  return {
    pid,
    startupMs,
    peakRssMiB: () => peak,
    resetPeak: () => {
      peak = rssOf(pid)?.rssMiB ?? 0;
    },
    rss: () => rssOf(pid),
    memoryUsage: () =>
      new Promise((resolve) => {
        if (!child.connected) return resolve(undefined);
        const timer = setTimeout(() => resolve(undefined), 5_000);
        const onMessage = (message: WorkerMessage) => {
          if (message.type !== 'memory') return;
          clearTimeout(timer);
          child.off('message', onMessage);
          resolve(message.usage);
        };
        child.on('message', onMessage);
        child.send('memory');
      }),
    async kill() {
      clearInterval(sampler);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGKILL');
        await exited;
      }
      unregister();
    },
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null || child.signalCode !== null) return unregister();
      if (child.connected) child.send('stop');
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const clean = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000)),
      ]);
      if (!clean) await stopChild(child);
      unregister();
    },
  };
}

export const mib = (bytes: number): number => round(bytes / 2 ** 20, 1);
