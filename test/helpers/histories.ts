// Committed workflow histories guard running cases: test/replay.test.ts replays every file in
// test/histories against the current workflow code, so a change that would break a case already in
// flight fails the build. Record (or re-record, deliberately) with DOCKET_RECORD_HISTORIES=1.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export const HISTORIES_DIR = path.join(__dirname, '..', 'histories');

/** Saves the handle's full history as test/histories/<name>.json when recording is switched on. */
export async function recordHistoryIfAsked(handle: WorkflowHandle, name: string): Promise<boolean> {
  if (process.env.DOCKET_RECORD_HISTORIES !== '1') return false;
  const history = temporal.api.history.v1.History.fromObject(await handle.fetchHistory());
  writeFileSync(
    path.join(HISTORIES_DIR, `${name}.json`),
    JSON.stringify(historyToPlain(history), null, 1) + '\n',
  );
  return true;
}

// protobufjs' own object form (enum names, base64 bytes, string longs). The SDK's proto-JSON helpers
// trip over the two protobufjs copies its packages ship, so Docket stores this form instead.
const PLAIN = { enums: String, longs: String, bytes: String } as const;

export function historyToPlain(history: temporal.api.history.v1.IHistory): unknown {
  return temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), PLAIN);
}

export function historyFromPlain(plain: unknown): temporal.api.history.v1.History {
  return temporal.api.history.v1.History.fromObject(plain as Record<string, unknown>);
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The activity types of the local activities a history ran (their markers). */
export function localActivityTypes(events: readonly HistoryEvent[]): string[] {
  return events.flatMap((e) => {
    const marker = e.markerRecordedEventAttributes;
    const payload =
      marker?.markerName === 'core_local_activity' ? marker.details?.data?.payloads?.[0] : undefined;
    if (!payload?.data) return [];
    return [
      (JSON.parse(Buffer.from(payload.data).toString('utf8')) as { activity_type: string }).activity_type,
    ];
  });
}

/** How many times a history ran an activity: inline (a local activity) and scheduled on the task queue. */
export function activityRuns(
  events: readonly HistoryEvent[],
  activityType: string,
): { inline: number; scheduled: number } {
  return {
    inline: localActivityTypes(events).filter((t) => t === activityType).length,
    scheduled: events.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activityType,
    ).length,
  };
}
