// What a case-type class hands its workflow: one object per update (its payload schema, the checks
// that refuse it without a trace, and what recording it does), so the workflow registers each update
// in one line, and the policy a case runs, for citing its sources.
import type { CaseEventHandler, CaseRuntime } from './case-runtime';
import { getPolicy } from '../domain/policies/registry';
import type { Policy } from '../domain/policies/schema';

/** One case-type update, ready for `CaseRuntime.handle`. */
export type CaseEvent<Parsed> = Omit<CaseEventHandler<unknown, Parsed>, '_input'>;

/** Builds a CaseEvent; the schema types the payload the validator and the handler receive. */
export function caseEvent<Parsed>(
  schema: CaseEvent<Parsed>['schema'],
  rules: Pick<CaseEvent<Parsed>, 'validate' | 'apply'>,
): CaseEvent<Parsed> {
  return { schema, validate: rules.validate, apply: rules.apply };
}

/**
 * The policy version the case runs: the one of its schedule once computed (a case keeps the version
 * it opened with), else the one its intake named (the latest when none).
 */
export function casePolicy(runtime: CaseRuntime<string>): Policy {
  return getPolicy(
    runtime.options.policyId,
    runtime.schedule?.policyVersion ?? runtime.options.policyVersion,
  );
}
