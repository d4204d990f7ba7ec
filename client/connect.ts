// One way for every Docket client process (CLI, API) to reach Temporal: the configured address,
// TLS/mTLS and API key, and the encrypting data converter, so what one process writes the others
// (and the worker) can read.
import { Client, Connection } from '@temporalio/client';
import { openCaseArchive } from '../activities/archive-open';
import type { DocketConfig } from '../infra/config';
import { temporalConnectionOptions } from '../infra/connection';
import { createDataConverter } from '../infra/data-converter';
import { loadKeyring } from '../infra/keys';
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
  const dataConverter = keyring ? createDataConverter(keyring) : undefined;
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({ connection, namespace: config.temporal.namespace, dataConverter });
  // Closed cases are read back from the records archive once Temporal no longer has them.
  const archive = keyring ? openCaseArchive(config, keyring) : undefined;
  return {
    connection,
    client,
    docket: new DocketClient({ client, taskQueue: config.temporal.taskQueue, archive }),
    async close() {
      await connection.close();
      await archive?.close();
    },
  };
}
