// The zod schemas a case parses with, built once per worker thread instead of once per case.
//
// The workflow sandbox evaluates the domain modules again for every case a worker loads, so each
// cached case carried its own copy of every schema (about 90 zod objects and their closures, a third
// of a cached case's heap). This module is preloaded (worker/workflow-bundle.ts), so all workflows of
// a thread share it; the SDK deep-freezes what a preloaded module exports, but not the map below,
// which only the closure of `sharedSchema` reaches. zod schemas cannot be frozen themselves (they fill
// in some properties on first use), which is why they are not preloaded directly.
//
// A schema is shared only if it holds nothing of a case: it is built from constants and other shared
// schemas (a refinement may read the preloaded policy registry). Outside the sandbox (the API, the
// CLI, activities) this is an ordinary module, and each schema is built once per process anyway.
const built = new Map<string, unknown>();

/** The schema registered under `key` (module#name, unique), built by `build` the first time. */
export function sharedSchema<T>(key: string, build: () => T): T {
  if (built.has(key)) return built.get(key) as T;
  const schema = build();
  built.set(key, schema);
  return schema;
}
