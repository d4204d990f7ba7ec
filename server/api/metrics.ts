// The API's request metrics in Prometheus format (prom-client), served at GET /metrics. Requests are
// labelled by the route template (`/cases/:caseType/:caseNumber`), never the URL, so no case number
// reaches a label; requests that match no route share the label `unmatched`.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ApiMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
}

export function createApiMetrics(options: { processMetrics?: boolean } = {}): ApiMetrics {
  // One registry per API instance: tests build several in one process.
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'docket_api_' });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({
    name: 'docket_api_requests_total',
    help: 'API requests answered, by route template and status',
    labelNames,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'docket_api_request_duration_seconds',
    help: 'Time to answer an API request, by route template and status',
    labelNames,
    // An update waits for the worker (up to api.temporalTimeoutMs): the buckets reach 30 s.
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  return {
    registry,
    observe(method, route, status, seconds) {
      const labels = { method, route, status: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
}

/** Whether a peer address is this host: the only callers /metrics answers. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || /^127\./.test(address) || /^::ffff:127\./i.test(address);
}
