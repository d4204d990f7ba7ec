// API authentication: bearer tokens mapped to roles, roles mapped to permissions. Tokens come from
// configuration only: as SHA-256 digests in the config file (`api.keys`), or as raw tokens in the
// DOCKET_API_KEYS environment variable (from a secret store). Only digests are kept in memory, and a
// presented token is compared with every key's digest in constant time, so response time says
// nothing about how close a guess was.
import { createHash, timingSafeEqual } from 'node:crypto';
import {
  apiKeySchema,
  apiRoles,
  type ApiKeyConfig,
  type ApiRole,
  type DocketConfig,
} from '../../infra/config';

export type { ApiRole };

/** Everything the API lets a caller do; each route requires exactly one. */
export type Permission =
  | 'cases:open'
  | 'cases:import'
  | 'cases:read'
  | 'events:record'
  | 'extensions:grant'
  | 'alerts:acknowledge'
  | 'policies:preview'
  | 'notices:read'
  | 'records:export'
  | 'reports:read';

/**
 * A case system opens cases and records events (extensions are events of the case
 * system's own record); a supervisor acknowledges alerts; an administrator may do everything.
 * Reading a case is open to all three, within a key's case types.
 */
export const rolePermissions: Readonly<Record<ApiRole, readonly Permission[]>> = {
  'case-system': [
    'cases:open',
    'cases:import',
    'cases:read',
    'events:record',
    'extensions:grant',
    'policies:preview',
  ],
  // Compliance figures carry counts per facility and deadline, no case: supervisors answer for them.
  supervisor: ['alerts:acknowledge', 'cases:read', 'policies:preview', 'reports:read'],
  administrator: [
    'cases:open',
    'cases:import',
    'cases:read',
    'events:record',
    'extensions:grant',
    'alerts:acknowledge',
    'policies:preview',
    // Delivery trouble is an operator's concern: failure messages name relays and error codes.
    'notices:read',
    // The whole record, decrypted, in one document: for court and audit, by an administrator.
    'records:export',
    'reports:read',
  ],
};

export function rolesWith(permission: Permission): ApiRole[] {
  return apiRoles.filter((role) => rolePermissions[role].includes(permission));
}

/** Who is calling: the key's opaque ID (safe to log), its role, and the case types it may touch. */
export interface Principal {
  keyId: string;
  role: ApiRole;
  /** Undefined: every case type. */
  caseTypes?: readonly string[];
}

export class ApiAuthConfigError extends Error {
  readonly code = 'API_AUTH_CONFIG_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'ApiAuthConfigError';
  }
}

/** A raw token shorter than this is a password, not an API key. */
export const MIN_TOKEN_LENGTH = 24;

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

interface StoredKey {
  principal: Principal;
  digest: Buffer;
}

export class ApiAuth {
  private readonly keys: readonly StoredKey[];

  constructor(keys: readonly ApiKeyConfig[]) {
    if (keys.length === 0) {
      throw new ApiAuthConfigError(
        'no API keys: set DOCKET_API_KEYS=<id>:<role>:<token> or api.keys in the config file ' +
          `(roles: ${apiRoles.join(', ')})`,
      );
    }
    const seen = new Set<string>();
    this.keys = keys.map((raw, index) => {
      const parsed = apiKeySchema.safeParse(raw);
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(key)'}: ${i.message}`);
        throw new ApiAuthConfigError(`API key ${index + 1}: ${problems.join('; ')}`);
      }
      const key = parsed.data;
      if (seen.has(key.id)) throw new ApiAuthConfigError(`API key ID "${key.id}" is given twice`);
      seen.add(key.id);
      return {
        principal: { keyId: key.id, role: key.role, ...(key.caseTypes ? { caseTypes: key.caseTypes } : {}) },
        digest: Buffer.from(key.tokenSha256, 'hex'),
      };
    });
    const digests = new Set(this.keys.map((k) => k.digest.toString('hex')));
    if (digests.size !== this.keys.length) throw new ApiAuthConfigError('two API keys have the same token');
  }

  /** The key a token belongs to, or undefined. Always compares against every key. */
  authenticate(token: string): Principal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest)) found = key.principal;
    }
    return found;
  }

  /** Key IDs and roles, never digests: for a start-up log line. */
  describe(): Array<{ id: string; role: ApiRole; caseTypes?: readonly string[] }> {
    return this.keys.map(({ principal }) => ({
      id: principal.keyId,
      role: principal.role,
      ...(principal.caseTypes ? { caseTypes: principal.caseTypes } : {}),
    }));
  }
}

export function can(principal: Principal, permission: Permission): boolean {
  return rolePermissions[principal.role].includes(permission);
}

export function canAccessCaseType(principal: Principal, caseType: string): boolean {
  return principal.caseTypes === undefined || principal.caseTypes.includes(caseType);
}

/**
 * Parses DOCKET_API_KEYS: comma-separated `id:role:token` or `id:role:token:caseType+caseType`
 * entries. Messages name the entry by position or ID, never quote a token.
 */
export function parseApiKeysEnv(value: string): ApiKeyConfig[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.map((entry, index) => {
    const [id, role, token, scope, ...rest] = entry.split(':');
    if (!id || !role || !token || rest.length > 0) {
      throw new ApiAuthConfigError(
        `DOCKET_API_KEYS entry ${index + 1} is not in the form id:role:token[:caseType+caseType]`,
      );
    }
    if (!(apiRoles as readonly string[]).includes(role)) {
      throw new ApiAuthConfigError(
        `DOCKET_API_KEYS key "${id}": role must be one of ${apiRoles.join(', ')}, not "${role}"`,
      );
    }
    if (token.length < MIN_TOKEN_LENGTH || /\s/.test(token)) {
      throw new ApiAuthConfigError(
        `DOCKET_API_KEYS key "${id}": the token must be at least ${MIN_TOKEN_LENGTH} characters without ` +
          'spaces (e.g. `openssl rand -base64 32 | tr -d "=+/"`)',
      );
    }
    const caseTypes = scope ? scope.split('+').filter((t) => t !== '') : undefined;
    return {
      id,
      role: role as ApiRole,
      tokenSha256: sha256Hex(token),
      ...(caseTypes && caseTypes.length > 0 ? { caseTypes } : {}),
    };
  });
}

/**
 * The API's keys: the config file's digests plus DOCKET_API_KEYS. Case types a key names must be
 * registered, so a typo cannot silently lock a case system out (or seem to scope it).
 */
export function loadApiAuth(
  config: Pick<DocketConfig, 'api'>,
  env: NodeJS.ProcessEnv = process.env,
  knownCaseTypes: readonly string[] = [],
): ApiAuth {
  const fromEnv = env.DOCKET_API_KEYS?.trim() ? parseApiKeysEnv(env.DOCKET_API_KEYS) : [];
  const keys = [...config.api.keys, ...fromEnv];
  if (knownCaseTypes.length > 0) {
    for (const key of keys) {
      const unknown = (key.caseTypes ?? []).filter((t) => !knownCaseTypes.includes(t));
      if (unknown.length > 0) {
        throw new ApiAuthConfigError(
          `API key "${key.id}": unknown case type(s) ${unknown.join(', ')} (known: ${knownCaseTypes.join(', ')})`,
        );
      }
    }
  }
  return new ApiAuth(keys);
}
