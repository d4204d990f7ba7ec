// The records archive on PostgreSQL, for the cluster topology: the same rows as the SQLite file
// (activities/archive-sqlite.ts), in tables of their own (`docket_records_*`), created on first use.
// Every change runs in one transaction; a disposal locks the index rows it reads (FOR UPDATE), so a
// hold placed at the same moment either lands first and is honoured, or waits for the disposal.
import type { ComplianceFilter, OutcomeRow } from './compliance';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import * as store from './archive-store';

const DIALECT: store.ArchiveDialect = {
  tables: {
    runs: 'docket_records_runs',
    cases: 'docket_records_cases',
    disposals: 'docket_records_disposals',
    outcomes: 'docket_compliance_outcomes',
  },
  bytes: 'BYTEA',
  writeOrder: 'seq BIGSERIAL',
};
const SCHEMA = store.archiveSchema(DIALECT);

/** Arbitrary, constant: the advisory lock under which the tables are created. */
const SCHEMA_LOCK = 0x646f636b;

const CASES_SELECT = store.casesSelect(DIALECT);

/** Connects lazily; the tables are created by the first operation. */
export function openPostgresArchiveStore(
  connectionString: string,
  pool: PoolConfig = {},
): store.ArchiveStore {
  return new PostgresArchiveStore(new Pool({ connectionString, max: 4, ...pool }), connectionString);
}

class PostgresArchiveStore implements store.ArchiveStore {
  readonly description: string;
  private ready?: Promise<void>;

  constructor(
    private readonly pool: Pool,
    connectionString: string,
  ) {
    // An idle connection the server closes (a restart, a failover) is reported on the pool; with no
    // listener Node would treat it as an uncaught error and stop the worker. The pool replaces the
    // connection, and the next write that fails is retried by its activity.
    pool.on('error', () => undefined);
    // Never the password: the host and database only.
    let where = 'PostgreSQL';
    try {
      const url = new URL(connectionString);
      where = `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
    } catch {
      // A key=value connection string: say no more than the kind of store.
    }
    this.description = where;
  }

  private schema(): Promise<void> {
    // Several processes may start at once: the advisory lock lets one create the tables at a time.
    this.ready ??= this.pool
      .query(`BEGIN; SELECT pg_advisory_xact_lock(${SCHEMA_LOCK}); ${SCHEMA} COMMIT;`)
      .then(
        () => undefined,
        (err: unknown) => {
          this.ready = undefined;
          throw err;
        },
      );
    return this.ready;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    await this.schema();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async put(run: store.StoredRun, closure?: store.Closure): Promise<{ inserted: boolean }> {
    return this.transaction(async (client) => {
      const inserted = await client.query(
        `INSERT INTO docket_records_runs (${store.RUN_COLUMNS})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
        [...store.runValues(run), Buffer.from(run.payload)],
      );
      await client.query(
        `INSERT INTO docket_records_cases (case_type, case_number, workflow_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
        [run.caseType, run.caseNumber, run.workflowId],
      );
      if (closure) {
        await client.query(
          `UPDATE docket_records_cases SET closed_at = $1, retain_until = $2, retention_source = $3 WHERE case_type = $4 AND case_number = $5`,
          [closure.closedAt, closure.retainUntil, closure.retentionSource, run.caseType, run.caseNumber],
        );
      }
      return { inserted: (inserted.rowCount ?? 0) > 0 };
    });
  }

  async getRun(workflowId: string, runId: string, contentHash: string): Promise<store.StoredRun | undefined> {
    await this.schema();
    const { rows } = await this.pool.query<store.ArchiveRow>(
      'SELECT * FROM docket_records_runs WHERE workflow_id = $1 AND run_id = $2 AND content_hash = $3',
      [workflowId, runId, contentHash],
    );
    return rows[0] ? store.storedRunFromRow(rows[0]) : undefined;
  }

  async runsOf(key: store.CaseKey): Promise<store.StoredRun[]> {
    await this.schema();
    const { rows } = await this.pool.query<store.ArchiveRow>(
      'SELECT * FROM docket_records_runs WHERE case_type = $1 AND case_number = $2 ORDER BY archived_at, written_at, seq',
      [key.caseType, key.caseNumber],
    );
    return rows.map(store.storedRunFromRow);
  }

  async cases(filter: { caseNumber?: string } = {}): Promise<store.CaseIndexRow[]> {
    await this.schema();
    const { rows } =
      filter.caseNumber === undefined
        ? await this.pool.query<store.ArchiveRow>(`${CASES_SELECT} ORDER BY c.case_type, c.case_number`)
        : await this.pool.query<store.ArchiveRow>(
            `${CASES_SELECT} WHERE c.case_number = $1 ORDER BY c.case_type`,
            [filter.caseNumber],
          );
    return rows.map(store.caseIndexFromRow);
  }

  async setHold(key: store.CaseKey, hold: store.StoredHold | null): Promise<boolean> {
    await this.schema();
    const result = await this.pool.query(
      'UPDATE docket_records_cases SET hold_since = $1, hold_key_id = $2, hold_note = $3 WHERE case_type = $4 AND case_number = $5',
      [
        hold?.since ?? null,
        hold?.keyId ?? null,
        hold ? Buffer.from(hold.note) : null,
        key.caseType,
        key.caseNumber,
      ],
    );
    return (result.rowCount ?? 0) > 0;
  }

  async dispose(request: store.DisposalRequest): Promise<store.DisposalReport> {
    return this.transaction(async (client) => {
      await client.query('SELECT 1 FROM docket_records_cases FOR UPDATE');
      const { rows } = await client.query<store.ArchiveRow>(CASES_SELECT);
      const plan = store.planDisposal(rows.map(store.caseIndexFromRow), request);
      for (const row of plan.remove) {
        const key = [row.caseType, row.caseNumber];
        await client.query('DELETE FROM docket_records_runs WHERE case_type = $1 AND case_number = $2', key);
        await client.query('DELETE FROM docket_records_cases WHERE case_type = $1 AND case_number = $2', key);
        await client.query(
          'INSERT INTO docket_records_disposals (case_type, case_number, closed_at, retain_until, runs, disposed_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [...key, row.closedAt, row.retainUntil, row.runs, request.now],
        );
      }
      return store.disposalReport(plan, request.now);
    });
  }

  async recordOutcomes(rows: OutcomeRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.transaction(async (client) => {
      for (const row of rows) {
        await client.query(
          store.upsertOutcome(DIALECT, '$1, $2, $3, $4, $5, $6, $7, $8'),
          store.outcomeValues(row),
        );
      }
    });
  }

  async outcomes(filter: ComplianceFilter): Promise<OutcomeRow[]> {
    await this.schema();
    const { rows } = await this.pool.query<Record<string, unknown>>(
      `SELECT * FROM docket_compliance_outcomes WHERE due_date >= $1 AND due_date <= $2
       AND ($3::text IS NULL OR facility = $3) AND ($4::text IS NULL OR case_type = $4)
       ORDER BY due_date, case_type, case_number, deadline_key`,
      [filter.from, filter.to, filter.facility ?? null, filter.caseType ?? null],
    );
    return rows.map(store.outcomeFromRow);
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
