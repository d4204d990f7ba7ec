// The staff directory: (facility, role) → the people who receive notices for that role, and the role
// each role escalates to. Workflows only ever hold roles; addresses are looked up here when a notice
// is sent, so a staffing change applies to notices that are already scheduled.
//
// The directory is a YAML file edited by administrators. It is validated strictly (unknown keys,
// bad addresses, dangling or cyclic `escalatesTo`) when it is loaded, and the error names the file
// and the exact field, because the person reading it is an administrator, not a developer.
import { readFile, stat } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';

const FACILITY_CODE = /^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$/;
const ROLE_NAME = /^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/;

/** Not staff roles: Docket never emails these people (notices owed to them are service tasks). */
const NEVER_EMAILED = new Set(['inmate', 'offender', 'prisoner']);

const recipientSchema = z.strictObject({
  /** Opaque staff ID: the only identity that goes into logs, results and workflow history. */
  id: z.string().min(1, 'a recipient needs an opaque staff id'),
  // The message does not echo the value: directory errors end up in logs, where addresses do not belong.
  email: z.email('not a valid email address'),
  /** Display name for the To: header only; never logged. */
  name: z.string().min(1).optional(),
});

const roleSchema = z.strictObject({
  recipients: z
    .array(recipientSchema)
    .min(1, 'a role must have at least one recipient (a notice must never go nowhere)'),
  escalatesTo: z.string().regex(ROLE_NAME, 'escalatesTo must name a role').optional(),
});

const facilitySchema = z.strictObject({
  name: z.string().min(1),
  /** Free text for administrators, e.g. the state; not used for routing. */
  jurisdiction: z.string().min(1).optional(),
  roles: z.record(
    z
      .string()
      .regex(ROLE_NAME, 'role names are lower-case words separated by "." or "-", e.g. rts.responder'),
    roleSchema,
  ),
});

const directorySchema = z
  .strictObject({
    version: z.literal(1, 'version must be 1'),
    facilities: z.record(
      z
        .string()
        .regex(FACILITY_CODE, 'facility codes are upper-case letters and digits, e.g. LARC or ADC-HQ'),
      facilitySchema,
    ),
  })
  .superRefine((data, ctx) => {
    // Cross-field checks zod's shape cannot express: every escalatesTo names a role of the same
    // facility, and following escalatesTo always ends (no cycle), so an escalation cannot loop.
    for (const [code, facility] of Object.entries(data.facilities)) {
      for (const role of Object.keys(facility.roles)) {
        if (NEVER_EMAILED.has(role)) {
          ctx.addIssue({
            code: 'custom',
            path: ['facilities', code, 'roles', role],
            message: `${role}s do not receive email; notices owed to them go to the staff role that serves them`,
          });
        }
      }
      for (const [role, def] of Object.entries(facility.roles)) {
        if (def.escalatesTo === undefined) continue;
        if (!(def.escalatesTo in facility.roles)) {
          ctx.addIssue({
            code: 'custom',
            path: ['facilities', code, 'roles', role, 'escalatesTo'],
            message: `escalatesTo "${def.escalatesTo}" is not a role of facility ${code}`,
          });
        }
      }
      for (const role of Object.keys(facility.roles)) {
        const seen: string[] = [role];
        let next = facility.roles[role]?.escalatesTo;
        while (next !== undefined && next in facility.roles) {
          if (seen.includes(next)) {
            ctx.addIssue({
              code: 'custom',
              path: ['facilities', code, 'roles', role, 'escalatesTo'],
              message: `escalation cycle: ${[...seen, next].join(' → ')}`,
            });
            break;
          }
          seen.push(next);
          next = facility.roles[next]?.escalatesTo;
        }
      }
    }
  });

export type DirectoryData = z.infer<typeof directorySchema>;
export type Recipient = z.infer<typeof recipientSchema>;

/** The directory file is missing, is not YAML, or does not validate. The message is meant for an administrator. */
export class DirectoryConfigError extends Error {
  override readonly name = 'DirectoryConfigError';
  constructor(
    readonly origin: string,
    readonly problems: readonly string[],
  ) {
    super(`Invalid staff directory ${origin}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** No such facility, no such role in the facility. Mapped to DIRECTORY_UNKNOWN_RECIPIENT by the notification activities. */
export class UnknownRecipientError extends Error {
  override readonly name = 'UnknownRecipientError';
  constructor(
    readonly facility: string,
    readonly role: string,
    reason: string,
  ) {
    super(reason);
  }
}

/** Anything that hands out the directory in force right now. `Directory` itself is one (it never changes). */
export interface DirectorySource {
  current(): Directory | Promise<Directory>;
}

export class Directory implements DirectorySource {
  constructor(
    private readonly data: DirectoryData,
    /** Where it was loaded from, for messages. */
    readonly origin: string,
  ) {}

  current(): Directory {
    return this;
  }

  facilityCodes(): string[] {
    return Object.keys(this.data.facilities);
  }

  facilityName(facility: string): string {
    return this.facility(facility).name;
  }

  hasRole(facility: string, role: string): boolean {
    return (
      Object.hasOwn(this.data.facilities, facility) && Object.hasOwn(this.facility(facility).roles, role)
    );
  }

  /** The people who receive notices for `role` at `facility`. Throws UnknownRecipientError, never returns an empty list. */
  resolve(facility: string, role: string): readonly Recipient[] {
    return this.role(facility, role).recipients;
  }

  /**
   * The roles above `role`, nearest first, following `escalatesTo` (the role itself is not included).
   * Index 0 is the role's supervisor. Empty for the top of the chain. Finite: cycles are rejected at load.
   */
  escalationChain(facility: string, role: string): string[] {
    const roles = this.facility(facility).roles;
    const chain: string[] = [];
    let next = this.role(facility, role).escalatesTo;
    while (next !== undefined) {
      chain.push(next);
      next = roles[next]?.escalatesTo;
    }
    return chain;
  }

  private facility(facility: string): DirectoryData['facilities'][string] {
    const found = Object.hasOwn(this.data.facilities, facility) ? this.data.facilities[facility] : undefined;
    if (!found) {
      throw new UnknownRecipientError(
        facility,
        '',
        `facility ${JSON.stringify(facility)} is not in the staff directory ${this.origin}`,
      );
    }
    return found;
  }

  private role(facility: string, role: string): DirectoryData['facilities'][string]['roles'][string] {
    const roles = this.facility(facility).roles;
    const found = Object.hasOwn(roles, role) ? roles[role] : undefined;
    if (!found) {
      throw new UnknownRecipientError(
        facility,
        role,
        `role ${JSON.stringify(role)} is not defined for facility ${facility} in the staff directory ${this.origin}`,
      );
    }
    return found;
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, i) => {
      if (typeof part === 'number') return `[${part}]`;
      const text = String(part);
      // Role names contain dots; quote them so "roles.rts.responder" is not misread as nesting.
      return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(text)
        ? i === 0
          ? text
          : `.${text}`
        : `[${JSON.stringify(text)}]`;
    })
    .join('');
}

function zodProblems(error: z.ZodError): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === 'invalid_key') {
      const key = issue.path.length > 0 ? formatPath(issue.path) : '(top level)';
      for (const inner of issue.issues) lines.push(`${key}: ${inner.message}`);
      continue;
    }
    if (issue.code === 'unrecognized_keys') {
      lines.push(
        `${formatPath(issue.path)}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`,
      );
      continue;
    }
    lines.push(`${formatPath(issue.path)}: ${issue.message}`);
  }
  return lines;
}

/** Parses and validates directory YAML. `origin` (usually the file path) is named in every error. */
export function parseDirectory(yamlText: string, origin: string): Directory {
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new DirectoryConfigError(
      origin,
      doc.errors.map((e) => e.message.split('\n')[0] ?? e.message),
    );
  }
  const parsed = directorySchema.safeParse(doc.toJS());
  if (!parsed.success) throw new DirectoryConfigError(origin, zodProblems(parsed.error));
  return new Directory(parsed.data, origin);
}

/** Loads and validates the directory file; fails fast with a DirectoryConfigError naming the path and field. */
export async function loadDirectory(path: string): Promise<Directory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DirectoryConfigError(path, [`cannot read the file: ${(err as Error).message}`]);
  }
  return parseDirectory(text, path);
}

/** Minimal logger shape so this module does not depend on pino; a pino Logger fits. */
export interface DirectoryLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WatchedDirectory extends DirectorySource {
  current(): Promise<Directory>;
  readonly path: string;
}

/**
 * A directory that re-reads its file when it changes, checked on every `current()` call (one stat per
 * notice, which is cheap next to an SMTP session). Loads once up front and throws if that fails, so a
 * worker with a broken directory does not start.
 *
 * If a later edit breaks the file, the last valid directory stays in force and every send logs the
 * error: a typo in one facility must not silence notices for every case, and the administrators see
 * the problem in the logs and in the startup check of the next deploy.
 */
export async function watchDirectoryFile(path: string, logger?: DirectoryLogger): Promise<WatchedDirectory> {
  type Stamp = string;
  const stampOf = async (): Promise<Stamp> => {
    const s = await stat(path);
    // ino catches an atomic rename-over; ctime and size catch edits within one mtime tick.
    return `${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`;
  };
  let stamp = await stampOf();
  let directory = await loadDirectory(path);
  let reloading: Promise<Directory> | undefined;

  const refresh = async (): Promise<Directory> => {
    let now: Stamp;
    try {
      now = await stampOf();
    } catch (err) {
      logger?.error(
        { path, err: (err as Error).message },
        'staff directory file unreadable; keeping the last valid one',
      );
      return directory;
    }
    if (now === stamp) return directory;
    try {
      directory = await loadDirectory(path);
      stamp = now;
      logger?.info({ path }, 'staff directory reloaded');
    } catch (err) {
      logger?.error(
        { path, err: (err as Error).message },
        'staff directory edit is invalid; keeping the last valid directory until it is fixed',
      );
    }
    return directory;
  };

  return {
    path,
    current(): Promise<Directory> {
      // Concurrent sends share one stat/reload instead of racing each other.
      reloading ??= refresh().finally(() => {
        reloading = undefined;
      });
      return reloading;
    },
  };
}
