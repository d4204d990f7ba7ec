// One way for every Docket client process (CLI, API) to reach Temporal: the configured address,
// TLS/mTLS and API key, and the encrypting data converter, so what one process writes the others
// (and the worker) can read.
import { Client, Connection } from '@temporalio/client';
import type { Logger } from 'pino';
import { openCaseArchive } from '../activities/archive-open';
import type { DocketConfig } from '../infra/config';
import { temporalConnectionOptions } from '../infra/connection';
import { createDataConverter } from '../infra/data-converter';
import { loadKeyring, type Keyring } from '../infra/keys';
import { DocketClient } from './cases';

export interface DocketConnection {
  connection: Connection;
  client: Client;
  docket: DocketClient;
  close(): Promise<void>;
}

/** Connects with the data converter; `withCodec: false` is for cluster administration only (no payloads). */
export async function connectDocket(
  config: DocketConfig,
  env: NodeJS.ProcessEnv = process.env,
  { withCodec = true }: { withCodec?: boolean } = {},
): Promise<DocketConnection> {
  const keyring = withCodec ? loadKeyring(env) : undefined;
  const connection = await Connection.connect(temporalConnectionOptions(config));
  return docketOver(config, connection, keyring);
}

/**
 * The Temporal client and the DocketClient over a connection, eager (CLI) or lazy (API), with the
 * data converter and the records archive when there is a keyring to decrypt with.
 */
export function docketOver(
  config: DocketConfig,
  connection: Connection,
  keyring: Keyring | undefined,
  options: { timeoutMs?: number; logger?: Logger } = {},
): DocketConnection {
  const dataConverter = keyring ? createDataConverter(keyring) : undefined;
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  // Closed cases are read back from the records archive once Temporal no longer has them.
  const archive = keyring ? openCaseArchive(config, keyring, { logger: options.logger }) : undefined;
  const { taskQueue } = config.temporal;
  return {
    connection,
    client,
    docket: new DocketClient({ client, taskQueue, timeoutMs: options.timeoutMs, archive }),
    async close() {
      await connection.close();
      await archive?.close();
    },
  };
}
