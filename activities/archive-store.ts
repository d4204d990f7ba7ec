// The records archive's storage contract. A store holds opaque rows only: case type and number,
// workflow and run IDs, instants, a content hash and the record as ciphertext. It never sees a name
// or an allegation, so a backend (the SQLite file of the embedded default, PostgreSQL on the cluster)
// can be swapped, copied or backed up without widening who can read the records. Encryption, and
// what a record contains, live above it (activities/archive.ts).
import type { OutcomeRow, OutcomeStore } from './compliance';

/** One archived run of a case workflow: its final record, or the part that left at continue-as-new. */
export interface StoredRun {
  workflowId: string;
  runId: string;
  /** SHA-256 of the record as the workflow handed it over: the same record written twice is one row. */
  contentHash: string;
  caseType: string;
  caseNumber: string;
  segment: ArchiveSegment;
  /** The workflow's clock when it archived (for a closed case: its closure). */
  archivedAt: string;
  /** The store's clock when the row was first written. */
  writtenAt: string;
  /** The codec key that encrypted `payload`. */
  keyId: string;
  payload: Uint8Array;
}

export type ArchiveSegment = 'closed' | 'continued';

/** Where a case's retention stands; set when its closed record is written. */
export interface Closure {
  closedAt: string;
  retainUntil: string;
  /** The period and its authority in words (e.g. `P7Y: ACSD Policy 3.26 / 8.20 §Records`). */
  retentionSource: string;
}

/** A legal hold: while one is in place the case's records are not disposed of, whatever their date. */
export interface StoredHold {
  since: string;
  /** Why, encrypted like the records (a matter's name can name people). */
  keyId: string;
  note: Uint8Array;
}

/** One case in the archive's index. */
export interface CaseIndexRow {
  caseType: string;
  caseNumber: string;
  workflowId: string;
  closedAt: string | null;
  retainUntil: string | null;
  retentionSource: string | null;
  hold: StoredHold | null;
  runs: number;
}

export interface CaseKey {
  caseType: string;
  caseNumber: string;
}

export interface DisposalRequest {
  /** Records whose retention date is at or before this instant are disposed of. */
  before: string;
  /** The present (the retention date must also have passed by then). */
  now: string;
  /** Only these cases; each must be disposable or the whole request is refused. All cases when absent. */
  only?: CaseKey[];
}

export interface DisposedCase extends CaseKey {
  closedAt: string;
  retainUntil: string;
  runs: number;
}

export interface DisposalReport {
  disposedAt: string;
  removed: DisposedCase[];
  /** Cases past their date that a legal hold keeps. */
  held: (CaseKey & { retainUntil: string; heldSince: string })[];
}

export type ArchiveErrorCode =
  | 'RECORD_NOT_FOUND'
  | 'RETENTION_NOT_REACHED'
  | 'LEGAL_HOLD'
  | 'AMBIGUOUS_CASE'
  | 'INVALID_INPUT'
  | 'ARCHIVE_UNCONFIRMED'
  | 'ARCHIVE_CONFIG';

/** A refused archive operation: a stable code, a one-line message naming the case and the rule. */
export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(
    readonly code: ArchiveErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The records store also keeps the compliance figures (activities/compliance.ts). */
export interface ArchiveStore extends OutcomeStore {
  /** Where the records are, for messages (never a password). */
  readonly description: string;
  /**
   * Writes one run; a row with the same workflow ID, run ID and content hash is left as it is. With
   * `closure`, the case's retention date is set. Resolves once the write is durable.
   */
  put(run: StoredRun, closure?: Closure): Promise<{ inserted: boolean }>;
  getRun(workflowId: string, runId: string, contentHash: string): Promise<StoredRun | undefined>;
  /** Every archived run of one case, in the order they were archived. */
  runsOf(key: CaseKey): Promise<StoredRun[]>;
  /** The index, by case type and number; `caseNumber` narrows it to one number (of any type). */
  cases(filter?: { caseNumber?: string }): Promise<CaseIndexRow[]>;
  /** Places or lifts a hold; false when the archive has no such case. */
  setHold(key: CaseKey, hold: StoredHold | null): Promise<boolean>;
  /**
   * Removes the records of every case `planDisposal` allows, in one transaction with the check, so
   * a hold placed concurrently either applies or comes too late to matter.
   */
  dispose(request: DisposalRequest): Promise<DisposalReport>;
  close(): Promise<void>;
}

const sameCase = (a: CaseKey, b: CaseKey): boolean =>
  a.caseType === b.caseType && a.caseNumber === b.caseNumber;

/**
 * What a disposal request may remove. Refuses (throws) a request dated in the future, and a request
 * naming a case that is unknown, not yet past its retention date, or under a legal hold; without
 * named cases it takes every case past its date and reports the held ones it kept.
 */
export function planDisposal(
  rows: readonly CaseIndexRow[],
  request: DisposalRequest,
): { remove: CaseIndexRow[]; held: CaseIndexRow[] } {
  const before = Date.parse(request.before);
  const now = Date.parse(request.now);
  if (Number.isNaN(before)) {
    throw new ArchiveError('INVALID_INPUT', `before: '${request.before}' is not a date`, {
      field: 'before',
      value: request.before,
    });
  }
  if (before > now) {
    throw new ArchiveError(
      'RETENTION_NOT_REACHED',
      `before: ${request.before} is in the future; records are disposed of only once their retention date has passed`,
      { field: 'before', value: request.before, now: request.now },
    );
  }
  const due = (row: CaseIndexRow): boolean =>
    row.retainUntil !== null && Date.parse(row.retainUntil) <= before;
  if (request.only) {
    const chosen: CaseIndexRow[] = [];
    for (const key of request.only) {
      const row = rows.find((r) => sameCase(r, key));
      const name = `${key.caseType} ${key.caseNumber}`;
      if (!row) {
        throw new ArchiveError('RECORD_NOT_FOUND', `no archived record of ${name}`, { ...key });
      }
      if (!due(row)) {
        throw new ArchiveError(
          'RETENTION_NOT_REACHED',
          row.retainUntil === null
            ? `${name} has not closed: its records have no retention date yet and may not be disposed of`
            : `${name} is kept until ${row.retainUntil} (${row.retentionSource}); disposal before then is refused`,
          { ...key, retainUntil: row.retainUntil, source: row.retentionSource },
        );
      }
      if (row.hold) {
        throw new ArchiveError(
          'LEGAL_HOLD',
          `${name} is under a legal hold since ${row.hold.since}; release the hold before disposal`,
          { ...key, heldSince: row.hold.since },
        );
      }
      chosen.push(row);
    }
    return { remove: chosen, held: [] };
  }
  const past = rows.filter(due);
  return { remove: past.filter((r) => !r.hold), held: past.filter((r) => r.hold) };
}

/** The report of a planned disposal, once its rows are gone. */
export function disposalReport(plan: ReturnType<typeof planDisposal>, disposedAt: string): DisposalReport {
  return {
    disposedAt,
    removed: plan.remove.map((r) => ({
      caseType: r.caseType,
      caseNumber: r.caseNumber,
      closedAt: r.closedAt as string,
      retainUntil: r.retainUntil as string,
      runs: r.runs,
    })),
    held: plan.held.map((r) => ({
      caseType: r.caseType,
      caseNumber: r.caseNumber,
      retainUntil: r.retainUntil as string,
      heldSince: (r.hold as StoredHold).since,
    })),
  };
}

/** What differs between the two stores' tables: their names (PostgreSQL's share a database) and types. */
export interface ArchiveDialect {
  tables: { runs: string; cases: string; disposals: string; outcomes: string };
  /** The type of an encrypted payload column. */
  bytes: 'BYTEA' | 'BLOB';
  /** A column that numbers runs in the order they were written, where the store has no rowid. */
  writeOrder?: string;
}

/** Both stores' tables and indexes, created if missing. */
export function archiveSchema(dialect: ArchiveDialect): string {
  const { runs, cases, disposals, outcomes } = dialect.tables;
  return `
CREATE TABLE IF NOT EXISTS ${runs} (
  workflow_id TEXT NOT NULL,
  run_id TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  case_type TEXT NOT NULL,
  case_number TEXT NOT NULL,
  segment TEXT NOT NULL CHECK (segment IN ('closed', 'continued')),
  archived_at TEXT NOT NULL,
  written_at TEXT NOT NULL,
${dialect.writeOrder ? `  ${dialect.writeOrder},\n` : ''}  key_id TEXT NOT NULL,
  payload ${dialect.bytes} NOT NULL,
  PRIMARY KEY (workflow_id, run_id, content_hash)
);
CREATE INDEX IF NOT EXISTS ${runs}_by_case ON ${runs} (case_type, case_number);
CREATE TABLE IF NOT EXISTS ${cases} (
  case_type TEXT NOT NULL,
  case_number TEXT NOT NULL,
  workflow_id TEXT NOT NULL,
  closed_at TEXT,
  retain_until TEXT,
  retention_source TEXT,
  hold_since TEXT,
  hold_key_id TEXT,
  hold_note ${dialect.bytes},
  PRIMARY KEY (case_type, case_number)
);
CREATE TABLE IF NOT EXISTS ${disposals} (
  case_type TEXT NOT NULL,
  case_number TEXT NOT NULL,
  closed_at TEXT NOT NULL,
  retain_until TEXT NOT NULL,
  runs INTEGER NOT NULL,
  disposed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ${outcomes} (
  case_type TEXT NOT NULL,
  case_number TEXT NOT NULL,
  deadline_key TEXT NOT NULL,
  facility TEXT NOT NULL,
  outcome TEXT NOT NULL,
  due_date TEXT NOT NULL,
  settled_at TEXT NOT NULL,
  event_id TEXT NOT NULL,
  PRIMARY KEY (case_type, case_number, deadline_key)
);
CREATE INDEX IF NOT EXISTS ${outcomes}_by_due ON ${outcomes} (due_date);
`;
}

/** Every case of the index with its count of stored runs (a WHERE and an ORDER BY may follow). */
export const casesSelect = ({ tables }: ArchiveDialect): string =>
  `SELECT c.*, (SELECT COUNT(*) FROM ${tables.runs} r WHERE r.case_type = c.case_type AND r.case_number = c.case_number) AS runs FROM ${tables.cases} c`;

/**
 * Records one deadline's outcome (values: outcomeValues). A deadline's later outcome replaces its
 * earlier one (a breach met late); the same event again changes nothing. `placeholders` is the
 * store's eight parameter markers.
 */
export const upsertOutcome = ({ tables }: ArchiveDialect, placeholders: string): string =>
  `INSERT INTO ${tables.outcomes} (case_type, case_number, deadline_key, facility, outcome, due_date, settled_at, event_id) VALUES (${placeholders})
           ON CONFLICT (case_type, case_number, deadline_key) DO UPDATE SET outcome = excluded.outcome, facility = excluded.facility, due_date = excluded.due_date, settled_at = excluded.settled_at, event_id = excluded.event_id`;

/** A row of either store's tables as its driver returns it (column name → value). */
export type ArchiveRow = Record<string, unknown>;

const optionalText = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
const bytes = (value: unknown): Uint8Array =>
  value instanceof Uint8Array ? new Uint8Array(value) : new Uint8Array();

/** One stored run from a row of the runs table; both stores use the same column names. */
export function storedRunFromRow(row: ArchiveRow): StoredRun {
  return {
    workflowId: String(row.workflow_id),
    runId: String(row.run_id),
    contentHash: String(row.content_hash),
    caseType: String(row.case_type),
    caseNumber: String(row.case_number),
    segment: String(row.segment) as StoredRun['segment'],
    archivedAt: String(row.archived_at),
    writtenAt: String(row.written_at),
    keyId: String(row.key_id),
    payload: bytes(row.payload),
  };
}

/** The runs table's columns as both stores insert them, `payload` last (each store binds its bytes). */
export const RUN_COLUMNS =
  'workflow_id, run_id, content_hash, case_type, case_number, segment, archived_at, written_at, key_id, payload';

/** A run's values for RUN_COLUMNS but the payload, in that order. */
export function runValues(run: StoredRun): string[] {
  return [
    run.workflowId,
    run.runId,
    run.contentHash,
    run.caseType,
    run.caseNumber,
    run.segment,
    run.archivedAt,
    run.writtenAt,
    run.keyId,
  ];
}

/** One case's index entry from a row of the cases table with its `runs` count. */
export function caseIndexFromRow(row: ArchiveRow): CaseIndexRow {
  const since = optionalText(row.hold_since);
  return {
    caseType: String(row.case_type),
    caseNumber: String(row.case_number),
    workflowId: String(row.workflow_id),
    closedAt: optionalText(row.closed_at),
    retainUntil: optionalText(row.retain_until),
    retentionSource: optionalText(row.retention_source),
    hold: since === null ? null : { since, keyId: String(row.hold_key_id), note: bytes(row.hold_note) },
    runs: Number(row.runs ?? 0),
  };
}

/** A stored outcome row (column names as both stores spell them) as the compliance report takes it. */
export function outcomeFromRow(row: Record<string, unknown>): OutcomeRow {
  return {
    caseType: String(row.case_type),
    caseNumber: String(row.case_number),
    facility: String(row.facility),
    deadlineKey: String(row.deadline_key),
    outcome: String(row.outcome) as OutcomeRow['outcome'],
    dueDate: String(row.due_date),
    settledAt: String(row.settled_at),
    eventId: String(row.event_id),
  };
}

/** The values of one outcome row, in the column order both stores insert. */
export const outcomeValues = (r: OutcomeRow): string[] => [
  r.caseType,
  r.caseNumber,
  r.deadlineKey,
  r.facility,
  r.outcome,
  r.dueDate,
  r.settledAt,
  r.eventId,
];
