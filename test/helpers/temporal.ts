import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { docketPreloadModules, docketWorkflowsPath, quietBundlerLogger } from '../../worker/workflow-bundle';

export { quietBundlerLogger };
import { docketSearchAttributes } from '../../workflows/search-attributes';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the tests through jest (test/global-setup.ts resolves it)`);
  return value;
}

/** Registers Docket's search attributes on a test server (the dev server gets them as CLI flags). */
export async function registerDocketSearchAttributes(env: TestWorkflowEnvironment): Promise<void> {
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(
      docketSearchAttributes.map((key) => [
        key.name,
        key.type === SearchAttributeType.DATETIME
          ? temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_DATETIME
          : temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
      ]),
    ),
  });
}

/**
 * The SDK gives a server it spawns 5 s to accept connections (sdk-core's ephemeral_server, not
 * configurable), then kills it. A JVM starting beside two webpack bundles on a 2-core CI machine has
 * missed that once, failing a whole test file; a start that timed out is tried again on a fresh port.
 * Any other failure is thrown at once.
 */
export async function startServerWithRetry<T>(
  what: string,
  start: () => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      // Errors from the native bridge are not instances of the test realm's Error.
      const message = String((err as { message?: unknown } | undefined)?.message ?? '');
      const timedOut = /ephemeral server at \S+ did not start within/.test(message);
      if (!timedOut || attempt >= attempts) throw err;
      process.stderr.write(
        `[docket] ${what} did not start within the SDK's 5 s (attempt ${attempt}); retrying\n`,
      );
    }
  }
}

/** The official Java time-skipping test server, from the pinned Maven artifact, with Docket's search attributes. */
export async function createTimeSkippingEnv(
  executablePath = requiredEnv('DOCKET_TEST_SERVER'),
): Promise<TestWorkflowEnvironment> {
  const env = await startServerWithRetry('the time-skipping test server', () =>
    TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: executablePath } },
    }),
  );
  await registerDocketSearchAttributes(env);
  return env;
}

/** The official Temporal CLI dev server (in memory unless a db file is given). */
export function createDevServerEnv(
  server: Parameters<typeof TestWorkflowEnvironment.createLocal>[0] extends infer O
    ? O extends { server?: infer S }
      ? S
      : never
    : never = {},
): Promise<TestWorkflowEnvironment> {
  return startServerWithRetry('the Temporal dev server', () =>
    TestWorkflowEnvironment.createLocal({
      server: {
        searchAttributes: [...docketSearchAttributes],
        ...server,
        executable: { type: 'existing-path', path: requiredEnv('DOCKET_TEMPORAL_CLI') },
      },
    }),
  );
}

/** A task queue (or workflow ID) no other test shares, so tests never pick up each other's tasks. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID()}`;
}

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * One webpack bundle per workflows module per test file: bundling is the slow part of worker start-up.
 * The Docket workflows are bundled with the production worker's preloaded modules, so every test runs
 * cases as the worker does: zod and luxon shared and frozen (worker/workflow-bundle.ts).
 */
export function bundleFor(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  let bundle = bundles.get(workflowsPath);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      workflowsPath,
      ...(workflowsPath === docketWorkflowsPath ? { preloadModules: [...docketPreloadModules] } : {}),
      logger: quietBundlerLogger,
    });
    bundles.set(workflowsPath, bundle);
  }
  return bundle;
}

/**
 * Ends a case a test left running, once its activities have finished. The Java test server stops
 * skipping time for good when a workflow is terminated with an activity scheduled (the same lock as
 * an abandoned child: temporalio/sdk-java#2392); a case's deadline events go out in an activity
 * beside it, so one may still be pending when the test ends. A real server has no such lock.
 */
export async function endCase(handle: WorkflowHandle, reason = 'test cleanup'): Promise<void> {
  // Quiet = no activity pending and no workflow task pending, twice in a row: a finished publication's
  // workflow task may schedule the next one. A loaded machine can take seconds; 30 s bounds the wait.
  let quietPolls = 0;
  for (const until = Date.now() + 30_000; Date.now() < until && quietPolls < 2;) {
    const described = await handle.describe().catch(() => undefined);
    if (!described || described.status.name !== 'RUNNING') return;
    const busy = (described.raw.pendingActivities?.length ?? 0) > 0 || !!described.raw.pendingWorkflowTask;
    quietPolls = busy ? 0 : quietPolls + 1;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await handle.terminate(reason).catch(() => undefined);
}

/**
 * Asks the server at `address` to delete a workflow, as the namespace's retention eventually does,
 * with the pinned Temporal CLI; the CLI's run (status 0 when it succeeded). The deletion itself is
 * asynchronous.
 */
export function deleteWorkflow(address: string, workflowId: string): SpawnSyncReturns<string> {
  return spawnSync(
    process.env.DOCKET_TEMPORAL_CLI as string,
    ['workflow', 'delete', '--workflow-id', workflowId, '--address', address, '--namespace', 'default'],
    { encoding: 'utf8', timeout: 30_000 },
  );
}

/**
 * How many events a workflow's history holds besides workflow-task bookkeeping: what a refused Update
 * must leave unchanged (the Java test server does not drop speculative workflow tasks).
 */
export async function meaningfulEvents(handle: WorkflowHandle): Promise<number> {
  const { events } = await handle.fetchHistory();
  return (events ?? []).filter(
    (e) =>
      !e.workflowTaskScheduledEventAttributes &&
      !e.workflowTaskStartedEventAttributes &&
      !e.workflowTaskCompletedEventAttributes,
  ).length;
}
