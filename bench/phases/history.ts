// History: events per case for a complete lifecycle of each case type in workflows/index.ts, counted
// with fetchHistory() once the case has closed.
//
// A lifecycle takes days to months of real time (a hearing may not start within 24 hours of service,
// a probation runs six months), so each case type is driven on the official time-skipping test server
// (the pinned jar the tests use), with the same spacing as the workflow tests' on-time full paths:
// every step on time, the reminders that fall inside the gaps fire as they would in production. The
// grievance's informal-to-decision path is also driven on the real dev server with every step at once
// (no time passes), which checks that both servers record the same events.
//
// Updates are sent by name with plain payloads, not through the case types' typed definitions, so a
// case type being reworked elsewhere shows up here as "not measured: <reason>" instead of breaking the
// harness's type check.
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowClient, type WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import pino from 'pino';
import { CaseArchive } from '../../activities/archive';
import { openSqliteArchiveStore } from '../../activities/archive-sqlite';
import { loadDirectory } from '../../activities/directory';
import { createMailTransport } from '../../activities/mail-transport';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { buildActivities } from '../../worker/activities';
import { createDataConverter } from '../../infra/data-converter';
import * as docketWorkflows from '../../workflows';
import { connectClients, HOUR_MS, iso, runTag } from '../lib/common';
import { DEFAULT_WORKER_OPTIONS, type BenchContext } from '../lib/context';
import { freePort } from '../../scripts/ports';
import { startDevServer } from '../lib/devserver';
import type { LoadGate } from '../lib/machine';
import { startWorkerProcess } from '../lib/worker';
import { registerDocketSearchAttributes } from '../../test/helpers/temporal';

export interface HistoryRow {
  caseType: string;
  path: string;
  server: 'time-skipping' | 'dev-server';
  measured: boolean;
  events?: number;
  /** Encoded size of the history (protobuf bytes, payloads encrypted). */
  bytes?: number;
  /** Count per event type, e.g. UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: 11. */
  byType?: Record<string, number>;
  /** Encoded bytes per event type: where the history's size comes from. */
  bytesByType?: Record<string, number>;
  notices?: number;
  reason?: string;
}

export interface HistoryResult {
  load: LoadGate;
  workflowTypes: string[];
  rows: HistoryRow[];
}

const DAY = 24 * HOUR_MS;
/** A lifecycle takes seconds; one that hangs (a workflow task failing over and over) is reported. */
const DRIVER_TIMEOUT_MS = 120_000;

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The steps of one lifecycle, written against a clock that the driver may move forward. */
interface Driver {
  caseType: string;
  workflowType: string;
  path: string;
  run(d: DriveContext): Promise<WorkflowHandle>;
}

interface DriveContext {
  start(workflowType: string, workflowId: string, intake: unknown): Promise<WorkflowHandle>;
  now(): Promise<number>;
  /** Moves the clock to an instant (time-skipping only; never backwards). */
  advanceTo(instant: string | number): Promise<void>;
  update(handle: WorkflowHandle, name: string, payload: unknown): Promise<CaseViewLike>;
  /** Waits for a service task whose name starts with `prefix`, then records its proof of service. */
  serve(handle: WorkflowHandle, prefix: string, at: string, servedBy: string): Promise<CaseViewLike>;
}

interface CaseViewLike {
  stage: string;
  serviceTasks: Array<{ task: string }>;
}

const caseNumber = (prefix: string) => `${prefix}-${runTag()}${runTag()}`;

const grievanceInformal: Driver = {
  caseType: 'grievance',
  workflowType: 'grievance',
  path: 'informal to decision (RTS, response, filing, decision, service), all on time',
  async run(d) {
    const n = caseNumber('GRV');
    let now = await d.now();
    const handle = await d.start('grievance', `grievance-${n}`, {
      caseNumber: n,
      facility: 'LARC',
      category: 'general',
      incidentAt: iso(now - DAY),
      involvedStaffIds: ['S-0666'],
    });
    await d.update(handle, 'rtsSubmitted', { at: iso(now), by: 'S-0100' });
    await d.advanceTo(now + 2 * DAY);
    now = await d.now();
    await d.update(handle, 'rtsResponded', { at: iso(now), by: 'S-0101' });
    await d.advanceTo(now + DAY);
    now = await d.now();
    await d.update(handle, 'grievanceFiled', { at: iso(now), by: 'S-0102' });
    await d.advanceTo(now + DAY);
    now = await d.now();
    await d.update(handle, 'decisionIssued', { at: iso(now), by: 'S-0200', outcome: 'denied' });
    await d.serve(handle, 'grievance.decision/', iso(now), 'S-0300');
    return handle;
  },
};

const grievanceEmergency: Driver = {
  caseType: 'grievance',
  workflowType: 'grievance',
  path: 'emergency track (the burst case): filing, decision, service, on time',
  async run(d) {
    const n = caseNumber('GRV');
    let now = await d.now();
    const handle = await d.start('grievance', `grievance-${n}`, {
      caseNumber: n,
      facility: 'LARC',
      category: 'emergency',
      incidentAt: iso(now - HOUR_MS),
      involvedStaffIds: [],
    });
    await d.update(handle, 'grievanceFiled', { at: iso(now), by: 'S-0102' });
    await d.advanceTo(now + DAY);
    now = await d.now();
    await d.update(handle, 'decisionIssued', { at: iso(now), by: 'S-0200', outcome: 'granted' });
    await d.serve(handle, 'grievance.decision/', iso(now), 'S-0300');
    return handle;
  },
};

// The discipline tests' full path (test/workflows/discipline.test.ts), on its hand-checked dates.
const disciplineFull: Driver = {
  caseType: 'discipline',
  workflowType: 'discipline',
  path: 'full path: service, investigation, representative, hearing, both appeals, director decision',
  async run(d) {
    const [investigator, officer, representative] = ['S-0201', 'S-0301', 'S-0401'];
    await d.advanceTo('2027-12-20T09:30:00-06:00');
    const n = caseNumber('DSC');
    const handle = await d.start('discipline', `discipline-${n}`, {
      caseNumber: n,
      facility: 'LARC',
      offenseCode: '11-2',
      offenseClass: 'A',
      reportingStaffId: 'S-0101',
      witnessingStaffIds: ['S-0102'],
      acceptingStaffId: 'S-0103',
      preHearingDetention: false,
      subjectId: `SUBJ-${randomUUID()}`,
      reportedAt: '2027-12-20T08:00:00-06:00',
      acceptedAt: '2027-12-20T09:00:00-06:00',
    });
    await d.update(handle, 'investigationStarted', { at: '2027-12-20T09:10:00-06:00', by: investigator });
    await d.serve(handle, 'offense-report/', '2027-12-20T09:20:00-06:00', investigator);
    await d.update(handle, 'representativeRequested', {
      at: '2027-12-20T09:25:00-06:00',
      by: investigator,
      representativeId: representative,
    });
    await d.update(handle, 'hearingScheduled', {
      at: '2027-12-20T09:30:00-06:00',
      by: officer,
      hearingAt: '2027-12-27T09:00:00-06:00',
    });
    await d.advanceTo('2027-12-22T10:00:00-06:00');
    await d.update(handle, 'representativeConsulted', {
      at: '2027-12-22T10:00:00-06:00',
      by: representative,
    });
    await d.advanceTo('2027-12-27T11:00:00-06:00');
    await d.update(handle, 'hearingConcluded', {
      at: '2027-12-27T10:30:00-06:00',
      by: officer,
      finding: 'guilty',
      sanctions: [{ code: '4A' }],
    });
    await d.serve(handle, 'hearing-actions/', '2027-12-27T11:00:00-06:00', officer);
    await d.advanceTo('2028-01-03T10:00:00-06:00');
    await d.update(handle, 'facilityAppealFiled', { at: '2028-01-03T09:00:00-06:00', by: investigator });
    await d.advanceTo('2028-01-11T10:00:00-06:00');
    await d.update(handle, 'facilityAppealDecided', {
      at: '2028-01-10T09:00:00-06:00',
      by: 'S-0004',
      outcome: 'affirmed',
    });
    await d.serve(handle, 'facility-response/', '2028-01-11T09:00:00-06:00', 'S-0004');
    await d.advanceTo('2028-01-18T10:00:00-06:00');
    await d.update(handle, 'directorAppealFiled', { at: '2028-01-18T09:00:00-06:00', by: investigator });
    await d.advanceTo('2028-02-01T10:00:00-06:00');
    await d.update(handle, 'directorAppealDecided', {
      at: '2028-02-01T09:00:00-06:00',
      by: 'S-0015',
      outcome: 'affirmed',
    });
    await d.serve(handle, 'director-decision/', '2028-02-01T09:30:00-06:00', 'S-0015');
    return handle;
  },
};

// The Title IX tests' full path on school business days, to a final determination without appeal.
const titleIxFull: Driver = {
  caseType: 'title-ix',
  workflowType: 'titleIx',
  path: 'full path: report, supportive measures, formal complaint, notice, evidence, report, determination, final',
  async run(d) {
    const [coordinator, investigator] = ['S-T9C', 'S-T9I'];
    const complainant = { id: 'P-0001', name: 'Party One', email: 'party.one@home.example.net' };
    const respondent = { id: 'P-0002', name: 'Party Two', email: 'party.two@home.example.net' };
    await d.advanceTo('2027-09-13T13:00:00Z');
    const n = caseNumber('T9');
    const handle = await d.start('titleIx', `title-ix-${n}`, {
      caseNumber: n,
      reportReceivedAt: iso(await d.now()),
      coordinatorId: coordinator,
      parties: [
        { ...complainant, role: 'complainant' },
        { ...respondent, role: 'respondent' },
        { id: 'P-0003', role: 'witness', name: 'Party Three', email: 'party.three@home.example.net' },
      ],
    });
    const at = async (instant: string) => {
      await d.advanceTo(instant);
      return iso(await d.now());
    };
    let now = await at('2027-09-14T15:00:00Z');
    await d.update(handle, 'complainantContacted', { at: now, by: coordinator });
    await d.update(handle, 'supportiveMeasures', {
      at: now,
      by: coordinator,
      party: complainant.id,
      status: 'declined',
      inWriting: true,
    });
    await d.update(handle, 'supportiveMeasures', {
      at: now,
      by: coordinator,
      party: respondent.id,
      status: 'offered',
    });
    now = await at('2027-09-15T15:00:00Z');
    await d.update(handle, 'formalComplaintReceived', {
      at: now,
      by: coordinator,
      investigatorIds: [investigator],
    });
    await at('2027-09-16T15:00:00Z');
    await d.update(handle, 'noticeParties', { by: coordinator, documentRef: 'DOC-N-1' });
    await d.update(handle, 'recordParty', {
      by: coordinator,
      party: {
        ...complainant,
        role: 'complainant',
        advisor: { name: 'Advisor One', email: 'advisor.one@counsel.example.net' },
      },
    });
    now = await at('2027-09-20T15:00:00Z');
    await d.update(handle, 'evidenceSent', { at: now, by: investigator });
    now = await at('2027-10-05T14:00:00Z');
    await d.update(handle, 'investigationCompleted', { at: now, by: 'S-T9R' });
    await at('2027-10-20T15:00:00Z');
    await d.update(handle, 'determinationIssued', {
      by: 'S-T9D',
      outcome: 'responsible',
      documentRef: 'DOC-D-1',
    });
    // Final the day after the appeal period ends (by the workflow's own timer).
    await d.advanceTo('2027-11-04T05:01:00Z');
    return handle;
  },
};

// A probation record's life: a written warning's six months (reminders, the end notices), then the
// employee leaves and the record closes.
const probationLifecycle: Driver = {
  caseType: 'probation',
  workflowType: 'probationRecord',
  path: 'written warning: six months with reminders and the end notices, then separation',
  async run(d) {
    await d.advanceTo('2027-01-11T10:00:00-06:00');
    const employeeId = caseNumber('EMP');
    const handle = await d.start('probationRecord', `probation-${employeeId}`, { employeeId });
    await d.update(handle, 'recordAction', {
      action: 'written-warning',
      by: 'S-0100',
      issuedAt: '2027-01-11T09:00:00-06:00',
      notifiedAt: '2027-01-11T09:30:00-06:00',
    });
    await d.advanceTo('2027-07-11T09:00:00-05:00');
    // Let the end-of-period notices (activities, in real time) finish before the record closes.
    await sleep(2_000);
    await d.update(handle, 'separate', { at: iso(await d.now()), by: 'S-0100', reason: 'resigned' });
    return handle;
  },
};

const DRIVERS: Driver[] = [
  grievanceInformal,
  grievanceEmergency,
  disciplineFull,
  titleIxFull,
  probationLifecycle,
];

function driveContext(
  client: WorkflowClient,
  taskQueue: string,
  clock: { now(): Promise<number>; sleep(ms: number): Promise<void> } | undefined,
): DriveContext {
  const d: DriveContext = {
    start: (workflowType, workflowId, intake) =>
      client.start(workflowType, { taskQueue, workflowId, args: [intake] }),
    now: async () => (clock ? clock.now() : Date.now()),
    async advanceTo(instant) {
      const target = typeof instant === 'number' ? instant : Date.parse(instant);
      if (!clock) return; // the dev server: every step at once
      const now = await clock.now();
      if (target > now) await clock.sleep(target - now);
    },
    async update(handle, name, payload) {
      // Right after a start the case may still be computing its first schedule: retry that refusal.
      for (let attempt = 0; ; attempt++) {
        try {
          return await handle.executeUpdate<CaseViewLike, [unknown]>(name, { args: [payload] });
        } catch (err) {
          const type = (err as { cause?: { type?: string } }).cause?.type;
          if (type !== 'CASE_INITIALIZING' || attempt > 50) throw err;
          await sleep(100);
        }
      }
    },
    async serve(handle, prefix, at, servedBy) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const view = await handle.query<CaseViewLike>('schedule');
        const task = view.serviceTasks.find((t) => t.task.startsWith(prefix));
        if (task)
          return d.update(handle, 'recordService', { task: task.task, servedBy, at, method: 'in-person' });
        if (Date.now() > deadline) throw new Error(`no service task ${prefix}* appeared`);
        await sleep(100);
      }
    },
  };
  return d;
}

const eventTypeName = (type: unknown): string =>
  String((typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : type) ?? type).replace(
    /^EVENT_TYPE_/,
    '',
  );

async function measureClosed(
  handle: WorkflowHandle,
  resultClient: WorkflowClient,
): Promise<Pick<HistoryRow, 'events' | 'bytes' | 'byType' | 'bytesByType'>> {
  // The result through a client without time skipping (the test environment's own client would skip
  // the clock to the next timer while it waits), bounded so a case that never closes is reported.
  await Promise.race([
    resultClient.getHandle(handle.workflowId).result(),
    sleep(30_000).then(() => {
      throw new Error('the case did not close at the end of its path');
    }),
  ]);
  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const byType: Record<string, number> = {};
  const bytesByType: Record<string, number> = {};
  for (const e of events) {
    const name = eventTypeName(e.eventType);
    byType[name] = (byType[name] ?? 0) + 1;
    const size = temporal.api.history.v1.HistoryEvent.encode(
      temporal.api.history.v1.HistoryEvent.fromObject(e),
    ).finish().length;
    bytesByType[name] = (bytesByType[name] ?? 0) + size;
  }
  const bytes = temporal.api.history.v1.History.encode(
    temporal.api.history.v1.History.fromObject(history),
  ).finish().length;
  return { events: events.length, bytes, byType, bytesByType };
}

function testServerPath(): string {
  const jar = process.env.DOCKET_TEST_SERVER;
  if (!jar) throw new Error('DOCKET_TEST_SERVER is not set: run the benchmarks with `npm run bench`');
  return jar;
}

async function onTimeSkipping(ctx: BenchContext, driver: Driver): Promise<HistoryRow> {
  const row: HistoryRow = {
    caseType: driver.caseType,
    path: driver.path,
    server: 'time-skipping',
    measured: false,
  };
  const dataConverter = createDataConverter(ctx.keyring);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: testServerPath() } },
    client: { dataConverter },
  });
  await registerDocketSearchAttributes(env);
  const taskQueue = `bench-history-${runTag()}`;
  const before = ctx.sink.messages.length;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: { codePath: ctx.bundles.docket },
    dataConverter,
    activities: buildActivities({
      mailer: createMailTransport({ host: '127.0.0.1', port: ctx.sink.port }),
      directory: await loadDirectory(path.join(__dirname, '..', '..', 'config', 'directory.yaml')),
      logger: pino({ level: 'silent' }),
      ledger: createMemorySentLedger(),
      config: {
        from: 'Docket <docket@docket.local>',
        adminFallback: 'admin@docket.local',
        messageIdDomain: 'docket.local',
      },
      // Closed cases' records go to a file of this run's own.
      archive: new CaseArchive(
        openSqliteArchiveStore(
          path.join(mkdtempSync(path.join(tmpdir(), 'bench-records-')), 'records.sqlite'),
        ),
        ctx.keyring,
        { messageIdDomain: 'docket.local' },
      ),
    }),
  });
  const running = worker.run();
  try {
    const d = driveContext(env.client.workflow, taskQueue, {
      now: () => env.currentTimeMs(),
      sleep: (ms) => env.sleep(ms),
    });
    const handle = await withTimeout(driver.run(d), DRIVER_TIMEOUT_MS, 'the lifecycle did not finish');
    const resultClient = new WorkflowClient({ connection: env.connection, dataConverter });
    Object.assign(row, await measureClosed(handle, resultClient), { measured: true });
    row.notices = ctx.sink.messages.length - before;
  } catch (err) {
    row.reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  } finally {
    worker.shutdown();
    await running.catch(() => undefined);
    await env.teardown();
  }
  return row;
}

/** The grievance path on the real dev server, every step at once: a check against the time-skipping count. */
async function onDevServer(ctx: BenchContext): Promise<HistoryRow> {
  const row: HistoryRow = {
    caseType: 'grievance',
    path: `${grievanceInformal.path}, with no time between the steps`,
    server: 'dev-server',
    measured: false,
  };
  const server = await startDevServer('history');
  const taskQueue = `bench-history-${runTag()}`;
  const worker = await startWorkerProcess(
    {
      kind: 'docket',
      wiring: 'prebuilt',
      address: server.address,
      taskQueue,
      smtpPort: ctx.sink.port,
      metricsPort: await freePort(),
      dataDir: path.join(ctx.tmpDir, `data-history-${runTag()}`),
      logLevel: 'warn',
      bundlePath: ctx.bundles.docket,
      worker: DEFAULT_WORKER_OPTIONS,
    },
    ctx.keyEnv,
    path.join(ctx.tmpDir, 'worker-history.log'),
  );
  const clients = await connectClients(server.address, ctx.keyring, taskQueue);
  try {
    const before = ctx.sink.messages.length;
    const d = driveContext(clients.client.workflow, taskQueue, undefined);
    const handle = await withTimeout(
      grievanceInformal.run(d),
      DRIVER_TIMEOUT_MS,
      'the lifecycle did not finish',
    );
    Object.assign(row, await measureClosed(handle, clients.client.workflow), { measured: true });
    row.notices = ctx.sink.messages.length - before;
  } catch (err) {
    row.reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  } finally {
    await clients.close();
    await worker.stop();
    await server.stop();
  }
  return row;
}

export async function runHistory(ctx: BenchContext): Promise<HistoryResult> {
  ctx.log('• history: events per case for a complete lifecycle of each case type');
  const load = await ctx.gate('history');
  // The case types the worker registers right now (workflows/index.ts), read at run time.
  const exported = docketWorkflows as Record<string, unknown>;
  const workflowTypes = Object.keys(exported).filter((name) => typeof exported[name] === 'function');
  const rows: HistoryRow[] = [];
  for (const driver of DRIVERS) {
    if (!workflowTypes.includes(driver.workflowType)) continue;
    const row = await onTimeSkipping(ctx, driver);
    ctx.log(
      `  ${driver.caseType} (${driver.path}): ${row.measured ? `${row.events} events` : `not measured: ${row.reason}`}`,
    );
    rows.push(row);
  }
  if (workflowTypes.includes('grievance')) {
    const row = await onDevServer(ctx);
    ctx.log(
      `  grievance on the dev server: ${row.measured ? `${row.events} events` : `not measured: ${row.reason}`}`,
    );
    rows.push(row);
  }
  for (const type of workflowTypes) {
    if (!DRIVERS.some((d) => d.workflowType === type)) {
      rows.push({
        caseType: type,
        path: '-',
        server: 'time-skipping',
        measured: false,
        reason: 'no lifecycle driver: an auxiliary workflow, or a case type added after this harness',
      });
    }
  }
  return { load, workflowTypes, rows };
}
