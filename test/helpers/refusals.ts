// The whole refusal chain of a case event: the Update failed, and its cause is the validator's
// non-retryable ApplicationFailure with a stable code and a message naming the rule.
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';

export async function expectRefused(
  promise: Promise<unknown>,
  code: string,
  message: RegExp,
): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (err as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  expect((cause as ApplicationFailure).type).toBe(code);
  expect((cause as ApplicationFailure).nonRetryable).toBe(true);
  expect((cause as ApplicationFailure).message).toMatch(message);
  return cause as ApplicationFailure;
}
