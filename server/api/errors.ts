// Every error the API returns is `{ error: { code, message, details? } }` with a stable code. Codes
// from the domain and the workflows' validators (DEADLINE_PASSED, EXTENSION_OVER_CAP, ...) pass
// through unchanged with status 422 (their list is `refusalCodes` in domain/errors.ts); the API's own
// codes are listed here.
import type { ClientErrorCode, DocketClientError } from '../../client/errors';
import { refusalCodes, type RefusalCode } from '../../domain/errors';
import type { ErrorBody } from './schemas';

export const apiErrorCodes = {
  UNAUTHENTICATED: { status: 401, meaning: 'No bearer token, or one that is not an API key.' },
  FORBIDDEN: { status: 403, meaning: "The key's role (or case types) does not allow this." },
  ROUTE_NOT_FOUND: { status: 404, meaning: 'No such route.' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    meaning: 'The path does not take this method; the `Allow` header lists those it takes.',
  },
  UNKNOWN_CASE_TYPE: { status: 404, meaning: 'No such case type; `details.known` lists them.' },
  CASE_NOT_FOUND: { status: 404, meaning: 'No case with this case number and type.' },
  UNKNOWN_EVENT: {
    status: 404,
    meaning:
      'The case type has no such event; `details.known` lists them (422 when the event is a field of a preview body).',
  },
  UNKNOWN_POLICY: { status: 404, meaning: 'No such policy (preview).' },
  CASE_CONFLICT: {
    status: 409,
    meaning:
      'The case number is taken by a case with a different intake, or by a closed case in the records archive.',
  },
  CASE_CLOSED: { status: 409, meaning: 'The case is closed and records no further events.' },
  ACK_LINK_INVALID: {
    status: 403,
    meaning: "The acknowledgement link is incomplete, altered, or not signed with this agency's key.",
  },
  ACK_LINK_EXPIRED: { status: 410, meaning: 'The acknowledgement link has expired.' },
  INVALID_INPUT: { status: 422, meaning: 'The body or query is invalid; `details.field` names the field.' },
  NOT_GRIEVABLE: {
    status: 422,
    meaning: 'The matter may not be grieved; `details` names the rule and source.',
  },
  MALFORMED_JSON: { status: 400, meaning: 'The body is not JSON.' },
  MISSING_BODY: { status: 400, meaning: 'The operation needs a JSON body and none was sent.' },
  BAD_REQUEST: { status: 400, meaning: 'The request could not be read.' },
  INVALID_IDEMPOTENCY_KEY: { status: 400, meaning: 'The Idempotency-Key header is malformed.' },
  PAYLOAD_TOO_LARGE: { status: 413, meaning: 'The body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, meaning: 'Send application/json.' },
  UPDATE_FAILED: { status: 500, meaning: 'The case failed while applying an accepted event.' },
  UPDATE_ABORTED: {
    status: 503,
    meaning:
      "The case's workflow task failed while taking the event, so nothing was recorded; retry with the same Idempotency-Key.",
  },
  INTERNAL: { status: 500, meaning: 'An unexpected error; it is logged by error class only.' },
  TEMPORAL_UNAVAILABLE: { status: 503, meaning: 'Temporal is not reachable; retry later.' },
  RECORD_RENDERER_UNAVAILABLE: {
    status: 503,
    meaning: 'Chromium, which prints case records to PDF, could not be started (records.chromiumPath).',
  },
  REPORTS_UNAVAILABLE: {
    status: 503,
    meaning: 'The records store that holds deadline outcomes (records.store) is not open in this process.',
  },
  TEMPORAL_TIMEOUT: {
    status: 504,
    meaning: 'Temporal (or a worker) did not answer in time; retry with the same Idempotency-Key.',
  },
} as const;

export type ApiErrorCode = keyof typeof apiErrorCodes;

/** Every code a JSON error carries: the API's own codes, then the refusals not among them. */
export const errorCodeList = [
  ...new Set<string>([...Object.keys(apiErrorCodes), ...Object.keys(refusalCodes)]),
] as [string, ...string[]];

// Every code the client gives its own errors has its status in the table (a compile-time check).
const clientErrorStatus: Record<ClientErrorCode, { status: number }> = apiErrorCodes;

/**
 * The status of a client error: a refusal by a case or by the domain's rules is 422 whatever its
 * code (e.g. a case's UNKNOWN_EVENT); the client's own errors take their code's status above.
 */
export function clientErrorStatusOf(error: DocketClientError): number {
  if (error.refusal) return 422;
  return (clientErrorStatus as Record<string, { status: number } | undefined>)[error.code]?.status ?? 500;
}

/**
 * The acknowledgement page answers the refusals that mean "nothing to do here" with the statuses a
 * browser expects of a page, instead of 422.
 */
export const ackPageStatus = {
  ALREADY_ACKNOWLEDGED: 409,
  NOTHING_TO_ACKNOWLEDGE: 409,
  UNKNOWN_DEADLINE: 404,
} as const satisfies Partial<Record<RefusalCode, number>>;

/** An error the API answers with as is. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static of(code: ApiErrorCode, message: string, details?: Record<string, unknown>): ApiError {
    return new ApiError(apiErrorCodes[code].status, code, message, details);
  }
}

export function errorBody(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return {
    error: { code, message, ...(details && Object.keys(details).length > 0 ? { details } : {}) },
  };
}
