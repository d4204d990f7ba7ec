// Shared plumbing: the payload key every bench process uses, Temporal clients with Docket's data
// converter, workflow bundles built once per run, a bounded-concurrency runner and percentiles.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { workflowBundleConverterOptions } from '../../infra/data-converter';
import { connectDevClients, type DevClients } from '../../scripts/dev-server';
import { Keyring } from '../../infra/keys';

/** One random AES-256 key per run: the worker, the client and the API all encrypt as in production. */
export function benchKeyEnv(): { DOCKET_CODEC_KEYS: string; keyring: Keyring } {
  const key = randomBytes(32).toString('base64');
  return {
    DOCKET_CODEC_KEYS: `bench:${key}`,
    keyring: Keyring.fromSpec({ current: 'bench', keys: { bench: key } }, 'bench keyring'),
  };
}

export type Clients = DevClients;

export const connectClients = connectDevClients;

const quiet = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: (message: string) => console.error(message),
};

/**
 * Builds a workflow bundle once and writes it to `dir`, so worker processes load it instead of running
 * webpack themselves. Built with Docket's failure converter, as infra/data-converter.ts requires.
 * `preloadModules` are evaluated once per worker and shared (frozen) by every workflow, instead of once
 * per workflow (see worker/workflow-bundle.ts).
 */
export async function writeBundle(
  workflowsPath: string,
  dir: string,
  name: string,
  preloadModules: readonly string[] = [],
): Promise<{ file: string; bytes: number; code: string }> {
  const bundle = await bundleWorkflowCode({
    workflowsPath,
    ...workflowBundleConverterOptions,
    preloadModules: [...preloadModules],
    logger: quiet,
  });
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, bundle.code);
  return { file, bytes: Buffer.byteLength(bundle.code), code: bundle.code };
}

/** Runs `task(i)` for i in [0, count) with at most `concurrency` in flight; returns per-task ms. */
export async function runPool(
  count: number,
  concurrency: number,
  task: (i: number) => Promise<void>,
  onError?: (i: number, err: unknown) => void,
): Promise<{ ms: number; errors: number }> {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (let i = next++; i < count; i = next++) {
      try {
        await task(i);
      } catch (err) {
        errors++;
        onError?.(i, err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { ms: performance.now() - started, errors };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export const iso = (ms: number): string => new Date(ms).toISOString();
export const HOUR_MS = 3_600_000;

/** A short tag for case numbers: A-Z and 0-9 only (case numbers allow nothing else besides dashes). */
export function runTag(): string {
  return randomBytes(4).toString('hex').toUpperCase();
}
