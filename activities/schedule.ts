// Schedules are computed here, in a (local) activity, so the result is recorded in workflow history:
// a later holiday-data or policy update cannot move a deadline a running case has already been given.
// The agency's business hours come from the worker's configuration here, never inside workflow code;
// each schedule records the hours its reminders were placed in (`Schedule.businessHours`).
import { computeSchedule, type BusinessHours, type Schedule, type ScheduleInput } from '../domain';
import { withDomainFailures } from '../infra/domain-failure';

export interface ScheduleActivityOptions {
  /** The agency's business hours per calendar ID (worker config `calendars.<id>.businessHours`). */
  businessHours?: Record<string, BusinessHours>;
}

export function createScheduleActivities(options: ScheduleActivityOptions = {}) {
  return {
    async computeCaseSchedule(input: ScheduleInput): Promise<Schedule> {
      // Bad input does not get better on retry: fail at once, with the domain's code and details.
      return withDomainFailures(() =>
        computeSchedule({ ...input, businessHours: input.businessHours ?? options.businessHours }),
      );
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
