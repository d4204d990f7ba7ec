// The administrators' second channels, wired as the worker wires them (worker/activities.ts): the
// primary relay behind its gate, a fallback relay (a real SMTP receiver) and the paging webhook (a
// real HTTP server on loopback that checks the signature as a receiver would).
import { testArchive } from '../helpers/docket-env';
import type { IncomingHttpHeaders, Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import pino from 'pino';
import { ApplicationFailure } from '@temporalio/common';
import {
  alertEventId,
  AlertWebhookError,
  createAlertWebhook,
  EVENT_ID_HEADER,
  signAlertWebhook,
  verifyAlertWebhook,
} from '../../activities/alert-webhook';
import { loadDirectory } from '../../activities/directory';
import { createMailTransport } from '../../activities/mail-transport';
import { adminAlertMessageId, type AdminAlertRequest } from '../../activities/notifications';
import { RelayHealth, relayGatedMailer } from '../../activities/relay-health';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { buildActivities } from '../../worker/activities';
import { parseConfig } from '../../infra/config';
import { alertWebhookFromConfig } from '../../worker/main';
import { asAttempts } from '../helpers/activity-attempt';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { rtsResponseEntry, SAMPLE_DIRECTORY } from './support/fixtures';
import { listenOnLoopback, signedPostServer } from '../helpers/webhooks';

const SECRET = 'k'.repeat(24) + 'a-random-alert-key';
const DOMAIN = 'docket.test.example.org';

interface Hook {
  server: Server;
  url: string;
  requests: Array<{ headers: IncomingHttpHeaders; body: string; verified: boolean }>;
  status: number;
  close(): Promise<void>;
}

/** A paging tool's receiver: records each POST, checks its signature, answers `status`. */
async function startHookReceiver(): Promise<Hook> {
  const hook: Partial<Hook> & { requests: Hook['requests']; status: number } = { requests: [], status: 202 };
  const server = signedPostServer(SECRET, ({ headers, body, verified }) => {
    hook.requests.push({ headers, body, verified });
    return hook.status;
  });
  const port = await listenOnLoopback(server);
  return Object.assign(hook, {
    server,
    url: `http://127.0.0.1:${port}/hooks/docket`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as Hook;
}

function deadPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createTcpServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const request = (noticeKey = 'rts.response/breach/1'): AdminAlertRequest => ({
  workflowId: 'grievance-OK-2026-000123',
  noticeKey,
  errorCode: 'SMTP_TRANSIENT',
  errorMessage:
    'mail relay unavailable or deferred notice rts.response/breach/1: connect ECONNREFUSED 10.0.0.5:25 for shift-supervisor@larc.example.org',
  caseNumber: 'OK-2026-000123',
  caseType: 'grievance',
  kind: 'breach',
  facility: 'LARC',
  role: 'rts.responder',
  entry: rtsResponseEntry(),
  sentAt: '2026-12-10T06:00:00.000Z',
});

async function wire(options: { fallbackPort?: number; webhookUrl?: string }) {
  const lines: Array<{ level: number; msg: string; [k: string]: unknown }> = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l)) });
  const timeoutsMs = { connection: 2_000, socket: 5_000 };
  const primaryTransport = createMailTransport({
    host: '127.0.0.1',
    port: await deadPort(),
    ignoreTLS: true,
    timeoutsMs,
  });
  const primaryHealth = new RelayHealth({
    relay: 'primary',
    probe: () => primaryTransport.verify(),
    logger,
    outageAlertAfterMs: 60_000,
    probeIntervalMs: 60_000,
    maxWaitMs: 300,
  });
  const primary = relayGatedMailer(primaryTransport, primaryHealth);
  const fallbackMailer =
    options.fallbackPort !== undefined
      ? createMailTransport({ host: '127.0.0.1', port: options.fallbackPort, ignoreTLS: true, timeoutsMs })
      : undefined;
  const ledger = createMemorySentLedger();
  const activities = buildActivities({
    mailer: primary,
    directory: await loadDirectory(SAMPLE_DIRECTORY),
    logger,
    ledger,
    config: {
      from: 'Docket <docket@docket.test.example.org>',
      adminFallback: 'docket-admins@agency.example.org',
      messageIdDomain: DOMAIN,
    },
    archive: testArchive(),
    adminAlerts: {
      primaryHealth,
      fallbackMailer,
      webhook: options.webhookUrl
        ? createAlertWebhook({ url: options.webhookUrl, secret: SECRET })
        : undefined,
    },
  });
  // The primary relay is known to be down: one send found it so.
  await primary.sendMail({ from: 'a@b.example', to: 'c@d.example', text: 'x' }).catch(() => undefined);
  expect(primaryHealth.state().unreachable).toBe(true);
  // Each call one attempt in an activity context, as the worker runs it.
  return { activities: asAttempts(activities), lines, ledger, close: () => primaryHealth.close() };
}

let fallback: SmtpReceiver;
let hook: Hook;
beforeEach(async () => {
  [fallback, hook] = await Promise.all([startSmtpReceiver(), startHookReceiver()]);
});
afterEach(async () => {
  await Promise.all([fallback.close(), hook.close()]);
});

test('primary relay down: the alert goes through the fallback relay and the signed webhook', async () => {
  const { activities, lines, close } = await wire({ fallbackPort: fallback.port, webhookUrl: hook.url });
  try {
    const result = await activities.alertAdministrators(request());
    expect(result).toMatchObject({
      deliveredBy: ['fallback-relay', 'webhook'],
      messageId: adminAlertMessageId('grievance-OK-2026-000123', 'rts.response/breach/1', DOMAIN),
      status: 'sent',
    });
    const [mail] = await fallback.waitForMessages(1);
    expect(mail?.messageId).toBe(result.messageId);
    expect(mail?.envelope.to).toEqual(['docket-admins@agency.example.org']);

    expect(hook.requests).toHaveLength(1);
    const [post] = hook.requests;
    expect(post?.verified).toBe(true);
    expect(post?.headers['content-type']).toBe('application/json');
    expect(post?.headers[EVENT_ID_HEADER.toLowerCase()]).toBe(
      alertEventId('grievance-OK-2026-000123', 'rts.response/breach/1'),
    );
    const body = JSON.parse(post?.body ?? '{}') as Record<string, unknown>;
    expect(body).toMatchObject({
      type: 'docket.notice.undelivered',
      workflowId: 'grievance-OK-2026-000123',
      noticeKey: 'rts.response/breach/1',
      errorCode: 'SMTP_TRANSIENT',
      caseNumber: 'OK-2026-000123',
      facility: 'LARC',
      role: 'rts.responder',
      deadline: { key: 'rts.response', dueAt: '2026-12-09T23:59:59.999-06:00' },
    });
    // No address of any kind leaves in the body.
    expect(post?.body).not.toMatch(/larc\.example\.org|10\.0\.0\.5/);
    expect(body.errorMessage).toBe(
      'mail relay unavailable or deferred notice rts.response/breach/1: connect ECONNREFUSED [endpoint] for [address]',
    );
    expect(lines.some((l) => l.msg === "administrators' alert sent through the fallback relay")).toBe(true);

    // A retry on this host (the activity's completion was lost): nothing is mailed or posted again.
    const again = await activities.alertAdministrators(request());
    expect(again.status).toBe('already-sent');
    expect(hook.requests).toHaveLength(1);
    expect(fallback.messages).toHaveLength(1);
  } finally {
    close();
  }
});

test('webhook only (no fallback relay): the pager is reached although no relay works', async () => {
  const { activities, close } = await wire({ webhookUrl: hook.url });
  try {
    const result = await activities.alertAdministrators(request('rts.response/breach/2'));
    expect(result).toMatchObject({ deliveredBy: ['webhook'], recipientIds: ['alert-webhook'] });
    expect(hook.requests.map((r) => r.verified)).toEqual([true]);
  } finally {
    close();
  }
});

test('every channel down: a transient failure naming each cause, logged once at error level', async () => {
  hook.status = 503;
  const { activities, lines, close } = await wire({ fallbackPort: await deadPort(), webhookUrl: hook.url });
  try {
    const err = await activities.alertAdministrators(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    const failure = err as ApplicationFailure;
    expect(failure.type).toBe('SMTP_TRANSIENT');
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).toMatch(
      /reached no channel: email: .*ECONNREFUSED \[endpoint\].*; webhook: alert webhook answered HTTP 503$/,
    );
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ msg: "administrators' alert reached no channel" });
    expect(JSON.stringify(errors[0])).not.toContain('larc.example.org');
  } finally {
    close();
  }
});

describe('the webhook itself', () => {
  const event = {
    id: 'e1',
    type: 'docket.notice.undelivered' as const,
    workflowId: 'w',
    noticeKey: 'k',
    errorCode: 'SMTP_TRANSIENT',
    errorMessage: 'm',
  };

  test('signature: valid, tampered, stale, and a rotated secret among several v1 entries', () => {
    const now = Math.floor(Date.now() / 1000);
    const body = '{"a":1}';
    const header = signAlertWebhook(SECRET, now, body);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyAlertWebhook(SECRET, header, body)).toBe(true);
    expect(verifyAlertWebhook(SECRET, header, '{"a":2}')).toBe(false);
    expect(verifyAlertWebhook(`${SECRET}x`, header, body)).toBe(false);
    expect(verifyAlertWebhook(SECRET, signAlertWebhook(SECRET, now - 301, body), body)).toBe(false);
    const rotated = `${signAlertWebhook('an-old-secret-of-thirty-two-chars!', now, body)},v1=${header.split('v1=')[1]}`;
    expect(verifyAlertWebhook(SECRET, rotated, body)).toBe(true);
    expect(verifyAlertWebhook(SECRET, undefined, body)).toBe(false);
  });

  test('answers: 4xx is a refusal for good, 5xx and 429 may pass, a refused connection names its errno', async () => {
    const webhook = createAlertWebhook({ url: hook.url, secret: SECRET });
    hook.status = 401;
    await expect(webhook.post(event)).rejects.toMatchObject({
      retryable: false,
      status: 401,
      code: 'ALERT_WEBHOOK_REFUSED',
    });
    hook.status = 429;
    await expect(webhook.post(event)).rejects.toMatchObject({ retryable: true, status: 429 });
    hook.status = 200;
    await expect(webhook.post(event)).resolves.toEqual({ status: 200, eventId: 'e1' });
    const dead = createAlertWebhook({ url: `http://127.0.0.1:${await deadPort()}/x`, secret: SECRET });
    const err = (await dead.post(event).catch((e: unknown) => e)) as AlertWebhookError;
    expect(err).toBeInstanceOf(AlertWebhookError);
    expect(err).toMatchObject({ retryable: true, errno: 'ECONNREFUSED', code: 'ALERT_WEBHOOK_UNAVAILABLE' });
  });

  test('configuration: a webhook URL without a secret in the environment stops the worker, naming both', () => {
    const config = parseConfig({ alerts: { webhookUrl: hook.url } });
    expect(() => alertWebhookFromConfig(config, {})).toThrow(
      /alerts\.webhookUrl is set, so DOCKET_ALERT_WEBHOOK_SECRET must hold a random key of at least 32 characters \(it has 0\)/,
    );
    expect(() => alertWebhookFromConfig(config, { DOCKET_ALERT_WEBHOOK_SECRET: 'short' })).toThrow(
      /it has 5/,
    );
    expect(alertWebhookFromConfig(config, { DOCKET_ALERT_WEBHOOK_SECRET: SECRET })?.target).toBe(
      new URL(hook.url).origin,
    );
    expect(alertWebhookFromConfig(parseConfig({}), {})).toBeUndefined();
  });
});
