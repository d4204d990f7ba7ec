// The TypeScript client for case systems written in Node, and the layer the HTTP API and CLI call.
// Opening a case is idempotent on its case number: the same intake returns the existing case, a
// different intake is a conflict, and a second workflow is never created. Every event is a workflow
// Update: its validator either refuses it (no trace in history) or the whole event applies, so a
// caller never sees a half-applied event. Every failure a caller can act on is a DocketClientError
// with a stable code.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { z } from 'zod';
import type { CaseArchive } from '../activities/archive';
import {
  acknowledgeSchema,
  describeIssues,
  extensionRequestSchema,
  type AcknowledgeInput,
  type ExtensionRequestInput,
} from '../domain/cases/common';
import {
  acknowledgeUpdate,
  extendDeadlineUpdate,
  scheduleQuery,
  timelineQuery,
  type CaseView,
} from '../workflows/case-messages';
import type { TimelineEvent } from '../workflows/deadlines';
import { caseEvent, caseTypeDefinition, type CaseEventDefinition, type CaseType } from './case-types';
import { dueSearch, listDueCases, type DeadlinesDue, type DeadlinesDueFilters } from './deadlines-due';
import {
  DocketClientError,
  fromDomain,
  fromTemporal,
  isUpdateAborted,
  refusalError,
  refusalOf,
} from './errors';

/** A digest of the validated intake: stored in the memo, so a re-open can be compared without a worker. */
export function intakeDigest(intake: unknown): string {
  return createHash('sha256').update(canonicalJson(intake)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface OpenedCase {
  caseType: CaseType;
  caseNumber: string;
  workflowId: string;
  /** False when the same case was already open with the same intake. */
  created: boolean;
}

/** A case as the API shows it: where its deadlines stand, and what has happened. */
export interface CaseRecord {
  schedule: CaseView;
  timeline: TimelineEvent[];
  /**
   * Where it was read: `live` from the case's workflow, `archive` from the records archive once
   * Temporal no longer has the workflow (the namespace's retention after closure has passed).
   */
  source: 'live' | 'archive';
  /** With source `archive`: when the record was archived and until when it is kept. */
  archive?: ArchiveSummary;
}

export interface ArchiveSummary {
  archivedAt: string;
  closedAt: string | null;
  retainUntil: string | null;
  retentionSource: string | null;
  legalHold: boolean;
  /** Runs archived: more than one for a long-lived record that continued as new. */
  runs: number;
}

export interface UpdateOptions {
  /**
   * The caller's idempotency key. Temporal keeps one outcome per Update ID in a case's history, so
   * a retry with the same key (after a timeout, say) returns the first outcome instead of recording
   * the event twice. Letters, digits and `._:-`, at most 100 characters.
   */
  idempotencyKey?: string;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

export interface DocketClientOptions {
  client: Client;
  taskQueue: string;
  /**
   * How long one call may wait on Temporal. An Update waits for a worker to run its validator, so
   * without a limit a caller would hang while no worker is up. Default 30 seconds.
   */
  timeoutMs?: number;
  /** The records archive: where a case is read once Temporal no longer has its workflow. */
  archive?: CaseArchive;
}

/** How long to keep retrying an event that reached a case still computing its first schedule. */
const INITIALIZING_RETRY_MS = 10_000;

/**
 * A closed case's number stays its own once Temporal has deleted the workflow (the namespace's
 * retention): the records archive still holds the case, so a start would silently open a second one.
 */
async function refuseArchivedCaseNumber(
  archive: CaseArchive | undefined,
  caseType: CaseType,
  caseNumber: string,
): Promise<void> {
  const rows = archive ? await archive.store.cases({ caseNumber }) : [];
  const closed = rows.find((row) => row.caseType === caseType && row.closedAt !== null);
  if (!closed) return;
  throw new DocketClientError(
    'CASE_CONFLICT',
    `${caseType} case ${caseNumber} is closed (${closed.closedAt}) and archived; a case number names exactly one case, so it is not opened again`,
    { caseType, caseNumber, workflowId: closed.workflowId, closedAt: closed.closedAt },
  );
}

export class DocketClient {
  constructor(private readonly options: DocketClientOptions) {}

  get temporal(): Client {
    return this.options.client;
  }

  async openCase(caseType: CaseType, rawIntake: unknown): Promise<OpenedCase> {
    const definition = caseTypeDefinition(caseType);
    const { caseNumber, intake } = fromDomain(() => definition.parse(rawIntake));
    const workflowId = definition.workflowId(caseNumber);
    const digest = intakeDigest(intake);
    await refuseArchivedCaseNumber(this.options.archive, caseType, caseNumber);
    try {
      await this.withTimeout(() =>
        this.options.client.workflow.start(definition.workflowType, {
          taskQueue: this.options.taskQueue,
          workflowId,
          args: [intake],
          // A case number names one case forever: a closed case is not reopened by a new start.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { intakeDigest: digest },
          staticSummary: `${caseType} ${caseNumber}`,
        }),
      );
      return { caseType, caseNumber, workflowId, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError))
        throw await this.translateTemporalError(err);
      const existing = await this.withTimeout(() =>
        this.options.client.workflow.getHandle(workflowId).describe(),
      ).catch(async (e: unknown) => {
        throw await this.translateTemporalError(e);
      });
      if (existing.memo?.intakeDigest === digest) {
        return { caseType, caseNumber, workflowId, created: false };
      }
      throw DocketClientError.of(
        'CASE_CONFLICT',
        `case ${caseNumber} already exists with a different intake; a case number names exactly one case`,
        { caseNumber, workflowId },
      );
    }
  }

  handle(caseType: CaseType, caseNumber: string): WorkflowHandle {
    return this.options.client.workflow.getHandle(caseTypeDefinition(caseType).workflowId(caseNumber));
  }

  schedule(caseType: CaseType, caseNumber: string): Promise<CaseView> {
    return this.read(caseType, caseNumber, (handle) => handle.query(scheduleQuery));
  }

  timeline(caseType: CaseType, caseNumber: string): Promise<TimelineEvent[]> {
    return this.read(caseType, caseNumber, (handle) => handle.query(timelineQuery));
  }

  /**
   * The schedule and the timeline together, from the case's workflow while Temporal has it, else
   * from the records archive (a closed case after the namespace's retention); `source` says which.
   */
  async getCase(caseType: CaseType, caseNumber: string): Promise<CaseRecord> {
    try {
      const [schedule, timeline] = await Promise.all([
        this.schedule(caseType, caseNumber),
        this.timeline(caseType, caseNumber),
      ]);
      return { schedule, timeline, source: 'live' };
    } catch (err) {
      const archive = this.options.archive;
      if (!archive || !(err instanceof DocketClientError) || err.code !== 'CASE_NOT_FOUND') throw err;
      const archived = await archive.read({ caseType, caseNumber });
      if (!archived) throw err;
      return {
        schedule: archived.record.snapshot.view,
        timeline: archived.timeline,
        source: 'archive',
        archive: {
          archivedAt: archived.record.snapshot.at,
          closedAt: archived.index.closedAt,
          retainUntil: archived.index.retainUntil,
          retentionSource: archived.index.retentionSource,
          legalHold: archived.index.hold !== null,
          runs: archived.runs.length,
        },
      };
    }
  }

  /**
   * Records an event (e.g. `rts-submitted`) on a case: the payload is checked against the event's
   * schema here, then the case's own validator checks it against the case's state and its limits.
   * A refusal is a DocketClientError with the workflow's code, message and details (rule, limit,
   * source); nothing of a refused event is recorded.
   */
  recordEvent(
    caseType: CaseType,
    caseNumber: string,
    eventName: string,
    payload: unknown,
    options: UpdateOptions = {},
  ): Promise<CaseView> {
    const definition = caseTypeDefinition(caseType);
    const event = Object.prototype.hasOwnProperty.call(definition.events, eventName)
      ? definition.events[eventName]
      : undefined;
    if (!event) {
      const known = Object.keys(definition.events);
      throw DocketClientError.of(
        'UNKNOWN_EVENT',
        `a ${caseType} has no event '${eventName}' (known: ${known.join(', ')})`,
        { event: eventName, known },
      );
    }
    return this.send(caseType, caseNumber, event, payload, updateIdFor(eventName, options));
  }

  /** Grants an extension of one deadline (the policy's cap and approver roles apply). */
  extend(
    caseType: CaseType,
    caseNumber: string,
    request: ExtensionRequestInput,
    options: UpdateOptions = {},
  ): Promise<CaseView> {
    return this.send(caseType, caseNumber, EXTENSION, request, updateIdFor('extension', options));
  }

  /** Acknowledges a breach alert: the repeats and escalations for that deadline stop. */
  acknowledge(
    caseType: CaseType,
    caseNumber: string,
    ack: AcknowledgeInput,
    options: UpdateOptions = {},
  ): Promise<CaseView> {
    return this.send(caseType, caseNumber, ACKNOWLEDGEMENT, ack, updateIdFor('acknowledgement', options));
  }

  /** Checks the payload against the event's schema here, then sends its Update to the case. */
  private send(
    caseType: CaseType,
    caseNumber: string,
    event: CaseEventDefinition,
    payload: unknown,
    updateId: string | undefined,
  ): Promise<CaseView> {
    checkPayload(event.schema, payload, event.updateName);
    return this.update(caseType, caseNumber, (handle) => event.send(handle, payload, updateId));
  }

  /**
   * Open cases with deadlines, answered from Temporal visibility (the search attributes every case
   * keeps current), so there is no second database to drift from the workflows. Visibility is
   * eventually consistent: a change made a moment ago may not show yet.
   */
  async deadlinesDue(filters: DeadlinesDueFilters = {}): Promise<DeadlinesDue> {
    const { query, limit } = dueSearch(filters);
    const found = await this.withTimeout(() => listDueCases(this.options.client, query, limit)).catch(
      async (err: unknown) => {
        throw await this.translateTemporalError(err);
      },
    );
    return { ...found, query };
  }

  /** For reads built on this client elsewhere (client/undelivered.ts): connection trouble as TEMPORAL_UNAVAILABLE/TIMEOUT. */
  translateError(err: unknown): Promise<unknown> {
    return this.translateTemporalError(err);
  }

  private withTimeout<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.client.withDeadline(Date.now() + (this.options.timeoutMs ?? 30_000), fn);
  }

  private async read<T>(
    caseType: CaseType,
    caseNumber: string,
    fn: (handle: WorkflowHandle) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.withTimeout(() => fn(this.handle(caseType, caseNumber)));
    } catch (err) {
      throw await this.translateCaseError(err, caseType, caseNumber, false);
    }
  }

  private async update(
    caseType: CaseType,
    caseNumber: string,
    send: (handle: WorkflowHandle) => Promise<CaseView>,
  ): Promise<CaseView> {
    const handle = this.handle(caseType, caseNumber);
    const giveUpAt = Date.now() + INITIALIZING_RETRY_MS;
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1_000)) {
      try {
        return await this.withTimeout(() => send(handle));
      } catch (err) {
        // An event sent right after opening can reach the case before its first schedule exists.
        // The validator refused it, so nothing was recorded and sending it again is safe.
        if (refusalOf(err)?.type === 'CASE_INITIALIZING' && Date.now() + delayMs < giveUpAt) {
          await sleep(delayMs);
          continue;
        }
        throw await this.translateCaseError(err, caseType, caseNumber, true);
      }
    }
  }

  /** Turns a Temporal error on one case into a DocketClientError (or rethrows an unexpected one). */
  private async translateCaseError(
    err: unknown,
    caseType: CaseType,
    caseNumber: string,
    writing: boolean,
  ): Promise<unknown> {
    const refusal = refusalOf(err);
    if (refusal) return refusalError(refusal);
    if (writing && isUpdateAborted(err)) {
      return DocketClientError.of(
        'UPDATE_ABORTED',
        `${caseType} ${caseNumber} did not take the event: the workflow task that carried it failed (the case's history says why), so nothing was recorded; retry with the same Idempotency-Key`,
        { caseType, caseNumber },
      );
    }
    if (err instanceof WorkflowNotFoundError) {
      // The server answers "not found" both for an unknown ID and for an Update to a closed run.
      const closed = await this.withTimeout(() => this.handle(caseType, caseNumber).describe()).then(
        (description) => description.status.name !== 'RUNNING',
        () => false,
      );
      if (closed) {
        return DocketClientError.of(
          'CASE_CLOSED',
          `${caseType} ${caseNumber} is closed; it records no further events`,
          { caseType, caseNumber },
        );
      }
      return DocketClientError.of('CASE_NOT_FOUND', `no ${caseType} with case number ${caseNumber}`, {
        caseType,
        caseNumber,
      });
    }
    return this.translateTemporalError(err, writing);
  }

  /** Connection trouble and timeouts become TEMPORAL_UNAVAILABLE/TIMEOUT; anything else is returned unchanged. */
  private translateTemporalError(err: unknown, writing = false): Promise<unknown> {
    return fromTemporal(this.options.client, err, writing);
  }
}

/** The two Updates every case takes besides its own events, declared as its events are. */
const EXTENSION = caseEvent(extendDeadlineUpdate, extensionRequestSchema, 'An extension of one deadline.');
const ACKNOWLEDGEMENT = caseEvent(
  acknowledgeUpdate,
  acknowledgeSchema,
  'An acknowledgement of a breach alert.',
);
function checkPayload(schema: z.ZodType, payload: unknown, what: string): void {
  // The same message and details the workflow's parsePayload gives, so callers see one error
  // whether the API or the case refused the payload.
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw DocketClientError.of('INVALID_INPUT', `${what}: ${describeIssues(result.error)}`, {
      field: result.error.issues[0]?.path.join('.'),
    });
  }
}

function updateIdFor(kind: string, options: UpdateOptions): string | undefined {
  const key = options.idempotencyKey;
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw DocketClientError.of(
      'INVALID_IDEMPOTENCY_KEY',
      'an idempotency key is 1-100 letters, digits, ".", "_", ":" or "-"',
      { field: 'Idempotency-Key' },
    );
  }
  // Scoped by the kind of update, so one key reused for a different event cannot return the first
  // event's outcome in its place.
  return `${kind}:${key}`;
}
