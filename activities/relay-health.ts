// One worker's view of one SMTP relay, shared by every notice the worker sends through it.
//
// Why: Temporal retries a failed notice on its retry policy's schedule, so after an outage each
// waiting notice went out only when its own backoff ran out (161 s after the relay came back in a
// 3-minute outage; up to the policy's maximum interval after a long one), and every attempt during
// the outage opened an SMTP connection that could not succeed. Here the worker learns once that
// the relay cannot be reached, probes it (connect, EHLO, QUIT) every couple of seconds, and holds
// the notices that arrive meanwhile at a gate instead of connecting: the moment a probe succeeds,
// every held notice goes out. A notice is held at most `maxWaitMs`, then its attempt fails as
// transient and Temporal retries it (the workflow caps that interval at seconds), so a held attempt
// never outlives its start-to-close timeout and a notice is never stuck in one process.
//
// It also keeps the books for the logs: how long the relay has been failing (one error-level line
// once that passes `outageAlertAfterMs`), and one line when it accepts again.
//
// While a send is held or in its SMTP session the attempt heartbeats, so that Temporal notices
// within its heartbeat timeout (seconds) when the worker running it dies, instead of waiting out the
// start-to-close timeout.
import { Context } from '@temporalio/activity';
import type { SendMailOptions, SentMessageInfo } from 'nodemailer';
import type { Logger } from 'pino';
import { failureCauseOf, RELAY_TAG, type FailureCause, type RelayFailureTag } from './failure-cause';
import type { MailSender } from './notifications';

/** Errors that mean no SMTP session could be had at all: the relay (or the way to it) is down. */
const UNREACHABLE_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS']);

export function isRelayUnreachable(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    responseCode?: unknown;
  };
  // 421: "service not available, closing transmission channel" (RFC 5321), the relay's own "down".
  if (e.responseCode === 421) return true;
  return e.responseCode === undefined && typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code);
}

/** The code of the error a held send fails with when the relay stayed unreachable for `maxWaitMs`. */
export const RELAY_UNREACHABLE = 'ERELAYUNREACHABLE';

export interface RelayHealthOptions {
  /** Which relay, for the logs: `primary` or `fallback`. */
  relay: string;
  /** A cheap check that the relay answers: nodemailer's `verify()` (connect, EHLO, AUTH if any, QUIT). */
  probe: () => Promise<unknown>;
  logger: Logger;
  /** How long the relay may fail before one error-level line says so. */
  outageAlertAfterMs: number;
  /** Between probes while the relay is unreachable. Default 2 s. */
  probeIntervalMs?: number;
  /** Longest a send waits at the gate before its attempt fails (and Temporal retries it). Default 30 s. */
  maxWaitMs?: number;
}

export interface RelayState {
  relay: string;
  /** No SMTP session could be had on the last try; sends wait at the gate. */
  unreachable: boolean;
  /** First failure since the relay last accepted a message or answered a probe (ISO). */
  failingSince?: string;
  failures: number;
  lastCause?: FailureCause;
}

export class RelayHealth {
  readonly relay: string;
  private readonly probeIntervalMs: number;
  private readonly maxWaitMs: number;
  private readonly logger: Logger;
  private failingSinceMs: number | undefined;
  private unreachable = false;
  private failures = 0;
  private lastCause: FailureCause | undefined;
  private outageReported = false;
  private readonly waiters = new Set<() => void>();
  private probeTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: RelayHealthOptions) {
    this.relay = options.relay;
    this.probeIntervalMs = options.probeIntervalMs ?? 2_000;
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
    this.logger = options.logger.child({ component: 'relay-health', relay: options.relay });
  }

  state(): RelayState {
    return {
      relay: this.relay,
      unreachable: this.unreachable,
      failingSince:
        this.failingSinceMs !== undefined ? new Date(this.failingSinceMs).toISOString() : undefined,
      failures: this.failures,
      lastCause: this.lastCause,
    };
  }

  /** The relay accepted a message or answered a probe: the gate opens and the outage, if any, ends. */
  recordSuccess(): void {
    const since = this.failingSinceMs;
    this.stopProbing();
    this.unreachable = false;
    if (since !== undefined) {
      this.logger.info(
        { outageS: Math.round((Date.now() - since) / 1000), failures: this.failures },
        'mail relay is answering again; held notices are going out',
      );
    }
    this.failingSinceMs = undefined;
    this.failures = 0;
    this.lastCause = undefined;
    this.outageReported = false;
    this.release();
  }

  /** A send through the relay failed (anything but a permanent refusal of that one message). */
  recordFailure(err: unknown): void {
    this.failures += 1;
    this.lastCause = failureCauseOf(err);
    this.failingSinceMs ??= Date.now();
    if (isRelayUnreachable(err) && !this.unreachable) {
      this.unreachable = true;
      this.logger.warn(
        { cause: this.lastCause, probeIntervalS: this.probeIntervalMs / 1000 },
        'mail relay unreachable; notices wait for it while it is probed',
      );
      this.scheduleProbe();
    }
    this.reportOutage();
  }

  /** What a failed send's error carries for the logs (see failure-cause.ts). */
  tag(): RelayFailureTag | undefined {
    if (this.failingSinceMs === undefined) return undefined;
    return {
      relay: this.relay,
      failingSince: new Date(this.failingSinceMs).toISOString(),
      unreachable: this.unreachable,
    };
  }

  /**
   * Resolves at once while the relay is believed reachable. Otherwise waits until a probe succeeds,
   * `signal` aborts (rejecting with its reason) or `maxWaitMs` passes (rejecting with a
   * RELAY_UNREACHABLE error, which the notice activity reports as a transient failure).
   */
  async admit(signal?: AbortSignal): Promise<void> {
    if (!this.unreachable) return;
    signal?.throwIfAborted();
    const waitedFrom = Date.now();
    await new Promise<void>((resolve, reject) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        this.waiters.delete(done);
        resolve();
      };
      const aborted = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        reject(signal?.reason);
      };
      const timer = setTimeout(done, this.maxWaitMs);
      signal?.addEventListener('abort', aborted, { once: true });
      this.waiters.add(done);
    });
    if (!this.unreachable) return;
    const since = this.state().failingSince ?? new Date(waitedFrom).toISOString();
    const last = this.lastCause;
    const err = Object.assign(
      new Error(
        `mail relay ${this.relay} unreachable since ${since}` +
          (last ? ` (${[last.code, last.errno].filter(Boolean).join(' ')}: ${last.message})` : '') +
          `; waited ${Math.round((Date.now() - waitedFrom) / 1000)} s for it`,
      ),
      { code: RELAY_UNREACHABLE },
    );
    throw err;
  }

  /** Stops probing and lets every held send go (to fail or proceed on its own); for shutdown. */
  close(): void {
    this.closed = true;
    this.stopProbing();
    this.release();
  }

  private release(): void {
    for (const wake of [...this.waiters]) wake();
  }

  private reportOutage(): void {
    const since = this.failingSinceMs;
    if (since === undefined || this.outageReported) return;
    const failingForMs = Date.now() - since;
    if (failingForMs < this.options.outageAlertAfterMs) return;
    this.outageReported = true;
    this.logger.error(
      {
        failingSince: new Date(since).toISOString(),
        failingForS: Math.round(failingForMs / 1000),
        failures: this.failures,
        unreachable: this.unreachable,
        cause: this.lastCause,
      },
      `mail relay failing for ${failingForMs < 120_000 ? `${Math.round(failingForMs / 1000)} s` : `${Math.round(failingForMs / 60_000)} min`}; notices are waiting for it`,
    );
  }

  private scheduleProbe(): void {
    if (this.closed || this.probeTimer !== undefined) return;
    this.probeTimer = setTimeout(() => void this.probeOnce(), this.probeIntervalMs);
    // A probe must not keep a process alive that has nothing else to do.
    this.probeTimer.unref();
  }

  private stopProbing(): void {
    if (this.probeTimer !== undefined) clearTimeout(this.probeTimer);
    this.probeTimer = undefined;
  }

  private async probeOnce(): Promise<void> {
    try {
      await this.options.probe();
      this.probeTimer = undefined;
      if (!this.closed) this.recordSuccess();
    } catch (err) {
      this.probeTimer = undefined;
      this.lastCause = failureCauseOf(err);
      this.logger.debug({ cause: this.lastCause }, 'mail relay probe failed');
      this.reportOutage();
      this.scheduleProbe();
    }
  }
}

function currentActivity(): Context | undefined {
  try {
    return Context.current();
  } catch {
    return undefined;
  }
}

/** First heartbeat after this long, then at this interval: well inside the workflow's heartbeat timeout. */
const FIRST_HEARTBEAT_MS = 3_000;
const HEARTBEAT_EVERY_MS = 3_000;

/**
 * Heartbeats the current activity (if any) until the returned function is called. A send that is
 * over within FIRST_HEARTBEAT_MS (nearly all) sends no heartbeat, so the heartbeat that records an
 * accepted message afterwards is not held back by the SDK's heartbeat throttling. `details` name
 * the notice (opaque key only) for whoever reads the pending activity (client/undelivered.ts).
 */
export function keepAlive(
  activity: Context | undefined = currentActivity(),
  details?: { noticeKey?: string },
): () => void {
  if (!activity) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const beat = (): void => {
    activity.heartbeat(details);
    timer = setTimeout(beat, HEARTBEAT_EVERY_MS);
  };
  timer = setTimeout(beat, FIRST_HEARTBEAT_MS);
  return () => clearTimeout(timer);
}

/**
 * A MailSender that waits at `health`'s gate before each send, tells `health` how each send went, and
 * heartbeats the activity meanwhile. Errors pass through unchanged apart from a tag (RELAY_TAG) that
 * says which relay failed and since when, for the activity's log line.
 */
export function relayGatedMailer(sender: MailSender, health: RelayHealth): MailSender {
  return {
    async sendMail(options: SendMailOptions): Promise<SentMessageInfo> {
      const activity = currentActivity();
      const noticeKey = (options.headers as Record<string, unknown> | undefined)?.['X-Docket-Notice-Key'];
      const stop = keepAlive(activity, typeof noticeKey === 'string' ? { noticeKey } : undefined);
      const signal = activity?.cancellationSignal;
      try {
        await health.admit(signal);
        const info = await sender.sendMail(options);
        health.recordSuccess();
        return info;
      } catch (err) {
        const cancelled = signal?.aborted === true;
        const held = (err as { code?: unknown } | undefined)?.code === RELAY_UNREACHABLE;
        // A permanent refusal is about the message, not the relay; a cancelled send says nothing.
        if (!cancelled && !held && !isPermanentRefusal(err)) health.recordFailure(err);
        const tag = health.tag();
        if (tag && typeof err === 'object' && err !== null) {
          Object.defineProperty(err, RELAY_TAG, { value: tag, enumerable: false, configurable: true });
        }
        throw err;
      } finally {
        stop();
      }
    },
  };
}

function isPermanentRefusal(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    responseCode?: unknown;
    code?: unknown;
  };
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'EOAUTH2') return false; // the relay's fault
  return typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode !== 503;
}
