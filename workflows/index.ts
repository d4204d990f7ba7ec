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

export function grievance(
  ...args: Parameters<typeof Grievance.grievance>
): ReturnType<typeof Grievance.grievance> {
  return load.grievance().grievance(...args);
}

export function discipline(
  ...args: Parameters<typeof Discipline.discipline>
): ReturnType<typeof Discipline.discipline> {
  return load.discipline().discipline(...args);
}

export function suspendedSanctionWatch(
  ...args: Parameters<typeof Discipline.suspendedSanctionWatch>
): ReturnType<typeof Discipline.suspendedSanctionWatch> {
  return load.discipline().suspendedSanctionWatch(...args);
}

export function probationRecord(
  ...args: Parameters<typeof Probation.probationRecord>
): ReturnType<typeof Probation.probationRecord> {
  return load.probation().probationRecord(...args);
}

export function titleIx(...args: Parameters<typeof TitleIx.titleIx>): ReturnType<typeof TitleIx.titleIx> {
  return load.titleIx().titleIx(...args);
}

export function contractRecord(
  ...args: Parameters<typeof Contract.contractRecord>
): ReturnType<typeof Contract.contractRecord> {
  return load.contract().contractRecord(...args);
}

export function cwpProject(
  ...args: Parameters<typeof CwpProject.cwpProject>
): ReturnType<typeof CwpProject.cwpProject> {
  return load.cwpProject().cwpProject(...args);
}

export function enterprisesTransfer(
  ...args: Parameters<typeof EnterprisesTransfer.enterprisesTransfer>
): ReturnType<typeof EnterprisesTransfer.enterprisesTransfer> {
  return load.enterprisesTransfer().enterprisesTransfer(...args);
}

/* eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on its first run, as the case types are */
const loadDigest = () => require('./digest') as typeof Digest;

export function facilityDigest(
  ...args: Parameters<typeof Digest.facilityDigest>
): ReturnType<typeof Digest.facilityDigest> {
  return loadDigest().facilityDigest(...args);
}

export function conductReport(
  ...args: Parameters<typeof ConductReport.conductReport>
): ReturnType<typeof ConductReport.conductReport> {
  return load.conductReport().conductReport(...args);
}
