// The file ledger that lets a retry know its message was already accepted: durable across a
// restart, shared between processes on one host, tolerant of a torn last line.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openFileSentLedger, type SentRecord } from '../../activities/sent-ledger';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp';
import { activitiesFor, rtsReminder } from './support/fixtures';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'docket-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const record = (messageId: string): SentRecord => ({
  messageId,
  workflowId: 'wf-1',
  noticeKey: `k-${messageId}`,
  kind: 'reminder',
  recipientRole: 'rts.responder',
  recipientIds: ['LARC-S001'],
  rejectedCount: 0,
  sentAt: '2026-12-02T16:15:00.000Z',
  acceptedAt: '2026-12-02T16:15:01.000Z',
});

test('a record survives reopening the file (a worker restart)', async () => {
  const file = path.join(dir, 'nested', 'sent.jsonl');
  const first = await openFileSentLedger(file);
  await first.record(record('<a@x>'));
  const reopened = await openFileSentLedger(file);
  expect(await reopened.find('<a@x>')).toEqual(record('<a@x>'));
  expect(await reopened.find('<b@x>')).toBeUndefined();
});

test('two processes sharing the file see each other’s records', async () => {
  const file = path.join(dir, 'sent.jsonl');
  const one = await openFileSentLedger(file);
  const two = await openFileSentLedger(file);
  await one.record(record('<a@x>'));
  await two.record(record('<b@x>'));
  expect(await two.find('<a@x>')).toEqual(record('<a@x>'));
  expect(await one.find('<b@x>')).toEqual(record('<b@x>'));
});

test('a torn line left by a crash mid-append does not hide the records around it', async () => {
  const file = path.join(dir, 'sent.jsonl');
  const ledger = await openFileSentLedger(file);
  await ledger.record(record('<a@x>'));
  await appendFile(file, '{"messageId":"<torn'); // the process died here
  const other = await openFileSentLedger(file);
  await other.record(record('<b@x>'));
  const reopened = await openFileSentLedger(file);
  expect(await reopened.find('<a@x>')).toBeDefined();
  expect(await reopened.find('<b@x>')).toBeDefined();
  expect((await readFile(file, 'utf8')).split('\n').filter((l) => l.includes('<b@x>'))).toHaveLength(1);
});

describe('with the activities', () => {
  let receiver: SmtpReceiver;
  beforeAll(async () => {
    receiver = await startSmtpReceiver();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  test('after a restart, a retried notice is recognised from the file and not sent again', async () => {
    const file = path.join(dir, 'sent.jsonl');
    const request = {
      workflowId: `wf-ledger-${Date.now()}`,
      ...rtsReminder(),
      sentAt: '2026-12-02T16:15:00.000Z',
    };
    const before = await activitiesFor(receiver, { ledger: await openFileSentLedger(file) });
    const sent = await before.activities.sendNotice(request);
    const after = await activitiesFor(receiver, { ledger: await openFileSentLedger(file) });
    const retried = await after.activities.sendNotice(request);
    expect(retried).toEqual({ ...sent, status: 'already-sent' });
    await receiver.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.byMessageId(sent.messageId)).toHaveLength(1);
    // The file holds opaque identifiers only.
    const text = await readFile(file, 'utf8');
    expect(text).toContain('LARC-S001');
    expect(text).not.toContain('@larc.example.org');
  });
});
