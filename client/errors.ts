// What the client throws: a DocketClientError with a stable code a caller branches on. It carries no
// HTTP status: the API maps each code to one (server/api/errors.ts). The translations below turn what
// Temporal and the domain throw into these errors.
import {
  isGrpcServiceError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isDomainError } from '../domain/errors';

/**
 * The codes the client gives its own errors (a case's refusal carries the case's code instead, one
 * of `refusalCodes` in domain/errors.ts). Stable: callers branch on them.
 */
export const clientErrorCodes = [
  'INVALID_INPUT',
  'INVALID_IDEMPOTENCY_KEY',
  'UNKNOWN_EVENT',
  'CASE_NOT_FOUND',
  'CASE_CONFLICT',
  'CASE_CLOSED',
  'UPDATE_FAILED',
  'UPDATE_ABORTED',
  'TEMPORAL_UNAVAILABLE',
  'TEMPORAL_TIMEOUT',
] as const;

export type ClientErrorCode = (typeof clientErrorCodes)[number];

/**
 * An error a caller can branch on: a stable code, a one-line message, JSON details. `refusal` is set
 * when a case or the domain's rules refused the request: its code is then the rule's own.
 */
export class DocketClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly refusal = false,
  ) {
    super(message);
    this.name = 'DocketClientError';
  }

  /** One of the client's own errors. */
  static of(
    code: ClientErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ): DocketClientError {
    return new DocketClientError(code, message, details);
  }

  /** A refusal by a case or by the domain's rules, with their code. */
  static refusal(code: string, message: string, details: Record<string, unknown> = {}): DocketClientError {
    return new DocketClientError(code, message, details, true);
  }
}

/** Unwraps a refused update into the ApplicationFailure its validator threw (code, message, details). */
export function refusalOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}

/** Stable codes are SCREAMING_SNAKE_CASE; anything else is a bug's error class name, not a refusal. */
const STABLE_CODE = /^[A-Z][A-Z0-9_]*$/;

/** The client error for a case's refusal: its code, message and details, or UPDATE_FAILED for a crash. */
export function refusalError(failure: ApplicationFailure): DocketClientError {
  const type = failure.type ?? '';
  if (!STABLE_CODE.test(type)) {
    // A handler crashed: its message is an internal detail, possibly quoting case data.
    return DocketClientError.of('UPDATE_FAILED', 'the case could not apply the event');
  }
  const [first] = failure.details ?? [];
  const details =
    first !== null && typeof first === 'object' && !Array.isArray(first)
      ? (first as Record<string, unknown>)
      : {};
  return DocketClientError.refusal(type, failure.message, details);
}

/** Turns a domain error (bad intake, non-grievable) into a client error with the same code. */
export function fromDomain<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isDomainError(err)) throw DocketClientError.refusal(err.code, err.message, { ...err.details });
    throw err;
  }
}

// gRPC status codes (from @grpc/grpc-js, which is the SDK's dependency rather than ours).
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;
const REACHABILITY_PROBE_MS = 1_000;

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

/** The type Temporal names in a WorkflowNotReady error's status details (google.rpc.Status, protobuf). */
const WORKFLOW_NOT_READY = 'temporal.api.errordetails.v1.WorkflowNotReadyFailure';

/**
 * True when the server aborted an Update because the workflow task that carried it failed (a bad
 * command, a worker that crashed or answered too late): the Update was never accepted, so nothing of
 * it is in the case's history, and the server does not keep the aborted Update: the same Update ID
 * sent again reaches the case afresh. The SDK reports it as a ServiceError "Workflow Update failed"
 * around a FAILED_PRECONDITION whose status details name WorkflowNotReadyFailure.
 */
export function isUpdateAborted(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (!isGrpcServiceError(e) || e.code !== GRPC_FAILED_PRECONDITION) continue;
    // The type URL is plain bytes inside the encoded status, so no protobuf decoding is needed.
    const status = e.metadata?.get('grpc-status-details-bin')?.[0];
    return Buffer.isBuffer(status) && status.includes(WORKFLOW_NOT_READY);
  }
  return false;
}

/**
 * Connection trouble and timeouts become TEMPORAL_UNAVAILABLE / TEMPORAL_TIMEOUT; anything else is
 * returned unchanged. `writing`: the call may have changed the case, which the timeout message says.
 */
export async function fromTemporal(client: Client, err: unknown, writing = false): Promise<unknown> {
  if (err instanceof DocketClientError) return err;
  const code = grpcCode(err);
  const timedOut = err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || code === GRPC_DEADLINE_EXCEEDED;
  if (!timedOut && code !== GRPC_UNAVAILABLE) return err;
  // The SDK retries an unreachable server until the deadline, so a timeout may mean either a slow
  // answer (no worker running) or no server at all: a quick probe tells which.
  const reachable =
    code !== GRPC_UNAVAILABLE &&
    (await client
      .withDeadline(Date.now() + REACHABILITY_PROBE_MS, () => client.workflowService.getSystemInfo({}))
      .then(
        () => true,
        () => false,
      ));
  if (!reachable) {
    return DocketClientError.of('TEMPORAL_UNAVAILABLE', 'Temporal is not reachable; retry later');
  }
  return DocketClientError.of(
    'TEMPORAL_TIMEOUT',
    'Temporal did not answer in time (is a worker running?)' +
      (writing
        ? '; the change may still be recorded: retry with the same Idempotency-Key to learn its outcome'
        : ''),
  );
}
