// Memory: the worker's RSS (VmRSS from /proc/<pid>/status of its own process) with N open cases, each
// holding an armed deadline timer (an emergency grievance filed, its response due a day later), with
// the worker cache as configured (infra/config.ts defaults, production wiring) and with the tuned
// worker (prebuilt bundle, a cache that holds every open case). V8's heap and external memory are read
// from inside the worker; the rest of RSS is native (the SDK's Rust core, buffers, code).
import { setTimeout as sleep } from 'node:timers/promises';
import { grievanceWorkflowId } from '../../workflows/grievance';
import { connectClients, HOUR_MS, iso, percentile, runPool, runTag } from '../lib/common';
import {
  MEMORY_BOUNDED_CACHE,
  PRODUCTION_SETUP,
  TWO_WORKFLOW_THREADS_SETUP,
  tunedSetup,
  type BenchContext,
  type WorkerSetup,
} from '../lib/context';
import { startServer, type Substrate } from '../lib/substrate';
import { openEmergencyGrievance } from './burst';
import { round, type LoadGate } from '../lib/machine';
import { mib, startSetupWorker } from '../lib/worker';

export interface MemoryRow {
  kind: 'docket' | 'minimal';
  substrate: Substrate;
  setup: string;
  wiring: WorkerSetup['wiring'];
  maxCachedWorkflows: number;
  openCases: number;
  load: LoadGate;
  startupMs: number;
  /** RSS once the worker polls, before any case. */
  idleRssMiB: number;
  /** Median of samples taken over 10 s once opening has settled. */
  rssMiB: number;
  /** VmHWM: the highest RSS the process ever had (webpack at start-up, the opening). */
  hwmMiB: number;
  heapUsedMiB?: number;
  externalMiB?: number;
  /** (rss − idle) ÷ open cases. */
  kibPerCase: number;
  openingPerS: number;
  errors: number;
}

export interface MemoryResult {
  rows: MemoryRow[];
}

async function measure(
  ctx: BenchContext,
  n: number,
  setup: WorkerSetup,
  kind: 'docket' | 'minimal' = 'docket',
): Promise<MemoryRow> {
  const label = `memory ${kind} N=${n} (${setup.label}, cache ${setup.worker.maxCachedWorkflows}, ${ctx.substrate})`;
  ctx.log(`• ${label}`);
  const load = await ctx.gate(label);
  const server = await startServer(ctx.substrate, 'memory', setup.serverPragmas);
  const tag = runTag();
  const taskQueue = `bench-memory-${tag}`;
  const worker = await startSetupWorker(ctx, {
    kind,
    setup,
    address: server.address,
    taskQueue,
    name: `memory-${tag}`,
  });

  const clients = await connectClients(server.address, ctx.keyring, taskQueue);
  try {
    await sleep(2_000);
    const idle = worker.rss()?.rssMiB ?? NaN;
    const dueAt = Date.now() + 24 * HOUR_MS;
    const opened = await runPool(n, ctx.concurrency, async (i) => {
      if (kind === 'minimal') {
        await clients.client.workflow.start('benchMinimalDeadline', {
          taskQueue,
          workflowId: `bench-mem-${tag}-${i}`,
          args: [{ dueAt: iso(dueAt), to: 'facility-head@larc.example.org' }],
        });
        return;
      }
      const caseNumber = `MEM-${tag}-${i}`;
      await openEmergencyGrievance(clients, caseNumber, dueAt);
    });
    // Every case holds its timer now; let the worker settle (GC, caches) before sampling.
    await sleep(20_000);
    const samples: number[] = [];
    for (let k = 0; k < 10; k++) {
      samples.push(worker.rss()?.rssMiB ?? NaN);
      await sleep(1_000);
    }
    const usage = await worker.memoryUsage();
    const rss = percentile(
      [...samples].sort((a, b) => a - b),
      50,
    );
    const row: MemoryRow = {
      kind,
      substrate: ctx.substrate,
      setup: setup.label,
      wiring: setup.wiring,
      maxCachedWorkflows: setup.worker.maxCachedWorkflows,
      openCases: n,
      load,
      startupMs: worker.startupMs,
      idleRssMiB: idle,
      rssMiB: rss,
      hwmMiB: worker.rss()?.hwmMiB ?? NaN,
      ...(usage ? { heapUsedMiB: mib(usage.heapUsed), externalMiB: mib(usage.external) } : {}),
      kibPerCase: round(((rss - idle) * 1024) / n, 1),
      openingPerS: round(n / (opened.ms / 1000), 1),
      errors: opened.errors,
    };
    // A check that the cases are real: one of them, as the server sees it.
    const first = kind === 'minimal' ? `bench-mem-${tag}-0` : grievanceWorkflowId(`MEM-${tag}-0`);
    await clients.client.workflow.getHandle(first).describe();
    ctx.log(`  RSS ${row.rssMiB} MiB with ${n} open cases (idle ${idle} MiB, peak ${row.hwmMiB} MiB)`);
    return row;
  } finally {
    await clients.close();
    await worker.stop();
    await server.stop();
  }
}

/**
 * `setups`: production (infra/config.ts defaults, production wiring), two-threads (the same with a
 * second workflow thread), bounded (the tuned worker with a cache sized for the RSS target), tuned (the
 * tuned worker with the default cache) and minimal (the ceiling's workflow, one timer each, default
 * cache: the substrate's own cost per open workflow).
 */
export async function runMemory(ctx: BenchContext, n: number, setups: string[]): Promise<MemoryResult> {
  const rows: MemoryRow[] = [];
  for (const name of setups) {
    if (name === 'production') rows.push(await measure(ctx, n, PRODUCTION_SETUP));
    else if (name === 'two-threads') rows.push(await measure(ctx, n, TWO_WORKFLOW_THREADS_SETUP));
    else if (name === 'tuned') rows.push(await measure(ctx, n, tunedSetup()));
    else if (name === 'bounded') rows.push(await measure(ctx, n, tunedSetup(MEMORY_BOUNDED_CACHE)));
    else if (name === 'minimal') rows.push(await measure(ctx, n, tunedSetup(), 'minimal'));
    else throw new Error(`unknown memory setup ${name} (production, two-threads, bounded, tuned, minimal)`);
  }
  return { rows };
}
