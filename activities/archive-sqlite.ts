// The records archive of the embedded default: one SQLite file in the data directory
// (`<dataDir>/records.sqlite`), through sql.js (SQLite compiled to WebAssembly, so nothing native has
// to be built or downloaded when the project is installed).
//
// sql.js works on an in-memory copy of the database, so every change is: take the file's lock (a
// lock directory beside it, proper-lockfile, shared by the worker, the CLI and the API), read the
// file, apply the change in a transaction, write the whole database to a temporary file, fsync it
// and rename it over the old one. A crash leaves either the old file or the new one, never half of
// each; a reader never needs the lock, because a rename is atomic. Writes are rare (one per closed
// case; settled outcomes are written in groups), which is what makes rewriting the file affordable;
// the cluster topology uses PostgreSQL.
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import * as lockfile from 'proper-lockfile';
import type { ComplianceFilter, OutcomeRow } from './compliance';
import initSqlJs, { type Database, type SqlJsStatic, type SqlValue } from 'sql.js';
import * as store from './archive-store';

export const SQLITE_ARCHIVE_FILE = 'records.sqlite';

const DIALECT: store.ArchiveDialect = {
  tables: { runs: 'runs', cases: 'cases', disposals: 'disposals', outcomes: 'deadline_outcomes' },
  bytes: 'BLOB',
};
const SCHEMA = store.archiveSchema(DIALECT);

let engine: Promise<SqlJsStatic> | undefined;
const sqlite = (): Promise<SqlJsStatic> => (engine ??= initSqlJs());

type Row = Record<string, SqlValue>;

function all(db: Database, sql: string, params: SqlValue[] = []): Row[] {
  const statement = db.prepare(sql);
  try {
    statement.bind(params);
    const rows: Row[] = [];
    while (statement.step()) rows.push(statement.getAsObject());
    return rows;
  } finally {
    statement.free();
  }
}

const CASES_SELECT = store.casesSelect(DIALECT);

export interface SqliteArchiveOptions {
  /** How long a lock left by a killed process is honoured before it is taken over. */
  staleLockMs?: number;
  /** Told when the lock could not be kept fresh (the process stalled); the write then fails. */
  onLockCompromised?: (err: Error) => void;
}

/** Opens (and on first write creates) the archive file; reading a file that does not exist finds nothing. */
export function openSqliteArchiveStore(file: string, options: SqliteArchiveOptions = {}): store.ArchiveStore {
  return new SqliteArchiveStore(path.resolve(file), options);
}

interface QueuedOutcomes {
  rows: OutcomeRow[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

class SqliteArchiveStore implements store.ArchiveStore {
  readonly description: string;
  private readonly outcomeQueue: QueuedOutcomes[] = [];
  private outcomeWriter?: Promise<void>;

  constructor(
    private readonly file: string,
    private readonly options: SqliteArchiveOptions,
  ) {
    this.description = `SQLite ${file}`;
  }

  async put(run: store.StoredRun, closure?: store.Closure): Promise<{ inserted: boolean }> {
    return this.change((db) => {
      db.run(`INSERT OR IGNORE INTO runs (${store.RUN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
        ...store.runValues(run),
        run.payload,
      ]);
      const inserted = db.getRowsModified() > 0;
      db.run(
        `INSERT INTO cases (case_type, case_number, workflow_id) VALUES (?, ?, ?)
         ON CONFLICT (case_type, case_number) DO NOTHING`,
        [run.caseType, run.caseNumber, run.workflowId],
      );
      if (closure) {
        db.run(
          `UPDATE cases SET closed_at = ?, retain_until = ?, retention_source = ? WHERE case_type = ? AND case_number = ?`,
          [closure.closedAt, closure.retainUntil, closure.retentionSource, run.caseType, run.caseNumber],
        );
      }
      return { inserted };
    });
  }

  async getRun(workflowId: string, runId: string, contentHash: string): Promise<store.StoredRun | undefined> {
    return this.read((db) => {
      const [row] = all(db, 'SELECT * FROM runs WHERE workflow_id = ? AND run_id = ? AND content_hash = ?', [
        workflowId,
        runId,
        contentHash,
      ]);
      return row ? store.storedRunFromRow(row) : undefined;
    }, undefined);
  }

  async runsOf(key: store.CaseKey): Promise<store.StoredRun[]> {
    return this.read(
      (db) =>
        all(
          db,
          'SELECT * FROM runs WHERE case_type = ? AND case_number = ? ORDER BY archived_at, written_at, rowid',
          [key.caseType, key.caseNumber],
        ).map(store.storedRunFromRow),
      [],
    );
  }

  async cases(filter: { caseNumber?: string } = {}): Promise<store.CaseIndexRow[]> {
    return this.read((db) => {
      const rows =
        filter.caseNumber === undefined
          ? all(db, `${CASES_SELECT} ORDER BY c.case_type, c.case_number`)
          : all(db, `${CASES_SELECT} WHERE c.case_number = ? ORDER BY c.case_type`, [filter.caseNumber]);
      return rows.map(store.caseIndexFromRow);
    }, []);
  }

  async setHold(key: store.CaseKey, hold: store.StoredHold | null): Promise<boolean> {
    if (!(await this.exists())) return false;
    return this.change((db) => {
      db.run(
        'UPDATE cases SET hold_since = ?, hold_key_id = ?, hold_note = ? WHERE case_type = ? AND case_number = ?',
        [hold?.since ?? null, hold?.keyId ?? null, hold?.note ?? null, key.caseType, key.caseNumber],
      );
      return db.getRowsModified() > 0;
    });
  }

  async dispose(request: store.DisposalRequest): Promise<store.DisposalReport> {
    const disposedAt = request.now;
    if (!(await this.exists())) return store.disposalReport(store.planDisposal([], request), disposedAt);
    return this.change((db) => {
      const plan = store.planDisposal(all(db, CASES_SELECT).map(store.caseIndexFromRow), request);
      for (const row of plan.remove) {
        const key = [row.caseType, row.caseNumber];
        db.run('DELETE FROM runs WHERE case_type = ? AND case_number = ?', key);
        db.run('DELETE FROM cases WHERE case_type = ? AND case_number = ?', key);
        db.run(
          'INSERT INTO disposals (case_type, case_number, closed_at, retain_until, runs, disposed_at) VALUES (?, ?, ?, ?, ?, ?)',
          [...key, row.closedAt, row.retainUntil, row.runs, disposedAt],
        );
      }
      return store.disposalReport(plan, disposedAt);
    }, true);
  }

  /**
   * Settled deadlines' outcomes arrive one batch per case step, and at midnight thousands at once.
   * Each write rewrites the whole file, so the batches that arrive while one write is under way are
   * written together by the next (group commit): a caller returns once its rows are durable.
   */
  async recordOutcomes(rows: OutcomeRow[]): Promise<void> {
    if (rows.length === 0) return;
    return new Promise<void>((resolve, reject) => {
      this.outcomeQueue.push({ rows, resolve, reject });
      this.outcomeWriter ??= this.writeQueuedOutcomes().finally(() => {
        this.outcomeWriter = undefined;
      });
    });
  }

  private async writeQueuedOutcomes(): Promise<void> {
    while (this.outcomeQueue.length > 0) {
      const waiting = this.outcomeQueue.splice(0);
      try {
        await this.change((db) => {
          for (const row of waiting.flatMap((w) => w.rows)) {
            // A deadline's later outcome replaces its earlier one (a breach met late); the same event again changes nothing.
            db.run(store.upsertOutcome(DIALECT, '?, ?, ?, ?, ?, ?, ?, ?'), store.outcomeValues(row));
          }
        });
        for (const w of waiting) w.resolve();
      } catch (err) {
        for (const w of waiting) w.reject(err);
      }
    }
  }

  async outcomes(filter: ComplianceFilter): Promise<OutcomeRow[]> {
    return this.read(
      (db) =>
        all(
          db,
          `SELECT * FROM deadline_outcomes WHERE due_date >= ? AND due_date <= ?
           AND (? IS NULL OR facility = ?) AND (? IS NULL OR case_type = ?)
           ORDER BY due_date, case_type, case_number, deadline_key`,
          [
            filter.from,
            filter.to,
            filter.facility ?? null,
            filter.facility ?? null,
            filter.caseType ?? null,
            filter.caseType ?? null,
          ],
        ).map(store.outcomeFromRow),
      [],
    );
  }

  async close(): Promise<void> {
    // Nothing stays open between operations.
  }

  private async exists(): Promise<boolean> {
    return stat(this.file).then(
      () => true,
      () => false,
    );
  }

  private async load(): Promise<Database> {
    const SQL = await sqlite();
    let contents: Buffer | undefined;
    try {
      contents = await readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const db = new SQL.Database(contents);
    // Disposed records are overwritten, not merely unlinked: free pages would otherwise keep them.
    db.exec('PRAGMA secure_delete = ON;');
    db.exec(SCHEMA);
    return db;
  }

  private async read<T>(query: (db: Database) => T, whenMissing: T): Promise<T> {
    if (!(await this.exists())) return whenMissing;
    const db = await this.load();
    try {
      return query(db);
    } finally {
      db.close();
    }
  }

  private async change<T>(apply: (db: Database) => T, compact = false): Promise<T> {
    const dir = path.dirname(this.file);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const release = await lockfile.lock(this.file, {
      realpath: false,
      stale: this.options.staleLockMs ?? 10_000,
      // Waits out a lock left by a killed process (stale after `stale`), then takes it over.
      retries: { retries: 40, factor: 1.3, minTimeout: 25, maxTimeout: 1_000 },
      onCompromised: (err) => this.options.onLockCompromised?.(err),
    });
    try {
      const db = await this.load();
      try {
        db.exec('BEGIN IMMEDIATE');
        let result: T;
        try {
          result = apply(db);
          db.exec('COMMIT');
        } catch (err) {
          db.exec('ROLLBACK');
          throw err;
        }
        if (compact) db.exec('VACUUM');
        await writeDurably(this.file, db.export());
        return result;
      } finally {
        db.close();
      }
    } finally {
      await release();
    }
  }
}

/** Writes `contents` to a temporary file, syncs it, renames it over `file` and syncs the directory. */
async function writeDurably(file: string, contents: Uint8Array): Promise<void> {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(contents);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temporary, file);
  const dir = await open(path.dirname(file), constants.O_RDONLY);
  try {
    await dir.sync();
  } finally {
    await dir.close();
  }
}
