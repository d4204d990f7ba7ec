// Entry point of the HTTP API: `tsx server/api/main.ts`. Reads the config file and environment
// (infra/config.ts), the payload keys (DOCKET_CODEC_KEYS or DOCKET_CODEC_KEY_FILE) and the API keys
// (DOCKET_API_KEYS and/or api.keys) and the key that verifies alert emails' acknowledgement links
// (DOCKET_ACK_LINK_KEY), then listens on api.host:api.port. The Temporal connection is
// lazy, so the API starts (and previews schedules) while Temporal is still coming up; case routes
// answer 503 TEMPORAL_UNAVAILABLE until it is reachable.
import { checkPolicyTables } from '../../domain/policies';
import { Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { ConfigError, configuredBusinessHours, loadConfig, type DocketConfig } from '../../infra/config';
import { temporalConnectionOptions } from '../../infra/connection';
import { loadKeyring } from '../../infra/keys';
import { createLogger } from '../../infra/logger';
import { caseTypeNames } from '../../client/case-types';
import { docketOver } from '../../client/connect';
import { openArchiveStore } from '../../activities/archive-open';
import { loadApiAuth } from './auth';
import { buildApi } from './server';

export interface RunningApi {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

export async function startApi(
  config: DocketConfig,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningApi> {
  // The policy tables as shipped, checked once here (workflows read them without checking).
  checkPolicyTables();
  // Secrets first: an API that cannot encrypt or authenticate must not start.
  const keyring = loadKeyring(env);
  const auth = loadApiAuth(config, env, caseTypeNames());
  const ackLinkKey = config.mail.ackLinkKey;
  if (ackLinkKey === undefined) {
    throw new ConfigError(
      'DOCKET_ACK_LINK_KEY is not set: the API verifies the acknowledgement links in alert emails with the key the worker signs them with (e.g. `openssl rand -base64 32`, the same value for both)',
    );
  }
  const logger = createLogger(config.logLevel).child({ component: 'api' });
  const temporal = docketOver(config, Connection.lazy(temporalConnectionOptions(config)), keyring, {
    timeoutMs: config.api.temporalTimeoutMs,
    logger,
  });
  const { docket } = temporal;
  // Compliance figures are read from the records store; it holds only opaque IDs and counts.
  const records = openArchiveStore(config);
  const app = buildApi({
    docket,
    auth,
    logger,
    ackLinkKey,
    businessHours: configuredBusinessHours(config),
    caseRecords: { messageIdDomain: config.mail.messageIdDomain, chromiumPath: config.records.chromiumPath },
    outcomes: records,
  });
  const url = await app.listen({ host: config.api.host, port: config.api.port });
  logger.info({ url, keys: auth.describe(), namespace: config.temporal.namespace }, 'api listening');
  return {
    app,
    url,
    async close() {
      await app.close();
      await temporal.close();
      await records.close();
    },
  };
}

async function main(): Promise<void> {
  const api = await startApi(loadConfig());
  const stop = () => {
    api.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // Configuration errors are written to be read and never quote a secret: the message only.
    process.stderr.write(`docket api: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
