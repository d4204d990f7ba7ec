// Arithmetic: schedules computed per second by the pure calendar code (domain computeSchedule), per
// policy, in this process. Two inputs per policy: the schedule a case gets when it opens (its first
// event only) and the busiest one (the run of the policy's events, one day apart, that leaves the
// most entries to date).
// The anchor moves one day per call across a year, so holiday tables and weekends are all exercised.
import { computeSchedule, getPolicy, listPolicies, type ScheduleInput } from '../../domain';
import type { BenchContext } from '../lib/context';
import { round, type LoadGate } from '../lib/machine';

/** Facts a policy needs before it can compute anything (its enums without a default). */
const REQUIRED_FACTS: Record<string, Record<string, string | number | boolean>> = {
  'adc-probation': { action: 'written-warning' },
};

export interface ArithmeticRow {
  policy: string;
  version: string;
  input: 'opening' | 'busiest';
  events: number;
  entries: number;
  schedulesPerS: number;
  microsPerSchedule: number;
}

export interface ArithmeticResult {
  load: LoadGate;
  secondsPerMeasurement: number;
  rows: ArithmeticRow[];
}

const DAY = 86_400_000;
const BASE = Date.parse('2026-01-05T15:00:00Z'); // a Monday, 09:00 in Chicago

function inputFor(policyId: string, eventKeys: string[], offsetDays: number): ScheduleInput {
  const start = BASE + offsetDays * DAY;
  return {
    policyId,
    facts: REQUIRED_FACTS[policyId] ?? {},
    events: Object.fromEntries(eventKeys.map((key, i) => [key, new Date(start + i * DAY).toISOString()])),
  };
}

/**
 * The prefix of the policy's declared events (in their declared, chronological order) whose schedule
 * has the most entries: a case in mid-life, with the most deadlines to date at once.
 */
function busiestEvents(policyId: string, keys: string[]): string[] {
  let best = keys.slice(0, 1);
  let bestEntries = 0;
  for (let k = 1; k <= keys.length; k++) {
    try {
      const entries = computeSchedule(inputFor(policyId, keys.slice(0, k), 0)).entries.length;
      if (entries > bestEntries) [best, bestEntries] = [keys.slice(0, k), entries];
    } catch {
      // an impossible combination (e.g. an appeal of a dismissal that never happened): skip it
    }
  }
  return best;
}

function measure(policyId: string, keys: string[], seconds: number): { perS: number; entries: number } {
  const entries = computeSchedule(inputFor(policyId, keys, 0)).entries.length;
  for (let i = 0; i < 200; i++) computeSchedule(inputFor(policyId, keys, i % 365)); // warm the JIT
  let count = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  let now = started;
  while (now < until) {
    for (let j = 0; j < 50; j++, count++) computeSchedule(inputFor(policyId, keys, count % 365));
    now = performance.now();
  }
  return { perS: count / ((now - started) / 1000), entries };
}

export async function runArithmetic(ctx: BenchContext, seconds: number): Promise<ArithmeticResult> {
  ctx.log('• arithmetic: computeSchedule per policy');
  const load = await ctx.gate('arithmetic');
  const rows: ArithmeticRow[] = [];
  for (const { id, latest } of listPolicies()) {
    const keys = getPolicy(id).events.map((e) => e.key);
    for (const [input, eventKeys] of [
      ['opening', keys.slice(0, 1)],
      ['busiest', busiestEvents(id, keys)],
    ] as const) {
      try {
        const { perS, entries } = measure(id, eventKeys, seconds);
        rows.push({
          policy: id,
          version: latest,
          input,
          events: eventKeys.length,
          entries,
          schedulesPerS: Math.round(perS),
          microsPerSchedule: round(1e6 / perS, 1),
        });
        ctx.log(`  ${id} ${input} (${eventKeys.length} events, ${entries} entries): ${Math.round(perS)}/s`);
      } catch (err) {
        ctx.log(`  ${id} ${input}: not measured (${(err as Error).message})`);
      }
    }
  }
  return { load, secondsPerMeasurement: seconds, rows };
}
