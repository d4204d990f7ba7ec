// The morning digest end to end on the official dev server: `docket setup`'s schedule code creates a
// Temporal Schedule per configured facility; triggering one (as an operator would in the UI) starts
// the digest workflow on a worker with the real activities, which reads visibility and the cases
// and mails each supervisor one digest through a real SMTP receiver: breached and unacknowledged
// deadlines with a link signed for that recipient, case numbers and deadline keys only. A facility
// with nothing due sends nothing.
import { testArchive } from '../helpers/docket-env';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client, type ScheduleHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import pino from 'pino';
import { verifyAckLink } from '../../activities/ack-link';
import type { DigestResult } from '../../activities/digest';
import { createMailTransport } from '../../activities/mail-transport';
import { loadDirectory } from '../../activities/directory';
import { createMemorySentLedger } from '../../activities/sent-ledger';
import { DocketClient } from '../../client/cases';
import { digestScheduleId, ensureDigestSchedules } from '../../client/digest-schedules';
import { buildActivities } from '../../worker/activities';
import { parseConfig } from '../../infra/config';
import { createDataConverter } from '../../infra/data-converter';
import { generateKey, Keyring } from '../../infra/keys';
import { docketBundleOptions } from '../../worker/workflow-bundle';
import { DAY, eventually, grievanceIntake, iso } from '../api/support';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from '../helpers/smtp';
import { createDevServerEnv, quietBundlerLogger, uniqueName } from '../helpers/temporal';

const DIRECTORY_PATH = path.join(__dirname, '..', '..', 'config', 'directory.yaml');
const ACK_KEY = Buffer.from(generateKey(), 'base64');
const ACK_BASE = 'http://127.0.0.1:8080/ack';

let env: TestWorkflowEnvironment;
let smtp: SmtpReceiver;
let worker: Worker;
let running: Promise<void>;
let client: Client;
let docket: DocketClient;
const taskQueue = uniqueName('docket-digest');
const config = parseConfig({
  temporal: { taskQueue },
  digest: {
    facilities: { LARC: { calendar: 'us-ok-state' }, 'NC-PWF': { calendar: 'us-nc-state' } },
  },
});

beforeAll(async () => {
  const workflowBundle = bundleWorkflowCode({ ...docketBundleOptions, logger: quietBundlerLogger });
  [env, smtp] = await Promise.all([createDevServerEnv(), startSmtpReceiver()]);
  const keyring = Keyring.fromSpec({ current: 'digest-test', keys: { 'digest-test': generateKey() } });
  const dataConverter = createDataConverter(keyring);
  client = new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter });
  docket = new DocketClient({ client, taskQueue, timeoutMs: 30_000 });
  worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle,
    dataConverter,
    activities: buildActivities({
      mailer: createMailTransport(smtp.transportOptions()),
      directory: await loadDirectory(DIRECTORY_PATH),
      logger: pino({ level: 'silent' }),
      ledger: createMemorySentLedger(),
      archive: testArchive(),
      config: {
        from: 'Docket <docket@docket.example.org>',
        adminFallback: 'docket-admin@ops.example.org',
        messageIdDomain: 'docket.example.org',
        ackBaseUrl: ACK_BASE,
        ackLinkKey: ACK_KEY,
      },
      digest: { client, taskQueue },
    }),
  });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  for (const facility of Object.keys(config.digest.facilities)) {
    await client?.schedule
      .getHandle(digestScheduleId(facility))
      .delete()
      .catch(() => undefined);
  }
  worker?.shutdown();
  await running;
  await smtp?.close();
  await env?.teardown();
});

/** A LARC grievance whose Request to Staff response was due weeks ago: breached at once. */
async function openBreached(): Promise<string> {
  const now = Date.now();
  const intake = grievanceIntake({ facility: 'LARC', incidentAt: iso(now - 24 * DAY) });
  await docket.openCase('grievance', intake);
  await docket.recordEvent('grievance', intake.caseNumber, 'rts-submitted', {
    at: iso(now - 22 * DAY),
    by: 'S-0100',
  });
  await eventually(async () => {
    const view = await docket.schedule('grievance', intake.caseNumber);
    return view.deadlines.find((d) => d.key === 'rts.response')?.state === 'breached' ? true : undefined;
  }, 'the breach');
  return intake.caseNumber;
}

/** Triggers the Schedule now and returns the digest workflow's result. */
async function triggerAndWait(handle: ScheduleHandle): Promise<DigestResult> {
  const before = new Set(
    (await handle.describe()).info.recentActions.map((a) => a.action.workflow.workflowId),
  );
  await handle.trigger();
  const workflowId = await eventually(
    async () =>
      (await handle.describe()).info.recentActions
        .map((a) => a.action.workflow.workflowId)
        .find((id) => !before.has(id)),
    'the triggered digest run',
  );
  return client.workflow.getHandle(workflowId).result();
}

const digestsTo = (address: string): ReceivedMessage[] =>
  smtp.messages.filter(
    (m) => m.header('x-docket-notice-kind') === 'digest' && m.envelope.to.includes(address),
  );

test('setup creates one pausable Schedule per facility, on weekdays at the start of business', async () => {
  const made = await ensureDigestSchedules(client, config);
  expect(made.map((m) => [m.facility, m.outcome])).toEqual([
    ['LARC', 'created'],
    ['NC-PWF', 'created'],
  ]);
  // Running setup again changes nothing but keeps them current.
  expect((await ensureDigestSchedules(client, config)).map((m) => m.outcome)).toEqual(['updated', 'updated']);
  const described = await client.schedule.getHandle(digestScheduleId('LARC')).describe();
  expect(described.spec.timezone).toBe('America/Chicago');
  const calendar = described.spec.calendars?.[0];
  expect(calendar?.hour).toEqual([{ start: 8, end: 8, step: 1 }]);
  expect(calendar?.minute).toEqual([{ start: 0, end: 0, step: 1 }]);
  expect(calendar?.dayOfWeek?.map((range) => range.start)).toEqual([
    'MONDAY',
    'TUESDAY',
    'WEDNESDAY',
    'THURSDAY',
    'FRIDAY',
  ]);
  expect(described.action).toMatchObject({
    type: 'startWorkflow',
    workflowType: 'facilityDigest',
    taskQueue,
  });
  expect(described.state.paused).toBe(false);
});

test('a triggered digest brings each supervisor one email of breached, unacknowledged deadlines with their own links; an empty facility sends nothing', async () => {
  const breached = [await openBreached(), await openBreached()];
  const acknowledged = await openBreached();
  await docket.acknowledge('grievance', acknowledged, { key: 'rts.response', by: 'LARC-S002' });
  // Visibility catches up a moment after the case's own state.
  await eventually(async () => {
    const due = await docket.deadlinesDue({
      caseTypes: ['grievance'],
      facility: 'LARC',
      states: ['breached'],
    });
    return breached.every((n) => due.cases.some((c) => c.caseNumber === n)) ? true : undefined;
  }, 'visibility to show the breached cases');

  const directory = await loadDirectory(DIRECTORY_PATH);
  // rts.response is the RTS responder's duty; its breach alert, and so the digest, goes a step up.
  const supervisorRole = directory.escalationChain('LARC', 'rts.responder')[0] as string;
  const supervisors = directory.resolve('LARC', supervisorRole);

  const result = await triggerAndWait(client.schedule.getHandle(digestScheduleId('LARC')));
  expect(result.status).toBe('sent');
  expect(result.messages.map((m) => m.recipientId).sort()).toEqual(supervisors.map((s) => s.id).sort());

  for (const supervisor of supervisors) {
    const mails = await eventually(async () => {
      const found = digestsTo(supervisor.email);
      return found.length > 0 ? found : undefined;
    }, `the digest to ${supervisor.id}`);
    expect(mails).toHaveLength(1);
    const mail = mails[0] as ReceivedMessage;
    expect(mail.envelope.to).toEqual([supervisor.email]);
    expect(mail.text).toContain('== grievance ==');
    expect(mail.text).toContain('Breached, not acknowledged:');
    for (const caseNumber of breached) expect(mail.text).toContain(`${caseNumber} rts.response`);
    expect(mail.text).not.toContain(acknowledged);
    // Each link acknowledges one deadline as this recipient, and nothing else.
    const links = [...mail.text.matchAll(/Acknowledge: (\S+)/g)].map((m) => new URL(m[1] as string));
    expect(links).toHaveLength(breached.length);
    for (const link of links) {
      expect(link.origin + link.pathname).toBe(ACK_BASE);
      const check = verifyAckLink(link.searchParams.get('t') as string, ACK_KEY);
      expect(check.status).toBe('valid');
      if (check.status !== 'valid') continue;
      expect(check.claims.recipientId).toBe(supervisor.id);
      expect(check.claims.deadline).toBe('rts.response');
      expect(breached.map((n) => `grievance-${n}`)).toContain(check.claims.workflowId);
    }
    // No names: not the desk's display name, not the staff in the case.
    expect(mail.text).not.toContain('S-0666');
    if (supervisor.name) expect(mail.text).not.toContain(supervisor.name);
  }

  const sentBefore = smtp.messages.length;
  const empty = await triggerAndWait(client.schedule.getHandle(digestScheduleId('NC-PWF')));
  expect(empty).toMatchObject({ status: 'empty', messages: [] });
  expect(smtp.messages.length).toBe(sentBefore);
}, 180_000);

test('`docket setup` creates the Schedules the config file names, and a second run updates them', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docket-digest-setup-'));
  const namespace = `digest-${Date.now()}`;
  try {
    const configFile = path.join(dir, 'docket.yaml');
    writeFileSync(configFile, "digest:\n  facilities:\n    ACSD: { calendar: 'us-ar-state' }\n");
    const run = () =>
      spawnSync(process.execPath, [path.join(__dirname, '..', '..', 'bin', 'docket.js'), 'setup'], {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          DOCKET_CONFIG: configFile,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: namespace,
        },
        timeout: 90_000,
      });
    const first = run();
    expect(first.status).toBe(0);
    expect(first.stderr).toContain('morning digest for ACSD: schedule docket-digest-ACSD created');
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stderr).toContain('morning digest for ACSD: schedule docket-digest-ACSD updated');
    const inNamespace = new Client({ connection: env.connection, namespace });
    const described = await inNamespace.schedule.getHandle('docket-digest-ACSD').describe();
    expect(described.spec.timezone).toBe('America/Chicago');
    expect(described.action).toMatchObject({
      workflowType: 'facilityDigest',
      args: [{ facility: 'ACSD', calendar: 'us-ar-state' }],
    });
    await inNamespace.schedule.getHandle('docket-digest-ACSD').delete();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);
