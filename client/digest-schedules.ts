// One Temporal Schedule per facility for the morning digest (workflows/digest.ts): weekdays at the
// start of business of the facility's calendar, in its time zone. A Schedule, not a timer in the
// worker, so operators see it in the Temporal UI, pause it there, and trigger it by hand; holidays
// are skipped by the digest itself (a Schedule's calendar knows weekdays, not statutory holidays).
import {
  ScheduleAlreadyRunning,
  ScheduleOverlapPolicy,
  type Client,
  type ScheduleOptions,
} from '@temporalio/client';
import { startOfBusiness } from '../activities/digest';
import type { DocketConfig } from '../infra/config';
import { configuredBusinessHours } from '../infra/config';
import { DIGEST_WORKFLOW } from '../workflows/digest';

const WEEKDAYS = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;

export const digestScheduleId = (facility: string): string => `docket-digest-${facility}`;

export function digestScheduleOptions(
  config: DocketConfig,
  facility: string,
  calendar: string,
): ScheduleOptions {
  const start = startOfBusiness(calendar, configuredBusinessHours(config));
  // ISO weekday numbers (Monday = 1) the calendar works on.
  const dayOfWeek = WEEKDAYS.filter((_, index) => !start.weekendDays.includes(index + 1));
  return {
    scheduleId: digestScheduleId(facility),
    spec: {
      calendars: [
        { dayOfWeek: [...dayOfWeek], hour: start.hour, minute: start.minute, comment: 'start of business' },
      ],
      timezone: start.zone,
    },
    action: {
      type: 'startWorkflow',
      workflowType: DIGEST_WORKFLOW,
      workflowId: `docket-digest-${facility}`,
      taskQueue: config.temporal.taskQueue,
      args: [{ facility, calendar }],
      workflowExecutionTimeout: '6 hours',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
    memo: { purpose: `morning digest for ${facility}` },
  };
}

/**
 * Creates the Schedules `config.digest.facilities` names, or brings an existing one's spec and action
 * up to date (keeping whether it is paused: that is the operators' call). Returns what it did.
 */
export async function ensureDigestSchedules(
  client: Client,
  config: DocketConfig,
): Promise<Array<{ facility: string; scheduleId: string; outcome: 'created' | 'updated' }>> {
  const done: Array<{ facility: string; scheduleId: string; outcome: 'created' | 'updated' }> = [];
  for (const [facility, { calendar }] of Object.entries(config.digest.facilities)) {
    const options = digestScheduleOptions(config, facility, calendar);
    try {
      await client.schedule.create(options);
      done.push({ facility, scheduleId: options.scheduleId, outcome: 'created' });
    } catch (err) {
      if (!(err instanceof ScheduleAlreadyRunning)) throw err;
      await client.schedule.getHandle(options.scheduleId).update((previous) => ({
        ...previous,
        spec: options.spec,
        action: options.action,
        policies: { ...previous.policies, ...options.policies },
      }));
      done.push({ facility, scheduleId: options.scheduleId, outcome: 'updated' });
    }
  }
  return done;
}
