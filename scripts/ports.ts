// Free loopback ports for the processes the tests and the benchmarks start, and a free set of every
// port the production topology listens on (scripts/up-cluster.sh reads each from its own variable).
// The OS or a bind probe says a port is free; the caller binds it next (the tiny race is acceptable).
import { createServer } from 'node:net';

/** A TCP port nobody listens on right now on 127.0.0.1 (the kernel picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A free port in [low, high], tried at random: ephemeral ports (from 32768) are too high for some. */
async function freePortBetween(low: number, high: number): Promise<number> {
  for (;;) {
    const candidate = low + Math.floor(Math.random() * (high - low + 1));
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(candidate, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return candidate;
  }
}

/** Every port the topology listens on, each from its own environment variable. */
export const CLUSTER_PORT_VARIABLES = [
  'DOCKET_PG_PORT',
  'TEMPORAL_PORT',
  'TEMPORAL_FRONTEND_HTTP_PORT',
  'TEMPORAL_HISTORY_PORT',
  'TEMPORAL_MATCHING_PORT',
  'TEMPORAL_WORKER_PORT',
  'TEMPORAL_FRONTEND_MEMBERSHIP_PORT',
  'TEMPORAL_HISTORY_MEMBERSHIP_PORT',
  'TEMPORAL_MATCHING_MEMBERSHIP_PORT',
  'TEMPORAL_WORKER_MEMBERSHIP_PORT',
  'TEMPORAL_METRICS_PORT',
  'DOCKET_WORKER1_METRICS_PORT',
  'DOCKET_WORKER2_METRICS_PORT',
  'TEMPORAL_UI_PORT',
  'DOCKET_OIDC_PORT',
  'DOCKET_CODEC_PORT',
  'DOCKET_API_PORT',
  'DOCKET_INBOX_PORT',
] as const;
export type ClusterPortName = (typeof CLUSTER_PORT_VARIABLES)[number];

/** A distinct free port for each of the topology's variables. */
export async function chooseClusterPorts(): Promise<Record<ClusterPortName, number>> {
  const taken = new Set<number>();
  const ports = {} as Record<ClusterPortName, number>;
  for (const name of CLUSTER_PORT_VARIABLES) {
    // Temporal stores membership ports as PostgreSQL smallint.
    const next = () => (name.endsWith('_MEMBERSHIP_PORT') ? freePortBetween(20_000, 32_767) : freePort());
    let port = await next();
    while (taken.has(port)) port = await next();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}
