// How the Docket workflow bundle is built, in one place: the production worker, the bench's prebuilt
// bundles and the tests all build it this way, so what is measured and tested is what runs.
import { failureConverterPath } from '../infra/data-converter';

export const docketWorkflowsPath: string = require.resolve('../workflows');

/**
 * Evaluated once per worker thread and shared by every workflow (see workflows/shared-libraries.ts).
 * Preloading only helps in a reusable V8 context, the SDK's default.
 *
 * The policy registry too: every policy is checked against the policy schema where it is defined, so
 * evaluated per workflow it cost each cached case the schema (341 zod schemas, 4 in 5 of a case's)
 * and its own parsed copy of every policy. Policies are fixed data, read and never written once
 * registered (the SDK freezes a preloaded module's exports), and a case's schemas are built by
 * functions (policyVersionSchema), not shared.
 */
export const docketPreloadModules: readonly string[] = [
  require.resolve('../workflows/shared-libraries'),
  require.resolve('../domain/policies/registry'),
];

/** `bundleWorkflowCode(...)` options for the Docket bundle: failures encrypted, shared libraries preloaded. */
export const docketBundleOptions = {
  workflowsPath: docketWorkflowsPath,
  failureConverterPath,
  preloadModules: [...docketPreloadModules],
};

/** `Worker.create(...)` options for a worker that bundles the Docket workflows itself, the same way. */
export const docketWorkerBundleOptions = {
  workflowsPath: docketWorkflowsPath,
  bundlerOptions: { preloadModules: [...docketPreloadModules] },
};
