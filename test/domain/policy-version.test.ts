// A case opens only on a policy version Docket can compute: an unknown one is refused at intake,
// naming the field, the value and the versions that exist, instead of starting a case that fails at
// its first schedule.
import { disciplineIntakeSchema } from '../../domain/cases/discipline';
import { grievanceIntakeSchema } from '../../domain/cases/grievance';
import { probationIntakeSchema } from '../../domain/cases/probation';
import { titleIxIntakeSchema } from '../../domain/cases/title-ix';
import { listPolicies } from '../../domain/policies';

const schemas = [
  ['ok-doc-grievance', grievanceIntakeSchema],
  ['ok-doc-discipline', disciplineIntakeSchema],
  ['acsd-title-ix', titleIxIntakeSchema],
  ['adc-probation', probationIntakeSchema],
] as const;

test.each(schemas)('%s: an unknown policyVersion is refused with the known versions', (id, schema) => {
  const result = schema.safeParse({ policyVersion: '9.9.9' });
  expect(result.success).toBe(false);
  const issue = result.error!.issues.find((i) => i.path.join('.') === 'policyVersion');
  const known = listPolicies().find((p) => p.id === id)!.versions;
  expect(issue?.message).toBe(`policy '${id}' has no version '9.9.9' (known: ${known.join(', ')})`);
});

test.each(schemas)('%s: every registered version is accepted as policyVersion', (id, schema) => {
  for (const version of listPolicies().find((p) => p.id === id)!.versions) {
    const result = schema.safeParse({ policyVersion: version });
    const issue = result.error?.issues.find((i) => i.path.join('.') === 'policyVersion');
    expect(issue).toBeUndefined();
  }
});
