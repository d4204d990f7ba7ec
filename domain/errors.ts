// One error type for the whole domain layer. Workflows' update validators, the API and the CLI all
// branch on `code` (stable, never reworded) and show `message` (one line naming the problem).
// `details` is plain JSON so the error can cross the Temporal boundary as an ApplicationFailure.

export type DomainErrorCode =
  | 'UNKNOWN_CALENDAR'
  | 'UNKNOWN_POLICY'
  | 'UNKNOWN_POLICY_VERSION'
  | 'INVALID_POLICY'
  | 'INVALID_INPUT'
  | 'INVALID_DATE'
  | 'INVALID_AMOUNT'
  | 'NEGATIVE_AMOUNT'
  | 'INVALID_UNIT'
  | 'UNKNOWN_EVENT'
  | 'MISSING_EVENT'
  | 'EVENT_OUT_OF_ORDER'
  | 'INVALID_FACT'
  | 'INVALID_SETTING'
  | 'UNKNOWN_ENTRY'
  | 'DEADLINE_PASSED'
  | 'TOO_EARLY'
  | 'EXTENSION_NOT_ALLOWED'
  | 'EXTENSION_INVALID'
  | 'EXTENSION_APPROVER_NOT_ALLOWED'
  | 'EXTENSION_OVER_CAP'
  | 'NOT_GRIEVABLE'
  | 'UNKNOWN_SANCTION'
  | 'SANCTION_CLASS_NOT_ALLOWED'
  | 'SANCTION_TERM_REQUIRED'
  | 'SANCTION_TERM_INVALID'
  | 'SANCTION_TERM_TOO_LONG'
  | 'MANDATORY_SANCTIONS';

export interface DomainErrorDetails {
  field?: string;
  value?: unknown;
  rule?: string;
  key?: string;
  limit?: unknown;
  source?: string;
  dueAt?: string;
  earliest?: string;
  capAt?: string;
  known?: readonly string[];
  [extra: string]: unknown;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: DomainErrorDetails = {},
  ) {
    super(message);
  }

  toJSON(): { name: string; code: DomainErrorCode; message: string; details: DomainErrorDetails } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}

export function isDomainError(value: unknown): value is DomainError {
  return value instanceof DomainError;
}
