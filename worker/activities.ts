// Wires every activity Docket registers from its dependencies. The worker's main and the tests both
// build activities here, so tests exercise the production wiring with real or test dependencies.
import { createNotificationActivities, type NotificationDeps } from '../activities/notifications';
import { createScheduleActivities, type ScheduleActivityOptions } from '../activities/schedule';

export type DocketActivityDeps = NotificationDeps & { schedule?: ScheduleActivityOptions };

export function buildActivities(deps: DocketActivityDeps) {
  return { ...createNotificationActivities(deps), ...createScheduleActivities(deps.schedule) };
}

export type DocketActivities = ReturnType<typeof buildActivities>;
