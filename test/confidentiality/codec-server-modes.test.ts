// How the codec server decides who may decode: the mode is read once from DOCKET_CODEC_AUTH with a
// readable error for every mistake, and the loopback mode (the embedded default, which asks for no
// credential) holds only while everything stays on this machine.
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildCodecServer, codecServerSettingsFromEnv, main } from '../../server/codec/codec-server';
import { EncryptionCodec } from '../../infra/codec';
import { createLogger } from '../../infra/logger';
import {
  decodedValue,
  encryptedBody,
  fakeCase,
  findLeaks,
  httpRequest,
  keyringWith,
  secretsOf,
} from './support';

const keyring = keyringWith('k2025-lb');
const codec = new EncryptionCodec(keyring);
const KEYS = `k2025-lb:${keyring.currentKey.toString('base64')}`;
const input = fakeCase('GRV-2025-0311');
const secrets = secretsOf(input);
const UI_PORT = 18233;
const UI = `http://127.0.0.1:${UI_PORT}`;

const configError = (message: string) =>
  expect.objectContaining({ name: 'CodecServerConfigError', code: 'CODEC_SERVER_CONFIG_INVALID', message });

describe('choosing the mode', () => {
  test('with no mode and no tokens, the error names the three modes', () => {
    expect(() => codecServerSettingsFromEnv({})).toThrow(
      configError(
        'invalid codec server environment: DOCKET_CODEC_AUTH: not set (and no DOCKET_CODEC_TOKENS): choose ' +
          'loopback (no credential; only for a UI and codec server both bound to 127.0.0.1, as `npm run up` runs them), ' +
          "oidc (verify the Temporal UI's OIDC access token; production) or tokens (bearer tokens from " +
          'DOCKET_CODEC_TOKENS; CLI and scripts)',
      ),
    );
  });

  test('an unknown mode is named in the error', () => {
    expect(() => codecServerSettingsFromEnv({ DOCKET_CODEC_AUTH: 'open' })).toThrow(
      expect.objectContaining({
        message: expect.stringContaining('DOCKET_CODEC_AUTH: "open" is not a mode: choose loopback'),
      }),
    );
  });

  test('without a mode, DOCKET_CODEC_TOKENS means token mode', () => {
    expect(codecServerSettingsFromEnv({ DOCKET_CODEC_TOKENS: 'a,b' }).auth).toEqual({
      mode: 'tokens',
      tokens: ['a', 'b'],
    });
  });

  test('loopback listens on 127.0.0.1 and serves the UI on TEMPORAL_UI_PORT by default', () => {
    expect(codecServerSettingsFromEnv({ DOCKET_CODEC_AUTH: 'loopback', TEMPORAL_UI_PORT: '9233' })).toEqual({
      host: '127.0.0.1',
      port: 8234,
      allowedOrigins: ['http://127.0.0.1:9233', 'http://localhost:9233'],
      auth: { mode: 'loopback' },
    });
  });

  test.each(['0.0.0.0', '::', '10.0.0.5', 'codec.internal'])(
    'loopback refuses DOCKET_CODEC_HOST=%s',
    (host) => {
      expect(() =>
        codecServerSettingsFromEnv({ DOCKET_CODEC_AUTH: 'loopback', DOCKET_CODEC_HOST: host }),
      ).toThrow(
        configError(
          `invalid codec server environment: DOCKET_CODEC_HOST: "${host}" is not a loopback address: ` +
            'DOCKET_CODEC_AUTH=loopback trusts whoever can connect, so it listens only on 127.0.0.1, ::1 or localhost',
        ),
      );
    },
  );

  test('oidc without its settings names every missing one', () => {
    expect(() => codecServerSettingsFromEnv({ DOCKET_CODEC_AUTH: 'oidc' })).toThrow(
      configError(
        'invalid codec server environment: ' +
          "DOCKET_CODEC_OIDC_ISSUER: DOCKET_CODEC_OIDC_ISSUER is required when DOCKET_CODEC_AUTH=oidc (the identity provider's issuer URL, exactly as in its tokens' iss); " +
          "DOCKET_CODEC_OIDC_AUDIENCE: DOCKET_CODEC_OIDC_AUDIENCE is required when DOCKET_CODEC_AUTH=oidc (the aud the provider puts in the Temporal UI's access tokens); " +
          'DOCKET_CODEC_OIDC_ALLOWED: DOCKET_CODEC_OIDC_ALLOWED is required when DOCKET_CODEC_AUTH=oidc (comma-separated groups or roles allowed to read case data); ' +
          "DOCKET_CODEC_ALLOWED_ORIGINS: DOCKET_CODEC_ALLOWED_ORIGINS is required when DOCKET_CODEC_AUTH=oidc (the Temporal UI's origin, e.g. https://temporal.example.org)",
      ),
    );
  });

  const oidcEnv = {
    DOCKET_CODEC_AUTH: 'oidc',
    DOCKET_CODEC_OIDC_ISSUER: 'https://login.example.org/realms/docket',
    DOCKET_CODEC_OIDC_AUDIENCE: 'docket-codec',
    DOCKET_CODEC_OIDC_ALLOWED: ' docket-admins , records-officers ',
    DOCKET_CODEC_ALLOWED_ORIGINS: 'https://temporal.example.org',
    DOCKET_CODEC_HOST: '0.0.0.0',
  };

  test('oidc settings, with the groups claim by default and empty variables taken as unset', () => {
    expect(codecServerSettingsFromEnv({ ...oidcEnv, DOCKET_CODEC_OIDC_JWKS_URL: '' })).toEqual({
      host: '0.0.0.0',
      port: 8234,
      allowedOrigins: ['https://temporal.example.org'],
      auth: {
        mode: 'oidc',
        oidc: {
          issuer: 'https://login.example.org/realms/docket',
          audience: 'docket-codec',
          roleClaim: 'groups',
          allowed: ['docket-admins', 'records-officers'],
        },
      },
    });
  });

  test.each<[Record<string, string>, string]>([
    [
      { DOCKET_CODEC_OIDC_ISSUER: 'login.example.org' },
      'DOCKET_CODEC_OIDC_ISSUER: must be a URL like https://',
    ],
    [{ DOCKET_CODEC_OIDC_JWKS_URL: 'certs' }, 'DOCKET_CODEC_OIDC_JWKS_URL: must be a URL like https://'],
    [{ DOCKET_CODEC_OIDC_ALLOWED: ' , ' }, 'DOCKET_CODEC_OIDC_ALLOWED: name at least one group or role'],
    [{ DOCKET_CODEC_TLS_CERT_FILE: '/etc/docket/cert.pem' }, 'must be given together'],
  ])('oidc refuses %j', (overrides, message) => {
    expect(() => codecServerSettingsFromEnv({ ...oidcEnv, ...overrides })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(message) }),
    );
  });

  test('an unreadable TLS file stops main with the variable and path', async () => {
    await expect(
      main({
        DOCKET_CODEC_AUTH: 'loopback',
        DOCKET_CODEC_KEYS: KEYS,
        DOCKET_CODEC_PORT: '0',
        DOCKET_CODEC_TLS_CERT_FILE: '/nonexistent/cert.pem',
        DOCKET_CODEC_TLS_KEY_FILE: '/nonexistent/key.pem',
        DOCKET_LOG_LEVEL: 'silent',
      }),
    ).rejects.toThrow('DOCKET_CODEC_TLS_CERT_FILE: "/nonexistent/cert.pem" cannot be read (ENOENT)');
  });
});

describe('loopback mode', () => {
  let app: FastifyInstance;
  let base: string;
  beforeAll(async () => {
    app = await main({
      DOCKET_CODEC_AUTH: 'loopback',
      DOCKET_CODEC_KEYS: KEYS,
      DOCKET_CODEC_HOST: 'localhost',
      DOCKET_CODEC_PORT: '0',
      TEMPORAL_UI_PORT: String(UI_PORT),
      DOCKET_LOG_LEVEL: 'silent',
    });
    base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  const decode = async (headers: Record<string, string>) =>
    httpRequest(
      { url: `${base}/decode` },
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-namespace': 'default', ...headers },
        body: JSON.stringify(await encryptedBody(codec, input)),
      },
    );

  test('listens only on loopback addresses, even when asked for "localhost"', () => {
    const addresses = app.addresses().map((a) => (a as AddressInfo).address);
    expect(addresses.length).toBeGreaterThan(0);
    expect(addresses.every((address) => address === '127.0.0.1' || address === '::1')).toBe(true);
  });

  test('the UI on either loopback origin, or a process on this machine, decodes with no credential', async () => {
    for (const headers of [{ origin: UI }, { origin: `http://localhost:${UI_PORT}` }, {}] as Array<
      Record<string, string>
    >) {
      const res = await decode(headers);
      expect([headers, res.status]).toEqual([headers, 200]);
      expect(decodedValue(res.body)).toEqual(input);
      if (headers.origin) {
        expect(res.headers['access-control-allow-origin']).toBe(headers.origin);
        expect(res.headers['access-control-allow-credentials']).toBe('true');
      }
    }
  });

  test('the preflight the UI sends (JSON, X-Namespace, credentials) succeeds', async () => {
    for (const origin of [UI, `http://localhost:${UI_PORT}`]) {
      const res = await httpRequest(
        { url: `${base}/decode` },
        {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type,x-namespace',
          },
        },
      );
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(origin);
      expect(res.headers['access-control-allow-credentials']).toBe('true');
      expect(res.headers['access-control-allow-methods']).toBe('POST');
      expect(String(res.headers['access-control-allow-headers']).split(/, */).sort()).toEqual([
        'content-type',
        'x-namespace',
      ]);
    }
  });

  test('a page on another origin gets 403 and nothing decoded', async () => {
    for (const origin of ['https://evil.example', 'http://127.0.0.1:9999', `https://127.0.0.1:${UI_PORT}`]) {
      const res = await decode({ origin });
      expect([origin, res.status]).toEqual([origin, 403]);
      expect(findLeaks(res.body, secrets)).toEqual([]);
      expect(res.body).not.toContain('payloads');
    }
  });

  test('a request addressed to a non-loopback host name (DNS rebinding) gets 403', async () => {
    const port = new URL(base).port;
    for (const host of [`evil.example:${port}`, `127.0.0.1.nip.example:${port}`]) {
      const res = await decode({ host });
      expect([host, res.status]).toEqual([host, 403]);
      expect(res.body).not.toContain('payloads');
    }
    expect((await decode({ host: `localhost:${port}` })).status).toBe(200);
  });

  test('main refuses to listen anywhere but loopback', async () => {
    await expect(
      main({
        DOCKET_CODEC_AUTH: 'loopback',
        DOCKET_CODEC_KEYS: KEYS,
        DOCKET_CODEC_HOST: '0.0.0.0',
        DOCKET_CODEC_PORT: '0',
      }),
    ).rejects.toThrow('DOCKET_CODEC_HOST: "0.0.0.0" is not a loopback address');
  });
});

describe('loopback mode, reached other than over loopback', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'docket-codec-sock-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a connection whose remote address is not loopback gets 403 before anything is read', async () => {
    // A Unix socket stands in for a foreign network peer: its connections carry no loopback address.
    const logLines: string[] = [];
    const app = buildCodecServer({
      keyring,
      auth: { mode: 'loopback' },
      allowedOrigins: [UI],
      logger: createLogger(
        'info',
        new Writable({
          write(chunk: Buffer, _enc, done) {
            logLines.push(chunk.toString('utf8'));
            done();
          },
        }),
      ),
    });
    const socketPath = path.join(dir, 'codec.sock');
    await app.listen({ path: socketPath });
    try {
      for (const [method, url] of [
        ['POST', '/decode'],
        ['GET', '/health'],
      ] as const) {
        const res = await httpRequest(
          { url: `http://localhost${url}`, socketPath },
          {
            method,
            headers: { 'content-type': 'application/json' },
            ...(method === 'POST' ? { body: JSON.stringify(await encryptedBody(codec, input)) } : {}),
          },
        );
        expect([url, res.status]).toEqual([url, 403]);
        expect(JSON.parse(res.body)).toEqual({
          error: 'this codec server answers only requests from this machine',
        });
      }
      expect(logLines.join('')).toContain('"reason":"remote-not-loopback"');
    } finally {
      await app.close();
    }
  });
});
