// A case's schedule is computed by a local activity (activities/schedule.ts → domain/schedule), so
// the result is recorded in history once: a later policy or holiday change never moves a deadline
// already given, and replay reads the recorded dates instead of computing them again.
import { proxyLocalActivities } from '@temporalio/workflow';
import type { ScheduleActivities } from '../activities/schedule';

export const { computeCaseSchedule } = proxyLocalActivities<ScheduleActivities>({
  startToCloseTimeout: '10 seconds',
  // A domain error is non-retryable; anything else (a worker hiccup) is worth a few quick retries.
  retry: { maximumAttempts: 3, initialInterval: '1 second' },
});
