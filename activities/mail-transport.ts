// The nodemailer SMTP transport for the notice activities, with timeouts that fit inside an
// activity attempt. Nodemailer's defaults (2 min to connect, 10 min of socket inactivity) outlast
// a typical start-to-close timeout, so an attempt would be killed by Temporal mid-session instead
// of failing cleanly with a retryable ETIMEDOUT.
import nodemailer from 'nodemailer';
import type { MailSender } from './notifications';

export interface MailTransportOptions {
  host: string;
  port: number;
  /** Implicit TLS (port 465). Otherwise STARTTLS is used when the relay offers it. */
  secure?: boolean;
  /** Refuse to send unless the relay upgrades to TLS. */
  requireTLS?: boolean;
  /** Never upgrade (a local test inbox without TLS). */
  ignoreTLS?: boolean;
  auth?: { user: string; pass: string };
  /** Per-step timeouts in ms; keep their sum below the activity's start-to-close timeout. */
  timeoutsMs?: { connection?: number; greeting?: number; socket?: number; dns?: number };
}

export function createMailTransport(
  options: MailTransportOptions,
): MailSender & { close(): void; verify(): Promise<true> } {
  const t = options.timeoutsMs ?? {};
  return nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure ?? false,
    requireTLS: options.requireTLS ?? false,
    ignoreTLS: options.ignoreTLS ?? false,
    auth: options.auth,
    connectionTimeout: t.connection ?? 10_000,
    greetingTimeout: t.greeting ?? 10_000,
    socketTimeout: t.socket ?? 30_000,
    dnsTimeout: t.dns ?? 10_000,
    // One connection per message: no pooled connection can carry a half-finished session from a
    // cancelled attempt into the next one.
    pool: false,
  });
}
