// Opens the records archive the configuration names: the SQLite file in the data directory on the
// embedded default, PostgreSQL on the cluster topology. The worker opens it to write; the CLI and
// the API open it to read closed cases back, to hold them and to dispose of them.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import type { DocketConfig } from '../infra/config';
import type { Keyring } from '../infra/keys';
import { CaseArchive } from './archive';
import { openPostgresArchiveStore } from './archive-postgres';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from './archive-sqlite';
import type { ArchiveStore } from './archive-store';

/** The embedded default's archive file, in the data directory. */
const embeddedArchiveFile = (config: DocketConfig): string => path.join(config.dataDir, SQLITE_ARCHIVE_FILE);

export function openArchiveStore(config: DocketConfig, logger?: Logger): ArchiveStore {
  if (config.records.store === 'postgres') {
    // The config schema requires the URL for this store.
    return openPostgresArchiveStore(config.records.databaseUrl as string);
  }
  return openSqliteArchiveStore(embeddedArchiveFile(config), {
    onLockCompromised: (err) => logger?.error({ err: err.message }, 'records archive lock compromised'),
  });
}

/**
 * From this size (about 20,000 closed cases) each write to the embedded archive takes most of a
 * second, half of it with the worker's main thread stopped, because sql.js rewrites the whole file
 * (BENCHMARKS.md, "The embedded records archive as it grows").
 */
export const EMBEDDED_ARCHIVE_WARN_BYTES = 256 * 2 ** 20;

/**
 * Tells the administrators, once at start-up, that the embedded archive has outgrown what it is for.
 * Nothing is refused: the archive keeps working, slower with each case closed.
 */
export async function warnIfArchiveOutgrown(config: DocketConfig, logger: Logger): Promise<boolean> {
  if (config.records.store === 'postgres') return false;
  const file = embeddedArchiveFile(config);
  const bytes = await stat(file).then(
    (found) => found.size,
    () => 0,
  );
  if (bytes < EMBEDDED_ARCHIVE_WARN_BYTES) return false;
  logger.warn(
    { file, mib: Math.round(bytes / 2 ** 20), limitMib: EMBEDDED_ARCHIVE_WARN_BYTES / 2 ** 20 },
    'the embedded records archive is rewritten whole on every write, which at this size takes most of a second ' +
      "or more, and holds up the worker's notices: put the archive on PostgreSQL (records.store: postgres)",
  );
  return true;
}

/** The archive with the payload codec's keys; the worker's copy also builds and writes records. */
export function openCaseArchive(
  config: DocketConfig,
  keyring: Keyring | undefined,
  options: { logger?: Logger } = {},
): CaseArchive {
  return new CaseArchive(openArchiveStore(config, options.logger), keyring, {
    messageIdDomain: config.mail.messageIdDomain,
    retention: config.records.retention,
  });
}
