// Builds the Docket workflow bundle and writes it to the file named on the command line. The worker
// runs this as a child process at start-up (buildWorkflowBundle in ./workflow-bundle.ts): webpack and
// its compilers then leave with the child, instead of staying in the worker's memory for its whole
// life (about 250 MiB of resident memory; BENCHMARKS.md "Memory").
//
//   node --import tsx worker/build-bundle.ts OUT.js
import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { docketBundleOptions, quietBundlerLogger } from './workflow-bundle';

async function main(out: string | undefined): Promise<void> {
  if (!out) throw new Error('usage: build-bundle.ts OUT.js');
  const bundle = await bundleWorkflowCode({ ...docketBundleOptions, logger: quietBundlerLogger });
  await writeFile(out, bundle.code);
}

main(process.argv[2]).catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
