// Calls activities as one attempt each, inside Temporal's MockActivityEnvironment: the activity reads
// its attempt number, schedule time, the previous attempt's heartbeat details and its cancellation
// signal from the activity context, as under a worker, without a worker or a server.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';

export interface AttemptOptions {
  /** 1 for the first attempt; Temporal counts retries from there. */
  attempt?: number;
  /** What the previous attempt's last heartbeat recorded (Temporal hands it to the retry). */
  heartbeatDetails?: unknown;
  /**
   * Sees each heartbeat as the activity records it. A throw here stops the attempt at that point,
   * as a worker dying right after its heartbeat would.
   */
  onHeartbeat?: (details: unknown) => void;
}

/** Runs `fn(input)` as one activity attempt. */
export function runAttempt<I, O>(
  fn: (input: I) => Promise<O>,
  input: I,
  options: AttemptOptions = {},
): Promise<O> {
  const now = Date.now();
  const env = new MockActivityEnvironment(
    {
      attempt: options.attempt ?? 1,
      heartbeatDetails: options.heartbeatDetails,
      scheduledTimestampMs: now,
      currentAttemptScheduledTimestampMs: now,
      startToCloseTimeoutMs: 30_000,
      scheduleToCloseTimeoutMs: 300_000,
    },
    // The SDK's own activity logging stays out of test output; the activities log through pino.
    { logger: new DefaultLogger('ERROR') },
  );
  if (options.onHeartbeat) env.on('heartbeat', options.onHeartbeat);
  return env.run(fn, input);
}

/** `activities`, each call of each one run as one attempt with `options`. */
export function asAttempts<T extends object>(activities: T, options: AttemptOptions = {}): T {
  return Object.fromEntries(
    Object.entries(activities).map(([name, fn]) => [
      name,
      (input: unknown) => runAttempt(fn as (input: unknown) => Promise<unknown>, input, options),
    ]),
  ) as T;
}
