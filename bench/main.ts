// `npm run bench`: Docket's benchmarks on this machine, with a real SMTP receiver, against a fresh
// Temporal server per measured run: the pinned Temporal CLI dev server with a durable SQLite file
// (substrate `dev`, as `npm run up`), or temporal-server v1.29.1 on PostgreSQL 15 (substrate `cluster`,
// as `npm run up -- --cluster`; bench/lib/cluster.ts). Prints a human table and a JSON summary (also
// written to a file). Every server and worker it starts is its own child, stopped by PID at the end.
//
//   npm run bench                        everything at the default sizes (about 30 minutes)
//   npm run bench -- --quick             smoke run: N = 200 everywhere, short lead times
//   npm run bench -- --burst 10000       only the burst (ceiling and Docket) at N = 10,000
//   npm run bench -- --only history,arithmetic
//   npm run bench -- --n 500             override N of the bursts (and the memory phase)
//   npm run bench -- --burst 1000 --setups tuned --kinds minimal     one setup, one kind
//   npm run bench -- --burst 1000 --setups production --substrate both   dev server, then the cluster
//   npm run bench -- --burst 1000 --setups none --peers pg-boss         only the job-queue peer
//   npm run bench -- --burst 1000 --setups production --kinds docket --substrate cluster --peers pg-boss --kill-mid-drain
//
// --substrate dev|cluster|both (default dev) chooses where the throughput, burst and memory phases run;
// with both, each runs on each substrate in turn and every row says which. Arithmetic needs no server
// and history runs on the time-skipping and dev servers whatever the substrate. SQLite pragmas of a
// setup (tuned, relaxed-fsync) apply to the dev server only.
// --peers pg-boss adds the burst as pg-boss delayed jobs (bench/peers/pg-boss.ts) on a fresh cluster
// substrate's PostgreSQL, in the same table; --setups none leaves only the peers.
// --kill-mid-drain SIGKILLs every burst's worker (Docket's, the ceiling's, pg-boss's) once a third of
// the alerts have arrived and starts another at once, then counts what was lost or sent twice.
// Other flags: --lead <s>, --concurrency <k>, --max-load-wait <s>, --load-threshold <x>, --out <file>.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { docketPreloadModules, docketWorkflowsPath } from '../worker/workflow-bundle';
import { benchKeyEnv, writeBundle } from './lib/common';
import { installCleanupHandlers } from './lib/cleanup';
import {
  DIAGNOSTIC_SETUPS,
  MEMORY_BOUNDED_CACHE,
  PRODUCTION_SETUP,
  TWO_WORKFLOW_THREADS_SETUP,
  RELAXED_FSYNC_SETUP,
  tunedSetup,
  type BenchContext,
  type WorkerSetup,
} from './lib/context';
import { temporalCliPath } from './lib/devserver';
import { parseSubstrates } from './lib/substrate';
import { machineInfo, waitForQuiet } from './lib/machine';
import { startSmtpSink } from './lib/smtp-sink';
import { efficiencies, renderReport, targets, type BenchReport } from './lib/report';
import { runArithmetic } from './phases/arithmetic';
import { runBurst, type BurstKind, type BurstResult } from './phases/burst';
import { runHistory } from './phases/history';
import { runMemory } from './phases/memory';
import { runThroughput } from './phases/throughput';
import { runPgBossBurst } from './peers/pg-boss';

const PHASES = ['arithmetic', 'history', 'throughput', 'burst', 'memory'] as const;
type Phase = (typeof PHASES)[number];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      n: { type: 'string' },
      burst: { type: 'string' },
      only: { type: 'string' },
      lead: { type: 'string' },
      concurrency: { type: 'string' },
      'max-load-wait': { type: 'string' },
      'load-threshold': { type: 'string' },
      out: { type: 'string' },
      setups: { type: 'string' },
      kinds: { type: 'string' },
      substrate: { type: 'string' },
      peers: { type: 'string' },
      'kill-mid-drain': { type: 'boolean', default: false },
    },
  });
  const peers = values.peers ? values.peers.split(',') : [];
  for (const peer of peers)
    if (peer !== 'pg-boss') throw new Error(`--peers: unknown peer ${peer} (pg-boss)`);
  const substrates = parseSubstrates(values.substrate);
  const quick = values.quick ?? false;
  const burstOnly = values.burst !== undefined ? Number(values.burst) : undefined;
  const n = Number(values.n ?? burstOnly ?? (quick ? 200 : 1_000));
  const memoryN = Number(values.n ?? (quick ? 200 : 10_000));
  const killAfter = values['kill-mid-drain'] ? Math.floor(n / 3) : undefined;
  const throughputN = quick ? 200 : 1_000;
  const leadS = Number(values.lead ?? (quick ? 30 : 90));
  const concurrency = Number(values.concurrency ?? 32);
  const maxLoadWaitS = Number(values['max-load-wait'] ?? 600);
  const loadThreshold = Number(values['load-threshold'] ?? 1.5);
  const phases = new Set<Phase>(
    burstOnly !== undefined
      ? ['burst']
      : values.only
        ? (values.only.split(',').map((p) => p.trim()) as Phase[])
        : PHASES,
  );
  for (const phase of phases) if (!PHASES.includes(phase)) throw new Error(`unknown phase ${phase}`);

  installCleanupHandlers();
  // The SDK's own logs in this process (the time-skipping worker of the history phase) would drown the
  // progress lines; errors still show.
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
  });
  const log = (line: string) => console.error(line);
  const tmpDir = mkdtempSync(path.join(tmpdir(), 'docket-bench-'));
  const { keyring, ...keyEnv } = benchKeyEnv();
  const machine = machineInfo(temporalCliPath());
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
  log(`docket bench: ${command}`);
  log(
    `  ${machine.nproc} cores, ${machine.cpuModel}, ${machine.memTotal}; node ${machine.node}; ${machine.temporalCli}`,
  );

  log('• building workflow bundles (once per run)');
  const bundles = {
    docket: (await writeBundle(docketWorkflowsPath, tmpDir, 'docket-workflows', docketPreloadModules)).file,
    bench: (await writeBundle(require.resolve('./workflows'), tmpDir, 'bench-workflows')).file,
  };
  log(
    `  preloaded (shared by all workflows, as in production): ${docketPreloadModules.map((m) => path.relative(process.cwd(), m)).join(', ')}`,
  );
  const sink = await startSmtpSink();
  const ctx: BenchContext = {
    log,
    keyEnv,
    keyring,
    bundles,
    sink,
    tmpDir,
    concurrency,
    gate: (label) => waitForQuiet(label, loadThreshold, maxLoadWaitS, log),
    substrate: substrates[0] ?? 'dev',
  };

  const report: BenchReport = {
    command,
    machine,
    settings: {
      quick,
      n,
      memoryN,
      throughputN,
      leadS,
      concurrency,
      loadThreshold,
      maxLoadWaitS,
      substrates,
      peers,
      ...(killAfter !== undefined ? { killAfter } : {}),
    },
    results: {},
  };
  const started = Date.now();
  try {
    if (phases.has('arithmetic')) report.results.arithmetic = await runArithmetic(ctx, quick ? 1 : 3);
    if (phases.has('history')) report.results.history = await runHistory(ctx);
    if (phases.has('throughput')) {
      report.results.throughput = [];
      for (const substrate of substrates)
        report.results.throughput.push(await runThroughput({ ...ctx, substrate }, throughputN));
    }
    if (phases.has('burst')) {
      // Each setup runs the ceiling, then Docket, on the same worker options and server settings, on
      // each substrate in turn.
      const bursts: BurstResult[] = [];
      const setups: Record<string, WorkerSetup> = {
        production: PRODUCTION_SETUP,
        'two-threads': TWO_WORKFLOW_THREADS_SETUP,
        tuned: tunedSetup(),
        bounded: tunedSetup(MEMORY_BOUNDED_CACHE),
        'relaxed-fsync': RELAXED_FSYNC_SETUP,
        ...DIAGNOSTIC_SETUPS,
      };
      const wantedSetups = values.setups === 'none' ? [] : (values.setups ?? 'production,tuned').split(',');
      const wantedKinds = (values.kinds ?? 'minimal,docket').split(',') as BurstKind[];
      for (const name of wantedSetups) {
        const setup = setups[name];
        if (!setup) throw new Error(`unknown setup ${name} (${Object.keys(setups).join(', ')})`);
        for (const substrate of substrates) {
          for (const kind of wantedKinds)
            bursts.push(await runBurst({ ...ctx, substrate }, { kind, n, setup, leadS, killAfter }));
        }
      }
      if (peers.includes('pg-boss'))
        bursts.push(await runPgBossBurst({ ...ctx, substrate: 'cluster' }, { n, leadS, killAfter }));
      report.results.bursts = bursts;
    }
    if (phases.has('memory')) {
      report.results.memory = { rows: [] };
      for (const substrate of substrates) {
        const { rows } = await runMemory(
          { ...ctx, substrate },
          memoryN,
          (values.setups ?? 'production,minimal').split(','),
        );
        report.results.memory.rows.push(...rows);
      }
    }
  } finally {
    await sink.close();
    if (!process.env.BENCH_KEEP_TMP) rmSync(tmpDir, { recursive: true, force: true });
  }
  report.durationS = Math.round((Date.now() - started) / 1000);
  if (report.results.bursts) report.efficiency = efficiencies(report.results.bursts);
  report.targets = targets(report);

  const out =
    values.out ?? path.join(tmpdir(), `docket-bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.log(renderReport(report));
  console.log(JSON.stringify(report));
  log(`JSON summary written to ${out}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
