// The staff directory: the shipped sample, strict validation with messages an administrator can
// act on, escalation chains, and reloading on change so staffing edits reach pending notices.
import { writeFile } from 'node:fs/promises';
import {
  DirectoryConfigError,
  loadDirectory,
  parseDirectory,
  UnknownRecipientError,
  watchDirectoryFile,
} from '../../activities/directory';
import { captureLogs, editFile, SAMPLE_DIRECTORY, tempDirectory } from './support/fixtures';

const ALL_ROLES = [
  'rts.responder',
  'reviewing-authority',
  'health-services-administrator',
  'facility-head',
  'shift-supervisor',
  'disciplinary-officer',
  'staff-representative',
  'investigator',
  'title-ix-coordinator',
  'decision-maker',
  'appeal-decision-maker',
  'supervisor',
  'hr',
  'deputy-director',
  'director',
  'administrator',
];

function expectConfigError(fn: () => unknown, ...fragments: string[]): DirectoryConfigError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DirectoryConfigError);
  const error = caught as DirectoryConfigError;
  for (const fragment of fragments) expect(error.message).toContain(fragment);
  return error;
}

const minimal = (roles: string): string => `version: 1
facilities:
  LARC:
    name: Test facility
    roles:
${roles}`;

describe('the sample directory (config/directory.yaml)', () => {
  test('has LARC, ACSD and ADC-HQ with every role, each chain ending at the director', async () => {
    const directory = await loadDirectory(SAMPLE_DIRECTORY);
    expect(directory.facilityCodes().sort()).toEqual([
      'ACSD',
      'ADC-HQ',
      'LARC',
      'NC-PWF',
      'OMES-PWP',
      'WDOC',
    ]);
    expect(directory.facilityName('LARC')).toBe('Lexington Assessment & Reception Center');
    expect(directory.facilityName('ACSD')).toBe('Arkansas Correctional School District');
    for (const facility of ['ACSD', 'ADC-HQ', 'LARC']) {
      for (const role of ALL_ROLES) {
        const recipients = directory.resolve(facility, role);
        expect(recipients.length).toBeGreaterThan(0);
        for (const r of recipients) expect(r.email).toMatch(/@[a-z-]+\.example\.org$/);
        const chain = directory.escalationChain(facility, role);
        expect(role === 'director' ? chain : chain.at(-1)).toEqual(role === 'director' ? [] : 'director');
      }
    }
  });

  test("NC-PWF has D.0705's deciding authorities, each chain ending at the Director of Prisons", async () => {
    const directory = await loadDirectory(SAMPLE_DIRECTORY);
    expect(directory.escalationChain('NC-PWF', 'facility-head')).toEqual([
      'region-director',
      'assistant-director',
      'director',
    ]);
    for (const role of ['safety-officer', 'cwp-coordinator', 'receiving-officer', 'enterprises-supervisor']) {
      expect(directory.resolve('NC-PWF', role)[0]?.email).toMatch(/@nc-pwf\.example\.org$/);
      expect(directory.escalationChain('NC-PWF', role).at(-1)).toBe('director');
    }
  });

  test('the conduct-report facilities have the roles their policies name, each chain ending at the director', async () => {
    const directory = await loadDirectory(SAMPLE_DIRECTORY);
    const roles: Record<string, string[]> = {
      'OMES-PWP': ['supervisor', 'hr', 'administrator'],
      WDOC: ['warden', 'hr', 'supervisor', 'administrator'],
    };
    for (const [facility, names] of Object.entries(roles)) {
      for (const role of names) {
        expect(directory.resolve(facility, role).length).toBeGreaterThan(0);
        expect(directory.escalationChain(facility, role).at(-1)).toBe('director');
      }
    }
    expect(directory.escalationChain('LARC', 'unit-manager')).toEqual([
      'facility-head',
      'deputy-director',
      'director',
    ]);
  });

  test('resolves a role to its recipients and walks the escalation chain upward', async () => {
    const directory = await loadDirectory(SAMPLE_DIRECTORY);
    expect(directory.resolve('LARC', 'rts.responder').map((r) => r.email)).toEqual([
      'rts.responder@larc.example.org',
      'rts.responder.backup@larc.example.org',
    ]);
    expect(directory.escalationChain('LARC', 'rts.responder')).toEqual([
      'reviewing-authority',
      'facility-head',
      'deputy-director',
      'director',
    ]);
    expect(directory.escalationChain('ACSD', 'investigator')).toEqual([
      'title-ix-coordinator',
      'administrator',
      'deputy-director',
      'director',
    ]);
    expect(directory.escalationChain('ADC-HQ', 'supervisor')).toEqual(['hr', 'deputy-director', 'director']);
  });

  test('an unknown facility or role is an error naming it, never an empty list', async () => {
    const directory = await loadDirectory(SAMPLE_DIRECTORY);
    expect(() => directory.resolve('XYZ', 'rts.responder')).toThrow(UnknownRecipientError);
    expect(() => directory.resolve('XYZ', 'rts.responder')).toThrow(/facility "XYZ"/);
    expect(() => directory.resolve('LARC', 'chaplain')).toThrow(
      /role "chaplain" is not defined for facility LARC/,
    );
    expect(() => directory.escalationChain('LARC', 'chaplain')).toThrow(UnknownRecipientError);
    // Inherited object keys are not roles.
    expect(() => directory.resolve('LARC', 'constructor')).toThrow(UnknownRecipientError);
    expect(directory.hasRole('LARC', 'toString')).toBe(false);
  });
});

describe('validation errors name the file and the field', () => {
  test('a bad address', () => {
    const error = expectConfigError(
      () =>
        parseDirectory(
          minimal(`      rts.responder:
        recipients:
          - id: S1
            email: not-an-address
`),
          'dir.yaml',
        ),
      'dir.yaml',
      'facilities.LARC.roles["rts.responder"].recipients[0].email: not a valid email address',
    );
    // The bad value itself is not echoed: these messages go to logs.
    expect(error.message).not.toContain('not-an-address');
  });

  test('a misspelt field, a role without recipients, a missing version', () => {
    expectConfigError(
      () =>
        parseDirectory(
          `facilities:
  LARC:
    name: Test
    roles:
      rts.responder:
        escalateTo: facility-head
        recipients: []
`,
          'dir.yaml',
        ),
      'version: version must be 1',
      'facilities.LARC.roles["rts.responder"]: unknown field(s) "escalateTo"',
      'facilities.LARC.roles["rts.responder"].recipients: a role must have at least one recipient',
    );
  });

  test('escalatesTo naming a role the facility does not have', () => {
    expectConfigError(
      () =>
        parseDirectory(
          minimal(`      rts.responder:
        escalatesTo: warden
        recipients: [{ id: S1, email: a@x.example.org }]
`),
          'dir.yaml',
        ),
      'facilities.LARC.roles["rts.responder"].escalatesTo: escalatesTo "warden" is not a role of facility LARC',
    );
  });

  test('an escalation cycle is rejected at load', () => {
    expectConfigError(
      () =>
        parseDirectory(
          minimal(`      a:
        escalatesTo: b
        recipients: [{ id: S1, email: a@x.example.org }]
      b:
        escalatesTo: c
        recipients: [{ id: S2, email: b@x.example.org }]
      c:
        escalatesTo: a
        recipients: [{ id: S3, email: c@x.example.org }]
`),
          'dir.yaml',
        ),
      'escalation cycle: a → b → c → a',
    );
  });

  test('bad facility codes and role names', () => {
    expectConfigError(
      () => parseDirectory('version: 1\nfacilities:\n  larc:\n    name: Test\n    roles: {}\n', 'dir.yaml'),
      'facilities.larc: facility codes are upper-case',
    );
    expectConfigError(
      () =>
        parseDirectory(
          minimal(`      RTS Responder:
        recipients: [{ id: S1, email: a@x.example.org }]
`),
          'dir.yaml',
        ),
      'facilities.LARC.roles["RTS Responder"]: role names are lower-case',
    );
  });

  test('an inmate is never a directory role', () => {
    expectConfigError(
      () =>
        parseDirectory(
          minimal(`      inmate:
        recipients: [{ id: S1, email: a@x.example.org }]
`),
          'dir.yaml',
        ),
      'facilities.LARC.roles.inmate: inmates do not receive email',
    );
  });

  test('YAML syntax errors and duplicate keys name the file', () => {
    expectConfigError(
      () => parseDirectory('version: 1\nfacilities: [unclosed\n', 'broken.yaml'),
      'broken.yaml',
    );
    expectConfigError(
      () =>
        parseDirectory(
          minimal(`      rts.responder:
        recipients: [{ id: S1, email: a@x.example.org }]
      rts.responder:
        recipients: [{ id: S2, email: b@x.example.org }]
`),
          'dup.yaml',
        ),
      'dup.yaml',
      'unique',
    );
  });

  test('a missing file fails fast with its path', async () => {
    await expect(loadDirectory('/nonexistent/directory.yaml')).rejects.toThrow(
      /Invalid staff directory \/nonexistent\/directory\.yaml:\n {2}- cannot read the file/,
    );
  });
});

describe('reloading', () => {
  test('an edit to the YAML is picked up by the next current() call', async () => {
    const tmp = await tempDirectory();
    try {
      const source = await watchDirectoryFile(tmp.path);
      expect((await source.current()).resolve('LARC', 'rts.responder')[0]?.email).toBe(
        'rts.responder@larc.example.org',
      );
      await editFile(tmp.path, (text) =>
        text.replace('email: rts.responder@larc.example.org', 'email: new.responder@larc.example.org'),
      );
      expect((await source.current()).resolve('LARC', 'rts.responder')[0]?.email).toBe(
        'new.responder@larc.example.org',
      );
    } finally {
      await tmp.cleanup();
    }
  });

  test('a broken edit keeps the last valid directory and logs the error; fixing it applies', async () => {
    const tmp = await tempDirectory();
    const logs = captureLogs();
    try {
      const source = await watchDirectoryFile(tmp.path, logs.logger);
      const valid = await source.current();
      await writeFile(tmp.path, 'version: 1\nfacilities:\n  LARC: {}\n');
      expect(await source.current()).toBe(valid);
      expect(logs.text()).toContain('keeping the last valid directory');
      expect(logs.text()).toContain(tmp.path);
      await writeFile(
        tmp.path,
        minimal(`      rts.responder:
        recipients: [{ id: S9, email: only@larc.example.org }]
`),
      );
      expect((await source.current()).resolve('LARC', 'rts.responder')[0]?.id).toBe('S9');
    } finally {
      await tmp.cleanup();
    }
  });

  test('the first load of a broken file fails (the worker does not start)', async () => {
    const tmp = await tempDirectory();
    try {
      await writeFile(tmp.path, 'version: 2\nfacilities: {}\n');
      await expect(watchDirectoryFile(tmp.path)).rejects.toThrow(DirectoryConfigError);
    } finally {
      await tmp.cleanup();
    }
  });
});
