// The workflow bundle's entry point: every case type the worker runs.
export { grievance } from './grievance';
export { discipline, suspendedSanctionWatch } from './discipline';
export { probationRecord } from './probation';
export { titleIx } from './title-ix';
