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
