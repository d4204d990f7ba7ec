// The confidentiality promise, end to end on the official dev server: a case's history read straight
// from the server, without the codec, holds none of the parties' names or the allegation, not in
// inputs, results, memos, summaries, signals or failures; the same history read through the codec
// shows them; and rotating the key leaves old cases readable while new payloads use the new key.
import { Client, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type DataConverter, type Payload } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { CodecError, EncryptionCodec, ENCODING_ENCRYPTED, METADATA_KEY_ID } from '../../infra/codec';
import {
  assertWorkflowBundleEncryptsFailures,
  createDataConverter,
  workflowBundleConverterOptions,
} from '../../infra/data-converter';
import type { Keyring } from '../../infra/keys';
import * as activities from '../fixtures/confidential-activities';
import {
  addStatement,
  confidentialCase,
  failingConfidentialCase,
  stage,
  type ConfidentialCaseInput,
  type ConfidentialCaseResult,
} from '../fixtures/confidential-workflows';
import { createDevServerEnv, quietBundlerLogger, uniqueName } from '../helpers/temporal';
import {
  decodedText,
  fakeCase,
  findLeaks,
  keyringWith,
  metadataText,
  payloadsIn,
  secretsOf,
  STATEMENT,
} from './support';

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;
type HistoryEvent = NonNullable<History['events']>[number];
type Failure = NonNullable<HistoryEvent['workflowExecutionFailedEventAttributes']>['failure'];

const workflowsPath = require.resolve('../fixtures/confidential-workflows');
let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  // The bundle is built with the failure converter, exactly as the production worker must build it.
  [env, bundle] = await Promise.all([
    createDevServerEnv(),
    bundleWorkflowCode({ workflowsPath, ...workflowBundleConverterOptions, logger: quietBundlerLogger }),
  ]);
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

function clientWith(dataConverter: DataConverter): Client {
  return new Client({ connection: env.connection, namespace: env.namespace ?? 'default', dataConverter });
}

function workerWith(taskQueue: string, dataConverter: DataConverter): Promise<Worker> {
  return Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: bundle,
    activities,
    dataConverter,
  });
}

/** The history as stored: fetched through the environment's own client, which has no codec. */
async function rawHistory(workflowId: string): Promise<History> {
  return env.client.workflow.getHandle(workflowId).fetchHistory();
}

async function untilAwaitingStatement(handle: WorkflowHandle<typeof confidentialCase>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await handle.query(stage)).startsWith('awaiting-statement')) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the case never reached awaiting-statement');
}

function startCase(client: Client, taskQueue: string, input: ConfidentialCaseInput) {
  return client.workflow.start(confidentialCase, {
    taskQueue,
    workflowId: uniqueName('case'), // opaque: no personal data in IDs
    args: [input],
    memo: { complainant: input.complainant },
    staticSummary: `Title IX case for ${input.complainant}`,
  });
}

function expectResult(result: ConfidentialCaseResult, input: ConfidentialCaseInput): void {
  expect(result).toEqual({
    ...input,
    receipt: `intake recorded for ${input.complainant} against ${input.respondent}`,
    statements: [STATEMENT],
  });
}

function eventsOf(history: History, attributes: keyof HistoryEvent): HistoryEvent[] {
  return (history.events ?? []).filter((event) => event[attributes]);
}

/** The payloads at the places a case's data is known to live, by name, so a missing one is noticed. */
function namedPayloads(history: History): Record<string, Payload | null | undefined> {
  const started = eventsOf(history, 'workflowExecutionStartedEventAttributes')[0];
  const scheduled = eventsOf(history, 'activityTaskScheduledEventAttributes')[0];
  return {
    'workflow input': started?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0],
    memo: started?.workflowExecutionStartedEventAttributes?.memo?.fields?.complainant,
    'workflow summary': started?.userMetadata?.summary,
    'activity input': scheduled?.activityTaskScheduledEventAttributes?.input?.payloads?.[0],
    'activity summary': scheduled?.userMetadata?.summary,
    'activity result': eventsOf(history, 'activityTaskCompletedEventAttributes')[0]
      ?.activityTaskCompletedEventAttributes?.result?.payloads?.[0],
    signal: eventsOf(history, 'workflowExecutionSignaledEventAttributes')[0]
      ?.workflowExecutionSignaledEventAttributes?.input?.payloads?.[0],
    'workflow result': eventsOf(history, 'workflowExecutionCompletedEventAttributes')[0]
      ?.workflowExecutionCompletedEventAttributes?.result?.payloads?.[0],
  };
}

function keyIdsOf(payloads: Record<string, Payload | null | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(payloads).map(([where, payload]) => [
      where,
      payload && metadataText(payload, 'encoding') === ENCODING_ENCRYPTED
        ? metadataText(payload, METADATA_KEY_ID)
        : `NOT ENCRYPTED (${payload ? metadataText(payload, 'encoding') : 'missing'})`,
    ]),
  );
}

const sameForAll = (keys: string[], value: string) => Object.fromEntries(keys.map((key) => [key, value]));
const PLACES = [
  'workflow input',
  'memo',
  'workflow summary',
  'activity input',
  'activity summary',
  'activity result',
  'signal',
  'workflow result',
];

describe('a case history on the server', () => {
  test('holds no names, allegation or statement in clear; read through the codec, it holds them all', async () => {
    const keyring = keyringWith('k-history');
    const dataConverter = createDataConverter(keyring);
    const taskQueue = uniqueName('confidential');
    const input = fakeCase('T9-2025-0101');
    const client = clientWith(dataConverter);
    const worker = await workerWith(taskQueue, dataConverter);
    const workflowId = await worker.runUntil(async () => {
      const handle = await startCase(client, taskQueue, input);
      await untilAwaitingStatement(handle);
      await handle.signal(addStatement, STATEMENT);
      expectResult(await handle.result(), input);
      return handle.workflowId;
    });

    const raw = await rawHistory(workflowId);
    expect(keyIdsOf(namedPayloads(raw))).toEqual(sameForAll(PLACES, 'k-history'));
    // Not only the named places: every payload anywhere in the history is encrypted.
    const all = payloadsIn(raw);
    expect(all.length).toBeGreaterThanOrEqual(PLACES.length);
    expect(all.map((payload) => metadataText(payload, 'encoding'))).toEqual(
      all.map(() => ENCODING_ENCRYPTED),
    );
    expect(findLeaks(raw, secretsOf(input))).toEqual([]);

    const decoded = await decodedText(raw, new EncryptionCodec(keyring));
    for (const secret of secretsOf(input)) expect(decoded).toContain(secret);
    // And the codec-less view really is the same history the codec reads.
    expect(findLeaks(decoded, secretsOf(input))).toEqual(secretsOf(input));
  });

  test('failure messages and stack traces, from an activity and from the workflow, are encrypted', async () => {
    const keyring = keyringWith('k-failures');
    const dataConverter = createDataConverter(keyring);
    const taskQueue = uniqueName('confidential-fail');
    const input = fakeCase('HR-2025-0202');
    const client = clientWith(dataConverter);
    const worker = await workerWith(taskQueue, dataConverter);
    const workflowId = uniqueName('case');
    const error = await worker.runUntil(
      client.workflow
        .execute(failingConfidentialCase, { taskQueue, workflowId, args: [input] })
        .then(() => new Error('the workflow should have failed'))
        .catch((err: unknown) => err),
    );

    // Through the codec, the client sees the whole error chain with its details.
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause).toMatchObject({
      type: 'IntakeRejected',
      nonRetryable: true,
      message: `intake rejected for ${input.complainant}: ${input.allegation}`,
      details: [
        { complainant: input.complainant, activityMessage: `no personnel record for ${input.respondent}` },
      ],
    });
    expect(cause?.stack).toContain(`intake rejected for ${input.complainant}`);

    const raw = await rawHistory(workflowId);
    const activityFailure = eventsOf(raw, 'activityTaskFailedEventAttributes')[0]
      ?.activityTaskFailedEventAttributes?.failure;
    const workflowFailure = eventsOf(raw, 'workflowExecutionFailedEventAttributes')[0]
      ?.workflowExecutionFailedEventAttributes?.failure;
    for (const failure of [activityFailure, workflowFailure]) {
      expect(failure).toMatchObject({ message: 'Encoded failure', stackTrace: '' });
      expect(metadataText(failure?.encodedAttributes as Payload, METADATA_KEY_ID)).toBe('k-failures');
    }
    expect(findLeaks(raw, secretsOf(input))).toEqual([]);

    // Decrypted, the encoded attributes are the real message and stack trace.
    const codec = new EncryptionCodec(keyring);
    const attributesOf = async (failure: Failure | null | undefined) =>
      JSON.parse(
        Buffer.from((await codec.decode([failure?.encodedAttributes as Payload]))[0]?.data ?? []).toString(
          'utf8',
        ),
      ) as { message: string; stack_trace: string };
    const activityAttributes = await attributesOf(activityFailure);
    expect(activityAttributes.message).toBe(`no personnel record for ${input.respondent}`);
    expect(activityAttributes.stack_trace).toContain(`Error: no personnel record for ${input.respondent}`);
    const workflowAttributes = await attributesOf(workflowFailure);
    expect(workflowAttributes.message).toBe(`intake rejected for ${input.complainant}: ${input.allegation}`);
    expect(workflowAttributes.stack_trace).toContain(`intake rejected for ${input.complainant}`);
  });

  test('control: without the failure converter on the worker, the activity failure leaks in clear', async () => {
    // Proves the leak scan can fail: only payloads are encrypted here, so the activity's error
    // message (converted in the worker, outside the sandbox) is stored as plain text.
    const keyring = keyringWith('k-control');
    const payloadsOnly: DataConverter = { payloadCodecs: [new EncryptionCodec(keyring)] };
    const taskQueue = uniqueName('confidential-control');
    const input = fakeCase('HR-2025-0303');
    const worker = await workerWith(taskQueue, payloadsOnly);
    const workflowId = uniqueName('case');
    await worker.runUntil(
      clientWith(createDataConverter(keyring))
        .workflow.execute(failingConfidentialCase, { taskQueue, workflowId, args: [input] })
        .catch(() => undefined),
    );
    const raw = await rawHistory(workflowId);
    const activityFailure = eventsOf(raw, 'activityTaskFailedEventAttributes')[0]
      ?.activityTaskFailedEventAttributes?.failure;
    expect(activityFailure?.message).toBe(`no personnel record for ${input.respondent}`);
    expect(findLeaks(raw, secretsOf(input))).toEqual([input.respondent]);
  });

  test('the bundle built with workflowBundleConverterOptions passes the worker guard', () => {
    expect(() => assertWorkflowBundleEncryptsFailures(bundle)).not.toThrow();
  });
});

describe('key rotation', () => {
  test('a case started under key A finishes under A+B; new cases use B; both stay readable', async () => {
    const keyringA = keyringWith('k2025-a');
    const keyringAB: Keyring = keyringA.rotatedTo('k2026-b', keyringWith('x').currentKey.toString('base64'));
    const taskQueue = uniqueName('confidential-rotation');
    const input1 = fakeCase('T9-2025-0404');
    const input2 = { ...fakeCase('T9-2026-0001'), complainant: 'Oluwaseun Castellanos-Baptiste' };

    // Case 1 starts under key A and is left waiting for a statement.
    const converterA = createDataConverter(keyringA);
    const workerA = await workerWith(taskQueue, converterA);
    const handle1 = await workerA.runUntil(async () => {
      const handle = await startCase(clientWith(converterA), taskQueue, input1);
      await untilAwaitingStatement(handle);
      return handle;
    });

    // The key rotates: a new worker and client hold A (to read) and B (current). The new worker
    // has no cached state for case 1, so it replays case 1 from A-encrypted history.
    const converterAB = createDataConverter(keyringAB);
    const clientAB = clientWith(converterAB);
    const workerAB = await workerWith(taskQueue, converterAB);
    const workflowId2 = await workerAB.runUntil(async () => {
      await clientAB.workflow.getHandle(handle1.workflowId).signal(addStatement, STATEMENT);
      expectResult(
        await clientAB.workflow.getHandle<typeof confidentialCase>(handle1.workflowId).result(),
        input1,
      );
      const handle2 = await startCase(clientAB, taskQueue, input2);
      await untilAwaitingStatement(handle2);
      await handle2.signal(addStatement, STATEMENT);
      expectResult(await handle2.result(), input2);
      return handle2.workflowId;
    });

    const raw1 = await rawHistory(handle1.workflowId);
    const raw2 = await rawHistory(workflowId2);
    // Case 1: written under A until the rotation, under B after it.
    expect(keyIdsOf(namedPayloads(raw1))).toEqual({
      ...sameForAll(PLACES, 'k2025-a'),
      signal: 'k2026-b',
      'workflow result': 'k2026-b',
    });
    expect(keyIdsOf(namedPayloads(raw2))).toEqual(sameForAll(PLACES, 'k2026-b'));
    expect(findLeaks(raw1, secretsOf(input1))).toEqual([]);
    expect(findLeaks(raw2, secretsOf(input2))).toEqual([]);

    // Both cases read back through the rotated keyring.
    const codecAB = new EncryptionCodec(keyringAB);
    for (const secret of secretsOf(input1)) expect(await decodedText(raw1, codecAB)).toContain(secret);
    for (const secret of secretsOf(input2)) expect(await decodedText(raw2, codecAB)).toContain(secret);

    // Dropping A would strand case 1: its A payloads are refused, naming the missing key.
    const onlyB = new EncryptionCodec(keyringWith('k2026-b'));
    const started = namedPayloads(raw1)['workflow input'] as Payload;
    const refusal = await onlyB.decode([started]).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(CodecError);
    expect(refusal).toMatchObject({
      code: 'CODEC_UNKNOWN_KEY',
      keyId: 'k2025-a',
      message: expect.stringContaining('encryption key "k2025-a" is not in the keyring (known: k2026-b)'),
    });
  }, 120_000);
});
