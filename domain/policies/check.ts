// The once-per-process check of the shipped policy tables against the schema: the worker and the API
// call it at start-up, the tests call it, and the workflow sandbox never loads it (table.ts says why).
import { DomainError } from '../errors';
import { registeredPolicies } from './registry';
import { definePolicy, type PolicyInput } from './schema';

/** JSON with object keys sorted, so two readings of a table compare by content alone. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/**
 * Checks every registered table against the policy schema (INVALID_POLICY naming the first issue),
 * and that the schema reads it exactly as the tables were read (`policyTable`). Each process that
 * opens or computes cases calls it once at start-up; the workflow sandbox does not repeat it per case.
 */
export function checkPolicyTables(): void {
  for (const policy of registeredPolicies()) {
    const checked = definePolicy(policy as PolicyInput);
    if (canonical(checked) !== canonical(policy)) {
      throw new DomainError(
        'INVALID_POLICY',
        `policy ${policy.id}@${policy.version} reads differently through the schema than as shipped`,
        { value: `${policy.id}@${policy.version}` },
      );
    }
  }
}
