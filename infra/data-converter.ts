// The one data converter that the worker, the client, the API and the CLI all use, so every process
// that talks to Temporal encrypts what it writes and can read what the others wrote.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './codec';
import { ENCRYPTING_FAILURE_CONVERTER_MARKER } from './failure-converter';
import type { Keyring } from './keys';

/**
 * Path of the module exporting `failureConverter`. The SDK requires converters by path because the
 * workflow sandbox needs its own copy: pass this path to `bundleWorkflowCode({ failureConverterPath })`
 * whenever a workflow bundle is built ahead of time (Worker.create with `workflowsPath` does it itself).
 */
export const failureConverterPath: string = require.resolve('./failure-converter');

/**
 * The encrypting data converter: payloads go through the AES-256-GCM codec, and failures carry their
 * message and stack trace as an encoded (so encrypted) payload. The codec lives in `payloadCodecs`,
 * which the SDK runs outside the sandbox, so node:crypto never reaches the workflow bundle.
 */
export function createDataConverter(keyring: Keyring): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keyring)],
    failureConverterPath,
  };
}

/**
 * Options to spread into `bundleWorkflowCode(...)` so the sandbox converts failures the same way.
 * A bundle built without them writes workflow failure messages to history in clear text.
 */
export const workflowBundleConverterOptions = { failureConverterPath } as const;

export class UnencryptedBundleError extends Error {
  readonly code = 'BUNDLE_FAILURES_UNENCRYPTED';
  constructor() {
    super(
      "the workflow bundle was built without Docket's failure converter, so workflow failure messages " +
        'and stack traces would be stored in clear text: build it with ' +
        'bundleWorkflowCode({ ...workflowBundleConverterOptions, workflowsPath })',
    );
    this.name = 'UnencryptedBundleError';
  }
}

/**
 * Refuses a prebuilt workflow bundle that lacks the encrypting failure converter. Worker.create does
 * not check that a bundle agrees with its dataConverter, so the worker's entry point should call
 * this before starting.
 */
export function assertWorkflowBundleEncryptsFailures(bundle: { code: string }): void {
  if (!bundle.code.includes(ENCRYPTING_FAILURE_CONVERTER_MARKER)) throw new UnencryptedBundleError();
}
