// `docket codec new-key` prints a key the keyring accepts, and refuses a bad key ID in one line.
import { spawnSync } from 'node:child_process';
import { loadKeyring } from '../../infra/keys';
import { DOCKET_BIN } from '../helpers/cli';

const docket = (...args: string[]) =>
  spawnSync(process.execPath, [DOCKET_BIN, ...args], {
    encoding: 'utf8',
  });

test('new-key prints id:base64 that loads as a keyring, with the rotation hint', () => {
  const run = docket('codec', 'new-key', 'k2027-a');
  expect(run.status).toBe(0);
  const [entry, hint] = run.stdout.trim().split('\n');
  expect(entry).toMatch(/^k2027-a:[A-Za-z0-9+/]{43}=$/);
  expect(hint).toMatch(/DOCKET_CODEC_CURRENT_KEY_ID=k2027-a/);
  expect(loadKeyring({ DOCKET_CODEC_KEYS: entry }).currentKeyId).toBe('k2027-a');
});

test('a bad key ID is one line on stderr and exit code 2', () => {
  const run = docket('codec', 'new-key', 'bad id!');
  expect(run.status).toBe(2);
  expect(run.stderr.trim()).toMatch(/^docket: invalid key ID "bad id!": .* \[INVALID_INPUT\]$/);
});
