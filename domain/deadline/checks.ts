// Guards for the workflows' update validators. They work from a ScheduleEntry alone (plain data
// recorded in workflow history), so a validator needs no calendar, policy or holiday data to run.
import { DomainError } from '../errors';
import { parseInstant } from '../time';
import type {
  DeadlineScheduleEntry,
  IsoInstant,
  LowerBoundScheduleEntry,
  Schedule,
  ScheduleEntry,
} from '../types';

function ruleDetails(entry: ScheduleEntry): { key: string; rule: string; source: string } {
  return { key: entry.key, rule: entry.rule, source: entry.sourceText };
}

/** Narrows an entry to a deadline with its `dueAt`. */
export function isDeadlineEntry(entry: ScheduleEntry): entry is DeadlineScheduleEntry {
  return entry.kind === 'deadline' && Boolean(entry.dueAt);
}

/** Narrows an entry to a lower bound with its `earliest`. */
export function isLowerBoundEntry(entry: ScheduleEntry): entry is LowerBoundScheduleEntry {
  return entry.kind === 'lowerBound' && Boolean(entry.earliest);
}

/** The last instant of a deadline entry; UNKNOWN_ENTRY when the entry is not a deadline. */
export function dueAtOf(entry: ScheduleEntry): IsoInstant {
  if (!isDeadlineEntry(entry)) {
    throw new DomainError('UNKNOWN_ENTRY', `${entry.key} is not a deadline`, { key: entry.key });
  }
  return entry.dueAt;
}

/** The first instant of a lower-bound entry; UNKNOWN_ENTRY when the entry is not a lower bound. */
export function earliestOf(entry: ScheduleEntry): IsoInstant {
  if (!isLowerBoundEntry(entry)) {
    throw new DomainError('UNKNOWN_ENTRY', `${entry.key} is not a lower bound`, { key: entry.key });
  }
  return entry.earliest;
}

/** Throws DEADLINE_PASSED when `at` is after the entry's deadline. */
export function checkDeadline(entry: ScheduleEntry, at: string): void {
  const dueAt = dueAtOf(entry);
  const when = parseInstant(at, entry.completedBy ?? entry.key);
  if (when > parseInstant(dueAt, 'dueAt')) {
    throw new DomainError(
      'DEADLINE_PASSED',
      `${entry.key}: ${at} is after the deadline ${entry.localText} (${entry.rule}; ${entry.sourceText})`,
      { ...ruleDetails(entry), field: entry.completedBy ?? entry.key, value: at, dueAt },
    );
  }
}

/** Throws TOO_EARLY when `at` is before the entry's lower bound. */
export function checkNotBefore(entry: ScheduleEntry, at: string): void {
  const earliest = earliestOf(entry);
  const when = parseInstant(at, entry.completedBy ?? entry.key);
  if (when < parseInstant(earliest, 'earliest')) {
    throw new DomainError(
      'TOO_EARLY',
      `${entry.key}: ${at} is too early; the earliest allowed time is ${entry.localText} (${entry.rule}; ${entry.sourceText})`,
      { ...ruleDetails(entry), field: entry.completedBy ?? entry.key, value: at, earliest },
    );
  }
}

/**
 * Checks a new event against a schedule before it is recorded: lower bounds it is constrained by, and
 * deadlines of the subject (inmate, party, employee) it would satisfy, whose late filing is refused.
 * Late acts by staff are not refused: they are breaches, already alerted, and must still be recorded.
 */
export function checkEvent(schedule: Schedule, eventKey: string, at: string): void {
  for (const entry of schedule.entries) {
    if (entry.completedBy !== eventKey || entry.periodEnd) continue;
    if (entry.kind === 'lowerBound') checkNotBefore(entry, at);
    // An extension already moved dueAt, so a filing within an extended period passes here.
    else if (entry.actor === 'subject' && !entry.capOf) checkDeadline(entry, at);
  }
}

export function findEntry(schedule: Schedule, key: string): ScheduleEntry {
  const entry = schedule.entries.find((candidate) => candidate.key === key);
  if (!entry) {
    throw new DomainError(
      'UNKNOWN_ENTRY',
      `schedule has no entry '${key}' (has: ${schedule.entries.map((e) => e.key).join(', ')})`,
      { key, known: schedule.entries.map((e) => e.key) },
    );
  }
  return entry;
}
