// Stand-alone micro-benchmark of computeSchedule outside jest's vm sandbox (which slows every global
// lookup): `npx tsx test/domain/schedule-bench.ts`. The jest test schedule-speed.test.ts asserts a
// generous bound; this script gives the figure a worker process actually sees.
import { performance } from 'node:perf_hooks';
import { computeSchedule, type ScheduleInput } from '../../domain';

const CASES: ScheduleInput[] = [
  {
    policyId: 'ok-doc-discipline',
    events: {
      'report.filed': '2026-11-19T17:00:00-06:00',
      'report.accepted': '2026-11-20T08:00:00-06:00',
      'report.served': '2026-11-20T12:00:00-06:00',
      'investigation.started': '2026-11-20T09:00:00-06:00',
      'representative.requested': '2026-11-20T12:05:00-06:00',
      'hearing.scheduledFor': '2026-11-24T09:00:00-06:00',
      'hearing.held': '2026-11-24T10:00:00-06:00',
      'hearing.actions.served': '2026-11-24T15:00:00-06:00',
      'appeal.facility.filed': '2026-12-01T09:00:00-06:00',
      'appeal.facility.decided': '2026-12-10T09:00:00-06:00',
      'appeal.facility.response.served': '2026-12-11T09:00:00-06:00',
      'appeal.director.filed': '2026-12-18T09:00:00-06:00',
    },
  },
  {
    policyId: 'ok-doc-grievance',
    events: {
      incident: '2026-11-18T14:00:00-06:00',
      'rts.submitted': '2026-11-20T09:00:00-06:00',
      'rts.responded': '2026-12-03T10:00:00-06:00',
      'grievance.filed': '2026-12-10T10:00:00-06:00',
    },
  },
  {
    policyId: 'acsd-title-ix',
    events: {
      'report.received': '2026-12-23T15:00:00-06:00',
      'formal-complaint.received': '2027-01-04T09:00:00-06:00',
      'notice.sent': '2027-01-06T09:00:00-06:00',
      'evidence.sent': '2027-02-01T09:00:00-06:00',
      'investigation.completed': '2027-02-22T09:00:00-06:00',
      'determination.issued': '2027-03-10T13:00:00-06:00',
    },
  },
];

const ITERATIONS = 5000;
for (const input of CASES) {
  for (let i = 0; i < 500; i += 1) computeSchedule(input);
  const start = performance.now();
  let entries = 0;
  for (let i = 0; i < ITERATIONS; i += 1) entries = computeSchedule(input).entries.length;
  const micros = ((performance.now() - start) / ITERATIONS) * 1000;
  console.log(`${input.policyId}: ${entries} entries, ${micros.toFixed(1)} µs per schedule`);
}
