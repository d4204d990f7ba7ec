// What a case-type class hands its workflow: one object per update (its payload schema, the checks
// that refuse it without a trace, and what recording it does; timedStep builds the usual step from
// its rule), named after its update, so the workflow's list of updates is its registration
// (handleEvents, runCase); and the policy a case runs, for citing its sources.
import type { UpdateDefinition } from '@temporalio/common';
import type { EventBase } from '../domain/cases/common';
import type { CaseView } from './case-messages';
import type { CaseEventHandler, CaseRuntime } from './case-runtime';
import { getPolicy } from '../domain/policies/registry';
import type { Policy } from '../domain/policies/schema';

/** One case-type update, ready for `CaseRuntime.handle`. */
export type CaseEvent<Parsed> = Omit<CaseEventHandler<unknown, Parsed>, '_input'>;

/**
 * Registers a case type's updates in the order listed, each with the handler of its name on `handlers`
 * (a case-type class or a table of handlers), so the list of updates is the whole registration.
 */
export function handleEvents<Stage extends string>(
  runtime: CaseRuntime<Stage>,
  handlers: object,
  updates: readonly UpdateDefinition<CaseView, [unknown]>[],
): void {
  const byName = handlers as Partial<Record<string, CaseEvent<unknown>>>;
  for (const update of updates) {
    const handler = byName[update.name];
    // A programming error that every workflow test of the case type meets first thing.
    if (!handler) throw new TypeError(`no handler named ${update.name} for the update of that name`);
    runtime.handle(update, handler);
  }
}

/** What a case-type class offers its workflow: the runtime, a handler per update (by its name), a result. */
export interface CaseClass<Stage extends string, Result> {
  readonly runtime: CaseRuntime<Stage>;
  result(): Result;
}

/**
 * The life of a case: the common handlers and its own `updates` registered, the case opened (then
 * `opened`, e.g. a first alert), and its loop run until it closes (or lapses, see runUntilClosed).
 */
export async function runCase<Stage extends string, Result>(
  c: CaseClass<Stage, Result>,
  updates: readonly UpdateDefinition<CaseView, [unknown]>[],
  life: { lapse?: Parameters<CaseRuntime<Stage>['runUntilClosed']>[0]; opened?: () => Promise<void> } = {},
): Promise<Result> {
  c.runtime.registerCommonHandlers();
  handleEvents(c.runtime, c, updates);
  await c.runtime.open();
  await life.opened?.();
  await c.runtime.runUntilClosed(life.lapse);
  return c.result();
}

/** Builds a CaseEvent; the schema types the payload the validator and the handler receive. */
export function caseEvent<Parsed>(
  schema: CaseEvent<Parsed>['schema'],
  rules: Pick<CaseEvent<Parsed>, 'validate' | 'apply'>,
): CaseEvent<Parsed> {
  return { schema, validate: rules.validate, apply: rules.apply };
}

/**
 * An event that moves a case one step along: refused out of its stage, out of order or untimely, then
 * recorded under its own key. The checks run in this order, each refusing with its own words.
 */
export interface StepRule<Stage extends string, Parsed> {
  /** The event recorded, e.g. `grievance.filed`; its instant is checked against the schedule. */
  key: string;
  /** A case type's own refusal that comes before every other. */
  first?: (input: Parsed) => void;
  /** The stages it may happen in (any open stage when absent), and what it is called if refused there. */
  stages?: readonly Stage[];
  doing: string;
  /** An event that must already be recorded, and what this one is called if it is not. */
  requires?: [key: string, what: string];
  /** What it is called when it was already recorded (absent: it may be recorded again). */
  once?: string;
  /** The case type's own refusals, once the stage and the record allow the event. */
  check?: (input: Parsed) => void;
  /** The event it may not be dated before, and what it is called if it is. */
  follows?: [key: string, what: string];
  /** The stage the case moves to once the event is recorded. */
  next?: Stage;
  /** What recording it does besides, after the move. */
  then?: (input: Parsed) => void | Promise<void>;
}

/** Builds the CaseEvent of a step; `runtime` is read when the update comes, not when this is built. */
export function timedStep<Stage extends string, Parsed extends EventBase & { at: string }>(
  runtime: () => CaseRuntime<Stage>,
  schema: CaseEvent<Parsed>['schema'],
  rule: StepRule<Stage, Parsed>,
): CaseEvent<Parsed> {
  return caseEvent(schema, {
    validate: (input) => {
      const c = runtime();
      rule.first?.(input);
      if (rule.stages) c.requireStage(rule.stages, rule.doing);
      else c.requireOpen(rule.doing);
      if (rule.requires) c.requireEvent(...rule.requires);
      if (rule.once !== undefined) c.refuseDuplicate(rule.key, rule.once);
      rule.check?.(input);
      if (rule.follows) c.requireAfter(input.at, ...rule.follows);
      c.checkTimely(rule.key, input.at);
    },
    apply: async (input) => {
      const c = runtime();
      await c.recordEvents({ [rule.key]: input.at }, input, rule.key);
      if (rule.next !== undefined) c.moveTo(rule.next);
      if (rule.then) await rule.then(input);
    },
  });
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
