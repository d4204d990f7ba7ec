// `docket cases …` and `docket deadlines due` as an administrator runs them: the real CLI process
// against a real dev server and a real worker, with encrypted payloads.
import { startCliBed, type CliBed } from '../helpers/cli';
import { uniqueName } from '../helpers/temporal';

let bed: CliBed;

beforeAll(async () => {
  bed = await startCliBed('docket-cli');
}, 120_000);

afterAll(async () => {
  await bed?.teardown();
});

const docket = (...args: string[]) => bed.cli(...args);

test('open, record an event, show, list due deadlines; refusals are one line with the rule', async () => {
  const caseNumber = uniqueName('GRV-CLI').toUpperCase().slice(0, 30);
  const now = Date.now();
  const intake = JSON.stringify({
    caseNumber,
    facility: 'LARC',
    category: 'general',
    incidentAt: new Date(now - 86_400_000).toISOString(),
  });

  const opened = await docket('cases', 'open', 'grievance', intake);
  expect(opened.stderr).toContain('connecting to');
  expect(opened.status).toBe(0);
  expect(opened.stdout.trim()).toBe(`opened: grievance-${caseNumber}`);
  const again = await docket('cases', 'open', 'grievance', intake);
  expect(again.stdout.trim()).toBe(`already open (same intake): grievance-${caseNumber}`);

  const event = await docket(
    'cases',
    'event',
    'grievance',
    caseNumber,
    'rts-submitted',
    JSON.stringify({ at: new Date(now).toISOString(), by: 'S-0100' }),
  );
  expect(event.status).toBe(0);
  expect(event.stdout).toMatch(/stage informal/);
  expect(event.stdout).toMatch(
    /rts\.response\s+\d{4}-\d{2}-\d{2} 23:59 C[SD]T\s+pending\s+rts\.responder\s+OP-090124 §III\.E\.10\.b/,
  );

  const refused = await docket(
    'cases',
    'event',
    'grievance',
    caseNumber,
    'grievance-filed',
    JSON.stringify({ at: new Date(now).toISOString(), by: 'S-0100' }),
  );
  expect(refused.status).toBe(2);
  expect(refused.stderr.trim().split('\n').pop()).toMatch(
    /^docket: .*Request to Staff response first.*\[INFORMAL_RESOLUTION_REQUIRED\]$/,
  );

  const nothing = await docket('cases', 'ack', 'grievance', caseNumber, 'rts.response', '--by', 'S-0400');
  expect(nothing.status).toBe(2);
  expect(nothing.stderr).toMatch(/\[NOTHING_TO_ACKNOWLEDGE\]/);

  const shown = await docket('cases', 'show', 'grievance', caseNumber, '--json');
  const record = JSON.parse(shown.stdout) as {
    schedule: { stage: string };
    timeline: Array<{ type: string }>;
  };
  expect(record.schedule.stage).toBe('informal');
  expect(record.timeline.map((e) => e.type)).toContain('rts.submitted');

  // Visibility is eventually consistent: poll briefly.
  let listed = '';
  for (let attempt = 0; attempt < 20 && !listed.includes(caseNumber); attempt++) {
    const due = await docket(
      'deadlines',
      'due',
      '--facility',
      'LARC',
      '--case-type',
      'grievance',
      '--state',
      'on-track',
    );
    expect(due.status).toBe(0);
    listed = due.stdout;
    if (!listed.includes(caseNumber)) await new Promise((r) => setTimeout(r, 500));
  }
  expect(listed).toMatch(new RegExp(`^NEXT DEADLINE\\s+STATE\\s+CASE TYPE\\s+CASE`, 'm'));
  // The next deadline as the case's calendar (Oklahoma, America/Chicago) shows it, not in UTC.
  expect(listed).toMatch(
    new RegExp(
      `\\d{4}-\\d{2}-\\d{2} 23:59 C[SD]T\\s+on-track\\s+grievance\\s+${caseNumber}\\s+LARC\\s+informal`,
    ),
  );

  const bad = await docket('deadlines', 'due', '--state', 'late');
  expect(bad.status).toBe(2);
  expect(bad.stderr).toMatch(/unknown state 'late'/);
}, 120_000);

test('a conduct report from the CLI: open, start the investigation, show it; the preview of its policy', async () => {
  const caseNumber = uniqueName('CR-CLI').toUpperCase().slice(0, 30);
  const now = Date.now();
  const opened = await docket(
    'cases',
    'open',
    'conduct-report',
    JSON.stringify({
      kind: 'report',
      caseNumber,
      category: 'prohibited-activity',
      reporterId: 'S-6101',
      reportedTo: 'hr',
      person: { id: 'P-CLI1', status: 'in-custody', contactAt: new Date(now - 7_200_000).toISOString() },
      learnedAt: new Date(now - 3_600_000).toISOString(),
      reportedAt: new Date(now - 1_800_000).toISOString(),
    }),
  );
  expect(opened.status).toBe(0);
  expect(opened.stdout.trim()).toBe(`opened: conduct-report-${caseNumber}`);
  const event = await docket(
    'cases',
    'event',
    'conduct-report',
    caseNumber,
    'investigation-started',
    JSON.stringify({ at: new Date(now).toISOString(), by: 'S-6200' }),
  );
  expect(event.status).toBe(0);
  expect(event.stdout).toMatch(/stage investigating/);
  expect(event.stdout).toMatch(
    /investigation\.completion\s+\d{4}-\d{2}-\d{2} 23:59 C[SD]T\s+pending\s+hr\s+agency setting omes-pwp-conduct\.investigation-completion \(default\)/,
  );

  const preview = await docket(
    'preview',
    'wdoc-employee-contact',
    '-e',
    'notice.received=2027-03-01T09:00:00-07:00',
    '-s',
    'warden-review=5 workingDays',
  );
  expect(preview.status).toBe(0);
  const schedule = JSON.parse(preview.stdout) as { entries: Array<{ key: string; dueAt: string }> };
  expect(schedule.entries.find((e) => e.key === 'warden.review')?.dueAt).toBe(
    '2027-03-08T23:59:59.999-07:00',
  );
}, 120_000);
