// The codec server: lets an authorised administrator read Docket's encrypted payloads in the Temporal
// UI (and `temporal` CLI). It speaks Temporal's remote codec protocol: POST <endpoint>/decode and
// <endpoint>/encode with a JSON body `{ payloads: [{ metadata: { key: base64 }, data: base64 }] }`,
// answering in the same shape. Only the last path segment selects the operation, so the server can
// be mounted under any prefix. The UI sends the namespace in `X-Namespace`.
//
// Decrypting is exactly what an attacker wants, so every codec request must prove it holds one of
// the configured tokens, either as `Authorization: Bearer <token>` (CLI, scripts, a UI behind OIDC
// with "pass access token") or through a session cookie obtained by presenting the token once at
// /session. The cookie exists because the Temporal UI only sends an Authorization header when it has
// an OIDC access token of its own (and an https codec endpoint); the dev server's UI has neither,
// but it does send cookies when "Include cross-origin credentials" is on in its codec settings.
//
// Nothing here logs payload content: not bodies, not decoded values, not codec or parser messages
// that might quote them.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import cors from '@fastify/cors';
import type { Payload } from '@temporalio/common';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { z } from 'zod';
import { CodecError, EncryptionCodec } from '../worker/codec';
import { loadKeyring, type Keyring } from '../worker/keys';
import { createLogger, type Logger } from '../worker/logger';

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

export interface CodecServerOptions {
  keyring: Keyring;
  /** Bearer tokens that may use the server (at least one; each at least 24 characters). */
  tokens: readonly string[];
  /** Browser origins allowed by CORS, e.g. the Temporal UI's `http://127.0.0.1:8233`. */
  allowedOrigins?: readonly string[];
  /** Where request logs go; silent when omitted. */
  logger?: Logger;
  /** How long a /session cookie stays valid (default 8 hours). */
  sessionTtlMs?: number;
  /** Clock, for tests of session expiry. */
  now?: () => number;
  /**
   * Serve https with this certificate. The Temporal UI passes the signed-in person's access token
   * only to an https codec endpoint.
   */
  https?: { cert: Buffer; key: Buffer };
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

export function buildCodecServer(options: CodecServerOptions): FastifyInstance {
  const tokens = [...options.tokens];
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
  const allowedOrigins = new Set((options.allowedOrigins ?? defaultAllowedOrigins()).map(normaliseOrigin));
  const tokenMatches = makeTokenCheck(tokens);
  const now = options.now ?? Date.now;
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 60 * 60 * 1000;
  const sessions = makeSessionStore(sessionTtlMs, now);
  const codec = new EncryptionCodec(options.keyring);

  const app = Fastify({
    ...(options.https ? { https: options.https } : {}),
    bodyLimit: BODY_LIMIT_BYTES,
    // Typed as fastify's base logger so the instance has the plain FastifyInstance type callers expect.
    ...(options.logger
      ? { loggerInstance: options.logger.child({ component: 'codec-server' }) as FastifyBaseLogger }
      : { logger: false }),
  });

  void app.register(cors, {
    // Credentials (cookie or Authorization) are allowed, so the origin must be named, never "*".
    origin: (origin, callback) => callback(null, origin !== undefined && allowedOrigins.has(origin)),
    credentials: true,
    methods: ['POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-namespace'],
    maxAge: 600,
  });

  // The login form posts application/x-www-form-urlencoded; fastify parses only JSON by default.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
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
  const requireOrigin = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const origin = request.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) {
      request.log.warn({ origin }, 'codec request from a disallowed origin');
      await reply.code(403).send({ error: 'origin not allowed' });
    }
  };
  /**
   * The sign-in form is served by this server, and browsers send an Origin header with its POST, so
   * /session also accepts the server's own origin (as the browser addressed it).
   */
  const requireOwnOrAllowedOrigin = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.headers.origin === `${request.protocol}://${request.host}`) return;
    await requireOrigin(request, reply);
  };
  const requireToken = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await requireOrigin(request, reply);
    if (reply.sent) return;
    const token = bearerToken(request);
    if (token !== undefined && tokenMatches(token)) return;
    const session = cookieValue(request, SESSION_COOKIE);
    if (token === undefined && session !== undefined && sessions.valid(session)) return;
    request.log.warn(
      { hasToken: token !== undefined, hasSession: session !== undefined },
      'codec request refused',
    );
    await reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="docket-codec"')
      .send({
        error: token === undefined && session === undefined ? 'missing bearer token' : 'invalid credentials',
      });
  };

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
    request.log.info({ operation, namespace, count: payloads.length }, 'codec request served');
    return reply.send({ payloads: converted.map(toJson) });
  };

  app.get('/health', async () => ({ status: 'ok' }));

  // The protocol says to look only at the final path segment, so /decode, /default/decode and
  // /codec/decode all work; anything else is 404.
  app.post('/*', { onRequest: requireToken }, async (request, reply) => {
    const last = request.url.split('?')[0]?.split('/').filter(Boolean).pop();
    if (last === 'decode' || last === 'encode') return convert(last, request, reply);
    return reply.code(404).send({ error: 'not found' });
  });

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

  return app;
}

/** The codec server's environment, as a zod fragment the process config can adopt. */
export const codecServerEnvSchema = z
  .object({
    DOCKET_CODEC_HOST: z.string().min(1).default('127.0.0.1'),
    DOCKET_CODEC_PORT: z.coerce.number().int().min(0).max(65535).default(DEFAULT_CODEC_PORT),
    /** Comma-separated bearer tokens. */
    DOCKET_CODEC_TOKENS: z
      .string({ error: 'DOCKET_CODEC_TOKENS is required (comma-separated bearer tokens)' })
      .transform((value) =>
        value
          .split(',')
          .map((token) => token.trim())
          .filter((token) => token !== ''),
      ),
    /** Comma-separated origins; defaults to the dev server's UI on TEMPORAL_UI_PORT (8233). */
    DOCKET_CODEC_ALLOWED_ORIGINS: z
      .string()
      .optional()
      .transform((value) =>
        value
          ?.split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin !== ''),
      ),
    TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
    /** PEM certificate (chain) and private key files: the server speaks https when both are set. */
    DOCKET_CODEC_TLS_CERT_FILE: z.string().min(1).optional(),
    DOCKET_CODEC_TLS_KEY_FILE: z.string().min(1).optional(),
  })
  .refine((env) => Boolean(env.DOCKET_CODEC_TLS_CERT_FILE) === Boolean(env.DOCKET_CODEC_TLS_KEY_FILE), {
    message: 'DOCKET_CODEC_TLS_CERT_FILE and DOCKET_CODEC_TLS_KEY_FILE must be set together',
    path: ['DOCKET_CODEC_TLS_CERT_FILE'],
  });

export type CodecServerSettings = z.infer<typeof codecServerEnvSchema>;

export function codecServerSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): CodecServerSettings {
  const result = codecServerEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new CodecServerConfigError(`invalid codec server environment: ${problems.join('; ')}`);
  }
  return result.data;
}

/** Starts the codec server from the environment; resolves to the listening instance. */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<FastifyInstance> {
  const settings = codecServerSettingsFromEnv(env);
  const logger = createLogger(env.DOCKET_LOG_LEVEL ?? 'info');
  const readPem = (name: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new CodecServerConfigError(
        `${name}=${file} cannot be read: ${(err as NodeJS.ErrnoException).code}`,
      );
    }
  };
  const https =
    settings.DOCKET_CODEC_TLS_CERT_FILE && settings.DOCKET_CODEC_TLS_KEY_FILE
      ? {
          cert: readPem('DOCKET_CODEC_TLS_CERT_FILE', settings.DOCKET_CODEC_TLS_CERT_FILE),
          key: readPem('DOCKET_CODEC_TLS_KEY_FILE', settings.DOCKET_CODEC_TLS_KEY_FILE),
        }
      : undefined;
  const app = buildCodecServer({
    ...(https ? { https } : {}),
    keyring: loadKeyring(env),
    tokens: settings.DOCKET_CODEC_TOKENS,
    allowedOrigins: settings.DOCKET_CODEC_ALLOWED_ORIGINS ?? defaultAllowedOrigins(settings.TEMPORAL_UI_PORT),
    logger,
  });
  await app.listen({ host: settings.DOCKET_CODEC_HOST, port: settings.DOCKET_CODEC_PORT });
  return app;
}

if (require.main === module) {
  main().catch((err: unknown) => {
    // Config errors are written to be read; print only the message (no stack, no environment).
    process.stderr.write(`docket codec server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
