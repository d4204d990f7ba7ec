// The notice activities inside a real worker on the time-skipping test server, against a real SMTP
// receiver: Temporal's own retries decide what happens after a 451, a 550, a crash after the 250,
// a timed-out attempt, and a connection cut before the 250.
import { Context } from '@temporalio/activity';
import { WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import {
  adminAlertMessageId,
  DIRECTORY_UNKNOWN_RECIPIENT,
  SMTP_PERMANENT,
  type NoticeRequest,
} from '../../activities/notifications';
import type { SentLedger } from '../../activities/sent-ledger';
import {
  noticeOrAdminAlert,
  sendOneNotice,
  sendOneNoticeShortTimeout,
  type NoticeInput,
} from '../fixtures/notice-workflows';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from '../helpers/smtp';
import { bundleFor, createTimeSkippingEnv, uniqueName } from '../helpers/temporal';
import { parseICalendar, prop } from './support/ical';
import {
  activitiesFor,
  type ActivitiesUnderTest,
  ADMIN_FALLBACK,
  calendarParts,
  MESSAGE_ID_DOMAIN,
  rtsReminder,
} from './support/fixtures';

const workflowsPath = require.resolve('../fixtures/notice-workflows');

let env: TestWorkflowEnvironment;
let receiver: SmtpReceiver;
beforeAll(async () => {
  [env, receiver] = await Promise.all([createTimeSkippingEnv(), startSmtpReceiver()]);
});
afterAll(async () => {
  await receiver?.close();
  await env?.teardown();
});
beforeEach(() => receiver.clear());

const reminder = (): NoticeInput => rtsReminder();

/** Runs `workflow` to its end on a fresh task queue, with a worker hosting `under.activities`. */
async function run<T>(
  under: ActivitiesUnderTest,
  workflow: (input: NoticeInput) => Promise<T>,
  input: NoticeInput,
): Promise<{ workflowId: string; result: Promise<T> }> {
  const taskQueue = uniqueName('notices');
  const workflowId = uniqueName('grievance-OK-2026-000123');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleFor(workflowsPath),
    activities: under.registered,
  });
  const result = worker.runUntil(
    env.client.workflow.execute(workflow, { taskQueue, workflowId, args: [input] }),
  );
  // Surface the outcome (value or error) to the caller without an unhandled rejection in between.
  await result.then(
    () => undefined,
    () => undefined,
  );
  return { workflowId, result };
}

/** Every notice read back from the receiver states the local deadline, its source, and carries a valid .ics. */
function expectDeadlineNotice(message: ReceivedMessage | undefined): void {
  expect(message).toBeDefined();
  if (!message) return;
  expect(message.text).toContain('2026-12-09 23:59 CST');
  expect(message.text).toContain('OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)');
  expect(message.text).toContain('Respond in writing to the Request to Staff');
  const ics = calendarParts(message).find((a) => a.contentType.startsWith('application/ics'));
  const calendar = parseICalendar(ics?.content.toString('utf8') ?? '');
  const event = calendar.components.find((c) => c.name === 'VEVENT');
  expect(event && prop(event, 'DTSTART')?.value).toBe('20261210T055959Z');
}

/** WorkflowFailedError → ActivityFailure → ApplicationFailure, with the type and retry verdict given. */
async function expectFailureChain(result: Promise<unknown>, type: string): Promise<ApplicationFailure> {
  const err = await result.then(
    () => new Error('expected the workflow to fail'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WorkflowFailedError);
  const activityFailure = (err as WorkflowFailedError).cause;
  expect(activityFailure).toBeInstanceOf(ActivityFailure);
  expect((activityFailure as ActivityFailure).activityType).toBe('sendNotice');
  expect((activityFailure as ActivityFailure).retryState).toBe(RetryState.NON_RETRYABLE_FAILURE);
  const appFailure = (activityFailure as ActivityFailure).cause;
  expect(appFailure).toBeInstanceOf(ApplicationFailure);
  expect(appFailure).toMatchObject({ type, nonRetryable: true });
  return appFailure as ApplicationFailure;
}

/**
 * `under` with `fault` striking the first attempt of `sendNotice` once the activity has done its work
 * (the relay accepted the message, the ledger and the heartbeat recorded it) and before the worker
 * reports the completion: the fault is around the activity, the activity itself is the real one.
 */
function faultAfterFirstSend(under: ActivitiesUnderTest, fault: () => Promise<void>): ActivitiesUnderTest {
  const { sendNotice } = under.registered;
  let struck = false;
  const faulty = async (request: NoticeRequest) => {
    const result = await sendNotice(request);
    if (!struck) {
      struck = true;
      await fault();
    }
    return result;
  };
  return { ...under, registered: { ...under.registered, sendNotice: faulty } };
}

const crash = async (): Promise<void> => {
  throw new Error('simulated worker crash after the relay accepted the message');
};

function logLine(under: ActivitiesUnderTest, msg: string): Record<string, unknown>[] {
  return under.logs.lines().filter((l) => l.msg === msg);
}

test('451 then success: Temporal retries and the notice is delivered once', async () => {
  const under = await activitiesFor(receiver);
  receiver.replyNext(451);
  const { result } = await run(under, sendOneNotice, reminder());
  const notice = await result;
  expect(notice.status).toBe('sent');
  expect(receiver.rejected.map((r) => r.code)).toEqual([451]);
  const [message] = await receiver.waitForMessages(1);
  expect(message?.messageId).toBe(notice.messageId);
  expect(receiver.messages).toHaveLength(1);
  expectDeadlineNotice(message);
  expect(logLine(under, 'notice deferred; will retry')).toEqual([
    expect.objectContaining({ attempt: 1, responseCode: 451 }),
  ]);
  expect(logLine(under, 'notice accepted by the mail relay')).toEqual([
    expect.objectContaining({ attempt: 2 }),
  ]);
});

test('550: one attempt, then WorkflowFailedError → ActivityFailure → ApplicationFailure SMTP_PERMANENT', async () => {
  const under = await activitiesFor(receiver);
  receiver.replyNext(550);
  const { result } = await run(under, sendOneNotice, reminder());
  const failure = await expectFailureChain(result, SMTP_PERMANENT);
  expect(failure.message).toContain('550');
  expect(failure.details).toEqual([expect.objectContaining({ responseCode: 550 })]);
  expect(receiver.rejected).toHaveLength(1);
  expect(receiver.messages).toHaveLength(0);
});

test('550: the workflow alerts the administrators, and the alert arrives at the fallback address', async () => {
  const under = await activitiesFor(receiver);
  receiver.replyNext(550);
  const { workflowId, result } = await run(under, noticeOrAdminAlert, reminder());
  const outcome = await result;
  expect(outcome.notice).toBeUndefined();
  expect(outcome.failure?.type).toBe(SMTP_PERMANENT);
  expect(outcome.alert?.messageId).toBe(
    adminAlertMessageId(workflowId, 'rts.response/reminder/half-time/1', MESSAGE_ID_DOMAIN),
  );
  const [alert] = await receiver.waitForMessages(1);
  expect(alert?.envelope.to).toEqual([ADMIN_FALLBACK]);
  expect(alert?.messageId).toBe(outcome.alert?.messageId);
  expect(alert?.text).toContain('Error:         SMTP_PERMANENT');
  expect(alert?.text).toContain('550');
  expect(alert?.text).toContain('the deadline is 2026-12-09 23:59 CST');
  expect(alert?.text).toContain('OP-090124 §III.E.10.b');
  expect(receiver.messages).toHaveLength(1);
});

test('an unknown role fails as DIRECTORY_UNKNOWN_RECIPIENT, and reaches the administrators', async () => {
  const under = await activitiesFor(receiver);
  const failing = await run(under, sendOneNotice, { ...reminder(), role: 'chaplain' });
  const failure = await expectFailureChain(failing.result, DIRECTORY_UNKNOWN_RECIPIENT);
  expect(failure.message).toContain('role "chaplain" is not defined for facility LARC');

  const alerted = await run(under, noticeOrAdminAlert, { ...reminder(), role: 'chaplain' });
  expect((await alerted.result).failure?.type).toBe(DIRECTORY_UNKNOWN_RECIPIENT);
  const [alert] = await receiver.waitForMessages(1);
  expect(alert?.envelope.to).toEqual([ADMIN_FALLBACK]);
  expect(alert?.text).toContain('role "chaplain" is not defined for facility LARC');
});

describe('accepted by the relay, then the attempt dies before completing', () => {
  test('a crash after the 250: the retry finds the ledger record; exactly one message with that Message-ID', async () => {
    const under = faultAfterFirstSend(await activitiesFor(receiver), crash);
    const { result } = await run(under, sendOneNotice, reminder());
    const notice = await result;
    expect(notice.status).toBe('already-sent');
    await receiver.waitForMessages(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.byMessageId(notice.messageId)).toHaveLength(1);
    expect(receiver.messages).toHaveLength(1);
    expectDeadlineNotice(receiver.messages[0]);
    expect(logLine(under, 'notice already accepted by the mail relay; not sending again')).toEqual([
      expect.objectContaining({ attempt: 2 }),
    ]);
  });

  test('the retry lands on a worker without that ledger: the heartbeat checkpoint still prevents a second message', async () => {
    // A ledger that remembers nothing stands in for another host's empty ledger file.
    const forgetful: SentLedger = { find: async () => undefined, record: async () => undefined };
    const under = faultAfterFirstSend(await activitiesFor(receiver, { ledger: forgetful }), crash);
    const { result } = await run(under, sendOneNotice, reminder());
    const notice = await result;
    expect(notice.status).toBe('already-sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.byMessageId(notice.messageId)).toHaveLength(1);
  });

  test('Temporal times the attempt out after the 250: the retry sends nothing new', async () => {
    const under = faultAfterFirstSend(await activitiesFor(receiver), async () => {
      // Hang until Temporal gives up on this attempt (start-to-close 2 s) and cancels it.
      await Context.current().sleep(60_000);
    });
    const { result } = await run(under, sendOneNoticeShortTimeout, reminder());
    const notice = await result;
    expect(notice.status).toBe('already-sent');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.byMessageId(notice.messageId)).toHaveLength(1);
  });

  test('the remaining window: the connection drops after the data but before the 250; the resend is byte-identical', async () => {
    // The sender cannot tell this from a lost message, so it sends again (a lost notice is worse
    // than a duplicate). What it guarantees is that the copy is the same message, not a different
    // one: same Message-ID, same bytes, which Message-ID de-duplication downstream collapses.
    const under = await activitiesFor(receiver);
    receiver.dropNext();
    const { result } = await run(under, sendOneNotice, reminder());
    const notice = await result;
    expect(notice.status).toBe('sent');
    const [dropped, accepted] = await receiver.waitForMessages(2);
    expect([dropped?.outcome, accepted?.outcome]).toEqual(['dropped', 'accepted']);
    expect(dropped?.messageId).toBe(notice.messageId);
    expect(accepted?.messageId).toBe(notice.messageId);
    expect(accepted?.raw.equals(dropped?.raw ?? Buffer.alloc(0))).toBe(true);
    expect(receiver.messages.filter((m) => m.outcome === 'accepted')).toHaveLength(1);
  });
});
