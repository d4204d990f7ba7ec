// The deadline search: open cases with deadlines, answered from Temporal visibility (the search
// attributes every case keeps current), so there is no second database to drift from the workflows.
import type { Client } from '@temporalio/client';
import { getCalendar } from '../domain/calendar';
import { facilityCodeSchema, describeIssues } from '../domain/cases/common';
import { isDomainError } from '../domain/errors';
import { getPolicy } from '../domain/policies/registry';
import { formatLocalText } from '../domain/time';
import type { OverallDeadlineState } from '../workflows/deadlines';
import {
  CaseTypeKey,
  DeadlineStateKey,
  FacilityKey,
  JurisdictionKey,
  NextDeadlineKey,
  PolicyVersionKey,
  StageKey,
} from '../workflows/search-attributes';
import { caseOfWorkflowId, caseTypeNames, isCaseType, type CaseType } from './case-types';
import { DocketClientError } from './errors';

export const deadlineStates = ['on-track', 'at-risk', 'breached'] as const satisfies OverallDeadlineState[];

export interface DeadlinesDueFilters {
  /** Only these case types (all registered types when absent). */
  caseTypes?: readonly CaseType[];
  facility?: string;
  states?: readonly OverallDeadlineState[];
  /** Only cases whose next open deadline falls before this instant. */
  dueBefore?: string | Date;
  /** At most this many cases (default 100, at most 1000). */
  limit?: number;
}

/** One open case with a deadline, as Temporal visibility knows it (search attributes only). */
export interface DueCase {
  caseType: CaseType;
  caseNumber: string;
  workflowId: string;
  facility: string | null;
  jurisdiction: string | null;
  stage: string | null;
  deadlineState: OverallDeadlineState | null;
  /** The earliest deadline still open; null when none is (e.g. only breached ones remain). */
  nextDeadline: string | null;
  /** The same instant as the case's calendar shows it, e.g. `2026-12-09 23:59 CST`. */
  nextDeadlineLocal: string | null;
  policyVersion: string | null;
}

export interface DeadlinesDue {
  cases: DueCase[];
  /** More cases matched than `limit`: narrow the filters. */
  truncated: boolean;
  /** The visibility List Filter that answered, for the Temporal UI or CLI. */
  query: string;
}

/**
 * A deadline as the calendar of the policy the case pins (`PolicyVersion`, `id@version`) shows it:
 * what a supervisor reads in the alert email. Null when the case names no policy Docket knows.
 */
function localText(instant: Date | undefined, policyVersion: string | undefined): string | null {
  const [policyId, version] = policyVersion?.split('@') ?? [];
  if (instant === undefined || !policyId) return null;
  try {
    return formatLocalText(instant.getTime(), getCalendar(getPolicy(policyId, version).calendar).zone);
  } catch (err) {
    if (isDomainError(err)) return null;
    throw err;
  }
}

const DEFAULT_DUE_LIMIT = 100;
const MAX_DUE_LIMIT = 1_000;

/**
 * The List Filter for deadlinesDue. Every value is checked against a narrow alphabet first (case
 * types from the registry, facility codes, fixed states, an instant re-serialised by Date), so
 * nothing a caller sends can change the query's structure.
 */
export function deadlinesDueQuery(filters: DeadlinesDueFilters = {}): string {
  const types = filters.caseTypes ?? caseTypeNames();
  for (const type of types) {
    if (!isCaseType(type)) throw invalidFilter('caseType', `unknown case type ${String(type)}`);
  }
  if (types.length === 0) throw invalidFilter('caseType', 'at least one case type');
  const clauses = [
    `ExecutionStatus = 'Running'`,
    `${CaseTypeKey.name} IN (${types.map((t) => `'${t}'`).join(', ')})`,
  ];
  if (filters.facility !== undefined) {
    const facility = facilityCodeSchema.safeParse(filters.facility);
    if (!facility.success) throw invalidFilter('facility', describeIssues(facility.error));
    clauses.push(`${FacilityKey.name} = '${facility.data}'`);
  }
  if (filters.states !== undefined && filters.states.length > 0) {
    for (const state of filters.states) {
      if (!(deadlineStates as readonly string[]).includes(state)) {
        throw invalidFilter('state', `state must be one of ${deadlineStates.join(', ')}`);
      }
    }
    clauses.push(`${DeadlineStateKey.name} IN (${filters.states.map((s) => `'${s}'`).join(', ')})`);
  }
  if (filters.dueBefore !== undefined) {
    const dueBefore = new Date(filters.dueBefore);
    if (Number.isNaN(dueBefore.getTime())) {
      throw invalidFilter('dueBefore', 'dueBefore must be an ISO-8601 instant');
    }
    clauses.push(`${NextDeadlineKey.name} < '${dueBefore.toISOString()}'`);
  }
  return clauses.join(' AND ');
}

function invalidFilter(field: string, message: string): DocketClientError {
  return DocketClientError.of('INVALID_INPUT', `deadlines due: ${field}: ${message}`, { field });
}

/** The filters checked: the List Filter to run and how many cases to return at most. */
export function dueSearch(filters: DeadlinesDueFilters = {}): { query: string; limit: number } {
  const limit = filters.limit ?? DEFAULT_DUE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DUE_LIMIT) {
    throw invalidFilter('limit', `limit must be an integer from 1 to ${MAX_DUE_LIMIT}`);
  }
  return { query: deadlinesDueQuery(filters), limit };
}

/** The cases the List Filter finds, soonest next deadline first; `truncated` when more than `limit` matched. */
export async function listDueCases(
  client: Client,
  query: string,
  limit: number,
): Promise<{ cases: DueCase[]; truncated: boolean }> {
  const cases: DueCase[] = [];
  let truncated = false;
  for await (const info of client.workflow.list({ query, pageSize: limit + 1 })) {
    const found = caseOfWorkflowId(info.workflowId);
    if (!found) continue;
    if (cases.length === limit) {
      truncated = true;
      break;
    }
    const attributes = info.typedSearchAttributes;
    const state = attributes.get(DeadlineStateKey);
    cases.push({
      ...found,
      workflowId: info.workflowId,
      facility: attributes.get(FacilityKey) ?? null,
      jurisdiction: attributes.get(JurisdictionKey) ?? null,
      stage: attributes.get(StageKey) ?? null,
      deadlineState: (deadlineStates as readonly string[]).includes(state ?? '')
        ? (state as OverallDeadlineState)
        : null,
      nextDeadline: attributes.get(NextDeadlineKey)?.toISOString() ?? null,
      nextDeadlineLocal: localText(attributes.get(NextDeadlineKey), attributes.get(PolicyVersionKey)),
      policyVersion: attributes.get(PolicyVersionKey) ?? null,
    });
  }
  // Visibility on SQL stores cannot ORDER BY a custom attribute, so the order is made here.
  cases.sort(
    (a, b) =>
      (a.nextDeadline === null ? 1 : 0) - (b.nextDeadline === null ? 1 : 0) ||
      (a.nextDeadline ?? '').localeCompare(b.nextDeadline ?? '') ||
      a.caseNumber.localeCompare(b.caseNumber),
  );
  return { cases, truncated };
}
