// The records archive without Temporal: retention periods by policy, the deadline outcomes a record
// states, and the SQLite store (real file, real sql.js, real locks) written as the worker writes it:
// idempotent, encrypted under the codec's keys through a rotation, safe with two processes' worth of
// writers at once, and disposing only what is past its date and not held.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CaseArchive,
  contentHashOf,
  deadlineOutcome,
  mergeTimelines,
  type CaseRecordSnapshot,
} from '../../activities/archive';
import { openSqliteArchiveStore } from '../../activities/archive-sqlite';
import type { OutcomeRow } from '../../activities/compliance';
import { listPolicies } from '../../domain/policies';
import { RECORDS_RETENTION, resolveRetention } from '../../domain/policies/records';
import { parseConfig } from '../../infra/config';
import { generateKey, Keyring } from '../../infra/keys';
import type { DeadlineView } from '../../workflows/deadlines';

const REPO_ROOT = path.join(__dirname, '..', '..');
const fresh = (): string => path.join(mkdtempSync(path.join(tmpdir(), 'docket-store-')), 'records.sqlite');
const keys = { k1: generateKey(), k2: generateKey() };
const keyringK1 = Keyring.fromSpec({ current: 'k1', keys: { k1: keys.k1 } });

describe('retention', () => {
  test('every registered policy states how long its records are kept', () => {
    for (const { id } of listPolicies()) {
      const stated = RECORDS_RETENTION[id];
      expect(stated).toBeDefined();
      expect(resolveRetention(id).period).toMatch(/^P\d/);
    }
  });

  test('Title IX: seven years from 3.26; the agency may keep longer, never shorter', () => {
    expect(resolveRetention('acsd-title-ix')).toMatchObject({
      period: 'P7Y',
      agencySetting: false,
      source: expect.stringMatching(/ACSD Policy 3\.26 \/ 8\.20 §Records/),
    });
    expect(resolveRetention('acsd-title-ix', { 'acsd-title-ix': 'P10Y' })).toMatchObject({
      period: 'P10Y',
      configured: true,
    });
    expect(() => resolveRetention('acsd-title-ix', { 'acsd-title-ix': 'P5Y' })).toThrow(
      expect.objectContaining({
        code: 'INVALID_SETTING',
        message: expect.stringMatching(/P5Y is shorter than the minimum P7Y .*never shorter/),
      }),
    );
  });

  test('grievance, discipline, probation: agency settings, marked as such, with a stated default', () => {
    for (const id of ['ok-doc-grievance', 'ok-doc-discipline', 'adc-probation']) {
      expect(resolveRetention(id)).toMatchObject({
        period: 'P7Y',
        agencySetting: true,
        configured: false,
        source: expect.stringMatching(/^agency setting records\.retention \(default\): .*states no period/),
      });
    }
    expect(resolveRetention('ok-doc-grievance', { 'ok-doc-grievance': 'P3Y' })).toMatchObject({
      period: 'P3Y',
      source: 'agency setting records.retention (agency value): P3Y',
    });
  });

  test('a bad setting stops the configuration, naming field, value and rule', () => {
    expect(() => parseConfig({ records: { retention: { 'ok-doc-grievance': 'seven years' } } })).toThrow(
      /records\.retention\.ok-doc-grievance: records\.retention\.ok-doc-grievance: 'seven years' is not an ISO 8601 period/,
    );
    expect(() => parseConfig({ records: { retention: { 'no-such-policy': 'P1Y' } } })).toThrow(
      /no-such-policy.*states no records retention/,
    );
    expect(() => parseConfig({ records: { store: 'postgres' } })).toThrow(
      /records\.databaseUrl: store postgres needs a connection string \(DOCKET_RECORDS_DATABASE_URL\)/,
    );
    expect(parseConfig({}, { DOCKET_HISTORY_RETENTION_DAYS: '45' }).records).toMatchObject({
      store: 'sqlite',
      historyRetentionDays: 45,
      retention: {},
    });
  });
});

describe('deadline outcomes', () => {
  const base: DeadlineView = {
    key: 'x',
    kind: 'deadline',
    state: 'pending',
    dueAt: '2030-01-10T00:00:00.000Z',
    localText: '',
    responsibleRole: 'r',
    rule: '',
    source: '',
    explanation: '',
    reminders: [],
    attempt: 1,
    extensions: [],
  };
  test.each([
    [{ state: 'met', metAt: '2030-01-09T00:00:00.000Z' }, 'met-on-time'],
    [{ state: 'met', metAt: '2030-01-11T00:00:00.000Z' }, 'met-late'],
    [
      { state: 'breached', breachedAt: '2030-01-10T00:00:00.000Z', metAt: '2030-01-12T00:00:00.000Z' },
      'met-late',
    ],
    [{ state: 'breached', breachedAt: '2030-01-10T00:00:00.000Z' }, 'breached'],
    [
      { state: 'breached', breachedAt: '2030-01-10T00:00:00.000Z', acknowledged: { by: 'S-1', at: 'x' } },
      'acknowledged',
    ],
    [{ state: 'extended' }, 'extended'],
    [{ state: 'pending', tolled: 'inmate unavailable' }, 'tolled'],
    [{ state: 'waived' }, 'waived'],
    [{ state: 'pending' }, 'open'],
    [{ kind: 'lowerBound', earliest: '2037-01-01T00:00:00.000Z' }, 'lower-bound'],
  ] as [Partial<DeadlineView>, string][])('%j → %s', (change, outcome) => {
    expect(deadlineOutcome({ ...base, ...change })).toBe(outcome);
  });
});

test('merged timelines keep each event once, earlier runs first, repeats within a run kept', () => {
  const a = { at: '2030-01-01T00:00:00.000Z', type: 'opened', detail: 'x' };
  const b = { at: '2030-01-02T00:00:00.000Z', type: 'notice.sent', detail: 'y' };
  const c = { at: '2030-01-03T00:00:00.000Z', type: 'separated', detail: 'z' };
  expect(
    mergeTimelines([
      [a, b, b],
      [a, b, b, c],
    ]),
  ).toEqual([a, b, b, c]);
});

function snapshot(caseNumber: string, overrides: Partial<CaseRecordSnapshot> = {}): CaseRecordSnapshot {
  return {
    workflowId: `grievance-${caseNumber}`,
    runId: 'run-1',
    segment: 'closed',
    at: '2026-03-02T15:00:00.000Z',
    caseType: 'grievance',
    caseNumber,
    facility: 'LARC',
    jurisdiction: 'US-OK',
    policyId: 'ok-doc-grievance',
    intake: { facts: { category: 'general' }, events: { incident: '2026-03-01T10:00:00.000Z' } },
    events: { incident: '2026-03-01T10:00:00.000Z' },
    extensions: [],
    view: {
      caseNumber,
      caseType: 'grievance',
      facility: 'LARC',
      stage: 'withdrawn',
      policyId: 'ok-doc-grievance',
      policyVersion: '1.0.0',
      deadlineState: 'on-track',
      deadlines: [],
      awaiting: [],
      serviceTasks: [],
      closed: true,
      outcome: 'withdrawn',
    },
    timeline: [
      { at: '2026-03-02T15:00:00.000Z', type: 'withdrawn', actor: 'S-1', detail: 'Marguerite Feldspar' },
    ],
    ...overrides,
  };
}

describe('the SQLite store', () => {
  test('the same record written twice is one row; a changed record of the same run is another', async () => {
    const archive = new CaseArchive(openSqliteArchiveStore(fresh()), keyringK1, {
      messageIdDomain: 'd.example',
    });
    const record = snapshot('GRV-IDEM-1');
    const first = await archive.write(record);
    const again = await archive.write(structuredClone(record));
    expect(first).toMatchObject({ inserted: true, contentHash: contentHashOf(record) });
    expect(again).toMatchObject({ inserted: false, contentHash: first.contentHash });
    expect(await archive.store.runsOf({ caseType: 'grievance', caseNumber: 'GRV-IDEM-1' })).toHaveLength(1);
    // Key order does not change the hash.
    const reordered = Object.fromEntries(Object.entries(record).reverse()) as unknown as CaseRecordSnapshot;
    expect(Object.keys(reordered)[0]).toBe('timeline');
    expect(contentHashOf(reordered)).toBe(first.contentHash);
    const changed = await archive.write(snapshot('GRV-IDEM-1', { at: '2026-03-02T16:00:00.000Z' }));
    expect(changed.inserted).toBe(true);
    const read = await archive.read({ caseType: 'grievance', caseNumber: 'GRV-IDEM-1' });
    expect(read?.runs).toHaveLength(2);
    expect(read?.record.snapshot.at).toBe('2026-03-02T16:00:00.000Z');
  });

  test('records are encrypted with the codec keys: readable after a rotation, not without the old key', async () => {
    const file = fresh();
    await new CaseArchive(openSqliteArchiveStore(file), keyringK1, { messageIdDomain: 'd.example' }).write(
      snapshot('GRV-ROT-1'),
    );
    expect(readFileSync(file).toString('latin1')).not.toContain('Feldspar');
    const rotated = keyringK1.rotatedTo('k2', keys.k2);
    const after = new CaseArchive(openSqliteArchiveStore(file), rotated, { messageIdDomain: 'd.example' });
    await after.write(snapshot('GRV-ROT-2'));
    const [old, current] = await Promise.all([
      after.read({ caseType: 'grievance', caseNumber: 'GRV-ROT-1' }),
      after.read({ caseType: 'grievance', caseNumber: 'GRV-ROT-2' }),
    ]);
    expect(old?.record.snapshot.timeline[0]?.detail).toBe('Marguerite Feldspar');
    expect((await after.store.runsOf({ caseType: 'grievance', caseNumber: 'GRV-ROT-1' }))[0]?.keyId).toBe(
      'k1',
    );
    expect((await after.store.runsOf({ caseType: 'grievance', caseNumber: 'GRV-ROT-2' }))[0]?.keyId).toBe(
      'k2',
    );
    expect(current?.record.snapshot.caseNumber).toBe('GRV-ROT-2');
    const onlyNew = Keyring.fromSpec({ current: 'k2', keys: { k2: keys.k2 } });
    await expect(
      new CaseArchive(openSqliteArchiveStore(file), onlyNew).read({
        caseType: 'grievance',
        caseNumber: 'GRV-ROT-1',
      }),
    ).rejects.toMatchObject({ code: 'CODEC_UNKNOWN_KEY', message: expect.stringContaining('"k1"') });
  });

  test('two writers on one file (the worker and the CLI) lose nothing', async () => {
    const file = fresh();
    const a = new CaseArchive(openSqliteArchiveStore(file), keyringK1, { messageIdDomain: 'd.example' });
    const b = new CaseArchive(openSqliteArchiveStore(file), keyringK1, { messageIdDomain: 'd.example' });
    const numbers = Array.from({ length: 12 }, (_, i) => `GRV-CONC-${i}`);
    await Promise.all(numbers.map((n, i) => (i % 2 === 0 ? a : b).write(snapshot(n))));
    expect((await a.list()).map((r) => r.caseNumber).sort()).toEqual([...numbers].sort());
  });

  test("a midnight's outcomes: concurrent batches are written together, none lost, the later outcome kept", async () => {
    const file = fresh();
    const [worker, cli] = [openSqliteArchiveStore(file), openSqliteArchiveStore(file)];
    const row = (i: number, outcome: OutcomeRow['outcome']): OutcomeRow => ({
      caseType: 'grievance',
      caseNumber: `GRV-MID-${i}`,
      facility: 'LARC',
      deadlineKey: 'grievance.response',
      outcome,
      dueDate: '2027-03-01',
      settledAt: '2027-03-02T05:59:59.999Z',
      eventId: `e-${i}-${outcome}`,
    });
    // What one write costs here, each awaited before the next (nothing to group).
    const single = Date.now();
    for (let i = 0; i < 10; i++) await worker.recordOutcomes([row(1_000 + i, 'breached')]);
    const perWrite = (Date.now() - single) / 10;

    const started = Date.now();
    await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        (i % 4 === 0 ? cli : worker).recordOutcomes([row(i, 'breached')]),
      ),
    );
    const elapsed = Date.now() - started;
    // One breach later met: queued after its breach, it replaces it.
    await Promise.all([
      worker.recordOutcomes([row(7, 'breached')]),
      worker.recordOutcomes([row(7, 'met-late')]),
    ]);

    const rows = await cli.outcomes({ from: '2027-03-01', to: '2027-03-01' });
    expect(rows).toHaveLength(410);
    expect(rows.find((r) => r.caseNumber === 'GRV-MID-7')?.outcome).toBe('met-late');
    // 400 rewrites of the file one by one would take 400 × perWrite; grouped, a small fraction of it.
    expect(elapsed).toBeLessThan(400 * perWrite * 0.25);
  });

  test('disposal: only past the date, never under hold; named cases are all-or-nothing; reported by case number', async () => {
    let clock = new Date('2026-03-03T00:00:00.000Z');
    const archive = new CaseArchive(openSqliteArchiveStore(fresh()), keyringK1, {
      messageIdDomain: 'd.example',
      now: () => clock,
    });
    await archive.write(snapshot('GRV-DISP-1'));
    await archive.write(snapshot('GRV-DISP-2'));
    await archive.write({ ...snapshot('GRV-DISP-3'), segment: 'continued' });
    const [row] = (await archive.list()).filter((r) => r.caseNumber === 'GRV-DISP-1');
    expect(row).toMatchObject({
      closedAt: '2026-03-02T15:00:00.000Z',
      retainUntil: '2033-03-02T15:00:00.000Z',
    });

    await expect(archive.dispose({ before: '2040-01-01T00:00:00.000Z' })).rejects.toMatchObject({
      code: 'RETENTION_NOT_REACHED',
    });
    expect(await archive.dispose({ before: clock.toISOString() })).toMatchObject({ removed: [], held: [] });
    await expect(
      archive.dispose({
        before: clock.toISOString(),
        only: [{ caseType: 'grievance', caseNumber: 'GRV-DISP-1' }],
      }),
    ).rejects.toMatchObject({
      code: 'RETENTION_NOT_REACHED',
      message: expect.stringMatching(/kept until 2033-03-02T15:00:00\.000Z \(P7Y: agency setting/),
    });

    clock = new Date('2034-01-01T00:00:00.000Z');
    await archive.hold({ caseType: 'grievance', caseNumber: 'GRV-DISP-2' }, 'Quentin Marchbanks v. State');
    const held = (await archive.list()).find((r) => r.caseNumber === 'GRV-DISP-2');
    expect(await archive.holdReason(held as NonNullable<typeof held>)).toBe('Quentin Marchbanks v. State');
    await expect(
      archive.dispose({
        before: clock.toISOString(),
        only: [
          { caseType: 'grievance', caseNumber: 'GRV-DISP-1' },
          { caseType: 'grievance', caseNumber: 'GRV-DISP-2' },
        ],
      }),
    ).rejects.toMatchObject({ code: 'LEGAL_HOLD' });
    await expect(
      archive.dispose({
        before: clock.toISOString(),
        only: [{ caseType: 'grievance', caseNumber: 'GRV-DISP-3' }],
      }),
    ).rejects.toMatchObject({
      code: 'RETENTION_NOT_REACHED',
      message: expect.stringMatching(/has not closed/),
    });
    expect((await archive.list()).map((r) => r.caseNumber)).toEqual([
      'GRV-DISP-1',
      'GRV-DISP-2',
      'GRV-DISP-3',
    ]);

    const report = await archive.dispose({ before: clock.toISOString() });
    expect(report.removed.map((r) => r.caseNumber)).toEqual(['GRV-DISP-1']);
    expect(report.held.map((r) => r.caseNumber)).toEqual(['GRV-DISP-2']);
    await archive.release({ caseType: 'grievance', caseNumber: 'GRV-DISP-2' });
    await expect(archive.release({ caseType: 'grievance', caseNumber: 'GRV-DISP-2' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    expect((await archive.dispose({ before: clock.toISOString() })).removed.map((r) => r.caseNumber)).toEqual(
      ['GRV-DISP-2'],
    );
    expect((await archive.list()).map((r) => r.caseNumber)).toEqual(['GRV-DISP-3']);
    expect(await archive.read({ caseType: 'grievance', caseNumber: 'GRV-DISP-1' })).toBeUndefined();
  });

  test('reading an archive that does not exist finds nothing and creates no file', async () => {
    const file = fresh();
    const archive = new CaseArchive(openSqliteArchiveStore(file), keyringK1);
    expect(await archive.read({ caseType: 'grievance', caseNumber: 'GRV-NONE' })).toBeUndefined();
    expect(await archive.list()).toEqual([]);
    await expect(archive.resolve('GRV-NONE')).rejects.toMatchObject({ code: 'RECORD_NOT_FOUND' });
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });
});

test('docket records: a bad date is one line naming the option, exit code 2', () => {
  const run = spawnSync(
    process.execPath,
    [path.join(REPO_ROOT, 'bin', 'docket.js'), 'records', 'dispose', '--before', 'next tuesday'],
    { encoding: 'utf8', env: { ...process.env, DOCKET_DATA_DIR: path.dirname(fresh()) }, timeout: 60_000 },
  );
  expect(run.status).toBe(2);
  expect(run.stderr.trim()).toBe(
    "docket: --before: 'next tuesday' is not a date (e.g. 2031-07-01) [INVALID_INPUT]",
  );
});
