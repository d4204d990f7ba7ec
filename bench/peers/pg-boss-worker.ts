// The job-queue peer's worker in its own process (so it can be SIGKILLed and its RSS is its own),
// started by bench/peers/pg-boss.ts through bench/lib/worker.ts: pg-boss fetches the jobs that are due
// from PostgreSQL and each sends one mail through the same nodemailer transport as Docket's notices
// (activities/mail-transport.ts: one connection per message). It speaks worker-process.ts's IPC.
import PgBoss from 'pg-boss';
import { createMailTransport } from '../../activities/mail-transport';
import type { WorkerMessage } from '../worker-process';

export interface PgBossWorkerOptions {
  db: { host: string; port: number; user: string; password: string; database: string };
  queue: string;
  smtpPort: number;
  /** Jobs fetched at once, and sent at once: Docket's worker runs up to 100 notice activities at once. */
  batchSize: number;
  pollingIntervalSeconds: number;
}

export interface DeadlineJob {
  /** The deadline's own key: the Message-ID is derived from it, as Docket's are from the case. */
  key: string;
  dueAt: string;
  to: string;
}

const send = (message: WorkerMessage) => process.send?.(message);

async function main(): Promise<void> {
  const started = performance.now();
  const o = JSON.parse(process.env.BENCH_PGBOSS_OPTIONS ?? '{}') as PgBossWorkerOptions;
  const transport = createMailTransport({ host: '127.0.0.1', port: o.smtpPort });
  const boss = new PgBoss({ ...o.db, schedule: false });
  boss.on('error', (err) => console.error(err));
  await boss.start();
  await boss.work<DeadlineJob>(
    o.queue,
    { batchSize: o.batchSize, pollingIntervalSeconds: o.pollingIntervalSeconds },
    async (jobs) => {
      // The batch completes when every mail of it is accepted; one failure fails (and retries) all.
      await Promise.all(
        jobs.map(({ data }) =>
          transport.sendMail({
            from: 'Bench <bench@docket.local>',
            to: data.to,
            subject: `deadline ${data.dueAt} passed`,
            text: `The deadline of ${data.key} passed at ${data.dueAt}.`,
            messageId: `<bench.${data.key}@docket.local>`,
            headers: { 'X-Docket-Notice-Kind': 'bench-pg-boss', 'X-Docket-Notice-Key': data.key },
          }),
        ),
      );
    },
  );
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= boss.stop({ graceful: true, wait: true }).then(() => process.exit(0)));
  process.on('message', (message: unknown) => {
    if (message === 'stop') void stop();
    if (message === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
  });
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  send({ type: 'ready', startupMs: Math.round(performance.now() - started) });
}

main().catch((err: unknown) => {
  send({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  console.error(err);
  process.exit(1);
});
