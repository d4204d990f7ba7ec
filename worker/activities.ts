// Wires every activity Docket registers from its dependencies. The worker's main and the tests both
// build activities here, so tests exercise the production wiring with real or test dependencies.
import { createAdminAlertDelivery, type AdminAlertChannels } from '../activities/admin-alert-delivery';
import type { AlertWebhook } from '../activities/alert-webhook';
import {
  createNotificationActivities,
  type MailSender,
  type NotificationDeps,
} from '../activities/notifications';
import type { RelayHealth } from '../activities/relay-health';
import { createScheduleActivities } from '../activities/schedule';

export interface DocketActivityDeps extends NotificationDeps {
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
}

export function buildActivities(deps: DocketActivityDeps) {
  const notifications = createNotificationActivities(deps);
  const extra = deps.adminAlerts;
  const channels: AdminAlertChannels = {
    primaryHealth: extra?.primaryHealth,
    // The same activities on the fallback relay: the alert it sends is byte-identical, Message-ID included.
    fallback: extra?.fallbackMailer
      ? createNotificationActivities({ ...deps, mailer: extra.fallbackMailer }).alertAdministrators
      : undefined,
    webhook: extra?.webhook,
    ledger: deps.ledger,
    logger: deps.logger,
    messageIdDomain: deps.config.messageIdDomain,
  };
  return {
    ...notifications,
    alertAdministrators: createAdminAlertDelivery(notifications.alertAdministrators, channels),
    ...createScheduleActivities(),
  };
}

export type DocketActivities = ReturnType<typeof buildActivities>;
