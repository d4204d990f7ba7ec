// Shared set-up for the notification tests: schedule entries like the domain layer produces, a
// private copy of the sample directory, a log capture, and the activities wired to a real SMTP
// receiver: as a worker registers them, and as one attempt each in an activity context.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import type { DeadlineScheduleEntry, ScheduleEntry } from '../../../domain/types';
import { watchDirectoryFile, type DirectorySource } from '../../../activities/directory';
import { createMailTransport } from '../../../activities/mail-transport';
import {
  createNotificationActivities,
  type NoticeRequest,
  type NotificationActivities,
} from '../../../activities/notifications';
import { createMemorySentLedger, type SentLedger } from '../../../activities/sent-ledger';
import { asAttempts } from '../../helpers/activity-attempt';
import type { ReceivedMessage, SmtpReceiver } from '../../helpers/smtp';

export const SAMPLE_DIRECTORY = path.join(__dirname, '..', '..', '..', 'config', 'directory.yaml');
export const MESSAGE_ID_DOMAIN = 'docket.test.example.org';
export const ADMIN_FALLBACK = 'docket-admins@agency.example.org';
/** Signs the acknowledgement links when a test configures `ackBaseUrl`. */
export const ACK_LINK_KEY = randomBytes(32);

/** RTS response at LARC: 10 working days from Monday 2026-11-23, skipping Thanksgiving and the day after. */
export function rtsResponseEntry(overrides: Partial<DeadlineScheduleEntry> = {}): DeadlineScheduleEntry {
  return {
    key: 'rts.response',
    kind: 'deadline',
    rule: 'Staff respond in writing within 10 working days of receipt',
    source: { kind: 'seed', file: '002_5a28f52881808cb3.txt', document: 'OP-090124', section: 'III.E.10.b' },
    sourceText: 'OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)',
    responsibleRole: 'rts.responder',
    action: 'Respond in writing to the Request to Staff',
    anchorEvent: 'Request to Staff received',
    anchorAt: '2026-11-23T10:15:00.000-06:00',
    limit: { amount: 10, unit: 'workingDays' },
    calendar: 'us-ok-state',
    zone: 'America/Chicago',
    dueAt: '2026-12-09T23:59:59.999-06:00',
    localText: '2026-12-09 23:59 CST',
    explanation: {
      summary:
        '10 working days after 2026-11-23 (day 0), skipping weekends and 2026-11-26 Thanksgiving Day, 2026-11-27 Day after Thanksgiving',
      skipped: [
        { date: '2026-11-26', reason: 'holiday', name: 'Thanksgiving Day' },
        { date: '2026-11-27', reason: 'holiday', name: 'Day after Thanksgiving' },
      ],
    },
    reminders: [
      { key: 'half-time', at: '2026-12-02T10:15:00.000-06:00' },
      { key: '1-working-day-before', at: '2026-12-08T23:59:59.999-06:00' },
    ],
    escalation: { cadenceHours: 24, maxLevels: 3 },
    extensions: [],
    ...overrides,
  };
}

/** Offense report service at LARC: 24 hours after acceptance (a service task: the inmate gets no email). */
/** The RTS response's half-time reminder to its responder at LARC, but for its workflow and send time. */
export function rtsReminder(): Omit<NoticeRequest, 'workflowId' | 'sentAt'> {
  return {
    noticeKey: 'rts.response/reminder/half-time/1',
    kind: 'reminder',
    facility: 'LARC',
    role: 'rts.responder',
    caseNumber: 'OK-2026-000123',
    caseType: 'inmate-grievance',
    entry: rtsResponseEntry(),
  };
}

export function reportServiceEntry(): ScheduleEntry {
  return {
    key: 'report.service',
    kind: 'deadline',
    rule: 'The offense report is served on the inmate within 24 hours after acceptance',
    source: { kind: 'seed', file: '002_5a28f52881808cb3.txt', document: 'OP-060125', section: 'IV.C.2' },
    sourceText: 'OP-060125 §IV.C.2 (seed 002_5a28f52881808cb3.txt)',
    responsibleRole: 'shift-supervisor',
    action: 'Serve the offense report on the inmate and record proof of service',
    anchorEvent: 'Offense report accepted',
    anchorAt: '2026-03-07T14:00:00.000-06:00',
    limit: { amount: 24, unit: 'hours' },
    calendar: 'us-ok-state',
    zone: 'America/Chicago',
    // 24 real hours across the spring-forward change: 15:00 CDT, not 14:00.
    dueAt: '2026-03-08T15:00:00.000-05:00',
    localText: '2026-03-08 15:00 CDT',
    explanation: {
      summary: '24 hours after 2026-03-07 14:00 CST (elapsed time, across the DST change)',
      skipped: [],
    },
    reminders: [],
    extensions: [],
  };
}

export interface LogCapture {
  logger: Logger;
  /** Everything written so far, one JSON object per line. */
  text(): string;
  lines(): Record<string, unknown>[];
}

export function captureLogs(level: 'info' | 'debug' = 'info'): LogCapture {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const logger = pino({ level }, sink);
  return {
    logger,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** A private, editable copy of the sample directory. */
export async function tempDirectory(): Promise<{ path: string; dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'docket-dir-'));
  const file = path.join(dir, 'directory.yaml');
  await copyFile(SAMPLE_DIRECTORY, file);
  return { path: file, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function editFile(file: string, edit: (text: string) => string): Promise<void> {
  const before = await readFile(file, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error('edit changed nothing');
  await writeFile(file, after);
}

export interface ActivitiesUnderTest {
  /** Each call is one first attempt in its own activity context (MockActivityEnvironment). */
  activities: NotificationActivities;
  /** The activities as the factory made them, for a worker to host (or `asAttempts` to run). */
  registered: NotificationActivities;
  ledger: SentLedger;
  logs: LogCapture;
  directory: DirectorySource;
}

export async function activitiesFor(
  receiver: SmtpReceiver,
  options: {
    directoryPath?: string;
    directory?: DirectorySource;
    ledger?: SentLedger;
    logLevel?: 'info' | 'debug';
    ackBaseUrl?: string;
    /** With `ackBaseUrl`: the signing key (ACK_LINK_KEY by default; null for none). */
    ackLinkKey?: Buffer | null;
    ackLinkTtlDays?: number;
    templatesDir?: string;
    /** Shared by several activity sets, e.g. one per host in a test of retries across hosts. */
    logs?: LogCapture;
    smtp?: ReturnType<SmtpReceiver['transportOptions']>;
  } = {},
): Promise<ActivitiesUnderTest> {
  const logs = options.logs ?? captureLogs(options.logLevel ?? 'info');
  const directory =
    options.directory ?? (await watchDirectoryFile(options.directoryPath ?? SAMPLE_DIRECTORY));
  const ledger = options.ledger ?? createMemorySentLedger();
  const registered = createNotificationActivities({
    mailer: createMailTransport({
      ...(options.smtp ?? receiver.transportOptions()),
      timeoutsMs: { connection: 3_000 },
    }),
    directory,
    ledger,
    logger: logs.logger,
    config: {
      from: '"Docket" <docket@agency.example.org>',
      adminFallback: ADMIN_FALLBACK,
      messageIdDomain: MESSAGE_ID_DOMAIN,
      ...(options.ackBaseUrl !== undefined
        ? {
            ackBaseUrl: options.ackBaseUrl,
            ackLinkKey: options.ackLinkKey === null ? undefined : (options.ackLinkKey ?? ACK_LINK_KEY),
            ...(options.ackLinkTtlDays !== undefined ? { ackLinkTtlDays: options.ackLinkTtlDays } : {}),
          }
        : {}),
      ...(options.templatesDir !== undefined ? { templatesDir: options.templatesDir } : {}),
    },
  });
  return { activities: asAttempts(registered), registered, ledger, logs, directory };
}

/** The iCalendar parts of a received message (nodemailer sends it as a text/calendar alternative and an .ics attachment). */
export function calendarParts(message: ReceivedMessage): ReceivedMessage['attachments'] {
  return message.attachments.filter(
    (a) => a.contentType.startsWith('text/calendar') || a.contentType.startsWith('application/ics'),
  );
}
