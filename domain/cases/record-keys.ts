// A multi-entry record (a contract's violations, an employee's probation actions) keeps every item's
// schedule in its one deadline book, each entry under `<item ID>:<policy key>` (`V3:suspension.term`,
// `A2:probation.written-warning`), so the same policy key can run once per item.
import type { ScheduleEntry } from '../types';

/** An entry of one item's schedule as the record's book keys it, with what it caps and its extensions. */
export function keyedUnder(itemId: string, entry: ScheduleEntry): ScheduleEntry {
  return {
    ...entry,
    key: `${itemId}:${entry.key}`,
    ...(entry.capOf ? { capOf: `${itemId}:${entry.capOf}` } : {}),
    extensions: entry.extensions.map((x) => ({ ...x, key: `${itemId}:${x.key}` })),
  };
}
