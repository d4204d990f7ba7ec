// Docket's configuration: one YAML file validated with zod, plus environment variables for secrets
// and for what differs per machine. Parsed once at start; a bad value stops the process with a
// message that names the field.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { CALENDAR_IDS } from '../domain/calendar/types';
import { ACK_LINK_KEY_MIN_BYTES } from '../activities/ack-link';
import { resolveRetention } from '../domain/policies/records';

const tlsSchema = z
  .object({
    serverNameOverride: z.string().optional(),
    serverRootCACertificatePath: z.string().optional(),
    clientCertPath: z.string().optional(),
    clientKeyPath: z.string().optional(),
  })
  .refine((tls) => Boolean(tls.clientCertPath) === Boolean(tls.clientKeyPath), {
    message: 'clientCertPath and clientKeyPath must be given together (mTLS needs both)',
  });

/** Who may do what through the HTTP API (server/api/auth.ts maps roles to permissions). */
export const apiRoles = ['case-system', 'supervisor', 'administrator'] as const;
export type ApiRole = (typeof apiRoles)[number];

export const apiKeySchema = z
  .object({
    /** Opaque key name: it appears in request logs, so it must not be a person's name or a secret. */
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a key ID like cms-prod-1'),
    role: z.enum(apiRoles),
    /** Lower-case hex SHA-256 of the bearer token, e.g. from `printf %s "$TOKEN" | sha256sum`. */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, "the 64 hex digits of the token's SHA-256"),
    /** Limits the key to these case types (e.g. a school district's system to title-ix); all when absent. */
    caseTypes: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();
export type ApiKeyConfig = z.infer<typeof apiKeySchema>;

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const clockTime = z.string().regex(CLOCK_TIME, 'a 24-hour local time like 08:00');

/** When someone is at the office; reminders are placed within these hours on the calendar's working days. */
export const businessHoursSchema = z
  .object({ start: clockTime, end: clockTime })
  .strict()
  .refine(
    // Only two well-formed times can be compared; a malformed one is reported by its own field.
    (hours) => !CLOCK_TIME.test(hours.start) || !CLOCK_TIME.test(hours.end) || hours.start < hours.end,
    { message: 'start must be before end (business hours lie within one day)' },
  );

const calendarSettingsSchema = z.object({ businessHours: businessHoursSchema.optional() }).strict();
/**
 * The key that signs acknowledgement links (activities/ack-link.ts): base64 or base64url of at least 32
 * random bytes, e.g. `openssl rand -base64 32`. Issues name the variable, never echo the value.
 */
export const ackLinkKeySchema = z.string().transform((text, ctx): Buffer => {
  const trimmed = text.trim().replace(/=+$/, '');
  const alphabets = (/[+/]/.test(trimmed) ? 1 : 0) + (/[_-]/.test(trimmed) ? 1 : 0);
  if (!/^[A-Za-z0-9+/_-]+$/.test(trimmed) || alphabets > 1 || trimmed.length % 4 === 1) {
    ctx.addIssue({
      code: 'custom',
      message: 'DOCKET_ACK_LINK_KEY is not base64 or base64url (make one with `openssl rand -base64 32`)',
    });
    return z.NEVER;
  }
  const key = Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_'), 'base64url');
  if (key.length < ACK_LINK_KEY_MIN_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `DOCKET_ACK_LINK_KEY must decode to at least ${ACK_LINK_KEY_MIN_BYTES} bytes, got ${key.length}`,
    });
    return z.NEVER;
  }
  // One repeated byte ("AAAA...") is a placeholder, not a secret.
  if (key.every((byte) => byte === key[0])) {
    ctx.addIssue({ code: 'custom', message: 'DOCKET_ACK_LINK_KEY is a placeholder (every byte the same)' });
    return z.NEVER;
  }
  return key;
});

const DURATION = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/;
const DURATION_UNITS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/** A duration: `90s`, `5m`, `1h`, `250ms`, or a number of seconds. Parsed to milliseconds. */
const durationSchema = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = typeof value === 'number' ? [String(value), String(value), 's'] : DURATION.exec(value);
  const amount = Number(match?.[1]);
  if (!match || !Number.isFinite(amount) || amount < 0) {
    ctx.addIssue({ code: 'custom', message: `a duration like 90s, 5m or 1h, not ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return Math.round(amount * DURATION_UNITS[(match[2] ?? 's') as keyof typeof DURATION_UNITS]);
});

/** Where Docket posts signed events: https, or http only to a loopback host (a receiver beside the worker). */
const webhookUrlSchema = z.url().refine((value) => {
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}, 'an https URL (http only for a loopback host)');

/**
 * A case system told of every deadline change of its case types (activities/deadline-events.ts). Its
 * HMAC secret is read at start from an environment variable or a file (a mounted secret), never
 * written in the configuration.
 */
export const webhookSubscriberSchema = z
  .object({
    /** Opaque name of the case system: it appears in logs. */
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a subscriber ID like cms-prod'),
    url: webhookUrlSchema,
    caseTypes: z.array(z.string().min(1)).min(1),
    /** Also receive the administrators' alerts about undeliverable notices. */
    adminAlerts: z.boolean().default(false),
    secretEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name like DOCKET_WEBHOOK_SECRET_CMS')
      .optional(),
    secretFile: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => (s.secretEnv === undefined) !== (s.secretFile === undefined), {
    message: 'give exactly one of secretEnv (an environment variable) or secretFile (a file) for the secret',
  });
export type WebhookSubscriberConfig = z.infer<typeof webhookSubscriberSchema>;

const relaySchema = {
  host: z.string().min(1),
  port: z.coerce.number().int().min(1).max(65535),
  secure: z.boolean().default(false),
  user: z.string().optional(),
  password: z.string().optional(),
};

export const configSchema = z.object({
  temporal: z.object({
    address: z.string().min(1).default('127.0.0.1:7233'),
    namespace: z.string().min(1).default('default'),
    taskQueue: z.string().min(1).default('docket'),
    tls: tlsSchema.optional(),
    apiKey: z.string().optional(),
  }),
  smtp: z.object({
    host: z.string().min(1).default('127.0.0.1'),
    port: z.coerce.number().int().min(1).max(65535).default(1025),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
    /**
     * How long the relay may keep failing before the worker writes one error-level log line about it
     * (`90s`, `5m`, `1h` or seconds). Every failed attempt is logged at warn level before that.
     */
    outageAlertAfter: durationSchema.default(300_000),
    /**
     * A second relay, for the administrators' alert about a notice that could not be delivered: it
     * must not depend on the primary relay (another host, another provider). Notices themselves wait
     * for the primary relay, which holds the agency's mail routing.
     */
    fallback: z
      .object({ ...relaySchema, port: relaySchema.port.default(25) })
      .strict()
      .optional(),
  }),
  alerts: z.object({
    /**
     * The agency's paging tool: every administrators' alert about an undelivered notice is also
     * POSTed here as signed JSON (HMAC-SHA256 with DOCKET_ALERT_WEBHOOK_SECRET), so it does not
     * depend on any mail relay. https unless the host is loopback.
     */
    webhookUrl: webhookUrlSchema.optional(),
  }),
  /** Case systems told of deadline changes instead of polling for them (activities/deadline-events.ts). */
  webhooks: z
    .object({
      subscribers: z
        .array(webhookSubscriberSchema)
        .default([])
        .superRefine((subscribers, ctx) => {
          const seen = new Set<string>();
          subscribers.forEach((s, i) => {
            if (seen.has(s.id))
              ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate subscriber ID ${s.id}` });
            seen.add(s.id);
          });
        }),
    })
    .strict()
    .default({ subscribers: [] }),
  mail: z.object({
    from: z.string().min(3).default('Docket <docket@localhost>'),
    adminFallback: z.string().min(3).default('docket-admin@localhost'),
    messageIdDomain: z.string().min(1).default('docket.local'),
    ackBaseUrl: z.string().url().optional(),
    /** Signs the acknowledgement links; from DOCKET_ACK_LINK_KEY. The worker needs it when ackBaseUrl is set, the API always. */
    ackLinkKey: ackLinkKeySchema.optional(),
    /** How long an acknowledgement link works after its alert was sent. */
    ackLinkTtlDays: z.coerce.number().int().min(1).max(90).default(7),
  }),
  directoryPath: z.string().min(1).default('config/directory.yaml'),
  dataDir: z.string().min(1).default('.docket'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  worker: z.object({
    /**
     * Cases kept in the worker's memory between steps; the rest replay their history on their next
     * step. 1,000 keeps the worker under 1.5 GB of RSS at 10,000 open cases (BENCHMARKS.md "Memory").
     */
    maxCachedWorkflows: z.coerce.number().int().min(0).default(1_000),
    maxConcurrentWorkflowTaskExecutions: z.coerce.number().int().min(1).default(40),
    maxConcurrentActivityTaskExecutions: z.coerce.number().int().min(1).default(100),
    /**
     * Threads that run workflow code. Each holds its own copy of the workflow bundle (more memory), and
     * without a second one a midnight burst can use only one core for workflow code, however many the
     * machine has (BENCHMARKS.md "Workflow threads: the 500-deadline burst with one and with two").
     */
    workflowThreads: z.coerce.number().int().min(1).max(16).default(1),
  }),
  metrics: z.object({
    /**
     * Where the worker serves Prometheus metrics (the SDK's own and Docket's counters), on
     * `metrics.host`; 0 turns the endpoint off. Loopback by default: the metrics name facilities.
     */
    workerPort: z.coerce.number().int().min(0).max(65535).default(9464),
    host: z.string().min(1).default('127.0.0.1'),
  }),
  api: z.object({
    host: z.string().default('127.0.0.1'),
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /**
     * API keys as SHA-256 digests of their tokens, so the file holds nothing that can call the API.
     * Raw tokens may instead come from the environment (DOCKET_API_KEYS, see server/api/auth.ts).
     */
    keys: z.array(apiKeySchema).default([]),
    /** How long one request may wait on Temporal (an update waits for the worker) before a 504. */
    temporalTimeoutMs: z.coerce.number().int().min(100).max(300_000).default(30_000),
  }),
  /**
   * The morning digest: facility code → the business calendar it keeps (working days, time zone, start
   * of business). `docket setup` creates one Temporal Schedule per facility named here.
   */
  digest: z
    .object({
      facilities: z
        .record(
          z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a facility code like LARC'),
          z.object({ calendar: z.enum(CALENDAR_IDS) }).strict(),
        )
        .default({}),
    })
    .strict()
    .default({ facilities: {} }),
  /**
   * The records archive (activities/archive.ts): where closed cases' records are kept once Temporal
   * no longer has their workflows, and for how long.
   */
  records: z
    .object({
      /** `sqlite`: a file in dataDir (the embedded default); `postgres`: databaseUrl (the cluster). */
      store: z.enum(['sqlite', 'postgres']).default('sqlite'),
      /** PostgreSQL connection string for store `postgres`; from DOCKET_RECORDS_DATABASE_URL, as it holds a password. */
      databaseUrl: z.string().min(1).optional(),
      /**
       * Days Temporal keeps a closed case's workflow history (the namespace's retention, which `docket
       * setup` sets). The record itself is in the archive; this only bounds how long the live run is seen.
       */
      historyRetentionDays: z.coerce.number().int().min(1).max(3650).default(30),
      /**
       * The agency's records periods by policy ID as ISO 8601 periods, e.g. `ok-doc-grievance: P10Y`.
       * Where the policy's source fixes a minimum (Title IX: 7 years) only a longer period is accepted.
       */
      retention: z.record(z.string(), z.string()).default({}),
      /** The Chromium that prints court-ready case records to PDF (DOCKET_CHROMIUM). */
      chromiumPath: z.string().min(1).default('/usr/bin/chromium'),
    })
    .superRefine((records, ctx) => {
      if (records.store === 'postgres' && !records.databaseUrl) {
        ctx.addIssue({
          code: 'custom',
          path: ['databaseUrl'],
          message: 'store postgres needs a connection string (DOCKET_RECORDS_DATABASE_URL)',
        });
      }
      for (const policyId of Object.keys(records.retention)) {
        try {
          resolveRetention(policyId, records.retention);
        } catch (err) {
          ctx.addIssue({ code: 'custom', path: ['retention', policyId], message: (err as Error).message });
        }
      }
    }),
  /**
   * Agency settings per business calendar, e.g. `us-ok-state: { businessHours: { start: '07:30',
   * end: '16:00' } }`. A calendar not named keeps its defaults (08:00–17:00 local).
   */
  calendars: z
    .record(z.string(), calendarSettingsSchema)
    .superRefine((calendars, ctx) => {
      for (const id of Object.keys(calendars)) {
        if (!(CALENDAR_IDS as readonly string[]).includes(id)) {
          ctx.addIssue({
            code: 'custom',
            path: [id],
            message: `no calendar '${id}' (known: ${CALENDAR_IDS.join(', ')})`,
          });
        }
      }
    })
    .default({}),
});

export type DocketConfig = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The agency's business hours per calendar ID, as schedule computations take them (ScheduleInput). */
export function configuredBusinessHours(
  config: DocketConfig,
): Record<string, { start: string; end: string }> {
  const hours: Record<string, { start: string; end: string }> = {};
  for (const [id, calendar] of Object.entries(config.calendars)) {
    if (calendar?.businessHours) hours[id] = { ...calendar.businessHours };
  }
  return hours;
}

/** Environment variables that override the file; secrets belong here, never in the repository. */
const envOverrides: Array<[string, string[]]> = [
  ['TEMPORAL_ADDRESS', ['temporal', 'address']],
  ['TEMPORAL_NAMESPACE', ['temporal', 'namespace']],
  ['TEMPORAL_API_KEY', ['temporal', 'apiKey']],
  ['DOCKET_TASK_QUEUE', ['temporal', 'taskQueue']],
  ['DOCKET_SMTP_HOST', ['smtp', 'host']],
  ['DOCKET_SMTP_PORT', ['smtp', 'port']],
  ['DOCKET_SMTP_USER', ['smtp', 'user']],
  ['DOCKET_SMTP_PASSWORD', ['smtp', 'password']],
  ['DOCKET_SMTP_OUTAGE_ALERT_AFTER', ['smtp', 'outageAlertAfter']],
  ['DOCKET_SMTP_FALLBACK_HOST', ['smtp', 'fallback', 'host']],
  ['DOCKET_SMTP_FALLBACK_PORT', ['smtp', 'fallback', 'port']],
  ['DOCKET_SMTP_FALLBACK_USER', ['smtp', 'fallback', 'user']],
  ['DOCKET_SMTP_FALLBACK_PASSWORD', ['smtp', 'fallback', 'password']],
  ['DOCKET_ALERT_WEBHOOK_URL', ['alerts', 'webhookUrl']],
  ['DOCKET_DIRECTORY', ['directoryPath']],
  ['DOCKET_DATA_DIR', ['dataDir']],
  ['DOCKET_LOG_LEVEL', ['logLevel']],
  ['DOCKET_API_PORT', ['api', 'port']],
  ['DOCKET_API_HOST', ['api', 'host']],
  ['DOCKET_ACK_BASE_URL', ['mail', 'ackBaseUrl']],
  ['DOCKET_ACK_LINK_KEY', ['mail', 'ackLinkKey']],
  ['DOCKET_MAIL_FROM', ['mail', 'from']],
  ['DOCKET_ADMIN_FALLBACK', ['mail', 'adminFallback']],
  ['DOCKET_METRICS_PORT', ['metrics', 'workerPort']],
  ['DOCKET_RECORDS_STORE', ['records', 'store']],
  ['DOCKET_RECORDS_DATABASE_URL', ['records', 'databaseUrl']],
  ['DOCKET_HISTORY_RETENTION_DAYS', ['records', 'historyRetentionDays']],
  ['DOCKET_CHROMIUM', ['records', 'chromiumPath']],
];

function setPath(target: Record<string, unknown>, keys: string[], value: string): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}

/** Parses configuration from an object (file contents) and an environment. Pure apart from its inputs. */
export function parseConfig(
  raw: unknown,
  env: NodeJS.ProcessEnv = {},
  origin = 'configuration',
): DocketConfig {
  const merged: Record<string, unknown> = structuredClone((raw ?? {}) as Record<string, unknown>);
  for (const section of ['temporal', 'smtp', 'alerts', 'mail', 'worker', 'metrics', 'api', 'records'])
    merged[section] ??= {};
  for (const [name, keys] of envOverrides) {
    const value = env[name];
    if (value !== undefined && value !== '') setPath(merged, keys, value);
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
      .join('; ');
    throw new ConfigError(`invalid ${origin}: ${problems}`);
  }
  return result.data;
}

/** Reads the YAML file named by DOCKET_CONFIG (default config/docket.yaml, optional) and the environment. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DocketConfig {
  const file = env.DOCKET_CONFIG ?? path.join(process.cwd(), 'config', 'docket.yaml');
  let raw: unknown = {};
  try {
    raw = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing || env.DOCKET_CONFIG) {
      throw new ConfigError(`cannot read config file ${file}: ${(err as Error).message}`);
    }
  }
  return parseConfig(raw, env, `config ${file}`);
}
