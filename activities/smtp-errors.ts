// What an SMTP failure means for a retry. Nodemailer reports a failed send as an error with a code
// (EAUTH, ECONNECTION...) and, when the relay answered, its reply code; this decides whether sending
// the same message again may succeed, and turns the error into the ApplicationFailure Temporal acts
// on: SMTP_TRANSIENT (retried) or SMTP_PERMANENT (non-retryable; the workflow alerts the administrators).
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { NoticeErrorType } from './notice-codes';

const PERMANENT_CODES = new Set([
  'EAUTH', // the relay refused our credentials: retrying will not change them
  'ENOAUTH',
  'EOAUTH2',
  'ECONFIG',
  'EENVELOPE', // without a reply code: no usable recipient address at all
  'EMAXRECIPIENTS',
  'EREQUIRETLS',
  'EFILEACCESS',
  'EURLACCESS',
]);

export interface SmtpErrorClassification {
  retryable: boolean;
  code: string | undefined;
  responseCode: number | undefined;
  command: string | undefined;
}

/**
 * Whether sending the same message again may succeed. A reply code decides when there is one
 * (4xx transient, 5xx permanent except 503, which is a session-state error that a new connection
 * clears, as RFC 5321 and nodemailer treat it); authentication and configuration errors are
 * permanent; connection, socket, DNS, TLS and timeout errors and anything unknown are transient
 * (the workflow's retry policy bounds them, so doubt costs time, not a lost notice).
 */
export function classifySmtpError(err: unknown): SmtpErrorClassification {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    responseCode?: unknown;
    command?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' ? e.command : undefined;
  let retryable: boolean;
  if (code === 'EAUTH' || code === 'ENOAUTH' || code === 'EOAUTH2') retryable = false;
  else if (responseCode !== undefined && responseCode >= 400)
    retryable = responseCode < 500 || responseCode === 503;
  else if (code !== undefined && PERMANENT_CODES.has(code)) retryable = false;
  else retryable = true;
  return { retryable, code, responseCode, command };
}

/** The failure a notice attempt ends with when the relay did not take its message. */
export function smtpFailure(
  err: unknown,
  messageId: string,
  noticeKey: string,
  withholdAddresses = false,
): ApplicationFailure {
  const c = classifySmtpError(err);
  let reason = err instanceof Error ? err.message : String(err);
  // Relays quote the refused address ("550 <x@y>: no such user"); a party's address must not reach a
  // failure message, which is logged by the worker and mailed to the administrators.
  if (withholdAddresses) reason = reason.replace(/[^\s<>"'(),;:]+@[^\s<>"'(),;:]+/g, '[address withheld]');
  const details = {
    messageId,
    noticeKey,
    code: c.code ?? null,
    responseCode: c.responseCode ?? null,
    command: c.command ?? null,
  };
  return ApplicationFailure.create({
    type: c.retryable ? NoticeErrorType.SMTP_TRANSIENT : NoticeErrorType.SMTP_PERMANENT,
    message: `${c.retryable ? 'mail relay unavailable or deferred' : 'mail relay refused'} notice ${noticeKey}: ${reason}`,
    nonRetryable: !c.retryable,
    details: [details],
    // The activity logs each transient failure itself, with its cause and next retry; BENIGN keeps the
    // SDK from logging the same attempt again at warn level.
    ...(c.retryable ? { category: ApplicationFailureCategory.BENIGN } : {}),
  });
}
