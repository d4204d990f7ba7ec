// The Range of Allowable Sanctions of Oklahoma DOC OP-060125 (seed 002, Part II §IV, after the Acts
// Constituting Rule Violation), as data: each row verbatim, its class, and what it measures. A finding's
// sanctions are checked against it (the class of the offense, a term within the row's maximum, the
// repeat rule's next higher class), and a sanction with a term gets an end on which the unit restores
// the privilege. The discipline policy (ok-doc-discipline.ts) derives its term rules from the rows.
//
// Days of a term are calendar days: §IV.B.3 leaves weekends and holidays out of the process time frames,
// but a punishment ("segregation for 30 days", "restriction not to exceed 90 days") runs on every day.
// Day 0 is the date the sanction is imposed (the finding of guilt, or the disposition of a guilty
// plea); the term's last day is day N, on which the unit restores the privilege.
import { DomainError, type DomainErrorCode, type DomainErrorDetails } from '../errors';
import type { Source } from '../types';
import { renderSource, SEED_002, seed } from './common';

export const SANCTIONS_DOCUMENT = 'OP-060125';
export const SANCTIONS_SECTION = 'IV, Acts Constituting Rule Violation: Range of Allowable Sanctions';

export type SanctionClass = 'X' | 'A' | 'B';

/** What a sanction takes away; the restorable ones end on a day the unit must act. */
export type SanctionKind =
  | 'segregation'
  | 'credits'
  | 'level'
  | 'restitution'
  | 'visitation'
  | 'telephone'
  | 'fine'
  | 'extra-duty'
  | 'all-credits';

export interface SanctionMeasure {
  unit: 'days' | 'hours';
  min: number;
  max: number;
  /** The row fixes the amount ("for 30 days"): it applies when none is given. */
  fixed?: number;
  /** The officer must state the amount (a range with no default). */
  required: boolean;
}

export interface SanctionRow {
  code: string;
  class: SanctionClass;
  /** The row as the seed prints it. */
  text: string;
  kind: SanctionKind;
  measure?: SanctionMeasure;
  /** The privilege the unit restores when the term ends (only for a term in days). */
  privilege?: string;
  /** A footnote of the table that qualifies the row. */
  footnote?: string;
}

const VISITATION_NOTE =
  '** For class X offenses, visitation may be restricted for one hour or less, non-contact for up to 180 days. For class A and B offenses, condition and duration of visitation may be restricted for up to 180 days for class A and 90 days for class B. For 02-6 offense only, loss of telephone privileges (other than client/attorney) may be for 180 days to remainder of sentence.';
const CREDITS_NOTE = '* Not to exceed amount already accrued by the inmate.';

const days = (min: number, max: number, required = true): SanctionMeasure => ({
  unit: 'days',
  min,
  max,
  required,
});
const fixedDays = (amount: number): SanctionMeasure => ({
  unit: 'days',
  min: amount,
  max: amount,
  fixed: amount,
  required: false,
});
const hours = (max: number): SanctionMeasure => ({ unit: 'hours', min: 1, max, required: true });

export const SANCTION_TABLE: readonly SanctionRow[] = [
  {
    code: '1X',
    class: 'X',
    text: '1X. Disciplinary segregation for 30 days',
    kind: 'segregation',
    measure: fixedDays(30),
    privilege: 'release from disciplinary segregation',
  },
  {
    code: '2X',
    class: 'X',
    text: '2X. Revocation of earned credits/achievement credits 365 days*',
    kind: 'credits',
    measure: fixedDays(365),
    footnote: `${CREDITS_NOTE} Earned credits/achievement credits taken for class X misconducts will not be restored.`,
  },
  {
    code: '3X',
    class: 'X',
    text: '3X. Restricted to level 1 for 90 days',
    kind: 'level',
    measure: fixedDays(90),
    privilege: 'end of the restriction to level 1',
  },
  { code: '4X', class: 'X', text: '4X. Restitution***', kind: 'restitution' },
  {
    code: '5X',
    class: 'X',
    text: '5X. Visitation Restriction**',
    kind: 'visitation',
    // The footnote: visits of one hour or less, non-contact, for up to 180 days.
    measure: days(1, 180),
    privilege: 'visitation (contact visits, and visits longer than one hour)',
    footnote: VISITATION_NOTE,
  },
  {
    code: '6X',
    class: 'X',
    text: '6X. For Riot (when declared by the director) and Escape, minimum/medium/maximum security inmates will lose all earned credits; minimum security with community placement, will lose 365 to all earned credits',
    kind: 'all-credits',
  },
  {
    code: '1A',
    class: 'A',
    text: '1A. Discretionary disciplinary segregation for 0-20 days',
    kind: 'segregation',
    measure: days(0, 20),
    privilege: 'release from disciplinary segregation',
  },
  {
    code: '2A',
    class: 'A',
    text: '2A. Discretionary revocation of earned credits/achievement credits 0-120 days*',
    kind: 'credits',
    measure: days(0, 120, false),
    footnote: CREDITS_NOTE,
  },
  {
    code: '3A',
    class: 'A',
    text: '3A. Restricted to level 1 for 60 days',
    kind: 'level',
    measure: fixedDays(60),
    privilege: 'end of the restriction to level 1',
  },
  { code: '4A', class: 'A', text: '4A. Restitution***', kind: 'restitution' },
  { code: '5A', class: 'A', text: '5A. Fine of $10.00', kind: 'fine' },
  {
    code: '6A',
    class: 'A',
    text: '6A. Extra duty not to exceed 60 hours',
    kind: 'extra-duty',
    measure: hours(60),
  },
  {
    code: '7A',
    class: 'A',
    text: '7A. Visitation Restriction not to exceed 180 days**',
    kind: 'visitation',
    measure: days(1, 180),
    privilege: 'visitation',
    footnote: VISITATION_NOTE,
  },
  {
    code: '8A',
    class: 'A',
    text: '8A. Telephone Restriction not to exceed 180 days**',
    kind: 'telephone',
    measure: days(1, 180),
    privilege: 'telephone',
    footnote: VISITATION_NOTE,
  },
  {
    code: '1B',
    class: 'B',
    text: '1B. Discretionary Revocation of earned credits/achievement credits 0-60 days*',
    kind: 'credits',
    measure: days(0, 60, false),
    footnote: CREDITS_NOTE,
  },
  { code: '3B', class: 'B', text: '3B. Restitution***', kind: 'restitution' },
  { code: '4B', class: 'B', text: '4B. Fine of $5.00', kind: 'fine' },
  {
    code: '5B',
    class: 'B',
    text: '5B. Extra duty not to exceed 40 hours',
    kind: 'extra-duty',
    measure: hours(40),
  },
  {
    code: '6B',
    class: 'B',
    text: '6B. Visitation Restriction not to exceed 90 days.**',
    kind: 'visitation',
    measure: days(1, 90),
    privilege: 'visitation',
    footnote: VISITATION_NOTE,
  },
  {
    code: '7B',
    class: 'B',
    text: '7B. Telephone Restriction not to exceed 90 days**',
    kind: 'telephone',
    measure: days(1, 90),
    privilege: 'telephone',
    footnote: VISITATION_NOTE,
  },
];

const BY_CODE = new Map(SANCTION_TABLE.map((row) => [row.code, row]));

/** The rows whose term ends on a day the unit restores a privilege (the policy's term rules). */
export const RESTORABLE_SANCTIONS: readonly SanctionRow[] = SANCTION_TABLE.filter(
  (row) => row.privilege !== undefined && row.measure?.unit === 'days',
);

/** The offense whose telephone restriction the footnote lets run past 180 days (to the remainder of the sentence). */
export const TELEPHONE_EXCEPTION_OFFENSE = '02-6';

/** "The second infraction of the same rule violation within six months": the next higher class. */
export const NEXT_HIGHER_CLASS: Record<SanctionClass, SanctionClass | undefined> = {
  B: 'A',
  A: 'X',
  X: undefined,
};

export const REPEAT_RULE_QUOTE =
  'The second infraction of the same rule violation within six months is justification for increasing the imposed sanction to a sanction classified in the next higher class of offense.';

export const CLASS_X_QUOTE =
  'For class X offenses, there is no discretion by hearing officer and no suspension of sanctions. Placement in disciplinary segregation, revocation of earned credits and level one are mandatory sanctions for all class X offenses, including guilty findings and guilty pleas.';

/** The table (or one row of it) as a source. */
export function sanctionSource(row?: SanctionRow): Source {
  return row
    ? seed(SEED_002, SANCTIONS_DOCUMENT, `${SANCTIONS_SECTION}, class ${row.class}, ${row.code}`, row.text)
    : seed(SEED_002, SANCTIONS_DOCUMENT, SANCTIONS_SECTION);
}

export const sanctionSourceText = (row?: SanctionRow): string => renderSource(sanctionSource(row));

export const REPEAT_RULE_SOURCE: Source = seed(
  SEED_002,
  SANCTIONS_DOCUMENT,
  SANCTIONS_SECTION,
  REPEAT_RULE_QUOTE,
);

export function sanctionRow(code: string): SanctionRow | undefined {
  return BY_CODE.get(code);
}

/** The case fact that carries a restorable sanction's term in days (ok-doc-discipline 1.2.0). */
export const termFactOf = (code: string): string => `term.${code}`;
/** The schedule entry of a restorable sanction's end (the restoration). */
export const restoreRuleOf = (code: string): string => `privilege.restore-${code}`;
/** The event that records the restoration. */
export const restoredEventOf = (code: string): string => `privilege.restored-${code}`;

// ---------------------------------------------------------------------------------------------
// Checking what a hearing officer imposes

export interface ImposedSanction {
  code: string;
  /** Days of a term (or of credits revoked). */
  days?: number;
  /** Hours of extra duty. */
  hours?: number;
  /** Set when the punishment is suspended (§IV.C.9); its term then does not run. */
  suspendedUntil?: string;
}

export interface OffenseOfCase {
  code: string;
  class: SanctionClass;
}

/** What the repeat rule allows for this finding (see assessRepeat in domain/cases/discipline-record.ts). */
export interface RepeatAllowance {
  /** The repeat rule applies: a sanction of the next higher class may be imposed. */
  applies: boolean;
  /** Why, in one sentence, for the refusal of a higher class when it does not. */
  statement: string;
}

function refuseSanction(code: DomainErrorCode, message: string, details: DomainErrorDetails): never {
  throw new DomainError(code, message, details);
}

/**
 * Checks each imposed sanction against the table: a known row; of the offense's class, or of the next
 * higher class when the repeat rule applies; a term stated where the row asks for one, within the row's
 * range (a term beyond the maximum is refused with the row as its source); for class X, the mandatory
 * sanctions. Throws a DomainError naming the field, the value and the row; returns nothing.
 */
export function checkImposedSanctions(
  offense: OffenseOfCase,
  sanctions: readonly ImposedSanction[],
  repeat: RepeatAllowance,
): void {
  sanctions.forEach((sanction, i) => {
    const field = `sanctions.${i}`;
    const row = BY_CODE.get(sanction.code);
    if (!row) {
      refuseSanction(
        'UNKNOWN_SANCTION',
        `${field}.code: '${sanction.code}' is not in the Range of Allowable Sanctions (${sanctionSourceText()})`,
        {
          field: `${field}.code`,
          value: sanction.code,
          known: SANCTION_TABLE.map((r) => r.code),
          source: sanctionSourceText(),
        },
      );
    }
    checkClass(offense, row, field, repeat);
    checkMeasure(offense, row, sanction, field);
  });
  if (offense.class === 'X') {
    const imposed = new Set(sanctions.map((s) => s.code));
    const missing = ['1X', '2X', '3X'].filter((code) => !imposed.has(code));
    if (missing.length > 0) {
      refuseSanction(
        'MANDATORY_SANCTIONS',
        `offense ${offense.code} is class X: disciplinary segregation (1X), revocation of earned credits (2X) and level one (3X) are mandatory; missing ${missing.join(', ')} (${sanctionSourceText()})`,
        {
          field: 'sanctions',
          value: [...imposed],
          missing,
          rule: CLASS_X_QUOTE,
          source: sanctionSourceText(),
        },
      );
    }
  }
}

/** A sentence continued after a semicolon: lower-case first letter, no final period. */
const sentenceTail = (sentence: string): string =>
  (sentence.charAt(0).toLowerCase() + sentence.slice(1)).replace(/\.$/, '');

function checkClass(offense: OffenseOfCase, row: SanctionRow, field: string, repeat: RepeatAllowance): void {
  if (row.class === offense.class) return;
  const higher = NEXT_HIGHER_CLASS[offense.class];
  if (row.class === higher && repeat.applies) return;
  const source = renderSource(REPEAT_RULE_SOURCE);
  const why =
    row.class === higher
      ? `a class ${higher} sanction is allowed only for the second infraction of the same rule within six months; ${sentenceTail(repeat.statement)}`
      : `only class ${offense.class} sanctions${higher ? ` (class ${higher} for the second infraction of the same rule within six months)` : ''} may be imposed for it`;
  refuseSanction(
    'SANCTION_CLASS_NOT_ALLOWED',
    `${field}.code: ${row.code} is a class ${row.class} sanction; offense ${offense.code} is class ${offense.class}: ${why} (${source})`,
    {
      field: `${field}.code`,
      value: row.code,
      offenseClass: offense.class,
      sanctionClass: row.class,
      rule: REPEAT_RULE_QUOTE,
      source,
    },
  );
}

function checkMeasure(
  offense: OffenseOfCase,
  row: SanctionRow,
  sanction: ImposedSanction,
  field: string,
): void {
  const source = sanctionSourceText(row);
  const measure = row.measure;
  const given: Array<['days' | 'hours', number | undefined]> = [
    ['days', sanction.days],
    ['hours', sanction.hours],
  ];
  for (const [unit, value] of given) {
    if (value === undefined) continue;
    if (!measure || measure.unit !== unit) {
      refuseSanction(
        'SANCTION_TERM_INVALID',
        `${field}.${unit}: ${row.code} is not measured in ${unit} ("${row.text}"; ${source})`,
        { field: `${field}.${unit}`, value, rule: row.text, source },
      );
    }
  }
  if (!measure) return;
  const unit = measure.unit;
  const value = sanction[unit];
  if (value === undefined) {
    // A suspended punishment's length may be set when it is invoked; a fixed row supplies its own.
    if (measure.required && sanction.suspendedUntil === undefined) {
      refuseSanction(
        'SANCTION_TERM_REQUIRED',
        `${field}.${unit}: ${row.code} needs its length in ${unit} ("${row.text}"; ${source})`,
        { field: `${field}.${unit}`, rule: row.text, source, limit: measure.max },
      );
    }
    return;
  }
  if (measure.fixed !== undefined && value !== measure.fixed) {
    refuseSanction(
      'SANCTION_TERM_INVALID',
      `${field}.${unit}: ${row.code} is fixed at ${measure.fixed} ${unit}, not ${value} ("${row.text}"; ${source})`,
      { field: `${field}.${unit}`, value, limit: measure.fixed, rule: row.text, source },
    );
  }
  const telephoneException = row.kind === 'telephone' && offense.code === TELEPHONE_EXCEPTION_OFFENSE;
  if (value > measure.max && !telephoneException) {
    refuseSanction(
      'SANCTION_TERM_TOO_LONG',
      `${field}.${unit}: ${value} ${unit} is beyond the maximum of ${measure.max} ${unit} for ${row.code} ("${row.text}"; ${source})`,
      { field: `${field}.${unit}`, value, limit: measure.max, unit, rule: row.text, source },
    );
  }
  if (value < measure.min) {
    refuseSanction(
      'SANCTION_TERM_INVALID',
      `${field}.${unit}: ${value} ${unit} is below the minimum of ${measure.min} ${unit} for ${row.code} ("${row.text}"; ${source})`,
      { field: `${field}.${unit}`, value, limit: measure.min, unit, rule: row.text, source },
    );
  }
}

/** The amount a sanction runs for: the stated one, or the row's fixed amount. */
export function amountOf(sanction: ImposedSanction): { value: number; unit: 'days' | 'hours' } | undefined {
  const measure = sanctionRow(sanction.code)?.measure;
  if (!measure) return undefined;
  const value = sanction[measure.unit] ?? measure.fixed;
  return value === undefined ? undefined : { value, unit: measure.unit };
}

/** The fact that lifts the telephone restriction's 180-day cap for offense 02-6 (the table's footnote). */
export const TELEPHONE_EXCEPTION_FACT = 'telephone-exception';

/**
 * The case facts that give each imposed, unsuspended, restorable sanction its term (ok-doc-discipline
 * 1.2.0 `term.<code>`), and whether the telephone exception of the footnote applies. A suspended
 * punishment does not run, so it has no end to restore on (§IV.C.9 keeps its own period).
 */
export function termFacts(
  offenseCode: string,
  sanctions: readonly ImposedSanction[],
): Record<string, number | boolean> {
  const facts: Record<string, number | boolean> = {
    [TELEPHONE_EXCEPTION_FACT]: offenseCode === TELEPHONE_EXCEPTION_OFFENSE,
  };
  for (const sanction of sanctions) {
    if (sanction.suspendedUntil !== undefined) continue;
    const row = sanctionRow(sanction.code);
    if (!row?.privilege) continue;
    const amount = amountOf(sanction);
    if (amount && amount.unit === 'days' && amount.value > 0) facts[termFactOf(row.code)] = amount.value;
  }
  return facts;
}
