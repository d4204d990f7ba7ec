// A lean SMTP receiver for the benchmarks. It speaks real SMTP (smtp-server, the same server library the
// tests use) on 127.0.0.1, and for every message records only the instant it accepted it and a few
// headers read from the header block: no MIME parsing, no raw bodies kept.
//
// Why not test/helpers/smtp.ts: that receiver parses every message with mailparser (text, HTML and the
// .ics part) and stamps `receivedAt` after the parse, in the same event loop. During a burst of
// thousands of notices on a 2-core machine the parse backlog would delay the stamps and bill the
// receiver's own CPU to Docket's lateness; it also keeps every raw message in memory (10,000 × ~15 KB).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SinkMessage {
  /** Date.now() when the receiver decided to accept the message, just before its 250 reply. */
  acceptedAtMs: number;
  messageId: string | undefined;
  /** X-Docket-Notice-Kind / X-Docket-Notice-Key (Docket's notices), or the bench's own headers. */
  kind: string | undefined;
  noticeKey: string | undefined;
  to: string[];
  bytes: number;
}

export interface SmtpSink {
  port: number;
  messages: SinkMessage[];
  /** Resolves once `count` messages satisfy `filter`, or at `timeoutMs` (resolving false). */
  waitFor(count: number, filter: (m: SinkMessage) => boolean, timeoutMs: number): Promise<boolean>;
  clear(): void;
  close(): Promise<void>;
}

const WANTED = ['message-id', 'x-docket-notice-kind', 'x-docket-notice-key'] as const;

/** Reads the wanted headers from the header block (unfolding continuation lines); ignores the body. */
export function scanHeaders(raw: Buffer): Partial<Record<(typeof WANTED)[number], string>> {
  const end = raw.indexOf('\r\n\r\n');
  const block = raw.subarray(0, end < 0 ? raw.length : end).toString('latin1');
  const found: Partial<Record<(typeof WANTED)[number], string>> = {};
  for (const line of block.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase() as (typeof WANTED)[number];
    if ((WANTED as readonly string[]).includes(name) && found[name] === undefined) {
      found[name] = line.slice(colon + 1).trim();
    }
  }
  return found;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: SinkMessage[] = [];
  const waiters = new Set<() => void>();
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    disableReverseLookup: true,
    logger: false,
    // Many notices arrive at once, each on its own connection (Docket's transport does not pool).
    maxClients: 10_000,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers = scanHeaders(raw);
        messages.push({
          acceptedAtMs: Date.now(),
          messageId: headers['message-id'],
          kind: headers['x-docket-notice-kind'],
          noticeKey: headers['x-docket-notice-key'],
          to: session.envelope.rcptTo.map((r) => r.address),
          bytes: raw.length,
        });
        callback(null, 'accepted');
        for (const wake of [...waiters]) wake();
      });
    },
  });
  server.on('error', () => undefined); // a client that hangs up mid-session is not the receiver's problem
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    port,
    messages,
    waitFor(count, filter, timeoutMs) {
      return new Promise((resolve) => {
        let seen = 0;
        let scanned = 0;
        const check = (): boolean => {
          for (; scanned < messages.length; scanned++) if (filter(messages[scanned] as SinkMessage)) seen++;
          if (seen < count) return false;
          finish(true);
          return true;
        };
        const finish = (ok: boolean) => {
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(ok);
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => finish(false), timeoutMs);
        waiters.add(wake);
        check();
      });
    },
    clear() {
      messages.length = 0;
    },
    close() {
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
