// Docket's payload codec: every payload (workflow and activity inputs and results, signals, queries,
// memos, summaries and, through the failure converter, error messages and stack traces) is encrypted
// with AES-256-GCM before it leaves the process, so Temporal's database and UI hold ciphertext only.
//
// Wire format of an encrypted payload:
//   metadata: encoding = binary/encrypted, encryption-key-id = <key ID>, encryption-cipher = AES-256-GCM
//   data:     IV (12 random bytes) | ciphertext | GCM tag (16 bytes)
// The key ID travels in clear so that decoding can pick the right key from the keyring after a
// rotation; it is also bound into GCM's additional data, so relabelling a payload with another key
// ID fails authentication instead of decrypting under the wrong assumptions.
//
// This module uses node:crypto and must never be imported by workflow code: codecs run in the worker
// and client processes, outside the workflow sandbox.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import type { Keyring } from './keys';

export const ENCODING_ENCRYPTED = 'binary/encrypted';
export const METADATA_KEY_ID = 'encryption-key-id';
export const METADATA_CIPHER = 'encryption-cipher';
export const CIPHER = 'AES-256-GCM';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Version of the plaintext framing below; bumped if the framing ever changes. */
const FRAMING_V1 = 1;

export type CodecErrorCode = 'CODEC_UNKNOWN_KEY' | 'CODEC_TAMPERED' | 'CODEC_MALFORMED';

/** A payload that cannot be decrypted. The message names the key ID and the reason, never any content. */
export class CodecError extends Error {
  constructor(
    readonly code: CodecErrorCode,
    readonly keyId: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'CodecError';
  }
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: false });

function additionalData(keyId: string): Buffer {
  return Buffer.from(`docket-codec/v${FRAMING_V1}|${CIPHER}|${keyId}`, 'utf8');
}

/**
 * Serialises a whole payload (metadata and data) so the original encoding (json/plain, binary/null,
 * ...) is encrypted along with the value. A small length-prefixed framing keeps this independent of
 * protobuf classes the SDK does not export:
 *   u8 version | u16 entry count | per entry: u16 key length, key, u32 value length, value | data
 */
function frame(payload: Payload): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(payload.metadata ?? {});
  const head = Buffer.alloc(3);
  head.writeUInt8(FRAMING_V1, 0);
  head.writeUInt16BE(entries.length, 1);
  parts.push(head);
  for (const [key, value] of entries) {
    const keyBytes = Buffer.from(utf8.encode(key));
    const lengths = Buffer.alloc(6);
    lengths.writeUInt16BE(keyBytes.length, 0);
    lengths.writeUInt32BE(value.length, 2);
    parts.push(lengths.subarray(0, 2), keyBytes, lengths.subarray(2), Buffer.from(value));
  }
  parts.push(Buffer.from(payload.data ?? new Uint8Array()));
  return Buffer.concat(parts);
}

function unframe(bytes: Buffer): Payload {
  let at = 0;
  const need = (count: number): void => {
    if (at + count > bytes.length) throw new RangeError('truncated framing');
  };
  need(3);
  const version = bytes.readUInt8(0);
  if (version !== FRAMING_V1) throw new RangeError(`unknown framing version ${version}`);
  const count = bytes.readUInt16BE(1);
  at = 3;
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    need(2);
    const keyLength = bytes.readUInt16BE(at);
    at += 2;
    need(keyLength + 4);
    const key = fromUtf8.decode(bytes.subarray(at, at + keyLength));
    at += keyLength;
    const valueLength = bytes.readUInt32BE(at);
    at += 4;
    need(valueLength);
    metadata[key] = Uint8Array.from(bytes.subarray(at, at + valueLength));
    at += valueLength;
  }
  // Empty and absent data are the same on the wire; leaving it absent restores e.g. binary/null exactly.
  return at < bytes.length ? { metadata, data: Uint8Array.from(bytes.subarray(at)) } : { metadata };
}

/** Key IDs read back from a payload are shown in messages only if they look like key IDs. */
function printableKeyId(keyId: string): string {
  return /^[A-Za-z0-9._-]{1,64}$/.test(keyId) ? keyId : JSON.stringify(keyId.slice(0, 64));
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyring: Keyring) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    if (payload.externalPayloads?.length) {
      // Externally stored payloads keep references outside `data`; encrypting only part of them
      // would silently drop those references. Docket does not use external storage.
      throw new CodecError(
        'CODEC_MALFORMED',
        undefined,
        'cannot encrypt a payload with external storage references',
      );
    }
    const keyId = this.keyring.currentKeyId;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyring.currentKey, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(keyId));
    const ciphertext = Buffer.concat([cipher.update(frame(payload)), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: utf8.encode(ENCODING_ENCRYPTED),
        [METADATA_KEY_ID]: utf8.encode(keyId),
        [METADATA_CIPHER]: utf8.encode(CIPHER),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const metadata = payload.metadata ?? {};
    const encoding = metadata[METADATA_ENCODING_KEY];
    // Payloads that were never encrypted (written before encryption was switched on) pass through:
    // decoding reveals nothing that was not already stored in clear.
    if (!encoding || fromUtf8.decode(encoding) !== ENCODING_ENCRYPTED) return payload;

    const keyIdBytes = metadata[METADATA_KEY_ID];
    if (!keyIdBytes || keyIdBytes.length === 0) {
      throw new CodecError(
        'CODEC_MALFORMED',
        undefined,
        `cannot decrypt payload: it is ${ENCODING_ENCRYPTED} but has no ${METADATA_KEY_ID} metadata`,
      );
    }
    const keyId = fromUtf8.decode(keyIdBytes);
    const shownId = printableKeyId(keyId);
    const key = this.keyring.key(keyId);
    if (!key) {
      throw new CodecError(
        'CODEC_UNKNOWN_KEY',
        keyId,
        `cannot decrypt payload: encryption key "${shownId}" is not in the keyring (known: ${this.keyring.keyIds.join(', ')}); ` +
          'keep retired keys in the keyring for as long as payloads written with them exist',
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new CodecError(
        'CODEC_MALFORMED',
        keyId,
        `cannot decrypt payload with key "${shownId}": ${data.length} bytes is too short for ${CIPHER}`,
      );
    }
    const iv = data.subarray(0, IV_BYTES);
    const tag = data.subarray(data.length - TAG_BYTES);
    const ciphertext = data.subarray(IV_BYTES, data.length - TAG_BYTES);
    let plaintext: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData(keyId));
      decipher.setAuthTag(tag);
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      // OpenSSL's own message ("Unsupported state or unable to authenticate data") explains nothing.
      throw new CodecError(
        'CODEC_TAMPERED',
        keyId,
        `cannot decrypt payload with key "${shownId}": authentication failed, so the payload was altered ` +
          `or key "${shownId}" is not the key that encrypted it`,
      );
    }
    try {
      return unframe(plaintext);
    } catch (err) {
      throw new CodecError(
        'CODEC_MALFORMED',
        keyId,
        `cannot decode payload decrypted with key "${shownId}": ${(err as Error).message}`,
      );
    }
  }
}
