// The notice activities run as single attempts (MockActivityEnvironment, no worker or server),
// against a real SMTP receiver: what each notice says, the .ics it carries, deterministic identities,
// directory resolution at send time, failure classification on real SMTP replies, and what reaches
// the logs.
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { verifyAckLink } from '../../activities/ack-link';
import { loadDirectory } from '../../activities/directory';
import { DEFAULT_TEMPLATES_DIR, loadNoticeTemplates } from '../../activities/notice-templates';
import {
  adminAlertMessageId,
  classifySmtpError,
  deadlineEventUid,
  DIRECTORY_UNKNOWN_RECIPIENT,
  NOTICE_INPUT_INVALID,
  noticeMessageId,
  SMTP_PERMANENT,
  SMTP_TRANSIENT,
  type NoticeRequest,
} from '../../activities/notifications';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from '../helpers/smtp';
import { parseICalendar, parseUtcDateTime, prop } from './support/ical';
import {
  ACK_LINK_KEY,
  activitiesFor,
  ADMIN_FALLBACK,
  calendarParts,
  editFile,
  MESSAGE_ID_DOMAIN,
  reportServiceEntry,
  rtsReminder,
  rtsResponseEntry,
  tempDirectory,
} from './support/fixtures';

let receiver: SmtpReceiver;
beforeAll(async () => {
  receiver = await startSmtpReceiver();
});
afterAll(async () => {
  await receiver?.close();
});
beforeEach(() => receiver.clear());

let seq = 0;
/** A unique workflow ID per test, so Message-IDs never collide between tests. */
function wf(): string {
  seq += 1;
  return `grievance-OK-2026-${String(seq).padStart(6, '0')}-${Date.now()}`;
}

function reminder(overrides: Partial<NoticeRequest> = {}): NoticeRequest {
  return {
    workflowId: wf(),
    ...rtsReminder(),
    sentAt: '2026-12-02T16:15:00.000Z',
    ...overrides,
  };
}

async function expectFailure(
  promise: Promise<unknown>,
  type: string,
  nonRetryable: boolean,
): Promise<ApplicationFailure> {
  const err = await promise.then(
    () => {
      throw new Error('expected the activity to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApplicationFailure);
  const failure = err as ApplicationFailure;
  expect(failure.type).toBe(type);
  expect(failure.nonRetryable).toBe(nonRetryable);
  return failure;
}

function icsOf(message: ReceivedMessage) {
  const attachment = calendarParts(message).find((a) => a.contentType.startsWith('application/ics'));
  expect(attachment?.filename).toBe('rts.response.ics');
  return parseICalendar(attachment?.content.toString('utf8') ?? '');
}

describe('what a deadline notice says', () => {
  test('a reminder states the local deadline with its zone, the rule, its source and the action, in text and HTML', async () => {
    const { activities } = await activitiesFor(receiver);
    const request = reminder();
    const result = await activities.sendNotice(request);
    expect(result).toMatchObject({
      status: 'sent',
      recipientRole: 'rts.responder',
      recipientIds: ['LARC-S001', 'LARC-S101'],
      recipientCount: 2,
      rejectedCount: 0,
      sentAt: '2026-12-02T16:15:00.000Z',
    });
    const [message] = await receiver.waitForMessages(1);
    if (!message) throw new Error('no message');

    expect(message.envelope.to.sort()).toEqual([
      'rts.responder.backup@larc.example.org',
      'rts.responder@larc.example.org',
    ]);
    // Names from the directory appear only here, in the To: header.
    expect(message.header('to')).toContain('"LARC RTS Responder Desk" <rts.responder@larc.example.org>');
    expect(message.subject).toBe('Reminder: rts.response due 2026-12-09 23:59 CST (case OK-2026-000123)');
    for (const body of [message.text, message.html]) {
      expect(body).toContain('2026-12-09 23:59 CST');
      expect(body).toContain('America/Chicago');
      expect(body).toContain('Staff respond in writing within 10 working days of receipt');
      expect(body).toContain('OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)');
      expect(body).toContain('Respond in writing to the Request to Staff');
      expect(body).toContain('OK-2026-000123');
    }
    // The plain-text layout is the template's own (a formatter run over the templates would reflow it).
    expect(message.text).toContain(
      'Due:             2026-12-09 23:59 CST (Wednesday; time zone America/Chicago)',
    );
    expect(message.text).toContain(
      'Rule:            Staff respond in writing within 10 working days of receipt\n',
    );
    expect(message.text).toContain(
      'Sent automatically by Docket to the rts.responder role at LARC. Do not reply to this message.\n',
    );
    expect(message.html).toContain('Lexington Assessment &amp; Reception Center');
    expect(message.header('date')).toBe(new Date('2026-12-02T16:15:00.000Z').toISOString());
    expect(message.header('auto-submitted')).toBe('auto-generated');
    expect(message.header('x-docket-notice-key')).toBe('rts.response/reminder/half-time/1');
  });

  test('a daylight-saving deadline shows the zone in force on that day (CDT)', async () => {
    const { activities } = await activitiesFor(receiver);
    await activities.sendNotice({
      ...reminder({ kind: 'service-task', role: 'shift-supervisor', entry: reportServiceEntry() }),
      noticeKey: 'report.service/service-task/1',
      caseType: 'disciplinary-hearing',
      delivery: { document: 'the offense report (copy 1)', to: 'inmate' },
    });
    const [message] = await receiver.waitForMessages(1);
    expect(message?.subject).toBe(
      'Service task: serve the offense report (copy 1) by 2026-03-08 15:00 CDT (case OK-2026-000123)',
    );
    expect(message?.text).toContain('2026-03-08 15:00 CDT (Sunday; time zone America/Chicago)');
    // Inmates get no email: the task goes to staff, says what to serve and how to prove service.
    expect(message?.envelope.to).toEqual(['shift-supervisor@larc.example.org']);
    expect(message?.text).toContain('What:   the offense report (copy 1)');
    expect(message?.text).toContain('Docket does not send email to the inmate');
    expect(message?.text).toContain('record proof of service');
    expect(message?.text).toContain('or that service was refused');
    expect(message?.text).toContain('OP-060125 §IV.C.2');
  });

  test('the .ics attachment is valid iCalendar with the deadline as DTSTART and a stable UID', async () => {
    const { activities } = await activitiesFor(receiver);
    const request = reminder();
    await activities.sendNotice(request);
    // A later notice about the same deadline (the breach alert) must update the same calendar event.
    await activities.sendNotice({ ...request, kind: 'breach', noticeKey: 'rts.response/breach/1' });
    const [first, second] = await receiver.waitForMessages(2);
    if (!first || !second) throw new Error('missing messages');

    const calendar = icsOf(first);
    expect(prop(calendar, 'METHOD')?.value).toBe('PUBLISH');
    const events = calendar.components.filter((c) => c.name === 'VEVENT');
    expect(events).toHaveLength(1);
    const event = events[0];
    if (!event) throw new Error('no VEVENT');
    // DTSTART is the deadline instant (to the second, in UTC): 2026-12-09 23:59:59 CST.
    const dueAt = Date.parse('2026-12-09T23:59:59.999-06:00');
    expect(parseUtcDateTime(prop(event, 'DTSTART')?.value ?? '').getTime()).toBe(
      Math.floor(dueAt / 1000) * 1000,
    );
    expect(prop(event, 'DTSTART')?.value).toBe('20261210T055959Z');
    expect(prop(event, 'DTSTAMP')?.value).toBe('20261202T161500Z');
    expect(prop(event, 'UID')?.value).toBe(
      deadlineEventUid(request.workflowId, 'rts.response', MESSAGE_ID_DOMAIN),
    );
    expect(prop(event, 'SEQUENCE')?.value).toBe('0');
    expect(prop(event, 'SUMMARY')?.value).toContain('rts.response');

    const again = icsOf(second).components.find((c) => c.name === 'VEVENT');
    expect(again && prop(again, 'UID')?.value).toBe(prop(event, 'UID')?.value);
    // The same calendar travels as a text/calendar alternative, so mail clients show it as an event.
    const alternative = calendarParts(first).find((a) => a.contentType.startsWith('text/calendar'));
    expect(alternative?.content.toString('utf8')).toContain(`UID:${prop(event, 'UID')?.value}`);
  });

  test('an extension notice gives the new and previous limits, and bumps the calendar SEQUENCE', async () => {
    const { activities } = await activitiesFor(receiver);
    const entry = rtsResponseEntry({
      dueAt: '2026-12-16T23:59:59.999-06:00',
      localText: '2026-12-16 23:59 CST',
      extensions: [
        {
          key: 'ext-1',
          dueAt: '2026-12-11T23:59:59.999-06:00',
          reason: 'Records requested from another facility',
          approverRole: 'reviewing-authority',
          approvedBy: 'LARC-S002',
          grantedAt: '2026-12-04T11:00:00.000-06:00',
        },
        {
          key: 'ext-2',
          dueAt: '2026-12-16T23:59:59.999-06:00',
          reason: 'Staff member on leave',
          approverRole: 'facility-head',
          approvedBy: 'LARC-S004',
          grantedAt: '2026-12-10T09:30:00.000-06:00',
          overrideAuthority: 'deputy director order 2026-44',
        },
      ],
    });
    await activities.sendNotice(
      reminder({ kind: 'extension', noticeKey: 'rts.response/extension/ext-2', entry }),
    );
    const [message] = await receiver.waitForMessages(1);
    if (!message) throw new Error('no message');
    expect(message.subject).toBe(
      'Deadline extended: rts.response now due 2026-12-16 23:59 CST (case OK-2026-000123)',
    );
    expect(message.text).toContain('New deadline:  2026-12-16 23:59 CST');
    expect(message.text).toContain('Previously:    2026-12-11 23:59 CST');
    expect(message.text).toContain('Reason:        Staff member on leave');
    expect(message.text).toContain('under the authority of deputy director order 2026-44');
    const event = icsOf(message).components.find((c) => c.name === 'VEVENT');
    expect(event && prop(event, 'SEQUENCE')?.value).toBe('2');
    expect(event && prop(event, 'DTSTART')?.value).toBe('20261217T055959Z');
  });

  test('a party notice goes to the role that delivers it, with the confidentiality reminder', async () => {
    const { activities } = await activitiesFor(receiver);
    await activities.sendNotice({
      workflowId: wf(),
      noticeKey: 'notice.parties/party-notice/1',
      kind: 'party-notice',
      facility: 'ACSD',
      role: 'title-ix-coordinator',
      caseNumber: 'AR-T9-2026-0042',
      caseType: 'title-ix-complaint',
      delivery: {
        document: 'Notice of formal complaint and of the allegations',
        to: 'the complainant and the respondent',
      },
      sentAt: '2026-10-01T15:00:00.000Z',
    });
    const [message] = await receiver.waitForMessages(1);
    expect(message?.envelope.to.sort()).toEqual([
      'title-ix-coordinator.backup@acsd.example.org',
      'title-ix-coordinator@acsd.example.org',
    ]);
    expect(message?.text).toContain('to the complainant and the respondent, to all of them at the same time');
    expect(message?.text).toContain('confidential');
    // No deadline entry: no calendar file, and the footer does not promise one.
    expect(message && calendarParts(message)).toEqual([]);
    expect(message?.text).not.toContain('.ics');
  });

  test('free context is shown to the reader but HTML-escaped', async () => {
    const { activities } = await activitiesFor(receiver);
    await activities.sendNotice(reminder({ context: { housingUnit: 'B-2 <script>alert(1)</script>' } }));
    const [message] = await receiver.waitForMessages(1);
    expect(message?.text).toContain('housingUnit: B-2 <script>alert(1)</script>');
    expect(message?.html).toContain('housingUnit: B-2 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(message?.html).not.toContain('<script>');
  });
});

describe('who receives it', () => {
  test('a breach alerts the responsible role’s supervisor, with an acknowledgement link', async () => {
    const { activities } = await activitiesFor(receiver, {
      ackBaseUrl: 'https://docket.agency.example.org/ack',
    });
    const request = reminder({ kind: 'breach', noticeKey: 'rts.response/breach/1' });
    const result = await activities.sendNotice(request);
    expect(result).toMatchObject({ recipientRole: 'reviewing-authority', recipientIds: ['LARC-S002'] });
    const [message] = await receiver.waitForMessages(1);
    expect(message?.envelope.to).toEqual(['reviewing-authority@larc.example.org']);
    expect(message?.subject).toBe('OVERDUE: rts.response was due 2026-12-09 23:59 CST (case OK-2026-000123)');
    const ack = new URL(/Acknowledge: (\S+)/.exec(message?.text ?? '')?.[1] ?? 'http://missing');
    expect(ack.origin + ack.pathname).toBe('https://docket.agency.example.org/ack');
    // The link is one signed token naming the case, the deadline, the notice and the one recipient.
    const link = verifyAckLink(ack.searchParams.get('t'), ACK_LINK_KEY, Date.parse(request.sentAt as string));
    expect(link.status === 'valid' && link.claims).toMatchObject({
      workflowId: request.workflowId,
      deadline: 'rts.response',
      noticeKey: 'rts.response/breach/1',
      recipientId: 'LARC-S002',
    });
  });

  test('each escalation level walks one step up the chain; past the top it stays at the top', async () => {
    const { activities } = await activitiesFor(receiver);
    const base = reminder({ kind: 'escalation' });
    const levels = await Promise.all(
      [1, 2, 3, 7].map((level) =>
        activities.sendNotice({
          ...base,
          noticeKey: `rts.response/escalation-${level}/1`,
          escalationLevel: level,
        }),
      ),
    );
    expect(levels.map((r) => [r.recipientRole, r.escalationCapped])).toEqual([
      ['facility-head', false],
      ['deputy-director', false],
      ['director', false],
      ['director', true],
    ]);
    const messages = await receiver.waitForMessages(4);
    expect(messages.map((m) => m.envelope.to[0]).sort()).toEqual([
      'deputy-director@larc.example.org',
      'director@larc.example.org',
      'director@larc.example.org',
      'facility-head@larc.example.org',
    ]);
    const capped = messages.find((m) => m.header('x-docket-notice-key') === 'rts.response/escalation-7/1');
    expect(capped?.text).toContain('You are at the top of the escalation chain');
    expect(capped?.subject).toContain('ESCALATED (level 7)');
  });

  test('recipients are resolved at send time: a YAML edit between two sends is applied', async () => {
    const tmp = await tempDirectory();
    try {
      const { activities } = await activitiesFor(receiver, { directoryPath: tmp.path });
      const first = reminder();
      await activities.sendNotice(first);
      await editFile(tmp.path, (text) =>
        text
          .replace('email: rts.responder@larc.example.org', 'email: new.responder@larc.example.org')
          .replace('id: LARC-S001', 'id: LARC-S901'),
      );
      const second = await activities.sendNotice({
        ...first,
        noticeKey: 'rts.response/reminder/1-working-day-before/1',
      });
      const [before, after] = await receiver.waitForMessages(2);
      expect(before?.envelope.to).toContain('rts.responder@larc.example.org');
      expect(after?.envelope.to).toContain('new.responder@larc.example.org');
      expect(after?.envelope.to).not.toContain('rts.responder@larc.example.org');
      expect(second.recipientIds).toEqual(['LARC-S901', 'LARC-S101']);
    } finally {
      await tmp.cleanup();
    }
  });

  test('an unknown facility or role is a non-retryable DIRECTORY_UNKNOWN_RECIPIENT naming it; nothing is sent', async () => {
    const { activities } = await activitiesFor(receiver);
    const facility = await expectFailure(
      activities.sendNotice(reminder({ facility: 'NOWHERE' })),
      DIRECTORY_UNKNOWN_RECIPIENT,
      true,
    );
    expect(facility.message).toContain('facility "NOWHERE"');
    expect(facility.details).toEqual([{ facility: 'NOWHERE', role: '' }]);
    const role = await expectFailure(
      activities.sendNotice(reminder({ role: 'chaplain' })),
      DIRECTORY_UNKNOWN_RECIPIENT,
      true,
    );
    expect(role.message).toContain('role "chaplain" is not defined for facility LARC');
    expect(role.details).toEqual([{ facility: 'LARC', role: 'chaplain' }]);
    expect(receiver.messages).toHaveLength(0);
  });

  test('a request missing what its kind needs is a non-retryable NOTICE_INPUT_INVALID', async () => {
    const { activities } = await activitiesFor(receiver);
    const noEntry = reminder();
    delete noEntry.entry;
    const failure = await expectFailure(activities.sendNotice(noEntry), NOTICE_INPUT_INVALID, true);
    expect(failure.message).toContain('entry: a reminder notice needs a deadline entry');
    // Inmates never get email, whatever the workflow asks.
    const inmate = await expectFailure(
      activities.sendNotice(reminder({ role: 'inmate' })),
      NOTICE_INPUT_INVALID,
      true,
    );
    expect(inmate.message).toContain('inmates do not receive email: send a service-task');
    await expectFailure(activities.sendNotice(reminder({ kind: 'escalation' })), NOTICE_INPUT_INVALID, true);
    await expectFailure(
      activities.sendNotice(reminder({ kind: 'service-task' })),
      NOTICE_INPUT_INVALID,
      true,
    );
    expect(receiver.messages).toHaveLength(0);
  });
});

describe('deterministic identity', () => {
  test('the same notice key gives the same Message-ID and the same bytes, whichever worker sends it', async () => {
    // Two independent activity sets (separate ledgers): the second does not know about the first.
    const a = await activitiesFor(receiver);
    const b = await activitiesFor(receiver);
    const request = reminder();
    const [ra, rb] = [await a.activities.sendNotice(request), await b.activities.sendNotice(request)];
    expect(ra.messageId).toBe(noticeMessageId(request.workflowId, request.noticeKey, MESSAGE_ID_DOMAIN));
    expect(rb.messageId).toBe(ra.messageId);
    expect(ra.messageId).toMatch(/^<docket\.[0-9a-f]{40}@docket\.test\.example\.org>$/);
    const [first, second] = await receiver.waitForMessages(2);
    expect(first?.messageId).toBe(ra.messageId);
    expect(second?.messageId).toBe(ra.messageId);
    expect(second?.raw.equals(first?.raw ?? Buffer.alloc(0))).toBe(true);

    const other = await a.activities.sendNotice({
      ...request,
      noticeKey: 'rts.response/reminder/half-time/2',
    });
    expect(other.messageId).not.toBe(ra.messageId);
  });

  test('with the ledger, sending the same notice key again sends nothing and reports already-sent', async () => {
    const { activities } = await activitiesFor(receiver);
    const request = reminder();
    const first = await activities.sendNotice(request);
    const second = await activities.sendNotice(request);
    expect(second).toEqual({ ...first, status: 'already-sent' });
    await receiver.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.byMessageId(first.messageId)).toHaveLength(1);
  });

  test('two overlapping attempts in one process share one SMTP transaction', async () => {
    const { activities } = await activitiesFor(receiver, { ledger: createMemorySentLedger() });
    const request = reminder();
    const [a, b] = await Promise.all([activities.sendNotice(request), activities.sendNotice(request)]);
    expect(a.messageId).toBe(b.messageId);
    expect([a.status, b.status].sort()).toEqual(['already-sent', 'sent']);
    await receiver.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.messages).toHaveLength(1);
  });
});

describe('SMTP failures are classified by what a retry can change', () => {
  test('451 at end of DATA → retryable SMTP_TRANSIENT', async () => {
    const { activities } = await activitiesFor(receiver);
    receiver.replyNext(451);
    const failure = await expectFailure(activities.sendNotice(reminder()), SMTP_TRANSIENT, false);
    expect(failure.details).toEqual([expect.objectContaining({ responseCode: 451, code: 'EMESSAGE' })]);
    expect(receiver.messages).toHaveLength(0);
  });

  test('550 at end of DATA, or at RCPT TO → non-retryable SMTP_PERMANENT', async () => {
    const { activities } = await activitiesFor(receiver);
    receiver.replyNext(550);
    const data = await expectFailure(activities.sendNotice(reminder()), SMTP_PERMANENT, true);
    expect(data.details).toEqual([expect.objectContaining({ responseCode: 550 })]);
    receiver.replyNext(550, 2, { stage: 'rcpt' });
    const rcpt = await expectFailure(activities.sendNotice(reminder()), SMTP_PERMANENT, true);
    expect(rcpt.details).toEqual([expect.objectContaining({ responseCode: 550, code: 'EENVELOPE' })]);
  });

  test('one recipient refused, the other accepted → sent, with rejectedCount for the workflow to act on', async () => {
    const { activities, logs } = await activitiesFor(receiver);
    receiver.replyNext(550, 1, { stage: 'rcpt' });
    const result = await activities.sendNotice(reminder());
    expect(result).toMatchObject({ status: 'sent', recipientCount: 2, rejectedCount: 1 });
    expect(logs.text()).toContain('mail relay refused some recipients');
  });

  test('connection refused → retryable SMTP_TRANSIENT', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { activities } = await activitiesFor(receiver, { smtp: { ...receiver.transportOptions(), port } });
    const failure = await expectFailure(activities.sendNotice(reminder()), SMTP_TRANSIENT, false);
    expect(failure.message).toContain('ECONNREFUSED');
  });

  test('connection dropped after the message, before the reply → retryable SMTP_TRANSIENT', async () => {
    const { activities } = await activitiesFor(receiver);
    receiver.dropNext();
    await expectFailure(activities.sendNotice(reminder()), SMTP_TRANSIENT, false);
    expect(receiver.messages.map((m) => m.outcome)).toEqual(['dropped']);
  });

  test('authentication refused (535) → non-retryable SMTP_PERMANENT', async () => {
    const authReceiver = await startSmtpReceiver({ auth: { user: 'docket', pass: 'right' } });
    try {
      const { activities } = await activitiesFor(authReceiver, {
        smtp: { ...authReceiver.transportOptions(), auth: { user: 'docket', pass: 'wrong' } },
      });
      const failure = await expectFailure(activities.sendNotice(reminder()), SMTP_PERMANENT, true);
      expect(failure.details).toEqual([expect.objectContaining({ code: 'EAUTH', responseCode: 535 })]);

      const ok = await activitiesFor(authReceiver);
      await expect(ok.activities.sendNotice(reminder())).resolves.toMatchObject({ status: 'sent' });
    } finally {
      await authReceiver.close();
    }
  });

  test.each([
    [{ responseCode: 421, code: 'EPROTOCOL' }, true],
    [{ responseCode: 450, code: 'EENVELOPE' }, true],
    [{ responseCode: 503, code: 'EPROTOCOL' }, true],
    [{ responseCode: 552, code: 'EMESSAGE' }, false],
    [{ responseCode: 554, code: 'EENVELOPE' }, false],
    [{ code: 'EAUTH', responseCode: 454 }, false],
    [{ code: 'ENOAUTH' }, false],
    [{ code: 'ECONFIG' }, false],
    [{ code: 'EENVELOPE' }, false],
    [{ code: 'ETIMEDOUT' }, true],
    [{ code: 'ECONNECTION' }, true],
    [{ code: 'ESOCKET' }, true],
    [{ code: 'ECONNRESET' }, true],
    [{ code: 'EDNS' }, true],
    [new Error('something unexpected'), true],
  ])('classifySmtpError(%j) retryable=%s', (err, retryable) => {
    expect(classifySmtpError(err).retryable).toBe(retryable);
  });
});

describe('administrators’ alert', () => {
  test('goes to the fallback address, names the failed notice and the error, with its own deterministic Message-ID', async () => {
    const { activities } = await activitiesFor(receiver);
    const workflowId = wf();
    const result = await activities.alertAdministrators({
      workflowId,
      noticeKey: 'rts.response/breach/1',
      errorCode: SMTP_PERMANENT,
      errorMessage: 'mail relay refused notice rts.response/breach/1: 550 mailbox unavailable',
      kind: 'breach',
      facility: 'LARC',
      role: 'rts.responder',
      caseNumber: 'OK-2026-000123',
      caseType: 'inmate-grievance',
      entry: rtsResponseEntry(),
      sentAt: '2026-12-10T06:00:00.000Z',
    });
    expect(result.messageId).toBe(
      adminAlertMessageId(workflowId, 'rts.response/breach/1', MESSAGE_ID_DOMAIN),
    );
    expect(result.messageId).not.toBe(
      noticeMessageId(workflowId, 'rts.response/breach/1', MESSAGE_ID_DOMAIN),
    );
    const [message] = await receiver.waitForMessages(1);
    expect(message?.envelope.to).toEqual([ADMIN_FALLBACK]);
    expect(message?.messageId).toBe(result.messageId);
    expect(message?.subject).toBe(
      '[Docket administrators] Notice not delivered: SMTP_PERMANENT (rts.response/breach/1)',
    );
    expect(message?.text).toContain(
      'the rts.responder role at Lexington Assessment & Reception Center (LARC)',
    );
    expect(message?.text).toContain('550 mailbox unavailable');
    expect(message?.text).toContain('the deadline is 2026-12-09 23:59 CST');
    expect(message?.header('references')).toBe(
      noticeMessageId(workflowId, 'rts.response/breach/1', MESSAGE_ID_DOMAIN),
    );
    expect(message && calendarParts(message)).toEqual([]);
  });

  test('works with only the minimum the workflow knows, even for a facility the directory lacks', async () => {
    const { activities } = await activitiesFor(receiver);
    await activities.alertAdministrators({
      workflowId: wf(),
      noticeKey: 'x/reminder/1',
      errorCode: DIRECTORY_UNKNOWN_RECIPIENT,
      errorMessage: 'facility "NOWHERE" is not in the staff directory',
      facility: 'NOWHERE',
    });
    const [message] = await receiver.waitForMessages(1);
    expect(message?.text).toContain('Error:         DIRECTORY_UNKNOWN_RECIPIENT');
    expect(message?.text).not.toContain('Case:');
  });
});

describe('logs', () => {
  test('at info: opaque fields only, no names, addresses or case context', async () => {
    const { activities, logs } = await activitiesFor(receiver, { logLevel: 'info' });
    const request = reminder({ context: { housingUnit: 'Unit B-2 north' } });
    const result = await activities.sendNotice(request);
    const accepted = logs.lines().find((l) => l.msg === 'notice accepted by the mail relay');
    expect(accepted).toMatchObject({
      workflowId: request.workflowId,
      noticeKey: request.noticeKey,
      kind: 'reminder',
      facility: 'LARC',
      role: 'rts.responder',
      messageId: result.messageId,
      recipientCount: 2,
    });
    const text = logs.text();
    expect(text).not.toMatch(/@larc\.example\.org/);
    expect(text).not.toContain('RTS Responder Desk');
    expect(text).not.toContain('Unit B-2');
  });

  test('at debug: addresses appear, names and case context still do not', async () => {
    const { activities, logs } = await activitiesFor(receiver, { logLevel: 'debug' });
    await activities.sendNotice(reminder({ context: { housingUnit: 'Unit B-2 north' } }));
    const text = logs.text();
    expect(text).toContain('rts.responder@larc.example.org');
    expect(text).not.toContain('RTS Responder Desk');
    expect(text).not.toContain('Unit B-2');
  });
});

describe('templates', () => {
  test('every kind has subject, text and HTML files, and they render', () => {
    expect(() => loadNoticeTemplates()).not.toThrow();
  });

  test('a missing file, or a misspelt field, stops loading with the file named', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'docket-templates-'));
    try {
      await cp(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
      await rm(path.join(dir, 'breach.html.hbs'));
      await writeFile(path.join(dir, 'reminder.txt.hbs'), 'Due {{deadline.locl}}\n');
      let message = '';
      try {
        loadNoticeTemplates(dir);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toContain(`${path.join(dir, 'breach.html.hbs')}: missing`);
      await cp(path.join(DEFAULT_TEMPLATES_DIR, 'breach.html.hbs'), path.join(dir, 'breach.html.hbs'));
      expect(() => loadNoticeTemplates(dir)).toThrow(
        new RegExp(
          `${path.join(dir, 'reminder.txt.hbs').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: "locl" not defined`,
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a template that uses an optional part without a guard is caught at load', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'docket-templates-'));
    try {
      await cp(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
      // party-notice may come without a deadline entry.
      await writeFile(path.join(dir, 'party-notice.subject.hbs'), 'Notice by {{deadline.local}}\n');
      expect(() => loadNoticeTemplates(dir)).toThrow(
        /party-notice\.subject\.hbs.*with no optional field set/,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('the factory loads the templates once, from the configured directory', async () => {
    await expect(activitiesFor(receiver, { templatesDir: '/nonexistent/templates' })).rejects.toThrow(
      /Notice templates in \/nonexistent\/templates are not usable/,
    );
  });

  test('the sample directory and templates agree: every role can be addressed', async () => {
    const directory = await loadDirectory(path.join(__dirname, '..', '..', 'config', 'directory.yaml'));
    const { activities } = await activitiesFor(receiver, { directory });
    await activities.sendNotice(
      reminder({
        facility: 'ADC-HQ',
        role: 'supervisor',
        entry: rtsResponseEntry({ responsibleRole: 'supervisor' }),
      }),
    );
    const [message] = await receiver.waitForMessages(1);
    expect(message?.envelope.to.sort()).toEqual([
      'supervisor.backup@adc-hq.example.org',
      'supervisor@adc-hq.example.org',
    ]);
  });
});
