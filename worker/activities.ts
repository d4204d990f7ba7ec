// Wires every activity Docket registers from its dependencies. The worker's main and the tests both
// build activities here, so tests exercise the production wiring with real or test dependencies.
import { createAdminAlertDelivery, type AdminAlertChannels } from '../activities/admin-alert-delivery';
import { fanOutAlertWebhook, type AlertWebhook } from '../activities/alert-webhook';
import { createDeadlineEventActivities, type CaseWebhookSubscriber } from '../activities/deadline-events';
import { createArchiveActivities, type CaseArchive } from '../activities/archive';
import { createDigestActivities, type DigestDeps } from '../activities/digest';
import { countNoticeOutcomes } from '../activities/metrics';
import {
  createNotificationActivities,
  type MailSender,
  type NotificationDeps,
} from '../activities/notifications';
import type { RelayHealth } from '../activities/relay-health';
import { createScheduleActivities, type ScheduleActivityOptions } from '../activities/schedule';

export type DocketActivityDeps = NotificationDeps & {
  schedule?: ScheduleActivityOptions;
  /** The morning digest's activity reads cases through a client; without one it is not registered. */
  digest?: Pick<DigestDeps, 'client' | 'taskQueue'>;
  /** Where closed cases' records go before their workflows complete (activities/archive-open.ts). */
  archive: CaseArchive;
  /**
   * The administrators' second channels, for an alert about a notice that could not be delivered:
   * a fallback relay's mailer and the paging tool's webhook (activities/admin-alert-delivery.ts).
   */
  adminAlerts?: {
    fallbackMailer?: MailSender;
    webhook?: AlertWebhook;
    /** The primary relay's health, so an alert skips a relay known to be unreachable. */
    primaryHealth?: RelayHealth;
  };
  /**
   * The case systems told of deadline changes (activities/deadline-events.ts); those that take the
   * administrators' alerts too receive them beside the paging tool's webhook.
   */
  caseWebhooks?: { subscribers: CaseWebhookSubscriber[]; adminAlertWebhooks: AlertWebhook[] };
};

export function buildActivities(deps: DocketActivityDeps) {
  const notifications = createNotificationActivities(deps);
  const extra = deps.adminAlerts;
  const channels: AdminAlertChannels = {
    primaryHealth: extra?.primaryHealth,
    // The same activities on the fallback relay: the alert it sends is byte-identical, Message-ID included.
    fallback: extra?.fallbackMailer
      ? createNotificationActivities({ ...deps, mailer: extra.fallbackMailer }).alertAdministrators
      : undefined,
    webhook: fanOutAlertWebhook([
      ...(extra?.webhook ? [extra.webhook] : []),
      ...(deps.caseWebhooks?.adminAlertWebhooks ?? []),
    ]),
    ledger: deps.ledger,
    logger: deps.logger,
    messageIdDomain: deps.config.messageIdDomain,
  };
  return {
    ...notifications,
    // Counted here, around the activity, so the notification code stays about sending.
    sendNotice: countNoticeOutcomes(notifications.sendNotice),
    alertAdministrators: createAdminAlertDelivery(notifications.alertAdministrators, channels),
    ...createScheduleActivities(deps.schedule),
    ...createArchiveActivities(deps.archive),
    ...createDeadlineEventActivities({
      subscribers: deps.caseWebhooks?.subscribers ?? [],
      logger: deps.logger,
      outcomes: deps.archive.store,
    }),
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
