// Starts Docket exactly as a newcomer does, with `scripts/up.sh` (what `npm run up` runs), on ports
// and a data directory of the test's own, and stops everything it started. Nothing here builds a
// harness: the processes, their configuration and the generated secrets are the shipped ones.
export { freePort } from '../helpers/net';
import { freePort } from '../helpers/net';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readEnvFile } from '../cluster/support';

const REPO_ROOT = path.join(__dirname, '..', '..');

export interface StackPorts {
  temporal: number;
  ui: number;
  smtp: number;
  inbox: number;
  codec: number;
  api: number;
  /** Prometheus: the dev server's and the worker's. */
  temporalMetrics: number;
  workerMetrics: number;
}

export interface ShippedStack {
  ports: StackPorts;
  dataDir: string;
  urls: { ui: string; api: string; inbox: string; codec: string };
  /** The variables `up.sh` generated on first start (API keys per role), read from its data directory. */
  secrets: Record<string, string>;
  /** Everything `up.sh` printed, for the failure message when a step goes wrong. */
  output(): string;
  stop(): Promise<void>;
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const killTimer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    child.once('exit', () => {
      clearTimeout(killTimer);
      // up.sh's trap stops its children; anything left in the group goes now.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is empty
      }
      resolve();
    });
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      resolve();
    }
  });
}

/** Runs `bash scripts/up.sh [args]` and resolves once it reports that everything is up. */
export async function startShippedStack(
  options: { args?: string[]; readyTimeoutMs?: number } = {},
): Promise<ShippedStack> {
  const ports: StackPorts = {
    temporal: await freePort(),
    ui: await freePort(),
    smtp: await freePort(),
    inbox: await freePort(),
    codec: await freePort(),
    api: await freePort(),
    temporalMetrics: await freePort(),
    workerMetrics: await freePort(),
  };
  const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-acceptance-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKET_DATA_DIR: dataDir,
    TEMPORAL_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    DOCKET_SMTP_PORT: String(ports.smtp),
    DOCKET_INBOX_PORT: String(ports.inbox),
    DOCKET_CODEC_PORT: String(ports.codec),
    DOCKET_API_PORT: String(ports.api),
    TEMPORAL_METRICS_PORT: String(ports.temporalMetrics),
    DOCKET_METRICS_PORT: String(ports.workerMetrics),
  };
  // The shipped stack makes its own secrets; none of the test process's may leak into it.
  for (const name of Object.keys(env))
    if (/^(DOCKET_(CODEC|API|ACK)_|TEMPORAL_ADDRESS$)/.test(name) && !name.endsWith('_PORT'))
      delete env[name];

  const child = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'up.sh'), ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let printed = '';
  child.stdout!.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (printed += chunk.toString()));

  const stop = async (): Promise<void> => {
    await stopGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timeout = setTimeout(
        () => reject(new Error(`up.sh did not come up in time:\n${printed}`)),
        options.readyTimeoutMs ?? 240_000,
      );
      const check = (): void => {
        if (printed.includes('Press Ctrl-C to stop')) {
          clearTimeout(timeout);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      child.stderr!.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timeout);
        reject(new Error(`up.sh exited with ${code} before it was up:\n${printed}`));
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    ports,
    dataDir,
    urls: {
      ui: `http://127.0.0.1:${ports.ui}`,
      api: `http://127.0.0.1:${ports.api}`,
      inbox: `http://127.0.0.1:${ports.inbox}`,
      codec: `http://127.0.0.1:${ports.codec}`,
    },
    secrets: readEnvFile(path.join(dataDir, 'api-keys.env')),
    output: () => printed,
    stop,
  };
}

export interface InboxMessage {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: Array<{ address: string }>;
  date: string;
}

/** The local inbox's own HTTP API (maildev), as a supervisor's mail client would see the messages. */
export async function inboxMessages(inboxUrl: string): Promise<InboxMessage[]> {
  const response = await fetch(`${inboxUrl}/api/email`);
  if (!response.ok) throw new Error(`inbox answered ${response.status}`);
  return (await response.json()) as InboxMessage[];
}

export async function waitForMessages(
  inboxUrl: string,
  match: (message: InboxMessage) => boolean,
  count: number,
  timeoutMs: number,
): Promise<InboxMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = (await inboxMessages(inboxUrl)).filter(match);
    if (found.length >= count) return found;
    if (Date.now() > deadline)
      throw new Error(
        `expected ${count} matching message(s) in the inbox within ${timeoutMs} ms, found ${found.length}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
