// The codec server in production mode: it decodes only for a caller whose OIDC access token verifies
// against the identity provider's published keys (issuer, audience, expiry, signature) and whose role
// claim names an allowed group. The provider here is a real HTTP server on 127.0.0.1 publishing a
// discovery document and a JWKS; tokens are signed in the test with jose, as a provider signs them.
// The server is also started from its environment, over TLS: the Temporal UI passes the access token
// only to an https codec endpoint.
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildCodecServer, main } from '../../server/codec/codec-server';
import {
  createAccessTokenVerifier,
  loadJose,
  roleClaimValues,
  type OidcSettings,
} from '../../server/codec/codec-oidc';
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
  selfSignedCertificate,
} from './support';

type Jose = Awaited<ReturnType<typeof loadJose>>;
type PrivateKey = Awaited<ReturnType<Jose['generateKeyPair']>>['privateKey'];

const AUDIENCE = 'docket-codec';
const ADMINS = 'docket-admins';
const UI = 'https://temporal.example.org';
const input = fakeCase('TIX-2025-0042');
const secrets = secretsOf(input);
const keyring = keyringWith('k2025-oidc');
const codec = new EncryptionCodec(keyring);

let jose: Jose;
let provider: Server;
let issuer: string;
/** The provider's published keys; a test may swap them to simulate rotation or an outage. */
let publishedKeys: { keys: object[] } = { keys: [] };
let signingKey: PrivateKey;
let rsaKey: PrivateKey;
let unpublishedKey: PrivateKey;
const providerRequests: string[] = [];

async function token(
  claims: Record<string, unknown>,
  options: {
    key?: PrivateKey;
    kid?: string;
    alg?: string;
    issuer?: string;
    audience?: string | string[];
    expiresAt?: number | string;
  } = {},
): Promise<string> {
  const jwt = new jose.SignJWT({ sub: 'u-7f3a9c', ...claims })
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? 'es-1', typ: 'at+jwt' })
    .setIssuer(options.issuer ?? issuer)
    .setAudience(options.audience ?? AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? '5m');
  return jwt.sign(options.key ?? signingKey);
}

beforeAll(async () => {
  jose = await loadJose();
  const es = await jose.generateKeyPair('ES256');
  const rs = await jose.generateKeyPair('RS256');
  const stranger = await jose.generateKeyPair('ES256');
  signingKey = es.privateKey;
  rsaKey = rs.privateKey;
  unpublishedKey = stranger.privateKey;
  publishedKeys = {
    keys: [
      { ...(await jose.exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' },
      { ...(await jose.exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' },
    ],
  };
  provider = createServer((req, res) => {
    providerRequests.push(req.url ?? '');
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') {
      res.end(
        JSON.stringify({ issuer, jwks_uri: `${issuer}/keys`, authorization_endpoint: `${issuer}/auth` }),
      );
    } else if (req.url === '/keys') {
      res.end(JSON.stringify(publishedKeys));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(provider.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => provider?.close(resolve));
});

function settings(overrides: Partial<OidcSettings> = {}): OidcSettings {
  return {
    issuer,
    audience: AUDIENCE,
    roleClaim: 'groups',
    allowed: [ADMINS, 'records-officers'],
    ...overrides,
  };
}

async function serve(
  oidc: OidcSettings,
  logLines: string[],
): Promise<{ app: FastifyInstance; base: string }> {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  const app = buildCodecServer({
    keyring,
    auth: { mode: 'oidc', verify: createAccessTokenVerifier(oidc) },
    allowedOrigins: [UI],
    logger: createLogger('info', sink),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, base: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

async function decode(base: string, authorization?: string, extra: Record<string, string> = {}) {
  const res = await fetch(`${base}/decode`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-namespace': 'default',
      ...(authorization ? { authorization } : {}),
      ...extra,
    },
    body: JSON.stringify(await encryptedBody(codec, input)),
  });
  return { status: res.status, wwwAuthenticate: res.headers.get('www-authenticate'), body: await res.text() };
}

describe('codec server with OIDC access tokens (JWKS URL configured)', () => {
  const logLines: string[] = [];
  const issued: string[] = [];
  let app: FastifyInstance;
  let base: string;
  const bearer = (jwt: string): string => {
    issued.push(jwt);
    return `Bearer ${jwt}`;
  };
  beforeAll(async () => {
    ({ app, base } = await serve(settings({ jwksUrl: `${issuer}/keys` }), logLines));
  });
  afterAll(async () => {
    await app?.close();
  });

  test('an administrator with a valid token reads the case, as the UI asks for it', async () => {
    const res = await decode(base, bearer(await token({ groups: ['staff', ADMINS] })), {
      origin: UI,
      // The UI sends the ID token beside the access token; it plays no part in the decision.
      'authorization-extras': 'id-token-ignored',
    });
    expect(res.status).toBe(200);
    expect(decodedValue(res.body)).toEqual(input);
    // Any published key will do: the provider may sign with RSA as well.
    const rsa = await decode(
      base,
      bearer(await token({ groups: ADMINS }, { key: rsaKey, kid: 'rs-1', alg: 'RS256' })),
    );
    expect(rsa.status).toBe(200);
    expect(decodedValue(rsa.body)).toEqual(input);
  });

  test.each<[string, () => Promise<string | undefined>, string]>([
    ['no token', async () => undefined, 'token-missing'],
    [
      'an expired token',
      async () => token({ groups: [ADMINS] }, { expiresAt: Math.floor(Date.now() / 1000) - 120 }),
      'token-expired',
    ],
    [
      'a token for another audience',
      async () => token({ groups: [ADMINS] }, { audience: 'temporal-ui' }),
      'wrong-audience',
    ],
    [
      'a token from another issuer',
      async () => token({ groups: [ADMINS] }, { issuer: 'http://127.0.0.1:1/other' }),
      'wrong-issuer',
    ],
    [
      'a token signed by a key the provider never published',
      async () => token({ groups: [ADMINS] }, { key: unpublishedKey, kid: 'es-9' }),
      'unknown-key',
    ],
    [
      'a token signed by another key under a published kid',
      async () => token({ groups: [ADMINS] }, { key: unpublishedKey }),
      'bad-signature',
    ],
    [
      'a token with a symmetric algorithm',
      async () =>
        new jose.SignJWT({ groups: [ADMINS] })
          .setProtectedHeader({ alg: 'HS256', kid: 'es-1' })
          .setIssuer(issuer)
          .setAudience(AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode('x'.repeat(32))),
      'algorithm-not-allowed',
    ],
    [
      'a token without an expiry',
      async () =>
        new jose.SignJWT({ groups: [ADMINS] })
          .setProtectedHeader({ alg: 'ES256', kid: 'es-1' })
          .setIssuer(issuer)
          .setAudience(AUDIENCE)
          .sign(signingKey),
      'claim-invalid',
    ],
    ['something that is not a JWT', async () => 'not-a-jwt', 'token-malformed'],
  ])('%s gets 401 with WWW-Authenticate and no case data', async (_what, make, reason) => {
    const jwt = await make();
    const res = await decode(base, jwt === undefined ? undefined : bearer(jwt));
    expect(res.status).toBe(401);
    expect(res.wwwAuthenticate).toBe(
      reason === 'token-missing'
        ? 'Bearer realm="docket-codec"'
        : 'Bearer realm="docket-codec", error="invalid_token"',
    );
    expect(JSON.parse(res.body)).toEqual(
      reason === 'token-missing'
        ? { error: 'missing bearer token' }
        : { error: 'invalid access token', reason },
    );
    expect(findLeaks(res.body, secrets)).toEqual([]);
    expect(res.body).not.toContain('payloads');
    expect(logLines.join('')).toContain(`"reason":"${reason}"`);
  });

  test.each<[string, Record<string, unknown>]>([
    ['in no allowed group', { groups: ['staff', 'docket-admins-trainee'] }],
    ['with no groups claim', {}],
    ['whose groups claim is not a list of names', { groups: { docket: ADMINS } }],
  ])('a valid token for a user %s gets 403 and no case data', async (_what, claims) => {
    const res = await decode(base, bearer(await token({ ...claims, sub: 'u-outsider-1' })));
    expect(res.status).toBe(403);
    expect(res.wwwAuthenticate).toBe('Bearer realm="docket-codec", error="insufficient_scope"');
    expect(JSON.parse(res.body)).toEqual({
      error: 'not allowed to read case data',
      reason: 'role-not-allowed',
    });
    expect(findLeaks(res.body, secrets)).toEqual([]);
  });

  test('a preflight from the UI origin allows the headers the UI sends with an access token', async () => {
    const res = await fetch(`${base}/decode`, {
      method: 'OPTIONS',
      headers: {
        origin: UI,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,authorization-extras,content-type,x-namespace',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(UI);
    expect(res.headers.get('access-control-allow-headers')?.split(/, */).sort()).toEqual([
      'authorization',
      'authorization-extras',
      'content-type',
      'x-namespace',
    ]);
  });

  test('a valid token from a page on another origin is refused', async () => {
    const res = await decode(base, bearer(await token({ groups: [ADMINS] })), {
      origin: 'https://evil.example',
    });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('payloads');
  });

  test('the log names each refusal and the subject, never a token or case data', () => {
    const logs = logLines.join('');
    expect(logs).toContain('"sub":"u-7f3a9c"');
    expect(logs).toMatch(/"reason":"role-not-allowed","sub":"u-outsider-1".*"msg":"codec request refused"/);
    expect(logs).toMatch(/"sub":"u-7f3a9c".*"msg":"codec request served"/);
    // A forged signature proves nothing, so its sub is not written down.
    expect(
      logLines
        .filter((line) => /"reason":"(unknown-key|bad-signature)"/.test(line))
        .every((line) => !line.includes('"sub"')),
    ).toBe(true);
    expect(issued.length).toBeGreaterThan(10);
    for (const part of issued.flatMap((jwt) => jwt.split('.'))) expect(logs).not.toContain(part);
    expect(logs).not.toContain('id-token-ignored');
    expect(findLeaks(logs, secrets)).toEqual([]);
  });
});

describe('codec server with OIDC discovery', () => {
  test('finds the JWKS through the issuer, and reads a role from a nested claim', async () => {
    const logLines: string[] = [];
    const { app, base } = await serve(settings({ roleClaim: 'realm_access.roles' }), logLines);
    try {
      const before = providerRequests.length;
      const ok = await decode(
        base,
        `Bearer ${await token({ realm_access: { roles: ['offline_access', ADMINS] } })}`,
      );
      expect(ok.status).toBe(200);
      expect(decodedValue(ok.body)).toEqual(input);
      expect(providerRequests.slice(before)).toEqual(['/.well-known/openid-configuration', '/keys']);
      // A top-level claim of the same name does not count: the path is what was configured...
      const flat = await decode(
        base,
        `Bearer ${await token({ groups: [ADMINS], realm_access: { roles: [] } })}`,
      );
      expect(flat.status).toBe(403);
    } finally {
      await app.close();
    }
  });

  test('an issuer whose discovery document names another issuer is unavailable, not trusted', async () => {
    const verify = createAccessTokenVerifier(settings({ issuer: `${issuer}/` }));
    const outcome = await verify(await token({ groups: [ADMINS] }, { issuer: `${issuer}/` }));
    expect(outcome).toEqual({ ok: false, status: 503, reason: 'provider-unavailable' });
  });

  test('a provider that cannot be reached gets 503, and is tried again on the next request', async () => {
    const down = createServer();
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const port = (down.address() as AddressInfo).port;
    await new Promise((resolve) => down.close(resolve));
    const verify = createAccessTokenVerifier(settings({ issuer: `http://127.0.0.1:${port}` }));
    const jwt = await token({ groups: [ADMINS] }, { issuer: `http://127.0.0.1:${port}` });
    expect(await verify(jwt)).toEqual({ ok: false, status: 503, reason: 'provider-unavailable' });
    // The provider comes back on the same address: the failed discovery was not remembered.
    const revived = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/.well-known/openid-configuration') {
        res.end(JSON.stringify({ issuer: `http://127.0.0.1:${port}`, jwks_uri: `${issuer}/keys` }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    await new Promise<void>((resolve) => revived.listen(port, '127.0.0.1', resolve));
    try {
      expect(await verify(jwt)).toEqual({ ok: true, sub: 'u-7f3a9c' });
    } finally {
      await new Promise((resolve) => revived.close(resolve));
    }
  });
});

describe('the role claim', () => {
  test.each<[Record<string, unknown>, string, string[]]>([
    [{ groups: 'docket-admins' }, 'groups', ['docket-admins']],
    [{ groups: ['a', 7, 'b'] }, 'groups', ['a', 'b']],
    [{ realm_access: { roles: ['x'] } }, 'realm_access.roles', ['x']],
    [{ 'https://docket.example/roles': ['y'] }, 'https://docket.example/roles', ['y']],
    [{ realm_access: ['x'] }, 'realm_access.roles', []],
    [{}, 'groups', []],
  ])('%j at %s holds %j', (payload, claim, values) => {
    expect(roleClaimValues(payload, claim)).toEqual(values);
  });
});

describe('main in oidc mode', () => {
  test('serves https, discovers the keys, and decodes only for an allowed token', async () => {
    const tls = selfSignedCertificate();
    const app = await main({
      DOCKET_CODEC_AUTH: 'oidc',
      DOCKET_CODEC_KEYS: `k2025-oidc:${keyring.currentKey.toString('base64')}`,
      DOCKET_CODEC_HOST: '127.0.0.1',
      DOCKET_CODEC_PORT: '0',
      DOCKET_CODEC_OIDC_ISSUER: issuer,
      DOCKET_CODEC_OIDC_AUDIENCE: AUDIENCE,
      DOCKET_CODEC_OIDC_ROLE_CLAIM: 'realm_access.roles',
      DOCKET_CODEC_OIDC_ALLOWED: `records-officers,${ADMINS}`,
      DOCKET_CODEC_ALLOWED_ORIGINS: UI,
      DOCKET_CODEC_TLS_CERT_FILE: tls.certFile,
      DOCKET_CODEC_TLS_KEY_FILE: tls.keyFile,
      DOCKET_LOG_LEVEL: 'silent',
    });
    try {
      const url = `https://127.0.0.1:${(app.server.address() as AddressInfo).port}/decode`;
      const body = JSON.stringify(await encryptedBody(codec, input));
      const post = (authorization?: string) =>
        httpRequest(
          { url, ca: tls.cert },
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              origin: UI,
              ...(authorization ? { authorization } : {}),
            },
            body,
          },
        );
      const admin = await post(`Bearer ${await token({ realm_access: { roles: [ADMINS] } })}`);
      expect(admin.status).toBe(200);
      expect(decodedValue(admin.body)).toEqual(input);
      const clerk = await post(`Bearer ${await token({ realm_access: { roles: ['clerks'] } })}`);
      expect(clerk.status).toBe(403);
      expect(findLeaks(clerk.body, secrets)).toEqual([]);
      const anonymous = await post();
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toBe('Bearer realm="docket-codec"');
    } finally {
      await app.close();
      rmSync(tls.dir, { recursive: true, force: true });
    }
  });
});
