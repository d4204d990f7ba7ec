// Wires every activity Docket registers from its dependencies. The worker's main and the tests both
// build activities here, so tests exercise the production wiring with real or test dependencies.
import { createArchiveActivities, type CaseArchive } from '../activities/archive';
import { createNotificationActivities, type NotificationDeps } from '../activities/notifications';
import { createDigestActivities, type DigestDeps } from '../activities/digest';
import { countNoticeOutcomes } from '../activities/metrics';
import { createScheduleActivities, type ScheduleActivityOptions } from '../activities/schedule';

export type DocketActivityDeps = NotificationDeps & {
  schedule?: ScheduleActivityOptions;
  /** The morning digest's activity reads cases through a client; without one it is not registered. */
  digest?: Pick<DigestDeps, 'client' | 'taskQueue'>;
  /** Where closed cases' records go before their workflows complete (activities/archive-open.ts). */
  archive: CaseArchive;
};

export function buildActivities(deps: DocketActivityDeps) {
  const notifications = createNotificationActivities(deps);
  return {
    ...notifications,
    // Counted here, around the activity, so the notification code stays about sending.
    sendNotice: countNoticeOutcomes(notifications.sendNotice),
    ...createScheduleActivities(deps.schedule),
    ...createArchiveActivities(deps.archive),
    ...(deps.digest
      ? createDigestActivities({
          ...deps.digest,
          mailer: deps.mailer,
          directory: deps.directory,
          ledger: deps.ledger,
          logger: deps.logger,
          config: deps.config,
          businessHours: deps.schedule?.businessHours,
        })
      : {}),
  };
}

export type DocketActivities = ReturnType<typeof buildActivities>;
