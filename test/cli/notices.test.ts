// `docket notices undelivered` as an administrator runs it: the real CLI process against a real dev
// server and a real worker, with encrypted payloads. A notice the relay refused for good is listed,
// with the administrators' alert about it; bad input is one line and exit code 2.
import type { UndeliveredNotices } from '../../client/undelivered';
import { openDueAt } from '../faults/support';
import { startCliBed, type CliBed } from '../helpers/cli';

let bed: CliBed;

beforeAll(async () => {
  bed = await startCliBed('docket-cli-notices');
}, 120_000);

afterAll(async () => {
  await bed?.teardown();
});

const cli = (...args: string[]) => bed.cli(...args);

test('a notice refused for good is listed, with the administrators alerted; bad input exits 2', async () => {
  const caseNumber = 'GRV-CLI-UNDELIVERED-1';
  bed.smtp.replyNext(550);
  await openDueAt(bed.docket, caseNumber, Date.now() + 3_000);
  for (let i = 0; i < 120; i++) {
    const timeline = await bed.docket.timeline('grievance', caseNumber);
    if (timeline.some((e) => e.type === 'admin.alerted')) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  const json = await cli('notices', 'undelivered', '--json', '--case-type', 'grievance');
  expect(json.status).toBe(0);
  const listed = JSON.parse(json.stdout) as UndeliveredNotices;
  expect(listed.notices).toEqual([
    expect.objectContaining({
      caseNumber,
      state: 'failed',
      noticeKey: 'prea.emergency.initial-response/breach/1',
      lastFailure: { type: 'SMTP_PERMANENT', message: 'breach to reviewing-authority: SMTP_PERMANENT' },
      administrators: 'alerted',
    }),
  ]);
  expect(listed.casesScanned).toBe(1);

  const table = await cli('notices', 'undelivered');
  expect(table.status).toBe(0);
  expect(table.stdout.split('\n')[0]).toMatch(/^STATE\s+CASE TYPE\s+CASE\s+NOTICE\s+ATTEMPTS\s+LAST FAILURE/);
  expect(table.stdout).toMatch(
    new RegExp(
      `failed\\s+grievance\\s+${caseNumber}\\s+prea\\.emergency\\.initial-response/breach/1\\s+-\\s+SMTP_PERMANENT\\s+\\S+\\s+alerted`,
    ),
  );
  expect(table.stderr).toMatch(/1 undelivered notice\(s\) in 1 running case\(s\)/);

  const bad = await cli('notices', 'undelivered', '--limit', '0');
  expect(bad.status).toBe(2);
  expect(bad.stderr.trim()).toBe("docket: --limit '0' is not an integer from 1 to 5000 [INVALID_INPUT]");
  const unknown = await cli('notices', 'undelivered', '--case-type', 'parole');
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toMatch(/unknown case type 'parole'/);
}, 180_000);
