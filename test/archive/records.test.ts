// The records archive end to end on the official dev server: a grievance, a Title IX case and a
// probation record are closed through the real API client and worker, their workflows are deleted
// from Temporal with the pinned CLI (`temporal workflow delete`, what the namespace's retention does
// later), and each record is read back from the archive through the real HTTP API and the real
// `docket` CLI, field for field equal to what the live case showed when it closed. The archive file
// holds none of the test's names; disposal is refused before the retention date and under a legal
// hold, and once both are out of the way it removes the record and says so.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/common';
import { CaseArchive } from '../../activities/archive';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from '../../activities/archive-sqlite';
import type { CaseType } from '../../client/case-types';
import type { CaseRecord } from '../../client/cases';
import type { CaseView } from '../../workflows/case-messages';
import { generateKey, Keyring } from '../../infra/keys';
import { DAY, HOUR, iso, newCaseNumber, startApiTestbed, type ApiTestbed } from '../api/support';
import { deleteWorkflow } from '../helpers/temporal';

const REPO_ROOT = path.join(__dirname, '..', '..');
const codecKey = generateKey();
const keyring = Keyring.fromSpec({ current: 'api-test', keys: { 'api-test': codecKey } });
const dataDir = mkdtempSync(path.join(tmpdir(), 'docket-records-e2e-'));
const archiveFile = path.join(dataDir, SQLITE_ARCHIVE_FILE);

// Every personal detail the cases carry: parties' names and addresses, a name in an extension's
// reason, in a note of service and in a legal hold's reason.
const COMPLAINANT = { id: 'P-0001', name: 'Avery Quinlan', email: 'avery.quinlan@home.example.net' };
const RESPONDENT = { id: 'P-0002', name: 'Jordan Pemberton', email: 'j.pemberton@home.example.net' };
const EXTENSION_REASON = 'inmate in the infirmary under Dr. Philippa Okonkwo during the filing period';
const SERVICE_NOTE = 'handed over in the presence of Sgt. Bartholomew Ashdown';
const HOLD_REASON = 'subpoena in Quinlan v. Correctional School District';
const NAMES = [
  'Avery Quinlan',
  'avery.quinlan',
  'Quinlan',
  'Jordan Pemberton',
  'Pemberton',
  'j.pemberton',
  'Okonkwo',
  'Ashdown',
  'Bartholomew',
];

let bed: ApiTestbed;
beforeAll(async () => {
  // Grievance records are an agency setting: this agency disposes of them as soon as they close, so
  // the test can see a disposal happen. Title IX keeps its seven-year minimum.
  const archive = new CaseArchive(openSqliteArchiveStore(archiveFile), keyring, {
    messageIdDomain: 'docket.example.org',
    retention: { 'ok-doc-grievance': 'P0D' },
  });
  bed = await startApiTestbed({ codecKey, archive });
}, 180_000);
afterAll(async () => {
  await bed?.teardown();
});

function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The real `docket` CLI with this deployment's data directory and payload key. */
const docket = (...args: string[]) =>
  run(process.execPath, [path.join(REPO_ROOT, 'bin', 'docket.js'), ...args], {
    TEMPORAL_ADDRESS: bed.env.address,
    DOCKET_TASK_QUEUE: bed.taskQueue,
    DOCKET_DATA_DIR: dataDir,
    DOCKET_CODEC_KEYS: `api-test:${codecKey}`,
  });

/** What the live case showed once it closed: the view, and the timeline read from its (closed) workflow. */
async function closedLive(caseType: CaseType, caseNumber: string, closing: CaseView): Promise<CaseRecord> {
  expect(closing.closed).toBe(true);
  const handle = bed.docket.handle(caseType, caseNumber);
  await handle.result();
  const live = await bed.docket.getCase(caseType, caseNumber);
  expect(live.source).toBe('live');
  expect(live.schedule).toEqual(closing);
  return live;
}

/** Deletes the workflow as the namespace's retention eventually does, with the pinned Temporal CLI. */
async function deleteFromTemporal(caseType: CaseType, caseNumber: string): Promise<void> {
  const workflowId = bed.docket.handle(caseType, caseNumber).workflowId;
  const deleted = deleteWorkflow(bed.env.address, workflowId);
  expect(deleted.status).toBe(0);
  // Deletion is asynchronous: the dev server removes a closed workflow some 30 seconds later.
  const giveUpAt = Date.now() + 120_000;
  for (;;) {
    const gone = await bed.docket
      .handle(caseType, caseNumber)
      .describe()
      .then(
        () => false,
        (err: unknown) => {
          if (err instanceof WorkflowNotFoundError) return true;
          throw err;
        },
      );
    if (gone) return;
    if (Date.now() > giveUpAt)
      throw new Error(`${workflowId} was not deleted: ${deleted.stdout} ${deleted.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Reads the case back through the API and the CLI once Temporal no longer has it. */
async function expectReadFromArchive(
  caseType: CaseType,
  caseNumber: string,
  live: CaseRecord,
): Promise<void> {
  const api = await bed.call<CaseRecord>('GET', `/cases/${caseType}/${caseNumber}`, { as: 'caseSystem' });
  expect(api.status).toBe(200);
  expect(api.body.source).toBe('archive');
  expect(api.body.schedule).toEqual(JSON.parse(JSON.stringify(live.schedule)));
  expect(api.body.timeline).toEqual(JSON.parse(JSON.stringify(live.timeline)));
  expect(api.body.archive).toMatchObject({ closedAt: expect.any(String), legalHold: false, runs: 1 });

  const shown = await docket('cases', 'show', caseType, caseNumber, '--json');
  expect(shown.status).toBe(0);
  const cli = JSON.parse(shown.stdout) as CaseRecord;
  expect(cli.source).toBe('archive');
  expect(cli.schedule).toEqual(api.body.schedule);
  expect(cli.timeline).toEqual(api.body.timeline);
}

const now = Date.now();
const grievanceNumber = newCaseNumber('GRV');
const titleIxNumber = newCaseNumber('T9');
const employeeId = newCaseNumber('EMP');

test('a grievance, a Title IX case and a probation record read back from the archive after Temporal deleted them', async () => {
  const d = bed.docket;

  // A grievance through the informal step, an extension of the filing window, the decision and its service.
  await d.openCase('grievance', {
    caseNumber: grievanceNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: iso(now - 3 * DAY),
    involvedStaffIds: ['S-0666'],
  });
  await d.recordEvent('grievance', grievanceNumber, 'rts-submitted', {
    at: iso(now - 2 * DAY),
    by: 'S-0100',
  });
  const responded = await d.recordEvent('grievance', grievanceNumber, 'rts-responded', {
    at: iso(now - DAY),
    by: 'S-0101',
  });
  const filingDue = responded.deadlines.find((x) => x.key === 'grievance.filing')?.dueAt as string;
  await d.extend('grievance', grievanceNumber, {
    key: 'grievance.filing',
    dueAt: iso(Date.parse(filingDue) + 2 * DAY),
    reason: EXTENSION_REASON,
    approverRole: 'reviewing-authority',
    approvedBy: 'S-0200',
    at: iso(now - 20 * HOUR),
  });
  await d.recordEvent('grievance', grievanceNumber, 'grievance-filed', {
    at: iso(now - 10 * HOUR),
    by: 'S-0102',
  });
  await d.recordEvent('grievance', grievanceNumber, 'decision-issued', {
    at: iso(now - 5 * HOUR),
    by: 'S-0300',
    outcome: 'denied',
  });
  const grievanceClosed = await d.recordEvent('grievance', grievanceNumber, 'service-recorded', {
    task: 'grievance.decision/service/1',
    servedBy: 'S-0400',
    at: iso(now - HOUR),
    method: 'in-person',
    note: SERVICE_NOTE,
  });

  // A Title IX report closed without a formal complaint once the coordinator contacted the complainant.
  await d.openCase('title-ix', {
    caseNumber: titleIxNumber,
    reportReceivedAt: iso(now - 2 * DAY),
    coordinatorId: 'S-T9C',
    parties: [
      { ...COMPLAINANT, role: 'complainant' },
      { ...RESPONDENT, role: 'respondent' },
    ],
  });
  await d.recordEvent('title-ix', titleIxNumber, 'complainant-contacted', {
    at: iso(now - DAY),
    by: 'S-T9C',
  });
  const titleIxClosed = await d.recordEvent('title-ix', titleIxNumber, 'report-closed', {
    at: iso(now - HOUR),
    by: 'S-T9C',
  });

  // A probation record: a hire, then the employee resigns.
  await d.openCase('probation', { employeeId, facility: 'ADC-HQ' });
  await d.recordEvent('probation', employeeId, 'action-recorded', {
    action: 'initial-hire',
    by: 'S-HR1',
    hiredAt: iso(now - 10 * DAY),
  });
  const probationClosed = await d.recordEvent('probation', employeeId, 'separated', {
    at: iso(now - HOUR),
    by: 'S-HR1',
    reason: 'resigned',
  });

  const cases: [CaseType, string, CaseView][] = [
    ['grievance', grievanceNumber, grievanceClosed],
    ['title-ix', titleIxNumber, titleIxClosed],
    ['probation', employeeId, probationClosed],
  ];
  const live = new Map<string, CaseRecord>();
  for (const [type, number, closing] of cases) live.set(number, await closedLive(type, number, closing));
  await Promise.all(cases.map(([type, number]) => deleteFromTemporal(type, number)));
  for (const [type, number] of cases)
    await expectReadFromArchive(type, number, live.get(number) as CaseRecord);

  // The record holds more than the view: outcomes, extensions, notices with their Message-IDs, proofs.
  const reader = new CaseArchive(openSqliteArchiveStore(archiveFile), keyring);
  const grievance = await reader.read({ caseType: 'grievance', caseNumber: grievanceNumber });
  const record = grievance?.record;
  expect(record?.snapshot.policyId).toBe('ok-doc-grievance');
  expect(record?.policyVersion).toBe(grievanceClosed.policyVersion);
  expect(record?.deadlines.find((x) => x.key === 'rts.response')).toMatchObject({
    outcome: 'met-on-time',
    rule: expect.any(String),
    source: expect.stringMatching(/OP-090124 §III\.E\.10\.b/),
    explanation: expect.any(String),
  });
  expect(record?.deadlines.find((x) => x.key === 'grievance.filing')).toMatchObject({
    outcome: 'met-on-time',
    extended: true,
    extensions: [expect.objectContaining({ approvedBy: 'S-0200', reason: EXTENSION_REASON })],
  });
  expect(record?.snapshot.extensions).toEqual([
    expect.objectContaining({
      key: 'grievance.filing',
      approverRole: 'reviewing-authority',
      reason: EXTENSION_REASON,
    }),
  ]);
  expect(record?.serviceProofs.find((t) => t.task === 'grievance.decision/service/1')?.proof).toMatchObject({
    servedBy: 'S-0400',
    method: 'in-person',
    note: SERVICE_NOTE,
  });
  expect(record?.snapshot.timeline.find((e) => e.type === 'decision.issued')).toMatchObject({
    actor: 'S-0300',
    at: iso(now - 5 * HOUR),
  });
  // Each notice's Message-ID is the one the mail went out under.
  const notices = record?.notices ?? [];
  expect(notices.length).toBeGreaterThanOrEqual(2);
  const sentIds = new Set(bed.smtp.messages.map((m) => m.messageId));
  for (const notice of notices) {
    expect(notice).toMatchObject({ kind: 'service-task', status: 'sent', role: expect.any(String) });
    expect(sentIds.has(notice.messageId)).toBe(true);
  }
  expect(record?.retention).toMatchObject({ period: 'P0D', agencySetting: true, configured: true });

  const titleIx = (await reader.read({ caseType: 'title-ix', caseNumber: titleIxNumber }))?.record;
  expect(titleIx?.snapshot.details).toMatchObject({
    parties: [
      { id: 'P-0001', role: 'complainant' },
      { id: 'P-0002', role: 'respondent' },
    ],
  });
  const retainUntil = titleIx?.retention?.until as string;
  expect(titleIx?.retention?.source).toMatch(/ACSD Policy 3\.26 \/ 8\.20 §Records/);
  expect(Date.parse(retainUntil)).toBeGreaterThanOrEqual(Date.parse(iso(now - HOUR)) + 7 * 365 * DAY);
  const probation = (await reader.read({ caseType: 'probation', caseNumber: employeeId }))?.record;
  expect(probation?.retention).toMatchObject({ period: 'P7Y', agencySetting: true, configured: false });
  expect(probation?.retention?.source).toMatch(/agency setting records\.retention \(default\)/);

  // The raw file: case numbers in clear (they are opaque), no name, address, reason or note.
  const raw = readFileSync(archiveFile).toString('latin1');
  expect(raw).toContain(grievanceNumber);
  for (const secret of [...NAMES, EXTENSION_REASON, SERVICE_NOTE]) expect(raw).not.toContain(secret);
}, 240_000);

test('disposal is refused before the retention date and under a legal hold; afterwards it removes the record and reports it', async () => {
  const future = await docket('records', 'dispose', '--before', '2099-01-01');
  expect(future.status).toBe(2);
  expect(future.stderr).toMatch(/in the future.*\[RETENTION_NOT_REACHED\]/);

  const early = await docket('records', 'dispose', '--before', iso(Date.now()), '--case', titleIxNumber);
  expect(early.status).toBe(2);
  expect(early.stderr).toMatch(
    new RegExp(
      `title-ix ${titleIxNumber} is kept until 20\\d\\d-.*§Records.*disposal before then is refused \\[RETENTION_NOT_REACHED\\]`,
    ),
  );

  const held = await docket('records', 'hold', grievanceNumber, '--reason', HOLD_REASON);
  expect(held.status).toBe(0);
  expect(held.stdout).toContain(`held: grievance ${grievanceNumber}`);
  expect(readFileSync(archiveFile).toString('latin1')).not.toContain('Quinlan v.');

  const underHold = await docket(
    'records',
    'dispose',
    '--before',
    iso(Date.now()),
    '--case',
    grievanceNumber,
  );
  expect(underHold.status).toBe(2);
  expect(underHold.stderr).toMatch(/under a legal hold since .*\[LEGAL_HOLD\]/);
  const sweepHeld = await docket('records', 'dispose', '--before', iso(Date.now()));
  expect(sweepHeld.status).toBe(0);
  expect(sweepHeld.stdout.trim()).toMatch(
    new RegExp(`^kept under legal hold: grievance ${grievanceNumber} `),
  );
  expect((await docket('records', 'list')).stdout).toContain(grievanceNumber);

  // A piece of the grievance's ciphertext as stored, to look for in the file after disposal.
  const store = openSqliteArchiveStore(archiveFile);
  const [stored] = await store.runsOf({ caseType: 'grievance', caseNumber: grievanceNumber });
  const ciphertext = Buffer.from(stored?.payload.subarray(100, 132) ?? []);
  expect(ciphertext.length).toBe(32);
  expect(readFileSync(archiveFile).includes(ciphertext)).toBe(true);

  expect((await docket('records', 'release', grievanceNumber)).status).toBe(0);
  const disposed = await docket('records', 'dispose', '--before', iso(Date.now()));
  expect(disposed.status).toBe(0);
  expect(disposed.stdout.trim()).toMatch(
    new RegExp(`^disposed: grievance ${grievanceNumber} \\(closed .*\\)$`),
  );

  const listed = (await docket('records', 'list')).stdout;
  expect(listed).not.toContain(grievanceNumber);
  expect(listed).toContain(titleIxNumber);
  expect(listed).toContain(employeeId);
  const gone = await bed.call('GET', `/cases/grievance/${grievanceNumber}`, { as: 'caseSystem' });
  expect(gone.status).toBe(404);
  // Gone from the file, not just unlinked: the disposed record's bytes are overwritten.
  expect(await store.runsOf({ caseType: 'grievance', caseNumber: grievanceNumber })).toEqual([]);
  expect(readFileSync(archiveFile).includes(ciphertext)).toBe(false);
}, 120_000);
