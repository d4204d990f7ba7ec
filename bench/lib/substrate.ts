// The Temporal server a measured run starts fresh and stops after: the substrate.
// - dev:     the pinned Temporal CLI dev server on a durable SQLite file (bench/lib/devserver.ts), as
//            `npm run up` runs it;
// - cluster: temporal-server on PostgreSQL 15, as `npm run up -- --cluster` runs it (bench/lib/cluster.ts).
// A setup's SQLite pragmas apply to the dev server only; on the cluster, PostgreSQL runs with the
// settings of scripts/up-cluster.sh whatever the setup.
import { startClusterServer } from './cluster';
import { startDevServer } from './devserver';

export const SUBSTRATES = ['dev', 'cluster'] as const;
export type Substrate = (typeof SUBSTRATES)[number];

export interface BenchServer {
  substrate: Substrate;
  address: string;
  /** The server's own processes, by name, for the CPU meter (each counted with its children). */
  pids: Record<string, number>;
  /** Bytes the server's database holds now (SQLite file and WAL, or the two PostgreSQL databases). */
  dbBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** `--substrate dev|cluster|both`, in the order the run measures them. */
export function parseSubstrates(value: string | undefined): Substrate[] {
  const wanted = value ?? 'dev';
  if (wanted === 'both') return [...SUBSTRATES];
  if ((SUBSTRATES as readonly string[]).includes(wanted)) return [wanted as Substrate];
  throw new Error(`--substrate: '${wanted}' is not one of dev, cluster, both`);
}

export async function startServer(
  substrate: Substrate,
  label: string,
  sqlitePragmas: readonly string[] = [],
): Promise<BenchServer> {
  if (substrate === 'cluster') {
    const cluster = await startClusterServer(label);
    return { substrate, ...cluster };
  }
  const dev = await startDevServer(label, sqlitePragmas);
  return {
    substrate,
    address: dev.address,
    pids: { server: dev.pid },
    dbBytes: () => Promise.resolve(dev.dbBytes()),
    stop: () => dev.stop(),
  };
}
