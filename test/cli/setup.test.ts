// `docket setup` against a real dev server: it registers a new namespace and Docket's search
// attributes, and a second run changes nothing. The CLI runs asynchronously (runDocket): a blocked
// event loop cannot answer the test connection's keepalive pings, and on a loaded machine the
// connection was dropped under a call.
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createDevServerEnv } from '../helpers/temporal';
import { runDocket } from '../helpers/cli';

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createDevServerEnv();
});
afterAll(async () => {
  await env?.teardown();
});

test('setup registers the namespace and search attributes, and is safe to run again', async () => {
  const namespace = `agency-${Date.now()}`;
  const runEnv = { TEMPORAL_ADDRESS: env.address, TEMPORAL_NAMESPACE: namespace };
  const first = await runDocket(['setup'], runEnv);
  expect(first.stderr).toContain(`namespace ${namespace}: registering`);
  expect(first.stderr).toMatch(/search attributes: adding CaseType, .*NextDeadline/);
  expect(first.status).toBe(0);
  expect(first.stdout).toContain(`ready: namespace ${namespace}`);

  const attributes = await env.connection.operatorService.listSearchAttributes({ namespace });
  expect(Object.keys(attributes.customAttributes ?? {})).toEqual(
    expect.arrayContaining([
      'CaseType',
      'Jurisdiction',
      'Facility',
      'Stage',
      'NextDeadline',
      'DeadlineState',
      'PolicyVersion',
    ]),
  );

  const second = await runDocket(['setup'], runEnv);
  expect(second.status).toBe(0);
  expect(second.stderr).toContain(`namespace ${namespace}: exists`);
  expect(second.stderr).not.toContain('adding');
});

test("setup sets the namespace's history retention to the agency's choice, and changes it when the choice changes", async () => {
  const namespace = `retention-${Date.now()}`;
  const retentionDays = async () => {
    const described = await env.connection.workflowService.describeNamespace({ namespace });
    return Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400;
  };
  const created = await runDocket(['setup'], {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: namespace,
  });
  expect(created.status).toBe(0);
  expect(created.stdout).toContain('history kept 30 days after a case closes');
  expect(await retentionDays()).toBe(30);

  const changed = await runDocket(['setup'], {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: namespace,
    DOCKET_HISTORY_RETENTION_DAYS: '90',
  });
  expect(changed.status).toBe(0);
  expect(changed.stderr).toContain(`namespace ${namespace}: history retention 30 → 90 days`);
  expect(await retentionDays()).toBe(90);

  const refused = await runDocket(['setup', '--retention-days', '0'], {
    TEMPORAL_ADDRESS: env.address,
    TEMPORAL_NAMESPACE: namespace,
  });
  expect(refused.status).toBe(2);
  expect(refused.stderr.trim()).toBe(
    "docket: --retention-days: '0' is not a whole number of days from 1 to 3650 [INVALID_INPUT]",
  );
  expect(await retentionDays()).toBe(90);
});

test('setup against an unreachable cluster fails with one line, non-zero', async () => {
  const run = await runDocket(['setup'], { TEMPORAL_ADDRESS: '127.0.0.1:1' });
  expect(run.status).not.toBe(0);
  expect(run.stderr.trim().split('\n').pop()).toMatch(/^docket: /);
});
