// The failure converter for every Docket process AND for the workflow sandbox. The SDK loads it by
// path (DataConverter.failureConverterPath) in the worker and client, and webpack bundles it into the
// workflow code when the bundle is built with the same path, because failures thrown by workflow
// code are converted inside the sandbox. Hence this module imports @temporalio/common only: no Node
// built-ins, nothing that pulls in the codec.
//
// With encodeCommonAttributes, a failure's message and stack trace move out of the clear-text
// Failure fields into an `encodedAttributes` payload, which the payload codec then encrypts. Error
// messages routinely quote case details ("no record for <name>"), so they are as confidential as
// the inputs. The stored Failure keeps only the message "Encoded failure".
import { DefaultFailureConverter } from '@temporalio/common';

/**
 * A string that appears in a workflow bundle only if this module was bundled into it; see
 * assertWorkflowBundleEncryptsFailures in ./data-converter.
 */
export const ENCRYPTING_FAILURE_CONVERTER_MARKER = 'docket:encrypting-failure-converter:v1';

class DocketFailureConverter extends DefaultFailureConverter {
  readonly marker = ENCRYPTING_FAILURE_CONVERTER_MARKER;
}

export const failureConverter = new DocketFailureConverter({ encodeCommonAttributes: true });
