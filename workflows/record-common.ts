// What the multi-entry records (the contract record, the probation record) do the same way: find
// one of their items by ID, tell of one of their entries, find, validate, adopt, record and tell an
// approved extension.
// Each record keeps the state around these calls; the commands they emit are the runtime's own, in
// the caller's order.
import { validateExtension } from '../domain/deadline/extensions';
import type { ExtensionRecord, Schedule, ScheduleEntry } from '../domain/types';
import type { CaseRuntime } from './case-runtime';
import type { TrackedDeadline } from './deadlines';
import { guard, refuse } from './refusals';

/** A record of items (violations, actions), each with its own schedule kept under its ID in one book. */
export interface ItemRecord<Item extends ItemSchedule, Stage extends string> {
  readonly runtime: CaseRuntime<Stage>;
  computeFor(item: Item, events: Record<string, string>, extensions: ExtensionRecord[]): Promise<Schedule>;
  adopt(item: Item, schedule: Schedule): void;
}

export interface ItemSchedule {
  events: Record<string, string>;
  extensions: ExtensionRecord[];
}

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

/**
 * The deadline an extension request names (`V1:warning.response`), with the item and rule its key
 * splits into, or UNKNOWN_DEADLINE with the keys the record has.
 */
export function requestedDeadline<Stage extends string, Parts>(
  runtime: CaseRuntime<Stage>,
  key: string,
  split: (key: string) => Parts | undefined,
): { parts: Parts; deadline: TrackedDeadline } {
  const parts = split(key);
  const deadline = runtime.deadline(key);
  if (!parts || !deadline) {
    refuse('UNKNOWN_DEADLINE', `no deadline ${key} on this record`, {
      key,
      known: runtime.deadlineViews().map((d) => d.key),
    });
  }
  return { parts, deadline };
}

/** An extension request checked against the policy's extension terms recorded with the (unprefixed) entry. */
export function validatedExtension(
  policy: { id: string; version: string },
  entry: ScheduleEntry,
  request: Omit<ExtensionRecord, 'key' | 'grantedAt'> & { at: string },
): ExtensionRecord {
  return guard(() =>
    validateExtension({ ...policy, rules: [{ key: entry.key, extension: entry.extensionPolicy }] }, entry, {
      ...request,
      grantedAt: request.at,
    }),
  );
}

/**
 * An approved extension taken into one item's schedule: recomputed with it first (a failure changes
 * nothing), then adopted and put on the timeline. Returns the entry it moved and the item's count.
 */
export async function adoptExtension<Item extends ItemSchedule, Stage extends string>(
  record: ItemRecord<NoInfer<Item>, Stage>,
  item: Item,
  request: { key: string; at: string; approvedBy: string },
  extension: ExtensionRecord,
): Promise<{ entry: ScheduleEntry; count: number }> {
  const extensions = [...item.extensions, extension];
  const schedule = await record.computeFor(item, item.events, extensions);
  item.extensions = extensions;
  record.adopt(item, schedule);
  return { entry: recordExtension(record.runtime, request, extension), count: extensions.length };
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
