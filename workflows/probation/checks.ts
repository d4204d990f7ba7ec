// Whether a new action fits the probation record: refused here, in the update's validator, it leaves
// no trace in history.
import {
  ACTION_LABELS,
  actionDate,
  isDisciplinary,
  PROBATION_POLICY_ID,
  type ParsedAction,
} from '../../domain/cases/probation';
import { issuedAt, type ProbationAction } from '../../domain/cases/probation-actions';
import { getPolicy } from '../../domain/policies/registry';
import { resolveFacts } from '../../domain/schedule/inputs';
import { guard, refuse, refuseFutureEvent } from '../refusals';
import type { ProbationViolation } from './types';

type Disciplinary = Exclude<ParsedAction, { action: 'initial-hire' | 'promotion' }>;

/** Refuses an action that does not fit the record (the record's stage is checked by the caller). */
export function checkAction(
  input: ParsedAction,
  actions: readonly ProbationAction[],
  violations: readonly ProbationViolation[],
  policyVersion: string | undefined,
): void {
  const at = actionDate(input);
  refuseFutureEvent(
    at,
    input.action === 'initial-hire' ? 'hiredAt' : input.action === 'promotion' ? 'promotedAt' : 'issuedAt',
  );
  if (input.action === 'initial-hire' || input.action === 'promotion') {
    checkInitialStart(input.action, at, actions);
    return;
  }
  checkDates(input, at);
  if (input.violationId && !violations.some((v) => v.id === input.violationId)) {
    refuse('UNKNOWN_VIOLATION', `no violation ${input.violationId} on this record`, {
      field: 'violationId',
      value: input.violationId,
      known: violations.map((v) => v.id),
    });
  }
  checkOrder(input, at, actions);
  if (input.action === 'suspension') checkSuspension(input, at, policyVersion);
}

/** One initial hire; a promotion not before it. */
function checkInitialStart(
  action: 'initial-hire' | 'promotion',
  at: string,
  actions: readonly ProbationAction[],
): void {
  const hire = actions.find((a) => a.action === 'initial-hire');
  if (action === 'initial-hire') {
    if (hire)
      refuse('DUPLICATE_EVENT', `the initial hire was already recorded (${hire.id}, ${hire.events.hired})`, {
        key: 'hired',
      });
    return;
  }
  const hired = hire?.events.hired;
  if (hired && Date.parse(at) < Date.parse(hired)) {
    refuse('EVENT_OUT_OF_ORDER', `the promotion at ${at} is before the initial hire (${hired})`, {
      field: 'promotedAt',
      value: at,
      earlier: 'hired',
    });
  }
}

/** The notification not in the future nor before the action; the incident not after it. */
function checkDates(input: Disciplinary, at: string): void {
  if (input.notifiedAt) {
    refuseFutureEvent(input.notifiedAt, 'notifiedAt');
    if (Date.parse(input.notifiedAt) < Date.parse(at)) {
      refuse('EVENT_OUT_OF_ORDER', `notifiedAt ${input.notifiedAt} is before the action was issued (${at})`, {
        field: 'notifiedAt',
        value: input.notifiedAt,
        earlier: 'action.issued',
      });
    }
  }
  if (input.incidentAt && Date.parse(input.incidentAt) > Date.parse(at)) {
    refuse('EVENT_OUT_OF_ORDER', `incidentAt ${input.incidentAt} is after the action was issued (${at})`, {
      field: 'incidentAt',
      value: input.incidentAt,
    });
  }
}

/**
 * Which earlier warning a written warning is measured against (§III.D.3.b) and which windows a
 * violation falls in depend on the order of the actions, so they are recorded in that order.
 */
function checkOrder(input: Disciplinary, at: string, actions: readonly ProbationAction[]): void {
  const latest = actions
    .filter((a) => isDisciplinary(a.action))
    .sort((a, b) => Date.parse(issuedAt(b)) - Date.parse(issuedAt(a)))[0];
  if (latest && Date.parse(at) < Date.parse(issuedAt(latest))) {
    refuse(
      'EVENT_OUT_OF_ORDER',
      `the ${ACTION_LABELS[input.action]} issued ${at} is dated before ${latest.id} (${issuedAt(latest)}); record disciplinary actions in the order they were issued`,
      { field: 'issuedAt', value: at, earlier: latest.id },
    );
  }
}

function checkSuspension(
  input: Extract<ParsedAction, { action: 'suspension' }>,
  at: string,
  policyVersion: string | undefined,
): void {
  // The policy's own range check: 1 to 10 working days, 15 in the driver's-license case.
  guard(() =>
    resolveFacts(getPolicy(PROBATION_POLICY_ID, policyVersion), {
      action: 'suspension',
      suspensionWorkingDays: input.suspension.workingDays,
      licenseSuspension: input.suspension.licenseSuspension,
    }),
  );
  // Exact checks against the recorded calendar follow once the window is computed.
  if (Date.parse(`${input.suspension.firstDay}T23:59:59.999-06:00`) < Date.parse(at)) {
    refuse(
      'EVENT_OUT_OF_ORDER',
      `suspension.firstDay ${input.suspension.firstDay} is before the suspension was issued (${at})`,
      { field: 'suspension.firstDay', value: input.suspension.firstDay },
    );
  }
}
