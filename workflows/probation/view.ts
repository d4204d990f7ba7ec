// How a probation record shows its actions: each one's probation period, look-back window and
// suspension days, read off the record's deadline book.
import { isDisciplinary, localDateOf, suspensionWindow } from '../../domain/cases/probation';
import {
  countsForDiscipline,
  issuedAt,
  lookbackKeyOf,
  probationKeyOf,
  type ProbationAction,
} from '../../domain/cases/probation-actions';
import { dueAtOf } from '../../domain/deadline/checks';
import type { TrackedDeadline } from '../deadlines';
import type { ActionView, ProbationRecordView, ProbationViolation } from './types';

/** An action's entry in the book by its policy key (`probation.written-warning` → `A3:probation...`). */
export type TrackedLookup = (
  action: ProbationAction,
  base: string | undefined,
) => TrackedDeadline | undefined;

export const running = (d: TrackedDeadline | undefined): boolean =>
  d !== undefined && (d.state === 'pending' || d.state === 'extended');

function probationView(probation: TrackedDeadline): NonNullable<ActionView['probation']> {
  return {
    key: probation.key,
    state: probation.state,
    startsOn: localDateOf(probation.entry.anchorAt),
    endsAt: dueAtOf(probation.entry),
    localText: probation.entry.localText,
    rule: probation.entry.rule,
    source: probation.entry.sourceText,
    extended: probation.entry.extensions.length > 0,
  };
}

function lookbackView(window: TrackedDeadline): NonNullable<ActionView['lookback']> {
  return {
    key: window.key,
    state: window.state,
    from: window.entry.anchorAt,
    until: dueAtOf(window.entry),
    localText: window.entry.localText,
    source: window.entry.sourceText,
  };
}

export function actionView(a: ProbationAction, tracked: TrackedLookup): ActionView {
  const probation = tracked(a, probationKeyOf(a.action));
  const window = isDisciplinary(a.action) ? tracked(a, lookbackKeyOf(a.action)) : undefined;
  const days = tracked(a, 'suspension.days');
  return {
    id: a.id,
    action: a.action,
    at: issuedAt(a),
    ...(a.events['notification.received'] ? { notifiedAt: a.events['notification.received'] } : {}),
    ...(a.incidentAt ? { incidentAt: a.incidentAt } : {}),
    ...(a.violationId ? { violationId: a.violationId } : {}),
    ...(a.policyVersion ? { policyVersion: a.policyVersion } : {}),
    ...(a.priorWrittenWarning ? { priorWrittenWarning: a.priorWrittenWarning } : {}),
    ...(probation ? { probation: probationView(probation) } : {}),
    awaitingNotification: a.awaiting.some((k) => k.startsWith('probation.')),
    ...(days ? { suspension: suspensionWindow(days.entry) } : {}),
    ...(window ? { lookback: lookbackView(window) } : {}),
    ...(a.removal ? { removal: { ...a.removal } } : {}),
    countsForProgressiveDiscipline: countsForDiscipline(a),
  };
}

export function recordView(
  employeeId: string,
  actions: readonly ProbationAction[],
  violations: readonly ProbationViolation[],
  tracked: TrackedLookup,
): ProbationRecordView {
  const on = (pred: (a: ProbationAction) => boolean) =>
    actions.filter((a) => pred(a) && running(tracked(a, probationKeyOf(a.action)))).map((a) => a.id);
  return {
    employeeId,
    actions: actions.map((a) => actionView(a, tracked)),
    violations: violations.map((v) => ({ ...v })),
    onInitialProbation: on((a) => !isDisciplinary(a.action)),
    onDisciplinaryProbation: on((a) => isDisciplinary(a.action)),
    countsForProgressiveDiscipline: actions.filter(countsForDiscipline).map((a) => a.id),
  };
}
