// Replays every committed history (test/histories/*.json) against the current workflow code. A
// non-determinism error here means the change would break cases already running: put it behind
// patched() instead.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { HISTORIES_DIR, historyFromPlain } from './helpers/histories';
import { bundleFor } from './helpers/temporal';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.json'));

test('there are committed histories to replay', () => {
  expect(files.length).toBeGreaterThan(0);
});

test.each(files)('%s replays against the current workflow code', async (file) => {
  const history = historyFromPlain(JSON.parse(readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
  expect(history.events?.length ?? 0).toBeGreaterThan(5);
  await Worker.runReplayHistory(
    { workflowBundle: await bundleFor(require.resolve('../workflows')) },
    history,
    path.basename(file, '.json'),
  );
});
