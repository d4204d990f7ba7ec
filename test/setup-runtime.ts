// Keep the SDK's own INFO chatter (worker state changes) out of test output; warnings still show.
import { DefaultLogger, Runtime } from '@temporalio/worker';

Runtime.install({ logger: new DefaultLogger('WARN') });

// Worker processes the tests start would all bind the default metrics port (9464) and the second one
// would fail; tests about metrics (test/ops/metrics.test.ts, the acceptance and cluster stacks) give
// each worker a port of its own, and the others run without the exporter.
process.env.DOCKET_METRICS_PORT ??= '0';
