// The actions of one employee's probation record (Arkansas DOC SD 2022-17 §III.D-F) as the record
// holds them: which policy rules each one carries, its events and facts for the schedule, and how its
// entries are keyed in the record's one deadline book (`A3:probation.written-warning`). Pure: it reads
// only what the record already holds.
import type { ExtensionRecord, ScheduleEntry } from '../types';
import {
  isDisciplinary,
  priorWrittenWarning,
  suspensionDayZero,
  type ActionKind,
  type DisciplinaryAction,
  type ParsedAction,
} from './probation';

export interface ProbationAction {
  /** A1, A2, ... in the order recorded. */
  id: string;
  action: ActionKind;
  /** The events of its schedule (policy event keys → instants). */
  events: Record<string, string>;
  facts: Record<string, string | number | boolean>;
  extensions: ExtensionRecord[];
  /** The policy version its schedule was first computed with; a recomputation keeps it. */
  policyVersion?: string;
  recordedBy: string;
  incidentAt?: string;
  violationId?: string;
  suspension?: { workingDays: number; licenseSuspension: boolean; firstDay: string };
  /** The earlier written warning that makes this one's probation at least 9 months (§III.D.3.b). */
  priorWrittenWarning?: string;
  /** Its entries in the book (`A3:probation.written-warning`, ...). */
  keys: string[];
  /** Policy keys still waiting for an event (e.g. the probation, for the employee's notification). */
  awaiting: string[];
  /** When its probation ended: from then on it is not a consideration for progressive discipline (§III.E.3). */
  probationEndedAt?: string;
  /** A verbal warning's removal (§III.D.3.a.iii). */
  removal?: {
    eligibleFrom: string;
    eligibleText: string;
    notifiedAt?: string;
    blockedBy?: string[];
    removedAt?: string;
  };
}

/** The probation rule an action carries (§III.D.3.b-d, §III.F.2); a verbal warning carries none (§III.D.3.a.ii). */
export function probationKeyOf(action: ActionKind): string | undefined {
  if (action === 'initial-hire' || action === 'promotion') return 'probation.initial';
  if (action === 'verbal-warning') return undefined;
  return `probation.${action}`;
}

export const lookbackKeyOf = (action: DisciplinaryAction): string =>
  action === 'suspension' || action === 'demotion' ? 'lookback.suspension' : 'lookback.warning';

export const issuedAt = (action: ProbationAction): string =>
  action.events['action.issued'] ?? action.events.hired ?? action.events.promoted ?? '';

/** Whether it may still be considered for progressive discipline (§III.E.3, §III.D.3.a.iii). */
export function countsForDiscipline(action: ProbationAction): boolean {
  if (!isDisciplinary(action.action)) return false;
  if (action.action === 'verbal-warning') return !action.removal?.removedAt;
  return action.probationEndedAt === undefined;
}

/** `A3:probation.written-warning` → the action and the policy key. */
export function splitKey(key: string): { actionId: string; base: string } | undefined {
  const match = /^(A\d+):(.+)$/.exec(key);
  return match ? { actionId: match[1] as string, base: match[2] as string } : undefined;
}

/** An entry of the book as its action's policy keys it (for the domain's checks). */
export function unprefixed(entry: ScheduleEntry): ScheduleEntry {
  const strip = (key: string) => splitKey(key)?.base ?? key;
  return {
    ...entry,
    key: strip(entry.key),
    ...(entry.capOf ? { capOf: strip(entry.capOf) } : {}),
    extensions: entry.extensions.map((x) => ({ ...x, key: strip(x.key) })),
  };
}

/** The facts an action's schedule is computed with. */
export function factsOf(input: ParsedAction): Record<string, string | number | boolean> {
  if (input.action !== 'suspension') return { action: input.action };
  return {
    action: 'suspension',
    suspensionWorkingDays: input.suspension.workingDays,
    licenseSuspension: input.suspension.licenseSuspension,
    suspensionLength: String(input.suspension.workingDays),
  };
}

/**
 * The events an action's schedule starts from and, for a written warning, the earlier one it is
 * measured against (§III.D.3.b), from the actions already on the record.
 */
export function eventsOf(
  input: ParsedAction,
  earlier: readonly ProbationAction[],
): { events: Record<string, string>; prior?: string } {
  switch (input.action) {
    case 'initial-hire':
      return { events: { hired: input.hiredAt } };
    case 'promotion':
      return { events: { promoted: input.promotedAt } };
    case 'verbal-warning':
      // No disciplinary probation for a verbal warning (§III.D.3.a.ii): its notification starts nothing.
      return { events: { 'action.issued': input.issuedAt } };
    default: {
      const events: Record<string, string> = { 'action.issued': input.issuedAt };
      if (input.notifiedAt) events['notification.received'] = input.notifiedAt;
      if (input.action === 'suspension') {
        events['suspension.day-zero'] = suspensionDayZero(input.suspension.firstDay);
      }
      if (input.action !== 'written-warning') return { events };
      const prior = priorWrittenWarning(
        earlier
          .filter((a) => a.action === 'written-warning')
          .map((a) => ({ id: a.id, issuedAt: issuedAt(a) })),
        input.issuedAt,
      );
      if (prior) events['written-warning.prior'] = prior.issuedAt;
      return prior ? { events, prior: prior.id } : { events };
    }
  }
}
