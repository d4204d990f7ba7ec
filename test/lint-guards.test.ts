// The workflow sandbox rules are enforced by lint; this proves the rules themselves still bite, so a
// config change cannot silently switch them off. ESLint loads its flat config with a dynamic import,
// which jest's module sandbox cannot do, so the real CLI lints probe files placed in workflows/.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..');

const probes = {
  builtin: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n",
  activityValue:
    "import { createNotificationActivities } from '../activities/notifications';\nexport const a = createNotificationActivities;\n",
  activityType:
    "import type { createNotificationActivities } from '../activities/notifications';\nexport type A = typeof createNotificationActivities;\n",
  floating: 'export async function f(): Promise<void> {\n  Promise.resolve(1);\n}\n',
};

let messagesByProbe: Record<keyof typeof probes, string>;

beforeAll(() => {
  const id = randomUUID().slice(0, 8);
  const files = Object.fromEntries(
    Object.keys(probes).map((name) => [name, path.join(root, 'workflows', `lint-probe-${name}-${id}.ts`)]),
  ) as Record<keyof typeof probes, string>;
  try {
    for (const [name, file] of Object.entries(files))
      writeFileSync(file, probes[name as keyof typeof probes]);
    const run = spawnSync(
      process.execPath,
      [
        path.join(root, 'node_modules', 'eslint', 'bin', 'eslint.js'),
        '--format',
        'json',
        ...Object.values(files),
      ],
      { cwd: root, encoding: 'utf8' },
    );
    const results = JSON.parse(run.stdout) as Array<{
      filePath: string;
      messages: Array<{ ruleId: string | null; message: string }>;
    }>;
    messagesByProbe = Object.fromEntries(
      Object.entries(files).map(([name, file]) => [
        name,
        (results.find((r) => r.filePath === file)?.messages ?? [])
          .map((m) => `${m.ruleId}: ${m.message}`)
          .join('\n'),
      ]),
    ) as Record<keyof typeof probes, string>;
  } finally {
    for (const file of Object.values(files)) rmSync(file, { force: true });
  }
}, 60_000);

describe('workflow lint guards', () => {
  test('a Node built-in in a workflow file is an error', () => {
    expect(messagesByProbe.builtin).toMatch(/no-restricted-imports: 'node:fs' import is restricted/);
  });

  test('importing an activity implementation is an error, importing its type is not', () => {
    expect(messagesByProbe.activityValue).toMatch(/Workflows import activities only as types/);
    expect(messagesByProbe.activityType).not.toMatch(/no-restricted-imports/);
    expect(messagesByProbe.activityType).not.toMatch(/Parsing error/);
  });

  test('a floating promise in a workflow file is an error', () => {
    expect(messagesByProbe.floating).toMatch(/no-floating-promises/);
  });
});
