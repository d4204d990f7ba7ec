// The human table printed after a run, and the shape of the JSON summary. Efficiency and the targets
// are computed here, from the measured figures, with the definitions of BENCHMARKS.md.
import type { ArithmeticResult } from '../phases/arithmetic';
import { latency, type BurstResult, type Tally } from '../phases/burst';
import type { HistoryResult } from '../phases/history';
import type { MemoryResult } from '../phases/memory';
import type { ThroughputResult } from '../phases/throughput';
import { round, type CpuUsage, type LoadGate, type MachineInfo } from './machine';
import { iso } from './common';
import type { Substrate } from './substrate';

export interface BenchReport {
  command: string;
  machine: MachineInfo;
  settings: Record<string, unknown>;
  results: {
    arithmetic?: ArithmeticResult;
    history?: HistoryResult;
    /** One per substrate. */
    throughput?: ThroughputResult[];
    bursts?: BurstResult[];
    memory?: MemoryResult;
  };
  efficiency?: Efficiency[];
  targets?: Target[];
  durationS?: number;
}

/** What one burst measured, Docket's or the pg-boss peer's, before it becomes a report row. */
export interface BurstRun extends Pick<
  BurstResult,
  | 'kind'
  | 'substrate'
  | 'setup'
  | 'workerOptions'
  | 'n'
  | 'load'
  | 'opening'
  | 'actualLeadS'
  | 'worker'
  | 'serverDbMiB'
> {
  dueAtMs: number;
  /** How many alerts were expected (the cases or jobs that opened). */
  expected: number;
  tally: Tally;
  /** Every expected alert came within the drain timeout. */
  complete: boolean;
  drainCpu: CpuUsage;
  breakdown?: BurstResult['breakdown'];
  kill?: BurstResult['kill'];
  /** How the peer names its items and their opening: "cases" and "opening", "jobs" and "enqueueing". */
  words: { failedToOpen: string; opening: string };
}

/** A burst's report row, valid only if nothing failed to open, the lead held, and every alert came. */
export function burstRow(run: BurstRun): BurstResult {
  const { alerts, duplicates, otherMails, lateness, beforeDue, timeToLastS } = run.tally;
  const problems: string[] = [];
  if (run.opening.errors > 0) problems.push(`${run.opening.errors} ${run.words.failedToOpen}`);
  if (run.actualLeadS < 15)
    problems.push(`${run.words.opening} ended only ${run.actualLeadS} s before dueAt`);
  if (!run.complete)
    problems.push(`only ${alerts.length} of ${run.expected} alerts within the drain timeout`);
  return {
    kind: run.kind,
    substrate: run.substrate,
    setup: run.setup,
    workerOptions: run.workerOptions,
    n: run.n,
    dueAt: iso(run.dueAtMs),
    load: run.load,
    opening: run.opening,
    actualLeadS: run.actualLeadS,
    alerts: {
      expected: run.expected,
      received: alerts.length,
      missing: run.expected - alerts.length,
      duplicates,
      beforeDue,
      otherMails,
    },
    latenessS: latency(lateness),
    timeToLastS,
    drainPerS: round(alerts.length / timeToLastS, 1),
    drainCpu: run.drainCpu,
    ...(run.breakdown ? { breakdown: run.breakdown } : {}),
    worker: run.worker,
    serverDbMiB: run.serverDbMiB,
    ...(run.kill ? { kill: run.kill } : {}),
    valid: problems.length === 0,
    ...(problems.length ? { invalidReason: problems.join('; ') } : {}),
  };
}

export interface Efficiency {
  setup: string;
  substrate: Substrate;
  n: number;
  /** Docket's drain throughput ÷ the ceiling's, both N ÷ (time from dueAt to the last alert). */
  efficiency: number;
  docketTimeToLastS: number;
  ceilingTimeToLastS: number;
}

export interface Target {
  target: string;
  measured: string;
  met: boolean | 'not measured';
}

/**
 * Pairs each Docket burst with the ceiling run on the same worker options and substrate. A pair where
 * either run is invalid (alerts missing at the drain timeout, opening too close to dueAt) has no
 * efficiency: a ceiling cut off by the timeout would flatter Docket.
 */
export function efficiencies(bursts: readonly BurstResult[]): Efficiency[] {
  const out: Efficiency[] = [];
  for (const docket of bursts.filter((b) => b.kind === 'docket' && b.valid)) {
    const ceiling = bursts.find(
      (b) =>
        b.kind === 'minimal' &&
        b.setup === docket.setup &&
        b.n === docket.n &&
        b.substrate === docket.substrate &&
        b.valid,
    );
    if (!ceiling) continue;
    out.push({
      setup: docket.setup,
      substrate: docket.substrate,
      n: docket.n,
      efficiency: round(ceiling.timeToLastS / docket.timeToLastS, 3),
      docketTimeToLastS: docket.timeToLastS,
      ceilingTimeToLastS: ceiling.timeToLastS,
    });
  }
  return out;
}

export function targets(report: BenchReport): Target[] {
  const out: Target[] = [];
  const { bursts = [], throughput, history, memory } = report.results;
  for (const e of report.efficiency ?? []) {
    out.push({
      target: `burst efficiency ≥ 0.8 (N=${e.n}, ${e.setup}, ${e.substrate})`,
      measured: `${e.efficiency}`,
      met: e.efficiency >= 0.8,
    });
  }
  for (const b of bursts.filter((x) => x.kind === 'docket')) {
    if (b.n === 1_000) {
      out.push({
        target: `p99 lateness < 10 s for 1,000 deadlines (${b.setup}, ${b.substrate})`,
        measured: `${b.latenessS.p99} s`,
        met: b.latenessS.p99 < 10,
      });
    }
    out.push({
      target: `no alert before dueAt (N=${b.n}, ${b.setup}, ${b.substrate})`,
      measured: `${b.alerts.beforeDue} early of ${b.alerts.received}`,
      met: b.alerts.beforeDue === 0 && b.alerts.received > 0,
    });
  }
  for (const t of throughput ?? []) {
    out.push({
      target: `API open throughput ≥ 0.7 × raw client start rate (${t.substrate})`,
      measured: t.apiRatio !== undefined ? `${t.apiRatio}` : 'not measured',
      met: t.apiRatio !== undefined ? t.apiRatio >= 0.7 : 'not measured',
    });
  }
  const informal = history?.rows.find(
    (r) => r.caseType === 'grievance' && r.server === 'time-skipping' && r.path.startsWith('informal'),
  );
  if (history) {
    out.push({
      target: '< 60 history events, grievance informal-to-decision',
      measured: informal?.events !== undefined ? `${informal.events}` : 'not measured',
      met: informal?.events !== undefined ? informal.events < 60 : 'not measured',
    });
  }
  for (const row of memory?.rows.filter((r) => r.kind === 'docket') ?? []) {
    out.push({
      target: `worker RSS < 1.5 GB at ${row.openCases} open cases (${row.setup}, ${row.substrate})`,
      measured: `${row.rssMiB} MiB`,
      met: row.rssMiB < 1536,
    });
  }
  return out;
}

function table(headers: string[], rows: Array<Array<string | number | undefined>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (c === undefined ? '-' : String(c))))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [
    line(cells[0] as string[]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ].join('\n');
}

const loadText = (l: LoadGate) => `${l.load1.toFixed(2)}${l.met ? '' : '!'}`;

export function renderReport(report: BenchReport): string {
  const out: string[] = [];
  const { arithmetic, history, throughput, bursts, memory } = report.results;
  out.push(`Docket benchmarks, ${report.machine.date}: ${report.command}`);
  out.push(
    `${report.machine.nproc} cores (${report.machine.cpuModel}), ${report.machine.memTotal}, node ${report.machine.node}, ${report.machine.temporalCli}`,
  );
  out.push(
    'load = 1-minute load average when the phase started (! = still above the threshold after waiting)',
  );
  if (arithmetic) {
    out.push('', 'Arithmetic: computeSchedule per policy');
    out.push(
      table(
        ['policy', 'input', 'events', 'entries', 'schedules/s', 'µs each', 'load'],
        arithmetic.rows.map((r) => [
          `${r.policy}@${r.version}`,
          r.input,
          r.events,
          r.entries,
          r.schedulesPerS,
          r.microsPerSchedule,
          loadText(arithmetic.load),
        ]),
      ),
    );
  }
  if (history) {
    out.push('', 'History: events per case, complete lifecycle');
    out.push(
      table(
        ['case type', 'server', 'events', 'KiB', 'upserts', 'timers', 'notices', 'path'],
        history.rows.map((r) => [
          r.caseType,
          r.server,
          r.measured ? r.events : 'not measured',
          r.bytes !== undefined ? round(r.bytes / 1024, 1) : undefined,
          r.byType?.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          r.byType?.TIMER_STARTED,
          r.notices,
          r.measured ? r.path : r.reason,
        ]),
      ),
    );
  }
  if (throughput?.length) {
    out.push(
      '',
      `Throughput: opens per second (concurrency ${throughput[0]?.concurrency}, no worker polling)`,
    );
    out.push(
      table(
        [
          'substrate',
          'path',
          'opened',
          'per s',
          'vs noop',
          'errors',
          'machine cores',
          'others cores',
          'load',
        ],
        throughput.flatMap((t) =>
          t.rows.map((r) => {
            const noop = t.rows.find((x) => x.path === 'noop')?.perS ?? NaN;
            return [
              t.substrate,
              r.path,
              r.count,
              r.perS,
              round(r.perS / noop, 3),
              r.errors,
              r.cpu.machineCores,
              r.cpu.foreignCores,
              loadText(t.load),
            ];
          }),
        ),
      ),
    );
    for (const t of throughput)
      if (t.apiNotMeasured) out.push(`API not measured (${t.substrate}): ${t.apiNotMeasured}`);
  }
  if (bursts?.length) {
    out.push('', 'Burst: N deadlines due at the same instant; lateness = receiver accepted − dueAt (s)');
    out.push(
      table(
        [
          'kind',
          'substrate',
          'setup',
          'N',
          'open/s',
          'lead s',
          'recv',
          'early',
          'miss',
          'dup',
          'p50',
          'p99',
          'last',
          'drain/s',
          'worker killed',
          'others cores',
          'load',
          'valid',
        ],
        bursts.map((b) => [
          b.kind,
          b.substrate,
          b.setup,
          b.n,
          b.opening.casesPerS,
          b.actualLeadS,
          b.alerts.received,
          b.alerts.beforeDue,
          b.alerts.missing,
          b.alerts.duplicates,
          b.latenessS.p50,
          b.latenessS.p99,
          b.timeToLastS,
          b.drainPerS,
          b.kill ? `after ${b.kill.afterAlerts}, at +${b.kill.killedAtS} s` : '-',
          b.drainCpu.foreignCores,
          loadText(b.load),
          b.valid ? 'yes' : `NO: ${b.invalidReason}`,
        ]),
      ),
    );
    const withBreakdown = bursts.filter((b) => b.breakdown);
    if (withBreakdown.length) {
      out.push('', 'Burst breakdown (medians over sampled histories, s): where an alert spends its lateness');
      out.push(
        table(
          [
            'kind',
            'substrate',
            'setup',
            'sampled',
            'events/alert',
            'bytes/alert',
            'timer fired',
            'workflow task',
            'activity queue',
            'send',
            'worker RSS MiB',
          ],
          withBreakdown.map((b) => [
            b.kind,
            b.substrate,
            b.setup,
            b.breakdown?.sampled,
            b.breakdown?.eventsPerAlert,
            b.breakdown?.bytesPerAlert,
            b.breakdown?.timerFiredS.p50,
            b.breakdown?.workflowTaskS.p50,
            b.breakdown?.activityQueueS.p50,
            b.breakdown?.activitySendS.p50,
            b.worker.peakRssDuringBurstMiB,
          ]),
        ),
      );
    }
  }
  if (memory) {
    out.push('', 'Memory: worker RSS with N open cases, each holding an armed deadline timer');
    out.push(
      table(
        [
          'kind',
          'substrate',
          'setup',
          'cache',
          'open cases',
          'errors',
          'idle MiB',
          'RSS MiB',
          'peak MiB',
          'V8 heap MiB',
          'KiB/case',
          'load',
        ],
        memory.rows.map((r) => [
          r.kind,
          r.substrate,
          r.setup,
          r.maxCachedWorkflows,
          r.openCases,
          r.errors,
          r.idleRssMiB,
          r.rssMiB,
          r.hwmMiB,
          r.heapUsedMiB,
          r.kibPerCase,
          loadText(r.load),
        ]),
      ),
    );
  }
  if (report.efficiency?.length) {
    out.push('', 'Efficiency = ceiling time-to-last-alert ÷ Docket time-to-last-alert (same worker options)');
    out.push(
      table(
        ['setup', 'substrate', 'N', 'ceiling s', 'docket s', 'efficiency'],
        report.efficiency.map((e) => [
          e.setup,
          e.substrate,
          e.n,
          e.ceilingTimeToLastS,
          e.docketTimeToLastS,
          e.efficiency,
        ]),
      ),
    );
  }
  if (report.targets?.length) {
    out.push('', 'Targets');
    out.push(
      table(
        ['target', 'measured', 'met'],
        report.targets.map((t) => [
          t.target,
          t.measured,
          t.met === true ? 'yes' : t.met === false ? 'NO' : t.met,
        ]),
      ),
    );
  }
  return out.join('\n');
}
