// Docket's own counters for notices, emitted through the Temporal SDK's metric meter so they are served
// on the worker's Prometheus endpoint beside the SDK's runtime metrics (worker/main.ts). Labels are
// the case type, the facility code and the notice kind only: never a case number, a workflow ID or
// anyone's name, so a dashboard can be shared without sharing case data.
import { Context } from '@temporalio/activity';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import type { NoticeRequest, NoticeResult } from './notifications';

export const NOTICE_METRICS = {
  sent: 'docket_notices_sent',
  deduplicated: 'docket_notices_deduplicated',
  failed: 'docket_notices_failed',
} as const;

/** The meter of the running activity; none outside one (a unit test calling the function directly). */
function activityMeter(): MetricMeter | undefined {
  try {
    return Context.current().metricMeter;
  } catch {
    return undefined;
  }
}

/** Only well-formed short codes become label values; anything else is counted as `other`. */
const label = (value: unknown): string =>
  typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(value) ? value : 'other';

export function noticeTags(request: Partial<NoticeRequest> | undefined): MetricTags {
  return {
    case_type: label(request?.caseType),
    facility: label(request?.facility),
    kind: label(request?.kind),
  };
}

/**
 * Counts each attempt's outcome: `sent` (the relay accepted it now), `deduplicated` (an earlier
 * attempt's message was accepted, nothing sent again) or `failed` (the attempt ended in an error;
 * a notice Temporal retries counts once per failed attempt).
 */
export function countNoticeOutcomes(
  send: (request: NoticeRequest) => Promise<NoticeResult>,
): (request: NoticeRequest) => Promise<NoticeResult> {
  return async (request) => {
    const meter = activityMeter();
    const tags = noticeTags(request);
    let result: NoticeResult;
    try {
      result = await send(request);
    } catch (err) {
      meter?.createCounter(NOTICE_METRICS.failed, '1', 'Notice attempts that failed').add(1, tags);
      throw err;
    }
    const name = result.status === 'sent' ? NOTICE_METRICS.sent : NOTICE_METRICS.deduplicated;
    meter
      ?.createCounter(
        name,
        '1',
        result.status === 'sent'
          ? 'Notices the mail relay accepted'
          : 'Notice attempts that found their message already accepted and sent nothing',
      )
      .add(1, tags);
    return result;
  };
}
