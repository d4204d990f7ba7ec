// How a workflow reads a shipped policy table: zod-free, because the workflow sandbox evaluates the
// policy modules again for every case it loads, and building the policy schema there (schema.ts) cost
// as much as the rest of opening a case. The schema checks the tables once per process (check.ts).
import type { Policy, PolicyInput } from './schema';

/**
 * A shipped policy table as the schema reads it, without checking it: each rule's defaults filled in.
 * The workflow sandbox evaluates the policy modules again for every case it loads, where checking all
 * the tables cost more than the rest of opening a case; `checkPolicyTables` (check.ts) proves this reading equals
 * `definePolicy`'s for every registered table.
 */
export function policyTable(input: PolicyInput): Policy {
  return {
    ...input,
    rules: input.rules.map((rule) => ({
      ...rule,
      rollForward: rule.rollForward ?? false,
      anchorDayIsFirstDay: rule.anchorDayIsFirstDay ?? false,
      periodEnd: rule.periodEnd ?? false,
      reminders: rule.reminders ?? [],
    })),
  } as Policy;
}
