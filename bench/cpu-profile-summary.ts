// Where a worker thread's CPU went during a burst's drain: reads a V8 .cpuprofile written by the bench's
// worker (BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR"), keeps the samples after the longest
// idle stretch (the wait between opening the cases and their deadline, so what follows is the drain)
// and prints self and total time per function, and the SDK's fixed costs per call into the workflow VM.
//
//   node --import tsx bench/cpu-profile-summary.ts DIR/CPU.*.cpuprofile [--all] [--top 25]
//
// The worker writes one profile per thread: the main thread (activities, the SDK's core bridge) and
// one per workflow thread (the thread whose profile has `runInContext` at the top).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * SDK and V8 costs named in the summary: `self` counts only samples in the frame itself, `subtree`
 * everything under it (the promise hook's work is all on the hook's behalf).
 */
interface Bucket {
  name: string;
  counts: 'self' | 'subtree';
  matches: (frame: string, url: string) => boolean;
}

/** Everything under frames whose source file's path contains `part`. */
const underPath = (name: string, part: string): Bucket => ({
  name,
  counts: 'subtree',
  matches: (_, url) => url.includes(part),
});

const buckets: Bucket[] = [
  {
    name: 'entering the workflow VM (runInContext, native)',
    counts: 'self',
    matches: (f) => f === 'runInContext :-1',
  },
  {
    name: "the SDK's promise hook (a stack trace per promise, for the stack trace query)",
    counts: 'subtree',
    // The SDK's `init` hook (under Node's `initAll` when more than one promise hook is installed).
    matches: (f) => f.startsWith('init workflow/vm-shared.js'),
  },
  { name: 'garbage collector', counts: 'self', matches: (f) => f.startsWith('(garbage collector)') },
  // The main thread's parts, for a drain's decomposition (BENCHMARKS.md "Where a breach's CPU goes,
  // beside the ceiling"). Subtrees overlap: activity code includes the archive and the ledger.
  underPath('activity code (activities/, all of it)', '/activities/'),
  underPath('  the SMTP session (nodemailer)', '/nodemailer/'),
  underPath('  the records archive (activities/archive-*)', '/activities/archive-'),
  underPath('  the sent ledger (activities/sent-ledger.ts)', '/activities/sent-ledger'),
  underPath('payload encryption (infra/codec.ts)', '/infra/codec.ts'),
  {
    name: "the SDK's activation and task plumbing (rxjs, core bridge; self time)",
    counts: 'self',
    matches: (_, u) =>
      u.includes('/rxjs/') || u.includes('/core-bridge/') || u.includes('@temporalio/worker/lib/worker.js'),
  },
];

function frameName(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  return `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber}`;
}

function summarize(file: string, options: { all: boolean; top: number }): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

  // Each sample's time, and its weight: the time until the next sample.
  let clock = profile.startTime;
  const samples = profile.samples.map((nodeId, i) => {
    clock += profile.timeDeltas[i] ?? 0;
    const node = byId.get(nodeId);
    return { at: clock, node, weight: profile.timeDeltas[i + 1] ?? 0 };
  });
  const busySamples = samples.filter((sample) => sample.node?.callFrame.functionName !== '(idle)');

  let from = 0;
  let longestGap = 0;
  busySamples.forEach((sample, i) => {
    const gap = i > 0 ? sample.at - (busySamples[i - 1]?.at ?? sample.at) : 0;
    if (gap > longestGap) [longestGap, from] = [gap, sample.at];
  });
  if (options.all) from = 0;

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const bucketTotals = new Map<string, number>();
  let busy = 0;
  for (const { at, node: leaf, weight } of busySamples) {
    if (at < from) continue;
    busy += weight;
    if (!leaf) continue;
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + weight);
    const counted = new Set<string>();
    const bucketed = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parentOf.get(id)) {
      const name = frameName(byId.get(id) as ProfileNode);
      if (!counted.has(name)) total.set(name, (total.get(name) ?? 0) + weight);
      counted.add(name);
      for (const bucket of buckets) {
        if (bucketed.has(bucket.name) || !bucket.matches(name, byId.get(id)?.callFrame.url ?? '')) continue;
        if (bucket.counts === 'self' && id !== leaf.id) continue;
        bucketed.add(bucket.name);
        bucketTotals.set(bucket.name, (bucketTotals.get(bucket.name) ?? 0) + weight);
      }
    }
  }

  const s = (us: number) => (us / 1e6).toFixed(2).padStart(7);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const table = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, options.top)
      .map(([name, us]) => `${s(us)} s ${pct(us)}  ${name}`)
      .join('\n');
  console.log(`${path.basename(file)}`);
  console.log(
    options.all
      ? `  whole run: ${s(busy)} s of CPU`
      : `  after the longest idle stretch (${(longestGap / 1e6).toFixed(1)} s): ${s(busy)} s of CPU`,
  );
  console.log('-- buckets');
  console.log(table(bucketTotals) || '  (none)');
  console.log('-- self time');
  console.log(table(self));
  console.log('-- total time (self and callees)');
  console.log(table(total));
  console.log();
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { all: { type: 'boolean', default: false }, top: { type: 'string', default: '25' } },
});
if (positionals.length === 0) {
  console.error('usage: node --import tsx bench/cpu-profile-summary.ts FILE.cpuprofile... [--all] [--top N]');
  process.exit(2);
}
for (const file of positionals) summarize(file, { all: values.all ?? false, top: Number(values.top) });
