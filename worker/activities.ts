// Wires every activity Docket registers from its dependencies. The worker's main and the tests both
// build activities here, so tests exercise the production wiring with real or test dependencies.
import { createArchiveActivities, type CaseArchive } from '../activities/archive';
import { createNotificationActivities, type NotificationDeps } from '../activities/notifications';
import { createScheduleActivities, type ScheduleActivityOptions } from '../activities/schedule';

export type DocketActivityDeps = NotificationDeps & {
  schedule?: ScheduleActivityOptions;
  /** Where closed cases' records go before their workflows complete (activities/archive-open.ts). */
  archive: CaseArchive;
};

export function buildActivities(deps: DocketActivityDeps) {
  return {
    ...createNotificationActivities(deps),
    ...createScheduleActivities(deps.schedule),
    ...createArchiveActivities(deps.archive),
  };
}

export type DocketActivities = ReturnType<typeof buildActivities>;
