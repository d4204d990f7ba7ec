// The Docket bundle preloads zod and luxon once per worker (worker/workflow-bundle.ts). Both libraries
// declare themselves free of side effects, so a preload the bundler can drop silently costs every cached
// case its own copy again (some 700 KiB): these tests fail if that happens.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { sharedLibraryProbe } from './fixtures/shared-library-probe-workflows';
import { createTimeSkippingEnv, quietBundlerLogger, uniqueName } from './helpers/temporal';
import { assertWorkflowBundleEncryptsFailures } from '../infra/data-converter';
import { buildWorkflowBundle, docketPreloadModules } from '../worker/workflow-bundle';

const probeWorkflowsPath = require.resolve('./fixtures/shared-library-probe-workflows');
let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv();
}, 60_000);
afterAll(async () => {
  await env?.teardown();
});

async function probe(preloadModules: string[]) {
  const taskQueue = uniqueName('preload-probe');
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({
      workflowsPath: probeWorkflowsPath,
      preloadModules,
      logger: quietBundlerLogger,
    }),
  });
  return worker.runUntil(() =>
    env.client.workflow.execute(sharedLibraryProbe, { taskQueue, workflowId: uniqueName('preload-probe') }),
  );
}

test("the worker's bundle (built in a child process) encrypts failures and preloads zod and luxon", async () => {
  const code = await buildWorkflowBundle();
  expect(() => assertWorkflowBundleEncryptsFailures({ code })).not.toThrow();
  const preload = /exports\.preloadModules = function preloadModules\(\) \{([^}]*)\}/.exec(code)?.[1] ?? '';
  expect(preload).toContain('"./workflows/shared-libraries.ts"');
  // The policies and their schema, otherwise built again by every cached case (BENCHMARKS.md "Memory").
  expect(preload).toContain('"./domain/policies/registry.ts"');
  // The cache of the case schemas, otherwise built again by every cached case.
  expect(preload).toContain('"./domain/shared-schemas.ts"');
  const start = code.indexOf('/***/ "./workflows/shared-libraries.ts"');
  const body = code.slice(start, code.indexOf('/***/ "', start + 10));
  expect(body).toMatch(/__webpack_require__\(\/\*! zod \*\//);
  expect(body).toMatch(/__webpack_require__\(\/\*! luxon \*\//);
});

test('with the preload, a workflow gets the shared, frozen zod (configured jitless) and luxon', async () => {
  await expect(probe([...docketPreloadModules])).resolves.toEqual({
    zodConfigFrozen: true,
    zodJitless: true,
    luxonDateTimeFrozen: true,
    parsed: true,
    caseSchemaParsed: true,
  });
}, 60_000);

test('without it, each workflow evaluates its own zod and luxon (the control: the probe can tell)', async () => {
  await expect(probe([])).resolves.toEqual({
    zodConfigFrozen: false,
    zodJitless: false,
    luxonDateTimeFrozen: false,
    parsed: true,
    caseSchemaParsed: true,
  });
}, 60_000);
