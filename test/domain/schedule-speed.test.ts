// Micro-benchmark: a full schedule must compute well under a millisecond once the per-year holiday
// tables are warm (they are cached per calendar and year). The bound asserted is generous (5 ms) so
// the test is not flaky on a busy CI machine; the measured figure is logged.
import { performance } from 'node:perf_hooks';
import { computeSchedule, type ScheduleInput } from '../../domain';
import { FULL_DISCIPLINE_CASE, FULL_GRIEVANCE_CASE } from './full-cases';

function averageMs(input: ScheduleInput, iterations: number): number {
  for (let i = 0; i < 200; i += 1) computeSchedule(input); // warm caches and the JIT
  const start = performance.now();
  for (let i = 0; i < iterations; i += 1) computeSchedule(input);
  return (performance.now() - start) / iterations;
}

test('a full schedule computes in well under a millisecond (asserted: < 5 ms average)', () => {
  const discipline = averageMs(FULL_DISCIPLINE_CASE, 2000);
  const grievance = averageMs(FULL_GRIEVANCE_CASE, 2000);
  console.log(
    `computeSchedule average: ok-doc-discipline (9 entries) ${(discipline * 1000).toFixed(1)} µs, ` +
      `ok-doc-grievance (6 entries) ${(grievance * 1000).toFixed(1)} µs`,
  );
  expect(discipline).toBeLessThan(5);
  expect(grievance).toBeLessThan(5);
});
