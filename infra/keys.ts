// The keyring for Docket's payload encryption: one current key that encrypts new payloads, plus older
// keys kept only so that payloads written before a rotation stay readable. Keys are secrets, so they
// come from the environment or from a key file outside the repository, never from code or config in
// git. Every message here names key IDs and never key material, because these errors end up in logs.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** AES-256 needs exactly 32 bytes of key. */
export const KEY_BYTES = 32;

export class KeyringError extends Error {
  readonly code = 'CODEC_KEYS_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

/**
 * Key IDs are written in clear into every payload's metadata and into error messages, so they are
 * restricted to a short, boring alphabet: nothing that could smuggle in whitespace, separators of the
 * env format (`,` `:`) or personal data by accident.
 */
export const keyIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'a key ID is 1-64 characters of letters, digits, ".", "_" or "-", starting with a letter or digit',
  );

const STANDARD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Base64 key material, decoded and checked. Issues describe the problem, never echo the value. */
export const keyMaterialSchema = z.string().transform((text, ctx): Buffer => {
  const trimmed = text.trim();
  if (!STANDARD_BASE64.test(trimmed)) {
    ctx.addIssue({
      code: 'custom',
      message: 'is not standard base64 (expected 44 characters, e.g. from `openssl rand -base64 32`)',
    });
    return z.NEVER;
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    ctx.addIssue({
      code: 'custom',
      message: `must decode to ${KEY_BYTES} bytes for AES-256, got ${key.length}`,
    });
    return z.NEVER;
  }
  // A key of one repeated byte is a placeholder ("AAAA...="), not a secret.
  if (key.every((byte) => byte === key[0])) {
    ctx.addIssue({ code: 'custom', message: 'is a placeholder (every byte is the same), not a random key' });
    return z.NEVER;
  }
  return key;
});

/** The shape of a key file, and of any other keyring source once parsed: `{ current, keys: { id: base64 } }`. */
export const keyringSpecSchema = z
  .object({
    current: keyIdSchema,
    keys: z.record(keyIdSchema, keyMaterialSchema),
  })
  .strict()
  .superRefine((spec, ctx) => {
    if (!Object.prototype.hasOwnProperty.call(spec.keys, spec.current)) {
      ctx.addIssue({
        code: 'custom',
        path: ['current'],
        message: `the current key "${spec.current}" is not among the keys (${Object.keys(spec.keys).join(', ') || 'none'})`,
      });
    }
  });

export type KeyringSpec = z.input<typeof keyringSpecSchema>;

/**
 * Environment variables read by {@link loadKeyring}. Exported as a zod fragment so the process config
 * can document and pre-validate them alongside its own variables.
 */
export const codecKeyEnvSchema = z.object({
  /** Comma-separated `id:base64key` entries, e.g. `k2025a:Zm9v...=,k2026a:YmFy...=`. */
  DOCKET_CODEC_KEYS: z.string().optional(),
  /** Which key ID encrypts new payloads. Optional with a single inline key; overrides a key file's `current`. */
  DOCKET_CODEC_CURRENT_KEY_ID: z.string().optional(),
  /** Path to a JSON or YAML file `{ current: id, keys: { id: base64 } }`, kept outside the repository. */
  DOCKET_CODEC_KEY_FILE: z.string().optional(),
});

/** The validated keys. Key material is held privately so that logging or serialising a Keyring leaks nothing. */
export class Keyring {
  readonly #keys: ReadonlyMap<string, Buffer>;

  private constructor(
    readonly currentKeyId: string,
    keys: ReadonlyMap<string, Buffer>,
  ) {
    this.#keys = keys;
  }

  /** Validates a spec (from a file, the environment or a test); throws a KeyringError naming the problem. */
  static fromSpec(spec: unknown, origin = 'codec keyring'): Keyring {
    const result = keyringSpecSchema.safeParse(spec);
    if (!result.success) {
      const problems = result.error.issues.map((issue) => {
        const where = issue.path.map(String).join('.');
        // A key-material issue sits at ['keys', id]: say which key, never what it holds.
        return where ? `${where}: ${issue.message}` : issue.message;
      });
      throw new KeyringError(`invalid ${origin}: ${problems.join('; ')}`);
    }
    return new Keyring(result.data.current, new Map(Object.entries(result.data.keys)));
  }

  /** The key that encrypts new payloads. */
  get currentKey(): Buffer {
    // fromSpec guarantees the current ID is present.
    return this.#keys.get(this.currentKeyId) as Buffer;
  }

  /** A key by ID (current or retired), for decrypting payloads written with it. */
  key(keyId: string): Buffer | undefined {
    return this.#keys.get(keyId);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** A copy with another key as current (added if new); the old keys stay for decryption. */
  rotatedTo(keyId: string, key?: string): Keyring {
    const keys: Record<string, string> = {};
    for (const [id, material] of this.#keys) keys[id] = material.toString('base64');
    if (key !== undefined) keys[keyId] = key;
    return Keyring.fromSpec({ current: keyId, keys }, 'rotated codec keyring');
  }

  toJSON(): { currentKeyId: string; keyIds: string[] } {
    return { currentKeyId: this.currentKeyId, keyIds: this.keyIds };
  }

  [inspect.custom](): string {
    return `Keyring { current: ${this.currentKeyId}, keys: [${this.keyIds.join(', ')}] }`;
  }
}

function parseInlineKeys(value: string, currentKeyId: string | undefined): Keyring {
  const origin = 'DOCKET_CODEC_KEYS';
  const keys: Record<string, string> = {};
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  for (const [index, entry] of entries.entries()) {
    const colon = entry.indexOf(':');
    // The entry itself is not quoted in the message: without a colon it may be a bare key.
    if (colon <= 0)
      throw new KeyringError(`invalid ${origin}: entry ${index + 1} is not in the form id:base64key`);
    const id = entry.slice(0, colon).trim();
    if (Object.prototype.hasOwnProperty.call(keys, id)) {
      throw new KeyringError(`invalid ${origin}: key ID "${id}" is given twice`);
    }
    keys[id] = entry.slice(colon + 1).trim();
  }
  const ids = Object.keys(keys);
  if (ids.length === 0) throw new KeyringError(`invalid ${origin}: no keys given`);
  let current = currentKeyId;
  if (current === undefined) {
    if (ids.length > 1) {
      throw new KeyringError(
        `invalid ${origin}: several keys (${ids.join(', ')}) but DOCKET_CODEC_CURRENT_KEY_ID does not say which encrypts new payloads`,
      );
    }
    current = ids[0];
  }
  return Keyring.fromSpec({ current, keys }, origin);
}

function readKeyFile(file: string, currentKeyId: string | undefined): Keyring {
  const origin = `codec key file ${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KeyringError(
      `cannot read ${origin}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  let raw: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both formats.
    raw = parseYaml(text);
  } catch (err) {
    // The parser's own message quotes the offending line, which may hold a key: report the position only.
    const line = (err as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
    throw new KeyringError(`${origin} is not valid JSON or YAML${line ? ` (line ${line})` : ''}`);
  }
  if (currentKeyId !== undefined && typeof raw === 'object' && raw !== null) {
    raw = { ...raw, current: currentKeyId };
  }
  return Keyring.fromSpec(raw, origin);
}

/**
 * Loads the keyring from the environment: either DOCKET_CODEC_KEYS (inline `id:base64` entries) or
 * DOCKET_CODEC_KEY_FILE (JSON or YAML), with DOCKET_CODEC_CURRENT_KEY_ID choosing the current key.
 * Fails fast with a readable KeyringError: a worker that cannot encrypt must not start.
 */
export function loadKeyring(env: NodeJS.ProcessEnv = process.env): Keyring {
  const inline = env.DOCKET_CODEC_KEYS?.trim() || undefined;
  const file = env.DOCKET_CODEC_KEY_FILE?.trim() || undefined;
  const current = env.DOCKET_CODEC_CURRENT_KEY_ID?.trim() || undefined;
  if (inline && file) {
    throw new KeyringError('set either DOCKET_CODEC_KEYS or DOCKET_CODEC_KEY_FILE, not both');
  }
  if (file) return readKeyFile(file, current);
  if (inline) return parseInlineKeys(inline, current);
  throw new KeyringError(
    'no payload encryption keys: set DOCKET_CODEC_KEYS=<id>:<base64 key> (or DOCKET_CODEC_KEY_FILE); ' +
      'generate a key with `docket codec new-key`',
  );
}

/** 32 random bytes, base64: a fresh AES-256 key. */
export function generateKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** A dated, unique key ID, so an operator can tell keys apart and see when each was made. */
export function newKeyId(now: Date = new Date()): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  return `k${day}-${randomBytes(3).toString('hex')}`;
}

/**
 * The body of a `docket codec new-key` command: prints `id:base64key` on one line (ready to append to
 * DOCKET_CODEC_KEYS) and a reminder of how to rotate on the next.
 */
export function printNewKey(io: { out(text: string): void }, keyId: string = newKeyId()): string {
  const checked = keyIdSchema.safeParse(keyId);
  if (!checked.success)
    throw new KeyringError(`invalid key ID "${keyId}": ${checked.error.issues[0]?.message}`);
  const entry = `${keyId}:${generateKey()}`;
  io.out(entry);
  io.out(
    `# to rotate: append this entry to DOCKET_CODEC_KEYS (keep the old ones, so existing cases stay readable) ` +
      `and set DOCKET_CODEC_CURRENT_KEY_ID=${keyId}`,
  );
  return entry;
}
