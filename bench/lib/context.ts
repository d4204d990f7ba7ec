// What every phase gets from the orchestrator (bench/main.ts).
import { parseConfig } from '../../infra/config';
import type { Keyring } from '../../infra/keys';
import type { WorkerProcessOptions } from '../worker-process';
import type { LoadGate } from './machine';
import type { SmtpSink } from './smtp-sink';
import type { Substrate } from './substrate';

export interface BenchContext {
  log(line: string): void;
  /** DOCKET_CODEC_KEYS for child processes, and the same key for this process's clients. */
  keyEnv: { DOCKET_CODEC_KEYS: string };
  keyring: Keyring;
  /** Prebuilt bundles: Docket's (built as the production worker builds it) and the ceiling's. */
  bundles: { docket: string; bench: string };
  sink: SmtpSink;
  /** Scratch directory of this run (logs, ledgers, bundles); removed at the end unless BENCH_KEEP_TMP. */
  tmpDir: string;
  /** Waits (bounded) for a quiet machine before a measured phase and says what it found. */
  gate(label: string): Promise<LoadGate>;
  concurrency: number;
  /** The Temporal server every measured run of this pass starts fresh (bench/lib/substrate.ts). */
  substrate: Substrate;
}

/** A worker configuration under test: how it is wired and the options infra/config.ts would give it. */
export interface WorkerSetup {
  label: string;
  wiring: WorkerProcessOptions['wiring'];
  logLevel: WorkerProcessOptions['logLevel'];
  worker: WorkerProcessOptions['worker'];
  extra?: WorkerProcessOptions['extra'];
  /** Extra environment for the worker process (e.g. UV_THREADPOOL_SIZE). */
  env?: Record<string, string>;
  /** SQLite pragmas for the dev server the setup runs against (see bench/lib/devserver.ts); not used on the cluster. */
  serverPragmas?: string[];
  diagnostics?: WorkerProcessOptions['diagnostics'];
}

/** infra/config.ts's defaults, read from its schema: what `npm run worker` runs with out of the box. */
export const DEFAULT_WORKER_OPTIONS = parseConfig({}).worker;

export const PRODUCTION_SETUP: WorkerSetup = {
  label: 'production defaults',
  wiring: 'production',
  logLevel: 'info',
  worker: { ...DEFAULT_WORKER_OPTIONS },
};

/** Production defaults with a second workflow thread (`worker.workflowThreads: 2`). */
export const TWO_WORKFLOW_THREADS_SETUP: WorkerSetup = {
  ...PRODUCTION_SETUP,
  label: 'production, 2 workflow threads',
  worker: { ...DEFAULT_WORKER_OPTIONS, workflowThreads: 2 },
};

/**
 * The tuned setup (see BENCHMARKS.md "Tuning"): the same worker options, but
 * - a workflow bundle built ahead of time (no webpack at start-up, a smaller idle RSS), with the same
 *   preloaded modules as the production worker's;
 * - warn-level logs, so a notice does not also cost a log line;
 * - the dev server's SQLite in WAL mode (still synchronous=FULL: every commit is durable), which the
 *   ceiling runs with as well, so efficiency compares like with like.
 * `maxCachedWorkflows` replaces the default cache size when given (the memory-bounded setup).
 */
export function tunedSetup(maxCachedWorkflows?: number): WorkerSetup {
  return {
    label: maxCachedWorkflows === undefined ? 'tuned' : `tuned, cache ${maxCachedWorkflows}`,
    wiring: 'prebuilt',
    serverPragmas: ['journal_mode=wal'],
    logLevel: 'warn',
    worker: {
      ...DEFAULT_WORKER_OPTIONS,
      ...(maxCachedWorkflows !== undefined ? { maxCachedWorkflows } : {}),
    },
  };
}

/**
 * The tuned worker against a dev server whose SQLite commits without an fsync (WAL, synchronous=NORMAL):
 * a committed transaction survives a crash of the server process but not of the machine. It measures
 * how much of the ceiling is the disk's fsync; a deployment with a real database has its own figure.
 */
export const RELAXED_FSYNC_SETUP: WorkerSetup = {
  ...tunedSetup(),
  label: 'tuned, SQLite synchronous=NORMAL',
  serverPragmas: ['journal_mode=wal', 'synchronous=normal'],
};

/**
 * Setups that each remove one cost of a notice, to measure it (not configurations to deploy). They run
 * on the relaxed-fsync server: with every commit fsynced the disk hides the worker's own costs.
 */
export const DIAGNOSTIC_SETUPS: Record<string, WorkerSetup> = {
  'no-heartbeat': {
    ...RELAXED_FSYNC_SETUP,
    label: 'synchronous=NORMAL, no heartbeat (diagnostic)',
    diagnostics: { noHeartbeat: true },
  },
  'memory-ledger': {
    ...RELAXED_FSYNC_SETUP,
    label: 'synchronous=NORMAL, memory ledger (diagnostic)',
    diagnostics: { memoryLedger: true },
  },
};

/** A cache well below the default, to show what the cache size costs (BENCHMARKS.md "Memory"). */
export const MEMORY_BOUNDED_CACHE = 400;
