export { checkPolicyTables } from './check';
export { getPolicy, listPolicies } from './registry';
export { policyTable } from './table';
export {
  definePolicy,
  PolicySchema,
  type Policy,
  type PolicyInput,
  type PolicyRule,
  type PolicySetting,
} from './schema';
export { renderSource } from './common';
export { okDocGrievance } from './ok-doc-grievance';
export { okDocDiscipline, okDocDiscipline120 } from './ok-doc-discipline';
export { acsdTitleIx, acsdTitleIx110 } from './acsd-title-ix';
export { adcProbation } from './adc-probation';
export { ncDocContract } from './nc-doc-contract';
export { ncDocCwp, ncDocTransfer } from './nc-doc-work-programs';
export { omesPwpConduct } from './omes-pwp-conduct';
export { wdocEmployeeContact } from './wdoc-employee-contact';
