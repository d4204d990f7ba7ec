export {
  computeDue,
  computeDueBefore,
  computeEarliest,
  describeDuration,
  validateDuration,
  DURATION_UNITS,
  LOWER_BOUND_READINGS,
  type Anchor,
  type ComputedLimit,
  type LimitOptions,
} from './compute';
export {
  computeReminders,
  placeReminder,
  reminderKey,
  type PreviousReminder,
  type ReminderPlacement,
  type ReminderRule,
} from './reminders';
export {
  checkDeadline,
  checkEvent,
  checkNotBefore,
  dueAtOf,
  earliestOf,
  findEntry,
  isDeadlineEntry,
  isLowerBoundEntry,
} from './checks';
export { validateExtension, type ExtensionRequest, type ExtensiblePolicy } from './extensions';
export { dueFromAnchorText, type DueResult } from './due';
