// The production topology, started by the operator's own command (`bash scripts/up.sh --cluster`)
// and proven against its real processes: PostgreSQL, temporal-server with its four services, the UI
// server with OpenID Connect sign-in, the identity provider, the codec server, two workers and the
// HTTP API. Mail goes to a test SMTP receiver standing in for the agency's relay, which records the
// instant it accepted each message.
//
// The tests run in order on one topology: a case over HTTP, the UI, a crash of temporal-server while
// deadlines fall due, a worker killed in the middle of a burst of alerts, and a restart of everything.
// DOCKET_CLUSTER_BURST sets the burst size (default 200).
import { launchChromium, openUserMetadata } from '../helpers/browser';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { noticeMessageId, recipientMessageId } from '../../activities/notifications';
import { grievanceWorkflowId } from '../../workflows/grievance';
import { startSmtpReceiver, type ReceivedMessage, type SmtpReceiver } from '../helpers/smtp';
import { alive, eventually, REPO_ROOT, startCluster, type Cluster } from './support';

const BURST = Number(process.env.DOCKET_CLUSTER_BURST ?? 200);
const MESSAGE_ID_DOMAIN = 'docket.local';
const PREA_BREACH = 'prea.emergency.initial-response/breach/1';
const CODEC_AUDIENCE = 'urn:docket:codec';
const CODEC_ERROR = 'Case data is encrypted; only a Docket administrator can read it.';
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const run = Date.now().toString(36).toUpperCase().slice(-6);

let smtp: SmtpReceiver;
let cluster: Cluster;
let browser: Browser;
/** The case of the first test: the UI finds it and it must survive the restart. */
let firstCase: { caseNumber: string; workflowId: string; nextDue: string; stage: string };
const timings: Record<string, number> = {};

const tokens = () => ({
  cms: cluster.secrets.DOCKET_TOKEN_CASE_SYSTEM!,
  adm: cluster.secrets.DOCKET_TOKEN_ADMINISTRATOR!,
});

beforeAll(async () => {
  const buildStarted = Date.now();
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts', 'ensure-temporal-server.sh')], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  timings.binariesS = (Date.now() - buildStarted) / 1000;
  smtp = await startSmtpReceiver();
  cluster = await startCluster({ smtp: { host: smtp.host, port: smtp.port } });
  timings.firstStartS = cluster.startupSeconds;
  // The codec server's certificate is the self-signed one the script made.
  browser = await launchChromium(['--ignore-certificate-errors']);
}, 45 * 60_000);

afterAll(async () => {
  await browser?.close();
  await cluster?.stop();
  await smtp?.close();
  process.stderr.write(`cluster test timings (s): ${JSON.stringify(timings)}\n`);
  if (cluster && process.env.DOCKET_KEEP_CLUSTER_DATA !== '1')
    rmSync(cluster.dataDir, { recursive: true, force: true });
}, 180_000);

interface Deadline {
  key: string;
  dueAt?: string;
  localText?: string;
}
interface CaseBody {
  schedule: { deadlines: Deadline[]; stage: string };
}

/** Records an event, again while the case is still computing its first schedule (CASE_INITIALIZING). */
async function recordEvent(caseNumber: string, event: string, body: unknown): Promise<CaseBody> {
  const giveUpAt = Date.now() + 120_000;
  for (;;) {
    const response = await cluster.api<CaseBody & { error?: { code?: string } }>(
      'POST',
      `/cases/grievance/${caseNumber}/events/${event}`,
      tokens().cms,
      body,
    );
    if (response.status === 200) return response.body;
    if (response.body.error?.code !== 'CASE_INITIALIZING' || Date.now() > giveUpAt) {
      throw new Error(`${event} on ${caseNumber}: ${response.status} ${JSON.stringify(response.body)}`);
    }
    await sleep(500);
  }
}

/**
 * A PREA emergency grievance (28 CFR 115.52(f)) whose initial response (filing + 48 hours) falls due
 * at `dueAtMs`: filed 48 hours before it. Its reminders lie in the past, so its first mail is the
 * breach alert at `dueAtMs`.
 */
async function openPreaEmergency(caseNumber: string, dueAtMs: number): Promise<string> {
  const opened = await cluster.api('POST', '/cases/grievance', tokens().cms, {
    caseNumber,
    facility: 'LARC',
    category: 'sexual-abuse',
    preaEmergency: true,
    incidentAt: iso(dueAtMs - 49 * HOUR),
    involvedStaffIds: [],
  });
  if (opened.status !== 201)
    throw new Error(`open ${caseNumber}: ${opened.status} ${JSON.stringify(opened.body)}`);
  const filed = await recordEvent(caseNumber, 'grievance-filed', {
    at: iso(dueAtMs - 48 * HOUR),
    by: 'S-0102',
  });
  const due = filed.schedule.deadlines.find((d) => d.key === 'prea.emergency.initial-response');
  expect(Date.parse(due?.dueAt ?? '')).toBe(dueAtMs);
  return grievanceWorkflowId(caseNumber);
}

async function runPool<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/** The PREA breach alert goes to LARC's facility head (config/directory.yaml), one message per recipient. */
const FACILITY_HEAD_ID = 'LARC-S004';
const alertsFor = (workflowId: string): ReceivedMessage[] =>
  smtp.byMessageId(
    recipientMessageId(
      noticeMessageId(workflowId, PREA_BREACH, MESSAGE_ID_DOMAIN),
      FACILITY_HEAD_ID,
      MESSAGE_ID_DOMAIN,
    ),
  );

test('a grievance opened over HTTP runs on temporal-server backed by PostgreSQL', async () => {
  const caseNumber = `CL-${run}-1`;
  const opened = await cluster.api('POST', '/cases/grievance', tokens().cms, {
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: iso(Date.now() - 24 * HOUR),
    involvedStaffIds: [],
  });
  expect(opened.status).toBe(201);
  const view = await recordEvent(caseNumber, 'rts-submitted', { at: iso(Date.now()), by: 'S-0100' });
  const rts = view.schedule.deadlines.find((d) => d.key === 'rts.response');
  expect(rts?.dueAt).toBeDefined();
  const workflowId = grievanceWorkflowId(caseNumber);
  firstCase = { caseNumber, workflowId, nextDue: rts!.localText!, stage: view.schedule.stage };

  // The execution is a row of the PostgreSQL persistence store, which has the 512 history shards...
  expect(
    await cluster.sql(
      'temporal',
      `SELECT count(*) FROM current_executions WHERE workflow_id = '${workflowId}'`,
    ),
  ).toBe('1');
  expect(await cluster.sql('temporal', 'SELECT count(*) FROM shards')).toBe('512');
  // ...and of PostgreSQL visibility, which answers the API's search-attribute query.
  await eventually(
    async () =>
      (await cluster.sql(
        'temporal_visibility',
        `SELECT count(*) FROM executions_visibility WHERE workflow_id = '${workflowId}' AND status = 1`,
      )) === '1' || undefined,
    'the case in PostgreSQL visibility',
    30_000,
  );
  const due = await eventually(
    async () => {
      const response = await cluster.api<{ cases: Array<{ workflowId: string; facility: string }> }>(
        'GET',
        '/deadlines/due',
        tokens().adm,
      );
      return response.body.cases.find((c) => c.workflowId === workflowId);
    },
    'the case among open deadlines',
    30_000,
  );
  expect(due.facility).toBe('LARC');
}, 120_000);

async function signIn(
  page: Page,
  username: 'administrator' | 'caseworker',
  returnPath: string,
): Promise<void> {
  const user = cluster.users.find((u) => u.username === username)!;
  await page.goto(`${cluster.uiUrl}/auth/sso?returnUrl=${encodeURIComponent(returnPath)}`);
  // The identity provider's own sign-in page.
  await page.waitForURL(`${cluster.oidcIssuer}/interaction/**`);
  await page.fill('input[name=username]', user.username);
  await page.fill('input[name=password]', user.password);
  await page.click('button[type=submit]');
  await page.waitForURL(`${cluster.uiUrl}/**`);
}

const casePath = () => `/namespaces/default/workflows/${firstCase.workflowId}`;

test('without signing in, the UI shows nothing of a case', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${cluster.uiUrl}${casePath()}`);
  await page.waitForURL(/\/login/);
  await page.waitForLoadState('networkidle');
  const text = await page.locator('body').innerText();
  expect(text).not.toContain(firstCase.workflowId);
  expect(text).not.toContain('grievance');
  // The UI server's API refuses every call that does not carry a signed-in person's token.
  const direct = await fetch(`${cluster.uiUrl}/api/v1/namespaces/default/workflows/${firstCase.workflowId}`);
  expect(direct.status).toBe(401);
  const list = await fetch(
    `${cluster.uiUrl}/api/v1/namespaces/default/workflows?query=${encodeURIComponent('CaseType="grievance"')}`,
  );
  expect(list.status).toBe(401);
  await context.close();
}, 120_000);

test('an administrator signs in, finds the case by search attribute, and reads its decoded current details', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  const query = `CaseType="grievance" AND Facility="LARC" AND Stage="${firstCase.stage}"`;
  await signIn(page, 'administrator', `/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
  const link = page.getByRole('link', { name: firstCase.workflowId });
  for (let attempt = 0; attempt < 30 && !(await link.isVisible().catch(() => false)); attempt++) {
    await page.waitForTimeout(1000);
    await page.reload();
  }
  const codecRequest = page.waitForRequest(
    (r) =>
      r.url().startsWith(`https://127.0.0.1:${cluster.ports.DOCKET_CODEC_PORT}/`) && r.method() === 'POST',
  );
  await link.first().click();
  await page.waitForURL(/\/workflows\/grievance-/);

  // The UI hands the codec server the person's access token: a JWT for the codec's audience, signed
  // by the identity provider, naming the administrators' group.
  const authorization = (await codecRequest).headers().authorization ?? '';
  expect(authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
  // jose is an ES module: a dynamic import loads it.
  const { createRemoteJWKSet, jwtVerify } = await import('jose');
  const { payload } = await jwtVerify(
    authorization.slice('Bearer '.length),
    createRemoteJWKSet(new URL(`${cluster.oidcIssuer}/jwks`)),
    { issuer: cluster.oidcIssuer, audience: CODEC_AUDIENCE },
  );
  expect(payload.groups).toContain('docket-administrators');

  // The codec server decrypts for that token: the current details read in clear.
  const details = await openUserMetadata(page);
  await details.getByText(`Next: rts.response due ${firstCase.nextDue}`).first().waitFor({ timeout: 30_000 });
  await page.screenshot({
    path: path.join(REPO_ROOT, 'test-artifacts', 'cluster-ui-administrator.png'),
    fullPage: true,
  });
  await context.close();
}, 180_000);

test('a signed-in person outside the administrators group reads no case data', async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  // Signed in on the list first: UI 2.42.1 can query a workflow page it lands on straight from the
  // sign-in callback before it has stored the token, and then sends the person back to sign in.
  await signIn(page, 'caseworker', '/namespaces/default/workflows');
  await page.getByRole('link', { name: firstCase.workflowId }).first().waitFor({ timeout: 30_000 });
  // The codec server refuses: with a status, or with no CORS approval, which the browser reports as
  // a failed request. Either way nothing is decoded.
  const isCodecPost = (r: { url(): string; method(): string }) =>
    r.url().startsWith(`https://127.0.0.1:${cluster.ports.DOCKET_CODEC_PORT}/`) && r.method() === 'POST';
  const codecOutcome = Promise.race([
    page.waitForResponse((r) => isCodecPost(r.request())).then((r) => r.status()),
    page.waitForEvent('requestfailed', isCodecPost).then(() => 'failed' as const),
  ]);
  await page.goto(`${cluster.uiUrl}${casePath()}`);
  expect([401, 403, 'failed']).toContain(await codecOutcome);
  await page.getByText(CODEC_ERROR).first().waitFor({ timeout: 30_000 });
  await openUserMetadata(page);
  await page.waitForTimeout(2000);
  expect(await page.getByText(/Next: rts\.response/).count()).toBe(0);
  expect(await page.frameLocator('iframe[src*="Next"]').getByText(/Next:/).count()).toBe(0);
  await context.close();
}, 180_000);

test('temporal-server killed with SIGKILL while deadlines fall due: each fires once after the restart, none early', async () => {
  const count = 5;
  const killAt = Date.now() + 20_000;
  const due = Array.from({ length: count }, (_, i) => killAt + 8_000 + i * 3_000);
  const workflowIds = await Promise.all(due.map((at, i) => openPreaEmergency(`CL-${run}-T${i}`, at)));
  expect(Date.now()).toBeLessThan(killAt); // every deadline was armed before the crash

  await sleep(killAt - Date.now());
  const pid = cluster.pidOf('temporal-server');
  await cluster.control('stop', 'temporal-server', 'KILL');
  await eventually(() => (alive(pid) ? undefined : true), 'temporal-server to die', 10_000, 100);
  const downAt = Date.now();

  // Down until every deadline has passed.
  await sleep(Math.max(0, due[count - 1]! + 5_000 - Date.now()));
  expect(workflowIds.flatMap(alertsFor)).toHaveLength(0);
  const restartAt = Date.now();
  await cluster.control('start', 'temporal-server');
  await eventually(
    () => (cluster.pidOf('temporal-server') !== pid ? true : undefined),
    'a new temporal-server',
    10_000,
  );

  await eventually(
    () => (workflowIds.every((id) => alertsFor(id).length > 0) ? true : undefined),
    'every alert after the restart',
    180_000,
  );
  timings.serverRecoveryS =
    (Math.max(...workflowIds.map((id) => alertsFor(id)[0]!.receivedAt.getTime())) - restartAt) / 1000;
  // A retried send would arrive within the activity's one-minute attempt timeout: wait that out.
  await sleep(5_000);
  workflowIds.forEach((id, i) => {
    const alerts = alertsFor(id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(due[i]!);
    expect(alerts[0]!.receivedAt.getTime()).toBeGreaterThanOrEqual(downAt);
  });
}, 600_000);

test(`one of two workers killed with SIGKILL in a burst of ${BURST} alerts: none missing, none early, none sent twice but from the crash window`, async () => {
  const openingStarted = Date.now();
  // Generous: on a loaded machine opening 200 cases has taken up to half a minute.
  const dueAt = openingStarted + 30_000 + BURST * 200;
  const caseNumbers = Array.from({ length: BURST }, (_, i) => `CL-${run}-B${i}`);
  const workflowIds: string[] = [];
  await runPool(caseNumbers, 8, async (caseNumber) => {
    workflowIds.push(await openPreaEmergency(caseNumber, dueAt));
  });
  timings.burstOpeningS = (Date.now() - openingStarted) / 1000;
  expect(Date.now()).toBeLessThan(dueAt - 2_000);

  await sleep(dueAt - Date.now());
  const received = () => workflowIds.filter((id) => alertsFor(id).length > 0).length;
  await eventually(
    () => (received() >= Math.max(1, Math.floor(BURST / 10)) ? true : undefined),
    'the burst to start',
    120_000,
    50,
  );
  const victim = cluster.pidOf('worker-1');
  await cluster.control('stop', 'worker-1', 'KILL');
  const killedAt = Date.now();
  const receivedAtKill = received();
  await eventually(() => (alive(victim) ? undefined : true), 'worker-1 to die', 10_000, 100);
  // The supervisor sends the signal after answering, so the kill lands somewhere in between.
  const deadAt = Date.now();
  expect(receivedAtKill).toBeLessThan(BURST); // killed mid-burst, not after it

  await eventually(() => (received() === BURST ? true : undefined), `all ${BURST} alerts`, 300_000);
  timings.burstDrainS =
    (Math.max(...workflowIds.map((id) => alertsFor(id)[0]!.receivedAt.getTime())) - dueAt) / 1000;
  // An attempt the dead worker held is retried once its one-minute attempt timeout passes; any
  // duplicate would arrive by then.
  await sleep(Math.max(0, killedAt + 65_000 - Date.now()));
  // SMTP has no exactly-once: a worker killed after the relay's 250 and before its sent ledger recorded
  // it cannot know the message went, so the retry sends it again, with the same Message-ID (mail
  // clients show one). That window is all a kill may cost: a copy is allowed only for a first copy
  // accepted in the second before the kill (between asking for it and seeing the process gone), and
  // never a third. Anything else is a real duplicate.
  const CRASH_WINDOW_MS = 1_000;
  const copies = workflowIds.filter((id) => alertsFor(id).length > 1);
  const outsideWindow = copies
    .filter((id) => {
      const [first, ...rest] = alertsFor(id).map((m) => m.receivedAt.getTime());
      return rest.length > 1 || first! < killedAt - CRASH_WINDOW_MS || first! > deadAt;
    })
    .map(
      (id) =>
        `${id}: ${alertsFor(id)
          .map((m) => `${m.receivedAt.getTime() - killedAt} ms`)
          .join(', ')}`,
    );
  const early = workflowIds.filter((id) => alertsFor(id).some((m) => m.receivedAt.getTime() < dueAt));
  expect({ missing: BURST - received(), duplicatedOutsideTheCrashWindow: outsideWindow, early }).toEqual({
    missing: 0,
    duplicatedOutsideTheCrashWindow: [],
    early: [],
  });
  process.stderr.write(
    `worker-1 killed with ${receivedAtKill} of ${BURST} alerts delivered; ${copies.length} sent again from the crash window\n`,
  );

  await cluster.control('start', 'worker-1');
  await eventually(
    () => (alive(cluster.pidOf('worker-1')) && cluster.pidOf('worker-1') !== victim ? true : undefined),
    'worker-1 again',
    20_000,
  );
}, 900_000);

test('cases survive a restart of every process', async () => {
  const { dataDir, ports } = cluster;
  await cluster.stop();
  const restarted = await startCluster({ dataDir, ports, smtp: { host: smtp.host, port: smtp.port } });
  cluster = restarted;
  timings.restartS = restarted.startupSeconds;
  expect(restarted.output()).toContain('starting PostgreSQL');
  // One initialisation in the whole output: the second start found the database it left.
  expect(restarted.output().match(/initialising PostgreSQL/g)).toHaveLength(1);
  const response = await restarted.api<{ caseNumber: string } & CaseBody>(
    'GET',
    `/cases/grievance/${firstCase.caseNumber}`,
    tokens().cms,
  );
  expect(response.status).toBe(200);
  expect(response.body.schedule.deadlines.find((d) => d.key === 'rts.response')?.localText).toBe(
    firstCase.nextDue,
  );
  expect(
    await restarted.sql(
      'temporal',
      `SELECT count(*) FROM current_executions WHERE workflow_id LIKE 'grievance-CL-${run}-%'`,
    ),
  ).toBe(String(1 + 5 + BURST));
}, 900_000);
