// The payload codec on its own: AES-256-GCM round trips, key IDs in metadata, tamper detection,
// unknown keys and rotation, all without a server.
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import { CodecError, EncryptionCodec, ENCODING_ENCRYPTED, METADATA_KEY_ID } from '../../infra/codec';
import { Keyring } from '../../infra/keys';
import { fakeCase, findLeaks, keyringWith, metadataText, secretsOf } from './support';

const input = fakeCase('T9-2025-0042');
const secrets = secretsOf(input);
const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload | undefined): unknown =>
  defaultPayloadConverter.fromPayload(payload as Payload);

/** Runs `fn` and returns what it threw, so a test can assert on the whole error. */
async function thrown(fn: () => Promise<unknown>): Promise<CodecError> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof CodecError) return err;
    throw new Error(`expected a CodecError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a CodecError, but nothing was thrown');
}

describe('EncryptionCodec', () => {
  const keyring = keyringWith('k2025-a');
  const codec = new EncryptionCodec(keyring);

  test('round-trips JSON, binary and null payloads, keeping their original encodings', async () => {
    const originals = [toPayload(input), toPayload(new Uint8Array([0, 1, 2, 255])), toPayload(undefined)];
    const encoded = await codec.encode(originals);
    const decoded = await codec.decode(encoded);
    expect(decoded).toEqual(originals);
    expect(fromPayload(decoded[0])).toEqual(input);
    expect(fromPayload(decoded[1])).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(fromPayload(decoded[2])).toBeUndefined();
    decoded.forEach((payload, i) =>
      expect(metadataText(payload, 'encoding')).toBe(metadataText(originals[i]!, 'encoding')),
    );
    expect(await codec.encode([])).toEqual([]);
  });

  test('an encrypted payload carries the key ID and binary/encrypted, and none of the plaintext', async () => {
    const [encoded] = await codec.encode([toPayload(input)]);
    expect(metadataText(encoded!, METADATA_ENCODING_KEY)).toBe(ENCODING_ENCRYPTED);
    expect(metadataText(encoded!, METADATA_KEY_ID)).toBe('k2025-a');
    expect(metadataText(encoded!, 'encryption-cipher')).toBe('AES-256-GCM');
    // The original json/plain encoding is encrypted with the value, not left in the metadata.
    expect(Object.keys(encoded!.metadata ?? {}).sort()).toEqual([
      'encoding',
      'encryption-cipher',
      'encryption-key-id',
    ]);
    expect(findLeaks(encoded, secrets)).toEqual([]);
    expect(findLeaks(toPayload(input), secrets)).toEqual(secrets.slice(0, 3)); // the scanner itself works
  });

  test('each encoding uses a fresh 12-byte IV, so equal inputs give different ciphertexts', async () => {
    const [a, b] = await codec.encode([toPayload(input), toPayload(input)]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).subarray(0, 12).equals(Buffer.from(b!.data!).subarray(0, 12))).toBe(false);
    const plainLength = toPayload(input).data!.length;
    // IV + framed plaintext (header, metadata entry, data) + 16-byte tag.
    expect(a!.data!.length).toBeGreaterThan(12 + plainLength + 16);
  });

  test.each([
    ['a ciphertext byte', (data: Buffer) => (data[20]! ^= 0x01)],
    ['the IV', (data: Buffer) => (data[0]! ^= 0x80)],
    ['the authentication tag', (data: Buffer) => (data[data.length - 1]! ^= 0x01)],
  ])(
    'a payload with a flipped bit in %s is refused, naming the key and not the content',
    async (_where, flip) => {
      const [encoded] = await codec.encode([toPayload(input)]);
      const data = Buffer.from(encoded!.data!);
      flip(data);
      const error = await thrown(() => codec.decode([{ ...encoded, data }]));
      expect(error).toMatchObject({ name: 'CodecError', code: 'CODEC_TAMPERED', keyId: 'k2025-a' });
      expect(error.message).toBe(
        'cannot decrypt payload with key "k2025-a": authentication failed, so the payload was altered ' +
          'or key "k2025-a" is not the key that encrypted it',
      );
    },
  );

  test('relabelling a payload with another key ID fails authentication instead of decrypting', async () => {
    const twoKeyCodec = new EncryptionCodec(keyringWith('k2', 'k1'));
    const [encoded] = await twoKeyCodec.encode([toPayload(input)]);
    const relabelled = {
      ...encoded,
      metadata: { ...encoded!.metadata, [METADATA_KEY_ID]: Buffer.from('k1') },
    };
    const error = await thrown(() => twoKeyCodec.decode([relabelled]));
    expect(error).toMatchObject({ code: 'CODEC_TAMPERED', keyId: 'k1' });
  });

  test('a payload encrypted with a key the keyring does not hold names that key ID', async () => {
    const [encoded] = await new EncryptionCodec(keyringWith('k2024-retired')).encode([toPayload(input)]);
    const error = await thrown(() => codec.decode([encoded!]));
    expect(error).toMatchObject({ name: 'CodecError', code: 'CODEC_UNKNOWN_KEY', keyId: 'k2024-retired' });
    expect(error.message).toBe(
      'cannot decrypt payload: encryption key "k2024-retired" is not in the keyring (known: k2025-a); ' +
        'keep retired keys in the keyring for as long as payloads written with them exist',
    );
    expect(error.message).not.toContain(keyring.currentKey.toString('base64'));
  });

  test('malformed encrypted payloads are refused with a clear reason', async () => {
    const [encoded] = await codec.encode([toPayload(input)]);
    const noKeyId = { ...encoded, metadata: { encoding: Buffer.from(ENCODING_ENCRYPTED) } };
    expect(await thrown(() => codec.decode([noKeyId]))).toMatchObject({
      code: 'CODEC_MALFORMED',
      keyId: undefined,
      message: 'cannot decrypt payload: it is binary/encrypted but has no encryption-key-id metadata',
    });
    const truncated = { ...encoded, data: Buffer.from(encoded!.data!).subarray(0, 20) };
    expect(await thrown(() => codec.decode([truncated]))).toMatchObject({
      code: 'CODEC_MALFORMED',
      keyId: 'k2025-a',
      message: 'cannot decrypt payload with key "k2025-a": 20 bytes is too short for AES-256-GCM',
    });
  });

  test('payloads that were never encrypted pass through decode unchanged', async () => {
    const plain = toPayload({ caseNumber: 'T9-2025-0042' });
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  test('rotation: after rotating to B with A kept, A payloads still decode and new payloads carry B', async () => {
    const keyringA = keyringWith('key-a');
    const [fromA] = await new EncryptionCodec(keyringA).encode([toPayload(input)]);
    const rotated = keyringA.rotatedTo('key-b', keyringWith('z').currentKey.toString('base64'));
    expect(rotated.toJSON()).toEqual({ currentKeyId: 'key-b', keyIds: ['key-a', 'key-b'] });
    const rotatedCodec = new EncryptionCodec(rotated);
    expect(fromPayload((await rotatedCodec.decode([fromA!]))[0])).toEqual(input);
    const [fromB] = await rotatedCodec.encode([toPayload(input)]);
    expect(metadataText(fromB!, METADATA_KEY_ID)).toBe('key-b');
    expect(metadataText(fromA!, METADATA_KEY_ID)).toBe('key-a');
    // Once A is dropped, A's payloads are unreadable: the reason old keys must be kept.
    const onlyB = Keyring.fromSpec({
      current: 'key-b',
      keys: { 'key-b': rotated.currentKey.toString('base64') },
    });
    const error = await thrown(() => new EncryptionCodec(onlyB).decode([fromA!]));
    expect(error).toMatchObject({ code: 'CODEC_UNKNOWN_KEY', keyId: 'key-a' });
    expect(fromPayload((await new EncryptionCodec(onlyB).decode([fromB!]))[0])).toEqual(input);
  });
});
