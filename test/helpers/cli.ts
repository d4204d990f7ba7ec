// The `docket` CLI as an administrator runs it: the real bin/docket.js as a child process. The CLI tests
// that need cases run it against a dev server with a real worker and encrypted payloads (startCliBed).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { DocketClient } from '../../client/cases';
import { createDataConverter } from '../../infra/data-converter';
import { generateKey, loadKeyring } from '../../infra/keys';
import { docketWorkerBundleOptions } from '../../worker/workflow-bundle';
import { testActivities } from './docket-env';
import { startSmtpReceiver, type SmtpReceiver } from './smtp';
import { createDevServerEnv, uniqueName } from './temporal';

export const DOCKET_BIN = path.join(__dirname, '..', '..', 'bin', 'docket.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `docket <args>` with `env` added to this process's environment; resolves once it exits. */
export function runDocket(args: readonly string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DOCKET_BIN, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

export interface CliBed {
  env: TestWorkflowEnvironment;
  smtp: SmtpReceiver;
  taskQueue: string;
  /** A DocketClient with the CLI's key, to check what a command did. */
  docket: DocketClient;
  /** `docket <args>` against this dev server and task queue, with the same key. */
  cli(...args: string[]): Promise<CliRun>;
  /** Stops the worker, the relay and the dev server (whatever had started). */
  teardown(): Promise<void>;
}

/** A dev server, an SMTP receiver and a worker on a task queue of its own, named after `label`. */
export async function startCliBed(label: string): Promise<CliBed> {
  const taskQueue = uniqueName(label);
  const codecEnv = { DOCKET_CODEC_KEYS: `kcli:${generateKey()}` };
  let env: TestWorkflowEnvironment | undefined;
  let smtp: SmtpReceiver | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  const teardown = async () => {
    worker?.shutdown();
    await running;
    await smtp?.close();
    await env?.teardown();
  };
  try {
    env = await createDevServerEnv();
    smtp = await startSmtpReceiver();
    const dataConverter = createDataConverter(loadKeyring(codecEnv));
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      ...docketWorkerBundleOptions,
      dataConverter,
      activities: await testActivities(smtp),
    });
    running = worker.run();
    const client = new Client({
      connection: env.connection,
      namespace: env.namespace ?? 'default',
      dataConverter,
    });
    const address = env.address;
    return {
      env,
      smtp,
      taskQueue,
      docket: new DocketClient({ client, taskQueue }),
      cli: (...args) =>
        runDocket(args, { ...codecEnv, TEMPORAL_ADDRESS: address, DOCKET_TASK_QUEUE: taskQueue }),
      teardown,
    };
  } catch (err) {
    await teardown();
    throw err;
  }
}
