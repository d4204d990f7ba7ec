// The codec server: lets an authorised administrator read Docket's encrypted payloads in the Temporal
// UI (and `temporal` CLI). It speaks Temporal's remote codec protocol: POST <endpoint>/decode and
// <endpoint>/encode with a JSON body `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`,
// answering in the same shape. Only the last path segment selects the operation, so the server can
// be mounted under any prefix. The UI sends the namespace in `X-Namespace`.
//
// Decrypting is exactly what an attacker wants, so who may ask is decided by one of three modes
// (DOCKET_CODEC_AUTH):
// - loopback: no credential. For the embedded system (`npm run up`), where the dev server's UI sends
//   none: it passes an access token only when it has signed a user in with OIDC, and only to an
//   https endpoint. What makes it safe is that everything is on one machine, so the mode enforces
//   that: it listens only on a loopback address, and refuses any connection from elsewhere and any
//   request addressed to a non-loopback host name (a DNS-rebinding page).
// - oidc: production. The Temporal UI signs administrators in with OIDC and passes their access token
//   (`codec.passAccessToken: true`); the token must verify against the provider's keys and its
//   role claim must name an allowed group.
// - tokens: bearer tokens for the CLI and scripts, or a session cookie obtained by presenting a
//   token once at /session.
// In every mode a browser request must come from one of the configured UI origins.
//
// Nothing here logs payload content or credentials: not bodies, not decoded values, not tokens, not
// codec or parser messages that might quote them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import cors from '@fastify/cors';
import type { Payload } from '@temporalio/common';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { z } from 'zod';
import { type AccessTokenVerifier, createAccessTokenVerifier, type OidcSettings } from './codec-oidc';
import { CodecError, EncryptionCodec } from '../../infra/codec';
import { loadKeyring, type Keyring } from '../../infra/keys';
import { createLogger, type Logger } from '../../infra/logger';

export const DEFAULT_CODEC_PORT = 8234;
export const SESSION_COOKIE = 'docket_codec_session';
/** Temporal payloads are capped at 2 MB each; the UI may send several in one request. */
const BODY_LIMIT_BYTES = 16 * 1024 * 1024;
const MIN_TOKEN_LENGTH = 24;
const MAX_SESSIONS = 1_000;

export class CodecServerConfigError extends Error {
  readonly code = 'CODEC_SERVER_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'CodecServerConfigError';
  }
}

export const CODEC_AUTH_MODES = ['loopback', 'oidc', 'tokens'] as const;
export type CodecAuthMode = (typeof CODEC_AUTH_MODES)[number];

export type CodecAuth =
  | {
      mode: 'tokens';
      /** Bearer tokens that may use the server (at least one; each at least 24 characters). */
      tokens: readonly string[];
      /** How long a /session cookie stays valid (default 8 hours). */
      sessionTtlMs?: number;
      /** Clock, for tests of session expiry. */
      now?: () => number;
    }
  | { mode: 'loopback' }
  | { mode: 'oidc'; verify: AccessTokenVerifier };

export interface CodecServerOptions {
  keyring: Keyring;
  auth: CodecAuth;
  /** Browser origins allowed by CORS, e.g. the Temporal UI's `http://127.0.0.1:8233`. */
  allowedOrigins?: readonly string[];
  /** Where request logs go; silent when omitted. */
  logger?: Logger;
  /** PEM key and certificate: serve https (the UI passes an access token only to an https endpoint). */
  tls?: { key: Buffer | string; cert: Buffer | string };
}

/** 127.0.0.0/8, ::1, and IPv4 loopback mapped into IPv6 (as a dual-stack socket reports it). */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;
  const plain = address.replace(/^\[(.*)\]$/, '$1');
  if (isIP(plain) === 4) return plain.split('.')[0] === '127';
  if (isIP(plain) !== 6) return false;
  // The URL parser writes every spelling of an IPv6 address in one canonical form.
  const canonical = new URL(`http://[${plain}]/`).hostname;
  return canonical === '[::1]' || /^\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\]$/.test(canonical);
}

/** A host name that can only mean this machine: `localhost` or a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost') || isLoopbackAddress(name);
}

export function defaultAllowedOrigins(uiPort: number | string = 8233): string[] {
  return [`http://127.0.0.1:${uiPort}`, `http://localhost:${uiPort}`];
}

/** `http://host:port/` and `http://host:port` are the same origin; a path or a wildcard is a mistake. */
function normaliseOrigin(origin: string): string {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new CodecServerConfigError(`allowed origin "${origin}" is not a URL like http://127.0.0.1:8233`);
  }
  if (url.origin === 'null' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new CodecServerConfigError(`allowed origin "${origin}" must be scheme://host[:port] with no path`);
  }
  return url.origin;
}

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * True if `candidate` equals one of the tokens. Comparing fixed-length digests with timingSafeEqual,
 * and always against every token, keeps response time independent of how much of a guess was right.
 */
function makeTokenCheck(tokens: readonly string[]): (candidate: string) => boolean {
  const digests = tokens.map(sha256);
  return (candidate) => {
    const digest = sha256(candidate);
    let match = false;
    for (const known of digests) match = timingSafeEqual(digest, known) || match;
    return match;
  };
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function cookieValue(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** In-memory sessions, keyed by a digest of the cookie value so the store itself holds no usable secret. */
function makeSessionStore(ttlMs: number, now: () => number) {
  const sessions = new Map<string, number>();
  const key = (id: string): string => sha256(id).toString('hex');
  const prune = (): void => {
    const at = now();
    for (const [id, expires] of sessions) if (expires <= at) sessions.delete(id);
  };
  return {
    create(): string {
      prune();
      // Oldest first: Map keeps insertion order.
      while (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value as string);
      const id = randomBytes(32).toString('base64url');
      sessions.set(key(id), now() + ttlMs);
      return id;
    },
    valid(id: string): boolean {
      const expires = sessions.get(key(id));
      return expires !== undefined && expires > now();
    },
    end(id: string): void {
      sessions.delete(key(id));
    },
  };
}

const base64 = z.string().regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const bodySchema = z.object({
  payloads: z.array(
    z.object({
      metadata: z.record(z.string(), base64).nullish(),
      data: base64.nullish(),
    }),
  ),
});

type JsonPayload = { metadata?: Record<string, string>; data?: string };

function fromJson(payload: z.infer<typeof bodySchema>['payloads'][number]): Payload {
  return {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')]),
    ),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

/** Proto3 JSON: bytes as base64, empty fields omitted. */
function toJson(payload: Payload): JsonPayload {
  const json: JsonPayload = {
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value).toString('base64'),
      ]),
    ),
  };
  if (payload.data && payload.data.length > 0) json.data = Buffer.from(payload.data).toString('base64');
  return json;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>${body}</body></html>`;
}

const SESSION_FORM = page(
  'Docket codec server',
  '<h1>Docket codec server</h1><p>Enter a codec token to let the Temporal UI in this browser decrypt case data.</p>' +
    '<form method="post" action="session"><input type="password" name="token" autocomplete="off" size="48" required> ' +
    '<button type="submit">Sign in</button></form>',
);

type Hook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

const REALM = 'Bearer realm="docket-codec"';

function checkTokens(tokens: readonly string[]): void {
  if (tokens.length === 0) {
    throw new CodecServerConfigError('no codec server tokens: set DOCKET_CODEC_TOKENS');
  }
  tokens.forEach((token, index) => {
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new CodecServerConfigError(
        `codec server token ${index + 1} must be at least ${MIN_TOKEN_LENGTH} characters without spaces ` +
          '(e.g. `openssl rand -base64 32`)',
      );
    }
  });
}

/** Headers the UI may send: it adds the ID token as Authorization-Extras when it passes an access token. */
const CORS_HEADERS: Record<CodecAuthMode, string[]> = {
  loopback: ['content-type', 'x-namespace'],
  oidc: ['authorization', 'authorization-extras', 'content-type', 'x-namespace'],
  tokens: ['authorization', 'content-type', 'x-namespace'],
};

export function buildCodecServer(options: CodecServerOptions): FastifyInstance {
  const { auth } = options;
  if (auth.mode === 'tokens') checkTokens(auth.tokens);
  const allowedOrigins = new Set((options.allowedOrigins ?? defaultAllowedOrigins()).map(normaliseOrigin));
  if (auth.mode === 'loopback') {
    for (const origin of allowedOrigins) {
      if (!isLoopbackHost(new URL(origin).hostname)) {
        throw new CodecServerConfigError(
          `allowed origin "${origin}" is not on this machine: DOCKET_CODEC_AUTH=loopback serves only a UI ` +
            'on a loopback address (http://127.0.0.1:<port> or http://localhost:<port>)',
        );
      }
    }
  }
  const codec = new EncryptionCodec(options.keyring);
  /** Who a verified OIDC token belongs to, for the log line of the request it authorised. */
  const subjects = new WeakMap<FastifyRequest, string>();

  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    ...(options.tls ? { https: { key: options.tls.key, cert: options.tls.cert } } : {}),
    // Typed as fastify's base logger so the instance has the plain FastifyInstance type callers expect.
    ...(options.logger
      ? { loggerInstance: options.logger.child({ component: 'codec-server' }) as FastifyBaseLogger }
      : { logger: false }),
  }) as unknown as FastifyInstance;

  void app.register(cors, {
    // Credentials (cookie or Authorization) are allowed, so the origin must be named, never "*".
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
    credentials: true,
    methods: ['POST'],
    allowedHeaders: CORS_HEADERS[auth.mode],
    maxAge: 600,
  });

  // Errors are answered and logged by code only: a JSON parser's message can quote the body, which
  // for /encode is plaintext case data.
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof CodecError) {
      request.log.warn({ code: error.code, keyId: error.keyId }, 'payload could not be decoded');
      return reply.code(422).send({ error: error.message, code: error.code });
    }
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    request.log[status === 500 ? 'error' : 'warn'](
      { code: error.code, errorName: error.name },
      'request failed',
    );
    return reply.code(status).send({
      error: status === 500 ? 'internal error' : 'bad request',
      ...(error.code ? { code: error.code } : {}),
    });
  });

  /**
   * Runs before the body is even parsed, so an unauthenticated caller cannot make the server read
   * its payload. A request carrying a foreign Origin is refused outright rather than merely left
   * without CORS headers: a browser would still have sent a "simple" cross-site POST.
   */
  const requireOrigin: Hook = async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      request.log.warn({ origin }, 'codec request from a disallowed origin');
      await reply.code(403).send({ error: 'origin not allowed' });
    }
  };

  let authenticate: Hook;
  if (auth.mode === 'tokens') {
    authenticate = registerTokenAuth(app, auth, requireOrigin);
  } else if (auth.mode === 'oidc') {
    authenticate = async (request, reply) => {
      await requireOrigin(request, reply);
      if (reply.sent) return;
      const token = bearerToken(request);
      if (token === undefined) {
        request.log.warn({ reason: 'token-missing' }, 'codec request refused');
        await reply.code(401).header('www-authenticate', REALM).send({ error: 'missing bearer token' });
        return;
      }
      const outcome = await auth.verify(token);
      if (outcome.ok) {
        if (outcome.sub !== undefined) subjects.set(request, outcome.sub);
        return;
      }
      request.log.warn({ reason: outcome.reason, sub: outcome.sub }, 'codec request refused');
      if (outcome.status === 401) {
        await reply
          .code(401)
          .header('www-authenticate', `${REALM}, error="invalid_token"`)
          .send({ error: 'invalid access token', reason: outcome.reason });
      } else if (outcome.status === 403) {
        await reply
          .code(403)
          .header('www-authenticate', `${REALM}, error="insufficient_scope"`)
          .send({ error: 'not allowed to read case data', reason: outcome.reason });
      } else {
        await reply.code(503).send({ error: 'identity provider unavailable', reason: outcome.reason });
      }
    };
  } else {
    // Every route, /health and CORS preflights included: nothing here answers a stranger.
    app.addHook('onRequest', async (request, reply) => {
      const reason = !isLoopbackAddress(request.raw.socket.remoteAddress)
        ? 'remote-not-loopback'
        : !isLoopbackHost(hostnameOf(request.host))
          ? 'host-not-loopback'
          : undefined;
      if (reason === undefined) return;
      request.log.warn({ reason }, 'codec request refused');
      await reply.code(403).send({ error: 'this codec server answers only requests from this machine' });
    });
    authenticate = requireOrigin;
  }

  const convert = async (operation: 'encode' | 'decode', request: FastifyRequest, reply: FastifyReply) => {
    const parsed = bodySchema.safeParse(request.body);
    if (!parsed.success) {
      return reply
        .code(400)
        .send({ error: 'body must be { payloads: [{ metadata: { key: base64 }, data: base64 }] }' });
    }
    const payloads = parsed.data.payloads.map(fromJson);
    const converted = operation === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
    const namespace = request.headers['x-namespace'];
    const sub = subjects.get(request);
    request.log.info(
      { operation, namespace, count: payloads.length, ...(sub === undefined ? {} : { sub }) },
      'codec request served',
    );
    return reply.send({ payloads: converted.map(toJson) });
  };

  app.get('/health', async () => ({ status: 'ok' }));

  // The protocol says to look only at the final path segment, so /decode, /default/decode and
  // /codec/decode all work; anything else is 404.
  app.post('/*', { onRequest: authenticate }, async (request, reply) => {
    const last = request.url.split('?')[0]?.split('/').filter(Boolean).pop();
    if (last === 'decode' || last === 'encode') return convert(last, request, reply);
    return reply.code(404).send({ error: 'not found' });
  });

  return app;
}

/** `127.0.0.1:8234` -> `127.0.0.1`, `[::1]:8234` -> `::1`; an unparseable Host is no host at all. */
function hostnameOf(host: string): string {
  try {
    return new URL(`http://${host}/`).hostname;
  } catch {
    return '';
  }
}

/**
 * Token mode: a bearer token, or a session cookie from presenting one at /session (for a browser
 * whose UI sends no Authorization header). Registers the session routes and returns the hook that
 * guards the codec routes.
 */
function registerTokenAuth(
  app: FastifyInstance,
  auth: Extract<CodecAuth, { mode: 'tokens' }>,
  requireOrigin: Hook,
): Hook {
  const tokenMatches = makeTokenCheck(auth.tokens);
  const now = auth.now ?? Date.now;
  const sessionTtlMs = auth.sessionTtlMs ?? 8 * 60 * 60 * 1000;
  const sessions = makeSessionStore(sessionTtlMs, now);

  // The login form posts application/x-www-form-urlencoded; fastify parses only JSON by default.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  /**
   * The sign-in form is served by this server, and browsers send an Origin header with its POST, so
   * /session also accepts the server's own origin (as the browser addressed it).
   */
  const requireOwnOrAllowedOrigin: Hook = async (request, reply) => {
    if (request.headers.origin === `${request.protocol}://${request.host}`) return;
    await requireOrigin(request, reply);
  };
  const requireToken: Hook = async (request, reply) => {
    await requireOrigin(request, reply);
    if (reply.sent) return;
    const token = bearerToken(request);
    if (token !== undefined && tokenMatches(token)) return;
    const session = cookieValue(request, SESSION_COOKIE);
    if (token === undefined && session !== undefined && sessions.valid(session)) return;
    request.log.warn(
      {
        reason: token === undefined && session === undefined ? 'token-missing' : 'credentials-invalid',
        hasToken: token !== undefined,
        hasSession: session !== undefined,
      },
      'codec request refused',
    );
    await reply
      .code(401)
      .header('www-authenticate', REALM)
      .send({
        error: token === undefined && session === undefined ? 'missing bearer token' : 'invalid credentials',
      });
  };

  app.get('/session', async (_request, reply) => reply.type('text/html; charset=utf-8').send(SESSION_FORM));

  app.post('/session', { onRequest: requireOwnOrAllowedOrigin }, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = bearerToken(request) ?? (typeof body.token === 'string' ? body.token : undefined);
    if (token === undefined || !tokenMatches(token)) {
      request.log.warn({ hasToken: token !== undefined }, 'codec session refused');
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(
          page(
            'Docket codec server',
            '<p>That token is not valid.</p><p><a href="session">Try again</a></p>',
          ),
        );
    }
    const id = sessions.create();
    const secure = request.protocol === 'https' ? '; Secure' : '';
    request.log.info('codec session started');
    return reply
      .header(
        'set-cookie',
        `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${Math.floor(sessionTtlMs / 1000)}${secure}`,
      )
      .type('text/html; charset=utf-8')
      .send(
        page(
          'Docket codec server',
          '<p>Signed in. In the Temporal UI, set the codec endpoint to this server and turn on ' +
            '"Include cross-origin credentials".</p>',
        ),
      );
  });

  app.post('/session/end', { onRequest: requireOwnOrAllowedOrigin }, async (request, reply) => {
    const session = cookieValue(request, SESSION_COOKIE);
    if (session !== undefined) sessions.end(session);
    return reply
      .header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`)
      .send({ status: 'signed out' });
  });

  return requireToken;
}

const commaList = (value: string): string[] =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

const MODE_HELP =
  'choose loopback (no credential; only for a UI and codec server both bound to 127.0.0.1, as `npm run up` runs them), ' +
  "oidc (verify the Temporal UI's OIDC access token; production) or tokens (bearer tokens from DOCKET_CODEC_TOKENS; CLI and scripts)";

/** Settings every mode shares. */
const commonEnvSchema = z
  .object({
    DOCKET_CODEC_AUTH: z.enum(CODEC_AUTH_MODES, {
      error: (issue) =>
        issue.input === undefined
          ? `not set (and no DOCKET_CODEC_TOKENS): ${MODE_HELP}`
          : `"${String(issue.input)}" is not a mode: ${MODE_HELP}`,
    }),
    DOCKET_CODEC_HOST: z.string().min(1).default('127.0.0.1'),
    DOCKET_CODEC_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_CODEC_PORT),
    /** Comma-separated origins; defaults to the dev server's UI on TEMPORAL_UI_PORT (8233). */
    DOCKET_CODEC_ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((value) => (value === undefined ? undefined : commaList(value))),
    TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
    /** PEM files: with both, the server speaks https. */
    DOCKET_CODEC_TLS_CERT_FILE: z.string().optional(),
    DOCKET_CODEC_TLS_KEY_FILE: z.string().optional(),
  })
  .refine((env) => Boolean(env.DOCKET_CODEC_TLS_CERT_FILE) === Boolean(env.DOCKET_CODEC_TLS_KEY_FILE), {
    path: ['DOCKET_CODEC_TLS_CERT_FILE'],
    message: 'DOCKET_CODEC_TLS_CERT_FILE and DOCKET_CODEC_TLS_KEY_FILE must be given together',
  });

const tokensEnvSchema = z.object({
  /** Comma-separated bearer tokens. */
  DOCKET_CODEC_TOKENS: z
    .string({ error: 'DOCKET_CODEC_TOKENS is required (comma-separated bearer tokens)' })
    .transform(commaList),
});

const loopbackEnvSchema = z.object({
  DOCKET_CODEC_HOST: z
    .string()
    .default('127.0.0.1')
    .refine(isLoopbackHost, {
      error: (issue) =>
        `"${String(issue.input)}" is not a loopback address: DOCKET_CODEC_AUTH=loopback trusts whoever can ` +
        'connect, so it listens only on 127.0.0.1, ::1 or localhost',
    }),
});

const required = (name: string, what: string) =>
  z.string({ error: `${name} is required when DOCKET_CODEC_AUTH=oidc (${what})` }).min(1);

const oidcEnvSchema = z.object({
  DOCKET_CODEC_OIDC_ISSUER: required(
    'DOCKET_CODEC_OIDC_ISSUER',
    "the identity provider's issuer URL, exactly as in its tokens' iss",
  ).pipe(z.url({ error: 'must be a URL like https://login.example.org/realms/docket' })),
  DOCKET_CODEC_OIDC_AUDIENCE: required(
    'DOCKET_CODEC_OIDC_AUDIENCE',
    "the aud the provider puts in the Temporal UI's access tokens",
  ),
  DOCKET_CODEC_OIDC_JWKS_URL: z
    .url({
      error: 'must be a URL like https://login.example.org/realms/docket/protocol/openid-connect/certs',
    })
    .optional(),
  DOCKET_CODEC_OIDC_ROLE_CLAIM: z.string().min(1).default('groups'),
  DOCKET_CODEC_OIDC_ALLOWED: required(
    'DOCKET_CODEC_OIDC_ALLOWED',
    'comma-separated groups or roles allowed to read case data',
  )
    .transform(commaList)
    .pipe(z.array(z.string()).min(1, 'name at least one group or role')),
  DOCKET_CODEC_ALLOWED_ORIGINS: required(
    'DOCKET_CODEC_ALLOWED_ORIGINS',
    "the Temporal UI's origin, e.g. https://temporal.example.org",
  ),
});

export type CodecAuthSettings =
  { mode: 'tokens'; tokens: string[] } | { mode: 'loopback' } | { mode: 'oidc'; oidc: OidcSettings };

export interface CodecServerSettings {
  host: string;
  port: number;
  allowedOrigins: string[];
  tls?: { certFile: string; keyFile: string };
  auth: CodecAuthSettings;
}

function parseOrThrow<S extends z.ZodType>(schema: S, env: Record<string, string>): z.output<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new CodecServerConfigError(`invalid codec server environment: ${problems.join('; ')}`);
}

/**
 * Reads the codec server's environment once. Without DOCKET_CODEC_AUTH the mode is `tokens` when
 * DOCKET_CODEC_TOKENS is set (what deployments made before the modes existed configure), and
 * otherwise an error that names the three modes: no mode is assumed where trust would be.
 * Empty variables count as unset, as compose files leave them.
 */
export function codecServerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CodecServerSettings {
  const present: Record<string, string> = {};
  for (const [key, value] of Object.entries(env))
    if (value !== undefined && value !== '') present[key] = value;
  if (present.DOCKET_CODEC_AUTH === undefined && present.DOCKET_CODEC_TOKENS !== undefined) {
    present.DOCKET_CODEC_AUTH = 'tokens';
  }
  const common = parseOrThrow(commonEnvSchema, present);
  const settings = {
    host: common.DOCKET_CODEC_HOST,
    port: common.DOCKET_CODEC_PORT,
    allowedOrigins: common.DOCKET_CODEC_ALLOWED_ORIGINS ?? defaultAllowedOrigins(common.TEMPORAL_UI_PORT),
    ...(common.DOCKET_CODEC_TLS_CERT_FILE && common.DOCKET_CODEC_TLS_KEY_FILE
      ? { tls: { certFile: common.DOCKET_CODEC_TLS_CERT_FILE, keyFile: common.DOCKET_CODEC_TLS_KEY_FILE } }
      : {}),
  };
  switch (common.DOCKET_CODEC_AUTH) {
    case 'tokens':
      return {
        ...settings,
        auth: { mode: 'tokens', tokens: parseOrThrow(tokensEnvSchema, present).DOCKET_CODEC_TOKENS },
      };
    case 'loopback':
      parseOrThrow(loopbackEnvSchema, present);
      return { ...settings, auth: { mode: 'loopback' } };
    case 'oidc': {
      const oidc = parseOrThrow(oidcEnvSchema, present);
      return {
        ...settings,
        auth: {
          mode: 'oidc',
          oidc: {
            issuer: oidc.DOCKET_CODEC_OIDC_ISSUER,
            audience: oidc.DOCKET_CODEC_OIDC_AUDIENCE,
            ...(oidc.DOCKET_CODEC_OIDC_JWKS_URL ? { jwksUrl: oidc.DOCKET_CODEC_OIDC_JWKS_URL } : {}),
            roleClaim: oidc.DOCKET_CODEC_OIDC_ROLE_CLAIM,
            allowed: oidc.DOCKET_CODEC_OIDC_ALLOWED,
          },
        },
      };
    }
  }
}

function readPem(path: string, variable: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new CodecServerConfigError(
      `${variable}: "${path}" cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}

/** Starts the codec server from the environment; resolves to the listening instance. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<FastifyInstance> {
  const settings = codecServerSettingsFromEnv(env);
  const logger = createLogger(env.DOCKET_LOG_LEVEL ?? 'info');
  const auth: CodecAuth =
    settings.auth.mode === 'oidc'
      ? { mode: 'oidc', verify: createAccessTokenVerifier(settings.auth.oidc) }
      : settings.auth;
  const app = buildCodecServer({
    keyring: loadKeyring(env),
    auth,
    allowedOrigins: settings.allowedOrigins,
    logger,
    ...(settings.tls
      ? {
          tls: {
            cert: readPem(settings.tls.certFile, 'DOCKET_CODEC_TLS_CERT_FILE'),
            key: readPem(settings.tls.keyFile, 'DOCKET_CODEC_TLS_KEY_FILE'),
          },
        }
      : {}),
  });
  await app.listen({ host: settings.host, port: settings.port });
  const addresses = app
    .addresses()
    .map((address) => (typeof address === 'string' ? address : address.address));
  if (settings.auth.mode === 'loopback' && !addresses.every(isLoopbackAddress)) {
    // `localhost` resolving somewhere else is the one way past the check on DOCKET_CODEC_HOST.
    await app.close();
    throw new CodecServerConfigError(
      `DOCKET_CODEC_HOST "${settings.host}" resolved to ${addresses.join(', ')}, which is not loopback: ` +
        'DOCKET_CODEC_AUTH=loopback listens only on this machine',
    );
  }
  logger.info(
    { component: 'codec-server', auth: settings.auth.mode, addresses, tls: Boolean(settings.tls) },
    'codec server listening',
  );
  if (settings.auth.mode === 'oidc') {
    const keysAt = new URL(settings.auth.oidc.jwksUrl ?? settings.auth.oidc.issuer);
    if (keysAt.protocol === 'http:' && !isLoopbackHost(keysAt.hostname)) {
      // Whoever can alter that traffic can publish a key and sign an administrator's token.
      logger.warn(
        { component: 'codec-server', keysHost: keysAt.host },
        "the identity provider's signing keys are fetched over plain http: use https",
      );
    }
  }
  if (settings.auth.mode === 'oidc' && !settings.tls) {
    logger.warn(
      { component: 'codec-server' },
      'the Temporal UI passes access tokens only to an https codec endpoint: set DOCKET_CODEC_TLS_CERT_FILE ' +
        'and DOCKET_CODEC_TLS_KEY_FILE, or serve this server behind a TLS proxy',
    );
  }
  return app;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // Config errors are written to be read; print only the message (no stack, no environment).
    process.stderr.write(`docket codec server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
