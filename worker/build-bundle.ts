// Builds the Docket workflow bundle and writes it to the file named on the command line. The worker
// runs this as a child process at start-up (buildWorkflowBundle in ./workflow-bundle.ts): webpack and
// its compilers then leave with the child, instead of staying in the worker's memory for its whole
// life (about 250 MiB of resident memory; BENCHMARKS.md "Memory").
//
//   node --import tsx worker/build-bundle.ts OUT.js
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { docketBundleOptions } from './workflow-bundle';

const quiet = (): void => undefined;
const toStderr = (message: string, meta?: Record<string, unknown>): void => {
  process.stderr.write(`${message}${meta ? ` ${JSON.stringify(meta)}` : ''}\n`);
};

async function main(out: string | undefined): Promise<void> {
  if (!out) throw new Error('usage: build-bundle.ts OUT.js');
  const bundle = await bundleWorkflowCode({
    ...docketBundleOptions,
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: toStderr, error: toStderr },
  });
  await writeFile(out, bundle.code);
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
