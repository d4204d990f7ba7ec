// What the multi-entry records (the contract record, the probation record) do the same way: find
// one of their items by ID, tell of one of their entries, record and tell an approved extension.
// Each record keeps the state around these calls; the commands they emit are the runtime's own, in
// the caller's order.
import type { ExtensionRecord, ScheduleEntry } from '../domain/types';
import type { CaseRuntime } from './case-runtime';
import type { TrackedDeadline } from './deadlines';
import { refuse } from './refusals';

/** The record's item with this ID, or a refusal naming the field and the IDs the record has. */
export function findOnRecord<T extends { id: string }>(
  items: readonly T[],
  id: string,
  what: { code: 'UNKNOWN_ACTION' | 'UNKNOWN_VIOLATION'; noun: string; field: string },
): T {
  const found = items.find((item) => item.id === id);
  if (!found) {
    refuse(what.code, `no ${what.noun} ${id} on this record`, {
      field: what.field,
      value: id,
      known: items.map((item) => item.id),
    });
  }
  return found;
}

/** A notice about one of the record's entries, with what happened and what to do in its words. */
export async function tellOfEntry<Stage extends string>(
  runtime: CaseRuntime<Stage>,
  role: string,
  noticeKey: string,
  entry: ScheduleEntry,
  what: string,
  context: Record<string, string>,
): Promise<void> {
  await runtime.notify({ kind: 'reminder', noticeKey, role, entry: { ...entry, action: what }, context });
}

/** An approved extension on the timeline; returns the entry it moved, as the book now tracks it. */
export function recordExtension<Stage extends string>(
  runtime: CaseRuntime<Stage>,
  request: { key: string; at: string; approvedBy: string },
  record: ExtensionRecord,
): ScheduleEntry {
  const entry = (runtime.deadline(request.key) as TrackedDeadline).entry;
  runtime.record({
    at: request.at,
    type: 'deadline.extended',
    actor: request.approvedBy,
    detail: `${request.key} to ${record.dueAt} by ${record.approverRole}: ${record.reason}`,
  });
  return entry;
}

/** The extended entry's responsible role is told of its new date. */
export async function tellExtension<Stage extends string>(
  runtime: CaseRuntime<Stage>,
  key: string,
  count: number,
  entry: ScheduleEntry,
): Promise<void> {
  await runtime.notify({
    kind: 'extension',
    noticeKey: `${key}/extension/${count}`,
    role: entry.responsibleRole,
    entry,
  });
}
