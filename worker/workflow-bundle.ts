// How the Docket workflow bundle is built, in one place: the production worker, the bench's prebuilt
// bundles and the tests all build it this way, so what is measured and tested is what runs.
import { failureConverterPath } from '../infra/data-converter';

export const docketWorkflowsPath: string = require.resolve('../workflows');

/**
 * Evaluated once per worker thread and shared by every workflow, instead of once per case the worker
 * loads (see workflows/shared-libraries.ts): zod and luxon, the policy registry with every shipped
 * table (immutable data; the SDK deep-freezes what is shared), and the cache of the zod schemas cases
 * parse with (domain/shared-schemas.ts). Preloading only helps in a reusable V8
 * context, the SDK's default.
 */
export const docketPreloadModules: readonly string[] = [
  require.resolve('../workflows/shared-libraries'),
  require.resolve('../domain/policies/registry'),
  require.resolve('../domain/shared-schemas'),
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
