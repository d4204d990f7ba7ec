// The records archive: a case's full record, written before its workflow completes (and, for a
// long-lived record, at each continue-as-new) and confirmed by reading it back. Temporal keeps the
// live run only for the namespace's retention; the archive keeps the record for as long as its
// policy says (domain/policies/records.ts), encrypted with the payload codec's keys.
//
// What a record holds: the intake facts and events (opaque IDs only), each timeline event with its
// actor and instant, each deadline with its rule, source, explanation and outcome, extensions with
// approver and reason, notices with kind, role and Message-ID, proofs of service, the policy version,
// the view the case showed when it closed, and its retention date. Writing is idempotent on
// workflow ID, run ID and a hash of what the workflow handed over, so a retried activity (a worker
// killed after the write, before Temporal heard of it) writes nothing twice.
import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, defaultPayloadConverter, METADATA_ENCODING_KEY } from '@temporalio/common';
import { isDomainError } from '../domain/errors';
import { addPeriod, resolveRetention, type ResolvedRetention } from '../domain/policies/records';
import type { ExtensionRecord } from '../domain/types';
import type { CaseView, ServiceTask } from '../workflows/case-messages';
import type { DeadlineView, TimelineEvent } from '../workflows/deadlines';
import {
  CIPHER,
  ENCODING_ENCRYPTED,
  EncryptionCodec,
  METADATA_CIPHER,
  METADATA_KEY_ID,
} from '../infra/codec';
import type { Keyring } from '../infra/keys';
import {
  ArchiveError,
  type ArchiveSegment,
  type ArchiveStore,
  type CaseIndexRow,
  type CaseKey,
  type DisposalReport,
  type StoredRun,
} from './archive-store';
import { noticeMessageId } from './notifications';

/** What the workflow hands over: the case as it stands, in opaque IDs. */
export interface CaseRecordSnapshot {
  workflowId: string;
  runId: string;
  /** `closed`: the case's final record. `continued`: a long-lived record's run handing over to the next. */
  segment: ArchiveSegment;
  /** The workflow's clock when it archived: for a closed case, its closure. */
  at: string;
  caseType: string;
  caseNumber: string;
  facility: string;
  jurisdiction: string;
  policyId: string;
  intake: {
    facts: Record<string, string | number | boolean>;
    settings?: Record<string, unknown>;
    /** Events known at opening (the incident, the report). */
    events: Record<string, string>;
  };
  /** Every event recorded, key → instant. */
  events: Record<string, string>;
  extensions: ExtensionRecord[];
  /** The case exactly as its `schedule` query showed it. */
  view: CaseView;
  /** The case's timeline exactly as its `timeline` query showed it. */
  timeline: TimelineEvent[];
  /** The case type's own part, in opaque IDs (e.g. a Title IX case's parties and roles). */
  details?: Record<string, unknown>;
}

export type DeadlineOutcome =
  | 'met-on-time'
  | 'met-late'
  | 'extended'
  | 'tolled'
  | 'waived'
  | 'breached'
  | 'acknowledged'
  | 'open'
  | 'lower-bound';

export interface ArchivedDeadline {
  key: string;
  kind: DeadlineView['kind'];
  rule: string;
  source: string;
  explanation: string;
  responsibleRole: string;
  dueAt?: string;
  earliest?: string;
  localText: string;
  outcome: DeadlineOutcome;
  extended: boolean;
  metAt?: string;
  breachedAt?: string;
  acknowledged?: { by: string; at: string };
  tolled?: string;
  extensions: ExtensionRecord[];
}

export interface ArchivedNotice {
  at: string;
  noticeKey: string;
  kind: string;
  role: string;
  messageId: string;
  status: 'sent' | 'failed';
  recipients?: number;
  detail: string;
}

export interface ArchivedServiceProof extends Omit<ServiceTask, 'proof'> {
  proof?: ServiceTask['proof'];
}

/** The record as the archive keeps it (decrypted): what the workflow handed over, and what follows from it. */
export interface ArchivedCase {
  format: 1;
  /** Covers `snapshot` only: what follows from it may be derived again, the record may not change. */
  contentHash: string;
  snapshot: CaseRecordSnapshot;
  policyVersion: string;
  deadlines: ArchivedDeadline[];
  notices: ArchivedNotice[];
  serviceProofs: ArchivedServiceProof[];
  /** Set on a closed record: until when it is kept, and on whose authority. */
  retention?: ResolvedRetention & { closedAt: string; until: string };
}

/** A case read back from the archive: its closing record, with the timeline of every archived run. */
export interface ArchivedCaseRecord {
  record: ArchivedCase;
  /** Every run's timeline merged (a long-lived record's earlier runs first), without repeats. */
  timeline: TimelineEvent[];
  index: CaseIndexRow;
  runs: { runId: string; segment: ArchiveSegment; archivedAt: string; writtenAt: string }[];
}

export interface ArchiveReceipt {
  workflowId: string;
  runId: string;
  contentHash: string;
  /** False when this exact record was already archived (a retry after a lost completion). */
  inserted: boolean;
  retainUntil?: string;
}

// ---------------------------------------------------------------------------------------------
// Building the record

/** JSON with object keys sorted, so the hash does not depend on the order fields were set in. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

export function contentHashOf(snapshot: CaseRecordSnapshot): string {
  return createHash('sha256').update(canonicalJson(snapshot)).digest('hex');
}

export function deadlineOutcome(d: DeadlineView): DeadlineOutcome {
  if (d.kind === 'lowerBound') return 'lower-bound';
  if (d.state === 'waived') return 'waived';
  if (d.tolled !== undefined) return 'tolled';
  if (d.metAt !== undefined) {
    const late =
      d.breachedAt !== undefined || (d.dueAt !== undefined && Date.parse(d.metAt) > Date.parse(d.dueAt));
    return late ? 'met-late' : 'met-on-time';
  }
  if (d.state === 'breached') return d.acknowledged ? 'acknowledged' : 'breached';
  if (d.state === 'extended') return 'extended';
  return 'open';
}

// The deadline book writes `<kind> to <role> (<n> recipient(s))` for a sent notice and
// `<kind> to <role>: <code>` for one that failed; a test holds these to what was sent.
const SENT = /^(\S+) to (\S+) \((\d+) recipient/;
const FAILED = /^(\S+) to (\S+): /;

/** The notices of a timeline, with the Message-ID each went out under (derived as the sender derives it). */
export function noticesOf(
  workflowId: string,
  timeline: TimelineEvent[],
  messageIdDomain: string,
): ArchivedNotice[] {
  const notices: ArchivedNotice[] = [];
  for (const event of timeline) {
    if (!event.noticeKey || (event.type !== 'notice.sent' && event.type !== 'notice.failed')) continue;
    const sent = event.type === 'notice.sent';
    const match = (sent ? SENT : FAILED).exec(event.detail);
    notices.push({
      at: event.at,
      noticeKey: event.noticeKey,
      kind: match?.[1] ?? 'unknown',
      role: match?.[2] ?? 'unknown',
      messageId: noticeMessageId(workflowId, event.noticeKey, messageIdDomain),
      status: sent ? 'sent' : 'failed',
      ...(sent && match?.[3] ? { recipients: Number(match[3]) } : {}),
      detail: event.detail,
    });
  }
  return notices;
}

export interface RecordBuildOptions {
  messageIdDomain: string;
  /** The agency's retention periods by policy ID (config `records.retention`). */
  retention?: Readonly<Record<string, string>>;
}

export function buildArchivedCase(snapshot: CaseRecordSnapshot, options: RecordBuildOptions): ArchivedCase {
  const deadlines = snapshot.view.deadlines.map((d): ArchivedDeadline => ({
    key: d.key,
    kind: d.kind,
    rule: d.rule,
    source: d.source,
    explanation: d.explanation,
    responsibleRole: d.responsibleRole,
    ...(d.dueAt !== undefined ? { dueAt: d.dueAt } : {}),
    ...(d.earliest !== undefined ? { earliest: d.earliest } : {}),
    localText: d.localText,
    outcome: deadlineOutcome(d),
    extended: d.extensions.length > 0,
    ...(d.metAt !== undefined ? { metAt: d.metAt } : {}),
    ...(d.breachedAt !== undefined ? { breachedAt: d.breachedAt } : {}),
    ...(d.acknowledged !== undefined ? { acknowledged: d.acknowledged } : {}),
    ...(d.tolled !== undefined ? { tolled: d.tolled } : {}),
    extensions: d.extensions,
  }));
  let retention: ArchivedCase['retention'];
  if (snapshot.segment === 'closed') {
    const resolved = resolveRetention(snapshot.policyId, options.retention);
    // Counted from closure; a lower bound the schedule itself dates (3.26's records.retention, from
    // the recorded closing event) is honoured too, whichever is later.
    const candidates = [addPeriod(snapshot.at, resolved.period)];
    for (const d of snapshot.view.deadlines) {
      if (d.kind === 'lowerBound' && d.key === 'records.retention' && d.earliest) candidates.push(d.earliest);
    }
    const until = candidates.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
    retention = { ...resolved, closedAt: snapshot.at, until: new Date(Date.parse(until)).toISOString() };
  }
  return {
    format: 1,
    contentHash: contentHashOf(snapshot),
    snapshot,
    policyVersion: snapshot.view.policyVersion,
    deadlines,
    notices: noticesOf(snapshot.workflowId, snapshot.timeline, options.messageIdDomain),
    serviceProofs: snapshot.view.serviceTasks.map((t) => ({ ...t })),
    ...(retention ? { retention } : {}),
  };
}

/** Every run's timeline in archive order, each event once (a run carries the previous run's timeline). */
export function mergeTimelines(timelines: TimelineEvent[][]): TimelineEvent[] {
  const merged: TimelineEvent[] = [];
  const seen = new Map<string, number>();
  for (const timeline of timelines) {
    const here = new Map<string, number>();
    for (const event of timeline) {
      const key = canonicalJson(event);
      const count = (here.get(key) ?? 0) + 1;
      here.set(key, count);
      if (count > (seen.get(key) ?? 0)) {
        seen.set(key, count);
        merged.push(event);
      }
    }
  }
  return merged;
}

// ---------------------------------------------------------------------------------------------
// The archive: encryption over a store

export interface CaseArchiveOptions extends Partial<RecordBuildOptions> {
  /** The store's clock (tests pass their own to date disposals). */
  now?: () => Date;
}

export class CaseArchive {
  private readonly codec?: EncryptionCodec;

  /** Without a keyring the archive can list, release and dispose, but neither read nor write records. */
  constructor(
    readonly store: ArchiveStore,
    keyring: Keyring | undefined,
    private readonly options: CaseArchiveOptions = {},
  ) {
    if (keyring) this.codec = new EncryptionCodec(keyring);
  }

  private requireCodec(): EncryptionCodec {
    if (!this.codec) {
      throw new ArchiveError(
        'ARCHIVE_CONFIG',
        'reading or writing archived records needs the payload keys (DOCKET_CODEC_KEYS or DOCKET_CODEC_KEY_FILE)',
      );
    }
    return this.codec;
  }

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  private async seal(value: unknown): Promise<{ keyId: string; data: Uint8Array }> {
    const [sealed] = await this.requireCodec().encode([defaultPayloadConverter.toPayload(value)]);
    const keyId = Buffer.from(sealed?.metadata?.[METADATA_KEY_ID] ?? new Uint8Array()).toString('utf8');
    return { keyId, data: sealed?.data ?? new Uint8Array() };
  }

  private async open<T>(keyId: string, data: Uint8Array): Promise<T> {
    const utf8 = (s: string) => new TextEncoder().encode(s);
    const [payload] = await this.requireCodec().decode([
      {
        metadata: {
          [METADATA_ENCODING_KEY]: utf8(ENCODING_ENCRYPTED),
          [METADATA_KEY_ID]: utf8(keyId),
          [METADATA_CIPHER]: utf8(CIPHER),
        },
        data,
      },
    ]);
    return defaultPayloadConverter.fromPayload<T>(
      payload as Parameters<typeof defaultPayloadConverter.fromPayload>[0],
    );
  }

  /**
   * Writes the record, then reads it back and checks it decrypts to the same content: only then is
   * the write confirmed. Writing the same record again changes nothing.
   */
  async write(snapshot: CaseRecordSnapshot, progress: () => void = () => undefined): Promise<ArchiveReceipt> {
    if (this.options.messageIdDomain === undefined) {
      throw new ArchiveError(
        'ARCHIVE_CONFIG',
        'this archive was opened for reading; it cannot write records',
      );
    }
    const record = buildArchivedCase(snapshot, {
      messageIdDomain: this.options.messageIdDomain,
      retention: this.options.retention,
    });
    const sealed = await this.seal(record);
    progress();
    const run: StoredRun = {
      workflowId: snapshot.workflowId,
      runId: snapshot.runId,
      contentHash: record.contentHash,
      caseType: snapshot.caseType,
      caseNumber: snapshot.caseNumber,
      segment: snapshot.segment,
      archivedAt: snapshot.at,
      writtenAt: this.now(),
      keyId: sealed.keyId,
      payload: sealed.data,
    };
    const closure = record.retention
      ? {
          closedAt: record.retention.closedAt,
          retainUntil: record.retention.until,
          retentionSource: `${record.retention.period}: ${record.retention.source}`,
        }
      : undefined;
    const { inserted } = await this.store.put(run, closure);
    progress();
    const stored = await this.store.getRun(run.workflowId, run.runId, run.contentHash);
    const readBack = stored ? await this.open<ArchivedCase>(stored.keyId, stored.payload) : undefined;
    if (!readBack || contentHashOf(readBack.snapshot) !== record.contentHash) {
      throw new ArchiveError(
        'ARCHIVE_UNCONFIRMED',
        `the record of ${snapshot.caseType} ${snapshot.caseNumber} did not read back from ${this.store.description}`,
        { workflowId: snapshot.workflowId, runId: snapshot.runId },
      );
    }
    return {
      workflowId: run.workflowId,
      runId: run.runId,
      contentHash: run.contentHash,
      inserted,
      ...(record.retention ? { retainUntil: record.retention.until } : {}),
    };
  }

  /** The case's closing record (or, for a record still open, its latest run) with every run's timeline. */
  async read(key: CaseKey): Promise<ArchivedCaseRecord | undefined> {
    const [index] = (await this.store.cases({ caseNumber: key.caseNumber })).filter(
      (row) => row.caseType === key.caseType,
    );
    if (!index) return undefined;
    const runs = await this.store.runsOf(key);
    if (runs.length === 0) return undefined;
    const records: ArchivedCase[] = [];
    for (const run of runs) records.push(await this.open<ArchivedCase>(run.keyId, run.payload));
    const closing =
      [...records].reverse().find((r) => r.snapshot.segment === 'closed') ?? (records.at(-1) as ArchivedCase);
    return {
      record: closing,
      timeline: mergeTimelines([
        ...records.filter((r) => r !== closing).map((r) => r.snapshot.timeline),
        closing.snapshot.timeline,
      ]),
      index,
      runs: runs.map((r) => ({
        runId: r.runId,
        segment: r.segment,
        archivedAt: r.archivedAt,
        writtenAt: r.writtenAt,
      })),
    };
  }

  list(): Promise<CaseIndexRow[]> {
    return this.store.cases();
  }

  /** The one case a number names, narrowed by type when several types share it. */
  async resolve(caseNumber: string, caseType?: string): Promise<CaseIndexRow> {
    const rows = (await this.store.cases({ caseNumber })).filter(
      (r) => caseType === undefined || r.caseType === caseType,
    );
    if (rows.length === 0) {
      throw new ArchiveError(
        'RECORD_NOT_FOUND',
        `no archived record of ${caseType ? `${caseType} ` : ''}${caseNumber}`,
        { caseNumber, ...(caseType ? { caseType } : {}) },
      );
    }
    if (rows.length > 1) {
      const known = rows.map((r) => r.caseType);
      throw new ArchiveError(
        'AMBIGUOUS_CASE',
        `${caseNumber} names archived records of several case types (${known.join(', ')}): say which with --type`,
        { caseNumber, known },
      );
    }
    return rows[0] as CaseIndexRow;
  }

  async hold(key: CaseKey, reason: string): Promise<CaseIndexRow> {
    const note = await this.seal({ reason });
    const since = this.now();
    if (!(await this.store.setHold(key, { since, keyId: note.keyId, note: note.data }))) {
      throw new ArchiveError('RECORD_NOT_FOUND', `no archived record of ${key.caseType} ${key.caseNumber}`, {
        ...key,
      });
    }
    return this.resolve(key.caseNumber, key.caseType);
  }

  async release(key: CaseKey): Promise<CaseIndexRow> {
    const row = await this.resolve(key.caseNumber, key.caseType);
    if (!row.hold) {
      throw new ArchiveError('INVALID_INPUT', `${key.caseType} ${key.caseNumber} is not under a legal hold`, {
        ...key,
      });
    }
    await this.store.setHold(key, null);
    return this.resolve(key.caseNumber, key.caseType);
  }

  /** Why a hold was placed (decrypted). */
  async holdReason(row: CaseIndexRow): Promise<string | undefined> {
    if (!row.hold) return undefined;
    return (await this.open<{ reason: string }>(row.hold.keyId, row.hold.note)).reason;
  }

  dispose(request: { before: string; only?: CaseKey[] }): Promise<DisposalReport> {
    return this.store.dispose({ ...request, now: this.now() });
  }

  close(): Promise<void> {
    return this.store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The activity

export function createArchiveActivities(archive: CaseArchive) {
  return {
    /** Archives a case's record and confirms it; the workflow completes only after this returns. */
    async archiveCaseRecord(snapshot: CaseRecordSnapshot): Promise<ArchiveReceipt> {
      const heartbeat = (): void => {
        try {
          Context.current().heartbeat();
        } catch {
          // Called outside an activity (a direct test call): nothing to report to.
        }
      };
      try {
        return await archive.write(snapshot, heartbeat);
      } catch (err) {
        // Never non-retryable: a record that cannot be written now (a policy with no records statement,
        // an unreadable store) must not be dropped. The workflow stays open, retrying where operators
        // see it, until the cause is fixed. The failure names the code and the case, never its content.
        if (err instanceof ArchiveError || isDomainError(err)) {
          throw ApplicationFailure.retryable(err.message, err.code);
        }
        throw err;
      }
    },
  };
}

export type ArchiveActivities = ReturnType<typeof createArchiveActivities>;
