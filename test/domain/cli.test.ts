// The real `docket` executable (bin/docket.js → tsx → client/cli.ts), spawned as a user would run it.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'bin', 'docket.js');

function docket(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('docket CLI', () => {
  test('calendar holidays: one ISO date per line, sorted', () => {
    const { status, stdout, stderr } = docket('calendar', 'holidays', 'us-ok-state', '2027');
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toBe(
      [
        '2027-01-01',
        '2027-01-18',
        '2027-02-15',
        '2027-05-31',
        '2027-07-05',
        '2027-09-06',
        '2027-11-11',
        '2027-11-25',
        '2027-11-26',
        '2027-12-23',
        '2027-12-24',
        '2027-12-31',
        '',
      ].join('\n'),
    );
  });

  test('calendar due: an instant with the local offset; --roll-forward moves it off a holiday', () => {
    expect(docket('calendar', 'due', 'us-ok-state', '2026-11-20', '10', 'workingDays').stdout).toBe(
      '2026-12-08T23:59:59.999-06:00\n',
    );
    expect(
      docket(
        'calendar',
        'due',
        'us-ok-state',
        '2026-12-10T16:00:00-06:00',
        '15',
        'calendarDays',
        '--roll-forward',
      ).stdout,
    ).toBe('2026-12-28T23:59:59.999-06:00\n');
    expect(docket('calendar', 'due', 'us-ok-state', '2026-10-31T18:00:00-05:00', '24', 'hours').stdout).toBe(
      '2026-11-01T17:00:00.000-06:00\n',
    );
  });

  test('preview: the whole schedule as JSON from computeSchedule', () => {
    const { status, stdout } = docket(
      'preview',
      'ok-doc-grievance',
      '--event',
      'incident=2026-11-18T14:00:00-06:00',
      '--event',
      'rts.submitted=2026-11-20T09:00:00-06:00',
      '--fact',
      'category=general',
      '--setting',
      'grievance.response=10 workingDays',
    );
    expect(status).toBe(0);
    const schedule = JSON.parse(stdout) as {
      entries: {
        key: string;
        dueAt?: string;
        responsibleRole: string;
        sourceText: string;
        explanation: { summary: string };
      }[];
    };
    const response = schedule.entries.find((e) => e.key === 'rts.response');
    expect(response).toMatchObject({
      dueAt: '2026-12-08T23:59:59.999-06:00',
      responsibleRole: 'rts.responder',
    });
    expect(response?.sourceText).toContain('§III.E.10.b');
    expect(response?.explanation.summary).toContain('Thanksgiving');
  });

  test("preview of a contract violation: the suspension's term, the earliest resumption and the agency's choices", () => {
    const { status, stdout } = docket(
      'preview',
      'nc-doc-contract',
      '--event',
      'violation.confirmed=2027-01-05T10:00:00-05:00',
      '--fact',
      'heading=c',
      '--fact',
      'rung=2',
      '--setting',
      'count-window-edge=exclusive',
    );
    expect(status).toBe(0);
    const schedule = JSON.parse(stdout) as {
      entries: { key: string; dueAt?: string; earliest?: string; sourceText: string }[];
      settings: { key: string; value: unknown; isDefault: boolean }[];
    };
    expect(schedule.entries.map((e) => [e.key, e.dueAt ?? e.earliest])).toEqual([
      ['suspension.term', '2027-07-05T23:59:59.999-04:00'],
      ['resumption.earliest', '2027-07-06T00:00:00.000-04:00'],
      ['count.window', '2028-01-04T23:59:59.999-05:00'],
    ]);
    expect(schedule.entries[0]?.sourceText).toBe(
      'Policy D.0700 §D.0705(c)(2) (seed 004_1d446f472ab24b53.txt)',
    );
    expect(schedule.settings.find((x) => x.key === 'count-window-edge')).toEqual({
      key: 'count-window-edge',
      value: 'exclusive',
      isDefault: false,
      description: expect.stringMatching(/agency setting$/),
    });
    const refused = docket(
      'preview',
      'nc-doc-contract',
      '--fact',
      'heading=c',
      '--fact',
      'rung=1',
      '--setting',
      'osha-survey=maybe',
    );
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(
      /settings\.osha-survey: 'maybe' is not one of not-required, required \[INVALID_SETTING\]/,
    );
  });

  test.each([
    [['calendar', 'holidays', 'us-tx-state', '2027'], /unknown calendar 'us-tx-state'/],
    [['calendar', 'holidays', 'us-ok-state', '27'], /not a four-digit year/],
    [['calendar', 'due', 'us-ok-state', '2026-02-30', '3', 'calendarDays'], /not a real date/],
    [['calendar', 'due', 'us-ok-state', '2026-11-20', '-3', 'calendarDays'], /-3 is negative/],
    [['calendar', 'due', 'us-ok-state', '2026-11-20', '3', 'weeks'], /unit: 'weeks'/],
    [['preview', 'ok-doc-parole'], /unknown policy 'ok-doc-parole'/],
    [
      [
        'preview',
        'ok-doc-grievance',
        '--event',
        'rts.submitted=2026-11-20T09:00:00-06:00',
        '--event',
        'rts.responded=2026-11-19T09:00:00-06:00',
      ],
      /'rts.responded' .* is before 'rts.submitted'/,
    ],
    [['preview', 'ok-doc-grievance', '--event', 'incident=yesterday'], /not an ISO-8601 instant/],
    [['calendar', 'holidays', 'us-ok-state'], /missing required argument 'year'/],
  ])('bad input %j → non-zero exit and one line naming the problem', (args, pattern) => {
    const { status, stdout, stderr } = docket(...args);
    expect(status).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(pattern);
  });
});
