// The Temporal CLI dev server the benchmarks run against: the pinned binary (scripts/ensure-temporal-cli.sh),
// headless, on a free port of 127.0.0.1, with Docket's search attributes and a durable SQLite file in a
// temporary directory, so every case write is a real disk write as in the embedded deployment. Started
// and stopped by its PID only: other engineers' servers run on this machine too.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { devServerArgs, waitForFrontend } from '../../scripts/dev-server';
import { freePort } from '../../scripts/ports';
import { registerCleanup } from './cleanup';

export interface DevServer {
  address: string;
  pid: number;
  dir: string;
  dbFile: string;
  /** Size of the SQLite file (and its WAL) now, in bytes. */
  dbBytes(): number;
  stop(): Promise<void>;
}

export function temporalCliPath(): string {
  const cli = process.env.DOCKET_TEMPORAL_CLI;
  if (!cli) throw new Error('DOCKET_TEMPORAL_CLI is not set: run the benchmarks with `npm run bench`');
  return cli;
}

/** Sends SIGTERM to one PID, then SIGKILL if it has not exited within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timedOut = await Promise.race([exited.then(() => false), sleep(graceMs).then(() => true)]);
  if (timedOut) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A dev server in a fresh temporary directory; `pragmas` as devServerArgs takes them. */
export async function startDevServer(label: string, pragmas: readonly string[] = []): Promise<DevServer> {
  const dir = mkdtempSync(path.join(tmpdir(), `docket-bench-${label}-`));
  const dbFile = path.join(dir, 'temporal.db');
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const log = openSync(path.join(dir, 'temporal.log'), 'a');
  const args = devServerArgs(port, dbFile, pragmas);
  const child = spawn(temporalCliPath(), args, { stdio: ['ignore', log, log] });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the Temporal dev server did not start');
  const unregister = registerCleanup(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  await waitForFrontend(address, child, path.join(dir, 'temporal.log'), 60_000);

  return {
    address,
    pid,
    dir,
    dbFile,
    dbBytes() {
      let total = 0;
      for (const file of [dbFile, `${dbFile}-wal`]) {
        try {
          total += statSync(file).size;
        } catch {
          // no WAL yet
        }
      }
      return total;
    },
    async stop() {
      await stopChild(child);
      unregister();
      if (!process.env.BENCH_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
    },
  };
}
