// What a case costs the worker to wake from nothing: replays committed full-path histories (the work a
// worker does for every evicted case it wakes, and the same workflow code a live case runs), `n` times
// each, in this process with the production bundle and a reusable V8 context. Prints the process CPU
// per replay and per history event, then (in a second, shorter pass, since counting has its own cost)
// the promises the workflow code created per replay: the SDK records a source-mapped stack trace for
// each one. No server is needed, so the figures move only with Docket's own workflow code.
//
//   node --import tsx bench/replay-cost.ts [n=200] [history names…]
import { readFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { historyFromPlain, HISTORIES_DIR } from '../test/helpers/histories';
import { docketBundleOptions, quietBundlerLogger } from '../worker/workflow-bundle';

const DEFAULT_HISTORIES = ['grievance-informal-path', 'discipline-full-path', 'title-ix-full-path'];

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 200);
  const names = process.argv.length > 3 ? process.argv.slice(3) : DEFAULT_HISTORIES;
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const workflowBundle = await bundleWorkflowCode({ ...docketBundleOptions, logger: quietBundlerLogger });
  for (const name of names) {
    const history = historyFromPlain(
      JSON.parse(readFileSync(path.join(HISTORIES_DIR, `${name}.json`), 'utf8')),
    );
    const events = history.events?.length ?? 0;
    const run = async (count: number, tag: string): Promise<{ cpuMs: number; wallMs: number }> => {
      const histories = Array.from({ length: count }, (_, i) => ({ workflowId: `${tag}-${i}`, history }));
      const cpu = process.cpuUsage();
      const start = performance.now();
      for await (const result of Worker.runReplayHistories({ workflowBundle }, histories)) {
        if (result.error) throw result.error;
      }
      const used = process.cpuUsage(cpu);
      return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - start };
    };
    await run(Math.min(20, n), `warm-${name}`);
    const { cpuMs, wallMs } = await run(n, name);
    const counted = Math.min(20, n);
    const promises = await countWorkflowPromises(() => run(counted, `count-${name}`));
    console.log(
      `${name}: ${events} events, ${n} replays: ${(cpuMs / n).toFixed(2)} ms CPU per replay, ` +
        `${((cpuMs / n / events) * 1000).toFixed(0)} µs per event, ${(wallMs / n).toFixed(2)} ms wall per replay, ` +
        `${(promises / counted).toFixed(0)} workflow promises per replay`,
    );
  }
}

/**
 * Promises created inside workflow sandboxes while `task` runs: a sandbox's promises are instances of
 * its own Promise, not this realm's (the replay runs the workflows on this thread).
 */
async function countWorkflowPromises(task: () => Promise<unknown>): Promise<number> {
  let count = 0;
  const stop = v8.promiseHooks.onInit((promise: Promise<unknown>) => {
    if (promise.constructor !== Promise) count++;
  });
  try {
    await task();
  } finally {
    stop();
  }
  return count;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
