// The midnight burst: N open cases whose deadlines all fall due in the same instant, measured from
// `dueAt` to the SMTP receiver accepting each breach alert, on a real (not time-skipping) dev server.
//
// How the deadlines come to share one instant, from the real schedule code: each case is an Oklahoma
// emergency grievance (§III.E.11) whose `grievance.response` limit is the agency setting
// `grievance.emergency-response`, default 72 hours, an exact duration. Recording the filing at
// T − 72 h puts every case's deadline at exactly T. (Day-based limits such as `rts.response` end at
// local midnight, which a run cannot choose to be a few minutes away.) The reminders of that rule
// (half-time, 4 hours before) lie in the past when the deadline is armed, and the deadline machinery
// skips reminders whose time has passed, so the burst is a pure breach burst with default settings;
// every mail the receiver takes is counted by kind, and anything but a breach alert is reported.
//
// The ceiling runs the same way: N minimal workflows (one timer to T, one mail), same worker options.
import { setTimeout as sleep } from 'node:timers/promises';
import { temporal } from '@temporalio/proto';
import { noticeMessageId } from '../../activities/notifications';
import { grievanceWorkflowId } from '../../workflows/grievance';
import { connectClients, HOUR_MS, iso, percentile, runPool, runTag, type Clients } from '../lib/common';
import type { BenchContext, WorkerSetup } from '../lib/context';
import { startServer, type Substrate } from '../lib/substrate';
import { CpuMeter, round, type CpuUsage, type LoadGate } from '../lib/machine';
import type { SinkMessage } from '../lib/smtp-sink';
import { startSetupWorker, mib } from '../lib/worker';
import { burstRow } from '../lib/report';

export type BurstKind = 'docket' | 'minimal';

export interface BurstSpec {
  kind: BurstKind;
  n: number;
  setup: WorkerSetup;
  /** Seconds between the planned end of the opening phase and the shared dueAt. */
  leadS: number;
  /** SIGKILL the worker once this many alerts have arrived, then start it again (see KillReport). */
  killAfter?: number;
}

/**
 * A worker killed mid-drain (SIGKILL: no shutdown, nothing completed that it held) and started again
 * at once on the same data directory, as an orchestrator restarts a crashed process on its host.
 */
export interface KillReport {
  /** Distinct alerts the receiver had accepted when the worker was killed. */
  afterAlerts: number;
  /** Seconds from dueAt to the kill, and to the new worker polling again. */
  killedAtS: number;
  restartedAtS: number;
}

export interface Latency {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  min: number;
}

export interface BurstResult {
  /** pg-boss: the job-queue peer (bench/peers/pg-boss.ts), on the cluster's PostgreSQL. */
  kind: BurstKind | 'pg-boss';
  substrate: Substrate;
  setup: string;
  /** The worker's options: Docket's (infra/config.ts), or pg-boss's (bench/peers/pg-boss.ts). */
  workerOptions: WorkerSetup['worker'] | Record<string, number>;
  n: number;
  dueAt: string;
  load: LoadGate;
  opening: {
    seconds: number;
    casesPerS: number;
    errors: number;
    firstError?: string;
    /** Filings sent again after DocketClient gave up with CASE_INITIALIZING (see recordFiling). */
    initializingRetries: number;
    cpu: CpuUsage;
  };
  /** dueAt minus the end of the opening phase: every deadline was armed this long before it fell due. */
  actualLeadS: number;
  alerts: {
    expected: number;
    received: number;
    missing: number;
    duplicates: number;
    /** Alerts the receiver accepted before their dueAt: must be 0. */
    beforeDue: number;
    /** Mails that were not the expected breach alert (reminders, escalations, admin alerts). */
    otherMails: Record<string, number>;
  };
  /** Seconds from dueAt to the receiver accepting each alert. */
  latenessS: Latency;
  /** Seconds from dueAt to the last alert accepted. */
  timeToLastS: number;
  /** Alerts per second over [dueAt, last alert]: N / timeToLast. */
  drainPerS: number;
  drainCpu: CpuUsage;
  /** Where the time goes, from the histories of a sample of cases (medians, seconds). */
  breakdown?: Breakdown;
  worker: {
    startupMs: number;
    rssAfterOpeningMiB: number;
    heapUsedAfterOpeningMiB?: number;
    externalAfterOpeningMiB?: number;
    peakRssDuringBurstMiB: number;
  };
  serverDbMiB: number;
  kill?: KillReport;
  valid: boolean;
  invalidReason?: string;
}

export interface Breakdown {
  sampled: number;
  /** History events from the timer firing to the end of the sampled history (median). */
  eventsPerAlert: number;
  /** Their encoded size in bytes (median; payloads encrypted). */
  bytesPerAlert: number;
  /** dueAt → TimerFired (server side). */
  timerFiredS: Latency;
  /** TimerFired → ActivityTaskScheduled (the workflow task: queue, replay if evicted, run). */
  workflowTaskS: Latency;
  /** ActivityTaskScheduled → ActivityTaskStarted (activity queue). */
  activityQueueS: Latency;
  /** ActivityTaskStarted → accepted by the receiver (the send itself). */
  activitySendS: Latency;
}

export function latency(values: number[]): Latency {
  const sorted = [...values].sort((a, b) => a - b);
  const s = (ms: number) => round(ms / 1000, 3);
  return {
    min: s(sorted[0] ?? NaN),
    p50: s(percentile(sorted, 50)),
    p90: s(percentile(sorted, 90)),
    p99: s(percentile(sorted, 99)),
    max: s(sorted[sorted.length - 1] ?? NaN),
  };
}

const BREACH_KEY = 'grievance.response/breach/1';
const MESSAGE_ID_DOMAIN = 'docket.local';
const MINIMAL_TO = 'facility-head@larc.example.org';

interface CaseOpener {
  /** Opens case i with its deadline at dueAtMs; resolves once the deadline is armed. */
  open(i: number, dueAtMs: number): Promise<void>;
  workflowId(i: number): string;
  /** The Message-ID of case i's alert, as the worker will send it. */
  messageId(i: number): string;
  isAlert(m: SinkMessage): boolean;
  activityType: string;
}

function opener(kind: BurstKind, clients: Clients, taskQueue: string, prefix: string): CaseOpener {
  if (kind === 'minimal') {
    const workflowId = (i: number) => `bench-min-${prefix}-${i}`;
    return {
      workflowId,
      messageId: (i) => `<bench.${workflowId(i)}@docket.local>`,
      isAlert: (m) => m.kind === 'bench-minimal',
      activityType: 'sendBenchMail',
      async open(i, dueAtMs) {
        await clients.client.workflow.start('benchMinimalDeadline', {
          taskQueue,
          workflowId: workflowId(i),
          args: [{ dueAt: iso(dueAtMs), to: MINIMAL_TO }],
        });
      },
    };
  }
  const caseNumber = (i: number) => `BRS-${prefix}-${i}`;
  const workflowId = (i: number) => grievanceWorkflowId(caseNumber(i));
  return {
    workflowId,
    messageId: (i) => noticeMessageId(workflowId(i), BREACH_KEY, MESSAGE_ID_DOMAIN),
    isAlert: (m) => m.kind === 'breach' && m.noticeKey === BREACH_KEY,
    activityType: 'sendNotice',
    open: (i, dueAtMs) => openEmergencyGrievance(clients, caseNumber(i), dueAtMs),
  };
}

/**
 * Opens an emergency grievance whose response (grievance.response, filing + 72 h) falls due at
 * `dueAtMs`: the case every burst, memory and heap measurement opens. The filing update returns once
 * the workflow has recomputed its schedule and armed the deadline.
 */
export async function openEmergencyGrievance(
  clients: Clients,
  caseNumber: string,
  dueAtMs: number,
): Promise<void> {
  await clients.docket.openCase('grievance', {
    caseNumber,
    facility: 'LARC',
    category: 'emergency',
    incidentAt: iso(dueAtMs - 73 * HOUR_MS),
    involvedStaffIds: [],
  });
  await recordFiling(clients, caseNumber, iso(dueAtMs - 72 * HOUR_MS));
}

/** Counts the filings the client gave up on with CASE_INITIALIZING and the bench sent again. */
export const initializingRetries = { count: 0 };

/**
 * DocketClient retries an event that reaches a case still computing its first schedule for 10 s, then
 * gives up with CASE_INITIALIZING; on a loaded machine the first workflow task can take longer. The
 * refusal recorded nothing, so sending again is safe; the bench does so for up to two minutes.
 */
export async function recordFiling(clients: Clients, caseNumber: string, at: string): Promise<void> {
  const giveUpAt = Date.now() + 120_000;
  for (;;) {
    try {
      await clients.docket.recordEvent('grievance', caseNumber, 'grievance-filed', { at, by: 'S-0102' });
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== 'CASE_INITIALIZING' || Date.now() > giveUpAt) throw err;
      initializingRetries.count++;
      await sleep(500);
    }
  }
}

export interface Tally {
  /** The first copy of each expected alert. */
  alerts: SinkMessage[];
  duplicates: number;
  otherMails: Record<string, number>;
  /** Milliseconds from dueAt to each alert. */
  lateness: number[];
  beforeDue: number;
  timeToLastS: number;
}

/** What the receiver took: each expected alert once, its copies, and every other mail by kind. */
export function tallyAlerts(
  messages: readonly SinkMessage[],
  isAlert: (m: SinkMessage) => boolean,
  expectedIds: ReadonlyMap<string, number>,
  dueAtMs: number,
): Tally {
  const seen = new Map<string, SinkMessage>();
  let duplicates = 0;
  const otherMails: Record<string, number> = {};
  for (const m of messages) {
    if (!isAlert(m) || !expectedIds.has(m.messageId ?? '')) {
      const key = m.kind ?? 'unknown';
      otherMails[key] = (otherMails[key] ?? 0) + 1;
      continue;
    }
    if (seen.has(m.messageId as string)) duplicates++;
    else seen.set(m.messageId as string, m);
  }
  const alerts = [...seen.values()];
  const lateness = alerts.map((m) => m.acceptedAtMs - dueAtMs);
  return {
    alerts,
    duplicates,
    otherMails,
    lateness,
    beforeDue: lateness.filter((l) => l < 0).length,
    timeToLastS: round(Math.max(...lateness) / 1000, 2),
  };
}

/** Distinct expected alerts accepted so far. */
export function distinctAlerts(
  messages: readonly SinkMessage[],
  isAlert: (m: SinkMessage) => boolean,
  expectedIds: ReadonlyMap<string, number>,
): number {
  const ids = new Set<string>();
  for (const m of messages)
    if (isAlert(m) && expectedIds.has(m.messageId ?? '')) ids.add(m.messageId as string);
  return ids.size;
}

/**
 * Waits until `killAfter` distinct alerts have arrived, SIGKILLs the worker and starts another in its
 * place. Resolves with the new worker and what happened; the caller waits for the rest of the drain.
 */
export async function killMidDrain<W extends { kill(): Promise<void> }>(
  ctx: BenchContext,
  killAfter: number,
  isAlert: (m: SinkMessage) => boolean,
  expectedIds: ReadonlyMap<string, number>,
  dueAtMs: number,
  timeoutMs: number,
  worker: W,
  restart: () => Promise<W>,
): Promise<{ worker: W; report: KillReport }> {
  // The receiver wakes this wait as it accepts each message, so the kill lands while the worker still
  // has sends in flight (a pg-boss batch half sent), not in a quiet gap between them.
  await ctx.sink.waitFor(killAfter, (m) => isAlert(m) && expectedIds.has(m.messageId ?? ''), timeoutMs);
  await worker.kill();
  const afterAlerts = distinctAlerts(ctx.sink.messages, isAlert, expectedIds);
  const killedAtS = round((Date.now() - dueAtMs) / 1000, 2);
  ctx.log(`  worker SIGKILLed at dueAt + ${killedAtS} s, after ${afterAlerts} alerts; starting another`);
  const next = await restart();
  const restartedAtS = round((Date.now() - dueAtMs) / 1000, 2);
  return { worker: next, report: { afterAlerts, killedAtS, restartedAtS } };
}

/**
 * The drain after dueAt, for Docket and for the pg-boss peer alike: with `killAfter`, the worker is
 * SIGKILLed after that many alerts and another started; then every expected alert is awaited until
 * `drainTimeoutMs` after dueAt, and the CPU meter stopped. A grace period follows that catches
 * duplicates and stray mails after the last alert; after a kill, long enough for the killed worker's
 * notices to be retried (heartbeat timeout 10 s).
 */
export async function drainBurst<W extends { kill(): Promise<void>; pid: number }>(
  ctx: BenchContext,
  run: {
    killAfter: number | undefined;
    isAlert: (m: SinkMessage) => boolean;
    expectedIds: ReadonlyMap<string, number>;
    dueAtMs: number;
    drainTimeoutMs: number;
    worker: W;
    restart: () => Promise<W>;
    cpu: CpuMeter;
  },
): Promise<{ worker: W; kill: KillReport | undefined; complete: boolean; cpu: CpuUsage }> {
  const { isAlert, expectedIds, dueAtMs } = run;
  const remainingMs = () => dueAtMs - Date.now() + run.drainTimeoutMs;
  let worker = run.worker;
  let kill: KillReport | undefined;
  if (run.killAfter !== undefined) {
    const killed = await killMidDrain(
      ctx,
      run.killAfter,
      isAlert,
      expectedIds,
      dueAtMs,
      remainingMs(),
      worker,
      run.restart,
    );
    worker = killed.worker;
    kill = killed.report;
    run.cpu.add('worker after kill', worker.pid);
  }
  const complete = await waitForDistinct(ctx, isAlert, expectedIds, remainingMs());
  const cpu = run.cpu.stop();
  await sleep(kill ? 30_000 : 3_000);
  return { worker, kill, complete, cpu };
}

/** Waits until every expected alert has arrived at least once, or the timeout. */
export async function waitForDistinct(
  ctx: BenchContext,
  isAlert: (m: SinkMessage) => boolean,
  expectedIds: ReadonlyMap<string, number>,
  timeoutMs: number,
): Promise<boolean> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    if (distinctAlerts(ctx.sink.messages, isAlert, expectedIds) >= expectedIds.size) return true;
    if (Date.now() > giveUpAt) return false;
    await sleep(250);
  }
}

const tsMs = (t: temporal.api.history.v1.IHistoryEvent['eventTime']): number =>
  t ? Number(t.seconds ?? 0) * 1000 + Math.round((t.nanos ?? 0) / 1e6) : NaN;

async function breakdownOf(
  clients: Clients,
  sample: Array<{ workflowId: string; acceptedAtMs: number }>,
  dueAtMs: number,
  activityType: string,
): Promise<Breakdown | undefined> {
  const rows: Array<[number, number, number, number]> = [];
  const perAlert: Array<[number, number]> = [];
  for (const { workflowId, acceptedAtMs } of sample) {
    try {
      const history = await clients.client.workflow.getHandle(workflowId).fetchHistory();
      const events = history.events ?? [];
      const scheduledAt = events.findIndex(
        (e) =>
          e.activityTaskScheduledEventAttributes?.activityType?.name === activityType &&
          tsMs(e.eventTime) >= dueAtMs,
      );
      if (scheduledAt < 0) continue;
      const scheduled = events[scheduledAt] as temporal.api.history.v1.IHistoryEvent;
      const fired = events
        .slice(0, scheduledAt)
        .reverse()
        .find((e) => e.timerFiredEventAttributes);
      const scheduledId = Number(scheduled.eventId);
      const started = events.find(
        (e) => Number(e.activityTaskStartedEventAttributes?.scheduledEventId ?? -1) === scheduledId,
      );
      if (!fired || !started) continue;
      const [f, s, st] = [tsMs(fired.eventTime), tsMs(scheduled.eventTime), tsMs(started.eventTime)];
      rows.push([f - dueAtMs, s - f, st - s, acceptedAtMs - st]);
      // What one alert writes to history: every event from the timer firing on, and its encoded size.
      const after = events.slice(events.indexOf(fired));
      const bytes = after.reduce(
        (sum, e) =>
          sum +
          temporal.api.history.v1.HistoryEvent.encode(
            temporal.api.history.v1.HistoryEvent.fromObject(e),
          ).finish().length,
        0,
      );
      perAlert.push([after.length, bytes]);
    } catch {
      // a history we cannot read is left out of the sample
    }
  }
  if (rows.length === 0) return undefined;
  const col = (i: number) => latency(rows.map((r) => r[i] as number));
  const median = (values: number[]) =>
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    );
  return {
    sampled: rows.length,
    eventsPerAlert: median(perAlert.map((p) => p[0])),
    bytesPerAlert: median(perAlert.map((p) => p[1])),
    timerFiredS: col(0),
    workflowTaskS: col(1),
    activityQueueS: col(2),
    activitySendS: col(3),
  };
}

export async function runBurst(ctx: BenchContext, spec: BurstSpec): Promise<BurstResult> {
  const { kind, n, setup } = spec;
  const label = `burst ${kind} N=${n} (${setup.label}, ${ctx.substrate})`;
  ctx.log(`• ${label}`);
  const load = await ctx.gate(label);
  const server = await startServer(ctx.substrate, `burst-${kind}`, setup.serverPragmas);
  const tag = runTag();
  const taskQueue = `bench-${kind}-${tag}`;
  // The same name after a kill: the same data directory (sent ledger), as a restart on the same host.
  const startWorker = () =>
    startSetupWorker(ctx, { kind, setup, address: server.address, taskQueue, name: `${kind}-${tag}` });
  let worker = await startWorker().catch(async (err: unknown) => {
    // A worker that fails to start must not leave the fresh server (and its directory) behind.
    await server.stop();
    throw err;
  });

  const clients = await connectClients(server.address, ctx.keyring, taskQueue);
  try {
    // Calibrate: open a few cases whose deadlines lie a day away, to estimate how long opening N takes.
    const calibration = opener(kind, clients, taskQueue, `C${tag}`);
    const calibrationCount = Math.min(n, Math.max(64, 2 * ctx.concurrency));
    const far = Date.now() + 24 * HOUR_MS;
    let calibrationError: unknown;
    const calibrated = await runPool(
      calibrationCount,
      ctx.concurrency,
      (i) => calibration.open(i, far),
      (_i, err) => (calibrationError ??= err),
    );
    if (calibrated.errors > 0) {
      throw new Error(`${calibrated.errors} calibration cases failed to open: ${String(calibrationError)}`, {
        cause: calibrationError,
      });
    }
    const rate = calibrationCount / (calibrated.ms / 1000);
    // Pessimistic: assume opening runs at half the calibrated rate, so it ends well before dueAt.
    const estimatedS = n / (rate * 0.5);
    const dueAtMs = Math.ceil((Date.now() + (estimatedS + spec.leadS) * 1000) / 1000) * 1000;
    ctx.log(
      `  calibration ${rate.toFixed(1)} cases/s; opening ${n} (estimated ≤ ${Math.round(estimatedS)} s); dueAt ${iso(dueAtMs)}`,
    );

    const cases = opener(kind, clients, taskQueue, tag);
    ctx.sink.clear();
    const openingCpu = new CpuMeter({ ...server.pids, worker: worker.pid });
    let firstError: string | undefined;
    const failed = new Set<number>();
    const retriesBefore = initializingRetries.count;
    const opened = await runPool(
      n,
      ctx.concurrency,
      (i) => cases.open(i, dueAtMs),
      (i, err) => {
        failed.add(i);
        firstError ??= err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      },
    );
    const openingEnd = Date.now();
    const opening = {
      seconds: round(opened.ms / 1000, 1),
      casesPerS: round(n / (opened.ms / 1000), 1),
      errors: opened.errors,
      ...(firstError ? { firstError } : {}),
      initializingRetries: initializingRetries.count - retriesBefore,
      cpu: openingCpu.stop(),
    };
    const actualLeadS = round((dueAtMs - openingEnd) / 1000, 1);
    ctx.log(
      `  opened ${n} in ${opening.seconds} s (${opening.casesPerS}/s, ${opened.errors} errors); dueAt in ${actualLeadS} s`,
    );
    const usage = await worker.memoryUsage();
    const rssAfterOpening = worker.rss()?.rssMiB ?? NaN;

    // Wait for the instant, then for every alert (bounded).
    const untilDue = dueAtMs - Date.now();
    if (untilDue > 0) await sleep(untilDue - Math.min(untilDue, 2_000));
    worker.resetPeak();
    const drainCpu = new CpuMeter({ ...server.pids, worker: worker.pid });
    // Only the cases that opened have a deadline to alert on.
    const expectedIds = new Map<string, number>();
    for (let i = 0; i < n; i++) if (!failed.has(i)) expectedIds.set(cases.messageId(i), i);
    const drainTimeoutMs = Math.max(300_000, n * 100);
    const drained = await drainBurst(ctx, {
      killAfter: spec.killAfter,
      isAlert: cases.isAlert,
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

    const tally = tallyAlerts(ctx.sink.messages, cases.isAlert, expectedIds, dueAtMs);
    const { alerts, beforeDue, timeToLastS } = tally;

    // Histories of a spread of cases, from the first alert to the last, explain where the time went.
    const byAcceptance = [...alerts].sort((a, b) => a.acceptedAtMs - b.acceptedAtMs);
    const sampleSize = Math.min(40, byAcceptance.length);
    const sample = Array.from({ length: sampleSize }, (_, k) => {
      const m = byAcceptance[Math.floor((k * (byAcceptance.length - 1)) / Math.max(1, sampleSize - 1))];
      return {
        workflowId: cases.workflowId(expectedIds.get(m?.messageId ?? '') ?? 0),
        acceptedAtMs: m?.acceptedAtMs ?? 0,
      };
    });
    const breakdown = await breakdownOf(clients, sample, dueAtMs, cases.activityType);

    const result = burstRow({
      kind,
      substrate: ctx.substrate,
      setup: setup.label,
      workerOptions: setup.worker,
      n,
      dueAtMs,
      load,
      opening,
      actualLeadS,
      expected: expectedIds.size,
      tally,
      complete,
      drainCpu: cpu,
      breakdown,
      worker: {
        startupMs: worker.startupMs,
        rssAfterOpeningMiB: rssAfterOpening,
        ...(usage
          ? { heapUsedAfterOpeningMiB: mib(usage.heapUsed), externalAfterOpeningMiB: mib(usage.external) }
          : {}),
        peakRssDuringBurstMiB: peakRss,
      },
      serverDbMiB: mib(await server.dbBytes()),
      kill,
      words: { failedToOpen: 'cases failed to open', opening: 'opening' },
    });
    ctx.log(
      `  ${alerts.length}/${n} alerts; lateness p50 ${result.latenessS.p50} s, p99 ${result.latenessS.p99} s, last ${timeToLastS} s; ${beforeDue} before dueAt; drain ${result.drainPerS}/s`,
    );
    return result;
  } finally {
    await clients.close();
    await worker.stop();
    await server.stop();
  }
}
