// One employee's probation record (Arkansas DOC SD 2022-17 §III.D-F): what a case system sends, and the
// rules the record applies on top of the policy's schedules. The policy (policies/adc-probation.ts)
// dates each period; this module decides which earlier written warning makes a new one a 9-month
// probation (§III.D.3.b), runs the look-back of §III.D.4-5, checks the "no other incident" condition
// of a verbal warning's removal (§III.D.3.a.iii) and lays out a suspension's working days. It is pure:
// it reads only dates the workflow already holds (recorded schedules), never a calendar or the clock.
//
// Employees are identified by an opaque employee ID only. Nothing here takes a name, and notes are not
// accepted: the case system keeps the narrative, Docket keeps dates and codes.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { dueAtOf } from '../deadline/checks';
import { DomainError } from '../errors';
import { adcProbation } from '../policies/adc-probation';
import { sectionCiter } from '../policies/citations';
import type { ScheduleEntry, SkippedDay } from '../types';
import * as common from './common';

export const PROBATION_POLICY_ID = 'adc-probation';
export const PROBATION_CASE_TYPE = 'probation';
export const PROBATION_JURISDICTION = 'US-AR';
/** Central Human Resources keeps the Personnel File (SD 2022-17 §II.I). */
export const DEFAULT_PROBATION_FACILITY = 'ADC-HQ';

/** Renders a citation of the directive, the way schedule entries do. */
export const cite = sectionCiter(adcProbation);

export const employeeIdSchema = sharedSchema('cases/probation#employeeIdSchema', () =>
  z
    .string()
    .regex(
      /^[A-Z][A-Z0-9]{0,9}-[A-Z0-9-]{1,40}$/,
      'an opaque employee ID like EMP-004211 (A-Z, 0-9, dashes), never a name',
    ),
);

export const probationIntakeSchema = sharedSchema('cases/probation#probationIntakeSchema', () =>
  z.object({
    employeeId: employeeIdSchema,
    facility: common.facilityCodeSchema.default(DEFAULT_PROBATION_FACILITY),
    /** Pins every action's schedule to this policy version; by default each action gets the latest. */
    /** Agency settings of adc-probation, e.g. `{ 'reminder-lead-times': '30 calendarDays, 7 calendarDays' }`. */
    ...common.policyFields('adc-probation'),
    ...common.recordLifeFields,
  }),
);
export type ProbationIntakeInput = z.input<typeof probationIntakeSchema>;
export type ProbationIntake = z.output<typeof probationIntakeSchema>;

export function parseProbationIntake(raw: unknown): ProbationIntake {
  return common.parseIntake(probationIntakeSchema, raw, 'probation record', PROBATION_POLICY_ID);
}

/** §III.D.3: the penalties that are discipline. Termination ends the record (`separate`). */
export const DISCIPLINARY_ACTIONS = ['verbal-warning', 'written-warning', 'suspension', 'demotion'] as const;
export type DisciplinaryAction = (typeof DISCIPLINARY_ACTIONS)[number];
/** §III.F.2: what starts an initial probation. */
export const INITIAL_PROBATION_STARTS = ['initial-hire', 'promotion'] as const;
export type ActionKind = DisciplinaryAction | (typeof INITIAL_PROBATION_STARTS)[number];

export const isDisciplinary = (action: ActionKind): action is DisciplinaryAction =>
  (DISCIPLINARY_ACTIONS as readonly string[]).includes(action);

export const actionIdSchema = sharedSchema('cases/probation#actionIdSchema', () =>
  z.string().regex(/^A\d{1,6}$/, 'an action ID of this record, like A3'),
);
export const violationIdSchema = sharedSchema('cases/probation#violationIdSchema', () =>
  z.string().regex(/^V\d{1,6}$/, 'a violation ID of this record, like V2'),
);

const disciplinaryFields = sharedSchema('cases/probation#disciplinaryFields', () => ({
  by: common.staffIdSchema,
  /** The date of the action: the date on the warning, suspension or demotion. */
  issuedAt: common.isoInstantSchema,
  /**
   * When the employee received official notification: the disciplinary probation commences that day
   * (§III.F.1). It may be recorded later with `notificationReceived` (a mailed notice).
   */
  notifiedAt: common.isoInstantSchema.optional(),
  /** When the incident occurred (§III.D.3.b); the reported violation's date, or the action's, if absent. */
  incidentAt: common.isoInstantSchema.optional(),
  /** The violation (from `violationReported`) this action answers. */
  violationId: violationIdSchema.optional(),
}));

export const actionInputSchema = sharedSchema('cases/probation#actionInputSchema', () =>
  z.discriminatedUnion('action', [
    z.object({
      action: z.literal('initial-hire'),
      by: common.staffIdSchema,
      hiredAt: common.isoInstantSchema,
    }),
    z.object({
      action: z.literal('promotion'),
      by: common.staffIdSchema,
      promotedAt: common.isoInstantSchema,
    }),
    z.object({ action: z.literal('verbal-warning'), ...disciplinaryFields }),
    z.object({ action: z.literal('written-warning'), ...disciplinaryFields }),
    z.object({
      action: z.literal('suspension'),
      ...disciplinaryFields,
      suspension: z.object({
        /** 1 to 10 working days, up to 15 in the driver's-license case (§III.D.3.c.i-ii; checked by the policy). */
        workingDays: z.number().int(),
        licenseSuspension: z.boolean().default(false),
        /** The first day of the suspension (a working day); the rest follow on working days. */
        firstDay: common.isoDateSchema('a date like 2027-11-22'),
      }),
    }),
    z.object({ action: z.literal('demotion'), ...disciplinaryFields }),
  ]),
);
export type ActionInput = z.input<typeof actionInputSchema>;
export type ParsedAction = z.output<typeof actionInputSchema>;

/** Something done to one of the record's actions: which, when, and by whom. */
const actionStepSchema = () =>
  z.object({ actionId: actionIdSchema, at: common.isoInstantSchema, by: common.staffIdSchema });

export const notificationInputSchema = sharedSchema('cases/probation#notificationInputSchema', () =>
  actionStepSchema(),
);
export type NotificationInput = z.input<typeof notificationInputSchema>;

export const violationInputSchema = sharedSchema('cases/probation#violationInputSchema', () =>
  z.object({
    /** When the new violation occurred: the look-back windows are about when it occurs (§III.D.4-5). */
    occurredAt: common.isoInstantSchema,
    by: common.staffIdSchema,
  }),
);
export type ViolationInput = z.input<typeof violationInputSchema>;

/** `at`: when the documentation was removed, on the employee's written request and the supervisor's approval. */
export const removalInputSchema = sharedSchema('cases/probation#removalInputSchema', () =>
  actionStepSchema(),
);
export type RemovalInput = z.input<typeof removalInputSchema>;

export const separationInputSchema = sharedSchema('cases/probation#separationInputSchema', () =>
  common.recordEndSchema(['resigned', 'retired', 'terminated', 'other']),
);
export type SeparationInput = z.input<typeof separationInputSchema>;

/** The instant an action is dated by: the day it was issued, or the hire or promotion. */
export function actionDate(input: ParsedAction): string {
  switch (input.action) {
    case 'initial-hire':
      return input.hiredAt;
    case 'promotion':
      return input.promotedAt;
    default:
      return input.issuedAt;
  }
}

// ---------------------------------------------------------------------------------------------
// Civil dates, without a time-zone database: ISO dates are added to with UTC arithmetic.

const MS_PER_DAY = 86_400_000;

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The civil date of an instant formatted in its calendar's zone (schedule entries are). */
export const localDateOf = (instant: string): string => instant.slice(0, 10);

/**
 * Day 0 of a suspension whose first day is `firstDay`: noon of the day before, at the CST offset. Noon
 * is the same civil date in America/Chicago whether that day is CST or CDT, so the instant names the
 * date without a time-zone lookup in the workflow.
 */
export function suspensionDayZero(firstDay: string): string {
  return `${addDays(firstDay, -1)}T12:00:00-06:00`;
}

export interface SuspensionWindow {
  workingDays: number;
  firstDay: string;
  lastDay: string;
  /** Every suspension day, in order. */
  days: string[];
  /** Weekend days and holidays inside the window that are not suspension days. */
  skipped: SkippedDay[];
  /** End of the last suspension day (the entry's due instant). */
  endsAt: string;
  localText: string;
  source: string;
}

/**
 * The suspension days as the recorded `suspension.days` entry counted them: the working days after
 * day 0 up to its last day. Derived from the entry alone (its skipped days carry the holidays the
 * calendar had when the entry was computed), so a later holiday-data change cannot move them.
 */
export function suspensionWindow(entry: ScheduleEntry): SuspensionWindow {
  const dayZero = localDateOf(entry.anchorAt);
  const endsAt = dueAtOf(entry);
  const lastDay = localDateOf(endsAt);
  const skipped = new Map(entry.explanation.skipped.map((s) => [s.date, s]));
  const days: string[] = [];
  for (let day = addDays(dayZero, 1); day <= lastDay; day = addDays(day, 1)) {
    if (!skipped.has(day)) days.push(day);
  }
  return {
    workingDays: entry.limit.amount,
    firstDay: days[0] ?? lastDay,
    lastDay,
    days,
    skipped: [...skipped.values()].filter((s) => s.date > dayZero && s.date <= lastDay),
    endsAt,
    localText: entry.localText,
    source: entry.sourceText,
  };
}

/** Refuses a suspension whose first day the recorded calendar says is not a working day. */
export function checkSuspensionStart(entry: ScheduleEntry, firstDay: string, issuedOn: string): void {
  const window = suspensionWindow(entry);
  if (window.firstDay !== firstDay) {
    const reason = entry.explanation.skipped.find((s) => s.date === firstDay);
    const why = reason?.reason === 'holiday' ? `${reason.name ?? 'a holiday'}` : 'a weekend day';
    throw new DomainError(
      'INVALID_DATE',
      `suspension.firstDay ${firstDay} is ${why}, not a working day (${entry.calendar}); the first working day after it is ${window.firstDay}`,
      { field: 'suspension.firstDay', value: firstDay, rule: 'suspension.days', source: entry.sourceText },
    );
  }
  if (firstDay < issuedOn) {
    throw new DomainError(
      'EVENT_OUT_OF_ORDER',
      `suspension.firstDay ${firstDay} is before the suspension was issued (${issuedOn}); the dates are scheduled following the imposition of the penalty (${cite('III.D.3.c.i')})`,
      { field: 'suspension.firstDay', value: firstDay, earlier: 'action.issued' },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// §III.D.3.b: the 9-month probation of a second written warning.

export interface PriorWarning {
  id: string;
  issuedAt: string;
}

/**
 * The written warning a new one is measured against. "If a subsequent written warning is received
 * within a one (1) year period from the initial written warning": every earlier written warning is
 * "initial" to a later one, so the latest earlier warning decides (if any earlier one is within the
 * year, the latest is). The year runs from the date of that warning, as the look-back of §III.D.4
 * runs from "the date of the ... warning"; the policy compares it with the day the new warning is
 * received (notification.received). The expiry of the earlier warning's 6-month probation (§III.E.3)
 * does not shorten this: the directive gives this rule its own one-year window.
 */
export function priorWrittenWarning(
  earlier: readonly PriorWarning[],
  issuedAt: string,
): PriorWarning | undefined {
  const before = earlier.filter((w) => Date.parse(w.issuedAt) <= Date.parse(issuedAt));
  return before.sort((a, b) => Date.parse(b.issuedAt) - Date.parse(a.issuedAt))[0];
}

// ---------------------------------------------------------------------------------------------
// §III.D.4-5: the look-back on a new violation, and §III.E.3.

export type LookbackRule = 'III.D.4' | 'III.D.5';

/** What the record knows of an earlier disciplinary action, from its recorded schedule. */
export interface PriorAction {
  id: string;
  action: DisciplinaryAction;
  issuedAt: string;
  /** The look-back window (`lookback.warning` or `lookback.suspension`), from the recorded entry. */
  window?: { key: string; from: string; until: string; untilText: string; source: string };
  /** The end of its disciplinary probation, when notification started one. */
  probation?: { until: string; untilText: string };
  /** A verbal warning whose documentation was removed (§III.D.3.a.iii). */
  removed?: boolean;
}

export interface LookbackFinding {
  actionId: string;
  action: DisciplinaryAction;
  rule: LookbackRule;
  /** The recorded window entry, e.g. `A2:lookback.warning`. */
  key: string;
  from: string;
  until: string;
  untilText: string;
  within: boolean;
  source: string;
}

export interface LookbackAdvice {
  violationId: string;
  occurredAt: string;
  /** An equal or more substantial violation inside a window calls for more severe action (§III.D.4-5). */
  moreSevereActionCalledFor: boolean;
  findings: LookbackFinding[];
  /** Actions whose disciplinary probation had not expired when the violation occurred. */
  onProbation: string[];
  /** Actions whose disciplinary probation had expired: not a consideration (§III.E.3). */
  expired: string[];
  /** The employee was on initial probation when the violation occurred (§III.F.3). */
  initialProbation: boolean;
  summary: string;
}

const RULE_WORDS: Record<LookbackRule, string> = {
  'III.D.4': 'within 6 months from the date of',
  'III.D.5': 'within 12 months of the date of',
};

/** How notices and timelines name an action. */
export const ACTION_LABELS: Record<ActionKind, string> = {
  'verbal-warning': 'verbal warning',
  'written-warning': 'written warning',
  suspension: 'suspension',
  demotion: 'demotion',
  'initial-hire': 'initial hire',
  promotion: 'promotion',
};

export const lookbackRuleOf = (action: DisciplinaryAction): LookbackRule =>
  action === 'suspension' || action === 'demotion' ? 'III.D.5' : 'III.D.4';

/**
 * Checks a new violation against every earlier disciplinary action on the record. The windows are the
 * recorded `lookback.*` entries: day 0 is the date of the action, and the violation must occur after
 * the action and by the window's end. Whether the new violation is "equal or more substantial" is the
 * decision-making supervisor's judgement (§III.D.1), so the advice says what the rule calls for if it is.
 */
export function lookBack(
  violation: { id: string; occurredAt: string },
  priors: readonly PriorAction[],
  initialProbation: boolean,
): LookbackAdvice {
  const at = Date.parse(violation.occurredAt);
  const relevant = priors.filter((p) => !p.removed && Date.parse(p.issuedAt) <= at);
  const findings: LookbackFinding[] = relevant.flatMap((p) =>
    p.window
      ? [
          {
            actionId: p.id,
            action: p.action,
            rule: lookbackRuleOf(p.action),
            key: p.window.key,
            from: p.window.from,
            until: p.window.until,
            untilText: p.window.untilText,
            within: Date.parse(p.window.from) <= at && at <= Date.parse(p.window.until),
            source: p.window.source,
          },
        ]
      : [],
  );
  const onProbation = relevant
    .filter((p) => p.probation && at <= Date.parse(p.probation.until))
    .map((p) => p.id);
  const expired = relevant.filter((p) => p.probation && at > Date.parse(p.probation.until)).map((p) => p.id);
  const calledFor = findings.some((f) => f.within);
  const window = (f: LookbackFinding) =>
    `${RULE_WORDS[f.rule]} the ${ACTION_LABELS[f.action]} ${f.actionId} of ${localDateOf(f.from)} (SD 2022-17 §${f.rule}; the window runs through ${f.untilText})`;
  const violated = `Violation ${violation.id} (${violation.occurredAt})`;
  const parts: string[] = [];
  if (findings.length === 0) {
    parts.push(`No disciplinary action on record before ${violated}: SD 2022-17 §III.D.4-5 do not apply.`);
  } else if (calledFor) {
    parts.push(
      `${violated} occurred ${findings
        .filter((f) => f.within)
        .map(window)
        .join(
          ', and ',
        )}. If it is an equal or more substantial violation, a more severe disciplinary action should be taken.`,
    );
  } else {
    parts.push(
      `${violated} did not occur ${findings.map(window).join(', nor ')}: SD 2022-17 §III.D.4-5 do not call for a more severe action.`,
    );
  }
  if (expired.length > 0) {
    parts.push(
      `The disciplinary probation of ${expired.join(', ')} had expired: not a consideration for further progressive discipline (SD 2022-17 §III.E.3).`,
    );
  }
  if (initialProbation) {
    parts.push(
      'The employee is on initial probation: an employee disciplined during it who then does not show improvement may be terminated (SD 2022-17 §III.F.3).',
    );
  }
  return {
    violationId: violation.id,
    occurredAt: violation.occurredAt,
    moreSevereActionCalledFor: calledFor,
    findings,
    onProbation,
    expired,
    initialProbation,
    summary: parts.join(' '),
  };
}

// ---------------------------------------------------------------------------------------------
// §III.D.3.a.iii: "provided that no other incidents have occurred".

export interface Incident {
  /** The violation or action that records it, e.g. V3 or A4. */
  id: string;
  at: string;
}

/** Incidents after a verbal warning's date: any one of them bars the removal of its documentation. */
export function incidentsSince(warningIssuedAt: string, incidents: readonly Incident[]): Incident[] {
  const from = Date.parse(warningIssuedAt);
  return incidents.filter((i) => Date.parse(i.at) > from);
}
