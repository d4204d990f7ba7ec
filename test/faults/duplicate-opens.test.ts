// Ten case systems (or one that retries in a loop) open the same case at the same moment, against the
// real dev server: one workflow is created, the other nine calls learn that the case already exists
// with the same intake, and nothing else happens. Opening needs no worker.
import { setTimeout as sleep } from 'node:timers/promises';
import { uniqueName } from '../helpers/temporal';
import {
  codecKeys,
  connectClients,
  DevServerProcess,
  HOUR_MS,
  iso,
  removeScratch,
  scratchDir,
  type Clients,
} from './support';

let dir: string;
let server: DevServerProcess;
let clients: Clients;

beforeAll(async () => {
  dir = scratchDir('opens');
  server = await DevServerProcess.create(dir);
  await server.start();
  clients = await connectClients(server.address, codecKeys().keyring, uniqueName('faults-opens'));
}, 180_000);

afterAll(async () => {
  await clients?.close().catch(() => undefined);
  await server?.stop();
  if (dir) removeScratch(dir);
});

test('10 concurrent identical opens create one case', async () => {
  const intake = {
    caseNumber: 'FLT-OPEN-1',
    facility: 'LARC',
    category: 'sexual-abuse',
    preaEmergency: true,
    incidentAt: iso(Date.now() - HOUR_MS),
  };
  const results = await Promise.all(
    Array.from({ length: 10 }, () => clients.docket.openCase('grievance', { ...intake })),
  );
  expect(results.filter((r) => r.created)).toHaveLength(1);
  expect(new Set(results.map((r) => r.workflowId))).toEqual(new Set(['grievance-FLT-OPEN-1']));

  // Visibility is eventually consistent: wait for the run to show, then there must be exactly one.
  const runsOf = async (): Promise<string[]> => {
    const runs: string[] = [];
    for await (const info of clients.docket.temporal.workflow.list({
      query: `WorkflowId = 'grievance-FLT-OPEN-1'`,
    })) {
      runs.push(info.runId);
    }
    return runs;
  };
  let runs = await runsOf();
  for (let i = 0; runs.length === 0 && i < 100; i++) {
    await sleep(100);
    runs = await runsOf();
  }
  expect(runs).toHaveLength(1);
  const history = await clients.docket.handle('grievance', 'FLT-OPEN-1').fetchHistory();
  expect(history.events?.[0]?.workflowExecutionStartedEventAttributes).toBeTruthy();
  // The same number with a different intake is refused, not opened a second time.
  await expect(clients.docket.openCase('grievance', { ...intake, facility: 'JHCC' })).rejects.toMatchObject({
    code: 'CASE_CONFLICT',
  });
});
