// Title IX complaints (ACSD Policy 3.26 / 8.20, seed 003) end to end on the time-skipping server:
// real worker wiring, real schedules on the Arkansas calendar, and every party notice read back from a
// real SMTP receiver. Dates are fixed and worked out by hand (each test moves the server's clock
// forward to its own year); weekdays used: 2027-09-13 Mon, 2027-10-11 Mon (Columbus Day: Arkansas
// works), 2028-02-07 Mon, 2028-02-21 Mon (Presidents' Day), 2029-04-10 Tue. DST ends 2027-11-07 and
// 2034-11-05 (02:00), and starts 2028-03-12, in America/Chicago.
import { WorkflowClient, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import pino from 'pino';
import { loadDirectory } from '../../activities/directory';
import { createMailTransport } from '../../activities/mail-transport';
import { createNotificationActivities, noticeMessageId } from '../../activities/notifications';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { computeSchedule } from '../../domain';
import type { PartyInput, TitleIxIntakeInput } from '../../domain/cases/title-ix';
import { parseTitleIxIntake } from '../../domain/cases/title-ix';
import type { CaseView } from '../../workflows/case-messages';
import { scheduleQuery, timelineQuery } from '../../workflows/case-messages';
import {
  appealDecidedUpdate,
  appealFiledUpdate,
  closeReportUpdate,
  complainantContactedUpdate,
  determinationIssuedUpdate,
  dismissComplaintUpdate,
  evidenceSentUpdate,
  formalComplaintReceivedUpdate,
  investigationCompletedUpdate,
  noticePartiesUpdate,
  recordPartyUpdate,
  supportiveMeasuresUpdate,
  titleIx,
  titleIxDetailsQuery,
  titleIxWorkflowId,
} from '../../workflows/title-ix';
import { asAttempts } from '../helpers/activity-attempt';
import { DIRECTORY_PATH, startDocketTestbed, type DocketTestbed } from '../helpers/docket-env';
import { recordHistoryIfAsked } from '../helpers/histories';
import type { ReceivedMessage } from '../helpers/smtp';
import { endCase, uniqueName, meaningfulEvents } from '../helpers/temporal';
import { expectRefused } from '../helpers/refusals';

let bed: DocketTestbed;
const opened: WorkflowHandle<typeof titleIx>[] = [];
beforeAll(async () => {
  bed = await startDocketTestbed();
});
afterEach(async () => {
  // A test that stops part-way must not leave timers running into the next test's years.
  for (const handle of opened.splice(0)) await endCase(handle, 'test finished');
});
afterAll(async () => {
  await bed?.teardown();
});

const COORDINATOR = 'S-T9C';
const INVESTIGATOR = 'S-T9I';
const DECISION_MAKER = 'S-T9D';
const APPEAL_DECISION_MAKER = 'S-T9A';

const COMPLAINANT = { id: 'P-0001', name: 'Avery Quinlan', email: 'avery.quinlan@home.example.net' };
const RESPONDENT = { id: 'P-0002', name: 'Jordan Pemberton', email: 'j.pemberton@home.example.net' };
const ADVISOR = { name: 'Morgan Ellsworth', email: 'm.ellsworth@counsel.example.net' };
const WITNESS = { id: 'P-0003', name: 'Riley Castellano', email: 'riley.castellano@home.example.net' };
/** Every piece of personal data in these cases: none may reach an ID, a search attribute or a log. */
const PERSONAL = [COMPLAINANT, RESPONDENT, ADVISOR, WITNESS].flatMap((p) => [
  p.name,
  p.email,
  p.email.split('@')[0] as string,
]);

const iso = (ms: number) => new Date(ms).toISOString();

async function at(instant: string): Promise<string> {
  await bed.advanceTo(instant);
  return iso(await bed.env.currentTimeMs());
}

async function openTitleIx(reportReceivedAt: string, overrides: Partial<TitleIxIntakeInput> = {}) {
  const caseNumber = uniqueName('T9').toUpperCase().slice(0, 40);
  const intake: TitleIxIntakeInput = {
    caseNumber,
    reportReceivedAt,
    coordinatorId: COORDINATOR,
    parties: [
      { ...COMPLAINANT, role: 'complainant' },
      { ...RESPONDENT, role: 'respondent' },
      { id: WITNESS.id, role: 'witness', name: WITNESS.name, email: WITNESS.email },
    ],
    ...overrides,
  };
  const handle = await bed.env.client.workflow.start(titleIx, {
    taskQueue: bed.taskQueue,
    workflowId: titleIxWorkflowId(caseNumber),
    args: [intake],
  });
  opened.push(handle);
  return { handle, caseNumber };
}

const entry = (view: CaseView, key: string) => {
  const d = view.deadlines.find((x) => x.key === key);
  if (!d) throw new Error(`no ${key} in ${view.deadlines.map((x) => x.key).join(', ')}`);
  return d;
};

/**
 * The workflow's result without the test environment's time skipping: its client skips the clock
 * to the server's next timer while it waits for a result, which would move later tests' fixed dates.
 */
async function resultOf(handle: WorkflowHandle<typeof titleIx>) {
  return new WorkflowClient({ connection: bed.env.connection })
    .getHandle<typeof titleIx>(handle.workflowId)
    .result();
}

const detailsOf = (failure: ApplicationFailure) => failure.details?.[0] as Record<string, unknown>;

/** The messages of one notice step of one case, by recipient address. */
function stepMail(caseNumber: string, noticeKeyPrefix: string): Map<string, ReceivedMessage> {
  const found = new Map<string, ReceivedMessage>();
  for (const m of bed.smtp.messages) {
    const key = m.header('x-docket-notice-key') ?? '';
    if (!m.text.includes(caseNumber) || !key.startsWith(noticeKeyPrefix)) continue;
    for (const to of m.envelope.to) found.set(to, m);
  }
  return found;
}

/** A message as sent (raw bytes) and as read (decoded headers, subject, text and HTML parts). */
const everything = (m: ReceivedMessage): string =>
  [
    m.raw.toString('utf8'),
    m.parsed.headerLines.map((h) => h.line).join('\n'),
    m.subject,
    m.text,
    m.html,
  ].join('\n');

/**
 * 3.26's "simultaneously": one message per party, the same Date header on each, each addressed to
 * its own party only, and none carrying another party's name or address (raw bytes, all parts).
 */
function expectSimultaneous(caseNumber: string, noticeKeyPrefix: string): ReceivedMessage[] {
  const mail = stepMail(caseNumber, noticeKeyPrefix);
  const toComplainant = mail.get(COMPLAINANT.email);
  const toRespondent = mail.get(RESPONDENT.email);
  expect(toComplainant).toBeDefined();
  expect(toRespondent).toBeDefined();
  const [a, b] = [toComplainant as ReceivedMessage, toRespondent as ReceivedMessage];
  expect(a).not.toBe(b);
  expect(a.messageId).not.toBe(b.messageId);
  expect(a.header('date')).toBeDefined();
  expect(a.header('date')).toBe(b.header('date'));
  expect(a.envelope.to).not.toContain(RESPONDENT.email);
  expect(b.envelope.to).not.toContain(COMPLAINANT.email);
  // Each message does name its own addressee (the check below would see a name if there were one).
  expect(everything(a)).toContain(COMPLAINANT.name);
  expect(everything(b)).toContain(RESPONDENT.name);
  for (const secret of [RESPONDENT.name, RESPONDENT.email, WITNESS.name, WITNESS.email])
    expect(everything(a)).not.toContain(secret);
  for (const secret of [COMPLAINANT.name, COMPLAINANT.email, ADVISOR.name, ADVISOR.email, WITNESS.name])
    expect(everything(b)).not.toContain(secret);
  expect(a.text).toContain('to the complainant in Title IX case');
  expect(b.text).toContain('to the respondent in Title IX case');
  // The witness is not a party to the grievance process: no notice.
  expect(mail.get(WITNESS.email)).toBeUndefined();
  return [a, b];
}

/** The Date header is the workflow's clock at the step (second precision), not the worker's. */
function expectSentAt(mail: ReceivedMessage | undefined, instant: string): void {
  expect(Math.abs(Date.parse(mail?.header('date') as string) - Date.parse(instant))).toBeLessThan(2_000);
}

/** No name or address in the workflow ID, search attributes, current details, summaries or logs. */
async function expectNoPersonalData(handle: WorkflowHandle): Promise<void> {
  const description = await handle.describe();
  const exposed: string[] = [
    handle.workflowId,
    JSON.stringify(description.searchAttributes ?? {}),
    JSON.stringify(description.typedSearchAttributes ?? []),
    (await description.staticSummary()) ?? '',
    ...bed.logLines,
  ];
  expect(exposed[1]).toContain('title-ix');
  const history = await handle.fetchHistory();
  for (const event of history.events ?? []) {
    const summary = event.userMetadata?.summary?.data;
    if (summary) exposed.push(Buffer.from(summary).toString('utf8'));
    const upsert = event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields;
    if (upsert) {
      for (const payload of Object.values(upsert)) exposed.push(Buffer.from(payload.data ?? []).toString());
    }
  }
  if (description.status.name === 'RUNNING') {
    const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    exposed.push(metadata.currentDetails ?? '');
  }
  expect(bed.logLines.length).toBeGreaterThan(0);
  for (const text of exposed) {
    for (const secret of PERSONAL) expect(text).not.toContain(secret);
  }
}

describe('the policy: rules added for the workflow (3.26 Appeals, Records)', () => {
  test('a dismissal opens the appeal period, stands the day after it, and the records date is 84 months after closure', () => {
    const schedule = computeSchedule({
      policyId: 'acsd-title-ix',
      events: {
        'report.received': '2029-04-02T09:00:00-05:00',
        'formal-complaint.received': '2029-04-03T09:00:00-05:00',
        'complaint.dismissed': '2029-04-10T10:00:00-05:00',
        'case.closed': '2029-04-25T00:00:00-05:00',
      },
    });
    const byKey = (key: string) => schedule.entries.find((e) => e.key === key);
    // 10 working days from Tue 2029-04-10 (day 0): Wed 11 ... Tue 24.
    expect(byKey('appeal.filing.dismissal')?.dueAt).toBe('2029-04-24T23:59:59.999-05:00');
    expect(byKey('dismissal.final')?.earliest).toBe('2029-04-25T00:00:00.000-05:00');
    expect(byKey('records.retention')).toMatchObject({
      kind: 'lowerBound',
      earliest: '2036-04-26T00:00:00.000-05:00',
      responsibleRole: 'title-ix-coordinator',
    });
    expect(byKey('records.retention')?.sourceText).toMatch(/§Records \(seed 003_f6cc332a41fedc95\.txt\)/);
    // A dismissed complaint has no determination to wait for.
    expect(schedule.awaiting?.map((a) => a.key)).not.toContain('appeal.filing');
  });

  test('an intake refuses a party ID that spells the name or address, without echoing it', () => {
    const intake = (party: PartyInput) => ({
      caseNumber: 'T9-INTAKE-1',
      reportReceivedAt: '2027-01-04T09:00:00-06:00',
      coordinatorId: COORDINATOR,
      parties: [party],
    });
    expect(() =>
      parseTitleIxIntake(intake({ ...COMPLAINANT, id: 'P-QUINLAN', role: 'complainant' })),
    ).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/must be opaque/) }),
    );
    try {
      parseTitleIxIntake(intake({ ...COMPLAINANT, id: 'P-QUINLAN', role: 'complainant' }));
    } catch (err) {
      expect((err as Error).message).not.toContain('QUINLAN');
    }
    expect(() => parseTitleIxIntake(intake({ id: 'P-0009', role: 'complainant' }))).toThrow(
      /a complainant receives the written notices of 3\.26 by email/,
    );
    expect(parseTitleIxIntake(intake({ ...COMPLAINANT, role: 'complainant' })).facility).toBe('ACSD');
  });
});

describe('party notices through the notification activity', () => {
  const logLines: string[] = [];
  // Each call one attempt in an activity context (MockActivityEnvironment), as a worker runs it.
  async function activities() {
    return asAttempts(
      createNotificationActivities({
        mailer: createMailTransport({
          ...bed.smtp.transportOptions(),
          timeoutsMs: { connection: 2_000, socket: 5_000 },
        }),
        directory: await loadDirectory(DIRECTORY_PATH),
        logger: pino({ level: 'debug' }, { write: (line: string) => void logLines.push(line) }),
        ledger: createMemorySentLedger(),
        config: {
          from: 'Docket <docket@docket.example.org>',
          adminFallback: 'docket-admin@ops.example.org',
          messageIdDomain: 'docket.example.org',
        },
      }),
    );
  }
  const base = {
    workflowId: 'title-ix-T9-ACTIVITY-1',
    kind: 'party-notice' as const,
    facility: 'ACSD',
    role: 'title-ix-coordinator',
    caseNumber: 'T9-ACTIVITY-1',
    caseType: 'title-ix',
    sentAt: '2027-01-05T15:00:00.000Z',
  };

  test('recipients replace the directory; each party has its own deterministic Message-ID; nothing personal is logged', async () => {
    const send = await activities();
    const toParty = (party: typeof COMPLAINANT, role: string) =>
      send.sendNotice({
        ...base,
        noticeKey: `notice.parties/party-notice/${party.id}`,
        recipients: [party],
        delivery: { document: 'Notice of formal complaint and of the allegations', to: role },
        context: { partyRole: role, formalComplaint: true },
      });
    const [first, second] = await Promise.all([
      toParty(COMPLAINANT, 'complainant'),
      toParty(RESPONDENT, 'respondent'),
    ]);
    expect(first).toMatchObject({ status: 'sent', recipientRole: 'complainant', recipientIds: ['P-0001'] });
    expect(second).toMatchObject({ status: 'sent', recipientRole: 'respondent', recipientIds: ['P-0002'] });
    expect(first.messageId).toBe(
      noticeMessageId(base.workflowId, 'notice.parties/party-notice/P-0001', 'docket.example.org'),
    );
    expect(first.messageId).not.toBe(second.messageId);
    // A retry of the same party's notice is the same message, and is not sent twice.
    const again = await toParty(COMPLAINANT, 'complainant');
    expect(again).toMatchObject({ status: 'already-sent', messageId: first.messageId });

    const received = bed.smtp.byMessageId(first.messageId);
    expect(received).toHaveLength(1);
    const [mail] = received as [ReceivedMessage];
    expect(mail.envelope.to).toEqual([COMPLAINANT.email]);
    expect(mail.header('to')).toContain(COMPLAINANT.name);
    expect(mail.subject).toBe(
      'Title IX case T9-ACTIVITY-1: Notice of formal complaint and of the allegations',
    );
    expect(mail.text).toContain('The respondent is presumed not responsible for the alleged conduct');
    expect(mail.text).not.toContain('title-ix-coordinator@acsd.example.org');
    expect(everything(mail)).not.toContain(RESPONDENT.email);
    expect(Date.parse(mail.header('date') as string)).toBe(Date.parse(base.sentAt));
    for (const line of logLines) for (const secret of PERSONAL) expect(line).not.toContain(secret);
    expect(logLines.some((line) => line.includes('notice.parties/party-notice/P-0001'))).toBe(true);
  });

  test('a relay refusing a party address: the failure and the logs withhold the address', async () => {
    const send = await activities();
    bed.smtp.replyNext(550, 1, {
      stage: 'rcpt',
      message: `5.1.1 <${COMPLAINANT.email}>: Recipient address rejected`,
    });
    const failure = await send
      .sendNotice({
        ...base,
        noticeKey: 'determination.issued/party-notice/P-0001',
        recipients: [COMPLAINANT],
        delivery: { document: 'Written determination regarding responsibility', to: 'complainant' },
        context: { partyRole: 'complainant' },
      })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect((failure as ApplicationFailure).type).toBe('SMTP_PERMANENT');
    expect((failure as ApplicationFailure).message).toMatch(
      /<\[address withheld\]>: Recipient address rejected/,
    );
    expect(JSON.stringify(failure)).not.toContain(COMPLAINANT.email);
    for (const line of logLines) expect(line).not.toContain(COMPLAINANT.email);
  });

  test('recipients are refused on a staff notice kind, and a party notice without them still goes to the role', async () => {
    const send = await activities();
    const refused = await send
      .sendNotice({
        ...base,
        kind: 'service-task',
        noticeKey: 'x/service/1',
        recipients: [COMPLAINANT],
        delivery: { document: 'x', to: 'complainant' },
      })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApplicationFailure);
    expect((refused as ApplicationFailure).type).toBe('NOTICE_INPUT_INVALID');
    expect((refused as ApplicationFailure).message).toMatch(/recipients: recipients outside the directory/);

    const staff = await send.sendNotice({
      ...base,
      noticeKey: 'notice.parties/party-notice/staff',
      delivery: { document: 'Notice of formal complaint', to: 'the complainant and the respondent' },
    });
    expect(staff.recipientRole).toBe('title-ix-coordinator');
    const [mail] = bed.smtp.byMessageId(staff.messageId) as [ReceivedMessage];
    expect(mail.text).toContain('send the following written notice to the complainant and the respondent');
  });
});

test('the full path on school business days: report to a final determination without appeal', async () => {
  const reportAt = await at('2027-09-13T13:00:00Z'); // Mon 08:00 CDT
  const { handle, caseNumber } = await openTitleIx(reportAt);
  let view = await handle.query(scheduleQuery);
  expect(view.stage).toBe('report');
  expect(entry(view, 'coordinator.contact')).toMatchObject({
    responsibleRole: 'title-ix-coordinator',
    dueAt: '2027-09-15T23:59:59.999-05:00',
  });

  // 3.26 Supportive Measures: the complainant's decline counts only in writing.
  let now = await at('2027-09-14T15:00:00Z');
  view = await handle.executeUpdate(complainantContactedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  expect(entry(view, 'coordinator.contact').state).toBe('met');
  await expectRefused(
    handle.executeUpdate(supportiveMeasuresUpdate, {
      args: [{ at: now, by: COORDINATOR, party: COMPLAINANT.id, status: 'declined' }],
    }),
    'WRITING_REQUIRED',
    /declines supportive measures only in writing \(ACSD Policy 3\.26 \/ 8\.20 §Supportive Measures/,
  );
  await handle.executeUpdate(supportiveMeasuresUpdate, {
    args: [{ at: now, by: COORDINATOR, party: COMPLAINANT.id, status: 'declined', inWriting: true }],
  });
  await handle.executeUpdate(supportiveMeasuresUpdate, {
    args: [{ at: now, by: COORDINATOR, party: RESPONDENT.id, status: 'offered' }],
  });

  now = await at('2027-09-15T15:00:00Z');
  view = await handle.executeUpdate(formalComplaintReceivedUpdate, {
    args: [{ at: now, by: COORDINATOR, investigatorIds: [INVESTIGATOR] }],
  });
  expect(view.stage).toBe('formal-complaint');
  expect(entry(view, 'notice.parties').dueAt).toBe('2027-09-22T23:59:59.999-05:00');

  // notice.parties: both parties at the same instant, each only its own.
  now = await at('2027-09-16T15:00:00Z');
  view = await handle.executeUpdate(noticePartiesUpdate, {
    args: [{ by: COORDINATOR, documentRef: 'DOC-N-1' }],
  });
  expect(view.stage).toBe('investigation');
  expect(entry(view, 'notice.parties').state).toBe('met');
  const [noticeToComplainant] = expectSimultaneous(caseNumber, 'notice.parties/');
  expectSentAt(noticeToComplainant, now);
  expect(noticeToComplainant?.text).toContain('You may have an advisor of your choice');
  expect(noticeToComplainant?.text).toContain('Document reference: DOC-N-1');

  // The complainant names an advisor: the evidence goes to both, in the complainant's own message.
  await handle.executeUpdate(recordPartyUpdate, {
    args: [{ by: COORDINATOR, party: { ...COMPLAINANT, role: 'complainant', advisor: ADVISOR } }],
  });
  now = await at('2027-09-20T15:00:00Z'); // Mon
  view = await handle.executeUpdate(evidenceSentUpdate, { args: [{ at: now, by: INVESTIGATOR }] });
  // 10 working days from Mon 2027-09-20 (day 0) run through Mon 2027-10-04.
  const review = entry(view, 'evidence.review');
  expect(review).toMatchObject({ kind: 'lowerBound', earliest: '2027-10-05T00:00:00.000-05:00' });
  const evidence = stepMail(caseNumber, 'evidence.sent/');
  expect(evidence.get(ADVISOR.email)).toBe(evidence.get(COMPLAINANT.email));
  expect(evidence.get(RESPONDENT.email)?.envelope.to).toEqual([RESPONDENT.email]);
  expect(everything(evidence.get(RESPONDENT.email) as ReceivedMessage)).not.toContain(ADVISOR.email);
  expect(evidence.get(COMPLAINANT.email)?.text).toContain(
    'The investigative report will not be completed before 2027-10-05 00:00 CDT',
  );

  // The report may not be completed inside the parties' 10 days.
  now = await at('2027-10-01T15:00:00Z');
  const early = await expectRefused(
    handle.executeUpdate(investigationCompletedUpdate, { args: [{ at: now, by: 'S-T9R' }] }),
    'TOO_EARLY',
    /evidence\.review: .* is too early; the earliest allowed time is 2027-10-05 00:00 CDT/,
  );
  expect(detailsOf(early)).toMatchObject({
    earliest: '2027-10-05T00:00:00.000-05:00',
    key: 'evidence.review',
  });

  now = await at('2027-10-05T14:00:00Z');
  view = await handle.executeUpdate(investigationCompletedUpdate, { args: [{ at: now, by: 'S-T9R' }] });
  expect(view.stage).toBe('awaiting-determination');
  // 10 working days from Tue 2027-10-05 run through Tue 2027-10-19 (Columbus Day is worked in Arkansas).
  expect(entry(view, 'determination.earliest').earliest).toBe('2027-10-20T00:00:00.000-05:00');
  // The agency's default reading: ten full days pass, so the tenth day itself is still too early.
  expect(entry(view, 'determination.earliest').explanation).toContain(
    'clear days: day 0 is 2027-10-05; 10 working days must pass in full after it, through 2027-10-19',
  );
  expectSimultaneous(caseNumber, 'investigation.completed/');

  // The determination: not before its lower bound (not even late on the tenth day, 2027-10-19 23:30
  // CDT), and not by the coordinator or an investigator.
  await at('2027-10-20T04:30:00Z');
  const tooEarly = await expectRefused(
    handle.executeUpdate(determinationIssuedUpdate, {
      args: [{ by: DECISION_MAKER, outcome: 'responsible' }],
    }),
    'TOO_EARLY',
    /determination\.earliest: .* is too early; the earliest allowed time is 2027-10-20 00:00 CDT/,
  );
  expect(detailsOf(tooEarly).earliest).toBe('2027-10-20T00:00:00.000-05:00');
  now = await at('2027-10-20T15:00:00Z');
  const eventsBefore = await meaningfulEvents(handle);
  for (const [by, role] of [
    [COORDINATOR, 'Title IX Coordinator'],
    [INVESTIGATOR, 'investigator'],
    ['S-T9R', 'investigator'],
  ] as const) {
    const refused = await expectRefused(
      handle.executeUpdate(determinationIssuedUpdate, { args: [{ by, outcome: 'responsible' }] }),
      'ROLE_SEPARATION',
      new RegExp(
        `staff ${by} acted as the ${role} in this case and may not be the decision-maker .*§Determination`,
      ),
    );
    expect(detailsOf(refused)).toMatchObject({ field: 'by', value: by, conflictsWith: role });
  }
  // Refused in the validators: no trace in the case's history (workflow-task bookkeeping aside: the
  // Java test server keeps the speculative tasks a real server drops).
  expect(await meaningfulEvents(handle)).toBe(eventsBefore);
  view = await handle.executeUpdate(determinationIssuedUpdate, {
    args: [{ by: DECISION_MAKER, outcome: 'responsible', documentRef: 'DOC-D-1' }],
  });
  expect(view.stage).toBe('determined');
  // The appeal period (agency setting, default 10 working days) and finality the day after it.
  const appeal = entry(view, 'appeal.filing');
  expect(appeal.dueAt).toBe('2027-11-03T23:59:59.999-05:00');
  expect(appeal.source).toMatch(/agency setting acsd-title-ix\.appeal-period \(default\)/);
  expect(entry(view, 'determination.final').earliest).toBe('2027-11-04T00:00:00.000-05:00');
  const [determination] = expectSimultaneous(caseNumber, 'determination.issued/');
  expectSentAt(determination, now);
  expect(determination?.text).toContain('either party may appeal until 2027-11-03 23:59 CDT');
  expect(determination?.text).toContain('Becomes final:   2027-11-04 00:00 CDT, if no appeal is filed');
  // While the case runs, its current details (the Temporal UI) name no one either.
  await expectNoPersonalData(handle);

  // Still open the day the period ends; final (by the timer) the day after.
  await bed.advanceTo('2027-11-04T04:59:00Z');
  expect((await handle.query(scheduleQuery)).stage).toBe('determined');
  await bed.advanceTo('2027-11-04T05:01:00Z');
  const result = await resultOf(handle);
  expect(result).toMatchObject({
    caseNumber,
    stage: 'final',
    outcome: 'responsible',
    // Closed 2027-11-04: 84 months run through 2034-11-04.
    retention: {
      notBefore: '2034-11-05T00:00:00.000-05:00',
      localText: '2034-11-05 00:00 CDT',
      notify: 'title-ix-coordinator',
    },
  });
  const final = await handle.query(scheduleQuery);
  expect(final.closed).toBe(true);
  expect(entry(final, 'records.retention')).toMatchObject({
    kind: 'lowerBound',
    responsibleRole: 'title-ix-coordinator',
    earliest: '2034-11-05T00:00:00.000-05:00',
  });
  const details = await handle.query(titleIxDetailsQuery);
  expect(details.staff).toEqual({
    coordinators: [COORDINATOR],
    investigators: [INVESTIGATOR, 'S-T9R'],
    decisionMakers: [DECISION_MAKER],
    appealDecisionMakers: [],
  });
  expect(details.supportiveMeasures.map((m) => [m.party, m.status, m.inWriting])).toEqual([
    [COMPLAINANT.id, 'declined', true],
    [RESPONDENT.id, 'offered', false],
  ]);
  const timeline = await handle.query(timelineQuery);
  expect(timeline.map((e) => e.type)).toEqual(
    expect.arrayContaining(['supportive-measures.declined', 'determination.final', 'case.closed']),
  );
  await expectNoPersonalData(handle);
  await recordHistoryIfAsked(handle, 'title-ix-full-path');
});

test('an appeal on calendar days: the other party is told, the appeal decision-maker is separate, both get the decision at once', async () => {
  const settings = { 'day-unit': 'calendarDays', 'appeal-period': { amount: 7, unit: 'calendarDays' } };
  const reportAt = await at('2028-02-07T15:00:00Z'); // Mon 09:00 CST
  const { handle, caseNumber } = await openTitleIx(reportAt, { settings });
  let now = await at('2028-02-07T17:00:00Z');
  await handle.executeUpdate(complainantContactedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  now = await at('2028-02-08T16:00:00Z');
  await handle.executeUpdate(formalComplaintReceivedUpdate, {
    args: [{ at: now, by: COORDINATOR, investigatorIds: [INVESTIGATOR] }],
  });
  await at('2028-02-09T16:00:00Z');
  await handle.executeUpdate(noticePartiesUpdate, { args: [{ by: COORDINATOR }] });
  now = await at('2028-02-10T16:00:00Z'); // Thu
  let view = await handle.executeUpdate(evidenceSentUpdate, { args: [{ at: now, by: INVESTIGATOR }] });
  // 10 calendar days from Thu 2028-02-10 run through Sun 2028-02-20.
  expect(entry(view, 'evidence.review').earliest).toBe('2028-02-21T00:00:00.000-06:00');
  expect(entry(view, 'evidence.review').explanation).toMatch(/10 calendar days/);

  now = await at('2028-02-20T18:00:00Z'); // Sun, day 10: still the parties' time
  await expectRefused(
    handle.executeUpdate(investigationCompletedUpdate, { args: [{ at: now, by: INVESTIGATOR }] }),
    'TOO_EARLY',
    /the earliest allowed time is 2028-02-21 00:00 CST/,
  );
  now = await at('2028-02-21T15:00:00Z'); // Presidents' Day: a lower bound in calendar days does not move
  view = await handle.executeUpdate(investigationCompletedUpdate, { args: [{ at: now, by: INVESTIGATOR }] });
  expect(entry(view, 'determination.earliest').earliest).toBe('2028-03-03T00:00:00.000-06:00');
  await at('2028-03-02T23:00:00Z');
  await expectRefused(
    handle.executeUpdate(determinationIssuedUpdate, {
      args: [{ by: DECISION_MAKER, outcome: 'responsible' }],
    }),
    'TOO_EARLY',
    /the earliest allowed time is 2028-03-03 00:00 CST/,
  );
  await at('2028-03-03T16:00:00Z');
  view = await handle.executeUpdate(determinationIssuedUpdate, {
    args: [{ by: DECISION_MAKER, outcome: 'responsible' }],
  });
  // Appeal period as the agency set it: 7 calendar days from Fri 2028-03-03.
  expect(entry(view, 'appeal.filing').dueAt).toBe('2028-03-10T23:59:59.999-06:00');
  expect(entry(view, 'appeal.filing').source).toMatch(/acsd-title-ix\.appeal-period \(agency value\)/);

  // The respondent appeals: the complainant is told; the appellant gets the receipt; the same instant.
  now = await at('2028-03-06T16:00:00Z');
  await expectRefused(
    handle.executeUpdate(appealFiledUpdate, {
      args: [{ at: now, by: COORDINATOR, party: WITNESS.id, basis: ['new-evidence'] }],
    }),
    'UNKNOWN_PARTY',
    /P-0003 is not a complainant or respondent/,
  );
  view = await handle.executeUpdate(appealFiledUpdate, {
    args: [{ at: now, by: COORDINATOR, party: RESPONDENT.id, basis: ['procedural-irregularity'] }],
  });
  expect(view.stage).toBe('appealed');
  expect(entry(view, 'appeal.filing').state).toBe('met');
  expect(view.deadlines.map((d) => d.key)).toContain('determination.final'); // recorded earlier, no longer armed
  const [toComplainant, toRespondent] = expectSimultaneous(caseNumber, 'appeal.filed/1/');
  expect(toComplainant?.text).toContain('The respondent has filed an appeal (procedural-irregularity)');
  expect(toRespondent?.text).toContain('Your appeal has been received');
  expect(toRespondent?.text).not.toContain('has filed an appeal');

  // Past the appeal period's end the case stays open: the appeal is pending.
  await bed.advanceTo('2028-03-11T07:00:00Z');
  expect((await handle.query(scheduleQuery)).stage).toBe('appealed');

  await at('2028-03-20T15:00:00Z');
  for (const [by, role] of [
    [COORDINATOR, 'Title IX Coordinator'],
    [INVESTIGATOR, 'investigator'],
    [DECISION_MAKER, 'decision-maker'],
  ] as const) {
    await expectRefused(
      handle.executeUpdate(appealDecidedUpdate, { args: [{ by, result: 'affirmed' }] }),
      'ROLE_SEPARATION',
      new RegExp(
        `staff ${by} acted as the ${role} in this case and may not be the appeal decision-maker .*§Appeals`,
      ),
    );
  }
  view = await handle.executeUpdate(appealDecidedUpdate, {
    args: [{ by: APPEAL_DECISION_MAKER, result: 'affirmed' }],
  });
  expect(view.stage).toBe('final');
  expect(view.closed).toBe(true);
  // The closing view already carries the records date: 84 months after 2028-03-20.
  expect(entry(view, 'records.retention').earliest).toBe('2035-03-21T00:00:00.000-05:00');
  const [decision] = expectSimultaneous(caseNumber, 'appeal.decided/');
  expect(decision?.text).toContain('Result of the appeal:  affirmed');
  expect(await resultOf(handle)).toMatchObject({ stage: 'final', outcome: 'responsible; appeal affirmed' });
  await expectNoPersonalData(handle);
});

test('a discretionary dismissal: both parties told at once with the reason; it stands once the appeal period passes', async () => {
  const reportAt = await at('2029-04-02T14:00:00Z'); // Mon 09:00 CDT
  const { handle, caseNumber } = await openTitleIx(reportAt);
  let now = await at('2029-04-03T14:00:00Z');
  await handle.executeUpdate(complainantContactedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  await handle.executeUpdate(formalComplaintReceivedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  await at('2029-04-04T14:00:00Z');
  await handle.executeUpdate(noticePartiesUpdate, { args: [{ by: COORDINATOR }] });

  now = await at('2029-04-10T15:00:00Z');
  await expectRefused(
    handle.executeUpdate(dismissComplaintUpdate, {
      args: [{ by: COORDINATOR, grounds: 'required', reason: 'complainant-withdrew-in-writing' }],
    }),
    'INVALID_INPUT',
    /reason: the reason does not match the grounds/,
  );
  let view = await handle.executeUpdate(dismissComplaintUpdate, {
    args: [{ by: COORDINATOR, grounds: 'discretionary', reason: 'complainant-withdrew-in-writing' }],
  });
  expect(view.stage).toBe('dismissed');
  expect(entry(view, 'appeal.filing.dismissal').dueAt).toBe('2029-04-24T23:59:59.999-05:00');
  const [toComplainant, toRespondent] = expectSimultaneous(caseNumber, 'complaint.dismissed/');
  expectSentAt(toComplainant, now);
  for (const mail of [toComplainant, toRespondent]) {
    expect(mail?.text).toContain('(discretionary dismissal)');
    expect(mail?.text).toContain(
      'the complainant notified the Title IX Coordinator in writing that the complainant would like to withdraw the formal complaint',
    );
    expect(mail?.text).toContain('appeal the dismissal until 2029-04-24 23:59 CDT');
  }
  // Nothing is left to investigate or decide.
  await expectRefused(
    handle.executeUpdate(evidenceSentUpdate, { args: [{ at: now, by: INVESTIGATOR }] }),
    'OUT_OF_ORDER',
    /while the title-ix is dismissed/,
  );

  await bed.advanceTo('2029-04-25T05:01:00Z');
  const result = await resultOf(handle);
  expect(result).toMatchObject({
    stage: 'dismissal-final',
    outcome: 'dismissed (discretionary: complainant-withdrew-in-writing)',
    retention: { notBefore: '2036-04-26T00:00:00.000-05:00', notify: 'title-ix-coordinator' },
  });
  view = await handle.query(scheduleQuery);
  expect(view.stage).toBe('dismissal-final');
  await expectNoPersonalData(handle);
});

test('a report that never becomes a formal complaint closes only after the complainant was contacted', async () => {
  const reportAt = await at('2030-01-07T15:00:00Z');
  const { handle } = await openTitleIx(reportAt);
  let now = await at('2030-01-08T15:00:00Z');
  await expectRefused(
    handle.executeUpdate(closeReportUpdate, { args: [{ at: now, by: COORDINATOR }] }),
    'OUT_OF_ORDER',
    /needs complainant\.contacted to be recorded first/,
  );
  await handle.executeUpdate(complainantContactedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  now = await at('2030-01-09T15:00:00Z');
  const view = await handle.executeUpdate(closeReportUpdate, { args: [{ at: now, by: COORDINATOR }] });
  expect(view).toMatchObject({ stage: 'closed', closed: true, outcome: 'no formal complaint' });
  expect(entry(view, 'records.retention').earliest).toBe('2037-01-10T00:00:00.000-06:00');
  expect((await resultOf(handle)).stage).toBe('closed');
});

test('an appeal of a dismissal: whoever dismissed may not decide it; the decision closes the case', async () => {
  const reportAt = await at('2031-03-03T15:00:00Z'); // Mon 09:00 CST
  const { handle, caseNumber } = await openTitleIx(reportAt);
  let now = await at('2031-03-03T16:00:00Z');
  await handle.executeUpdate(complainantContactedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  await handle.executeUpdate(formalComplaintReceivedUpdate, { args: [{ at: now, by: COORDINATOR }] });
  await at('2031-03-04T16:00:00Z');
  await handle.executeUpdate(dismissComplaintUpdate, {
    args: [{ by: 'S-T9X', grounds: 'required', reason: 'not-in-education-program' }],
  });
  // Dismissed before the notice of the complaint went out: that duty is waived, not breached.
  let view = await handle.query(scheduleQuery);
  expect(entry(view, 'notice.parties').state).toBe('waived');
  const dismissal = stepMail(caseNumber, 'complaint.dismissed/');
  expect(dismissal.get(RESPONDENT.email)?.text).toContain('(required dismissal)');

  now = await at('2031-03-10T16:00:00Z');
  view = await handle.executeUpdate(appealFiledUpdate, {
    args: [
      { at: now, by: COORDINATOR, party: COMPLAINANT.id, basis: ['new-evidence', 'conflict-of-interest'] },
    ],
  });
  expect(view.stage).toBe('appealed');
  expect(entry(view, 'appeal.filing.dismissal').state).toBe('met');
  const [, toRespondent] = expectSimultaneous(caseNumber, 'appeal.filed/1/');
  expect(toRespondent?.text).toContain(
    'The complainant has filed an appeal (new-evidence, conflict-of-interest)',
  );
  await expectRefused(
    handle.executeUpdate(appealFiledUpdate, {
      args: [{ at: now, by: COORDINATOR, party: COMPLAINANT.id, basis: ['new-evidence'] }],
    }),
    'DUPLICATE_EVENT',
    /P-0001 has already appealed/,
  );

  await at('2031-03-17T15:00:00Z');
  await expectRefused(
    handle.executeUpdate(appealDecidedUpdate, { args: [{ by: 'S-T9X', result: 'reversed' }] }),
    'ROLE_SEPARATION',
    /staff S-T9X acted as the decision-maker in this case and may not be the appeal decision-maker/,
  );
  view = await handle.executeUpdate(appealDecidedUpdate, {
    args: [{ by: APPEAL_DECISION_MAKER, result: 'reversed' }],
  });
  expect(view).toMatchObject({ stage: 'final', closed: true });
  expectSimultaneous(caseNumber, 'appeal.decided/');
  expect(await resultOf(handle)).toMatchObject({
    stage: 'final',
    outcome: 'dismissed (required: not-in-education-program); appeal reversed',
  });
});
