// The records archive on PostgreSQL, the cluster topology's store: a real PostgreSQL 15 server
// (Debian's binaries, initdb'd into a temporary directory and run as the unprivileged `nobody`, since
// initdb refuses root), listening on 127.0.0.1 on a free port, and the same contract as the SQLite file:
// idempotent writes, encrypted rows, reading back, holds and disposal.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { CaseArchive, type CaseRecordSnapshot } from '../../activities/archive';
import { openPostgresArchiveStore } from '../../activities/archive-postgres';
import { generateKey, Keyring } from '../../infra/keys';
import { freePort } from '../acceptance/shipped-stack';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const NOBODY = { uid: 65534, gid: 65534 };

let dir: string;
let server: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'docket-pg-'));
  chownSync(dir, NOBODY.uid, NOBODY.gid);
  const initdb = spawnSync(
    `${PG_BIN}/initdb`,
    ['-D', `${dir}/data`, '-A', 'trust', '-U', 'docket', '--no-sync'],
    {
      encoding: 'utf8',
      ...NOBODY,
      cwd: dir,
    },
  );
  if (initdb.status !== 0) throw new Error(`initdb failed: ${initdb.stderr}`);
  const port = await freePort();
  // The server itself is the child process (no wrapper in between), so the signal that stops it reaches it.
  server = spawn(
    `${PG_BIN}/postgres`,
    ['-D', `${dir}/data`, '-k', dir, '-h', '127.0.0.1', '-p', String(port)],
    {
      stdio: 'ignore',
      ...NOBODY,
      cwd: dir,
    },
  );
  url = `postgres://docket@127.0.0.1:${port}/postgres`;
  for (let attempt = 0; ; attempt++) {
    const probe = new PgClient({ connectionString: url });
    try {
      await probe.connect();
      await probe.end();
      break;
    } catch (err) {
      await probe.end().catch(() => undefined);
      if (attempt > 100) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}, 120_000);

afterAll(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    // SIGINT: PostgreSQL's fast shutdown.
    server.kill('SIGINT');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const keyring = Keyring.fromSpec({ current: 'kpg', keys: { kpg: generateKey() } });

function snapshot(caseNumber: string, at = '2026-03-02T15:00:00.000Z'): CaseRecordSnapshot {
  return {
    workflowId: `title-ix-${caseNumber}`,
    runId: 'run-1',
    segment: 'closed',
    at,
    caseType: 'title-ix',
    caseNumber,
    facility: 'ACSD',
    jurisdiction: 'US-AR',
    policyId: 'acsd-title-ix',
    intake: { facts: {}, events: { 'report.received': '2026-03-01T10:00:00.000Z' } },
    events: { 'report.received': '2026-03-01T10:00:00.000Z' },
    extensions: [],
    view: {
      caseNumber,
      caseType: 'title-ix',
      facility: 'ACSD',
      stage: 'closed',
      policyId: 'acsd-title-ix',
      policyVersion: '1.0.0',
      deadlineState: 'on-track',
      deadlines: [],
      awaiting: [],
      serviceTasks: [],
      closed: true,
      outcome: 'no formal complaint',
    },
    timeline: [{ at, type: 'case.closed', actor: 'S-T9C', detail: 'Evangeline Thistlewood' }],
    details: { parties: [{ id: 'P-0001', role: 'complainant', advisor: false }] },
  };
}

test('writes are idempotent and encrypted, read back whole; holds and disposal follow the rules', async () => {
  let clock = new Date('2026-03-03T00:00:00.000Z');
  const archive = new CaseArchive(openPostgresArchiveStore(url), keyring, {
    messageIdDomain: 'd.example',
    now: () => clock,
  });
  try {
    expect(archive.store.description).toMatch(/^PostgreSQL 127\.0\.0\.1:\d+\/postgres$/);
    const first = await archive.write(snapshot('T9-PG-1'));
    const again = await archive.write(snapshot('T9-PG-1'));
    expect(first.inserted).toBe(true);
    expect(again).toMatchObject({ inserted: false, contentHash: first.contentHash });
    expect(first.retainUntil).toBe('2033-03-02T15:00:00.000Z');
    await archive.write(snapshot('T9-PG-2'));

    const read = await archive.read({ caseType: 'title-ix', caseNumber: 'T9-PG-1' });
    expect(read?.record.snapshot).toEqual(snapshot('T9-PG-1'));
    expect(read?.runs).toHaveLength(1);
    expect(read?.record.retention).toMatchObject({
      period: 'P7Y',
      source: expect.stringMatching(/§Records/),
    });

    // What the database holds: no name, in any table.
    const raw = new PgClient({ connectionString: url });
    await raw.connect();
    const dump = await raw.query<{ row: string }>(
      `SELECT r::text AS row FROM docket_records_runs r UNION ALL SELECT c::text FROM docket_records_cases c`,
    );
    await raw.end();
    expect(dump.rows.length).toBe(4);
    const text = dump.rows.map((r) => r.row).join('\n');
    expect(text).toContain('T9-PG-1');
    expect(text).not.toContain('Thistlewood');
    expect(Buffer.from(text.replace(/\\x/g, ''), 'hex').toString('latin1')).not.toContain('Thistlewood');

    await expect(
      archive.dispose({
        before: clock.toISOString(),
        only: [{ caseType: 'title-ix', caseNumber: 'T9-PG-1' }],
      }),
    ).rejects.toMatchObject({ code: 'RETENTION_NOT_REACHED' });
    clock = new Date('2034-01-01T00:00:00.000Z');
    await archive.hold({ caseType: 'title-ix', caseNumber: 'T9-PG-2' }, 'litigation hold');
    await expect(
      archive.dispose({
        before: clock.toISOString(),
        only: [{ caseType: 'title-ix', caseNumber: 'T9-PG-2' }],
      }),
    ).rejects.toMatchObject({ code: 'LEGAL_HOLD' });
    const report = await archive.dispose({ before: clock.toISOString() });
    expect(report.removed.map((r) => r.caseNumber)).toEqual(['T9-PG-1']);
    expect(report.held.map((r) => r.caseNumber)).toEqual(['T9-PG-2']);
    expect((await archive.list()).map((r) => r.caseNumber)).toEqual(['T9-PG-2']);
    expect(await archive.read({ caseType: 'title-ix', caseNumber: 'T9-PG-1' })).toBeUndefined();
  } finally {
    await archive.close();
  }
}, 120_000);

test('compliance outcomes: one row per deadline, a later outcome replaces an earlier one, the same event changes nothing', async () => {
  const store = openPostgresArchiveStore(url);
  try {
    const row = {
      caseType: 'grievance',
      caseNumber: 'GRV-PG-1',
      facility: 'LARC',
      deadlineKey: 'rts.response',
      outcome: 'breached' as const,
      dueDate: '2026-03-10',
      settledAt: '2026-03-10T23:59:59.999-05:00',
      eventId: 'e-breach',
    };
    const other = {
      ...row,
      caseNumber: 'GRV-PG-2',
      facility: 'JHCC',
      outcome: 'met-on-time' as const,
      eventId: 'e-met',
    };
    await store.recordOutcomes([row, other]);
    await store.recordOutcomes([row]);
    const march = { from: '2026-03-01', to: '2026-03-31' };
    expect((await store.outcomes(march)).map((r) => [r.caseNumber, r.outcome])).toEqual([
      ['GRV-PG-1', 'breached'],
      ['GRV-PG-2', 'met-on-time'],
    ]);
    await store.recordOutcomes([
      { ...row, outcome: 'met-late', settledAt: '2026-03-12T10:00:00.000-05:00', eventId: 'e-late' },
    ]);
    expect(await store.outcomes({ ...march, facility: 'LARC' })).toEqual([
      { ...row, outcome: 'met-late', settledAt: '2026-03-12T10:00:00.000-05:00', eventId: 'e-late' },
    ]);
    expect(await store.outcomes({ ...march, caseType: 'discipline' })).toEqual([]);
    expect(await store.outcomes({ from: '2026-04-01', to: '2026-04-30' })).toEqual([]);
  } finally {
    await store.close();
  }
}, 60_000);
