// Starts Docket's production topology through the same script an operator runs
// (`bash scripts/up.sh --cluster`), on ports chosen at random and a fresh data directory, and gives
// tests what they need to drive it: the API tokens, the sign-in users, the script's own component
// control (stop, start), PostgreSQL queries, and a clean stop of the whole process group.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { chooseClusterPorts, CLUSTER_PORT_VARIABLES, type ClusterPortName } from '../../scripts/ports';

export const REPO_ROOT = path.join(__dirname, '..', '..');
const execFileAsync = promisify(execFile);
const PG_BIN = process.env.DOCKET_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** The `NAME=value` lines of an env file the scripts write (secrets.env, api-keys.env). */
export function readEnvFile(file: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return values;
}

export interface DevUser {
  username: string;
  password: string;
  groups: string[];
}

export interface ClusterOptions {
  dataDir?: string;
  ports?: Record<ClusterPortName, number>;
  /** The agency relay the workers send through (a test SMTP receiver). */
  smtp: { host: string; port: number };
  /** How long to wait for the topology to report ready. */
  readyTimeoutMs?: number;
}

export interface Cluster {
  dataDir: string;
  ports: Record<ClusterPortName, number>;
  env: NodeJS.ProcessEnv;
  secrets: Record<string, string>;
  users: DevUser[];
  /** Seconds from spawning the script to its ready file. */
  startupSeconds: number;
  apiUrl: string;
  uiUrl: string;
  oidcIssuer: string;
  /** `bash scripts/up.sh --cluster <args>` against this topology (stop NAME [SIG], start NAME, status). */
  control(...args: string[]): Promise<string>;
  pidOf(component: string): number;
  /** One value from a query on the Temporal databases, as the temporal user over TCP. */
  sql(database: 'temporal' | 'temporal_visibility', query: string): Promise<string>;
  api<T = Record<string, unknown>>(
    method: string,
    urlPath: string,
    token: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** What the script printed, for failure messages. */
  output(): string;
  /** Ctrl-C to the whole process group, as a terminal would; resolves once the script has exited. */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'docket-cluster-'));
  const ports = options.ports ?? (await chooseClusterPorts());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DOCKET_DATA_DIR: dataDir,
    DOCKET_SMTP_HOST: options.smtp.host,
    DOCKET_SMTP_PORT: String(options.smtp.port),
    DOCKET_SAMPLE_CASES: '0',
    DOCKET_LOG_LEVEL: 'info',
    DOCKET_EXIT_WITH_PID: String(process.pid),
  };
  for (const name of CLUSTER_PORT_VARIABLES) env[name] = String(ports[name]);
  // Nothing from the caller's own Temporal or codec setup may leak into the topology.
  for (const name of ['TEMPORAL_ADDRESS', 'DOCKET_CODEC_KEYS', 'DOCKET_CODEC_KEY_FILE', 'DOCKET_API_KEYS'])
    delete env[name];

  const outFile = path.join(dataDir, 'up.out');
  const out = openSync(outFile, 'a');
  const started = Date.now();
  const child: ChildProcess = spawn('bash', [path.join(REPO_ROOT, 'scripts', 'up.sh'), '--cluster'], {
    cwd: REPO_ROOT,
    env,
    detached: true,
    stdio: ['ignore', out, out],
  });
  closeSync(out);
  let exited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const output = () => (existsSync(outFile) ? readFileSync(outFile, 'utf8') : '');

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      return;
    }
    const gaveUp = sleep(90_000, undefined, { ref: false }).then(() => 'timeout');
    if ((await Promise.race([exitedPromise.then(() => 'exited'), gaveUp])) === 'timeout') {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };

  const readyFile = path.join(dataDir, 'run', 'ready');
  const deadline = started + (options.readyTimeoutMs ?? 600_000);
  while (!existsSync(readyFile)) {
    if (exited)
      throw new Error(`scripts/up.sh --cluster exited before it was ready:\n${output().slice(-4000)}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`scripts/up.sh --cluster was not ready in time:\n${output().slice(-4000)}`);
    }
    await sleep(500);
  }
  const startupSeconds = (Date.now() - started) / 1000;
  const secrets = readEnvFile(path.join(dataDir, 'secrets.env'));
  const users = JSON.parse(readFileSync(path.join(dataDir, 'oidc', 'users.json'), 'utf8')) as DevUser[];
  const apiUrl = `http://127.0.0.1:${ports.DOCKET_API_PORT}`;

  return {
    dataDir,
    ports,
    env,
    secrets,
    users,
    startupSeconds,
    apiUrl,
    uiUrl: `http://127.0.0.1:${ports.TEMPORAL_UI_PORT}`,
    oidcIssuer: `http://127.0.0.1:${ports.DOCKET_OIDC_PORT}`,
    output,
    stop,
    async control(...args) {
      const { stdout, stderr } = await execFileAsync(
        'bash',
        [path.join(REPO_ROOT, 'scripts', 'up.sh'), '--cluster', ...args],
        { cwd: REPO_ROOT, env },
      );
      return stdout + stderr;
    },
    pidOf(component) {
      return Number(readFileSync(path.join(dataDir, 'run', `${component}.pid`), 'utf8').trim());
    },
    async sql(database, query) {
      const { stdout } = await execFileAsync(
        path.join(PG_BIN, 'psql'),
        [
          '-h',
          '127.0.0.1',
          '-p',
          String(ports.DOCKET_PG_PORT),
          '-U',
          'temporal',
          '-d',
          database,
          '-tAc',
          query,
        ],
        { env: { ...process.env, PGPASSWORD: secrets.TEMPORAL_DB_PASSWORD } },
      );
      return stdout.trim();
    },
    async api(method, urlPath, token, body) {
      const response = await fetch(`${apiUrl}${urlPath}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body: parsed as never };
    },
  };
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls until `check` returns a value. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs: number,
  intervalMs = 500,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}
