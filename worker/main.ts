// The Docket worker: parses configuration once, forwards the SDK's logs into pino, wires the
// activities from their dependencies and runs every case workflow on the configured task queue.
import { checkPolicyTables } from '../domain/policies';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  NativeConnection,
  Runtime,
  Worker,
  type RuntimeOptions,
  type WorkerOptions,
} from '@temporalio/worker';
import { openCaseArchive, warnIfArchiveOutgrown } from '../activities/archive-open';
import { watchDirectoryFile } from '../activities/directory';
import { createMailTransport } from '../activities/mail-transport';
import { Client, Connection } from '@temporalio/client';
import { openFileSentLedger, type SentLedger } from '../activities/sent-ledger';
import { createAlertWebhook, MIN_SECRET_LENGTH, type AlertWebhook } from '../activities/alert-webhook';
import { caseWebhookSubscribers } from '../activities/deadline-events';
import { RelayHealth, relayGatedMailer } from '../activities/relay-health';
import { buildActivities } from './activities';
import { ConfigError, configuredBusinessHours, loadConfig, type DocketConfig } from '../infra/config';
import { assertWorkflowBundleEncryptsFailures, createDataConverter } from '../infra/data-converter';
import { loadKeyring } from '../infra/keys';
import { temporalConnectionOptions } from '../infra/connection';
import { createLogger, sdkLoggerFor, type Logger } from '../infra/logger';
import { buildWorkflowBundle } from './workflow-bundle';

/** What a caller may replace in the production wiring (the benchmark harness does; `npm run worker` does not). */
export interface DocketWorkerOverrides {
  /** A workflow bundle built ahead of time, instead of bundling workflows/ at start-up. */
  workflowBundlePath?: string;
  ledger?: SentLedger;
  /** Applied last, over the options built from `config`. */
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * The paging tool's webhook, when `alerts.webhookUrl` is set: its secret comes from the environment
 * (DOCKET_ALERT_WEBHOOK_SECRET), never the config file.
 */
export function alertWebhookFromConfig(
  config: DocketConfig,
  env: NodeJS.ProcessEnv = process.env,
): AlertWebhook | undefined {
  const url = config.alerts.webhookUrl;
  if (url === undefined) return undefined;
  const secret = env.DOCKET_ALERT_WEBHOOK_SECRET ?? '';
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `alerts.webhookUrl is set, so DOCKET_ALERT_WEBHOOK_SECRET must hold a random key of at least ` +
        `${MIN_SECRET_LENGTH} characters (it has ${secret.length}); e.g. openssl rand -base64 32`,
    );
  }
  return createAlertWebhook({ url, secret });
}

/**
 * The case systems subscribed to deadline changes, their secrets read from the environment variable or
 * file each names: a missing or short secret stops the worker with the subscriber's field named.
 */
export function caseWebhooksFromConfig(
  config: DocketConfig,
  env: NodeJS.ProcessEnv = process.env,
): ReturnType<typeof caseWebhookSubscribers> {
  const configured = config.webhooks.subscribers.map((subscriber, i) => {
    const field = `webhooks.subscribers.${i}`;
    let secret: string;
    if (subscriber.secretEnv !== undefined) {
      secret = env[subscriber.secretEnv] ?? '';
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new ConfigError(
          `${field}.secretEnv: ${subscriber.secretEnv} must hold a random key of at least ${MIN_SECRET_LENGTH} ` +
            `characters for subscriber ${subscriber.id} (it has ${secret.length}); e.g. openssl rand -base64 32`,
        );
      }
    } else {
      const file = subscriber.secretFile as string;
      try {
        secret = readFileSync(file, 'utf8').trim();
      } catch (err) {
        throw new ConfigError(
          `${field}.secretFile: cannot read ${file} for subscriber ${subscriber.id}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        );
      }
      if (secret.length < MIN_SECRET_LENGTH) {
        throw new ConfigError(
          `${field}.secretFile: ${file} must hold a random key of at least ${MIN_SECRET_LENGTH} characters ` +
            `for subscriber ${subscriber.id} (it has ${secret.length})`,
        );
      }
    }
    return { ...subscriber, secret };
  });
  return caseWebhookSubscribers(configured);
}

/** One SMTP relay as the notice activities use it: the transport behind a shared health gate. */
function relay(
  name: string,
  smtp: Omit<DocketConfig['smtp'], 'fallback' | 'outageAlertAfter'>,
  config: DocketConfig,
  logger: Logger,
) {
  const transport = createMailTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
  });
  const health = new RelayHealth({
    relay: name,
    probe: () => transport.verify(),
    logger,
    outageAlertAfterMs: config.smtp.outageAlertAfter,
  });
  return { mailer: relayGatedMailer(transport, health), health };
}

export async function createDocketWorker(
  config: DocketConfig,
  env: NodeJS.ProcessEnv = process.env,
  overrides: DocketWorkerOverrides = {},
) {
  // The policy tables as shipped, checked once here (workflows read them without checking).
  checkPolicyTables();
  // Keys first: a worker that cannot encrypt must not start and write case data in clear text.
  const keyring = loadKeyring(env);
  const dataConverter = createDataConverter(keyring);
  if (config.mail.ackBaseUrl !== undefined && config.mail.ackLinkKey === undefined) {
    // Alerts would go out without a way to acknowledge them: refuse to start instead.
    throw new ConfigError(
      'mail.ackBaseUrl (DOCKET_ACK_BASE_URL) is set, so alerts carry signed acknowledgement links: set DOCKET_ACK_LINK_KEY (e.g. `openssl rand -base64 32`)',
    );
  }
  const webhook = alertWebhookFromConfig(config, env);
  const caseWebhooks = caseWebhooksFromConfig(config, env);
  const logger = createLogger(config.logLevel);
  installRuntime(config, logger);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config));
  // The morning digest reads cases (visibility, then each case's schedule query) as a client would.
  const clientConnection = await Connection.connect(temporalConnectionOptions(config));
  const client = new Client({
    connection: clientConnection,
    namespace: config.temporal.namespace,
    dataConverter,
  });
  const primary = relay('primary', config.smtp, config, logger);
  const fallback = config.smtp.fallback ? relay('fallback', config.smtp.fallback, config, logger) : undefined;
  const activities = buildActivities({
    mailer: primary.mailer,
    adminAlerts: { fallbackMailer: fallback?.mailer, webhook, primaryHealth: primary.health },
    caseWebhooks,
    directory: await watchDirectoryFile(config.directoryPath, logger),
    logger,
    ledger: overrides.ledger ?? (await openFileSentLedger(path.join(config.dataDir, 'sent-ledger.jsonl'))),
    config: {
      from: config.mail.from,
      adminFallback: config.mail.adminFallback,
      messageIdDomain: config.mail.messageIdDomain,
      ackBaseUrl: config.mail.ackBaseUrl,
      ackLinkKey: config.mail.ackLinkKey,
      ackLinkTtlDays: config.mail.ackLinkTtlDays,
    },
    schedule: { businessHours: configuredBusinessHours(config) },
    digest: { client, taskQueue: config.temporal.taskQueue },
    archive: openCaseArchive(config, keyring, { logger }),
  });
  // Last, so configuration and connection errors come first and fast. Built in a child process unless
  // given (BENCHMARKS.md "Memory": webpack would otherwise stay in this process).
  const workflowCode = await (overrides.workflowBundlePath
    ? readFile(overrides.workflowBundlePath, 'utf8')
    : buildWorkflowBundle());
  assertWorkflowBundleEncryptsFailures({ code: workflowCode });
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    workflowBundle: { code: workflowCode },
    dataConverter,
    activities,
    maxCachedWorkflows: config.worker.maxCachedWorkflows,
    maxConcurrentWorkflowTaskExecutions: config.worker.maxConcurrentWorkflowTaskExecutions,
    maxConcurrentActivityTaskExecutions: config.worker.maxConcurrentActivityTaskExecutions,
    workflowThreadPoolSize: config.worker.workflowThreads,
    ...overrides.workerOptions,
  });
  return { worker, connection, clientConnection, logger };
}

/** Installs the SDK runtime; a metrics port another process holds is a configuration error, named. */
function installRuntime(config: DocketConfig, logger: Logger): void {
  try {
    Runtime.install({ logger: sdkLoggerFor(logger), telemetryOptions: telemetryOptionsFor(config) });
  } catch (err) {
    if (!/address already in use/i.test((err as Error).message)) throw err;
    const { host, workerPort } = config.metrics;
    throw new ConfigError(
      `metrics.workerPort (DOCKET_METRICS_PORT) ${workerPort}: ${host}:${workerPort} is already in use; choose a free port, or 0 to turn the worker's metrics off`,
    );
  }
}

/**
 * The SDK's runtime metrics and Docket's own counters (activities/metrics.ts, workflows/metrics.ts
 * emit through the SDK's meter) on one Prometheus endpoint, `GET /metrics`.
 */
export function telemetryOptionsFor(config: DocketConfig): RuntimeOptions['telemetryOptions'] {
  const { workerPort, host } = config.metrics;
  if (workerPort === 0) return undefined;
  const bindAddress = host.includes(':') ? `[${host}]:${workerPort}` : `${host}:${workerPort}`;
  return {
    metrics: { prometheus: { bindAddress, countersTotalSuffix: true, useSecondsForDurations: true } },
  };
}

async function main(): Promise<void> {
  let config: DocketConfig;
  let built: Awaited<ReturnType<typeof createDocketWorker>>;
  try {
    config = loadConfig();
    built = await createDocketWorker(config);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`docket worker: ${err.message}`);
    process.exit(2);
  }
  const { worker, connection, clientConnection, logger } = built;
  logger.info(
    { taskQueue: config.temporal.taskQueue, namespace: config.temporal.namespace },
    'worker started',
  );
  await warnIfArchiveOutgrown(config, logger);
  try {
    await worker.run();
  } finally {
    await clientConnection.close();
    await connection.close();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
