// Throughput: how fast cases can be opened, beside the start rate of a no-op workflow, on one dev
// server in one run:
// - noop:   client.workflow.start('benchNoop'), the substrate ceiling (same client, same encrypting
//           data converter, no Docket code);
// - client: DocketClient.openCase('grievance', intake), what a Node case system calls;
// - api:    POST /cases/grievance to the HTTP API, started as production starts it
//           (server/api/main.ts in its own process, info-level request logs, a bearer key).
// No worker polls the task queue, so what is measured is the opening path (client, API, frontend,
// SQLite) and not the worker's first workflow task competing for the same two cores. The three run
// in alternating rounds so that drift (the database growing, other engineers' load) is shared.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, openSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connectClients, HOUR_MS, iso, runPool, runTag } from '../lib/common';
import type { BenchContext } from '../lib/context';
import { registerCleanup } from '../lib/cleanup';
import { freePort } from '../../scripts/ports';
import { stopChild } from '../lib/devserver';
import { startServer, type Substrate } from '../lib/substrate';
import { CpuMeter, mergeCpu, round, type CpuUsage, type LoadGate } from '../lib/machine';

export interface ThroughputRow {
  path: 'noop' | 'client' | 'api';
  count: number;
  seconds: number;
  perS: number;
  errors: number;
  firstError?: string;
  cpu: CpuUsage;
}

export interface ThroughputResult {
  substrate: Substrate;
  load: LoadGate;
  concurrency: number;
  rounds: number;
  rows: ThroughputRow[];
  /** client ÷ noop and api ÷ noop (target for the API: ≥ 0.7). */
  clientRatio: number;
  apiRatio?: number;
  apiNotMeasured?: string;
}

const API_MAIN = path.join(__dirname, '..', '..', 'server', 'api', 'main.ts');

interface RunningApi {
  pid: number;
  url: string;
  token: string;
  stop(): Promise<void>;
}

/** The production API entry point in its own process, configured through a config file and env. */
async function startApiProcess(ctx: BenchContext, address: string, taskQueue: string): Promise<RunningApi> {
  const port = await freePort();
  const configFile = path.join(ctx.tmpDir, 'api-config.json');
  // YAML is a superset of JSON, so loadConfig reads this file as it reads docket.yaml.
  writeFileSync(
    configFile,
    JSON.stringify({ temporal: { address, taskQueue }, api: { host: '127.0.0.1', port }, logLevel: 'info' }),
  );
  const token = randomBytes(24).toString('base64url');
  const log = openSync(path.join(ctx.tmpDir, 'api.log'), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', API_MAIN], {
    env: {
      ...process.env,
      ...ctx.keyEnv,
      DOCKET_CONFIG: configFile,
      DOCKET_API_KEYS: `bench-cms:case-system:${token}`,
      DOCKET_ACK_LINK_KEY: randomBytes(32).toString('base64url'),
    },
    stdio: ['ignore', log, log],
  });
  if (child.pid === undefined) throw new Error('the API process did not start');
  const unregister = registerCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the API exited early; see ${ctx.tmpDir}/api.log`);
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error('the API did not answer /health in 60 s');
    await sleep(250);
  }
  return {
    pid: child.pid,
    url,
    token,
    async stop() {
      await stopChild(child);
      unregister();
    },
  };
}

export async function runThroughput(ctx: BenchContext, count: number): Promise<ThroughputResult> {
  ctx.log(
    `• throughput: ${count} opens per path (noop start, DocketClient.openCase, HTTP API), ${ctx.substrate}`,
  );
  const load = await ctx.gate(`throughput (${ctx.substrate})`);
  const server = await startServer(ctx.substrate, 'throughput');
  const tag = runTag();
  const taskQueue = `bench-unpolled-${tag}`;
  const clients = await connectClients(server.address, ctx.keyring, taskQueue);
  const api = existsSync(API_MAIN) ? await startApiProcess(ctx, server.address, taskQueue) : undefined;
  const incidentAt = iso(Date.now() - 24 * HOUR_MS);
  const intake = (caseNumber: string) => ({
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt,
    involvedStaffIds: ['S-0666'],
  });

  let serial = 0;
  const open: Record<ThroughputRow['path'], () => Promise<void>> = {
    noop: async () => {
      await clients.client.workflow.start('benchNoop', {
        taskQueue,
        workflowId: `bench-noop-${tag}-${serial++}`,
      });
    },
    client: async () => {
      await clients.docket.openCase('grievance', intake(`THR-${tag}-C${serial++}`));
    },
    api: async () => {
      if (!api) return;
      const response = await fetch(`${api.url}/cases/grievance`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(intake(`THR-${tag}-A${serial++}`)),
      });
      await response.arrayBuffer();
      if (response.status !== 201) throw new Error(`POST /cases/grievance answered ${response.status}`);
    },
  };
  const paths: ThroughputRow['path'][] = api ? ['noop', 'client', 'api'] : ['noop', 'client'];
  const rounds = 2;
  const totals = new Map<
    ThroughputRow['path'],
    { count: number; ms: number; errors: number; firstError?: string }
  >();
  const meters = new Map<ThroughputRow['path'], CpuUsage[]>();
  try {
    // Warm-up: connections, JIT, the API's first requests; not counted.
    for (const p of paths) await runPool(50, ctx.concurrency, () => open[p]());
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so neither path always runs on a fuller database.
      for (const p of round % 2 === 0 ? paths : [...paths].reverse()) {
        const perRound = Math.ceil(count / rounds);
        const meter = new CpuMeter({ ...server.pids, ...(api ? { api: api.pid } : {}) });
        const total = totals.get(p) ?? { count: 0, ms: 0, errors: 0 };
        const result = await runPool(
          perRound,
          ctx.concurrency,
          () => open[p](),
          (_i, err) => {
            total.firstError ??= err instanceof Error ? err.message : String(err);
          },
        );
        meters.set(p, [...(meters.get(p) ?? []), meter.stop()]);
        totals.set(p, {
          ...total,
          count: total.count + perRound,
          ms: total.ms + result.ms,
          errors: total.errors + result.errors,
        });
      }
    }
  } finally {
    await api?.stop();
    await clients.close();
    await server.stop();
  }

  const rows: ThroughputRow[] = paths.map((p) => {
    const t = totals.get(p) as { count: number; ms: number; errors: number; firstError?: string };
    const cpu = mergeCpu(meters.get(p) ?? []);
    return {
      path: p,
      count: t.count,
      seconds: round(t.ms / 1000, 2),
      perS: round(t.count / (t.ms / 1000), 1),
      errors: t.errors,
      ...(t.firstError ? { firstError: t.firstError } : {}),
      cpu,
    };
  });
  const rate = (p: ThroughputRow['path']) => rows.find((r) => r.path === p)?.perS ?? NaN;
  for (const row of rows)
    ctx.log(`  ${row.path}: ${row.perS}/s (${row.count} in ${row.seconds} s, ${row.errors} errors)`);
  return {
    substrate: ctx.substrate,
    load,
    concurrency: ctx.concurrency,
    rounds,
    rows,
    clientRatio: round(rate('client') / rate('noop'), 3),
    ...(api
      ? { apiRatio: round(rate('api') / rate('noop'), 3) }
      : { apiNotMeasured: `${path.relative(process.cwd(), API_MAIN)} does not exist` }),
  };
}
