// The libraries every case uses, preloaded into the worker's workflow context (worker/workflow-bundle.ts):
// evaluated once per worker thread and shared by every workflow, instead of once per workflow. Without
// this, each cached case carried its own copy of zod (some 700 KiB of heap per case, BENCHMARKS.md
// "Memory").
//
// The SDK deep-freezes what a preloaded module exports once it has run, so anything these libraries
// fill in lazily on their first use must be filled in here, before the freeze:
// - zod sets its default locale and memoizer on the first schema it builds;
// - jitless is set here, not per workflow: zod's config object is frozen afterwards.
// Schemas themselves are built per workflow, by the domain modules (not preloaded): zod defines
// properties on a schema lazily, which a frozen schema would refuse.
//
// What is shared must hold no per-workflow state. zod's module state is its configuration (fixed here)
// and per-schema caches keyed by schema objects that each workflow builds for itself; luxon's is caches
// of zones and formatters, the same for every workflow.
import { DateTime } from 'luxon';
import { z } from 'zod';

// A case parses a handful of events in its life, and its schemas live only as long as it does: zod's
// JIT (a `new Function` compiled per object schema on its first parse) would cost each case more than
// it saves. The sandbox has its own zod, so the API and the CLI are unaffected.
z.config({ jitless: true });
z.object({ warmUp: z.string() }).safeParse({ warmUp: 0 });

/**
 * Referenced so the bundler keeps both libraries in the preload: zod and luxon declare themselves
 * free of side effects, and a bare `import 'luxon'` would be dropped.
 */
export const sharedLibraries = { z, DateTime };
