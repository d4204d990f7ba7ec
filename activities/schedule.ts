// Schedules are computed here, in a (local) activity, so the result is recorded in workflow history:
// a later holiday-data or policy update cannot move a deadline a running case has already been given.
import { ApplicationFailure } from '@temporalio/common';
import { computeSchedule, isDomainError, type Schedule, type ScheduleInput } from '../domain';

export function createScheduleActivities() {
  return {
    async computeCaseSchedule(input: ScheduleInput): Promise<Schedule> {
      try {
        return computeSchedule(input);
      } catch (err) {
        // Bad input does not get better on retry: fail at once, with the domain's code and details.
        if (isDomainError(err)) throw ApplicationFailure.nonRetryable(err.message, err.code, err.details);
        throw err;
      }
    },
  };
}

export type ScheduleActivities = ReturnType<typeof createScheduleActivities>;
