// The administrators' second channel: a signed JSON POST to the agency's paging tool, for the alert
// about a notice Docket could not deliver. It shares nothing with the mail relays, so an alert about
// a relay that has been down all day still reaches someone.
//
// Signature (the scheme Stripe and others use, so paging tools and small receivers can check it
// with a few lines): header `Docket-Signature: t=<unix seconds>,v1=<hex>`, where hex is
// HMAC-SHA256(secret, "<t>.<raw body>"). The receiver recomputes it over the exact bytes it got,
// compares in constant time and refuses a timestamp older than a few minutes (a replay).
// `Docket-Event-Id` is the same on every retry of one alert: receivers de-duplicate on it, since a
// retry on another host may post an alert that was already accepted (delivery is at-least-once).
//
// Confidentiality: the body carries opaque identifiers (workflow ID, notice key, case number,
// facility and role codes), the failure's code and its message with mail addresses withheld.
// Never a name, never an address, never the case's free context.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { redactForLog } from './failure-cause';
import type { AdminAlertRequest } from './notice-requests';

export const SIGNATURE_HEADER = 'Docket-Signature';
export const EVENT_ID_HEADER = 'Docket-Event-Id';
/** Below this a secret is a password, not an HMAC key. */
export const MIN_SECRET_LENGTH = 32;

/**
 * A post's body: the failed notice as the administrators' alert request describes it (the failure's
 * code, e.g. SMTP_PERMANENT, and its message, posted with mail addresses withheld), under an event
 * identity of its own.
 */
export interface UndeliveredNoticeEvent extends Pick<
  AdminAlertRequest,
  | 'workflowId'
  | 'noticeKey'
  | 'errorCode'
  | 'errorMessage'
  | 'caseNumber'
  | 'caseType'
  | 'kind'
  | 'facility'
  | 'role'
> {
  /** Stable per alert (see EVENT_ID_HEADER). */
  id: string;
  type: 'docket.notice.undelivered';
  deadline?: { key: string; dueAt?: string };
  /** When the workflow asked for the alert (ISO). */
  raisedAt?: string;
}

export interface AlertWebhookPostResult {
  status: number;
  eventId: string;
}

/** Why a post failed; `retryable` false means sending it again would get the same answer. */
export class AlertWebhookError extends Error {
  readonly code: 'ALERT_WEBHOOK_REFUSED' | 'ALERT_WEBHOOK_UNAVAILABLE';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'AlertWebhookError';
    this.code = retryable ? 'ALERT_WEBHOOK_UNAVAILABLE' : 'ALERT_WEBHOOK_REFUSED';
  }
}

/** The Docket-Signature header value for `body` sent at `unixSeconds`. */
export function signAlertWebhook(secret: string, unixSeconds: number, body: string): string {
  const hex = createHmac('sha256', secret).update(`${unixSeconds}.${body}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${hex}`;
}

/**
 * For receivers (and tests): whether `header` is a valid signature of `body` under `secret`, made
 * within `toleranceS` of `nowS`. Any `v1` entry may match (a sender rotating secrets sends several).
 */
export function verifyAlertWebhook(
  secret: string,
  header: string | undefined,
  body: string,
  { toleranceS = 300, nowS = Math.floor(Date.now() / 1000) }: { toleranceS?: number; nowS?: number } = {},
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS) return false;
  const expected = Buffer.from(signAlertWebhook(secret, t, body).split('v1=')[1] as string, 'hex');
  return parts.some(([k, v]) => {
    if (k !== 'v1' || v === undefined || !/^[0-9a-f]{64}$/.test(v)) return false;
    return timingSafeEqual(Buffer.from(v, 'hex'), expected);
  });
}

/** The event ID of the alert about `noticeKey` of `workflowId`: the same on every retry. */
export function alertEventId(workflowId: string, noticeKey: string): string {
  return createHash('sha256')
    .update(JSON.stringify(['alert-webhook', workflowId, noticeKey]))
    .digest('hex')
    .slice(0, 32);
}

export interface AlertWebhookOptions {
  url: string;
  secret: string;
  /** Per request. Default 5 s: well inside the alert activity's 10-second heartbeat timeout. */
  timeoutMs?: number;
}

export interface AlertWebhook {
  /** The URL's origin, for logs (no path, which may hold a token). */
  readonly target: string;
  post(event: UndeliveredNoticeEvent, signal?: AbortSignal): Promise<AlertWebhookPostResult>;
}

/**
 * A receiver of Docket's signed events: the paging tool, a case system. Every Docket webhook posts
 * through this one implementation, so signature, event ID and the retry verdict are the same for all.
 */
export interface SignedWebhook<E extends { id: string }> {
  readonly target: string;
  post(event: E, signal?: AbortSignal): Promise<AlertWebhookPostResult>;
}

export function createSignedWebhook<E extends { id: string }>(
  options: AlertWebhookOptions & {
    /** Names the receiver in errors, e.g. `alert webhook`. */
    label: string;
    userAgent: string;
    /** The body's exact bytes; JSON of the event when absent. */
    serialize?: (event: E) => string;
  },
): SignedWebhook<E> {
  const { label } = options;
  if (options.secret.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `the ${label} secret must be at least ${MIN_SECRET_LENGTH} characters (a random key, e.g. 32 bytes in base64)`,
    );
  }
  const url = new URL(options.url);
  const timeoutMs = options.timeoutMs ?? 5_000;
  const serialize = options.serialize ?? ((event: E) => JSON.stringify(event));
  return {
    target: url.origin,
    async post(event, signal) {
      const body = serialize(event);
      const signature = signAlertWebhook(options.secret, Math.floor(Date.now() / 1000), body);
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          body,
          redirect: 'error',
          headers: {
            'content-type': 'application/json',
            'user-agent': options.userAgent,
            [SIGNATURE_HEADER]: signature,
            [EVENT_ID_HEADER]: event.id,
          },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (err) {
        if (signal?.aborted) throw signal.reason ?? err;
        const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
        const errno = typeof cause?.code === 'string' ? cause.code : undefined;
        const reason = timeout.aborted
          ? `no answer within ${timeoutMs / 1000} s`
          : redactForLog(String(cause?.message ?? (err as Error).message));
        throw new AlertWebhookError(`${label} unreachable: ${reason}`, true, undefined, errno);
      }
      // The body is not needed; reading it frees the connection.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return { status: response.status, eventId: event.id };
      // Timeouts, rate limits and server errors pass; any other refusal (bad signature, wrong URL)
      // would be refused again until someone changes the configuration.
      const retryable = response.status >= 500 || [408, 425, 429].includes(response.status);
      throw new AlertWebhookError(`${label} answered HTTP ${response.status}`, retryable, response.status);
    },
  };
}

export function createAlertWebhook(options: AlertWebhookOptions): AlertWebhook {
  return createSignedWebhook<UndeliveredNoticeEvent>({
    ...options,
    label: 'alert webhook',
    userAgent: 'docket-alert-webhook/1',
    serialize: (event) => JSON.stringify({ ...event, errorMessage: redactForLog(event.errorMessage) }),
  });
}

/**
 * Several receivers of the administrators' alert as one channel (the paging tool and the case
 * systems subscribed to it): it took the alert when every receiver did; a retry posts again, under
 * the same event ID, to all of them.
 */
export function fanOutAlertWebhook(webhooks: AlertWebhook[]): AlertWebhook | undefined {
  if (webhooks.length <= 1) return webhooks[0];
  return {
    target: webhooks.map((w) => w.target).join(' '),
    async post(event, signal) {
      const results = await Promise.allSettled(webhooks.map((w) => w.post(event, signal)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
      if (failed.length === 0) return { status: 200, eventId: event.id };
      const errors = failed.map((e) =>
        e instanceof AlertWebhookError ? e : new AlertWebhookError(String(e), true),
      );
      throw new AlertWebhookError(
        errors.map((e) => e.message).join('; '),
        errors.some((e) => e.retryable),
        errors[0]?.status,
        errors[0]?.errno,
      );
    },
  };
}
