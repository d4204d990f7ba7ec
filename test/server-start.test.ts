// The SDK kills a spawned server that is not accepting connections within 5 s; the test helpers try a
// start that timed out again (test/helpers/temporal.ts). These tests drive the real SDK start-up path,
// so a change to the SDK's error would fail here rather than turn a slow CI machine red again.
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTimeSkippingEnv, startServerWithRetry } from './helpers/temporal';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'docket-server-start-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

test('a test server that misses the first 5 s is started again, and the second start is used', async () => {
  const starts = path.join(dir, 'starts');
  const launcher = path.join(dir, 'slow-then-real');
  // The first start never opens its port (the SDK kills it); the second is the real test server.
  writeFileSync(
    launcher,
    [
      '#!/bin/sh',
      `echo start >> '${starts}'`,
      `if [ "$(wc -l < '${starts}')" -eq 1 ]; then exec sleep 60; fi`,
      `exec '${process.env.DOCKET_TEST_SERVER}' "$@"`,
    ].join('\n'),
  );
  chmodSync(launcher, 0o755);
  let env: TestWorkflowEnvironment | undefined;
  try {
    env = await createTimeSkippingEnv(launcher);
    expect(readFileSync(starts, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(env.supportsTimeSkipping).toBe(true);
    await expect(env.currentTimeMs()).resolves.toBeGreaterThan(0);
  } finally {
    await env?.teardown();
  }
}, 60_000);

test('a server that cannot start for another reason fails at once, with the SDK error', async () => {
  let calls = 0;
  const missing = path.join(dir, 'no-such-server');
  await expect(
    startServerWithRetry('a missing server', () => {
      calls++;
      return TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: missing } },
      });
    }),
  ).rejects.toThrow(`ephemeral server executable does not exist: ${missing}`);
  expect(calls).toBe(1);
});

test('a server that keeps timing out fails after the last attempt with its error', async () => {
  const timeouts: Error[] = [];
  await expect(
    startServerWithRetry('a stuck server', async () => {
      const err = new Error(
        `Failed to start ephemeral server: ephemeral server at 127.0.0.1:${40000 + timeouts.length} did not start within 5s.`,
      );
      timeouts.push(err);
      throw err;
    }),
  ).rejects.toThrow('ephemeral server at 127.0.0.1:40002 did not start within 5s.');
  expect(timeouts).toHaveLength(3);
});
