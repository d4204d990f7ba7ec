// Inside a workflow, zod is shared by every case and frozen (workflows/shared-libraries.ts), and so are
// the RegExps it exports. zod resets a pattern's lastIndex before testing it, which a frozen RegExp
// refuses: a schema that reaches a workflow with one of zod's own patterns (z.email, z.iso.date, ...)
// fails that workflow's task on its first parse. These tests walk every schema the workflow bundle's
// modules export and fail on any such pattern.
import { z } from 'zod';
import { docketWorkflowsPath } from '../../worker/workflow-bundle';
import { bundleFor } from '../helpers/temporal';

const zodPatterns = new Map<RegExp, string>(
  Object.entries(z.regexes).flatMap(([name, value]) => (value instanceof RegExp ? [[value, name]] : [])),
);

/**
 * Every pattern zod will test (`def.pattern` of a string format or a regex check: the ones it resets
 * `lastIndex` on) reachable from `root` through own properties, getters included.
 */
function testedPatterns(root: unknown): RegExp[] {
  const found: RegExp[] = [];
  const seen = new Set<object>();
  const stack: Array<{ value: unknown; key: string; parentKey: string }> = [
    { value: root, key: '', parentKey: '' },
  ];
  while (stack.length > 0) {
    const { value, key, parentKey } = stack.pop() as (typeof stack)[number];
    if (value === null || typeof value !== 'object' || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof RegExp) {
      if (key === 'pattern' && parentKey === 'def') found.push(value);
      continue;
    }
    for (const child of Object.getOwnPropertyNames(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, child);
      let childValue: unknown;
      try {
        childValue = descriptor && 'value' in descriptor ? descriptor.value : descriptor?.get?.call(value);
      } catch {
        continue; // a getter that needs more context than a walk gives it
      }
      stack.push({ value: childValue, key: child, parentKey: key });
    }
  }
  return found;
}

/** The Docket modules the workflow bundle evaluates per workflow (domain and workflows, not node_modules). */
async function bundledDocketModules(): Promise<string[]> {
  const { code } = await bundleFor(docketWorkflowsPath);
  const modules = [...code.matchAll(/^\/\*\*\*\/ "\.\/((?:domain|workflows)\/[^"]+\.ts)"$/gm)].map(
    (m) => m[1] as string,
  );
  // The preloaded module is zod itself (and luxon), not a schema.
  return [...new Set(modules)].filter((file) => file !== 'workflows/shared-libraries.ts').sort();
}

test('the walk finds zod’s own patterns where a schema uses them (the check can fail)', () => {
  const shared = testedPatterns(z.object({ email: z.email(), day: z.iso.date() }));
  expect(shared.filter((p) => zodPatterns.has(p)).map((p) => zodPatterns.get(p))).toEqual(
    expect.arrayContaining(['email', 'date']),
  );
});

test('no schema in a module the workflows load uses one of zod’s own (frozen in a workflow) patterns', async () => {
  const modules = await bundledDocketModules();
  expect(modules).toEqual(expect.arrayContaining(['domain/cases/title-ix.ts', 'domain/cases/probation.ts']));
  const offenders: string[] = [];
  for (const file of modules) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the list comes from the bundle
    const exports = require(`../../${file}`) as Record<string, unknown>;
    for (const [name, value] of Object.entries(exports)) {
      for (const pattern of testedPatterns(value)) {
        const shared = zodPatterns.get(pattern);
        if (shared) offenders.push(`${file} ${name}: z.regexes.${shared}`);
      }
    }
  }
  expect(offenders).toEqual([]);
}, 60_000);
