// Stand-alone micro-benchmark of computeSchedule outside jest's vm sandbox (which slows every global
// lookup): `npx tsx test/domain/schedule-bench.ts`. The jest test schedule-speed.test.ts asserts a
// generous bound; this script gives the figure a worker process actually sees.
import { performance } from 'node:perf_hooks';
import { computeSchedule, type ScheduleInput } from '../../domain';
import { FULL_DISCIPLINE_CASE, FULL_GRIEVANCE_CASE, FULL_TITLE_IX_CASE } from './full-cases';

const CASES: ScheduleInput[] = [FULL_DISCIPLINE_CASE, FULL_GRIEVANCE_CASE, FULL_TITLE_IX_CASE];

const ITERATIONS = 5000;
for (const input of CASES) {
  for (let i = 0; i < 500; i += 1) computeSchedule(input);
  const start = performance.now();
  let entries = 0;
  for (let i = 0; i < ITERATIONS; i += 1) entries = computeSchedule(input).entries.length;
  const micros = ((performance.now() - start) / ITERATIONS) * 1000;
  console.log(`${input.policyId}: ${entries} entries, ${micros.toFixed(1)} µs per schedule`);
}
