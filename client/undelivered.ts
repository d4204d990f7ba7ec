// Notices Docket has not delivered, for administrators (GET /notices/undelivered, `docket notices
// undelivered`).
//
// Source, and why: Temporal's own records of each running case, no store of Docket's own.
// - A notice being retried is an activity Temporal has scheduled again after a failed attempt.
//   DescribeWorkflowExecution lists it with the attempt count, the last failure, the next attempt
//   and the give-up time: exactly what the retry machinery will do next. The workflow itself
//   does not know (retries are invisible to it), so neither its state nor a search attribute could
//   say this honestly.
// - A notice that failed for good is in the case's timeline (`notice.failed`, then
//   `admin.alerted` or `admin.alert-failed`), read with the timeline query. Visibility has no
//   attribute for it, and adding one would change the workflows' commands for a list an
//   administrator reads now and then.
// Running cases come from visibility (the same filter as the deadlines view). The cost is one
// describe and one query per running case, bounded by `limit`: fine for an administrator's view of
// a few thousand cases, not for a dashboard polled every second. Closed cases are not scanned: a
// closed case has no notice pending, and its timeline stays readable on GET /cases/...
import { ApplicationFailure, TimeoutFailure, type LoadedDataConverter } from '@temporalio/common';
// The SDK's own decoding of failures and payloads through the data converter (codec included);
// public clients decode the same way. Pinned SDK version: see package.json.
import {
  decodeFromPayloadsAtIndex,
  decodeOptionalFailureToOptionalError,
} from '@temporalio/common/lib/internal-non-workflow';
import type { temporal } from '@temporalio/proto';
import { timelineQuery } from '../workflows/case-messages';
import type { TimelineEvent } from '../workflows/deadlines';
import { caseOfWorkflowId, caseTypeNames, type CaseType } from './case-types';
import { type DocketClient } from './cases';
import { deadlinesDueQuery } from './deadlines-due';
import { DocketClientError } from './errors';

/** The notice activities whose pending attempts count as undelivered notices. */
const NOTICE_ACTIVITIES = ['sendNotice', 'alertAdministrators'] as const;
type NoticeActivity = (typeof NOTICE_ACTIVITIES)[number];

export interface UndeliveredNotice {
  caseType: CaseType;
  caseNumber: string;
  workflowId: string;
  /** `retrying`: Temporal is still trying (a notice, or the administrators' alert about one); `failed`: given up. */
  state: 'retrying' | 'failed';
  /** `sendNotice` (a notice to staff or a party) or `alertAdministrators` (the alert about a failed one). */
  activity: NoticeActivity;
  /** The notice's key, when the failure or the attempt's heartbeat names it. */
  noticeKey: string | null;
  /** Attempts so far (retrying only). */
  attempts: number | null;
  /** The last failure: its type (SMTP_TRANSIENT, timeout kind...) and message. */
  lastFailure: { type: string | null; message: string } | null;
  /** When Temporal tries next (retrying, between attempts). */
  nextAttemptAt: string | null;
  /** When Temporal gives up (retrying): the activity's schedule-to-close deadline. */
  giveUpAt: string | null;
  /** When the notice was given up (failed). */
  failedAt: string | null;
  /** For a failed notice: whether the administrators' alert about it went out. */
  administrators: 'alerted' | 'alert-failed' | 'alert-pending' | null;
}

export interface UndeliveredNotices {
  notices: UndeliveredNotice[];
  casesScanned: number;
  /** More running cases than `limit`: the rest were not scanned. */
  truncated: boolean;
  /** Cases whose timeline could not be read (no worker answered): their failed notices are missing. */
  timelineUnavailable: string[];
  source: string;
}

export interface UndeliveredFilters {
  caseTypes?: CaseType[];
  /** Running cases to scan, 1-5,000 (default 1,000). */
  limit?: number;
}

const DEFAULT_LIMIT = 1_000;
const MAX_LIMIT = 5_000;
const CONCURRENCY = 8;
const QUERY_TIMEOUT_MS = 5_000;
const SOURCE =
  "Temporal: running cases from visibility; each case's pending notice activities (DescribeWorkflowExecution) and its timeline (query)";

const isoOf = (t: { seconds?: unknown; nanos?: number | null } | null | undefined): string | null => {
  if (!t || t.seconds === undefined || t.seconds === null) return null;
  const ms = Number(t.seconds) * 1000 + Math.round((t.nanos ?? 0) / 1e6);
  return ms > 0 ? new Date(ms).toISOString() : null;
};

/** The notice key a failure names: the activity's failure details carry it (notifications.ts). */
function noticeKeyOf(error: Error | undefined, heartbeat: unknown): string | null {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as Error).cause, depth++) {
    if (e instanceof ApplicationFailure) {
      const [first] = e.details ?? [];
      const key = (first as { noticeKey?: unknown } | undefined)?.noticeKey;
      if (typeof key === 'string') return key;
    }
    if (e instanceof TimeoutFailure) {
      const key = (e.lastHeartbeatDetails as { noticeKey?: unknown } | undefined)?.noticeKey;
      if (typeof key === 'string') return key;
    }
  }
  const key = (heartbeat as { noticeKey?: unknown } | undefined)?.noticeKey;
  return typeof key === 'string' ? key : null;
}

function failureOf(error: Error | undefined): UndeliveredNotice['lastFailure'] {
  if (!error) return null;
  if (error instanceof ApplicationFailure) return { type: error.type ?? null, message: error.message };
  if (error instanceof TimeoutFailure) {
    return { type: `TIMEOUT_${error.timeoutType ?? 'UNKNOWN'}`, message: error.message };
  }
  return { type: error.name, message: error.message };
}

async function pendingNotices(
  converter: LoadedDataConverter,
  found: { caseType: CaseType; caseNumber: string; workflowId: string },
  pending: temporal.api.workflow.v1.IPendingActivityInfo[],
): Promise<UndeliveredNotice[]> {
  const out: UndeliveredNotice[] = [];
  for (const activity of pending) {
    const type = activity.activityType?.name as NoticeActivity | undefined;
    if (!type || !(NOTICE_ACTIVITIES as readonly string[]).includes(type)) continue;
    const attempts = activity.attempt ?? 1;
    // A first attempt that has not failed yet is a notice being sent, not an undelivered one.
    if (attempts <= 1 && !activity.lastFailure) continue;
    const error = await decodeOptionalFailureToOptionalError(converter, activity.lastFailure).catch(
      () => undefined,
    );
    const heartbeat = activity.heartbeatDetails?.payloads?.length
      ? await decodeFromPayloadsAtIndex(converter, 0, activity.heartbeatDetails.payloads).catch(
          () => undefined,
        )
      : undefined;
    out.push({
      ...found,
      state: 'retrying',
      activity: type,
      noticeKey: noticeKeyOf(error, heartbeat),
      attempts,
      lastFailure: failureOf(error),
      nextAttemptAt: isoOf(activity.nextAttemptScheduleTime),
      giveUpAt: isoOf(activity.expirationTime),
      failedAt: null,
      administrators: null,
    });
  }
  return out;
}

function failedNotices(
  found: { caseType: CaseType; caseNumber: string; workflowId: string },
  timeline: TimelineEvent[],
  alertPending: boolean,
): UndeliveredNotice[] {
  const out: UndeliveredNotice[] = [];
  for (const event of timeline) {
    if (event.type !== 'notice.failed' || !event.noticeKey) continue;
    const later = timeline.filter((e) => e.noticeKey === event.noticeKey && e.at >= event.at);
    const administrators = later.some((e) => e.type === 'admin.alerted')
      ? 'alerted'
      : later.some((e) => e.type === 'admin.alert-failed')
        ? 'alert-failed'
        : alertPending
          ? 'alert-pending'
          : null;
    // The detail is "<kind> to <role>: <CODE>" (NoticeSender.sendAndRecord).
    const code = /: ([A-Z][A-Z0-9_]*)$/.exec(event.detail)?.[1] ?? null;
    out.push({
      ...found,
      state: 'failed',
      activity: 'sendNotice',
      noticeKey: event.noticeKey,
      attempts: null,
      lastFailure: { type: code, message: event.detail },
      nextAttemptAt: null,
      giveUpAt: null,
      failedAt: event.at,
      administrators,
    });
  }
  return out;
}

export async function undeliveredNotices(
  docket: DocketClient,
  filters: UndeliveredFilters = {},
): Promise<UndeliveredNotices> {
  const limit = filters.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw DocketClientError.of(
      'INVALID_INPUT',
      `undelivered notices: limit: an integer from 1 to ${MAX_LIMIT}`,
      { field: 'limit' },
    );
  }
  const caseTypes = filters.caseTypes ?? caseTypeNames();
  const result: UndeliveredNotices = {
    notices: [],
    casesScanned: 0,
    truncated: false,
    timelineUnavailable: [],
    source: SOURCE,
  };
  if (caseTypes.length === 0) return result;
  const client = docket.temporal;
  const converter = client.options.loadedDataConverter;
  const query = deadlinesDueQuery({ caseTypes });

  const cases: Array<{ caseType: CaseType; caseNumber: string; workflowId: string }> = [];
  await client.withDeadline(Date.now() + 30_000, async () => {
    for await (const info of client.workflow.list({ query, pageSize: Math.min(limit + 1, 1_000) })) {
      const found = caseOfWorkflowId(info.workflowId);
      if (!found) continue;
      if (cases.length === limit) {
        result.truncated = true;
        break;
      }
      cases.push({ ...found, workflowId: info.workflowId });
    }
  });

  const perCase = async (found: (typeof cases)[number]): Promise<UndeliveredNotice[]> => {
    const handle = client.workflow.getHandle(found.workflowId);
    const description = await client.withDeadline(Date.now() + 10_000, () => handle.describe());
    const pending = description.raw.pendingActivities ?? [];
    const retrying = await pendingNotices(converter, found, pending);
    let timeline: TimelineEvent[];
    try {
      timeline = await client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(timelineQuery));
    } catch {
      result.timelineUnavailable.push(found.workflowId);
      return retrying;
    }
    const alertPending = pending.some((p) => p.activityType?.name === 'alertAdministrators');
    return [...retrying, ...failedNotices(found, timeline, alertPending)];
  };

  let next = 0;
  const lane = async (): Promise<void> => {
    for (let i = next++; i < cases.length; i = next++) {
      const found = cases[i] as (typeof cases)[number];
      try {
        result.notices.push(...(await perCase(found)));
      } catch {
        // Closed between the listing and the describe, or unreadable: its timeline is what remains.
        result.timelineUnavailable.push(found.workflowId);
      }
      result.casesScanned += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, cases.length) }, lane));
  result.notices.sort(
    (a, b) =>
      a.workflowId.localeCompare(b.workflowId) || (a.noticeKey ?? '').localeCompare(b.noticeKey ?? ''),
  );
  result.timelineUnavailable.sort();
  return result;
}
