// The production substrate for one measured run: temporal-server v1.29.1 on PostgreSQL 15, built and
// configured exactly as scripts/up-cluster.sh runs them (the binaries of scripts/ensure-temporal-server.sh
// and scripts/ensure-postgres.sh, PostgreSQL through scripts/cluster/postgres.sh as up-cluster.sh starts it, the
// schemas by scripts/cluster/setup-schema.sh, config/cluster/temporal, the namespace and search
// attributes by `docket setup`), in a fresh data directory on loopback ports chosen free. Only what a
// benchmark needs: no UI, identity provider, codec server, API or workers. Every process it starts is
// stopped by its own PID.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { chooseClusterPorts } from '../../scripts/ports';
import { registerCleanup } from './cleanup';
import { stopChild } from './devserver';

const REPO_ROOT = path.join(__dirname, '..', '..');
const execFileAsync = promisify(execFile);
const POSTGRES = path.join(REPO_ROOT, 'scripts', 'cluster', 'postgres.sh');
const PG_OS_USER = process.env.DOCKET_PG_OS_USER ?? 'docket-pg';

export interface ClusterServer {
  address: string;
  /** temporal-server (all four services in one process) and the PostgreSQL postmaster. */
  pids: { server: number; postgres: number };
  dir: string;
  /** How the temporal role reaches PostgreSQL over TCP (it may create databases, as in up-cluster.sh). */
  pg: { host: string; port: number; user: string; password: string };
  /** One statement as the PostgreSQL superuser, over the socket only docket-pg reaches; its output. */
  sql(database: string, statement: string): Promise<string>;
  /** Bytes of the two Temporal databases (pg_database_size), as PostgreSQL reports them now. */
  dbBytes(): Promise<number>;
  stop(): Promise<void>;
}

function script(name: string): string {
  return execFileSync('bash', [path.join(REPO_ROOT, 'scripts', name)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/**
 * As root, PostgreSQL runs as docket-pg (scripts/cluster/postgres.sh): its directories are made its own.
 * Undefined when we are not root.
 */
function pgAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  let ids: string[];
  try {
    ids = [execFileSync('id', ['-u', PG_OS_USER]), execFileSync('id', ['-g', PG_OS_USER])].map((b) =>
      b.toString().trim(),
    );
  } catch {
    throw new Error(
      `the system account ${PG_OS_USER} that runs PostgreSQL does not exist: start the topology once (npm run up -- --cluster) or create it as scripts/up-cluster.sh does`,
    );
  }
  return { uid: Number(ids[0]), gid: Number(ids[1]) };
}

function spawnLogged(command: string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess {
  const log = openSync(logFile, 'a');
  const [file, ...args] = command as [string, ...string[]];
  const child = spawn(file, args, { stdio: ['ignore', log, log], ...(env ? { env } : {}) });
  if (child.pid === undefined) throw new Error(`${file} did not start; see ${logFile}`);
  return child;
}

async function waitUntil(
  what: string,
  child: ChildProcess,
  logFile: string,
  timeoutMs: number,
  ready: () => Promise<boolean>,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited early; see ${logFile}`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(`${what} was not ready within ${timeoutMs / 1000} s; see ${logFile}`);
    await sleep(250);
  }
}

export async function startClusterServer(label: string): Promise<ClusterServer> {
  const binDir = script('ensure-temporal-server.sh');
  script('ensure-postgres.sh');
  const account = pgAccount();
  const dir = mkdtempSync(path.join(tmpdir(), `docket-bench-${label}-cluster-`));
  const pgData = path.join(dir, 'postgresql');
  const pgSocket = path.join(dir, 'postgresql-socket');
  for (const d of [pgData, pgSocket]) {
    mkdirSync(d, { mode: 0o700 });
    if (account) chownSync(d, account.uid, account.gid);
  }
  chmodSync(dir, 0o711); // docket-pg may traverse to its own directories, nothing more
  const ports = await chooseClusterPorts();
  const password = randomBytes(24).toString('base64url');
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
    if (!process.env.BENCH_KEEP_TMP) rmSync(dir, { recursive: true, force: true });
  };

  try {
    execFileSync('bash', [POSTGRES, 'init', pgData], { stdio: 'ignore' });
    const pgLog = path.join(dir, 'postgresql.log');
    const postgres = spawnLogged(
      ['bash', POSTGRES, 'run', pgData, pgSocket, String(ports.DOCKET_PG_PORT)],
      pgLog,
    );
    const unregisterPg = registerCleanup(() => postgres.kill('SIGKILL'));
    // SIGINT is PostgreSQL's fast shutdown: open transactions are rolled back, the data is kept.
    stops.push(async () => {
      await stopPostgres(postgres);
      unregisterPg();
    });
    const psql = async (database: string, sql: string) =>
      (
        await execFileAsync('bash', [
          ...[POSTGRES, 'psql', pgSocket, String(ports.DOCKET_PG_PORT)],
          ...['-tA', '-d', database, '-c', sql],
        ])
      ).stdout.trim();
    await waitUntil(
      'PostgreSQL',
      postgres,
      pgLog,
      60_000,
      async () => (await psql('postgres', 'SELECT 1')) === '1',
    );
    await psql('postgres', `CREATE ROLE temporal LOGIN CREATEDB PASSWORD '${password}'`);

    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TEMPORAL_DB_HOST: '127.0.0.1',
      TEMPORAL_DB_PORT: String(ports.DOCKET_PG_PORT),
      TEMPORAL_DB_USER: 'temporal',
      TEMPORAL_DB_PASSWORD: password,
      TEMPORAL_DB_NAME: 'temporal',
      TEMPORAL_VISIBILITY_DB_NAME: 'temporal_visibility',
      TEMPORAL_SQL_TOOL: path.join(binDir, 'temporal-sql-tool'),
      TEMPORAL_FRONTEND_PORT: String(ports.TEMPORAL_PORT),
      TEMPORAL_FRONTEND_HTTP_PORT: String(ports.TEMPORAL_FRONTEND_HTTP_PORT),
      TEMPORAL_HISTORY_PORT: String(ports.TEMPORAL_HISTORY_PORT),
      TEMPORAL_MATCHING_PORT: String(ports.TEMPORAL_MATCHING_PORT),
      TEMPORAL_WORKER_PORT: String(ports.TEMPORAL_WORKER_PORT),
      TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(ports.TEMPORAL_FRONTEND_MEMBERSHIP_PORT),
      TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(ports.TEMPORAL_HISTORY_MEMBERSHIP_PORT),
      TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(ports.TEMPORAL_MATCHING_MEMBERSHIP_PORT),
      TEMPORAL_WORKER_MEMBERSHIP_PORT: String(ports.TEMPORAL_WORKER_MEMBERSHIP_PORT),
      TEMPORAL_BIND_IP: '127.0.0.1',
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      TEMPORAL_METRICS_ADDRESS: `127.0.0.1:${ports.TEMPORAL_METRICS_PORT}`,
      TEMPORAL_DYNAMIC_CONFIG_FILE: path.join(
        REPO_ROOT,
        'config',
        'cluster',
        'temporal',
        'dynamicconfig.yaml',
      ),
      TEMPORAL_LOG_LEVEL: 'warn',
      TEMPORAL_ADDRESS: `127.0.0.1:${ports.TEMPORAL_PORT}`,
      TEMPORAL_NAMESPACE: 'default',
    };
    // Nothing of the caller's own Docket configuration may reach `docket setup`.
    for (const name of ['DOCKET_CONFIG', 'DOCKET_CODEC_KEYS', 'DOCKET_CODEC_KEY_FILE']) delete env[name];
    const schemaLog = openSync(path.join(dir, 'schema.log'), 'a');
    execFileSync('sh', [path.join(REPO_ROOT, 'scripts', 'cluster', 'setup-schema.sh')], {
      env,
      stdio: ['ignore', schemaLog, schemaLog],
    });

    const serverLog = path.join(dir, 'temporal-server.log');
    const server = spawnLogged(
      [
        path.join(binDir, 'temporal-server'),
        ...['--root', '/', '--config', path.join(REPO_ROOT, 'config', 'cluster', 'temporal')],
        ...['--env', 'docket', '--allow-no-auth', 'start'],
        ...['--service', 'frontend', '--service', 'history', '--service', 'matching', '--service', 'worker'],
      ],
      serverLog,
      env,
    );
    const unregisterServer = registerCleanup(() => server.kill('SIGKILL'));
    stops.push(async () => {
      await stopChild(server, 30_000);
      unregisterServer();
    });
    const address = env.TEMPORAL_ADDRESS as string;
    await waitUntil('temporal-server', server, serverLog, 300_000, async () => {
      const connection = await Connection.connect({ address, connectTimeout: 1_000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return true;
      } finally {
        await connection.close();
      }
    });
    await docketSetup(env, path.join(dir, 'setup.log'));

    return {
      address,
      pids: { server: server.pid as number, postgres: postgres.pid as number },
      dir,
      pg: { host: '127.0.0.1', port: ports.DOCKET_PG_PORT, user: 'temporal', password },
      sql: psql,
      async dbBytes() {
        const bytes = await psql(
          'postgres',
          "SELECT sum(pg_database_size(datname)) FROM pg_database WHERE datname IN ('temporal', 'temporal_visibility')",
        );
        return Number(bytes);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** `docket setup`, as up-cluster.sh runs it: the namespace (history retention) and the search attributes. */
async function docketSetup(env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  const tsx = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  for (let attempt = 1; ; attempt++) {
    const log = openSync(logFile, 'a');
    const ok = await new Promise<boolean>((resolve) => {
      const child = spawn(tsx, [path.join(REPO_ROOT, 'client', 'cli.ts'), 'setup'], {
        cwd: REPO_ROOT,
        env,
        stdio: ['ignore', log, log],
      });
      child.once('exit', (code) => resolve(code === 0));
    });
    if (ok) return;
    if (attempt >= 30) throw new Error(`docket setup failed ${attempt} times; see ${logFile}`);
    await sleep(2_000);
  }
}

async function stopPostgres(postgres: ChildProcess): Promise<void> {
  if (postgres.exitCode !== null || postgres.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => postgres.once('exit', () => resolve()));
  postgres.kill('SIGINT');
  if (await Promise.race([exited.then(() => false), sleep(30_000).then(() => true)])) {
    postgres.kill('SIGKILL');
    await exited;
  }
}
