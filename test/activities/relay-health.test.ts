// The relay gate against a real SMTP receiver that goes away and comes back on its port, through
// nodemailer's real transport: the first refused connection closes the gate, later sends wait at it
// without connecting, a probe that gets an answer opens it and releases them at once, a send held
// longer than the limit fails with the relay's last cause, and the logs say all of it once.
import { freePort } from '../helpers/net';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import {
  failureCauseOf,
  redactForLog,
  relayTagOf,
  sendFailureLogFields,
} from '../../activities/failure-cause';
import { createMailTransport } from '../../activities/mail-transport';
import {
  isRelayUnreachable,
  RELAY_UNREACHABLE,
  RelayHealth,
  relayGatedMailer,
} from '../../activities/relay-health';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function setup(port: number, options: { maxWaitMs?: number; outageAlertAfterMs?: number } = {}) {
  const lines: Line[] = [];
  const logger = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Line) });
  const transport = createMailTransport({
    host: '127.0.0.1',
    port,
    ignoreTLS: true,
    timeoutsMs: { connection: 2_000, socket: 5_000 },
  });
  const health = new RelayHealth({
    relay: 'primary',
    probe: () => transport.verify(),
    logger,
    outageAlertAfterMs: options.outageAlertAfterMs ?? 60_000,
    probeIntervalMs: 200,
    maxWaitMs: options.maxWaitMs ?? 20_000,
  });
  return { lines, health, mailer: relayGatedMailer(transport, health) };
}

const mail = (n: number) => ({
  from: 'docket@docket.example.org',
  to: 'shift-supervisor@larc.example.org',
  subject: `notice ${n}`,
  text: 'body',
  messageId: `<relay-health-${n}@docket.example.org>`,
});

let receivers: SmtpReceiver[] = [];
let healths: RelayHealth[] = [];
afterEach(async () => {
  for (const h of healths) h.close();
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
  healths = [];
});

test('refused: the gate closes, held sends go out within one probe of the relay coming back, once', async () => {
  const port = await freePort();
  const { health, mailer, lines } = setup(port);
  healths.push(health);

  const first = await mailer.sendMail(mail(1)).catch((err: unknown) => err);
  expect(isRelayUnreachable(first)).toBe(true);
  expect(failureCauseOf(first)).toMatchObject({ code: 'ESOCKET', errno: 'ECONNREFUSED' });
  expect(relayTagOf(first)).toMatchObject({ relay: 'primary', unreachable: true });
  expect(health.state()).toMatchObject({ unreachable: true, failures: 1 });

  // Held, not refused: these wait at the gate while nothing listens.
  const held = [2, 3, 4].map((n) => mailer.sendMail(mail(n)));
  await sleep(1_000);
  expect(health.state().failures).toBe(1); // no connection was tried for them

  const receiver = await startSmtpReceiver({ port });
  receivers.push(receiver);
  const upAt = Date.now();
  await Promise.all(held);
  expect(Date.now() - upAt).toBeLessThan(2_000);
  expect(receiver.messages.map((m) => m.subject).sort()).toEqual(['notice 2', 'notice 3', 'notice 4']);
  expect(health.state()).toMatchObject({ unreachable: false, failures: 0 });
  expect(lines.filter((l) => l.msg.startsWith('mail relay unreachable'))).toHaveLength(1);
  const answered = lines.filter((l) => l.msg.startsWith('mail relay is answering again'));
  expect(answered).toHaveLength(1);
  expect(answered[0]).toMatchObject({ relay: 'primary', failures: 1 });
});

test('a send held longer than the limit fails as unreachable, naming the cause and when it began', async () => {
  const port = await freePort();
  const { health, mailer } = setup(port, { maxWaitMs: 500 });
  healths.push(health);
  await mailer.sendMail(mail(1)).catch(() => undefined);
  const started = Date.now();
  const err = (await mailer.sendMail(mail(2)).catch((e: unknown) => e)) as Error & { code?: string };
  expect(Date.now() - started).toBeGreaterThanOrEqual(450);
  expect(err.code).toBe(RELAY_UNREACHABLE);
  expect(err.message).toMatch(
    /^mail relay primary unreachable since \d{4}-\d\d-\d\dT\S+ \(ESOCKET ECONNREFUSED: connect ECONNREFUSED \[endpoint\]\); waited \d+ s for it$/,
  );
  const fields = sendFailureLogFields(
    err,
    { attempt: 3, retryPolicy: { initialInterval: 2_000, backoffCoefficient: 2, maximumInterval: 10_000 } },
    true,
  );
  expect(fields).toMatchObject({ relay: 'primary', cause: { code: RELAY_UNREACHABLE } });
  // Attempt 3 of 2 s × 2^n capped at 10 s: the next one in 8 s.
  expect(Date.parse(fields.nextRetryAt as string) - Date.now()).toBeGreaterThan(7_000);
  expect(Date.parse(fields.nextRetryAt as string) - Date.now()).toBeLessThanOrEqual(8_000);
  expect(health.state().failures).toBe(1); // a held send that gave up is not another failure of the relay
});

test('one error-level line once the relay has failed longer than outageAlertAfter, and not again', async () => {
  const port = await freePort();
  const { health, mailer, lines } = setup(port, { outageAlertAfterMs: 600 });
  healths.push(health);
  await mailer.sendMail(mail(1)).catch(() => undefined);
  expect(lines.filter((l) => l.level === 50)).toHaveLength(0);
  await sleep(1_500); // the probes keep failing meanwhile
  const errors = lines.filter((l) => l.level === 50);
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({
    msg: expect.stringMatching(/^mail relay failing for [01] s; notices are waiting for it$/),
    relay: 'primary',
    unreachable: true,
    cause: { errno: 'ECONNREFUSED', message: 'connect ECONNREFUSED [endpoint]' },
  });
  expect(Number(errors[0]?.failingForS)).toBeGreaterThanOrEqual(0);
  await sleep(600);
  expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
});

test('deferring replies (451) leave the gate open: the relay is up, each message decides for itself', async () => {
  const receiver = await startSmtpReceiver();
  receivers.push(receiver);
  const { health, mailer } = setup(receiver.port);
  healths.push(health);
  receiver.replyNext(451);
  const err = await mailer.sendMail(mail(1)).catch((e: unknown) => e);
  expect(isRelayUnreachable(err)).toBe(false);
  expect(health.state()).toMatchObject({ unreachable: false, failures: 1 });
  expect(relayTagOf(err)).toMatchObject({ unreachable: false });
  await mailer.sendMail(mail(2));
  expect(health.state()).toMatchObject({ unreachable: false, failures: 0 });
  // A permanent refusal is about that message, not the relay.
  receiver.replyNext(550);
  await mailer.sendMail(mail(3)).catch(() => undefined);
  expect(health.state().failures).toBe(0);
});

test('log redaction: mail addresses and network endpoints never reach a log line', () => {
  expect(redactForLog('550 5.1.1 <jane.doe@larc.example.org>: Recipient address rejected')).toBe(
    '550 5.1.1 <[address]>: Recipient address rejected',
  );
  expect(redactForLog('connect ECONNREFUSED 10.1.2.3:25')).toBe('connect ECONNREFUSED [endpoint]');
  expect(redactForLog('connect ECONNREFUSED ::1:2525')).toBe('connect ECONNREFUSED [endpoint]');
  expect(redactForLog('since 2026-03-01T10:30:00.000Z')).toBe('since 2026-03-01T10:30:00.000Z');
});
