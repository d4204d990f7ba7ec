// The codec server: bearer-token and session authentication, the remote codec protocol the Temporal
// UI speaks, CORS for the UI's origin only, and logs that hold no case data. Requests go over real
// HTTP on 127.0.0.1: fastify's inject() needs an ESM-only dependency that jest cannot load on Node 20.
import { Writable } from 'node:stream';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import {
  buildCodecServer,
  defaultAllowedOrigins,
  main,
  SESSION_COOKIE,
} from '../../server/codec/codec-server';
import { EncryptionCodec } from '../../infra/codec';
import { createLogger } from '../../infra/logger';
import { fakeCase, findLeaks, fromJson, keyringWith, secretsOf, toJson } from './support';

const TOKEN = 'codec-admin-token-0123456789abcdef';
const OTHER_TOKEN = 'codec-second-token-9876543210fedcba';
const UI = 'http://127.0.0.1:8233';
const input = fakeCase('HR-2025-0007');
const secrets = secretsOf(input);
const keyring = keyringWith('k2025-a');
const codec = new EncryptionCodec(keyring);

interface Reply {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  json<T = unknown>(): T;
}

/** A small stand-in for fastify's inject(), over a real socket. */
async function send(
  base: string,
  options: { method: string; url: string; headers?: Record<string, string>; payload?: unknown },
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined;
  if (typeof options.payload === 'string') body = options.payload;
  else if (options.payload !== undefined) {
    body = JSON.stringify(options.payload);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${base}${options.url}`, { method: options.method, headers, body });
  const text = await res.text();
  return {
    statusCode: res.status,
    headers: Object.fromEntries(res.headers.entries()),
    body: text,
    json: <T>() => JSON.parse(text) as T,
  };
}

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

async function encryptedBody(): Promise<{ payloads: ReturnType<typeof toJson>[] }> {
  const encoded = await codec.encode([defaultPayloadConverter.toPayload(input)]);
  return { payloads: encoded.map(toJson) };
}

describe('codec server', () => {
  const logLines: string[] = [];
  let app: FastifyInstance;
  let base: string;
  let now = Date.now();
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    app = buildCodecServer({
      keyring,
      auth: { mode: 'tokens', tokens: [TOKEN, OTHER_TOKEN], sessionTtlMs: 60_000, now: () => now },
      allowedOrigins: defaultAllowedOrigins(8233),
      logger: createLogger('debug', sink),
    });
    base = await listen(app);
  });
  afterAll(async () => {
    await app?.close();
  });

  describe('authentication', () => {
    test('a request without a token is refused with 401 before its body is read', async () => {
      const res = await send(base, { method: 'POST', url: '/decode', payload: await encryptedBody() });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toBe('Bearer realm="docket-codec"');
      expect(res.json()).toEqual({ error: 'missing bearer token' });
      // Unauthenticated garbage gets 401 too, not a parser error: the body is never parsed.
      const garbage = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: { 'content-type': 'application/json' },
        payload: '{not json',
      });
      expect(garbage.statusCode).toBe(401);
    });

    test.each([
      ['a wrong token', 'Bearer codec-admin-token-0123456789abcdeX'],
      ['a prefix of the token', `Bearer ${TOKEN.slice(0, -1)}`],
      ['the token with another scheme', `Basic ${TOKEN}`],
      ['an empty bearer', 'Bearer '],
    ])('%s is refused with 401', async (_what, authorization) => {
      const res = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: { authorization },
        payload: await encryptedBody(),
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({
        error: expect.stringMatching(/^(invalid credentials|missing bearer token)$/),
      });
      expect(findLeaks(res.body, secrets)).toEqual([]);
    });

    test('either configured token decodes payloads the codec encrypted', async () => {
      for (const token of [TOKEN, OTHER_TOKEN]) {
        const res = await send(base, {
          method: 'POST',
          url: '/decode',
          headers: { authorization: `Bearer ${token}`, 'x-namespace': 'default' },
          payload: await encryptedBody(),
        });
        expect(res.statusCode).toBe(200);
        const body = res.json<{ payloads: Array<{ metadata: Record<string, string>; data: string }> }>();
        expect(body.payloads).toHaveLength(1);
        expect(Buffer.from(body.payloads[0]!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
        expect(defaultPayloadConverter.fromPayload(fromJson(body.payloads[0]!))).toEqual(input);
      }
    });
  });

  describe('the remote codec protocol', () => {
    const auth = { authorization: `Bearer ${TOKEN}` };

    test('/encode encrypts with the current key, and the codec decrypts the result', async () => {
      const res = await send(base, {
        method: 'POST',
        url: '/encode',
        headers: auth,
        payload: { payloads: [toJson(defaultPayloadConverter.toPayload(input))] },
      });
      expect(res.statusCode).toBe(200);
      expect(findLeaks(res.body, secrets)).toEqual([]);
      const [payload] = res.json<{ payloads: Array<{ metadata: Record<string, string> }> }>().payloads;
      expect(Buffer.from(payload!.metadata['encryption-key-id']!, 'base64').toString()).toBe('k2025-a');
      const decoded = await codec.decode(res.json<{ payloads: [] }>().payloads.map(fromJson));
      expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual(input);
    });

    test('only the last path segment matters, and query strings are ignored', async () => {
      for (const url of ['/default/decode', '/codec/v1/decode?preserveStorageRefs=true']) {
        const res = await send(base, { method: 'POST', url, headers: auth, payload: await encryptedBody() });
        expect([url, res.statusCode]).toEqual([url, 200]);
      }
      const other = await send(base, {
        method: 'POST',
        url: '/transcode',
        headers: auth,
        payload: { payloads: [] },
      });
      expect(other.statusCode).toBe(404);
    });

    test('payloads that are not encrypted, and empty data, come back as they went in', async () => {
      const nullPayload = toJson(defaultPayloadConverter.toPayload(undefined));
      const res = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: auth,
        payload: { payloads: [nullPayload] },
      });
      expect(res.json()).toEqual({ payloads: [{ metadata: nullPayload.metadata }] });
    });

    test('a payload under an unknown key gets 422 naming the key ID', async () => {
      const [foreign] = await new EncryptionCodec(keyringWith('k2019-lost')).encode([
        defaultPayloadConverter.toPayload(input),
      ]);
      const res = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: auth,
        payload: { payloads: [toJson(foreign!)] },
      });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({
        code: 'CODEC_UNKNOWN_KEY',
        error: expect.stringContaining('encryption key "k2019-lost" is not in the keyring (known: k2025-a)'),
      });
    });

    test('a malformed body gets 400 without echoing it', async () => {
      const wrongShape = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: auth,
        payload: { data: 'x' },
      });
      expect(wrongShape.statusCode).toBe(400);
      const notJson = await send(base, {
        method: 'POST',
        url: '/encode',
        headers: { ...auth, 'content-type': 'application/json' },
        payload: `{"payloads": [${input.complainant}]}`,
      });
      expect(notJson.statusCode).toBe(400);
      expect(notJson.body).not.toContain(input.complainant);
    });
  });

  describe('CORS', () => {
    test('a preflight from the UI origin is allowed with credentials and the UI headers', async () => {
      for (const origin of [UI, 'http://localhost:8233']) {
        const res = await send(base, {
          method: 'OPTIONS',
          url: '/decode',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization,content-type,x-namespace',
          },
        });
        expect(res.statusCode).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
        expect(String(res.headers['access-control-allow-headers']).split(/, */).sort()).toEqual([
          'authorization',
          'content-type',
          'x-namespace',
        ]);
        expect(res.headers['access-control-allow-methods']).toBe('POST');
      }
    });

    test('a preflight from another origin gets no allow headers', async () => {
      for (const origin of ['http://evil.example', 'http://127.0.0.1:9999', 'https://127.0.0.1:8233']) {
        const res = await send(base, {
          method: 'OPTIONS',
          url: '/decode',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization',
          },
        });
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
        expect(res.headers['access-control-allow-credentials']).toBeUndefined();
        expect(res.headers['access-control-allow-headers']).toBeUndefined();
        expect(res.statusCode).toBeGreaterThanOrEqual(400); // @fastify/cors leaves it unrouted: 404
      }
    });

    test('a real request from the UI origin is answered with CORS headers; from another origin, refused', async () => {
      const ok = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: { origin: UI, authorization: `Bearer ${TOKEN}` },
        payload: await encryptedBody(),
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(UI);
      expect(ok.headers.vary).toContain('Origin');
      const foreign = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: { origin: 'http://evil.example', authorization: `Bearer ${TOKEN}` },
        payload: await encryptedBody(),
      });
      expect(foreign.statusCode).toBe(403);
      expect(foreign.json()).toEqual({ error: 'origin not allowed' });
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('browser sessions for the Temporal UI', () => {
    /** As the browser submits the sign-in form: from the codec server's own origin. */
    async function signIn(token: string, origin = base) {
      return send(base, {
        method: 'POST',
        url: '/session',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
        payload: new URLSearchParams({ token }).toString(),
      });
    }
    const sessionOf = (setCookie: unknown): string => {
      const match = new RegExp(`${SESSION_COOKIE}=([^;]+)`).exec(String(setCookie));
      if (!match?.[1]) throw new Error(`no session cookie in ${String(setCookie)}`);
      return match[1];
    };
    const decodeWithCookie = async (session: string) =>
      send(base, {
        method: 'POST',
        url: '/decode',
        headers: { origin: UI, cookie: `other=1; ${SESSION_COOKIE}=${session}` },
        payload: await encryptedBody(),
      });

    test('the sign-in form is served', async () => {
      const res = await send(base, { method: 'GET', url: '/session' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.body).toContain('<form method="post" action="session">');
    });

    test('the sign-in form may not be posted from a foreign origin', async () => {
      const res = await signIn(TOKEN, 'http://evil.example');
      expect(res.statusCode).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    test('a wrong token gets no session', async () => {
      const res = await signIn('not-the-token-but-long-enough-000');
      expect(res.statusCode).toBe(401);
      expect(res.headers['set-cookie']).toBeUndefined();
    });

    test('the right token sets an HttpOnly, SameSite=Strict cookie that then authorises decoding', async () => {
      const res = await signIn(TOKEN);
      expect(res.statusCode).toBe(200);
      expect(res.headers['set-cookie']).toMatch(
        new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Strict; Max-Age=60$`),
      );
      const session = sessionOf(res.headers['set-cookie']);
      const decoded = await decodeWithCookie(session);
      expect(decoded.statusCode).toBe(200);
      expect(decoded.body).toContain(Buffer.from(JSON.stringify(input)).toString('base64').slice(0, 40));
    });

    test('a forged, expired or ended session is refused', async () => {
      expect((await decodeWithCookie('forged-session-id')).statusCode).toBe(401);
      const expiring = sessionOf((await signIn(TOKEN)).headers['set-cookie']);
      now += 60_001;
      expect((await decodeWithCookie(expiring)).statusCode).toBe(401);
      const ending = sessionOf((await signIn(TOKEN)).headers['set-cookie']);
      expect((await decodeWithCookie(ending)).statusCode).toBe(200);
      const end = await send(base, {
        method: 'POST',
        url: '/session/end',
        headers: { cookie: `${SESSION_COOKIE}=${ending}` },
      });
      expect(end.headers['set-cookie']).toContain('Max-Age=0');
      expect((await decodeWithCookie(ending)).statusCode).toBe(401);
    });

    test('a wrong bearer token is not rescued by a valid cookie', async () => {
      const session = sessionOf((await signIn(TOKEN)).headers['set-cookie']);
      const res = await send(base, {
        method: 'POST',
        url: '/decode',
        headers: {
          authorization: 'Bearer wrong-token-that-is-long-enough-0',
          cookie: `${SESSION_COOKIE}=${session}`,
        },
        payload: await encryptedBody(),
      });
      expect(res.statusCode).toBe(401);
    });
  });

  test('the logs hold no payload content and no tokens', () => {
    const logs = logLines.join('');
    expect(logs).toContain('codec request served');
    expect(logs).toContain('codec request refused');
    expect(findLeaks(logs, secrets)).toEqual([]);
    expect(logs).not.toContain(TOKEN);
    expect(logs).not.toContain(OTHER_TOKEN);
  });
});

describe('codec server configuration', () => {
  const keyring = keyringWith('k1');

  const tokens = (list: string[]) => ({ mode: 'tokens' as const, tokens: list });
  test.each<[Omit<Parameters<typeof buildCodecServer>[0], 'keyring'>, string]>([
    [{ auth: tokens([]) }, 'no codec server tokens: set DOCKET_CODEC_TOKENS'],
    [{ auth: tokens(['short']) }, 'codec server token 1 must be at least 24 characters without spaces'],
    [
      { auth: tokens([TOKEN]), allowedOrigins: ['http://127.0.0.1:8233/ui'] },
      'must be scheme://host[:port] with no path',
    ],
    [{ auth: tokens([TOKEN]), allowedOrigins: ['*'] }, 'allowed origin "*" is not a URL'],
    [
      { auth: { mode: 'loopback' }, allowedOrigins: ['https://temporal.example.org'] },
      'allowed origin "https://temporal.example.org" is not on this machine',
    ],
  ])('%j is refused', (options, message) => {
    expect(() => buildCodecServer({ keyring, ...options })).toThrow(
      expect.objectContaining({ name: 'CodecServerConfigError', message: expect.stringContaining(message) }),
    );
  });

  test('main listens on DOCKET_CODEC_PORT and serves real HTTP requests', async () => {
    const keys = `k1:${keyring.currentKey.toString('base64')}`;
    const server = await main({
      DOCKET_CODEC_KEYS: keys,
      DOCKET_CODEC_TOKENS: ` ${TOKEN} `,
      DOCKET_CODEC_HOST: '127.0.0.1',
      DOCKET_CODEC_PORT: '0',
      DOCKET_LOG_LEVEL: 'silent',
    });
    try {
      const address = server.server.address();
      if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
      const base = `http://127.0.0.1:${address.port}`;
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ status: 'ok' });
      const encoded = await new EncryptionCodec(keyring).encode([defaultPayloadConverter.toPayload(input)]);
      const refused = await fetch(`${base}/decode`, {
        method: 'POST',
        body: JSON.stringify({ payloads: encoded.map(toJson) }),
      });
      expect(refused.status).toBe(401);
      const res = await fetch(`${base}/decode`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${TOKEN}`,
          'content-type': 'application/json',
          'x-namespace': 'default',
        },
        body: JSON.stringify({ payloads: encoded.map(toJson) }),
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        payloads: Array<{ metadata?: Record<string, string>; data?: string }>;
      };
      expect(defaultPayloadConverter.fromPayload(fromJson(body.payloads[0]!))).toEqual(input);
    } finally {
      await server.close();
    }
  });

  test('main in token mode without tokens fails with a readable message', async () => {
    await expect(
      main({ DOCKET_CODEC_AUTH: 'tokens', DOCKET_CODEC_KEYS: `k1:${keyring.currentKey.toString('base64')}` }),
    ).rejects.toThrow(
      'invalid codec server environment: DOCKET_CODEC_TOKENS: DOCKET_CODEC_TOKENS is required (comma-separated bearer tokens)',
    );
  });
});
