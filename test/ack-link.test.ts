// The signed acknowledgement link on its own: what a token carries, that any change to it (payload
// or MAC, a single bit) makes it invalid, that only an intact token can be expired, where exactly it
// expires, and how the key is read from the environment.
import { randomBytes } from 'node:crypto';
import { signAckLink, verifyAckLink, type AckLinkClaims } from '../activities/ack-link';
import { ConfigError, parseConfig } from '../infra/config';

const key = randomBytes(32);
const expiresAt = new Date('2026-12-17T06:00:00.000Z');
const claims: AckLinkClaims = {
  workflowId: 'grievance-GRV-2026-000123',
  deadline: 'rts.response',
  recipientId: 'LARC-S002',
  noticeKey: 'rts.response/breach/1',
  expiresAt,
};
const before = expiresAt.getTime() - 86_400_000;

/** The token with byte `index` of one part (decoded) XOR-ed with `mask`, re-encoded canonically. */
function flip(token: string, part: 0 | 1, index: number, mask = 0x01): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[part] as string, 'base64url');
  bytes[index] = (bytes[index] as number) ^ mask;
  parts[part] = bytes.toString('base64url');
  return parts.join('.');
}

describe('signAckLink / verifyAckLink', () => {
  test('a token round-trips every claim, is URL-safe, compact and deterministic', () => {
    const token = signAckLink(claims, key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(token.length).toBeLessThan(300);
    expect(encodeURIComponent(token)).toBe(token);
    expect(signAckLink(claims, key)).toBe(token);
    expect(verifyAckLink(token, key, before)).toEqual({ status: 'valid', claims });
  });

  test('each claim changes the token: a link names exactly one case, deadline, recipient, notice and expiry', () => {
    const token = signAckLink(claims, key);
    const variants: Array<Partial<AckLinkClaims>> = [
      { workflowId: 'grievance-GRV-2026-000124' },
      { deadline: 'rts.filing' },
      { recipientId: 'LARC-S004' },
      { noticeKey: 'rts.response/escalation-1/1' },
      { expiresAt: new Date(expiresAt.getTime() + 1_000) },
    ];
    for (const change of variants) expect(signAckLink({ ...claims, ...change }, key)).not.toBe(token);
  });

  test('a flipped bit anywhere in the payload is invalid, even on an expired token', () => {
    const token = signAckLink(claims, key);
    const payloadLength = Buffer.from(token.split('.')[0] as string, 'base64url').length;
    for (let i = 0; i < payloadLength; i++) {
      expect(verifyAckLink(flip(token, 0, i), key, before)).toEqual({ status: 'invalid' });
      // Tampering wins over expiry: an altered link is refused as altered (403), not as expired (410).
      expect(verifyAckLink(flip(token, 0, i), key, expiresAt.getTime() + 1)).toEqual({ status: 'invalid' });
    }
  });

  test('a flipped bit anywhere in the MAC is invalid', () => {
    const token = signAckLink(claims, key);
    for (let i = 0; i < 32; i++) {
      expect(verifyAckLink(flip(token, 1, i, 0x80), key, before)).toEqual({ status: 'invalid' });
    }
  });

  test('a field altered and the MAC recomputed with another key is invalid; so is the right token under another key', () => {
    const other = randomBytes(32);
    const forged = signAckLink({ ...claims, recipientId: 'LARC-S015' }, other);
    expect(verifyAckLink(forged, key, before)).toEqual({ status: 'invalid' });
    // The forged payload with the genuine MAC: the MAC covers the payload.
    const spliced = `${forged.split('.')[0]}.${signAckLink(claims, key).split('.')[1]}`;
    expect(verifyAckLink(spliced, key, before)).toEqual({ status: 'invalid' });
    expect(verifyAckLink(signAckLink(claims, key), other, before)).toEqual({ status: 'invalid' });
  });

  test('malformed tokens are invalid, not errors', () => {
    const token = signAckLink(claims, key);
    const [payload, mac] = token.split('.') as [string, string];
    for (const bad of [
      undefined,
      null,
      42,
      ['a', 'b'],
      '',
      '.',
      payload,
      `${payload}.`,
      `.${mac}`,
      `${payload}.${mac}.x`,
      `${payload}.${mac.slice(0, -1)}`,
      `${payload}=.${mac}`,
      `${payload}.${mac}=`,
      `${payload}.+${mac.slice(1)}`,
      `${payload}.${mac.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))}`,
      ` ${token}`,
      `${token}x`,
      'x'.repeat(5_000),
    ]) {
      expect(verifyAckLink(bad, key, before)).toEqual({ status: 'invalid' });
    }
  });

  test('a link is only signed for an opaque staff ID, never for a name', () => {
    expect(() => signAckLink({ ...claims, recipientId: 'Jane Doe' }, key)).toThrow();
  });

  test('expiry boundary: valid until the last millisecond before expiresAt, expired from expiresAt on', () => {
    const token = signAckLink(claims, key);
    expect(verifyAckLink(token, key, expiresAt.getTime() - 1).status).toBe('valid');
    expect(verifyAckLink(token, key, expiresAt.getTime())).toEqual({ status: 'expired', claims });
    expect(verifyAckLink(token, key, expiresAt.getTime() + 30 * 86_400_000).status).toBe('expired');
  });

  test('expiry is kept to the second', () => {
    const token = signAckLink({ ...claims, expiresAt: new Date('2026-12-17T06:00:00.999Z') }, key);
    const check = verifyAckLink(token, key, before);
    expect(check.status === 'valid' && check.claims.expiresAt.toISOString()).toBe('2026-12-17T06:00:00.000Z');
  });

  test('a key shorter than 32 bytes is refused by both', () => {
    expect(() => signAckLink(claims, randomBytes(31))).toThrow(/at least 32 bytes/);
    expect(() => verifyAckLink('x.y', randomBytes(16))).toThrow(/at least 32 bytes/);
  });
});

describe('DOCKET_ACK_LINK_KEY', () => {
  const material = randomBytes(32);
  const parse = (value: string) => parseConfig({}, { DOCKET_ACK_LINK_KEY: value }).mail.ackLinkKey;

  test('base64 and base64url, padded or not, give the same key; the TTL defaults to 7 days', () => {
    expect(parse(material.toString('base64'))).toEqual(material);
    expect(parse(material.toString('base64url'))).toEqual(material);
    expect(parse(material.toString('base64').replace(/=+$/, ''))).toEqual(material);
    expect(parse(randomBytes(64).toString('base64url'))?.length).toBe(64);
    expect(parseConfig({}).mail.ackLinkTtlDays).toBe(7);
    expect(parseConfig({ mail: { ackLinkTtlDays: 3 } }).mail.ackLinkTtlDays).toBe(3);
    expect(parseConfig({}).mail.ackLinkKey).toBeUndefined();
  });

  test.each([
    ['too short', randomBytes(31).toString('base64'), /at least 32 bytes, got 31/],
    ['not base64', 'not a key, just some words!!', /is not base64 or base64url/],
    ['mixed alphabets', `${randomBytes(30).toString('base64url')}+/_-`, /is not base64 or base64url/],
    ['a placeholder', Buffer.alloc(32).toString('base64'), /placeholder/],
  ])('%s: a ConfigError naming the variable, never quoting the value', (_name, value, message) => {
    let error: unknown;
    try {
      parse(value);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/mail\.ackLinkKey: DOCKET_ACK_LINK_KEY/);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(value);
  });

  test('a link TTL outside 1-90 days is refused', () => {
    expect(() => parseConfig({ mail: { ackLinkTtlDays: 0 } })).toThrow(/mail\.ackLinkTtlDays/);
    expect(() => parseConfig({ mail: { ackLinkTtlDays: 365 } })).toThrow(/mail\.ackLinkTtlDays/);
  });
});
