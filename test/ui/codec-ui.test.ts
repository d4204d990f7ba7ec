// An administrator reads an encrypted case in the Temporal UI on the embedded system, with no manual
// step: the dev server's UI is pointed at the codec server (as scripts/up.sh starts both), the codec
// server runs from its own entry point in loopback mode, and a real browser opens the run. Its input,
// its summary and its activity summary, all encrypted in history, must show in clear, with no
// "Decoding failed" and no codec error in the UI.
import { freePort } from '../helpers/net';
import { launchChromium } from '../helpers/browser';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import type { Browser } from 'playwright-core';
import { createDataConverter, workflowBundleConverterOptions } from '../../infra/data-converter';
import { ENCODING_ENCRYPTED } from '../../infra/codec';
import * as activities from '../fixtures/confidential-activities';
import { addStatement, confidentialCase } from '../fixtures/confidential-workflows';
import {
  fakeCase,
  findLeaks,
  keyringWith,
  metadataText,
  payloadsIn,
  secretsOf,
  STATEMENT,
} from '../confidentiality/support';
import { createDevServerEnv, quietBundlerLogger, uniqueName } from '../helpers/temporal';

const REPO = path.join(__dirname, '..', '..');
const ARTIFACTS = path.join(REPO, 'test-artifacts');

const keyring = keyringWith('k2025-ui');
const dataConverter = createDataConverter(keyring);
const input = fakeCase('TIX-2025-0913');
const taskQueue = uniqueName('docket-codec-ui');

let env: TestWorkflowEnvironment;
let codecServer: ChildProcess;
let codecLog = '';
let worker: Worker;
let running: Promise<void>;
let browser: Browser;
let uiPort: number;

/** The codec server as scripts/up.sh runs it: its entry point, loopback mode, the UI's port. */
async function startCodecServer(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/codec/codec-server.ts'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      DOCKET_CODEC_AUTH: 'loopback',
      DOCKET_CODEC_PORT: String(port),
      TEMPORAL_UI_PORT: String(uiPort),
      DOCKET_CODEC_KEYS: `k2025-ui:${keyring.currentKey.toString('base64')}`,
      DOCKET_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (codecLog += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (codecLog += chunk.toString('utf8')));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the codec server exited: ${codecLog}`);
    const up = await fetch(`http://127.0.0.1:${port}/health`).then(
      (res) => res.ok,
      () => false,
    );
    if (up) return child;
    if (Date.now() > deadline) throw new Error(`the codec server did not start: ${codecLog}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

beforeAll(async () => {
  uiPort = await freePort();
  const codecPort = await freePort();
  let bundle: Awaited<ReturnType<typeof bundleWorkflowCode>>;
  [codecServer, env, bundle] = await Promise.all([
    startCodecServer(codecPort),
    createDevServerEnv({
      ui: true,
      uiPort,
      extraArgs: ['--ui-codec-endpoint', `http://127.0.0.1:${codecPort}`],
    }),
    bundleWorkflowCode({
      workflowsPath: require.resolve('../fixtures/confidential-workflows'),
      ...workflowBundleConverterOptions,
      logger: quietBundlerLogger,
    }),
  ]);
  worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: bundle,
    activities,
    dataConverter,
  });
  running = worker.run();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  worker?.shutdown();
  await running;
  await env?.teardown();
  if (codecServer && codecServer.exitCode === null) {
    const exited = new Promise((resolve) => codecServer.once('exit', resolve));
    codecServer.kill('SIGTERM');
    await exited;
  }
});

test('the UI decodes an encrypted run through the loopback codec server, with no sign-in', async () => {
  const client = new Client({ connection: env.connection, dataConverter });
  const workflowId = uniqueName('case');
  const handle = await client.workflow.start(confidentialCase, {
    taskQueue,
    workflowId,
    args: [input],
    staticSummary: `Title IX case for ${input.complainant}`,
  });
  await handle.signal(addStatement, STATEMENT);
  await handle.result();

  // What the UI receives from the server is ciphertext: every place the names could be is encrypted.
  const raw = await env.client.workflow.getHandle(workflowId).fetchHistory();
  expect(findLeaks(raw, secretsOf(input))).toEqual([]);
  const encodings = new Set(payloadsIn(raw).map((payload) => metadataText(payload, 'encoding')));
  expect([...encodings]).toEqual([ENCODING_ENCRYPTED]);

  const page = await browser.newPage({ viewport: { width: 1440, height: 1100 } });
  const codecResponses: number[] = [];
  page.on('response', (response) => {
    if (/\/decode(\?|$)/.test(response.url()) && response.request().method() === 'POST') {
      codecResponses.push(response.status());
    }
  });
  try {
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${workflowId}`);
    // The workflow summary (user metadata) and the input, both decrypted by the codec server.
    await page.getByText(`Title IX case for ${input.complainant}`).first().waitFor({ timeout: 30_000 });
    await page.getByText(input.allegation).first().waitFor({ timeout: 30_000 });
    await page.getByTestId('data-encoder-status-success').waitFor({ timeout: 10_000 });

    // The event history: the activity's summary is user metadata too.
    await page.getByText(`intake for ${input.complainant}`).first().waitFor({ timeout: 30_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'temporal-ui-codec-decoded.png'), fullPage: true });

    expect(await page.getByTestId('data-encoder-status-error').count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain('Decoding failed');
    expect(html).not.toContain('Codec Server could not connect');
    expect(html).not.toContain('Data decoding failed');
    expect(html).not.toContain(ENCODING_ENCRYPTED);
    expect(codecResponses.length).toBeGreaterThan(0);
    expect(codecResponses.every((status) => status === 200)).toBe(true);
  } finally {
    await page.close();
  }
  // The codec server served the browser and refused nothing; its log holds no case data.
  expect(codecLog).toContain('codec request served');
  expect(codecLog).not.toContain('codec request refused');
  expect(findLeaks(codecLog, secretsOf(input))).toEqual([]);
}, 120_000);
