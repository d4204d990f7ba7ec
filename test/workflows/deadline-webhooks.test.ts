// Case systems told of deadline changes by signed webhook, end to end on the time-skipping server: a
// real HTTP receiver on loopback checks every signature, sees each change of a grievance once per
// event ID and in order, including the changes made while it refused connections.
import type { Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { EVENT_ID_HEADER } from '../../activities/alert-webhook';
import { caseWebhookSubscribers, type DeadlineEvent } from '../../activities/deadline-events';
import type { UndeliveredNoticeEvent } from '../../activities/alert-webhook';
import { acknowledgeUpdate, extendDeadlineUpdate, recordServiceUpdate } from '../../workflows/case-messages';
import type { CaseView } from '../../workflows/case-messages';
import {
  decisionIssuedUpdate,
  grievance,
  grievanceFiledUpdate,
  rtsRespondedUpdate,
  rtsSubmittedUpdate,
} from '../../workflows/grievance';
import { startDocketTestbed, testActivities, type DocketTestbed } from '../helpers/docket-env';
import { freePort } from '../helpers/net';
import { waitFor } from '../helpers/records';
import { runAttempt } from '../helpers/activity-attempt';
import { startSmtpReceiver } from '../helpers/smtp';
import { uniqueName } from '../helpers/temporal';
import { activityRuns, recordHistoryIfAsked } from '../helpers/histories';
import { parseConfig } from '../../infra/config';
import {
  probationRecord,
  probationWorkflowId,
  recordActionUpdate,
  separateUpdate,
} from '../../workflows/probation';
import { caseWebhooksFromConfig } from '../../worker/main';
import { listenOnLoopback, signedPostServer } from '../helpers/webhooks';

const SECRET = randomBytes(32).toString('base64');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

interface Received {
  id: string;
  verified: boolean;
  event: Record<string, unknown>;
}

/** A case system's receiver on loopback that can go down (refusing connections) and come back on its port. */
class CaseSystem {
  readonly received: Received[] = [];
  private server?: Server;
  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/docket/events`;
  }

  async up(): Promise<void> {
    const server = signedPostServer(SECRET, ({ headers, body, verified }) => {
      this.received.push({
        id: String(headers[EVENT_ID_HEADER.toLowerCase()]),
        verified,
        event: JSON.parse(body) as Record<string, unknown>,
      });
      return 204;
    });
    await listenOnLoopback(server, this.port);
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // Idle keep-alive connections too: from now on a post finds the port closed (ECONNREFUSED).
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Each event ID once, in the order of its first arrival. */
  unique(): Received[] {
    const seen = new Set<string>();
    return this.received.filter((r) => !seen.has(r.id) && seen.add(r.id));
  }
}

let bed: DocketTestbed;
let cms: CaseSystem;
beforeAll(async () => {
  cms = new CaseSystem(await freePort());
  await cms.up();
  bed = await startDocketTestbed({
    caseWebhooks: caseWebhookSubscribers([
      {
        id: 'cms-test',
        url: cms.url,
        caseTypes: ['grievance', 'probation'],
        adminAlerts: true,
        secret: SECRET,
      },
    ]),
  });
});
afterAll(async () => {
  await bed?.teardown();
  await cms?.down();
});

const stateOf = (view: CaseView, key: string) => view.deadlines.find((d) => d.key === key);

test('every deadline change of a grievance reaches the case system, signed, once per event ID, in order, across an outage', async () => {
  const caseNumber = uniqueName('GRV').toUpperCase().slice(0, 40);
  const mine = () => cms.unique().filter((r) => r.event.caseNumber === caseNumber);
  let now = await bed.env.currentTimeMs();
  const handle = await bed.env.client.workflow.start(grievance, {
    taskQueue: bed.taskQueue,
    workflowId: `grievance-${caseNumber}`,
    args: [
      {
        caseNumber,
        facility: 'LARC',
        category: 'general',
        incidentAt: iso(now - DAY),
        involvedStaffIds: ['S-0666'],
      },
    ],
  });
  let view = await handle.executeUpdate(rtsSubmittedUpdate, { args: [{ at: iso(now), by: 'S-0100' }] });
  const rtsDue = stateOf(view, 'rts.response')?.dueAt as string;

  // Breach, acknowledgement, then the step done late.
  await bed.advanceTo(iso(Date.parse(rtsDue) + 60_000));
  await waitFor(() => mine().length >= 1, 'the breach event');
  await handle.executeUpdate(acknowledgeUpdate, { args: [{ key: 'rts.response', by: 'S-0400' }] });
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(rtsRespondedUpdate, { args: [{ at: iso(now), by: 'S-0101' }] });
  await waitFor(() => mine().length >= 3, 'acknowledged and met');

  // The case system goes down; the case goes on: an extension and the filing change state meanwhile.
  await cms.down();
  const filing = stateOf(view, 'grievance.filing');
  const absolute = stateOf(view, 'grievance.filing.absolute');
  expect(filing?.dueAt).toBeDefined();
  view = await handle.executeUpdate(extendDeadlineUpdate, {
    args: [
      {
        key: 'grievance.filing',
        dueAt: iso(Date.parse(absolute?.dueAt as string) - DAY),
        reason: 'inmate hospitalised during the filing period',
        approverRole: 'reviewing-authority',
        approvedBy: 'S-0200',
        at: iso(now),
      },
    ],
  });
  expect(stateOf(view, 'grievance.filing')?.state).toBe('extended');
  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(grievanceFiledUpdate, { args: [{ at: iso(now), by: 'S-0102' }] });
  expect(view.stage).toBe('formal');
  // The updates answered while the receiver was down: the case did not wait for it.
  const duringOutage = cms.received.length;
  await new Promise((r) => setTimeout(r, 3_000));
  expect(cms.received.length).toBe(duringOutage);

  await cms.up();
  await waitFor(
    () => mine().some((r) => r.event.deadlineKey === 'grievance.filing'),
    'the queued events',
    90_000,
  );

  now = await bed.env.currentTimeMs();
  view = await handle.executeUpdate(decisionIssuedUpdate, {
    args: [{ at: iso(now), by: 'S-0200', outcome: 'denied' }],
  });
  const task = view.serviceTasks.find((t) => t.task.startsWith('grievance.decision/'))?.task as string;
  await handle.executeUpdate(recordServiceUpdate, {
    args: [{ task, servedBy: 'S-0300', at: iso(now), method: 'in-person' }],
  });
  // The case completes only once its last changes were delivered.
  await handle.result();
  // One publication per step that changed a deadline (7), none for the service that closed the case.
  // Each is tried inline; only the one the outage refused went to the retrying activity (the next
  // waited behind it, in order, and was tried inline once the receiver was back).
  const history = await handle.fetchHistory();
  await recordHistoryIfAsked(handle, 'grievance-deadline-events-outage');
  expect(activityRuns(history.events ?? [], 'publishDeadlineEvents')).toEqual({ inline: 7, scheduled: 1 });

  const events = mine();
  expect(events.every((r) => r.verified)).toBe(true);
  // A duplicate (a retry after an accepted post) carries the same body as the first delivery.
  for (const r of cms.received) {
    const first = cms.received.find((x) => x.id === r.id);
    expect(r.event).toEqual(first?.event);
  }
  // Every change, each ID once, in the order the case made them: the inmate's RTS window met at
  // submission, the breach, its acknowledgement, the response (late), the extension of the filing
  // window, the filing, the decision. Caps of the filing window are not deadlines and say nothing.
  expect(events.map((r) => `${String(r.event.deadlineKey)} ${String(r.event.state)}`)).toEqual([
    'rts.filing met',
    'rts.response breached',
    'rts.response acknowledged',
    'rts.response met',
    'grievance.filing extended',
    'grievance.filing met',
    'grievance.response met',
  ]);
  for (const r of events) {
    const event = r.event as unknown as DeadlineEvent;
    expect(event).toMatchObject({
      id: r.id,
      type: 'docket.deadline.changed',
      caseType: 'grievance',
      caseNumber,
      facility: 'LARC',
      policyVersion: expect.stringMatching(/^ok-doc-grievance@/),
      at: expect.any(String),
    });
  }
  // The breach happened at the due time; the response came after it (met late).
  expect(events[1]?.event).toMatchObject({ dueAt: rtsDue, at: rtsDue });
  expect(Date.parse(String(events[3]?.event.at))).toBeGreaterThan(Date.parse(rtsDue));
});

test('a long-lived record (probation) posts its deadline changes too, before it continues or completes', async () => {
  const employeeId = uniqueName('EMP').toUpperCase().slice(0, 40);
  const caseNumber = employeeId;
  const handle = await bed.env.client.workflow.start(probationRecord, {
    taskQueue: bed.taskQueue,
    workflowId: probationWorkflowId(employeeId),
    args: [{ employeeId }],
  });
  const issued = iso(await bed.env.currentTimeMs());
  await handle.executeUpdate(recordActionUpdate, {
    args: [{ action: 'written-warning', by: 'S-0100', issuedAt: issued, notifiedAt: issued }],
  });
  // Six months later the written warning's probation has ended: a change the case system must hear of.
  await bed.env.sleep(200 * DAY);
  await handle.executeUpdate(separateUpdate, {
    args: [{ at: iso(await bed.env.currentTimeMs()), by: 'S-0303', reason: 'resigned' }],
  });
  await handle.result();
  const events = cms.unique().filter((r) => r.event.caseNumber === caseNumber);
  expect(events.every((r) => r.verified)).toBe(true);
  expect(events.map((r) => `${String(r.event.deadlineKey)} ${String(r.event.state)}`)).toContain(
    'A1:probation.written-warning met',
  );
  expect(events.every((r) => r.event.caseType === 'probation')).toBe(true);
});

test("the administrators' alert about an undeliverable notice reaches a subscriber that takes them", async () => {
  const smtp = await startSmtpReceiver();
  try {
    const activities = await testActivities(smtp, {
      caseWebhooks: caseWebhookSubscribers([
        {
          id: 'cms-alerts',
          url: cms.url,
          caseTypes: ['grievance', 'probation'],
          adminAlerts: true,
          secret: SECRET,
        },
        {
          id: 'cms-quiet',
          url: `${cms.url}/quiet`,
          caseTypes: ['grievance'],
          adminAlerts: false,
          secret: SECRET,
        },
      ]),
    });
    const before = cms.received.length;
    await runAttempt(activities.alertAdministrators, {
      workflowId: 'grievance-OK-2026-000777',
      noticeKey: 'rts.response/breach/1',
      errorCode: 'DIRECTORY_UNKNOWN_RECIPIENT',
      errorMessage: 'no address for role rts.responder at LARC',
      caseNumber: 'OK-2026-000777',
      caseType: 'grievance',
      kind: 'breach',
      facility: 'LARC',
      role: 'rts.responder',
      sentAt: new Date().toISOString(),
    });
    const posted = cms.received.slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]?.verified).toBe(true);
    const alert = posted[0]?.event as unknown as UndeliveredNoticeEvent;
    expect(alert).toMatchObject({
      id: posted[0]?.id,
      type: 'docket.notice.undelivered',
      noticeKey: 'rts.response/breach/1',
      errorCode: 'DIRECTORY_UNKNOWN_RECIPIENT',
    });
  } finally {
    await smtp.close();
  }
});

describe('subscribers in the configuration', () => {
  const subscriber = {
    id: 'cms-prod',
    url: 'https://cms.agency.example.org/docket/events',
    caseTypes: ['grievance', 'discipline'],
    secretEnv: 'DOCKET_WEBHOOK_SECRET_CMS',
  };

  test('a subscriber with its secret from the environment or a file is accepted', () => {
    const config = parseConfig({ webhooks: { subscribers: [subscriber] } });
    const built = caseWebhooksFromConfig(config, { DOCKET_WEBHOOK_SECRET_CMS: SECRET });
    expect(built.subscribers.map((s) => [s.id, s.caseTypes, s.webhook.target])).toEqual([
      ['cms-prod', ['grievance', 'discipline'], 'https://cms.agency.example.org'],
    ]);
    expect(built.adminAlertWebhooks).toHaveLength(0);
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'docket-secret-')), 'cms');
    writeFileSync(file, `${SECRET}\n`);
    const fromFile = parseConfig({
      webhooks: {
        subscribers: [{ ...subscriber, secretEnv: undefined, secretFile: file, adminAlerts: true }],
      },
    });
    const withAlerts = caseWebhooksFromConfig(fromFile, {});
    expect(withAlerts.subscribers).toHaveLength(1);
    expect(withAlerts.adminAlertWebhooks.map((w) => w.target)).toEqual(['https://cms.agency.example.org']);
  });

  test('bad subscribers are refused with the field, the value and the rule named', () => {
    expect(() =>
      parseConfig({ webhooks: { subscribers: [{ ...subscriber, url: 'http://cms.agency.example.org/x' }] } }),
    ).toThrow(/webhooks\.subscribers\.0\.url: an https URL \(http only for a loopback host\)/);
    expect(() =>
      parseConfig({ webhooks: { subscribers: [{ ...subscriber, secretFile: '/run/secrets/cms' }] } }),
    ).toThrow(/webhooks\.subscribers\.0: give exactly one of secretEnv .* or secretFile/);
    expect(() => parseConfig({ webhooks: { subscribers: [{ ...subscriber, secret: SECRET }] } })).toThrow(
      /webhooks\.subscribers\.0: Unrecognized key: "secret"/,
    );
    expect(() => parseConfig({ webhooks: { subscribers: [subscriber, subscriber] } })).toThrow(
      /webhooks\.subscribers\.1\.id: duplicate subscriber ID cms-prod/,
    );
    const config = parseConfig({ webhooks: { subscribers: [subscriber] } });
    expect(() => caseWebhooksFromConfig(config, {})).toThrow(
      /webhooks\.subscribers\.0\.secretEnv: DOCKET_WEBHOOK_SECRET_CMS must hold a random key of at least 32 characters for subscriber cms-prod \(it has 0\)/,
    );
    const fromFile = parseConfig({
      webhooks: { subscribers: [{ ...subscriber, secretEnv: undefined, secretFile: '/nonexistent/cms' }] },
    });
    expect(() => caseWebhooksFromConfig(fromFile, {})).toThrow(
      /webhooks\.subscribers\.0\.secretFile: cannot read \/nonexistent\/cms for subscriber cms-prod: ENOENT/,
    );
  });
});
