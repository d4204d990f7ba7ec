// The contract between the pure domain layer and everything that uses it (workflows, activities,
// API, CLI). Schedules cross the Temporal boundary as plain JSON, so every type here is plain data:
// ISO-8601 strings, numbers, no Date or luxon objects. The schedule entry and the parts it is made of
// are inferred from their zod schemas (schedule/entry.ts), their one definition.
import type { z } from 'zod';
import type {
  deadlineEntrySchema,
  deadlineExplanationSchema,
  deadlineStateSchema,
  durationSpecSchema,
  durationUnitSchema,
  escalationSpecSchema,
  extensionPolicySchema,
  extensionRecordSchema,
  lowerBoundEntrySchema,
  lowerBoundReadingSchema,
  reminderSpecSchema,
  skippedDaySchema,
  sourceSchema,
} from './schedule/entry';

/** An ISO-8601 instant with an explicit offset, e.g. `2026-12-09T23:59:59.999-06:00`. */
export type IsoInstant = string;
/** An ISO-8601 calendar date, e.g. `2026-12-09`. */
export type IsoDate = string;

export type DurationUnit = z.infer<typeof durationUnitSchema>;
export type DurationSpec = z.infer<typeof durationSpecSchema>;
/** Where a rule comes from: a seed policy's section, a statute, or an agency setting. */
export type Source = z.infer<typeof sourceSchema>;
export type DeadlineState = z.infer<typeof deadlineStateSchema>;
export type SkippedDay = z.infer<typeof skippedDaySchema>;
export type DeadlineExplanation = z.infer<typeof deadlineExplanationSchema>;
/** How a day-based lower bound is counted: `clear-days` or `inclusive` (schedule/entry.ts). */
export type LowerBoundReading = z.infer<typeof lowerBoundReadingSchema>;

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

export type ReminderSpec = z.infer<typeof reminderSpecSchema>;
export type EscalationSpec = z.infer<typeof escalationSpecSchema>;
export type ExtensionRecord = z.infer<typeof extensionRecordSchema>;
export type ExtensionPolicy = z.infer<typeof extensionPolicySchema>;

/** A deadline: `dueAt` is the last instant by which the step must be done (the last extension's, if any). */
export type DeadlineEntry = z.infer<typeof deadlineEntrySchema>;
/** A lower bound: `earliest` is the first instant at which the step may happen. */
export type LowerBoundEntry = z.infer<typeof lowerBoundEntrySchema>;
/** One dated entry of a schedule, as the domain computes it: `kind` tells which of the two it is. */
export type DatedEntry = DeadlineEntry | LowerBoundEntry;
/**
 * One entry of a schedule: a deadline or a lower bound, told apart by `kind`. Each variant names the
 * other's date as absent, so `entry.dueAt` reads as `undefined` on a lower bound instead of failing
 * to compile, and narrowing on `kind` gives the date for certain.
 */
export type ScheduleEntry =
  (DeadlineEntry & { earliest?: undefined }) | (LowerBoundEntry & { dueAt?: undefined });
export type ScheduleEntryKind = ScheduleEntry['kind'];
/** A schedule entry narrowed to a deadline (`isDeadlineEntry`): its `dueAt` is set. */
export type DeadlineScheduleEntry = Extract<ScheduleEntry, { kind: 'deadline' }>;
/** A schedule entry narrowed to a lower bound (`isLowerBoundEntry`): its `earliest` is set. */
export type LowerBoundScheduleEntry = Extract<ScheduleEntry, { kind: 'lowerBound' }>;

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
