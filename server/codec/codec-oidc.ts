// Verifies the OIDC access token that the Temporal UI passes to the codec server (ui-server
// `codec.passAccessToken: true` sends `Authorization: Bearer <access token>`), and decides whether its
// holder may read case data: a valid token from the configured issuer, for the configured audience,
// whose role claim names one of the allowed groups.
//
// The outcome carries a stable reason code and the token's `sub` (an opaque identifier at the
// provider) for the log; the token itself never leaves this module.
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };
import { z } from 'zod';

type Jose = typeof JoseModule;
type JWTPayload = Awaited<ReturnType<Jose['jwtVerify']>>['payload'];
type KeySource = ReturnType<Jose['createRemoteJWKSet']>;

/**
 * jose is an ES module and this project is CommonJS: a dynamic import loads it in both the
 * process (tsx) and jest, where swc turns the import into a require of the transformed module.
 */
let josePromise: Promise<Jose> | undefined;
export function loadJose(): Promise<Jose> {
  josePromise ??= import('jose');
  return josePromise;
}

/**
 * Asymmetric algorithms only: a provider signs access tokens with a private key and publishes the
 * public half. Accepting HS* would let anyone holding a published key forge tokens.
 */
export const ACCEPTED_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Clock skew tolerated between this server and the identity provider. */
const CLOCK_TOLERANCE_SECONDS = 30;

export interface OidcSettings {
  /** The `iss` every token must carry, e.g. https://login.example.org/realms/docket. */
  issuer: string;
  /** The `aud` every token must include. */
  audience: string;
  /** Where the provider publishes its signing keys; discovered from the issuer when absent. */
  jwksUrl?: string;
  /** Claim naming the user's groups or roles: a name, or a dotted path like `realm_access.roles`. */
  roleClaim: string;
  /** Groups or roles allowed to decode (any one suffices). */
  allowed: readonly string[];
}

export type OidcRefusalReason =
  | 'token-malformed'
  | 'token-expired'
  | 'token-not-yet-valid'
  | 'wrong-issuer'
  | 'wrong-audience'
  | 'claim-invalid'
  | 'unknown-key'
  | 'bad-signature'
  | 'algorithm-not-allowed'
  | 'role-not-allowed'
  | 'provider-unavailable';

export type OidcOutcome =
  | { ok: true; sub: string | undefined }
  | {
      ok: false;
      /** 401: no valid token; 403: a valid token whose holder is not allowed; 503: keys unreachable. */
      status: 401 | 403 | 503;
      reason: OidcRefusalReason;
      /** Only once the signature has been verified, so a forged token cannot write to the log. */
      sub?: string;
    };

export type AccessTokenVerifier = (token: string) => Promise<OidcOutcome>;

/**
 * The role claim's values as strings. `realm_access.roles` is looked up as a path unless the token
 * has a claim literally named so (providers such as Auth0 use URLs, dots and all, as claim names).
 */
export function roleClaimValues(payload: Record<string, unknown>, claim: string): string[] {
  let value: unknown = payload[claim];
  if (value === undefined && claim.includes('.')) {
    value = claim.split('.').reduce<unknown>((node, key) => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      return (node as Record<string, unknown>)[key];
    }, payload);
  }
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return [];
}

const discoverySchema = z.object({ issuer: z.string(), jwks_uri: z.string().url() });

export class OidcDiscoveryError extends Error {
  readonly code = 'CODEC_OIDC_DISCOVERY_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'OidcDiscoveryError';
  }
}

/** The JWKS location from the issuer's discovery document, which must name the same issuer. */
export async function discoverJwksUrl(issuer: string, fetchImpl: typeof fetch = fetch): Promise<URL> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: AbortSignal.timeout(5_000) });
  } catch (err) {
    throw new OidcDiscoveryError(`${url} could not be fetched (${(err as Error).name})`);
  }
  if (!response.ok) throw new OidcDiscoveryError(`${url} answered HTTP ${response.status}`);
  const parsed = discoverySchema.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new OidcDiscoveryError(`${url} has no valid "issuer" and "jwks_uri"`);
  if (parsed.data.issuer !== issuer) {
    throw new OidcDiscoveryError(
      `${url} names issuer "${parsed.data.issuer}", not the configured "${issuer}"`,
    );
  }
  return new URL(parsed.data.jwks_uri);
}

function subOf(payload: JWTPayload | undefined): string | undefined {
  return typeof payload?.sub === 'string' ? payload.sub : undefined;
}

/** Maps jose's error codes onto the reasons the server logs and answers with. */
function refusalFor(err: unknown): OidcOutcome {
  const { code, claim, payload } = (err ?? {}) as { code?: string; claim?: string; payload?: JWTPayload };
  const sub = subOf(payload);
  const refuse = (reason: OidcRefusalReason, status: 401 | 503 = 401): OidcOutcome => ({
    ok: false,
    status,
    reason,
    ...(sub === undefined ? {} : { sub }),
  });
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return refuse('token-expired');
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (claim === 'iss') return refuse('wrong-issuer');
      if (claim === 'aud') return refuse('wrong-audience');
      if (claim === 'nbf' || claim === 'iat') return refuse('token-not-yet-valid');
      return refuse('claim-invalid');
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return refuse('unknown-key');
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return refuse('bad-signature');
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return refuse('algorithm-not-allowed');
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return refuse('token-malformed');
    default:
      // Discovery or JWKS fetch failed (timeout, HTTP error, bad key set): not the caller's fault.
      return refuse('provider-unavailable', 503);
  }
}

export interface VerifierOptions {
  /** For discovery; jose fetches the key set itself. */
  fetch?: typeof fetch;
}

/**
 * Builds the verifier. The key set is fetched on first use and cached by jose, which refetches it
 * when a token names a key it has not seen (the provider rotated its keys). Discovery that fails is
 * tried again on the next request rather than remembered.
 */
export function createAccessTokenVerifier(
  settings: OidcSettings,
  options: VerifierOptions = {},
): AccessTokenVerifier {
  const allowed = new Set(settings.allowed);
  let keys: Promise<KeySource> | undefined;
  const keySource = (): Promise<KeySource> => {
    if (keys) return keys;
    const attempt = (async () => {
      const jose = await loadJose();
      const url = settings.jwksUrl
        ? new URL(settings.jwksUrl)
        : await discoverJwksUrl(settings.issuer, options.fetch);
      return jose.createRemoteJWKSet(url, { timeoutDuration: 5_000 });
    })();
    keys = attempt;
    attempt.catch(() => {
      if (keys === attempt) keys = undefined;
    });
    return attempt;
  };

  return async (token) => {
    let payload: JWTPayload;
    try {
      const jose = await loadJose();
      const getKey = await keySource();
      ({ payload } = await jose.jwtVerify(token, getKey, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: [...ACCEPTED_ALGORITHMS],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['exp'],
      }));
    } catch (err) {
      return refusalFor(err);
    }
    const sub = subOf(payload);
    if (!roleClaimValues(payload, settings.roleClaim).some((role) => allowed.has(role))) {
      return { ok: false, status: 403, reason: 'role-not-allowed', ...(sub === undefined ? {} : { sub }) };
    }
    return { ok: true, sub };
  };
}
