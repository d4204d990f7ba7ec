// Compliance figures: seeded deadline outcomes go through the real publish activity into the records
// store (the SQLite file of the embedded default), and `docket report compliance` reports on-time
// rates that match a count made here, independently, from the seed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from '../../activities/archive-sqlite';
import type { DeadlineOutcome } from '../../activities/compliance';
import { createDeadlineEventActivities, type DeadlineEventBatch } from '../../activities/deadline-events';
import type { DeadlineChange } from '../../workflows/deadlines';
import { runAttempt } from '../helpers/activity-attempt';
import { DocketClient } from '../../client/cases';
import { ApiAuth, sha256Hex } from '../../server/api/auth';
import { buildApi } from '../../server/api/server';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface Seed {
  caseType: string;
  caseNumber: string;
  facility: string;
  key: string;
  /** Local due time with its offset, as schedules write it. */
  dueAt: string;
  outcome: DeadlineOutcome;
}

const FACILITIES = ['LARC', 'JHCC'];
const KEYS = ['rts.response', 'grievance.response'];
const OUTCOMES: DeadlineOutcome[] = ['met-on-time', 'met-late', 'extended', 'waived', 'breached'];
const MONTHS = ['2026-01', '2026-02', '2026-03'];

/** 60 grievance deadlines over three months, two facilities, two keys and every outcome; a few outside. */
function seeds(): Seed[] {
  const list: Seed[] = [];
  for (let i = 0; i < 60; i++) {
    const day = String(3 + ((i * 7) % 24)).padStart(2, '0');
    list.push({
      caseType: 'grievance',
      caseNumber: `GRV-2026-${String(i).padStart(4, '0')}`,
      facility: FACILITIES[i % 2] as string,
      key: KEYS[Math.floor(i / 2) % 2] as string,
      dueAt: `${MONTHS[i % 3] as string}-${day}T23:59:59.999-06:00`,
      // Skewed so rates differ between groups: every 7th is breached, every 5th late.
      outcome:
        i % 7 === 0 ? 'breached' : i % 5 === 0 ? 'met-late' : (OUTCOMES[(i * 3) % 5] as DeadlineOutcome),
    });
  }
  // Outside the report's window, and another case type: both filtered out below.
  list.push({ ...list[1]!, caseNumber: 'GRV-2025-9999', dueAt: '2025-12-20T23:59:59.999-06:00' });
  list.push({ ...list[2]!, caseType: 'discipline', caseNumber: 'DSC-2026-0001', key: 'hearing.held' });
  return list;
}

const shift = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

/** The batches a case's steps would hand over for one seeded outcome, in order. */
function batchesFor(seed: Seed): DeadlineEventBatch[] {
  const base = {
    workflowId: `${seed.caseType}-${seed.caseNumber}`,
    firstRunId: `run-${seed.caseNumber}`,
    caseType: seed.caseType,
    caseNumber: seed.caseNumber,
    facility: seed.facility,
    policyVersion: 'ok-doc-grievance@2026-01',
  };
  const change = (c: Partial<DeadlineChange> & Pick<DeadlineChange, 'state' | 'at'>): DeadlineChange => ({
    key: seed.key,
    attempt: 1,
    dueAt: seed.dueAt,
    extensions: 0,
    ...c,
  });
  const steps: DeadlineChange[][] = {
    'met-on-time': [[change({ state: 'met', at: shift(seed.dueAt, -DAY) })]],
    'met-late': [
      [change({ state: 'breached', at: seed.dueAt })],
      [change({ state: 'acknowledged', at: shift(seed.dueAt, HOUR) })],
      [change({ state: 'met', at: shift(seed.dueAt, 2 * DAY) })],
    ],
    // Extended by a day within its month's last week at most, then met before the new due time.
    extended: [
      [change({ state: 'extended', attempt: 2, extensions: 1, at: shift(seed.dueAt, -2 * DAY) })],
      [change({ state: 'met', attempt: 2, extensions: 1, at: shift(seed.dueAt, -HOUR) })],
    ],
    waived: [[change({ state: 'waived', at: shift(seed.dueAt, -3 * DAY) })]],
    breached: [
      [change({ state: 'breached', at: seed.dueAt })],
      [change({ state: 'acknowledged', at: shift(seed.dueAt, HOUR) })],
    ],
  }[seed.outcome];
  return steps.map((changes) => ({ ...base, changes }));
}

/** The expected report, counted straight from the seed: key → facility → month → counts. */
function countIndependently(
  list: Seed[],
  filter: { from: string; to: string; caseType: string; facility?: string },
) {
  const groups = new Map<string, { onTime: number; due: number; waived: number }>();
  for (const seed of list) {
    const date = seed.dueAt.slice(0, 10);
    if (seed.caseType !== filter.caseType || date < filter.from || date > filter.to) continue;
    if (filter.facility && seed.facility !== filter.facility) continue;
    const id = `${seed.key},${seed.facility},${seed.dueAt.slice(0, 7)}`;
    const g = groups.get(id) ?? { onTime: 0, due: 0, waived: 0 };
    if (seed.outcome === 'waived') g.waived += 1;
    else {
      g.due += 1;
      if (seed.outcome === 'met-on-time' || seed.outcome === 'extended') g.onTime += 1;
    }
    groups.set(id, g);
  }
  return groups;
}

function docket(args: string[], dataDir: string) {
  return spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'docket.js'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKET_DATA_DIR: dataDir, DOCKET_CONFIG: '', DOCKET_RECORDS_STORE: 'sqlite' },
    timeout: 60_000,
  });
}

let dataDir: string;
const list = seeds();

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'docket-compliance-'));
  const store = openSqliteArchiveStore(path.join(dataDir, SQLITE_ARCHIVE_FILE));
  const { publishDeadlineEvents } = createDeadlineEventActivities({
    subscribers: [],
    logger: pino({ level: 'silent' }),
    outcomes: store,
  });
  for (const seed of list) {
    const batches = batchesFor(seed);
    for (const batch of batches) await runAttempt(publishDeadlineEvents, batch);
    // A retried activity hands over the same batch again: nothing may count twice.
    await runAttempt(publishDeadlineEvents, batches.at(-1) as DeadlineEventBatch);
  }
  await store.close();
}, 120_000);

test('the CSV report matches a count made independently from the seeded outcomes', () => {
  const filter = { from: '2026-01-01', to: '2026-03-31', caseType: 'grievance' };
  const result = docket(
    ['report', 'compliance', '--from', filter.from, '--to', filter.to, '--case-type', 'grievance', '--csv'],
    dataDir,
  );
  expect(result.stderr).toContain('compliance figures: SQLite');
  expect(result.status).toBe(0);
  const [header, ...rows] = result.stdout.trim().split(/\r?\n/);
  expect(header).toBe('deadline,facility,month,met_on_time,extended,met_late,breached,waived,on_time_rate');
  const expected = countIndependently(list, filter);
  expect(rows).toHaveLength(expected.size);
  expect(expected.size).toBe(KEYS.length * FACILITIES.length * MONTHS.length);
  for (const row of rows) {
    const [key, facility, month, onTime, extended, late, breached, waived, rate] = row.split(',');
    const g = expected.get(`${key},${facility},${month}`);
    expect(g).toBeDefined();
    expect(Number(onTime) + Number(extended)).toBe(g?.onTime);
    expect(Number(onTime) + Number(extended) + Number(late) + Number(breached)).toBe(g?.due);
    expect(Number(waived)).toBe(g?.waived);
    expect(rate).toBe(g && g.due > 0 ? (g.onTime / g.due).toFixed(3) : '');
  }
  // The seed has every outcome: a report that counted only some would not reach these totals.
  const total = rows.reduce(
    (sum, row) =>
      sum +
      row
        .split(',')
        .slice(3, 8)
        .map(Number)
        .reduce((a, b) => a + b, 0),
    0,
  );
  expect(total).toBe(60);
});

test('a facility narrows the table; the chart shows the on-time rate per month as SVG', () => {
  const filter = { from: '2026-02-01', to: '2026-03-31', caseType: 'grievance', facility: 'JHCC' };
  const chart = path.join(dataDir, 'on-time.svg');
  const result = docket(
    [
      'report',
      'compliance',
      '--from',
      filter.from,
      '--to',
      filter.to,
      '--facility',
      'JHCC',
      '--case-type',
      'grievance',
      '--chart',
      chart,
    ],
    dataDir,
  );
  expect(result.status).toBe(0);
  const lines = result.stdout.trim().split('\n');
  expect(lines[0]).toMatch(
    /^DEADLINE\s+FACILITY\s+MONTH\s+ON TIME\s+EXTENDED\s+LATE\s+BREACHED\s+WAIVED\s+ON-TIME RATE$/,
  );
  const expected = countIndependently(list, filter);
  expect(lines.slice(1)).toHaveLength(expected.size);
  for (const line of lines.slice(1)) {
    const cells = line.split(/\s{2,}/);
    expect(cells[1]).toBe('JHCC');
    const g = expected.get(`${cells[0]},JHCC,${cells[2]}`);
    expect(cells[8]).toBe(g && g.due > 0 ? `${((g.onTime / g.due) * 100).toFixed(1)}%` : '-');
  }
  const svg = readFileSync(chart, 'utf8');
  expect(svg).toMatch(/^<svg[\s\S]*<\/svg>$/);
  expect(svg).toContain('2026-02');
  expect(svg).toContain('2026-03');
  expect(svg).not.toContain('2026-01');
  // The monthly rate over both keys, as the chart labels it.
  const feb = [...expected.entries()].filter(([id]) => id.endsWith(',2026-02')).map(([, g]) => g);
  const rate = feb.reduce((a, g) => a + g.onTime, 0) / feb.reduce((a, g) => a + g.due, 0);
  expect(svg).toContain(`${Math.round(rate * 1000) / 10}%`);
});

test('a bad date is refused with the field, the value and the rule', () => {
  const result = docket(['report', 'compliance', '--from', '2026-13-01', '--to', '2026-03-31'], dataDir);
  expect(result.status).toBe(2);
  expect(result.stderr).toMatch(/from: '2026-13-01' is not a date like 2026-01-31 \[INVALID_INPUT\]/);
  const reversed = docket(['report', 'compliance', '--from', '2026-04-01', '--to', '2026-03-31'], dataDir);
  expect(reversed.status).toBe(2);
  expect(reversed.stderr).toMatch(/from: '2026-04-01' is after to '2026-03-31'/);
});

describe('GET /reports/compliance', () => {
  // The API process reads the same records store; a key limited to Title IX counts none of these.
  const ADMIN = 'a'.repeat(40);
  const TIX_ADMIN = 'b'.repeat(40);
  let app: FastifyInstance;
  let url: string;
  let store: ReturnType<typeof openSqliteArchiveStore>;
  let connection: Connection;

  beforeAll(async () => {
    store = openSqliteArchiveStore(path.join(dataDir, SQLITE_ARCHIVE_FILE));
    // Nothing here reaches Temporal: a lazy connection to a port nobody listens on.
    connection = Connection.lazy({ address: '127.0.0.1:1' });
    app = buildApi({
      docket: new DocketClient({ client: new Client({ connection }), taskQueue: 'unused', timeoutMs: 1_000 }),
      auth: new ApiAuth([
        { id: 'admin', role: 'administrator', tokenSha256: sha256Hex(ADMIN) },
        { id: 'tix', role: 'administrator', tokenSha256: sha256Hex(TIX_ADMIN), caseTypes: ['title-ix'] },
      ]),
      ackLinkKey: Buffer.alloc(32, 7),
      outcomes: store,
    });
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    await connection?.close();
  });

  const get = (query: string, token = ADMIN) =>
    fetch(`${url}/reports/compliance?${query}`, { headers: { authorization: `Bearer ${token}` } });

  test('JSON and CSV match the count made independently from the seed', async () => {
    const filter = { from: '2026-01-01', to: '2026-03-31', caseType: 'grievance' };
    const response = await get(`from=${filter.from}&to=${filter.to}&caseType=grievance`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { lines: Array<Record<string, number | string | null>> };
    const expected = countIndependently(list, filter);
    expect(body.lines).toHaveLength(expected.size);
    for (const line of body.lines) {
      const g = expected.get(`${line.deadlineKey},${line.facility},${line.month}`);
      expect(Number(line.metOnTime) + Number(line.extended)).toBe(g?.onTime);
      expect(
        Number(line.metLate) + Number(line.breached) + Number(line.metOnTime) + Number(line.extended),
      ).toBe(g?.due);
      expect(line.waived).toBe(g?.waived);
    }
    const csv = await get(`from=${filter.from}&to=${filter.to}&caseType=grievance&format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect((await csv.text()).trim().split('\n')).toHaveLength(expected.size + 1);
  });

  test('a key limited to other case types counts nothing of them; bad input names the field', async () => {
    const limited = await get('from=2026-01-01&to=2026-03-31', TIX_ADMIN);
    expect(limited.status).toBe(200);
    expect(((await limited.json()) as { lines: unknown[] }).lines).toEqual([]);
    const bad = await get('from=2026-13-01&to=2026-03-31');
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /from: '2026-13-01' is not a date/,
    );
    expect((await get('from=2026-01-01&to=2026-03-31&caseType=grievance', TIX_ADMIN)).status).toBe(403);
  });
});
