// A real OpenID Connect provider (oidc-provider) on loopback for the local production topology: the
// Temporal UI signs people in through it with the authorization code flow, and it issues JWT access
// tokens addressed to the codec server (RFC 8707 resource indicator), carrying the person's groups,
// which the codec server verifies against this provider's JWKS. An agency points the UI and the
// codec server at its own identity provider instead; nothing else in Docket depends on this one.
//
// Its state lives in DOCKET_OIDC_STATE_DIR: the signing keys (so tokens stay verifiable across a
// restart) and the test people, made on first start with random passwords:
//   administrator  group docket-administrators (may read case data in the UI)
//   caseworker     group docket-caseworkers    (signs in, but the codec server refuses to decrypt)
// Sessions and grants are kept in memory: a restart signs everyone out.
import { generateKeyPairSync, randomBytes, randomUUID, timingSafeEqual, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { createLogger } from '../../infra/logger';

export class OidcDevProviderConfigError extends Error {
  readonly code = 'OIDC_DEV_PROVIDER_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'OidcDevProviderConfigError';
  }
}

const commaList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== ''),
  )
  .pipe(z.array(z.string().url('must be a URL like http://127.0.0.1:8233/auth/sso/callback')).min(1));

export const oidcDevProviderEnvSchema = z.object({
  DOCKET_OIDC_HOST: z.string().min(1).default('127.0.0.1'),
  DOCKET_OIDC_PORT: z.coerce.number().int().min(1).max(65535).default(8235),
  /** The issuer URL as clients reach it; defaults to http://HOST:PORT. */
  DOCKET_OIDC_ISSUER: z.string().url().optional(),
  DOCKET_OIDC_CLIENT_ID: z.string().min(1).default('temporal-ui'),
  DOCKET_OIDC_CLIENT_SECRET: z
    .string({ error: 'DOCKET_OIDC_CLIENT_SECRET is required (the UI client secret)' })
    .min(24, 'at least 24 characters'),
  /** Comma-separated callback URLs of the UI client. */
  DOCKET_OIDC_REDIRECT_URIS: commaList,
  /** The `aud` of access tokens: the codec server's audience. */
  DOCKET_OIDC_AUDIENCE: z
    .string()
    .url('an absolute URI (RFC 8707), e.g. urn:docket:codec')
    .default('urn:docket:codec'),
  DOCKET_OIDC_STATE_DIR: z
    .string({ error: 'DOCKET_OIDC_STATE_DIR is required (keys and test users)' })
    .min(1),
  DOCKET_LOG_LEVEL: z.string().default('info'),
});
export type OidcDevProviderSettings = z.infer<typeof oidcDevProviderEnvSchema>;

export function oidcDevProviderSettingsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): OidcDevProviderSettings {
  const result = oidcDevProviderEnvSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new OidcDevProviderConfigError(`invalid OIDC provider environment: ${problems.join('; ')}`);
  }
  return result.data;
}

const userSchema = z.object({
  username: z.string().regex(/^[a-z][a-z0-9.-]{1,63}$/, 'a lower-case login like administrator'),
  password: z.string().min(12),
  name: z.string().min(1),
  email: z.string().email(),
  groups: z.array(z.string().min(1)),
});
export type DevUser = z.infer<typeof userSchema>;

function readOrCreate<T>(file: string, schema: z.ZodType<T>, create: () => T): T {
  if (!existsSync(file)) {
    writeFileSync(file, `${JSON.stringify(create(), null, 2)}\n`, { mode: 0o600 });
  }
  const parsed = schema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    throw new OidcDevProviderConfigError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return parsed.data;
}

const password = (): string => randomBytes(18).toString('base64url');

export function loadUsers(stateDir: string): DevUser[] {
  return readOrCreate(path.join(stateDir, 'users.json'), z.array(userSchema).min(1), () => [
    {
      username: 'administrator',
      password: password(),
      name: 'Docket Administrator',
      email: 'administrator@agency.example.org',
      groups: ['docket-administrators'],
    },
    {
      username: 'caseworker',
      password: password(),
      name: 'Case Worker',
      email: 'caseworker@agency.example.org',
      groups: ['docket-caseworkers'],
    },
  ]);
}

const keysSchema = z.object({
  jwks: z.object({ keys: z.array(z.record(z.string(), z.unknown())).min(1) }),
  cookieKeys: z.array(z.string().min(32)).min(1),
});

function loadKeys(stateDir: string): z.infer<typeof keysSchema> {
  return readOrCreate(path.join(stateDir, 'keys.json'), keysSchema, () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    return {
      jwks: { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] },
      cookieKeys: [randomBytes(32).toString('base64url')],
    };
  });
}

/** Compares digests, so the time taken says nothing about how much of a guess was right. */
function samePassword(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, clientId: string, error?: string): string {
  return (
    '<!doctype html><html><head><meta charset="utf-8"><title>Sign in</title></head><body>' +
    `<h1>Sign in</h1><p>to ${escapeHtml(clientId)} (Docket's local identity provider)</p>` +
    (error ? `<p role="alert">${escapeHtml(error)}</p>` : '') +
    `<form method="post" action="/interaction/${escapeHtml(uid)}/login">` +
    '<label>Username <input name="username" autocomplete="username" required></label> ' +
    '<label>Password <input name="password" type="password" autocomplete="current-password" required></label> ' +
    '<button type="submit">Sign in</button></form></body></html>'
  );
}

async function readForm(req: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

// oidc-provider has no type declarations; these are the parts used here.
interface GrantLike {
  addOIDCScope(scope: string): void;
  addResourceScope(resource: string, scope: string): void;
  save(): Promise<string>;
}
interface OidcContext {
  oidc: {
    client: { clientId: string };
    session: { accountId: string; grantIdFor(clientId: string): string | undefined };
    result?: { consent?: { grantId?: string } };
    provider: { Grant: GrantClass };
  };
}
interface GrantClass {
  new (init: { clientId: string; accountId: string }): GrantLike;
  find(id: string): Promise<GrantLike | undefined>;
}
interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: { client_id: string };
  session?: { accountId: string };
  grantId?: string;
}
interface ProviderInstance {
  callback(): (req: IncomingMessage, res: ServerResponse) => void;
  interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
  interactionFinished(
    req: IncomingMessage,
    res: ServerResponse,
    result: Record<string, unknown>,
    options?: { mergeWithLastSubmission?: boolean },
  ): Promise<void>;
  on(event: string, listener: (...args: unknown[]) => void): void;
  Grant: GrantClass;
  proxy: boolean;
}
type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderInstance;

export interface RunningOidcProvider {
  issuer: string;
  close(): Promise<void>;
}

export async function startOidcDevProvider(settings: OidcDevProviderSettings): Promise<RunningOidcProvider> {
  const logger = createLogger(settings.DOCKET_LOG_LEVEL).child({ component: 'oidc-dev-provider' });
  mkdirSync(settings.DOCKET_OIDC_STATE_DIR, { recursive: true, mode: 0o700 });
  const users = loadUsers(settings.DOCKET_OIDC_STATE_DIR);
  const keys = loadKeys(settings.DOCKET_OIDC_STATE_DIR);
  const byName = new Map(users.map((user) => [user.username, user]));
  const issuer =
    settings.DOCKET_OIDC_ISSUER ?? `http://${settings.DOCKET_OIDC_HOST}:${settings.DOCKET_OIDC_PORT}`;
  const audience = settings.DOCKET_OIDC_AUDIENCE;

  // The grant a person gives the UI on first sign-in: the UI is the agency's own client, so there is
  // no consent screen.
  const grantEverything = async (ctx: OidcContext, grantId: string | undefined) => {
    const existing = grantId ? await ctx.oidc.provider.Grant.find(grantId) : undefined;
    const grant =
      existing ??
      new ctx.oidc.provider.Grant({
        clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId,
      });
    grant.addOIDCScope('openid profile email groups');
    grant.addResourceScope(audience, 'codec');
    await grant.save();
    return grant;
  };

  const { default: Provider } = (await import('oidc-provider')) as { default: ProviderConstructor };
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: settings.DOCKET_OIDC_CLIENT_ID,
        client_secret: settings.DOCKET_OIDC_CLIENT_SECRET,
        redirect_uris: settings.DOCKET_OIDC_REDIRECT_URIS,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: keys.jwks,
    cookies: { keys: keys.cookieKeys },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
    // The UI shows the person's name and email from the ID token.
    conformIdTokenClaims: false,
    async findAccount(_ctx: unknown, sub: string) {
      const user = byName.get(sub);
      if (!user) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, name: user.name, email: user.email, groups: user.groups }),
      };
    },
    // The codec server decides by the role claim inside the access token it verifies.
    async extraTokenClaims(_ctx: unknown, token: { kind: string; accountId?: string }) {
      if (token.kind !== 'AccessToken' || !token.accountId) return undefined;
      return { groups: byName.get(token.accountId)?.groups ?? [] };
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => audience,
        useGrantedResource: async () => true,
        async getResourceServerInfo(_ctx: unknown, resource: string) {
          if (resource !== audience) throw new Error(`unknown resource ${resource}`);
          return {
            scope: 'codec',
            audience,
            accessTokenTTL: 60 * 60,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
    // The UI server (a confidential client with a secret) does not send PKCE; public clients must.
    pkce: {
      required: (_ctx: unknown, client: { clientAuthMethod: string }) => client.clientAuthMethod === 'none',
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    async loadExistingGrant(ctx: OidcContext) {
      const grantId =
        ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      return grantEverything(ctx, grantId);
    },
    ttl: { Session: 8 * 60 * 60, Interaction: 10 * 60, AccessToken: 60 * 60, IdToken: 60 * 60 },
  });
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'provider error'));
  provider.on('authorization.error', (_ctx, err) =>
    logger.warn({ error: (err as Error).message }, 'authorization refused'),
  );
  provider.on('grant.error', (_ctx, err) => logger.warn({ error: (err as Error).message }, 'token refused'));

  const callback = provider.callback();
  const interaction = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/;
  const server = createServer((req, res) => {
    const match = interaction.exec((req.url ?? '').split('?')[0] ?? '');
    if (!match) {
      callback(req, res);
      return;
    }
    const send = (status: number, html: string) => {
      res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
    };
    (async () => {
      const details = await provider.interactionDetails(req, res);
      const clientId = details.params.client_id;
      if (details.prompt.name !== 'login') {
        // Only reached when a grant lacks something: give the agency's own client what it asked for.
        await provider.interactionFinished(
          req,
          res,
          { consent: { grantId: details.grantId } },
          { mergeWithLastSubmission: true },
        );
        return;
      }
      if (req.method === 'GET' && !match[2]) {
        send(200, loginPage(details.uid, clientId));
        return;
      }
      if (req.method !== 'POST' || !match[2]) {
        send(405, 'method not allowed');
        return;
      }
      const form = await readForm(req);
      const user = byName.get(form.username ?? '');
      // Compare even for an unknown name, so the answer time does not reveal which names exist.
      const ok =
        samePassword(form.password ?? '', user?.password ?? randomBytes(18).toString('base64url')) && user;
      if (!ok) {
        logger.warn('sign-in refused');
        send(401, loginPage(details.uid, clientId, 'Unknown username or wrong password.'));
        return;
      }
      logger.info({ sub: user.username }, 'signed in');
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: user.username } },
        {
          mergeWithLastSubmission: false,
        },
      );
    })().catch((err: unknown) => {
      logger.warn({ error: (err as Error).message }, 'interaction failed');
      if (!res.headersSent) send(400, 'This sign-in attempt has expired; start again from the application.');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.DOCKET_OIDC_PORT, settings.DOCKET_OIDC_HOST, () => resolve());
  });
  logger.info({ issuer, clientId: settings.DOCKET_OIDC_CLIENT_ID, audience }, 'OIDC provider listening');
  return {
    issuer,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  (async () => {
    const running = await startOidcDevProvider(oidcDevProviderSettingsFromEnv());
    const stop = () => void running.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  })().catch((err: unknown) => {
    process.stderr.write(`docket OIDC provider: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
