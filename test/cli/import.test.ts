// `docket cases import` as an administrator runs it: the real CLI process against a real dev server
// and a real worker. Refused lines land in a rejects file with their refusal and state; fixed there
// and imported again, every case ends open with all its events, and a re-run changes nothing. Then
// `docket cases record` prints an imported case's court-ready record to PDF.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startCliBed, type CliBed } from '../helpers/cli';

let bed: CliBed;
const dir = mkdtempSync(path.join(tmpdir(), 'docket-import-'));

beforeAll(async () => {
  bed = await startCliBed('docket-import');
}, 120_000);

afterAll(async () => {
  await bed?.teardown();
});

const docket = (...args: string[]) => bed.cli(...args);

const HOUR = 3_600_000;
const iso = (ms: number): string => new Date(ms).toISOString();
const caseNumber = (): string => `GRV-${randomBytes(5).toString('hex').toUpperCase()}`;
const intake = (number: string, now: number) => ({
  caseNumber: number,
  facility: 'LARC',
  category: 'general',
  incidentAt: iso(now - 72 * HOUR),
});
const submitted = (now: number) => ({ event: 'rts-submitted', at: iso(now - 48 * HOUR), by: 'S-0100' });
const responded = (now: number) => ({ event: 'rts-responded', at: iso(now - 24 * HOUR), by: 'S-0101' });
const filed = (now: number) => ({ event: 'grievance-filed', at: iso(now - HOUR), by: 'S-0100' });

async function timelineTypes(number: string): Promise<string[]> {
  return (await bed.docket.timeline('grievance', number)).map((e) => e.type);
}

interface Summary {
  summary: {
    imported: number;
    rejected: number;
    opened: number;
    resumed: number;
    eventsRecorded: number;
    eventsSkipped: number;
  };
  results: Array<{ line: number; status: string; created?: boolean; recorded: number; skipped: number }>;
}

test('JSON Lines: refused lines go to the rejects file with the refusal and state; fixed, they import; a re-run changes nothing', async () => {
  const now = Date.now();
  const [good, stuck, badIntake] = [caseNumber(), caseNumber(), caseNumber()];
  const file = path.join(dir, 'cases.jsonl');
  const lines = [
    {
      caseType: 'grievance',
      intake: intake(good, now),
      events: [submitted(now), responded(now), filed(now)],
    },
    // Filed before the Request to Staff was answered: the case refuses the second event.
    { caseType: 'grievance', intake: intake(stuck, now), events: [submitted(now), filed(now)] },
    {
      caseType: 'grievance',
      intake: { ...intake(badIntake, now), facility: 'larc' },
      events: [submitted(now)],
    },
    { caseType: 'parole', intake: {}, events: [] },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{not json\n');

  const first = await docket('cases', 'import', file, '--concurrency', '3', '--json');
  expect(first.status).toBe(2);
  expect(first.stderr).toMatch(
    /4 of 5 lines not imported \(refused, or not answered in time\): they are in .*cases\.rejects\.jsonl/,
  );
  const firstRun = JSON.parse(first.stdout) as Summary;
  expect(firstRun.summary).toMatchObject({ imported: 1, rejected: 4, opened: 2, eventsRecorded: 4 });
  expect(await timelineTypes(good)).toEqual(
    expect.arrayContaining(['rts.submitted', 'rts.responded', 'grievance.filed']),
  );

  const rejectsPath = path.join(dir, 'cases.rejects.jsonl');
  const rejects = readFileSync(rejectsPath, 'utf8')
    .trim()
    .split('\n')
    .map(
      (l) =>
        JSON.parse(l) as Record<string, unknown> & {
          rejected: { code: string; message: string; state: Record<string, unknown> };
        },
    );
  expect(rejects.map((r) => r.rejected.code)).toEqual([
    'INFORMAL_RESOLUTION_REQUIRED',
    'INVALID_INPUT',
    'UNKNOWN_CASE_TYPE',
    'INVALID_INPUT',
  ]);
  // The stuck case is open with the event before the refused one recorded, and nothing of the refused one.
  expect(rejects[0]?.rejected.state).toEqual({
    opened: true,
    recordedEvents: 1,
    refusedEvent: { index: 1, event: 'grievance-filed' },
    stage: 'informal',
  });
  expect(await timelineTypes(stuck)).not.toContain('grievance.filed');
  expect(rejects[1]?.rejected.message).toMatch(/facility/);
  expect(rejects[1]?.rejected.state).toEqual({ opened: false });
  expect(rejects[2]?.rejected.message).toMatch(/no case type 'parole'/);
  expect(rejects[3]).toMatchObject({
    unparsed: '{not json',
    rejected: { message: expect.stringMatching(/not JSON/) },
  });

  // The operator fixes the rejects file: the missing response goes in before the filing, the facility
  // is corrected, and the two lines that are not cases are dropped.
  const fixed = [
    { ...rejects[0], events: [submitted(now), responded(now), filed(now)] },
    { ...rejects[1], intake: intake(badIntake, now) },
  ];
  writeFileSync(rejectsPath, fixed.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const second = await docket('cases', 'import', rejectsPath, '--json');
  expect(second.stderr).not.toMatch(/not imported/);
  expect(second.status).toBe(0);
  const secondRun = JSON.parse(second.stdout) as Summary;
  expect(secondRun.results).toEqual([
    expect.objectContaining({ status: 'imported', created: false, skipped: 1, recorded: 2 }),
    expect.objectContaining({ status: 'imported', created: true, skipped: 0, recorded: 1 }),
  ]);
  for (const number of [good, stuck]) {
    expect(await timelineTypes(number)).toEqual(
      expect.arrayContaining(['rts.submitted', 'rts.responded', 'grievance.filed']),
    );
  }
  expect((await bed.docket.schedule('grievance', badIntake)).stage).toBe('informal');

  // A re-run of the fixed file opens nothing and records nothing twice.
  const again = await docket('cases', 'import', rejectsPath, '--json');
  expect(again.status).toBe(0);
  expect((JSON.parse(again.stdout) as Summary).summary).toMatchObject({
    imported: 2,
    opened: 0,
    resumed: 2,
    eventsRecorded: 0,
    eventsSkipped: 4,
  });
  expect((await timelineTypes(stuck)).filter((t) => t === 'rts.submitted')).toHaveLength(1);
}, 180_000);

test('CSV: intake and events as JSON cells; the rejects CSV carries the refusal columns and imports as it is once fixed', async () => {
  const now = Date.now();
  const [ok, stuck] = [caseNumber(), caseNumber()];
  const csvCell = (value: unknown) => `"${JSON.stringify(value).replace(/"/g, '""')}"`;
  const file = path.join(dir, 'cases.csv');
  writeFileSync(
    file,
    [
      'caseType,intake,events',
      `grievance,${csvCell(intake(ok, now))},${csvCell([submitted(now)])}`,
      `grievance,${csvCell(intake(stuck, now))},${csvCell([submitted(now), filed(now)])}`,
    ].join('\r\n') + '\r\n',
  );
  const first = await docket('cases', 'import', file, '--no-progress');
  expect(first.status).toBe(2);
  expect(first.stdout).toMatch(
    /imported 1 of 2 lines in [\d.]+ s \([\d.]+ lines\/s\): 2 cases opened, 0 already open; 2 events recorded/,
  );
  expect(first.stderr).toMatch(/line 2: .*Request to Staff response first.*\[INFORMAL_RESOLUTION_REQUIRED\]/);

  const rejectsPath = path.join(dir, 'cases.rejects.csv');
  const rejects = readFileSync(rejectsPath, 'utf8');
  const [header, row] = rejects.trim().split('\n');
  expect(header).toBe('caseType,intake,events,rejectedCode,rejectedMessage,rejectedState');
  expect(row).toContain(',INFORMAL_RESOLUTION_REQUIRED,');
  expect(row).toContain('""recordedEvents"":1');

  // Fixed in place (as a spreadsheet would): the response goes in before the filing.
  writeFileSync(
    rejectsPath,
    rejects.replace(
      JSON.stringify([submitted(now), filed(now)]).replace(/"/g, '""'),
      JSON.stringify([submitted(now), responded(now), filed(now)]).replace(/"/g, '""'),
    ),
  );
  const second = await docket('cases', 'import', rejectsPath, '--no-progress');
  expect(second.status).toBe(0);
  expect(second.stdout).toMatch(
    /imported 1 of 1 lines .*0 cases opened, 1 already open; 2 events recorded, 1 already recorded/,
  );
  expect(await timelineTypes(stuck)).toEqual(
    expect.arrayContaining(['rts.submitted', 'rts.responded', 'grievance.filed']),
  );
}, 180_000);

test('bad flags and files are one line with the field', async () => {
  const bad = await docket('cases', 'import', path.join(dir, 'cases.jsonl'), '--concurrency', '0');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/--concurrency '0' is not an integer from 1 to 256/);
  const csv = path.join(dir, 'headless.csv');
  writeFileSync(csv, 'type,intake\n');
  const headless = await docket('cases', 'import', csv);
  expect(headless.status).toBe(2);
  expect(headless.stderr).toMatch(/needs the columns caseType, intake, events \(missing: caseType, events\)/);
}, 60_000);

test('docket cases record: the PDF of an imported case, printed by the CLI with its own keys and config', async () => {
  const now = Date.now();
  const number = caseNumber();
  const file = path.join(dir, 'one.jsonl');
  writeFileSync(
    file,
    `${JSON.stringify({ caseType: 'grievance', intake: intake(number, now), events: [submitted(now), responded(now)] })}\n`,
  );
  expect((await docket('cases', 'import', file, '--no-progress')).status).toBe(0);
  const pdf = path.join(dir, `${number}.pdf`);
  const html = path.join(dir, `${number}.html`);
  const recorded = await docket('cases', 'record', 'grievance', number, '--pdf', pdf, '--html', html);
  expect(recorded.status).toBe(0);
  expect(recorded.stdout).toMatch(
    /^wrote .*\.pdf \(\d+ bytes\): \d+ events, \d+ deadlines, \d+ notices, 0 service tasks; from the live case/,
  );
  const text = execFileSync(process.env.DOCKET_PDFTOTEXT ?? 'pdftotext', ['-raw', pdf, '-'], {
    encoding: 'utf8',
  }).replace(/\s+/g, '');
  expect(text).toContain(`Caserecord:grievance${number}`);
  expect(text).toMatch(new RegExp(`${submitted(now).at.replace(/\./g, '\\.')}rts\\.submittedS-0100`));
  expect(text).toMatch(/Produced\d{4}-\S*?bydocketCLI\(/);
  expect(readFileSync(html, 'utf8')).not.toMatch(/<script/i);
  const missing = await docket('cases', 'record', 'grievance', caseNumber(), '--pdf', pdf);
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/no grievance with case number .* \[CASE_NOT_FOUND\]/);
}, 120_000);
