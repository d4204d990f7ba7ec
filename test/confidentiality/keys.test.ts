// Loading and validating the keyring: every bad input fails fast with a message that names the
// problem and the key ID, and never echoes key material.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { DefaultFailureConverter, defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec } from '../../infra/codec';
import {
  assertWorkflowBundleEncryptsFailures,
  createDataConverter,
  failureConverterPath,
  workflowBundleConverterOptions,
} from '../../infra/data-converter';
import { ENCRYPTING_FAILURE_CONVERTER_MARKER } from '../../infra/failure-converter';
import { generateKey, Keyring, KeyringError, loadKeyring, newKeyId, printNewKey } from '../../infra/keys';
import { findLeaks } from './support';

const keyA = generateKey();
const keyB = generateKey();

function keyringError(fn: () => unknown): KeyringError {
  try {
    fn();
  } catch (err) {
    if (err instanceof KeyringError) return err;
    throw new Error(`expected a KeyringError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a KeyringError, but nothing was thrown');
}

describe('Keyring.fromSpec', () => {
  test('accepts 32-byte base64 keys and exposes them by ID', () => {
    const keyring = Keyring.fromSpec({ current: 'k-b', keys: { 'k-a': keyA, 'k-b': keyB } });
    expect(keyring.currentKeyId).toBe('k-b');
    expect(keyring.currentKey.equals(Buffer.from(keyB, 'base64'))).toBe(true);
    expect(keyring.key('k-a')?.equals(Buffer.from(keyA, 'base64'))).toBe(true);
    expect(keyring.key('k-c')).toBeUndefined();
    expect(keyring.keyIds).toEqual(['k-a', 'k-b']);
  });

  test.each([
    ['a 16-byte key', Buffer.alloc(16, 7).toString('base64'), 'must decode to 32 bytes for AES-256, got 16'],
    ['a 33-byte key', Buffer.alloc(33, 7).toString('base64'), 'must decode to 32 bytes for AES-256, got 33'],
    ['text that is not base64', 'this is my very secret passphrase!!', 'is not standard base64'],
    ['a placeholder key', Buffer.alloc(32, 0).toString('base64'), 'is a placeholder'],
  ])('rejects %s, naming the key ID but not the material', (_what, material, reason) => {
    const error = keyringError(() =>
      Keyring.fromSpec({ current: 'k1', keys: { k1: material } }, 'test keyring'),
    );
    expect(error.code).toBe('CODEC_KEYS_INVALID');
    expect(error.message).toMatch(
      new RegExp(`^invalid test keyring: keys\\.k1: ${reason.replace(/[()]/g, '\\$&')}`),
    );
    expect(error.message).not.toContain(material);
  });

  test('rejects a current key that is not in the keyring', () => {
    const error = keyringError(() => Keyring.fromSpec({ current: 'k9', keys: { k1: keyA } }));
    expect(error.message).toBe(
      'invalid codec keyring: current: the current key "k9" is not among the keys (k1)',
    );
  });

  test('rejects key IDs that could not travel safely in metadata', () => {
    const error = keyringError(() => Keyring.fromSpec({ current: 'bad id', keys: { 'bad id': keyA } }));
    expect(error.message).toContain('a key ID is 1-64 characters of letters, digits');
  });

  test('never shows key material when logged or serialised', () => {
    const keyring = Keyring.fromSpec({ current: 'k1', keys: { k1: keyA } });
    expect(JSON.stringify({ keyring })).toBe('{"keyring":{"currentKeyId":"k1","keyIds":["k1"]}}');
    expect(inspect(keyring)).toBe('Keyring { current: k1, keys: [k1] }');
    expect(inspect({ keyring }, { depth: 5, showHidden: true })).not.toContain(keyA.slice(0, 20));
  });
});

describe('loadKeyring from the environment', () => {
  test('reads a single inline key, which becomes current', () => {
    const keyring = loadKeyring({ DOCKET_CODEC_KEYS: `k2025:${keyA}` });
    expect(keyring.toJSON()).toEqual({ currentKeyId: 'k2025', keyIds: ['k2025'] });
  });

  test('reads several inline keys with the current one named', () => {
    const keyring = loadKeyring({
      DOCKET_CODEC_KEYS: ` k2025:${keyA} , k2026:${keyB},`,
      DOCKET_CODEC_CURRENT_KEY_ID: 'k2026',
    });
    expect(keyring.toJSON()).toEqual({ currentKeyId: 'k2026', keyIds: ['k2025', 'k2026'] });
  });

  test('several inline keys without a current key ID is an error', () => {
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEYS: `k2025:${keyA},k2026:${keyB}` }));
    expect(error.message).toBe(
      'invalid DOCKET_CODEC_KEYS: several keys (k2025, k2026) but DOCKET_CODEC_CURRENT_KEY_ID does not say which encrypts new payloads',
    );
  });

  test('an entry without an ID is refused without quoting it (it may be a bare key)', () => {
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEYS: `k2025:${keyA},${keyB}` }));
    expect(error.message).toBe('invalid DOCKET_CODEC_KEYS: entry 2 is not in the form id:base64key');
    expect(error.message).not.toContain(keyB);
  });

  test('a duplicated key ID is refused', () => {
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEYS: `k1:${keyA},k1:${keyB}` }));
    expect(error.message).toBe('invalid DOCKET_CODEC_KEYS: key ID "k1" is given twice');
  });

  test('a short inline key fails with the variable and key ID in the message', () => {
    const short = Buffer.alloc(24, 9).toString('base64');
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEYS: `k1:${short}` }));
    expect(error.message).toBe(
      'invalid DOCKET_CODEC_KEYS: keys.k1: must decode to 32 bytes for AES-256, got 24',
    );
  });

  test('no keys at all fails fast and says how to make one', () => {
    const error = keyringError(() => loadKeyring({}));
    expect(error.message).toMatch(/^no payload encryption keys: set DOCKET_CODEC_KEYS=<id>:<base64 key>/);
    expect(error.message).toContain('docket codec new-key');
  });

  test('inline keys and a key file together are ambiguous', () => {
    const error = keyringError(() =>
      loadKeyring({ DOCKET_CODEC_KEYS: `k1:${keyA}`, DOCKET_CODEC_KEY_FILE: '/x' }),
    );
    expect(error.message).toBe('set either DOCKET_CODEC_KEYS or DOCKET_CODEC_KEY_FILE, not both');
  });
});

describe('loadKeyring from a key file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'docket-keys-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string): string => {
    const file = path.join(dir, name);
    writeFileSync(file, text, { mode: 0o600 });
    return file;
  };

  test('reads JSON', () => {
    const file = write('keys.json', JSON.stringify({ current: 'k2', keys: { k1: keyA, k2: keyB } }));
    expect(loadKeyring({ DOCKET_CODEC_KEY_FILE: file }).toJSON()).toEqual({
      currentKeyId: 'k2',
      keyIds: ['k1', 'k2'],
    });
  });

  test('reads YAML, and DOCKET_CODEC_CURRENT_KEY_ID overrides its current key', () => {
    const file = write('keys.yaml', `current: k2\nkeys:\n  k1: ${keyA}\n  k2: ${keyB}\n`);
    const keyring = loadKeyring({ DOCKET_CODEC_KEY_FILE: file, DOCKET_CODEC_CURRENT_KEY_ID: 'k1' });
    expect(keyring.currentKeyId).toBe('k1');
  });

  test('a missing file names the file and the reason', () => {
    const file = path.join(dir, 'absent.yaml');
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEY_FILE: file }));
    expect(error.message).toBe(`cannot read codec key file ${file}: ENOENT`);
  });

  test('a file that does not parse is reported by line, without quoting its contents', () => {
    const file = write('broken.yaml', `current: k1\nkeys:\n  k1: ${keyA}\n   k2: [${keyB}\n`);
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEY_FILE: file }));
    expect(error.message).toMatch(
      new RegExp(`^codec key file ${file} is not valid JSON or YAML \\(line \\d+\\)$`),
    );
    expect(error.message).not.toContain(keyA);
    expect(error.message).not.toContain(keyB);
  });

  test('unknown fields and bad keys in the file are named', () => {
    const file = write('extra.json', JSON.stringify({ current: 'k1', keys: { k1: 'c2hvcnQ=' }, note: 'x' }));
    const error = keyringError(() => loadKeyring({ DOCKET_CODEC_KEY_FILE: file }));
    expect(error.message).toContain(`invalid codec key file ${file}: `);
    expect(error.message).toContain('keys.k1: must decode to 32 bytes for AES-256, got 5');
    expect(error.message).toMatch(/Unrecognized key: "note"/);
  });
});

describe('new keys', () => {
  test('generateKey makes distinct 32-byte keys that the keyring accepts', () => {
    const keys = new Set(Array.from({ length: 5 }, generateKey));
    expect(keys.size).toBe(5);
    for (const key of keys) expect(Buffer.from(key, 'base64')).toHaveLength(32);
  });

  test('newKeyId is dated and unique', () => {
    const id = newKeyId(new Date('2026-03-05T12:00:00Z'));
    expect(id).toMatch(/^k20260305-[0-9a-f]{6}$/);
    expect(newKeyId()).not.toBe(newKeyId());
  });

  test('printNewKey prints an id:key entry that loadKeyring accepts, then a rotation hint', () => {
    const lines: string[] = [];
    const entry = printNewKey({ out: (text) => lines.push(text) }, 'k2026-spring');
    expect(lines[0]).toBe(entry);
    expect(lines[1]).toContain('DOCKET_CODEC_CURRENT_KEY_ID=k2026-spring');
    expect(loadKeyring({ DOCKET_CODEC_KEYS: entry }).currentKeyId).toBe('k2026-spring');
    expect(() => printNewKey({ out: () => undefined }, 'not ok')).toThrow(KeyringError);
  });
});

describe('createDataConverter', () => {
  const keyring = Keyring.fromSpec({ current: 'k1', keys: { k1: keyA } });

  test('encrypts payloads with the keyring and names the encoding failure converter by path', () => {
    const converter = createDataConverter(keyring);
    expect(converter.payloadCodecs).toHaveLength(1);
    expect(converter.payloadCodecs?.[0]).toBeInstanceOf(EncryptionCodec);
    expect(converter.failureConverterPath).toBe(failureConverterPath);
    expect(workflowBundleConverterOptions).toEqual({ failureConverterPath });
    expect(converter.payloadConverterPath).toBeUndefined();
  });

  test('the failure converter moves message and stack into an encoded attribute, which the codec encrypts', async () => {
    // Loaded the way the SDK loads it: by requiring the path.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { failureConverter } = require(failureConverterPath) as {
      failureConverter: DefaultFailureConverter;
    };
    expect(failureConverter).toBeInstanceOf(DefaultFailureConverter);
    expect(failureConverter.options.encodeCommonAttributes).toBe(true);
    const failure = failureConverter.errorToFailure(
      new Error('no record for Marisol Quintanilla-Brightwater'),
      defaultPayloadConverter,
    );
    expect(failure.message).toBe('Encoded failure');
    expect(failure.stackTrace).toBe('');
    expect(findLeaks(failure.encodedAttributes, ['Marisol Quintanilla-Brightwater'])).toHaveLength(1);
    const [encrypted] = await new EncryptionCodec(keyring).encode([failure.encodedAttributes!]);
    expect(
      findLeaks({ ...failure, encodedAttributes: encrypted }, ['Marisol Quintanilla-Brightwater']),
    ).toEqual([]);
  });

  test('a workflow bundle without the failure converter is refused', () => {
    expect(() => assertWorkflowBundleEncryptsFailures({ code: 'var __TEMPORAL__ = {};' })).toThrow(
      expect.objectContaining({
        name: 'UnencryptedBundleError',
        code: 'BUNDLE_FAILURES_UNENCRYPTED',
        message: expect.stringContaining(
          'workflow failure messages and stack traces would be stored in clear text',
        ),
      }),
    );
    expect(() =>
      assertWorkflowBundleEncryptsFailures({ code: `x = "${ENCRYPTING_FAILURE_CONVERTER_MARKER}"` }),
    ).not.toThrow();
  });
});
