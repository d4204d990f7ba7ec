// Citations users see (refusals, alerts to staff) are built from the policy's own source records, so
// a seed's file name and document title are written once, in the policy definition, and a citation
// cannot drift from the rule it names.
import { DomainError } from '../errors';
import { renderSource, seed } from './common';
import type { Policy } from './schema';

/** A section of the seed document the policy is written from (`policy.document`), as users see it. */
export function citeSection(policy: Pick<Policy, 'document'>, section: string): string {
  return renderSource(seed(policy.document.file, policy.document.document, section));
}

/** The citations of one policy's sections, for a module that cites only that policy. */
export const sectionCiter =
  (policy: Pick<Policy, 'document'>) =>
  (section: string): string =>
    citeSection(policy, section);

/** One of the policy's constraints: its text and its rendered source. */
export function citeConstraint(policy: Policy, key: string): { text: string; source: string } {
  const constraint = policy.constraints.find((c) => c.key === key);
  if (!constraint) throw missing(policy, 'constraint', key, policy.constraints);
  return { text: constraint.text, source: renderSource(constraint.source) };
}

/** The rendered source of one of the policy's rules (the first with that key). */
export function citeRule(policy: Policy, key: string): string {
  const rule = policy.rules.find((r) => r.key === key);
  if (!rule) throw missing(policy, 'rule', key, policy.rules);
  return renderSource(rule.source);
}

function missing(policy: Policy, what: string, key: string, known: readonly { key: string }[]): DomainError {
  return new DomainError('INVALID_POLICY', `policy ${policy.id}@${policy.version} has no ${what} '${key}'`, {
    field: what,
    value: key,
    known: known.map((k) => k.key),
  });
}
