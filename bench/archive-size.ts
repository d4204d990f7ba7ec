// What a write to the embedded records archive costs as the archive grows. sql.js keeps the database
// in memory, so each change reads the whole file and writes it back (activities/archive-sqlite.ts):
// its cost follows the file's size, not the change's. This fills an archive with N closed cases whose
// records are `--record-kib` each (the committed histories' archived records are 6 to 18 KB), then
// times what the worker and the API do against it, through the store itself:
// - one group of settled outcomes (what each breach or met deadline waits for at midnight);
// - one closed case's record;
// - one case read back (the API's `GET /cases/…` of an archived case, `docket cases show`).
// It also reports the longest stall of the event loop during the writes: on the worker that is the
// main thread, where the notices' activities and their heartbeats run.
//
//   node --import tsx bench/archive-size.ts [--cases 1000,10000,30000] [--record-kib 12] [--repeat 3]
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import initSqlJs from 'sql.js';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from '../activities/archive-sqlite';
import * as store from '../activities/archive-store';
import { percentile } from './lib/common';
import type { OutcomeRow } from '../activities/compliance';

function storedRun(i: number, recordBytes: number): store.StoredRun {
  const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    workflowId: `grievance-BENCH-${i}`,
    runId: randomUUID(),
    contentHash: randomBytes(32).toString('hex'),
    caseType: 'grievance',
    caseNumber: `BENCH-${i}`,
    segment: 'closed',
    archivedAt: at,
    writtenAt: at,
    keyId: 'bench',
    // An encrypted record does not compress, so random bytes stand for one.
    payload: randomBytes(recordBytes),
  };
}

function outcome(i: number): OutcomeRow {
  return {
    caseType: 'grievance',
    caseNumber: `BENCH-${i}`,
    facility: 'F-01',
    deadlineKey: 'grievance.response',
    outcome: 'breached',
    dueDate: '2026-12-06',
    settledAt: '2026-12-06T05:59:59.999Z',
    eventId: randomUUID(),
  };
}

/** Adds `count` closed cases to the archive file in one transaction, as if written over the years. */
async function fill(file: string, from: number, count: number, recordBytes: number): Promise<void> {
  const SQL = await initSqlJs();
  const db = new SQL.Database(await readFile(file));
  try {
    db.exec('BEGIN');
    const runs = db.prepare(`INSERT INTO runs (${store.RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    const cases = db.prepare(
      `INSERT INTO cases (case_type, case_number, workflow_id, closed_at, retain_until, retention_source)
       VALUES (?, ?, ?, ?, ?, ?)`,
    );
    for (let i = from; i < from + count; i++) {
      const run = storedRun(i, recordBytes);
      runs.run([...store.runValues(run), run.payload]);
      cases.run([run.caseType, run.caseNumber, run.workflowId, run.archivedAt, '2033-01-01', 'P7Y: bench']);
    }
    runs.free();
    cases.free();
    db.exec('COMMIT');
    await writeFile(file, db.export());
  } finally {
    db.close();
  }
}

async function timed(repeat: number, task: (i: number) => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    await task(i);
    times.push(performance.now() - start);
  }
  return percentile(
    times.sort((a, b) => a - b),
    50,
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: '1000,10000,30000' },
      'record-kib': { type: 'string', default: '12' },
      repeat: { type: 'string', default: '3' },
    },
  });
  const sizes = values.cases.split(',').map(Number);
  const recordBytes = Number(values['record-kib']) * 1024;
  const repeat = Number(values.repeat);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'docket-archive-size-'));
  const file = path.join(dir, SQLITE_ARCHIVE_FILE);
  const archive = openSqliteArchiveStore(file);
  console.log(
    `records of ${values['record-kib']} KiB; median of ${repeat}; ${os.cpus().length} cores; node ${process.version}`,
  );
  console.log(
    '| closed cases | archive file | one group of outcomes | one closed record | one case read back | ' +
      'longest stall of the event loop while writing |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  try {
    let held = 0;
    await archive.put(storedRun(-1, recordBytes)); // creates the file and its schema
    for (const size of sizes) {
      await fill(file, held, size - held, recordBytes);
      held = size;
      const mib = (await stat(file)).size / 2 ** 20;
      const stalls = monitorEventLoopDelay({ resolution: 10 });
      stalls.enable();
      const outcomes = await timed(repeat, (i) => archive.recordOutcomes([outcome(held + i)]));
      const put = await timed(repeat, (i) => archive.put(storedRun(10_000_000 + held + i, recordBytes)));
      stalls.disable();
      const read = await timed(repeat, (i) =>
        archive.runsOf({ caseType: 'grievance', caseNumber: `BENCH-${(i * 7919) % held}` }),
      );
      const s = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
      console.log(
        `| ${size.toLocaleString('en-US')} | ${mib.toFixed(0)} MiB | ${s(outcomes)} | ${s(put)} | ${s(read)} | ` +
          `${s(stalls.max / 1e6)} |`,
      );
    }
  } finally {
    await archive.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
