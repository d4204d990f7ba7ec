// The workflow bundle's entry point: every case type the worker runs.
//
// Every workflow evaluates the bundle's modules afresh in its own module cache (all but the shared
// libraries the worker preloads, ./shared-libraries), so a module imported here statically costs each
// case its evaluation (mostly building zod schemas: some milliseconds and some hundreds of KiB per case
// when all four types load). Each case type's module is therefore required on the first call of its
// own workflow function: a grievance never builds the probation, discipline or Title IX schemas.
// Module evaluation issues no commands, so this is invisible to history and replay. Clients import the
// definitions (updates, queries, input types) from the case type's own file, never from here.
import './shared-libraries';
import type * as Contract from './contract';
import type * as CwpProject from './cwp-project';
import type * as EnterprisesTransfer from './enterprises-transfer';
import type * as Grievance from './grievance';
import type * as Discipline from './discipline';
import type * as Probation from './probation';
import type * as TitleIx from './title-ix';
import type * as ConductReport from './conduct-report';
import type * as Digest from './digest';

/* eslint-disable @typescript-eslint/no-require-imports -- a lazy require is how webpack defers a module's evaluation without splitting the bundle */
const load = {
  grievance: () => require('./grievance') as typeof Grievance,
  discipline: () => require('./discipline') as typeof Discipline,
  probation: () => require('./probation') as typeof Probation,
  titleIx: () => require('./title-ix') as typeof TitleIx,
  contract: () => require('./contract') as typeof Contract,
  cwpProject: () => require('./cwp-project') as typeof CwpProject,
  enterprisesTransfer: () => require('./enterprises-transfer') as typeof EnterprisesTransfer,
  conductReport: () => require('./conduct-report') as typeof ConductReport,
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** A workflow function whose module is required on its first call (the export's name is its type). */
function deferred<Workflow extends (...args: never[]) => unknown>(get: () => Workflow): Workflow {
  return ((...args: Parameters<Workflow>) => get()(...args)) as Workflow;
}

export const grievance = deferred(() => load.grievance().grievance);
export const discipline = deferred(() => load.discipline().discipline);
export const suspendedSanctionWatch = deferred(() => load.discipline().suspendedSanctionWatch);
export const probationRecord = deferred(() => load.probation().probationRecord);
export const titleIx = deferred(() => load.titleIx().titleIx);
export const contractRecord = deferred(() => load.contract().contractRecord);
export const cwpProject = deferred(() => load.cwpProject().cwpProject);
export const enterprisesTransfer = deferred(() => load.enterprisesTransfer().enterprisesTransfer);

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on its first run, as the case types are */
const loadDigest = () => require('./digest') as typeof Digest;

export const facilityDigest = deferred(() => loadDigest().facilityDigest);
export const conductReport = deferred(() => load.conductReport().conductReport);
