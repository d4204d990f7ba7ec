// One error type for the whole domain layer. Workflows' update validators, the API and the CLI all
// branch on `code` (stable, never reworded) and show `message` (one line naming the problem).
// `details` is plain JSON so the error can cross the Temporal boundary as an ApplicationFailure.

/**
 * The codes the domain layer throws, with what each means. Stable: callers branch on them, so a code
 * is never renamed or reused for another meaning.
 */
export const domainErrorCodes = {
  UNKNOWN_CALENDAR: 'No calendar with this name.',
  UNKNOWN_POLICY: 'No policy with this ID.',
  UNKNOWN_POLICY_VERSION: 'The policy has no such version; `details.known` lists them.',
  INVALID_POLICY: 'A policy definition is invalid.',
  INVALID_INPUT: 'A field is missing, malformed or inconsistent with another; `details.field` names it.',
  INVALID_DATE: 'A date or instant is malformed or out of range.',
  INVALID_AMOUNT: 'A duration amount is not a whole number.',
  NEGATIVE_AMOUNT: 'A duration amount is negative.',
  INVALID_UNIT: 'A duration unit is not one the policy language knows.',
  UNKNOWN_EVENT: 'The policy has no such event; `details.known` lists them.',
  MISSING_EVENT: 'The event needs another event recorded first.',
  EVENT_OUT_OF_ORDER: 'The event is dated before an event that must precede it.',
  INVALID_FACT: 'A case fact is missing or has a value the policy does not allow.',
  INVALID_SETTING: 'An agency setting has a value the policy does not allow.',
  UNKNOWN_ENTRY: 'The schedule has no such deadline; `details.known` lists them.',
  DEADLINE_PASSED: 'The deadline for this step has passed; `details.dueAt` says when.',
  TOO_EARLY: 'The step is not allowed yet; `details.earliest` says when it is.',
  EXTENSION_NOT_ALLOWED: 'The policy does not provide for extending this deadline.',
  EXTENSION_INVALID: 'The extension lacks a reason or an approver, or does not extend the current deadline.',
  EXTENSION_APPROVER_NOT_ALLOWED: 'The approver role may not grant this extension.',
  EXTENSION_OVER_CAP: "The extension goes past the policy's cap; `details.capAt` says where it ends.",
  NOT_GRIEVABLE: 'The matter may not be grieved; `details` names the rule and its source.',
  UNKNOWN_SANCTION: 'The sanction is not in the Range of Allowable Sanctions; `details.known` lists them.',
  SANCTION_CLASS_NOT_ALLOWED:
    "The sanction belongs to a class the offense's class (or the repeat rule) does not allow; `details.source` cites the row.",
  SANCTION_TERM_REQUIRED: 'The sanction runs for a term, and none was given.',
  SANCTION_TERM_INVALID: "The term is not a whole positive number of the sanction's unit.",
  SANCTION_TERM_TOO_LONG:
    'The term is longer than the table allows; `details.limit` and `details.source` give the row.',
  MANDATORY_SANCTIONS:
    'The offense class requires sanctions that were not imposed; `details.missing` lists them.',
  RESUMPTION_REQUIREMENT_MISSING:
    'A suspended contract may not resume yet: the corrective-action letter, safety review or survey it needs is missing; `details` names the rule and its source.',
} as const satisfies Record<string, string>;

export type DomainErrorCode = keyof typeof domainErrorCodes;

/**
 * The codes a case refuses an event, extension or acknowledgement with (its workflow's update
 * validators), besides the domain's own codes above. A refused request changes nothing.
 */
export const caseRefusalCodes = {
  CASE_INITIALIZING: 'The case is still computing its first schedule; retry shortly.',
  OUT_OF_ORDER: "The event is not possible at the case's stage, or needs another event first.",
  DUPLICATE_EVENT: 'The event (or the service of a document) was already recorded.',
  EVENT_IN_FUTURE: 'The event is dated in the future; events are recorded once they have happened.',
  UNKNOWN_DEADLINE: 'The case has no such deadline.',
  NOTHING_TO_ACKNOWLEDGE: 'The deadline is not breached: there is no alert to acknowledge.',
  ALREADY_ACKNOWLEDGED: 'The breach alert was already acknowledged.',
  UNKNOWN_SERVICE_TASK: 'The case has no such service task; `details.known` lists them.',
  CONFLICT_OF_INTEREST: 'The staff member is involved in the matter and may not act in this role.',
  ROLE_SEPARATION: 'The staff member already acted in another role of this case that this one excludes.',
  INFORMAL_RESOLUTION_REQUIRED: 'The formal step needs the informal resolution first.',
  NOT_APPLICABLE: 'The event does not apply to this case (its track or its record).',
  APPEAL_FORFEITED: 'The right to appeal was forfeited (e.g. by waiving the hearing).',
  REPRESENTATIVE_NOT_CONSULTED: 'The requested staff representative has not consulted the subject in time.',
  SUSPENSION_NOT_ALLOWED: 'Sanctions of this offense class may not be suspended.',
  SUSPENSION_TOO_LONG: 'A suspended sanction runs past the longest period allowed.',
  UNKNOWN_PARTY: 'The party is not a complainant or respondent of this case.',
  MISSING_PARTY: 'The step needs a party the case does not name yet.',
  PARTY_ROLE_FIXED: "A party's role in a case does not change.",
  WRITING_REQUIRED: 'The step must be made in writing.',
  UNKNOWN_ACTION: 'The record has no such action.',
  UNKNOWN_VIOLATION: 'The record has no such violation.',
  OTHER_INCIDENT: 'Other incidents occurred after the action, so it may not be removed.',
  PERIOD_ENDED: 'The period has ended and can no longer be extended.',
  AMBIGUOUS_VIOLATION: 'Several violations wait for the same requirement; `details.field` asks which one.',
  NOT_SUSPENDED: 'The contract is not suspended, so there is nothing to resume.',
  NOT_FOR_THIS_KIND: 'The event belongs to the other kind of conduct case (a report or a disclosure notice).',
  UNKNOWN_SANCTION_TERM:
    'No sanction with a term to restore runs in this case; `details.known` lists those that do.',
  PROCESSING_REQUIRED:
    'The receiving facility must process the inmates in before they are released to a crew.',
} as const satisfies Record<string, string>;

export type CaseRefusalCode = keyof typeof caseRefusalCodes;

/**
 * Every code a business-rule refusal carries: the API answers them 422 and its OpenAPI document
 * lists them, so a client can branch on each. The single list; `refuse` accepts nothing else.
 */
export const refusalCodes: Readonly<Record<RefusalCode, string>> = {
  ...domainErrorCodes,
  ...caseRefusalCodes,
};

export type RefusalCode = DomainErrorCode | CaseRefusalCode;

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
