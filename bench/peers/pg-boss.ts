// The job-queue peer: the same burst as delayed jobs in pg-boss 10 on the PostgreSQL of the cluster
// substrate (a fresh one, temporal-server idle beside it, as a deployment sharing the database would
// have). One job per deadline with `startAfter` = dueAt; a worker process (pg-boss-worker.ts) sends one
// mail per job to the same SMTP receiver. Lateness, drain rate and, with a kill, what is lost or sent
// twice are measured exactly as for Docket (bench/phases/burst.ts).
//
// pg-boss settings: its defaults except those named here. A fetched job is `active` until the batch
// completes; if the worker dies, the job stays active until `expireInSeconds` passes and pg-boss's
// maintenance (every 120 s by default, in any running instance) expires it for a retry. 120 s is the
// start-to-close timeout of Docket's notice activity; pg-boss's own default is 15 minutes.
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import PgBoss from 'pg-boss';
import { HOUR_MS, iso, runPool, runTag } from '../lib/common';
import { startClusterServer } from '../lib/cluster';
import type { BenchContext } from '../lib/context';
import { CpuMeter, round } from '../lib/machine';
import type { SinkMessage } from '../lib/smtp-sink';
import { burstRow } from '../lib/report';
import { forkWorker, mib, type WorkerProcess } from '../lib/worker';
import { drainBurst, tallyAlerts, type BurstResult } from '../phases/burst';
import type { DeadlineJob, PgBossWorkerOptions } from './pg-boss-worker';

export const PG_BOSS_SETTINGS = {
  batchSize: 100,
  pollingIntervalSeconds: 0.5,
  expireInSeconds: 120,
} as const;

export interface PeerSpec {
  n: number;
  leadS: number;
  killAfter?: number;
}

const TO = 'facility-head@larc.example.org';

export async function runPgBossBurst(ctx: BenchContext, spec: PeerSpec): Promise<BurstResult> {
  const { n } = spec;
  const setupLabel = `pg-boss 10.4.2, batch ${PG_BOSS_SETTINGS.batchSize}, poll ${PG_BOSS_SETTINGS.pollingIntervalSeconds} s, expire ${PG_BOSS_SETTINGS.expireInSeconds} s`;
  const label = `burst pg-boss N=${n}${spec.killAfter !== undefined ? ', worker killed mid-drain' : ''} (cluster PostgreSQL)`;
  ctx.log(`• ${label}`);
  const load = await ctx.gate(label);
  const cluster = await startClusterServer('pg-boss');
  await cluster.sql('postgres', 'CREATE DATABASE pgboss OWNER temporal');
  const db = { ...cluster.pg, database: 'pgboss' };
  const tag = runTag();
  const queue = `deadlines-${tag}`;
  const boss = new PgBoss({ ...db, schedule: false });
  boss.on('error', (err) => ctx.log(`  pg-boss: ${String(err)}`));
  await boss.start();
  await boss.createQueue(queue, { name: queue, expireInSeconds: PG_BOSS_SETTINGS.expireInSeconds });
  const workerOptions: PgBossWorkerOptions = {
    db,
    queue,
    smtpPort: ctx.sink.port,
    batchSize: PG_BOSS_SETTINGS.batchSize,
    pollingIntervalSeconds: PG_BOSS_SETTINGS.pollingIntervalSeconds,
  };
  const startWorker = () =>
    forkWorker(
      path.join(__dirname, 'pg-boss-worker.ts'),
      { BENCH_PGBOSS_OPTIONS: JSON.stringify(workerOptions) },
      path.join(ctx.tmpDir, `worker-pg-boss-${tag}.log`),
    );
  let worker: WorkerProcess = await startWorker().catch(async (err: unknown) => {
    // Nothing of this run may outlive a worker that failed to start.
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await cluster.stop();
    throw err;
  });
  const key = (prefix: string, i: number) => `pgboss-${prefix}-${i}`;
  const enqueue = async (prefix: string, i: number, dueAtMs: number) => {
    const data: DeadlineJob = { key: key(prefix, i), dueAt: iso(dueAtMs), to: TO };
    const id = await boss.send(queue, data, { startAfter: new Date(dueAtMs) });
    if (!id) throw new Error(`pg-boss did not accept job ${i}`);
  };

  try {
    // Calibrate as the burst does: jobs due a day away, to estimate how long enqueueing N takes.
    const calibrationCount = Math.min(n, Math.max(64, 2 * ctx.concurrency));
    const far = Date.now() + 24 * HOUR_MS;
    const calibrated = await runPool(calibrationCount, ctx.concurrency, (i) => enqueue(`C${tag}`, i, far));
    const rate = calibrationCount / (calibrated.ms / 1000);
    const estimatedS = n / (rate * 0.5);
    const dueAtMs = Math.ceil((Date.now() + (estimatedS + spec.leadS) * 1000) / 1000) * 1000;
    ctx.log(`  calibration ${rate.toFixed(1)} jobs/s; enqueueing ${n}; dueAt ${iso(dueAtMs)}`);

    ctx.sink.clear();
    const pids = { ...cluster.pids, worker: worker.pid };
    const openingCpu = new CpuMeter(pids);
    const failed = new Set<number>();
    let firstError: string | undefined;
    const opened = await runPool(
      n,
      ctx.concurrency,
      (i) => enqueue(tag, i, dueAtMs),
      (i, err) => {
        failed.add(i);
        firstError ??= err instanceof Error ? err.message : String(err);
      },
    );
    const openingEnd = Date.now();
    const opening = {
      seconds: round(opened.ms / 1000, 1),
      casesPerS: round(n / (opened.ms / 1000), 1),
      errors: opened.errors,
      ...(firstError ? { firstError } : {}),
      initializingRetries: 0,
      cpu: openingCpu.stop(),
    };
    const actualLeadS = round((dueAtMs - openingEnd) / 1000, 1);
    ctx.log(`  enqueued ${n} in ${opening.seconds} s (${opening.casesPerS}/s); dueAt in ${actualLeadS} s`);
    const rssAfterOpening = worker.rss()?.rssMiB ?? NaN;

    const untilDue = dueAtMs - Date.now();
    if (untilDue > 0) await sleep(untilDue - Math.min(untilDue, 2_000));
    worker.resetPeak();
    const drainCpu = new CpuMeter(pids);
    const expectedIds = new Map<string, number>();
    for (let i = 0; i < n; i++) if (!failed.has(i)) expectedIds.set(`<bench.${key(tag, i)}@docket.local>`, i);
    const isAlert = (m: SinkMessage) => m.kind === 'bench-pg-boss';
    // After a kill, recovery waits for expiry and maintenance: allow for both.
    const drainTimeoutMs = Math.max(300_000, n * 100) + (spec.killAfter !== undefined ? 300_000 : 0);
    const drained = await drainBurst(ctx, {
      killAfter: spec.killAfter,
      isAlert,
      expectedIds,
      dueAtMs,
      drainTimeoutMs,
      worker,
      restart: startWorker,
      cpu: drainCpu,
    });
    worker = drained.worker;
    const { kill, complete, cpu } = drained;
    const peakRss = worker.peakRssMiB();
    const tally = tallyAlerts(ctx.sink.messages, isAlert, expectedIds, dueAtMs);
    const { alerts, duplicates, timeToLastS } = tally;
    const result = burstRow({
      kind: 'pg-boss',
      substrate: 'cluster',
      setup: setupLabel,
      workerOptions: { ...PG_BOSS_SETTINGS },
      n,
      dueAtMs,
      load,
      opening,
      actualLeadS,
      expected: expectedIds.size,
      tally,
      complete,
      drainCpu: cpu,
      worker: {
        startupMs: worker.startupMs,
        rssAfterOpeningMiB: rssAfterOpening,
        peakRssDuringBurstMiB: peakRss,
      },
      serverDbMiB: mib(Number(await cluster.sql('postgres', "SELECT pg_database_size('pgboss')"))),
      kill,
      words: { failedToOpen: 'jobs failed to enqueue', opening: 'enqueueing' },
    });
    ctx.log(
      `  ${alerts.length}/${n} mails; lateness p50 ${result.latenessS.p50} s, p99 ${result.latenessS.p99} s, last ${timeToLastS} s; ${duplicates} duplicated; drain ${result.drainPerS}/s`,
    );
    return result;
  } finally {
    await worker.stop();
    await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
    await cluster.stop();
  }
}
