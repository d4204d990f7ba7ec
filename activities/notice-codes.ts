// Stable names shared by the notification activities and the workflows that call them. This file has
// no imports on purpose: workflow code may only import activities as types (eslint), so if a workflow
// needs these values the lead can allow-list or re-export this one file without pulling any Node
// module into the workflow sandbox.

/** ApplicationFailure `type` codes thrown by the notification activities. Part of the workflow contract: never rename. */
export const NoticeErrorType = {
  /** 5xx reply (except 503), or an authentication/configuration failure: retrying sends the same rejected mail. Non-retryable. */
  SMTP_PERMANENT: 'SMTP_PERMANENT',
  /** 4xx reply, 503, or a connection/socket/timeout error: the relay may accept the same message later. Retryable. */
  SMTP_TRANSIENT: 'SMTP_TRANSIENT',
  /** The directory has no such facility or role, or the role has nobody in it. Non-retryable: an administrator must fix the directory. */
  DIRECTORY_UNKNOWN_RECIPIENT: 'DIRECTORY_UNKNOWN_RECIPIENT',
  /** The request does not have what the notice kind needs (e.g. a reminder without a deadline entry). Non-retryable: a workflow bug. */
  NOTICE_INPUT_INVALID: 'NOTICE_INPUT_INVALID',
  /** A template failed to render (a field the template names is missing). Non-retryable until the template is fixed. */
  NOTICE_TEMPLATE_ERROR: 'NOTICE_TEMPLATE_ERROR',
  /** The sent-message ledger could not be read. Retryable: sending blind could duplicate a notice already accepted. */
  SENT_LEDGER_UNAVAILABLE: 'SENT_LEDGER_UNAVAILABLE',
} as const;

export type NoticeErrorType = (typeof NoticeErrorType)[keyof typeof NoticeErrorType];

export const SMTP_PERMANENT = NoticeErrorType.SMTP_PERMANENT;
export const SMTP_TRANSIENT = NoticeErrorType.SMTP_TRANSIENT;
export const DIRECTORY_UNKNOWN_RECIPIENT = NoticeErrorType.DIRECTORY_UNKNOWN_RECIPIENT;
export const NOTICE_INPUT_INVALID = NoticeErrorType.NOTICE_INPUT_INVALID;
export const NOTICE_TEMPLATE_ERROR = NoticeErrorType.NOTICE_TEMPLATE_ERROR;
export const SENT_LEDGER_UNAVAILABLE = NoticeErrorType.SENT_LEDGER_UNAVAILABLE;

/** Notices that go to a directory role (through `sendNotice`). */
export const NOTICE_KINDS = [
  'reminder',
  'breach',
  'escalation',
  'service-task',
  'party-notice',
  'extension',
] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Every template set on disk: the directory notices plus the administrators' alert. */
export const TEMPLATE_KINDS = [...NOTICE_KINDS, 'admin-alert'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
