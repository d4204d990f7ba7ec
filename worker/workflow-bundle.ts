// How the Docket workflow bundle is built, in one place: the production worker, the bench's prebuilt
// bundles and the tests all build it this way, so what is measured and tested is what runs.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
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

const noop = (): void => undefined;
/** Bundler logger: webpack's progress stays quiet, its warnings and errors go to stderr. */
export const quietBundlerLogger = {
  log: noop,
  trace: noop,
  debug: noop,
  info: noop,
  warn: (message: string, meta?: Record<string, unknown>) => console.warn(message, meta ?? ''),
  error: (message: string, meta?: Record<string, unknown>) => console.error(message, meta ?? ''),
};

/**
 * Builds the bundle in a child process (./build-bundle.ts) and returns its code, for
 * `Worker.create({ workflowBundle: { code } })`. Built afresh at every start, as the SDK would build it
 * in the worker itself, so the code that runs is always the code checked out; but webpack's memory
 * goes when the child exits. A failed build throws with the child's own output.
 */
export async function buildWorkflowBundle(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docket-bundle-'));
  const out = path.join(dir, 'workflow-bundle.js');
  try {
    await promisify(execFile)(process.execPath, ['--import', 'tsx', require.resolve('./build-bundle'), out], {
      // `--import tsx` resolves from the working directory: the project's own.
      cwd: path.resolve(__dirname, '..'),
      maxBuffer: 16 * 1024 * 1024,
    }).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`building the workflow bundle failed: ${err.stderr?.trim() || err.message}`);
    });
    return await readFile(out, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `Worker.create(...)` options for a worker that bundles the Docket workflows itself, the same way. */
export const docketWorkerBundleOptions = {
  workflowsPath: docketWorkflowsPath,
  bundlerOptions: { preloadModules: [...docketPreloadModules] },
};
