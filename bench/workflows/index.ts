// The substrate ceiling Docket is measured against: the least a deadline engine on Temporal can do per
// deadline (one durable timer, then one activity that sends one mail), and a no-op workflow whose start
// rate is the ceiling for opening cases. Bundled on their own, so they carry none of Docket's code.
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { BenchActivities } from './activities';

// Same retry shape as Docket's notices (deadlines.ts NOTICE_OPTIONS), so a failed send costs the same.
const { sendBenchMail } = proxyActivities<BenchActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '1 hour' },
});

export interface MinimalDeadlineInput {
  dueAt: string;
  to: string;
}

/** One timer to `dueAt`, then one mail. */
export async function benchMinimalDeadline(input: MinimalDeadlineInput): Promise<void> {
  const wait = Date.parse(input.dueAt) - Date.now();
  if (wait > 0) await sleep(wait);
  await sendBenchMail({ dueAt: input.dueAt, to: input.to });
}

/** Completes at once: its start rate is what the server and client can do with no Docket code at all. */
export async function benchNoop(): Promise<void> {
  return;
}
