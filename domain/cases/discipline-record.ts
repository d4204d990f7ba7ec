// The repeat rule of the Range of Allowable Sanctions (OP-060125, seed 002 Part II §IV): "The second
// infraction of the same rule violation within six months is justification for increasing the imposed
// sanction to a sanction classified in the next higher class of offense."
//
// Each guilty finding carries its own six-month window, dated by the case's schedule (`repeat.window`:
// day 0 is the date of the finding, the window includes the same date six months later, to the end of
// that day in the calendar's zone). The per-subject record keeps the findings by rule code while their
// windows can matter; a new guilty finding of the same rule is a second infraction when it falls
// inside an earlier finding's window. Pure: it reads only instants the workflows already hold.
import { NEXT_HIGHER_CLASS, REPEAT_RULE_SOURCE, type SanctionClass } from '../policies/ok-doc-sanctions';
import { renderSource } from '../policies/common';

/** A guilty finding as the per-subject record keeps it: no identity, only codes, case numbers and instants. */
export interface RuleFinding {
  caseNumber: string;
  facility: string;
  /** The rule violated, e.g. 09-4 (Acts Constituting Rule Violation). */
  offenseCode: string;
  /** The finding of guilt (or the disposition of a guilty plea). */
  foundAt: string;
  /** Its local date: day 0 of the window. */
  foundOn: string;
  /** The window's last instant (`repeat.window` of the finding's case) and its local text. */
  windowUntil: string;
  windowText: string;
}

export type RepeatStatus = 'applies' | 'does-not-apply' | 'unknown';

export interface RepeatAssessment {
  status: RepeatStatus;
  offenseCode: string;
  /** The finding being assessed. */
  at: string;
  /** The earlier finding whose window contains it (the most recent one), when the rule applies. */
  prior?: RuleFinding;
  /** The class a sanction may then come from (absent for class X, the highest). */
  higherClass?: SanctionClass;
  /** One or two sentences for the case view and the hearing officer's notice. */
  statement: string;
  /** How the window is counted. */
  counting: string;
  source: string;
}

export const REPEAT_COUNTING =
  "day 0 is the date of the earlier finding; the window includes the same date six months later (the last day of the month when that date does not exist), to the end of that day in the calendar's zone; a finding on the next day is outside";

const SOURCE = renderSource(REPEAT_RULE_SOURCE);

/** Whether a finding at `at` falls inside an earlier finding's window. */
export const withinWindow = (prior: RuleFinding, at: string): boolean =>
  Date.parse(prior.foundAt) < Date.parse(at) && Date.parse(at) <= Date.parse(prior.windowUntil);

/**
 * Assesses a guilty finding of `offenseCode` at `at` against the subject's earlier findings of the same
 * rule (`priors`, from the per-subject record; undefined when the record has not answered).
 */
export function assessRepeat(
  offense: { code: string; class: SanctionClass },
  at: string,
  priors: readonly RuleFinding[] | undefined,
  caseNumber: string,
): RepeatAssessment {
  const base = { offenseCode: offense.code, at, counting: REPEAT_COUNTING, source: SOURCE };
  if (priors === undefined) {
    return {
      ...base,
      status: 'unknown',
      statement: `The inmate's record of earlier findings has not answered, so whether rule ${offense.code} was violated within the prior six months is not known; no sanction of a higher class may be imposed on it.`,
    };
  }
  const earlier = priors
    .filter((p) => p.offenseCode === offense.code && p.caseNumber !== caseNumber)
    .filter((p) => Date.parse(p.foundAt) < Date.parse(at))
    .sort((a, b) => Date.parse(b.foundAt) - Date.parse(a.foundAt));
  const inside = earlier.find((p) => withinWindow(p, at));
  if (inside) {
    const higherClass = NEXT_HIGHER_CLASS[offense.class];
    const consequence = higherClass
      ? `a sanction of the next higher class of offense (class ${higherClass}) may be imposed`
      : 'offense class X is the highest class, so no higher sanction exists';
    return {
      ...base,
      status: 'applies',
      prior: inside,
      ...(higherClass ? { higherClass } : {}),
      statement: `Second infraction of rule ${offense.code} within six months: case ${inside.caseNumber} found the inmate guilty of ${offense.code} on ${inside.foundOn}, and its window runs through ${inside.windowText}; ${consequence}.`,
    };
  }
  const latest = earlier[0];
  return {
    ...base,
    status: 'does-not-apply',
    statement: latest
      ? `Rule ${offense.code} was not violated within the prior six months: the latest earlier finding, case ${latest.caseNumber} on ${latest.foundOn}, has a window that ended ${latest.windowText}.`
      : `No earlier guilty finding of rule ${offense.code} is on the inmate's record for the prior six months.`,
  };
}
