// What a failed delivery attempt logs: the cause (error code, system errno, SMTP reply, message) with
// every mail address and network address taken out, which relay it was, how long that relay has been
// failing, and when Temporal will try again. Log fields only; nothing here decides what to retry.
import type { Info as ActivityInfo } from '@temporalio/activity';

/** Mail addresses (relays quote refused recipients) and IPv4/IPv6 endpoints (system errors name them). */
const MAIL_ADDRESS = /[^\s<>"'(),;:[\]]+@[^\s<>"'(),;:[\]]+/g;
const IPV4_ENDPOINT = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?\b/g;
// Candidate IPv6 tokens; a clock time (10:30:00) also matches, hence the check in redactForLog.
const IPV6_CANDIDATE = /\[?[0-9a-f]*(?::[0-9a-f]*){2,8}\]?(?::\d{1,5})?/gi;
const isIpv6 = (token: string): boolean => token.includes('::') || (token.match(/:/g) ?? []).length >= 5;

/** An error message fit for a log line: mail addresses and network endpoints withheld, at most 300 characters. */
export function redactForLog(message: string): string {
  return message
    .replace(MAIL_ADDRESS, '[address]')
    .replace(IPV4_ENDPOINT, '[endpoint]')
    .replace(IPV6_CANDIDATE, (token) => (isIpv6(token) ? '[endpoint]' : token))
    .slice(0, 300);
}

export interface FailureCause {
  /** nodemailer's or Node's code: ESOCKET, ETIMEDOUT, ECONNECTION, EAUTH, ... */
  code?: string;
  /** The system error under nodemailer's code, e.g. ECONNREFUSED, ENOTFOUND, ECONNRESET. */
  errno?: string;
  responseCode?: number;
  command?: string;
  message: string;
}

/** The cause of a failed send, for a log line (no addresses). */
export function failureCauseOf(err: unknown): FailureCause {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    originalCode?: unknown;
    errno?: unknown;
    responseCode?: unknown;
    command?: unknown;
    message?: unknown;
  };
  const cause: FailureCause = {
    message: redactForLog(typeof e.message === 'string' ? e.message : String(err)),
  };
  if (typeof e.code === 'string') cause.code = e.code;
  // nodemailer replaces a socket error's code with its own (ESOCKET) and keeps Node's in originalCode.
  if (typeof e.originalCode === 'string') cause.errno = e.originalCode;
  else if (typeof e.errno === 'string') cause.errno = e.errno;
  if (typeof e.responseCode === 'number') cause.responseCode = e.responseCode;
  if (typeof e.command === 'string') cause.command = e.command;
  return cause;
}

/** Set by the relay-gated mailer on the errors it passes on: which relay, failing since when. */
export interface RelayFailureTag {
  relay: string;
  /** ISO instant of the first failure since the relay last accepted a message or answered a probe. */
  failingSince: string;
  /** The relay could not be reached at all (no SMTP session), as opposed to a deferring reply. */
  unreachable: boolean;
}

export const RELAY_TAG = Symbol.for('docket.relay-failure');

export function relayTagOf(err: unknown): RelayFailureTag | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  return (err as { [RELAY_TAG]?: RelayFailureTag })[RELAY_TAG];
}

/**
 * When Temporal will start the next attempt if this one fails now: the retry policy's interval for
 * this attempt (initial × coefficient^(attempt-1), capped at the maximum), or `delayMs` when the
 * failure sets its own next-retry delay. Undefined outside an activity or without a retry policy.
 */
export function nextRetryAt(
  info: Pick<ActivityInfo, 'attempt' | 'retryPolicy'> | undefined,
  now = Date.now(),
  delayMs?: number,
): string | undefined {
  if (delayMs !== undefined) return new Date(now + delayMs).toISOString();
  const policy = info?.retryPolicy;
  if (!info || !policy) return undefined;
  const initial = Number(policy.initialInterval ?? 1_000);
  const coefficient = policy.backoffCoefficient ?? 2;
  const interval = initial * coefficient ** Math.max(0, info.attempt - 1);
  const max = policy.maximumInterval !== undefined ? Number(policy.maximumInterval) : 100 * initial;
  return new Date(now + Math.min(interval, max)).toISOString();
}

/** The log fields of one failed send: the cause, the relay's state and the next attempt. */
export function sendFailureLogFields(
  err: unknown,
  info: Pick<ActivityInfo, 'attempt' | 'retryPolicy'> | undefined,
  retryable: boolean,
): Record<string, unknown> {
  const tag = relayTagOf(err);
  const fields: Record<string, unknown> = { cause: failureCauseOf(err) };
  if (tag) {
    fields.relay = tag.relay;
    fields.relayFailingSince = tag.failingSince;
    fields.relayFailingForS = Math.round((Date.now() - Date.parse(tag.failingSince)) / 1000);
  }
  if (retryable) fields.nextRetryAt = nextRetryAt(info);
  return fields;
}
