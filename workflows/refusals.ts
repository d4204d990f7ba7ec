// How a case workflow refuses: a non-retryable failure whose type is a stable code from the one list
// (domain/errors.ts), with details naming the field, the value and the rule. A refusal thrown in an
// update's validator leaves no trace in history.
import { ApplicationFailure } from '@temporalio/workflow';
import type { ZodError } from 'zod';
import { describeIssues } from '../domain/cases/common';
import type { RefusalCode } from '../domain/errors';
import { withDomainFailures } from '../infra/domain-failure';

/**
 * Runs a validator check and turns a domain error into a non-retryable ApplicationFailure with the
 * domain's stable code and details, so the caller (API, CLI) sees the rule, the limit and its source.
 */
export function guard<T>(check: () => T): T {
  return withDomainFailures(check);
}

/** Parses an update's payload with its zod schema; a bad payload is refused naming the field. */
export function parsePayload<T>(
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: ZodError } },
  raw: unknown,
  what: string,
): T {
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw ApplicationFailure.nonRetryable(`${what}: ${describeIssues(result.error)}`, 'INVALID_INPUT', {
      field: result.error.issues[0]?.path.join('.'),
    });
  }
  return result.data;
}

/** Refuses an update with a code from the one list of refusal codes, which the API documents. */
export function refuse(code: RefusalCode, message: string, details: Record<string, unknown> = {}): never {
  throw ApplicationFailure.nonRetryable(message, code, details);
}

/** An event may not be dated in the future: case systems record what has happened. */
export function refuseFutureEvent(at: string, field = 'at'): void {
  const skewMs = 5 * 60_000;
  if (Date.parse(at) > Date.now() + skewMs) {
    refuse('EVENT_IN_FUTURE', `${field} ${at} is in the future; record events once they have happened`, {
      field,
      value: at,
    });
  }
}
