// Bulk import: each line opens its case and replays the events the case system already recorded,
// through DocketClient's openCase and recordEvent, so every line meets the same validators as the
// API and the CLI (the event schema here, then the case's own Update validator).
//
// What "nothing half-imported" means: an event is a workflow Update, so it is recorded whole or
// refused with no trace. A line stops at its first refused event, and the rejects file gets the
// whole line with the refusal and the state the case was left in (open, with the events before the
// refused one recorded). Re-importing the fixed line opens nothing new (the case number and intake
// match), skips the events already recorded (each carries an update ID derived from its content,
// which Temporal keeps in the case's history), and continues from the refused event. A line is
// never reported imported unless every one of its events is recorded.
import { setTimeout as sleep } from 'node:timers/promises';
import { intakeDigest, type DocketClient } from '../cases';
import { caseTypeNames, isCaseType, type CaseType } from '../case-types';
import { DocketClientError } from '../errors';
import type { CaseView } from '../../workflows/case-messages';
import type { ImportLine, Rejection, SourceLine } from './format';

export interface LineResult {
  line: number;
  status: 'imported' | 'rejected';
  caseType?: string;
  caseNumber?: string;
  /** True when this run opened the case; false when it was already open with the same intake. */
  created?: boolean;
  /** Events this run recorded. */
  recorded: number;
  /** Events an earlier run had already recorded, skipped. */
  skipped: number;
  /** Events on the line. */
  events: number;
  rejection?: Rejection;
}

export interface ImportOptions {
  /** Refuses a case type the caller may not touch (the API's key scopes); undefined lets it through. */
  refuseCaseType?: (caseType: CaseType) => Rejection | undefined;
}

/** The update ID an imported event is sent with: its idempotency key is a digest of its content. */
export function importKey(event: ImportLine['events'][number]): string {
  return `import-${intakeDigest(event).slice(0, 32)}`;
}

const rejectionOf = (err: unknown): Rejection => {
  if (err instanceof DocketClientError) {
    return {
      code: err.code,
      message: err.message,
      ...(Object.keys(err.details).length > 0 ? { details: err.details } : {}),
    };
  }
  // Not a refusal: the SDK's error and what caused it (a failed Update names its cause only there).
  const chain: string[] = [];
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    chain.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
  }
  return { code: 'INTERNAL', message: chain.join(' ← ') };
};

export async function importLine(
  docket: DocketClient,
  source: SourceLine,
  options: ImportOptions = {},
): Promise<LineResult> {
  const base = { line: source.line, recorded: 0, skipped: 0 };
  if (!source.parsed.ok) {
    return {
      ...base,
      events: 0,
      status: 'rejected',
      rejection: { ...source.parsed.rejection, state: { opened: false } },
    };
  }
  const { caseType, intake, events } = source.parsed.value;
  const result: LineResult = { ...base, caseType, events: events.length, status: 'rejected' };
  if (!isCaseType(caseType)) {
    const known = caseTypeNames();
    result.rejection = {
      code: 'UNKNOWN_CASE_TYPE',
      message: `no case type '${caseType}' (known: ${known.join(', ')})`,
      details: { field: 'caseType', value: caseType, known },
      state: { opened: false },
    };
    return result;
  }
  const refused = options.refuseCaseType?.(caseType);
  if (refused) return { ...result, rejection: { ...refused, state: { opened: false } } };

  try {
    const opened = await docket.openCase(caseType, intake);
    Object.assign(result, { caseNumber: opened.caseNumber, created: opened.created });
  } catch (err) {
    return { ...result, rejection: { ...rejectionOf(err), state: { opened: false } } };
  }
  const caseNumber = result.caseNumber as string;
  let done: Set<string>;
  try {
    done = result.created ? new Set() : await recordedUpdateIds(docket, caseType, caseNumber);
  } catch (err) {
    return { ...result, rejection: { ...rejectionOf(err), state: { opened: true, recordedEvents: 0 } } };
  }

  let stage: string | undefined;
  for (const [index, event] of events.entries()) {
    const { event: name, ...payload } = event;
    const key = importKey(event);
    if (done.has(`${name}:${key}`)) {
      result.skipped++;
      continue;
    }
    try {
      stage = (await recordPatiently(docket, caseType, caseNumber, name, payload, key)).stage;
      result.recorded++;
    } catch (err) {
      stage ??= await docket.schedule(caseType, caseNumber).then(
        (view) => view.stage,
        () => undefined,
      );
      result.rejection = {
        ...rejectionOf(err),
        state: {
          opened: true,
          recordedEvents: index,
          refusedEvent: { index, event: name },
          ...(stage !== undefined ? { stage } : {}),
        },
      };
      return result;
    }
  }
  result.status = 'imported';
  return result;
}

/** Rounds of DocketClient's own wait for a new case's first schedule (10 s each). */
const INITIALIZING_ROUNDS = 6;
/**
 * Sends of one event whose Update was aborted (its workflow task failed) or not answered in time.
 * Each is sent again under the same Update ID: the server deduplicates it while it is in flight or
 * recorded, and keeps nothing of an aborted one, so the same ID is the one way to learn its outcome
 * without ever recording the event twice. A fresh ID would gain nothing and could apply the event a
 * second time if the first were still in flight.
 */
const UNSETTLED_SENDS = 3;
const UNSETTLED = new Set(['UPDATE_ABORTED', 'TEMPORAL_TIMEOUT']);
const UNSETTLED_BACKOFF_MS = 1_000;

/**
 * Records one event, waiting longer than a single request would for a just-opened case to compute
 * its first schedule (on a busy worker a thousand new cases queue for it), and sending it again
 * when the case did not take it (a failed workflow task) or did not answer: an import should not
 * reject a line for a moment of load. What is still unsettled after that goes to the rejects file
 * with its own code, and the next run sends the same Update ID again.
 */
async function recordPatiently(
  docket: DocketClient,
  caseType: CaseType,
  caseNumber: string,
  name: string,
  payload: Record<string, unknown>,
  key: string,
): Promise<CaseView> {
  for (let initializing = 1, unsettled = 1; ;) {
    try {
      return await docket.recordEvent(caseType, caseNumber, name, payload, { idempotencyKey: key });
    } catch (err) {
      if (!(err instanceof DocketClientError)) throw err;
      if (err.code === 'CASE_INITIALIZING' && initializing++ < INITIALIZING_ROUNDS) continue;
      if (UNSETTLED.has(err.code) && unsettled < UNSETTLED_SENDS) {
        await sleep(UNSETTLED_BACKOFF_MS * unsettled++);
        continue;
      }
      throw err;
    }
  }
}

/**
 * The update IDs the case's history holds as accepted (recorded), from Temporal itself: a closed
 * case is read the same way, and a skipped event is one Temporal has, not one a file says it has.
 */
async function recordedUpdateIds(
  docket: DocketClient,
  caseType: CaseType,
  caseNumber: string,
): Promise<Set<string>> {
  try {
    const history = await docket.handle(caseType, caseNumber).fetchHistory();
    const ids = (history.events ?? []).map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId,
    );
    return new Set(ids.filter((id): id is string => typeof id === 'string'));
  } catch (err) {
    throw await docket.translateError(err);
  }
}

/**
 * Imports lines with at most `concurrency` in flight; `onResult` sees each as it finishes. Results
 * come back in line order.
 */
export async function runImport(
  docket: DocketClient,
  sources: readonly SourceLine[],
  {
    concurrency,
    onResult,
    ...options
  }: ImportOptions & {
    concurrency: number;
    onResult?: (result: LineResult, source: SourceLine) => void;
  },
): Promise<LineResult[]> {
  const results: LineResult[] = new Array<LineResult>(sources.length);
  let next = 0;
  const drain = async (): Promise<void> => {
    for (let i = next++; i < sources.length; i = next++) {
      const source = sources[i] as SourceLine;
      results[i] = await importLine(docket, source, options);
      onResult?.(results[i] as LineResult, source);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, sources.length)) }, drain));
  return results;
}
