// The checks a contract record's update validators run before anything changes: a refusal leaves no
// trace in history. Each names the field, the value and the rule it breaks.
import type { z } from 'zod';
import type { extensionRequestSchema } from '../domain/cases/common';
import {
  CONTRACT_POLICY_ID,
  REQUIREMENT_EVENTS,
  REQUIREMENT_LABELS,
  requireResumable,
  sanctionWords,
  splitViolationKey,
  type ContractHeading,
  type ContractViolation,
  type ResumptionRequirement,
} from '../domain/cases/contract';
import { checkNotBefore } from '../domain/deadline/checks';
import type { ExtensionRecord } from '../domain/types';
import { guard, refuse, refuseFutureEvent } from './refusals';
import { requestedDeadline, validatedExtension } from './record-common';
import type { ContractRecord } from './contract-record';

export type ExtensionRequest = z.output<typeof extensionRequestSchema>;

export function checkViolation(
  record: ContractRecord,
  input: { at: string; heading: ContractHeading; reference: string },
): void {
  record.runtime.requireOpen('confirming a violation');
  refuseFutureEvent(input.at);
  const same = record.violations.find((v) => v.reference === input.reference);
  if (same) {
    refuse(
      'DUPLICATE_EVENT',
      `violation ${input.reference} was already confirmed as ${same.id} (${same.at})`,
      {
        field: 'reference',
        value: input.reference,
      },
    );
  }
  // The count depends on the order of the violations, so they are recorded in the order confirmed.
  const latest = record.violations.at(-1);
  if (latest && Date.parse(input.at) < Date.parse(latest.at)) {
    refuse(
      'EVENT_OUT_OF_ORDER',
      `the violation confirmed ${input.at} is dated before ${latest.id} (${latest.at}); record violations in the order they were confirmed`,
      { field: 'at', value: input.at, earlier: latest.id },
    );
  }
}

function refuseNotApplicable(
  record: ContractRecord,
  kind: ResumptionRequirement,
  v: ContractViolation | undefined,
): never {
  const osha = kind === 'osha-survey' && record.setting('osha-survey') !== 'required';
  const why = v
    ? `${v.id} (${sanctionWords(record.rungOf(v))}, ${record.rungOf(v).section}) does not require it`
    : osha && record.policyVersion
      ? 'the agency does not require the OSHA survey (agency setting nc-doc-contract.osha-survey = not-required)'
      : 'no violation on this record is waiting for it';
  refuse('NOT_APPLICABLE', `${REQUIREMENT_LABELS[kind]}: ${why}`, {
    requirement: kind,
    ...(v ? { violationId: v.id } : {}),
  });
}

/** The violation a letter, review or survey is for: the one named, or the only one waiting. */
export function requirementTarget(
  record: ContractRecord,
  kind: ResumptionRequirement,
  input: { at: string; violationId?: string },
): ContractViolation {
  record.runtime.requireOpen(`recording ${REQUIREMENT_LABELS[kind]}`);
  refuseFutureEvent(input.at);
  const event = REQUIREMENT_EVENTS[kind];
  const needs = (v: ContractViolation) => record.requirements(v).some((r) => r.requirement === kind);
  const waiting = record.violations.filter((v) => needs(v) && !v.events[event] && !v.resumedAt);
  const v = input.violationId ? record.find(input.violationId) : waiting[0];
  if (!v || !needs(v)) refuseNotApplicable(record, kind, v);
  if (!input.violationId && waiting.length > 1) {
    refuse(
      'AMBIGUOUS_VIOLATION',
      `${waiting.map((w) => w.id).join(' and ')} both wait for ${REQUIREMENT_LABELS[kind]}: name one in violationId`,
      { field: 'violationId', known: waiting.map((w) => w.id) },
    );
  }
  if (v.events[event])
    refuse('DUPLICATE_EVENT', `${event} for ${v.id} was already recorded at ${v.events[event]}`);
  if (Date.parse(input.at) < Date.parse(v.at)) {
    refuse('EVENT_OUT_OF_ORDER', `${event} at ${input.at} is before ${v.id} was confirmed (${v.at})`, {
      field: 'at',
      value: input.at,
      earlier: v.id,
    });
  }
  return v;
}

/** A resumption before a suspension has run, or before what it requires, is refused with the rule. */
export function checkResumption(record: ContractRecord, at: string): void {
  record.runtime.requireOpen('resuming the contract');
  refuseFutureEvent(at);
  const suspended = record.inForce();
  if (suspended.length === 0)
    refuse('NOT_SUSPENDED', 'the contract is not suspended: there is nothing to resume');
  for (const v of suspended) {
    const bound = record.runtime.lowerBound(`${v.id}:resumption.earliest`);
    if (bound) guard(() => checkNotBefore(bound, at));
  }
  guard(() =>
    requireResumable(
      suspended.map((v) => record.suspensionState(v)),
      at,
    ),
  );
}

export function checkEnd(record: ContractRecord, at: string): void {
  record.runtime.requireOpen('ending the contract');
  refuseFutureEvent(at);
}

/** The book's extension entry for a request, validated against the terms recorded with it. */
export function extensionFor(
  record: ContractRecord,
  request: ExtensionRequest,
): { v: ContractViolation; record: ExtensionRecord } {
  record.runtime.requireOpen('an extension');
  refuseFutureEvent(request.at);
  const { parts, deadline } = requestedDeadline(record.runtime, request.key, splitViolationKey);
  const v = record.find(parts.violationId);
  const entry = { ...deadline.entry, key: parts.base };
  const extension = validatedExtension(
    { id: CONTRACT_POLICY_ID, version: record.policyVersion },
    entry,
    request,
  );
  return { v, record: extension };
}
