// docs/rules.md publishes every policy's rule table; it is generated from the policy modules, so a
// changed rule that was not written into the document fails here. (The generator formats with
// prettier, which jest's module loader cannot run, so it runs as its own process.)
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listPolicies } from '../domain/policies';

const ROOT = path.join(__dirname, '..');

test('docs/rules.md carries the rule tables of the policies as they are', () => {
  expect(() =>
    execFileSync('npx', ['tsx', 'tools/rules-doc.ts', '--check'], { cwd: ROOT, stdio: 'pipe' }),
  ).not.toThrow();
  const onDisk = readFileSync(path.join(ROOT, 'docs', 'rules.md'), 'utf8');
  for (const policy of listPolicies()) expect(onDisk).toContain(`(\`${policy.id}\` ${policy.latest})`);
});
