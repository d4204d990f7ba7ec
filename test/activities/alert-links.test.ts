// Alerts with acknowledgement links, run as activity attempts (MockActivityEnvironment) against a real
// SMTP receiver: one message per recipient, each with its own signed link and its own Message-ID and
// ledger record, so a retry after a partial send re-sends only what the relay has not accepted.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { verifyAckLink } from '../../activities/ack-link';
import {
  noticeMessageId,
  recipientMessageId,
  SMTP_PERMANENT,
  SMTP_TRANSIENT,
  type NoticeRequest,
  type NoticeResult,
} from '../../activities/notifications';
import { createMemorySentLedger, openFileSentLedger } from '../../activities/sent-ledger';
import { asAttempts } from '../helpers/activity-attempt';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from '../helpers/smtp';
import {
  ACK_LINK_KEY,
  activitiesFor,
  captureLogs,
  MESSAGE_ID_DOMAIN,
  rtsResponseEntry,
} from './support/fixtures';

const ACK_BASE_URL = 'https://docket.agency.example.org/ack';
const DAY = 86_400_000;
// ACSD's rts.responder escalates to its supervisor role, which has two recipients.
const SUPERVISORS = ['ACSD-S012', 'ACSD-S112'];
const SUPERVISOR_ADDRESSES = ['supervisor@acsd.example.org', 'supervisor.backup@acsd.example.org'];

let receiver: SmtpReceiver;
beforeAll(async () => {
  receiver = await startSmtpReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
beforeEach(() => receiver.clear());

let seq = 0;
function breach(overrides: Partial<NoticeRequest> = {}): NoticeRequest {
  seq += 1;
  return {
    workflowId: `grievance-GRV-2026-${String(seq).padStart(6, '0')}${Date.now()}`,
    noticeKey: 'rts.response/breach/1',
    kind: 'breach',
    facility: 'ACSD',
    role: 'rts.responder',
    caseNumber: 'GRV-2026-000123',
    caseType: 'grievance',
    entry: rtsResponseEntry(),
    sentAt: '2026-12-10T06:00:00.000Z',
    ...overrides,
  };
}

function linkOf(message: ReceivedMessage | undefined, nowMs: number) {
  const url = new URL(/Acknowledge: (\S+)/.exec(message?.text ?? '')?.[1] ?? 'http://missing/');
  expect(url.origin + url.pathname).toBe(ACK_BASE_URL);
  // The HTML part carries the same link (Handlebars writes its "=" as an entity).
  const href = /<a href="([^"]+)">Acknowledge this alert<\/a>/.exec(message?.html ?? '')?.[1];
  expect(href?.replace(/&#x3D;/g, '=')).toBe(url.toString());
  return verifyAckLink(url.searchParams.get('t'), ACK_LINK_KEY, nowMs);
}

test('a breach to a role of two goes as two messages, each with its own link, Message-ID and ledger record', async () => {
  const ledger = createMemorySentLedger();
  const { activities } = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL, ledger });
  const request = breach();
  const result = await activities.sendNotice(request);
  const noticeId = noticeMessageId(request.workflowId, request.noticeKey, MESSAGE_ID_DOMAIN);
  const ids = SUPERVISORS.map((id) => recipientMessageId(noticeId, id, MESSAGE_ID_DOMAIN));
  expect(new Set([noticeId, ...ids]).size).toBe(3);
  expect(result).toMatchObject({
    messageId: noticeId,
    status: 'sent',
    recipientRole: 'supervisor',
    recipientIds: SUPERVISORS,
    recipientCount: 2,
    rejectedCount: 0,
    sentAt: request.sentAt,
    messages: [
      { recipientId: SUPERVISORS[0], messageId: ids[0], status: 'sent' },
      { recipientId: SUPERVISORS[1], messageId: ids[1], status: 'sent' },
    ],
  });

  const messages = await receiver.waitForMessages(2);
  expect(messages.map((m) => m.envelope.to)).toEqual(SUPERVISOR_ADDRESSES.map((a) => [a]));
  expect(messages.map((m) => m.messageId)).toEqual(ids);
  const sentAt = Date.parse(request.sentAt as string);
  messages.forEach((message, i) => {
    expect(message.subject).toBe('OVERDUE: rts.response was due 2026-12-09 23:59 CST (case GRV-2026-000123)');
    const link = linkOf(message, sentAt);
    expect(link).toEqual({
      status: 'valid',
      claims: {
        workflowId: request.workflowId,
        deadline: 'rts.response',
        recipientId: SUPERVISORS[i],
        noticeKey: 'rts.response/breach/1',
        // The agency's default: 7 days after the alert's Date.
        expiresAt: new Date(sentAt + 7 * DAY),
      },
    });
    expect(linkOf(message, sentAt + 7 * DAY).status).toBe('expired');
  });
  expect(linkOf(messages[0], sentAt)).not.toEqual(linkOf(messages[1], sentAt));
  expect(ledger.records().map((r) => [r.messageId, r.recipientIds])).toEqual(
    ids.map((id, i) => [id, [SUPERVISORS[i]]]),
  );

  // Sent again (a retry after both 250s): nothing new, reported as already sent.
  const again = await activities.sendNotice(request);
  expect(again.status).toBe('already-sent');
  expect(again.messages?.map((m) => m.status)).toEqual(['already-sent', 'already-sent']);
  await new Promise((r) => setTimeout(r, 200));
  expect(receiver.messages).toHaveLength(2);
});

test('an escalation carries links too, and the TTL is the agency setting', async () => {
  const { activities } = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL, ackLinkTtlDays: 3 });
  const request = breach({
    kind: 'escalation',
    escalationLevel: 1,
    noticeKey: 'rts.response/escalation-1/1',
  });
  const result = await activities.sendNotice(request);
  expect(result.recipientIds).toEqual(['ACSD-S004']);
  const [message] = await receiver.waitForMessages(1);
  const sentAt = Date.parse(request.sentAt as string);
  const link = linkOf(message, sentAt);
  expect(link.status === 'valid' && link.claims).toMatchObject({
    recipientId: 'ACSD-S004',
    noticeKey: 'rts.response/escalation-1/1',
    expiresAt: new Date(sentAt + 3 * DAY),
  });
  expect(linkOf(message, sentAt + 3 * DAY - 1).status).toBe('valid');
  expect(linkOf(message, sentAt + 3 * DAY).status).toBe('expired');
});

test('the same alert from two workers: the same Message-IDs and the same bytes, link included', async () => {
  const a = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL });
  const b = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL });
  const request = breach();
  await a.activities.sendNotice(request);
  await b.activities.sendNotice(request);
  const messages = await receiver.waitForMessages(4);
  expect(messages[2]?.messageId).toBe(messages[0]?.messageId);
  expect(messages[3]?.messageId).toBe(messages[1]?.messageId);
  expect(messages[2]?.raw.equals(messages[0]?.raw ?? Buffer.alloc(0))).toBe(true);
  expect(messages[3]?.raw.equals(messages[1]?.raw ?? Buffer.alloc(0))).toBe(true);
});

/**
 * A heartbeat listener that makes the relay answer `code` to the message after the first recipient's,
 * once that one is accepted (the activity heartbeats right after each acceptance).
 */
function afterFirstAccepted(code: number): (details: unknown) => void {
  let armed = false;
  return () => {
    if (armed) return;
    armed = true;
    receiver.replyNext(code);
  };
}

test('a partial send: the retry re-sends only the recipient whose message was not accepted', async () => {
  const ledger = createMemorySentLedger();
  const { activities, registered } = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL, ledger });
  const request = breach();
  const first = asAttempts(registered, { onHeartbeat: afterFirstAccepted(451) });
  const failure = await first.sendNotice(request).then(
    () => undefined,
    (e: unknown) => e as { type?: string; nonRetryable?: boolean },
  );
  // Retryable: Temporal tries again.
  expect(failure).toMatchObject({ type: SMTP_TRANSIENT, nonRetryable: false });
  expect(receiver.messages.map((m) => m.envelope.to)).toEqual([[SUPERVISOR_ADDRESSES[0]]]);
  expect(receiver.rejected.map((r) => [r.code, r.envelope.to])).toEqual([[451, [SUPERVISOR_ADDRESSES[1]]]]);

  const retry = await activities.sendNotice(request);
  expect(retry.status).toBe('sent');
  expect(retry.messages?.map((m) => [m.recipientId, m.status])).toEqual([
    [SUPERVISORS[0], 'already-sent'],
    [SUPERVISORS[1], 'sent'],
  ]);
  await new Promise((r) => setTimeout(r, 200));
  // One message per recipient in the end, never two.
  expect(receiver.messages.map((m) => m.envelope.to)).toEqual(SUPERVISOR_ADDRESSES.map((a) => [a]));
  expect(ledger.records()).toHaveLength(2);
});

test("an alert sent one message per recipient, on hosts without each other's ledger: a crash after each 250; every retry skips what the heartbeats say was accepted", async () => {
  // Each attempt runs on another host, with a ledger file of its own; only the heartbeat details,
  // which Temporal hands from one attempt to the next, connect them.
  const dir = await mkdtemp(path.join(tmpdir(), 'docket-hosts-'));
  const logs = captureLogs();
  let lastBeat: unknown;
  let crashes = 0;
  const crashAfterFirstTwo = (details: unknown) => {
    lastBeat = details;
    crashes += 1;
    // Attempt 1 dies after the first recipient's 250, attempt 2 after the second's.
    if (crashes <= 2) throw new Error('simulated worker crash after the relay accepted the message');
  };
  const request = breach();
  let notice: NoticeResult | undefined;
  try {
    for (let attempt = 1; notice === undefined && attempt <= 5; attempt += 1) {
      const host = await activitiesFor(receiver, {
        ackBaseUrl: ACK_BASE_URL,
        ledger: await openFileSentLedger(path.join(dir, `host-${attempt}`, 'sent.jsonl')),
        logs,
      });
      const run = asAttempts(host.registered, {
        attempt,
        heartbeatDetails: lastBeat,
        onHeartbeat: crashAfterFirstTwo,
      });
      notice = await run.sendNotice(request).catch((err: unknown) => {
        if (!(err instanceof Error) || !err.message.startsWith('simulated worker crash')) throw err;
        return undefined;
      });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  expect(notice?.status).toBe('already-sent');
  expect(notice?.messages?.map((m) => [m.recipientId, m.status])).toEqual([
    ['ACSD-S012', 'already-sent'],
    ['ACSD-S112', 'already-sent'],
  ]);
  await new Promise((r) => setTimeout(r, 300));
  expect(receiver.messages.map((m) => m.envelope.to)).toEqual([
    ['supervisor@acsd.example.org'],
    ['supervisor.backup@acsd.example.org'],
  ]);
  for (const m of notice?.messages ?? []) expect(receiver.byMessageId(m.messageId)).toHaveLength(1);
  // Attempt 3 knows the first message from the heartbeat attempt 2 carried it on in.
  expect(
    logs
      .lines()
      .filter((l) => l.msg === 'notice already accepted by the mail relay; not sending again')
      .map((l) => [l.attempt, l.recipientId]),
  ).toEqual([
    [2, 'ACSD-S012'],
    [3, 'ACSD-S012'],
    [3, 'ACSD-S112'],
  ]);
});

test('one recipient refused permanently, the other accepted: sent, with rejectedCount for the workflow to act on', async () => {
  const { registered } = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL });
  const activities = asAttempts(registered, { onHeartbeat: afterFirstAccepted(550) });
  const result = await activities.sendNotice(breach());
  expect(result).toMatchObject({ status: 'sent', recipientCount: 2, rejectedCount: 1 });
  expect(result.messages?.map((m) => m.status)).toEqual(['sent', 'refused']);
  expect(receiver.messages).toHaveLength(1);
});

test('every recipient refused permanently: a non-retryable SMTP_PERMANENT, as for one message', async () => {
  const { activities } = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL });
  receiver.replyNext(550, 2);
  await expect(activities.sendNotice(breach())).rejects.toMatchObject({
    type: SMTP_PERMANENT,
    nonRetryable: true,
  });
  expect(receiver.rejected).toHaveLength(2);
  expect(receiver.messages).toHaveLength(0);
});

test('without acknowledgement links an alert stays one message to the whole role; reminders always are', async () => {
  const plain = await activitiesFor(receiver);
  const alert = await plain.activities.sendNotice(breach());
  expect(alert.messages).toBeUndefined();
  const linked = await activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL });
  const reminder = await linked.activities.sendNotice(
    breach({ kind: 'reminder', role: 'supervisor', noticeKey: 'rts.response/reminder/half-time/1' }),
  );
  expect(reminder.messages).toBeUndefined();
  const messages = await receiver.waitForMessages(2);
  for (const message of messages) {
    expect(message.envelope.to.sort()).toEqual([...SUPERVISOR_ADDRESSES].sort());
    expect(message.text).not.toContain('Acknowledge: ');
  }
});

test('a link base URL without a key stops the activities at start', async () => {
  await expect(activitiesFor(receiver, { ackBaseUrl: ACK_BASE_URL, ackLinkKey: null })).rejects.toThrow(
    /mail\.ackBaseUrl is set.*set DOCKET_ACK_LINK_KEY/,
  );
});
