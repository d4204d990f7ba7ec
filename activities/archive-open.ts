// Opens the records archive the configuration names: the SQLite file in the data directory on the
// embedded default, PostgreSQL on the cluster topology. The worker opens it to write; the CLI and
// the API open it to read closed cases back, to hold them and to dispose of them.
import path from 'node:path';
import type { Logger } from 'pino';
import type { DocketConfig } from '../infra/config';
import type { Keyring } from '../infra/keys';
import { CaseArchive } from './archive';
import { openPostgresArchiveStore } from './archive-postgres';
import { openSqliteArchiveStore, SQLITE_ARCHIVE_FILE } from './archive-sqlite';
import type { ArchiveStore } from './archive-store';

export function openArchiveStore(config: DocketConfig, logger?: Logger): ArchiveStore {
  if (config.records.store === 'postgres') {
    // The config schema requires the URL for this store.
    return openPostgresArchiveStore(config.records.databaseUrl as string);
  }
  return openSqliteArchiveStore(path.join(config.dataDir, SQLITE_ARCHIVE_FILE), {
    onLockCompromised: (err) => logger?.error({ err: err.message }, 'records archive lock compromised'),
  });
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
