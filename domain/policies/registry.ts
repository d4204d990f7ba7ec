// Every policy version ever shipped stays registered: a case keeps the version it opened with
// (docs/rules.md "Replay safety"), so a new version is added beside the old one, never edited in place.
import { z } from 'zod';
import { DomainError } from '../errors';
import { acsdTitleIx, acsdTitleIx110 } from './acsd-title-ix';
import { adcProbation } from './adc-probation';
import { ncDocContract } from './nc-doc-contract';
import { ncDocCwp, ncDocTransfer } from './nc-doc-work-programs';
import { okDocDiscipline, okDocDiscipline120 } from './ok-doc-discipline';
import { okDocGrievance } from './ok-doc-grievance';
import { omesPwpConduct } from './omes-pwp-conduct';
import { wdocEmployeeContact } from './wdoc-employee-contact';
import type { Policy } from './schema';
import { compareVersions } from './versions';

const ALL_POLICIES: readonly Policy[] = [
  okDocGrievance,
  okDocDiscipline,
  okDocDiscipline120,
  acsdTitleIx,
  acsdTitleIx110,
  adcProbation,
  ncDocContract,
  ncDocCwp,
  ncDocTransfer,
  omesPwpConduct,
  wdocEmployeeContact,
];

const byId = new Map<string, Policy[]>();
for (const policy of ALL_POLICIES) {
  const versions = byId.get(policy.id) ?? [];
  if (versions.some((existing) => existing.version === policy.version)) {
    throw new DomainError('INVALID_POLICY', `policy ${policy.id}@${policy.version} is registered twice`, {
      value: `${policy.id}@${policy.version}`,
    });
  }
  versions.push(policy);
  versions.sort((a, b) => compareVersions(a.version, b.version));
  byId.set(policy.id, versions);
}

/** Every registered table, for the once-per-process check (check.ts). */
export function registeredPolicies(): readonly Policy[] {
  return ALL_POLICIES;
}

export function listPolicies(): { id: string; versions: string[]; latest: string; title: string }[] {
  return [...byId.entries()].map(([id, versions]) => {
    const latest = versions[versions.length - 1] as Policy;
    return { id, versions: versions.map((v) => v.version), latest: latest.version, title: latest.title };
  });
}

/** The policy with this id at `version`, or its latest version when none is given. */
export function getPolicy(id: string, version?: string): Policy {
  const versions = byId.get(id);
  if (!versions) {
    const known = [...byId.keys()];
    throw new DomainError('UNKNOWN_POLICY', `unknown policy '${id}' (known: ${known.join(', ')})`, {
      field: 'policy',
      value: id,
      known,
    });
  }
  if (version === undefined) return versions[versions.length - 1] as Policy;
  const found = versions.find((candidate) => candidate.version === version);
  if (!found) {
    const known = versions.map((v) => v.version);
    throw new DomainError(
      'UNKNOWN_POLICY_VERSION',
      `policy '${id}' has no version '${version}' (known: ${known.join(', ')})`,
      { field: 'policyVersion', value: version, known },
    );
  }
  return found;
}

/**
 * An intake's `policyVersion`: one of the versions registered for `id`. Checked when the case opens, so
 * a case is never started on a version it cannot compute (it would fail at its first schedule).
 */
export function policyVersionSchema(id: string) {
  return z
    .string()
    .min(1)
    .superRefine((version, ctx) => {
      const known = (byId.get(id) ?? []).map((policy) => policy.version);
      if (!known.includes(version))
        ctx.addIssue({
          code: 'custom',
          message: `policy '${id}' has no version '${version}' (known: ${known.join(', ')})`,
        });
    });
}
