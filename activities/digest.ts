// The morning digest: once per working day per facility (a Temporal Schedule starts
// workflows/digest.ts, which runs this activity), each supervisor role's staff get one email
// listing the facility's deadlines due today, those at risk, and those breached and not yet
// acknowledged, grouped by case type, each breached one with a one-click acknowledgement link
// signed for that recipient. Only case numbers and deadline keys appear: no names, no facts.
//
// "Supervisor role" is the role a deadline's breach alert goes to: the first step up the responsible
// role's escalation chain in the staff directory (the role itself when it is the top).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import Handlebars from 'handlebars';
import { DateTime } from 'luxon';
import type { Logger } from 'pino';
import { caseOfWorkflowId } from '../client/case-types';
import { DocketClient } from '../client/cases';
import { getCalendar } from '../domain/calendar';
import { staffIdSchema } from '../domain/cases/common';
import type { BusinessHours } from '../domain/types';
import type { DeadlineView } from '../workflows/deadlines';
import { DeadlineStateKey, FacilityKey, NextDeadlineKey } from '../workflows/search-attributes';
import { signAckLink } from './ack-link';
import type { DirectorySource, Recipient } from './directory';
import type { MailSender } from './notifications';
import type { SentLedger } from './sent-ledger';

export interface DigestRequest {
  facility: string;
  /** The business calendar whose working days and time zone the digest follows. */
  calendar: string;
  /** The local date the digest is for (YYYY-MM-DD); today in the calendar's zone when absent. */
  date?: string;
}

export interface DigestResult {
  date: string;
  /** `not-a-working-day`: a holiday on the calendar (the Schedule fires on its weekdays only). */
  status: 'sent' | 'empty' | 'not-a-working-day';
  /** One entry per message: the supervisor role, the opaque staff ID and how many deadlines it listed. */
  messages: Array<{ role: string; recipientId: string; items: number; status: 'sent' | 'already-sent' }>;
}

export interface DigestDeps {
  /** A client with Docket's data converter: visibility for the facility's cases, then each case's schedule. */
  client: Client;
  /** The task queue the case workflows run on (the client reads them; it starts nothing). */
  taskQueue: string;
  mailer: MailSender;
  directory: DirectorySource;
  ledger: SentLedger;
  logger: Logger;
  config: {
    from: string;
    messageIdDomain: string;
    ackBaseUrl?: string;
    ackLinkKey?: Buffer;
    ackLinkTtlDays?: number;
  };
  /** The agency's business hours per calendar ID (config `calendars`). */
  businessHours?: Record<string, BusinessHours>;
  /** Most cases one digest reads; more is reported as a warning and the rest are left out. */
  maxCases?: number;
}

type Section = 'today' | 'atRisk' | 'breached';
interface Item {
  caseType: string;
  caseNumber: string;
  workflowId: string;
  key: string;
  dueAt: string;
  section: Section;
  supervisorRole: string;
}

const TEMPLATES_DIR = path.join(__dirname, 'templates');
const DAY_MS = 86_400_000;

/** The start of business on a calendar (the agency's hours, else the calendar's), for the Schedule. */
export function startOfBusiness(calendar: string, businessHours: Record<string, BusinessHours> = {}) {
  const cal = getCalendar(calendar);
  const [hour, minute] = (businessHours[calendar] ?? cal.businessHours).start.split(':').map(Number);
  return { zone: cal.zone, hour: hour as number, minute: minute as number, weekendDays: cal.weekendDays };
}

/** Which digest section a deadline belongs in on `date`, or none. Exported for its unit test. */
export function sectionOf(deadline: DeadlineView, now: DateTime, zone: string): Section | undefined {
  if (deadline.kind !== 'deadline' || deadline.dueAt === undefined || deadline.tolled) return undefined;
  if (deadline.state === 'breached') return deadline.acknowledged ? undefined : 'breached';
  if (deadline.state !== 'pending' && deadline.state !== 'extended') return undefined;
  const due = DateTime.fromISO(deadline.dueAt).setZone(zone);
  if (due.toISODate() === now.setZone(zone).toISODate()) return 'today';
  // At risk as the case itself counts it: its first reminder has gone out and it is still open.
  const reminded = deadline.reminders.some((r) => Date.parse(r.at) <= now.toMillis());
  return reminded ? 'atRisk' : undefined;
}

export function createDigestActivities(deps: DigestDeps) {
  const hbs = Handlebars.create();
  const text = hbs.compile(readFileSync(path.join(TEMPLATES_DIR, 'digest.txt.hbs'), 'utf8'), {
    strict: true,
    noEscape: true,
  });
  const html = hbs.compile(readFileSync(path.join(TEMPLATES_DIR, 'digest.html.hbs'), 'utf8'), {
    strict: true,
  });
  const docket = new DocketClient({ client: deps.client, taskQueue: deps.taskQueue });
  const logger = deps.logger.child({ component: 'digest' });
  const maxCases = deps.maxCases ?? 2_000;

  async function sendFacilityDigest(request: DigestRequest): Promise<DigestResult> {
    const { facility, calendar } = request;
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(facility)) {
      throw ApplicationFailure.nonRetryable(
        `digest: facility '${facility}' is not a facility code`,
        'INVALID_INPUT',
      );
    }
    const cal = getCalendar(calendar);
    let activity: Context | undefined;
    try {
      activity = Context.current();
    } catch {
      activity = undefined;
    }
    // The Schedule's time, not the worker's clock: a retry an hour later still builds the same digest.
    const scheduled = activity ? activity.info.scheduledTimestampMs : Date.now();
    const now = request.date
      ? DateTime.fromISO(request.date, { zone: cal.zone }).set({ hour: 12 })
      : DateTime.fromMillis(scheduled, { zone: cal.zone });
    const date = now.toISODate() as string;
    const log = logger.child({ facility, date });
    // The Schedule fires on the calendar's weekdays only; a statutory holiday among them is skipped
    // here. A run an operator triggers by hand on a weekend is sent: they asked for it.
    if (!cal.isWeekend(date) && !cal.isWorkingDay(date)) {
      log.info('a holiday on the calendar; no digest');
      return { date, status: 'not-a-working-day', messages: [] };
    }

    const endOfDay = now.endOf('day').toUTC().toISO() as string;
    const query =
      `${FacilityKey.name} = '${facility}' AND ExecutionStatus = 'Running' AND ` +
      `(${DeadlineStateKey.name} IN ('at-risk', 'breached') OR ${NextDeadlineKey.name} <= '${endOfDay}')`;
    const items: Item[] = [];
    const dir = await deps.directory.current();
    let read = 0;
    for await (const info of deps.client.workflow.list({ query })) {
      const found = caseOfWorkflowId(info.workflowId);
      if (!found) continue;
      if (++read > maxCases) {
        log.warn({ maxCases }, 'more cases than one digest reads; the rest are left out');
        break;
      }
      activity?.heartbeat({ read });
      const view = await docket.schedule(found.caseType, found.caseNumber);
      for (const deadline of view.deadlines) {
        const section = sectionOf(deadline, now, cal.zone);
        // sectionOf places only deadlines with a due time.
        if (!section || deadline.dueAt === undefined) continue;
        let supervisorRole = deadline.responsibleRole;
        try {
          supervisorRole = dir.escalationChain(facility, deadline.responsibleRole)[0] ?? supervisorRole;
        } catch {
          // A role the directory does not know: listed under the role itself, whose lookup below reports it.
        }
        items.push({
          ...found,
          workflowId: info.workflowId,
          key: deadline.key,
          dueAt: deadline.dueAt,
          section,
          supervisorRole,
        });
      }
    }
    if (items.length === 0) {
      log.info('nothing due, at risk or breached; no digest sent');
      return { date, status: 'empty', messages: [] };
    }

    const messages: DigestResult['messages'] = [];
    const roles = [...new Set(items.map((i) => i.supervisorRole))].sort();
    for (const role of roles) {
      const mine = items.filter((i) => i.supervisorRole === role);
      let recipients: readonly Recipient[];
      try {
        recipients = dir.resolve(facility, role);
      } catch (err) {
        log.error(
          { role },
          'no recipient in the staff directory for a supervisor role; its digest is not sent',
        );
        void err;
        continue;
      }
      for (const recipient of recipients) {
        const messageId = `<docket.digest.${createHash('sha256')
          .update(JSON.stringify(['digest', facility, date, role, recipient.id]))
          .digest('hex')
          .slice(0, 40)}@${deps.config.messageIdDomain}>`;
        const earlier = await deps.ledger.find(messageId);
        if (earlier) {
          messages.push({ role, recipientId: recipient.id, items: mine.length, status: 'already-sent' });
          continue;
        }
        const view = viewOf(facility, date, role, mine, cal.zone, recipient.id, now);
        const sentAt = new Date(now.toMillis());
        await deps.mailer.sendMail({
          from: deps.config.from,
          to: recipient.name ? { name: recipient.name, address: recipient.email } : recipient.email,
          messageId,
          date: sentAt,
          subject: `Docket morning digest: ${facility}, ${date}: ${mine.length} deadline${mine.length === 1 ? '' : 's'}`,
          text: text(view),
          html: html(view),
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Docket-Notice-Kind': 'digest' },
        });
        await deps.ledger.record({
          messageId,
          workflowId: activity?.info.workflowExecution?.workflowId ?? `digest-${facility}`,
          noticeKey: `digest/${date}`,
          kind: 'digest',
          recipientRole: role,
          recipientIds: [recipient.id],
          rejectedCount: 0,
          sentAt: sentAt.toISOString(),
          acceptedAt: new Date().toISOString(),
        });
        messages.push({ role, recipientId: recipient.id, items: mine.length, status: 'sent' });
      }
    }
    log.info({ messages: messages.length, items: items.length }, 'morning digest sent');
    return { date, status: 'sent', messages };
  }

  /** The template's view for one recipient: links are signed for them alone. */
  function viewOf(
    facility: string,
    date: string,
    role: string,
    items: Item[],
    zone: string,
    recipientId: string,
    now: DateTime,
  ) {
    const { ackBaseUrl, ackLinkKey } = deps.config;
    const ttlMs = (deps.config.ackLinkTtlDays ?? 7) * DAY_MS;
    const linkFor = (item: Item): string | null => {
      if (ackBaseUrl === undefined || ackLinkKey === undefined) return null;
      if (!staffIdSchema.safeParse(recipientId).success) return null;
      const url = new URL(ackBaseUrl);
      url.searchParams.set(
        't',
        signAckLink(
          {
            workflowId: item.workflowId,
            deadline: item.key,
            recipientId,
            noticeKey: `digest/${date}`,
            expiresAt: new Date(now.toMillis() + ttlMs),
          },
          ackLinkKey,
        ),
      );
      return url.toString();
    };
    const line = (item: Item) => ({
      caseNumber: item.caseNumber,
      key: item.key,
      due: DateTime.fromISO(item.dueAt).setZone(zone).toFormat('ccc d LLL HH:mm ZZZZ'),
      ackUrl: item.section === 'breached' ? linkFor(item) : null,
    });
    const byDue = (a: Item, b: Item) =>
      a.dueAt.localeCompare(b.dueAt) || a.caseNumber.localeCompare(b.caseNumber);
    const caseTypes = [...new Set(items.map((i) => i.caseType))].sort().map((caseType) => {
      const of = (section: Section) =>
        items
          .filter((i) => i.caseType === caseType && i.section === section)
          .sort(byDue)
          .map(line);
      return { caseType, today: of('today'), atRisk: of('atRisk'), breached: of('breached') };
    });
    return { facility, date, role, caseTypes };
  }

  return { sendFacilityDigest };
}

export type DigestActivities = ReturnType<typeof createDigestActivities>;
