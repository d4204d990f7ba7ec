// How a domain error crosses the Temporal boundary, the same way from a workflow's update validator
// and from an activity: a non-retryable ApplicationFailure whose type is the domain's stable code and
// whose details are its JSON details, so the caller (API, CLI) sees the rule, the limit and its source.
// Bad input does not get better on retry, hence non-retryable. Pure: safe in the workflow sandbox.
import { ApplicationFailure } from '@temporalio/common';
import { isDomainError } from '../domain/errors';

/** Runs `fn`; a DomainError it throws becomes a non-retryable ApplicationFailure with the same code. */
export function withDomainFailures<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isDomainError(err)) throw ApplicationFailure.nonRetryable(err.message, err.code, err.details);
    throw err;
  }
}
