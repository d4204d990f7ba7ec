// Proves the substrate: the official time-skipping test server and the official dev server, both
// from package registries, run real workflows with a real worker.
import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleFor, createDevServerEnv, createTimeSkippingEnv, uniqueName } from './helpers/temporal';
import * as smokeActivities from './fixtures/smoke-activities';
import { echoOnce, sleepFifteenDays } from './fixtures/smoke-workflows';

const workflowsPath = require.resolve('./fixtures/smoke-workflows');

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  test('a workflow with a 15-day timer completes in under 1 s of wall time', async () => {
    const taskQueue = uniqueName('smoke-ts');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleFor(workflowsPath),
      activities: smokeActivities,
    });
    const result = await worker.runUntil(async () => {
      const handle = await env.client.workflow.start(sleepFifteenDays, {
        taskQueue,
        workflowId: uniqueName('smoke-15d'),
      });
      const startedServerMs = await env.currentTimeMs();
      const wallStart = performance.now();
      const value = await handle.result();
      const wallMs = performance.now() - wallStart;
      const skippedMs = (await env.currentTimeMs()) - startedServerMs;
      return { value, wallMs, skippedMs };
    });
    console.log(
      `15-day timer: ${(result.skippedMs / 86_400_000).toFixed(2)} server days in ${result.wallMs.toFixed(0)} ms of wall time`,
    );
    expect(result.value).toBe('woke');
    expect(result.skippedMs).toBeGreaterThanOrEqual(15 * 86_400_000);
    expect(result.wallMs).toBeLessThan(1_000);
  });
});

describe('dev server (Temporal CLI)', () => {
  let env: TestWorkflowEnvironment;
  beforeAll(async () => {
    env = await createDevServerEnv();
  });
  afterAll(async () => {
    await env?.teardown();
  });

  test('a workflow with an activity runs to completion', async () => {
    const taskQueue = uniqueName('smoke-dev');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await bundleFor(workflowsPath),
      activities: smokeActivities,
    });
    const value = await worker.runUntil(
      env.client.workflow.execute(echoOnce, {
        taskQueue,
        workflowId: uniqueName('smoke-echo'),
        args: ['hi'],
      }),
    );
    expect(value).toBe('echo:hi');
  });
});
