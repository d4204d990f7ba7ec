// The Temporal CLI dev server as the tests and benchmarks that start their own run it (headless, on
// 127.0.0.1, a durable SQLite file, Docket's search attributes, as scripts/up.sh does), and the clients
// they reach it with: Docket's data converter, so what they write the worker can read.
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, Connection } from '@temporalio/client';
import { DocketClient } from '../client/cases';
import { createDataConverter } from '../infra/data-converter';
import type { Keyring } from '../infra/keys';
import { searchAttributeCliArgs } from '../workflows/search-attributes';

/**
 * The CLI's arguments for a dev server on `port` keeping its state in `dbFile`. `pragmas` go to SQLite
 * (e.g. journal_mode=wal); none is what scripts/up.sh runs: the rollback journal, synchronous=FULL.
 */
export function devServerArgs(port: number, dbFile: string, pragmas: readonly string[] = []): string[] {
  return [
    ...['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port)],
    ...['--db-filename', dbFile, '--log-level', 'warn'],
    ...searchAttributeCliArgs.flatMap((pair) => ['--search-attribute', pair]),
    ...pragmas.flatMap((pragma) => ['--sqlite-pragma', pragma]),
  ];
}

/**
 * Resolves once the dev server `child` serves on `address`: its frontend answers GetSystemInfo (the
 * port opens slightly before it serves). Throws if the process exits or `timeoutMs` passes first.
 */
export async function waitForFrontend(
  address: string,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the dev server exited early; see ${logFile}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
      } finally {
        await connection.close();
      }
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`the dev server did not answer on ${address}`);
      await sleep(250);
    }
  }
}

export interface DevClients {
  connection: Connection;
  client: Client;
  docket: DocketClient;
  close(): Promise<void>;
}

/** A connection to `address`, its Temporal client and a DocketClient on `taskQueue` (2-minute timeout). */
export async function connectDevClients(
  address: string,
  keyring: Keyring,
  taskQueue: string,
): Promise<DevClients> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, dataConverter: createDataConverter(keyring) });
  const docket = new DocketClient({ client, taskQueue, timeoutMs: 120_000 });
  return { connection, client, docket, close: () => connection.close() };
}
