// The workflow bundle's entry point: every case type the worker runs.
export { grievance } from './grievance';
