// A whole Docket for API tests on the official dev server (real time, real visibility), or on the
// time-skipping test server where a test must see what happens days later: the real
// workflow bundle built with the encrypting failure converter, a worker with the real activities
// sending through nodemailer to a real SMTP receiver, a client and worker sharing one freshly
// generated payload key, and the real API listening on 127.0.0.1 with one key per role. Tests talk
// to it with fetch, as a case system would.
import { randomBytes } from 'node:crypto';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { CaseArchive } from '../../activities/archive';
import { ApiAuth, parseApiKeysEnv, sha256Hex, type ApiRole } from '../../server/api/auth';
import { buildApi } from '../../server/api/server';
import { DocketClient } from '../../client/cases';
import type { GrievanceIntakeInput } from '../../domain/cases/grievance';
import { EncryptionCodec } from '../../infra/codec';
import { createDataConverter } from '../../infra/data-converter';
import { generateKey, Keyring } from '../../infra/keys';
import { docketBundleOptions } from '../../worker/workflow-bundle';
import { CHROMIUM } from '../helpers/browser';
import { TEST_ACK_LINK_KEY, testActivities, testArchive } from '../helpers/docket-env';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import {
  createDevServerEnv,
  createTimeSkippingEnv,
  quietBundlerLogger,
  uniqueName,
} from '../helpers/temporal';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const iso = (ms: number): string => new Date(ms).toISOString();

export type KeyName = 'caseSystem' | 'supervisor' | 'administrator' | 'titleIxAdministrator';
export const roleOfKey: Record<KeyName, ApiRole> = {
  caseSystem: 'case-system',
  supervisor: 'supervisor',
  administrator: 'administrator',
  titleIxAdministrator: 'administrator',
};

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON, or undefined for a non-JSON body. */
  body: T;
}

export interface CallOptions {
  /** A key name, a raw token, or none. */
  as?: KeyName | { token: string };
  body?: unknown;
  /** A raw body (sent as is). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface ApiTestbed {
  env: TestWorkflowEnvironment;
  smtp: SmtpReceiver;
  app: FastifyInstance;
  url: string;
  taskQueue: string;
  tokens: Record<KeyName, string>;
  /** The encrypting client, as the API uses it. */
  docket: DocketClient;
  /** A client without the codec: sees what the server stores. */
  rawClient: Client;
  /** The payload codec the API and the worker share, to read raw histories as an administrator would. */
  codec: EncryptionCodec;
  /** The API's log lines (JSON). */
  apiLogLines: string[];
  /** The key the worker signs acknowledgement links with and the API verifies them with. */
  ackLinkKey: Buffer;
  call<T = Record<string, unknown>>(
    method: string,
    urlPath: string,
    options?: CallOptions,
  ): Promise<ApiResponse<T>>;
  teardown(): Promise<void>;
}

const token = (): string => randomBytes(24).toString('base64url');

export interface ApiTestbedOptions {
  /** The time-skipping test server instead of the dev server: `env.sleep` moves the cases' clock. */
  timeSkipping?: boolean;
  /** The payload key (base64) the client, the API and the worker share; a fresh one when absent. */
  codecKey?: string;
  /** The records archive the worker writes and the API reads closed cases from; a temporary one when absent. */
  archive?: CaseArchive;
}

/**
 * One testbed for a whole test file: started before its first test (3 minutes allowed), torn down
 * after its last. Tests reach it through the returned function.
 */
export function apiTestbedPerFile(options: ApiTestbedOptions = {}): () => ApiTestbed {
  let bed: ApiTestbed | undefined;
  beforeAll(async () => {
    bed = await startApiTestbed(options);
  }, 180_000);
  afterAll(async () => {
    await bed?.teardown();
  });
  return () => {
    if (!bed) throw new Error('the API testbed did not start (see beforeAll)');
    return bed;
  };
}

export async function startApiTestbed(options: ApiTestbedOptions = {}): Promise<ApiTestbed> {
  const [env, workflowBundle, smtp] = await Promise.all([
    options.timeSkipping ? createTimeSkippingEnv() : createDevServerEnv(),
    // Built with the failure converter, exactly as the production worker builds it.
    bundleWorkflowCode({ ...docketBundleOptions, logger: quietBundlerLogger }),
    startSmtpReceiver(),
  ]);
  const namespace = env.namespace ?? 'default';
  const keyring = Keyring.fromSpec({
    current: 'api-test',
    keys: { 'api-test': options.codecKey ?? generateKey() },
  });
  const dataConverter = createDataConverter(keyring);
  const client = new Client({ connection: env.connection, namespace, dataConverter });
  const rawClient = new Client({ connection: env.connection, namespace });
  const taskQueue = uniqueName('docket-api');
  const archive = options.archive ?? testArchive();
  const docket = new DocketClient({ client, taskQueue, timeoutMs: 20_000, archive });

  const tokens: Record<KeyName, string> = {
    caseSystem: token(),
    supervisor: token(),
    administrator: token(),
    titleIxAdministrator: token(),
  };
  // Both configuration forms: raw tokens as in DOCKET_API_KEYS, and a digest as in api.keys.
  const auth = new ApiAuth([
    ...parseApiKeysEnv(`cms-test:case-system:${tokens.caseSystem},sup-test:supervisor:${tokens.supervisor}`),
    { id: 'admin-test', role: 'administrator', tokenSha256: sha256Hex(tokens.administrator) },
    {
      id: 'tix-admin-test',
      role: 'administrator',
      tokenSha256: sha256Hex(tokens.titleIxAdministrator),
      caseTypes: ['title-ix'],
    },
  ]);

  const apiLogLines: string[] = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void apiLogLines.push(line) });
  const ackLinkKey = TEST_ACK_LINK_KEY;
  const app = buildApi({
    docket,
    auth,
    logger,
    ackLinkKey,
    caseRecords: { messageIdDomain: 'docket.example.org', chromiumPath: CHROMIUM },
    // The same records store the worker archives into, as one data directory gives both processes.
    outcomes: archive.store,
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });

  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace,
    taskQueue,
    workflowBundle,
    dataConverter,
    // Alert emails link to this API's acknowledgement page, as production configures it.
    activities: await testActivities(smtp, { ackBaseUrl: `${url}/ack`, ackLinkKey, archive }),
  });
  const running = worker.run();

  async function call<T>(
    method: string,
    urlPath: string,
    options: CallOptions = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    const as = options.as;
    if (as !== undefined) headers.authorization = `Bearer ${typeof as === 'string' ? tokens[as] : as.token}`;
    let body: string | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${url}${urlPath}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }

  return {
    env,
    smtp,
    app,
    url,
    taskQueue,
    tokens,
    docket,
    rawClient,
    codec: new EncryptionCodec(keyring),
    apiLogLines,
    ackLinkKey,
    call,
    async teardown() {
      await app.close();
      worker.shutdown();
      await running;
      await smtp.close();
      await env.teardown();
    },
  };
}

/** A case number no other test uses, in the opaque format intake requires. */
export function newCaseNumber(prefix = 'GRV'): string {
  return `${prefix}-${randomBytes(6).toString('hex').toUpperCase()}`;
}

export function grievanceIntake(overrides: Partial<GrievanceIntakeInput> = {}): GrievanceIntakeInput {
  return {
    caseNumber: newCaseNumber(),
    facility: 'LARC',
    category: 'general',
    incidentAt: iso(Date.now() - DAY),
    involvedStaffIds: ['S-0666'],
    ...overrides,
  };
}

/** Polls until `check` returns a value (visibility and mail arrive a moment after the change). */
export async function eventually<T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
