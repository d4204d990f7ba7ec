// The contract between the pure domain layer and everything that uses it (workflows, activities,
// API, CLI). Schedules cross the Temporal boundary as plain JSON, so every type here is plain data:
// ISO-8601 strings, numbers, no Date or luxon objects.

/** An ISO-8601 instant with an explicit offset, e.g. `2026-12-09T23:59:59.999-06:00`. */
export type IsoInstant = string;
/** An ISO-8601 calendar date, e.g. `2026-12-09`. */
export type IsoDate = string;

export type DurationUnit = 'hours' | 'calendarDays' | 'workingDays' | 'months';

export interface DurationSpec {
  amount: number;
  unit: DurationUnit;
}

/**
 * Where a rule comes from. Every rule Docket enforces cites either a seed policy (file + section)
 * or an explicit agency setting, with whether the value in force is the shipped default.
 */
export type Source =
  | { kind: 'seed'; file: string; document: string; section: string; quote?: string }
  | { kind: 'statute'; citation: string }
  | { kind: 'agency-setting'; setting: string; isDefault: boolean; note?: string };

export type ScheduleEntryKind = 'deadline' | 'lowerBound';

export type DeadlineState = 'pending' | 'met' | 'breached' | 'extended' | 'waived';

export interface SkippedDay {
  date: IsoDate;
  reason: 'weekend' | 'holiday';
  /** Holiday name, when reason is holiday. */
  name?: string;
}

export interface DeadlineExplanation {
  /** One readable sentence, e.g. "10 working days after 2026-11-20 (day 0), skipping 2026-11-26 Thanksgiving Day ...". */
  summary: string;
  skipped: SkippedDay[];
  /** Set when a calendar-day deadline landed on a non-working day and moved forward. */
  rolledForwardFrom?: IsoDate;
  /**
   * How the days were counted, in words: which day is day 0 (or day 1), which day the limit includes,
   * and for a lower bound which reading was used (clear days or inclusive). Absent for hour limits.
   */
  counting?: string;
  /** For a day-based lower bound: the reading used (LowerBoundReading). */
  reading?: LowerBoundReading;
}

/**
 * How "no earlier than N days after X" (or "at least N days") is counted. `clear-days`: N full days
 * must pass after the day of X, so the earliest instant is the start of day N + 1. `inclusive`: day N
 * itself counts as the Nth day, so the earliest instant is the start of day N.
 */
export type LowerBoundReading = 'clear-days' | 'inclusive';

/** Local wall-clock times (HH:mm) on a working day: from `start` (included) to `end` (excluded). */
export interface BusinessHours {
  start: string;
  end: string;
}

/** The business hours a schedule's reminders were placed in. */
export interface AppliedBusinessHours extends BusinessHours {
  /** The calendar's default (true) or the agency's configured hours (false). */
  isDefault: boolean;
}

export interface ReminderSpec {
  /** When the reminder goes out: within business hours on a working day, unless `outsideBusinessHours` says why not. */
  at: IsoInstant;
  /** Stable key unique within the entry, e.g. `half-time`, `1-working-day-before`; part of the notice key. */
  key: string;
  /** The instant the policy's lead time gives, when the reminder was moved from it into business hours. */
  computedAt?: IsoInstant;
  /**
   * Why the reminder was moved, e.g. "outside business hours (08:00–17:00 America/Chicago): Saturday is
   * not a working day; moved to the start of the previous working day".
   */
  movedBecause?: string;
  /** Set when the reminder goes out outside business hours, because there were none before the deadline. */
  outsideBusinessHours?: string;
}

export interface EscalationSpec {
  /** Interval between repeated breach alerts while unacknowledged (exact hours: the workflow adds it with plain arithmetic). */
  cadenceHours: number;
  /** How many levels up the directory's escalation chain to go at most, after the first breach alert. */
  maxLevels: number;
}

export interface ExtensionRecord {
  key: string;
  /** The new limit. */
  dueAt: IsoInstant;
  reason: string;
  approverRole: string;
  /** Opaque staff ID of the approver. */
  approvedBy: string;
  /** Set when the extension goes past the policy cap on the strength of an override (court order, director...). */
  overrideAuthority?: string;
  grantedAt: IsoInstant;
}

export interface ScheduleEntry {
  /** Deadline key from the policy's rule table (docs/rules.md), e.g. `rts.response`. */
  key: string;
  kind: ScheduleEntryKind;
  /** The rule in words, e.g. "Staff respond in writing within 10 working days of receipt". */
  rule: string;
  source: Source;
  /** Rendered citation, e.g. "OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)". */
  sourceText: string;
  /** Role that must act (a directory role, never a person). */
  responsibleRole: string;
  /** What the responsible role must do, for notices. */
  action: string;
  /** The event the limit is counted from, and its instant. */
  anchorEvent: string;
  anchorAt: IsoInstant;
  limit: DurationSpec;
  calendar: string;
  zone: string;
  /** For kind 'deadline': the last instant by which the step must be done. */
  dueAt?: IsoInstant;
  /** For kind 'lowerBound': the first instant at which the step may happen. */
  earliest?: IsoInstant;
  /** `dueAt` or `earliest` in local time with its zone abbreviation, e.g. "2026-12-09 23:59 CST". */
  localText: string;
  explanation: DeadlineExplanation;
  reminders: ReminderSpec[];
  escalation?: EscalationSpec;
  /** Extensions applied to this entry, oldest first; `dueAt` already reflects the last one. */
  extensions: ExtensionRecord[];
  /**
   * Who the limit binds. `staff`: missing it is a breach that alerts and escalates, but the late act is
   * still recorded. `subject` (inmate, party, employee): the subject gets no reminders (inmates get no
   * email) and a late filing is refused (`checkEvent`), e.g. OP-090124 §III.E.2.c.
   */
  actor?: 'staff' | 'subject';
  /** The event that satisfies a deadline, or that a lower bound constrains (e.g. `rts.responded`). */
  completedBy?: string;
  /** When `completedBy` was recorded. */
  completedAt?: IsoInstant;
  /** Where the entry stands given the recorded events (and `now`, when the caller passed one). */
  state?: DeadlineState;
  /** The entry marks the end of a period (probation, look-back window): reaching it is not a breach. */
  periodEnd?: boolean;
  /** This entry is the furthest an extension of the named entry may reach without an override. */
  capOf?: string;
  /** Whether and how this entry may be extended (docs/rules.md "Extensions"). */
  extensionPolicy?: ExtensionPolicy;
  /** Further sources, e.g. the seed clause an agency setting fills in. */
  relatedSources?: Source[];
}

export interface ExtensionPolicy {
  /** Roles that may approve an extension within the cap. */
  approverRoles: string[];
  /** The cap, when the policy sets one; absent = the source sets no cap. */
  cap?: DurationSpec & { from: 'anchor' | 'due' };
  /** The latest instant an extension may reach without an override. */
  capAt?: IsoInstant;
  capSourceText?: string;
  /** Authorities whose order allows going past the cap (court, director, ...); empty = never. */
  overrideAuthorities: string[];
  overrideSourceText?: string;
  /** Who must be told of an extension, e.g. `inmate` (a service task for staff). */
  noticeTo?: string;
  /** What the extension needs, in words ("good cause", "written notice with the new date"). */
  requirement: string;
}

/** An entry that will exist once its anchor event (or a condition) is recorded. */
export interface AwaitingEntry {
  key: string;
  rule: string;
  /** The events still missing. */
  waitingFor: string[];
  note?: string;
}

/** A non-deadline requirement of the policy (who may not decide, what is not grievable, ...). */
export interface PolicyConstraint {
  key: string;
  text: string;
  sourceText: string;
}

export interface AppliedSetting {
  key: string;
  value: unknown;
  isDefault: boolean;
  description: string;
}

export interface Schedule {
  policyId: string;
  policyVersion: string;
  calendar: string;
  zone: string;
  entries: ScheduleEntry[];
  /** Entries whose anchor events have not been recorded yet. */
  awaiting?: AwaitingEntry[];
  /** Agency settings in force for this schedule, with whether each is the shipped default. */
  settings?: AppliedSetting[];
  /** The case facts the schedule was computed for, defaults applied. */
  facts?: Record<string, string | number | boolean>;
  constraints?: PolicyConstraint[];
  /** The business hours reminders were placed in (local, on the calendar's working days). */
  businessHours?: AppliedBusinessHours;
}

/** Input of `computeSchedule` (domain/schedule): plain data, so it can be an activity's argument. */
export interface ScheduleInput {
  policyId: string;
  /** The version the case opened with; the latest when omitted (a new case). */
  policyVersion?: string;
  /** Case facts, e.g. `{ category: 'medical', track: 'standard' }` or `{ action: 'suspension' }`. */
  facts?: Record<string, string | number | boolean>;
  /** Recorded events: event key → ISO-8601 instant with offset. */
  events: Record<string, IsoInstant>;
  /** Extensions granted so far, oldest first. */
  extensions?: ExtensionRecord[];
  /** Agency settings overriding the policy's defaults (values as data or as text, e.g. "10 workingDays"). */
  settings?: Record<string, unknown>;
  /**
   * The agency's business hours per calendar ID (e.g. `{ 'us-ok-state': { start: '07:30', end: '16:00' } }`);
   * a calendar not named keeps its default (08:00–17:00). Reminders are placed within them.
   */
  businessHours?: Record<string, BusinessHours>;
  /** When given, pending deadlines already past are reported as breached. */
  now?: IsoInstant;
}
