// Live heap per cached case, and what it is made of: runs the Docket worker with its workflows in this
// process (debugMode, reusable V8 context as in production), opens `n` emergency grievances and
// compares heap snapshots taken before and after (self size per object type and name, per case).
// With `imported`, the cases are general grievances opened as `docket cases import` opens them:
// each with its two recorded events (`rts-submitted`, `rts-responded`) sent as Updates.
//
//   DOCKET_TEMPORAL_CLI=~/.cache/docket/temporal-cli-v1.5.1/temporal \
//     node --expose-gc --import tsx bench/heap-per-case.ts 100 [imported]
//
// The snapshots (/tmp/docket-heap-{before,after}.heapsnapshot) open in Chrome's DevTools too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import { createMemorySentLedger } from '../activities/sent-ledger';
import { parseConfig } from '../infra/config';
import { createDocketWorker } from '../worker/main';
import { parseRecord } from '../client/import/format';
import { importLine } from '../client/import/importer';
import { benchKeyEnv, connectClients, HOUR_MS, runPool, type Clients } from './lib/common';
import { startDevServer } from './lib/devserver';
import { startSmtpSink } from './lib/smtp-sink';
import { openEmergencyGrievance } from './phases/burst';

interface HeapSnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per "type:name" of every node in a snapshot. */
function tally(file: string): Map<string, { count: number; bytes: number }> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotFile;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const totals = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt] as number] as string;
    const name = type.includes('string')
      ? ''
      : String(snapshot.strings[snapshot.nodes[i + nameAt] as number]);
    const key = `${type}:${name.slice(0, 60)}`;
    const entry = totals.get(key) ?? { count: 0, bytes: 0 };
    entry.count += 1;
    entry.bytes += snapshot.nodes[i + sizeAt] as number;
    totals.set(key, entry);
  }
  return totals;
}

/** One line of a bulk import: a general grievance and its two recorded events, through the importer. */
async function openImportedGrievance(clients: Clients, caseNumber: string, nowMs: number): Promise<void> {
  const iso = (ms: number) => new Date(ms).toISOString();
  const value = {
    caseType: 'grievance',
    intake: { caseNumber, facility: 'LARC', category: 'general', incidentAt: iso(nowMs - 72 * HOUR_MS) },
    events: [
      { event: 'rts-submitted', at: iso(nowMs - 48 * HOUR_MS), by: 'S-0100' },
      { event: 'rts-responded', at: iso(nowMs - 24 * HOUR_MS), by: 'S-0101' },
    ],
  };
  const result = await importLine(clients.docket, { line: 1, raw: '', parsed: parseRecord(value) });
  if (result.status !== 'imported') throw new Error(`${caseNumber}: ${JSON.stringify(result.rejection)}`);
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 100);
  const imported = process.argv[3] === 'imported';
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  const server = await startDevServer('heap');
  const sink = await startSmtpSink();
  const { keyring, DOCKET_CODEC_KEYS } = benchKeyEnv();
  const taskQueue = `bench-heap-${Date.now()}`;
  const config = parseConfig({
    temporal: { address: server.address, taskQueue },
    smtp: { host: '127.0.0.1', port: sink.port },
    directoryPath: path.join(__dirname, '..', 'config', 'directory.yaml'),
    logLevel: 'warn',
    worker: { maxCachedWorkflows: n + 100 },
  });
  const { worker } = await createDocketWorker(
    config,
    { ...process.env, DOCKET_CODEC_KEYS },
    { ledger: createMemorySentLedger(), workerOptions: { debugMode: true, reuseV8Context: true } },
  );
  const clients = await connectClients(server.address, keyring, taskQueue);
  const settledHeap = async (file: string) => {
    await sleep(3_000);
    gc();
    gc();
    v8.writeHeapSnapshot(file);
    return process.memoryUsage().heapUsed;
  };
  try {
    await worker.runUntil(async () => {
      const dueAt = Date.now() + 24 * HOUR_MS;
      const open = (from: number, count: number) =>
        runPool(count, 8, (j) =>
          imported
            ? openImportedGrievance(clients, `HEAP-${from + j}`, Date.now())
            : openEmergencyGrievance(clients, `HEAP-${from + j}`, dueAt),
        );
      await open(0, 5); // every module the cases share is loaded before the first snapshot
      const before = await settledHeap('/tmp/docket-heap-before.heapsnapshot');
      await open(5, n);
      const after = await settledHeap('/tmp/docket-heap-after.heapsnapshot');
      console.log(
        `live heap per cached ${imported ? 'imported' : 'opened'} case: ${((after - before) / n / 1024).toFixed(1)} KiB (n = ${n})`,
      );
    });
  } finally {
    await clients.close();
    await sink.close();
    await server.stop();
  }
  const [a, b] = [
    tally('/tmp/docket-heap-before.heapsnapshot'),
    tally('/tmp/docket-heap-after.heapsnapshot'),
  ];
  const rows = [...b].map(([key, e]) => {
    const old = a.get(key) ?? { count: 0, bytes: 0 };
    return { key, count: (e.count - old.count) / n, kib: (e.bytes - old.bytes) / n / 1024 };
  });
  rows.sort((x, y) => y.kib - x.kib);
  console.log('per case, by snapshot node type:name (self size):');
  for (const r of rows.slice(0, 25)) {
    console.log(`${r.kib.toFixed(1).padStart(8)} KiB ${r.count.toFixed(1).padStart(8)}×  ${r.key}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
