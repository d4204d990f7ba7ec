// Signed one-click acknowledgement links. A breach or escalation email carries, per recipient, a
// link whose token names exactly one case (workflow ID), one deadline, one recipient (the opaque
// staff ID from the directory), the notice it came in, and an expiry. The worker signs it, the HTTP
// API verifies it: whoever holds the link may acknowledge that one deadline as that one recipient,
// until it expires, and nothing else. Supervisors therefore never need an API key.
//
// Format: base64url(JSON payload) "." base64url(HMAC-SHA256(key, context + payload part)). Compact
// enough for a URL, URL-safe without escaping, and verifiable without any store. The key is a
// secret shared by the worker and the API (DOCKET_ACK_LINK_KEY, parsed in infra/config.ts).
// Verification checks the MAC before reading anything, so a tampered link never reaches the
// expiry check: altered is 'invalid' (403), only an intact link can be 'expired' (410).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { staffIdSchema } from '../domain/cases/common';

/** HMAC-SHA256 keys shorter than its output weaken it; the key is at least this many random bytes. */
export const ACK_LINK_KEY_MIN_BYTES = 32;
/** Anything longer is not one of ours; refuse before hashing it. */
const MAX_TOKEN_CHARS = 2_048;
/** Binds the MAC to this use, so the key signing anything else could never produce a valid link. */
const MAC_CONTEXT = 'docket/ack-link/v1\n';
const MAC_BYTES = 32;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface AckLinkClaims {
  /** The case's workflow ID (opaque). */
  workflowId: string;
  /** The deadline key, e.g. `rts.response`. */
  deadline: string;
  /** The recipient's opaque staff ID: the acknowledgement is recorded as theirs. */
  recipientId: string;
  /** The notice the link came in, e.g. `rts.response/breach/1`. */
  noticeKey: string;
  /** The link works until this instant (exclusive), to the second. */
  expiresAt: Date;
}

const payloadSchema = z
  .object({
    v: z.literal(1),
    wf: z.string().min(1).max(200),
    dl: z.string().min(1).max(200),
    to: staffIdSchema,
    nk: z.string().min(1).max(300),
    /** Expiry, Unix seconds. */
    exp: z.int().positive(),
  })
  .strict();

function mac(key: Buffer, payloadPart: string): Buffer {
  return createHmac('sha256', key).update(MAC_CONTEXT).update(payloadPart).digest();
}

function assertKey(key: Buffer): void {
  if (key.length < ACK_LINK_KEY_MIN_BYTES) {
    throw new Error(`an acknowledgement link key needs at least ${ACK_LINK_KEY_MIN_BYTES} bytes`);
  }
}

/** The token for one recipient's link. Deterministic: the same claims and key give the same token. */
export function signAckLink(claims: AckLinkClaims, key: Buffer): string {
  assertKey(key);
  const payload = payloadSchema.parse({
    v: 1,
    wf: claims.workflowId,
    dl: claims.deadline,
    to: claims.recipientId,
    nk: claims.noticeKey,
    exp: Math.floor(claims.expiresAt.getTime() / 1000),
  });
  const payloadPart = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${payloadPart}.${mac(key, payloadPart).toString('base64url')}`;
}

export type AckLinkCheck =
  | { status: 'valid'; claims: AckLinkClaims }
  /** Missing, malformed, altered, or signed with another key. Says nothing about which. */
  | { status: 'invalid' }
  /** Intact, but past its expiry. */
  | { status: 'expired'; claims: AckLinkClaims };

/** Decodes base64url only if `part` is the canonical encoding of what it decodes to. */
function canonicalBytes(part: string | undefined): Buffer | undefined {
  if (part === undefined || !BASE64URL.test(part)) return undefined;
  const bytes = Buffer.from(part, 'base64url');
  // Node ignores a last character's spare bits; requiring the canonical form makes one token one string.
  return bytes.toString('base64url') === part ? bytes : undefined;
}

/** Checks a token from a link: its MAC first, then its fields, then its expiry against `nowMs`. */
export function verifyAckLink(token: unknown, key: Buffer, nowMs: number = Date.now()): AckLinkCheck {
  assertKey(key);
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { status: 'invalid' };
  const parts = token.split('.');
  if (parts.length !== 2) return { status: 'invalid' };
  const [payloadPart, macPart] = parts as [string, string];
  const payloadBytes = canonicalBytes(payloadPart);
  const given = canonicalBytes(macPart);
  if (!payloadBytes || !given || given.length !== MAC_BYTES) return { status: 'invalid' };
  if (!timingSafeEqual(given, mac(key, payloadPart))) return { status: 'invalid' };

  let json: unknown;
  try {
    json = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    return { status: 'invalid' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { status: 'invalid' };
  const p = parsed.data;
  const claims: AckLinkClaims = {
    workflowId: p.wf,
    deadline: p.dl,
    recipientId: p.to,
    noticeKey: p.nk,
    expiresAt: new Date(p.exp * 1000),
  };
  return nowMs < claims.expiresAt.getTime() ? { status: 'valid', claims } : { status: 'expired', claims };
}
