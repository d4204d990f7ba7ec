import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { EMBEDDED_ARCHIVE_WARN_BYTES, warnIfArchiveOutgrown } from '../../activities/archive-open';
import { SQLITE_ARCHIVE_FILE } from '../../activities/archive-sqlite';
import { parseConfig } from '../../infra/config';

let dataDir: string;
let lines: Array<Record<string, unknown>>;
const logger = () =>
  pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  );

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'docket-archive-open-'));
  lines = [];
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

/** An archive file of `bytes` (sparse: only its size matters here). */
async function archiveOf(bytes: number): Promise<void> {
  const file = path.join(dataDir, SQLITE_ARCHIVE_FILE);
  await writeFile(file, '');
  await truncate(file, bytes);
}

test('an embedded archive past the size its rewrites allow is reported at start-up, with its size and the remedy', async () => {
  await archiveOf(EMBEDDED_ARCHIVE_WARN_BYTES + 2 ** 20);
  expect(await warnIfArchiveOutgrown(parseConfig({ dataDir }), logger())).toBe(true);
  expect(lines).toEqual([
    expect.objectContaining({
      level: 40,
      file: path.join(dataDir, SQLITE_ARCHIVE_FILE),
      mib: 257,
      limitMib: 256,
      msg: expect.stringContaining('records.store: postgres'),
    }),
  ]);
});

test('a smaller embedded archive, no archive yet, and an archive on PostgreSQL are not reported', async () => {
  expect(await warnIfArchiveOutgrown(parseConfig({ dataDir }), logger())).toBe(false);
  await archiveOf(EMBEDDED_ARCHIVE_WARN_BYTES - 1);
  expect(await warnIfArchiveOutgrown(parseConfig({ dataDir }), logger())).toBe(false);
  await archiveOf(EMBEDDED_ARCHIVE_WARN_BYTES * 2);
  const onPostgres = parseConfig(
    { dataDir, records: { store: 'postgres' } },
    { DOCKET_RECORDS_DATABASE_URL: 'postgres://docket@127.0.0.1:5432/records' },
  );
  expect(await warnIfArchiveOutgrown(onPostgres, logger())).toBe(false);
  expect(lines).toEqual([]);
});
