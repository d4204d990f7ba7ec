// One worker in its own process, so its RSS is its own: `node --import tsx bench/worker-process.ts`,
// started and stopped by bench/lib/worker.ts. It runs either
// - Docket, through worker/main.ts's createDocketWorker exactly as production does ("production"
//   wiring: it bundles the workflows at start-up), or through the same dependencies with a bundle
//   built ahead of time and the bench's worker options ("prebuilt" wiring); or
// - the ceiling: bench/workflows (one timer, one mail) with the same data converter and options.
// It tells the parent over IPC when it polls, and answers memory questions while it runs.
import path from 'node:path';
import type { Context as ActivityContext } from '@temporalio/activity';
import { NativeConnection, Runtime, Worker, type WorkerOptions } from '@temporalio/worker';
import { createMemorySentLedger } from '../activities/sent-ledger';
import { parseConfig, type DocketConfig } from '../infra/config';
import { createDataConverter } from '../infra/data-converter';
import { loadKeyring } from '../infra/keys';
import { createLogger, sdkLoggerFor } from '../infra/logger';
import { createDocketWorker } from '../worker/main';
import { createBenchActivities } from './workflows/activities';

export interface WorkerProcessOptions {
  kind: 'docket' | 'minimal';
  wiring: 'production' | 'prebuilt';
  address: string;
  taskQueue: string;
  smtpPort: number;
  /** Where Docket's worker serves its Prometheus metrics, as in production: a free port of this run. */
  metricsPort: number;
  dataDir: string;
  logLevel: DocketConfig['logLevel'];
  /** Prebuilt workflow bundle (bundleWorkflowCode output written to a file); required unless production. */
  bundlePath?: string;
  worker: DocketConfig['worker'];
  /** Further Worker.create options for the prebuilt wiring (e.g. maxConcurrentLocalActivityExecutions). */
  extra?: Partial<Pick<WorkerOptions, 'maxConcurrentLocalActivityExecutions' | 'reuseV8Context'>>;
  /**
   * Diagnostic variants of the prebuilt wiring, never a configuration to deploy: they remove one cost
   * of the notice activity to measure it. `noHeartbeat` makes the activity's heartbeat a no-op (one
   * server write per notice); `memoryLedger` keeps the sent ledger in memory (no file open, append
   * and fsync per notice).
   */
  diagnostics?: { noHeartbeat?: boolean; memoryLedger?: boolean };
}

export type WorkerMessage =
  | { type: 'ready'; startupMs: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'failed'; error: string };

function docketConfig(o: WorkerProcessOptions): DocketConfig {
  return parseConfig({
    temporal: { address: o.address, taskQueue: o.taskQueue },
    smtp: { host: '127.0.0.1', port: o.smtpPort },
    mail: { from: 'Docket <docket@docket.local>', messageIdDomain: 'docket.local' },
    directoryPath: path.join(__dirname, '..', 'config', 'directory.yaml'),
    dataDir: o.dataDir,
    logLevel: o.logLevel,
    worker: o.worker,
    metrics: { workerPort: o.metricsPort },
  });
}

/** worker/main.ts's createDocketWorker with a prebuilt bundle, extra options and the diagnostics. */
function prebuiltDocketWorker(o: WorkerProcessOptions, config: DocketConfig) {
  return createDocketWorker(config, process.env, {
    workflowBundlePath: o.bundlePath as string,
    ledger: o.diagnostics?.memoryLedger ? createMemorySentLedger() : undefined,
    workerOptions: {
      ...(o.diagnostics?.noHeartbeat
        ? {
            interceptors: {
              activity: [
                (context: ActivityContext) => {
                  // Replaces this activity's heartbeat (an own property of its Context) with a no-op.
                  Object.defineProperty(context, 'heartbeat', { value: () => undefined });
                  return {};
                },
              ],
            },
          }
        : {}),
      ...o.extra,
    },
  });
}

async function minimalWorker(o: WorkerProcessOptions) {
  const dataConverter = createDataConverter(loadKeyring(process.env));
  Runtime.install({ logger: sdkLoggerFor(createLogger(o.logLevel)) });
  const connection = await NativeConnection.connect({ address: o.address });
  const worker = await Worker.create({
    connection,
    taskQueue: o.taskQueue,
    workflowBundle: { codePath: o.bundlePath as string },
    dataConverter,
    activities: createBenchActivities({ host: '127.0.0.1', port: o.smtpPort }),
    maxCachedWorkflows: o.worker.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: o.worker.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: o.worker.maxConcurrentActivityTaskExecutions,
    workflowThreadPoolSize: o.worker.workflowThreads,
    ...o.extra,
  });
  return { worker, connection };
}

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const o = JSON.parse(process.env.BENCH_WORKER_OPTIONS ?? '{}') as WorkerProcessOptions;
  const started = performance.now();
  let built: { worker: Worker; connection: NativeConnection };
  if (o.kind === 'minimal') built = await minimalWorker(o);
  else if (o.wiring === 'production') built = await createDocketWorker(docketConfig(o), process.env);
  else built = await prebuiltDocketWorker(o, docketConfig(o));
  const { worker, connection } = built;

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    worker.shutdown();
  };
  process.on('message', (message: unknown) => {
    if (message === 'stop') stop();
    if (message === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
  });
  process.on('SIGTERM', stop);
  // The parent is gone (killed, crashed): stop rather than run on as an orphan.
  process.on('disconnect', stop);

  const running = worker.run();
  send({ type: 'ready', startupMs: Math.round(performance.now() - started) });
  try {
    await running;
  } finally {
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    console.error(err);
    process.exit(1);
  },
);
