// A real SMTP receiver for tests: smtp-server listening on 127.0.0.1 on an ephemeral port, every
// message parsed with mailparser. Tests send through a real nodemailer SMTP transport to it, so
// what they check is what a relay would have received, including the raw bytes.
//
// It can be told how to answer the next messages: a reply code at the end of DATA (451, 550...), at
// RCPT TO, or "take the whole message, then drop the connection before the reply", which is the
// moment where a sender cannot know whether its message went through.
import type { AddressInfo, Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMessage {
  /** How the receiver answered: `accepted` (250) or `dropped` (received in full, connection cut before the reply). */
  outcome: 'accepted' | 'dropped';
  /** The instant the receiver decided to accept it (wall clock), just before the reply. */
  receivedAt: Date;
  envelope: { from: string | undefined; to: string[] };
  /** The message exactly as the client sent it. */
  raw: Buffer;
  parsed: ParsedMail;
  /** From the parsed headers, with angle brackets, e.g. `<docket.ab12...@docket.example.org>`. */
  messageId: string | undefined;
  subject: string;
  text: string;
  html: string;
  attachments: ParsedMail['attachments'];
  /** Lower-cased header name → first value as text. */
  header(name: string): string | undefined;
}

export interface RejectedMessage {
  code: number;
  stage: 'rcpt' | 'data';
  envelope: { from: string | undefined; to: string[] };
  messageId: string | undefined;
}

type Plan = { kind: 'reply'; code: number; message: string; stage: 'rcpt' | 'data' } | { kind: 'drop' };

export interface SmtpReceiverOptions {
  /** Require AUTH with these credentials (PLAIN/LOGIN over the plain connection); others get 535. */
  auth?: { user: string; pass: string };
  /** Listen on this port (a relay coming back where it was); an ephemeral port by default. */
  port?: number;
}

export interface SmtpReceiver {
  readonly host: string;
  readonly port: number;
  /** Every message received in full, in order (accepted and dropped). */
  readonly messages: readonly ReceivedMessage[];
  readonly rejected: readonly RejectedMessage[];
  /**
   * Messages received in full whose client was gone before the reply: like a real relay, the
   * receiver does not take responsibility for them (no 250 was sent), so they are not in `messages`.
   */
  readonly abandoned: readonly ReceivedMessage[];
  /** Sessions between MAIL FROM and the reply to their DATA: messages in flight. */
  inFlight(): number;
  /**
   * Sessions past their DATA command and not yet answered: the client may already have sent the
   * whole message, so a sender killed now may leave the relay holding a message it never heard of.
   */
  receivingData(): number;
  /** Hold each RCPT TO reply this long (0: answer at once), keeping sessions in flight before DATA. */
  holdRcpt(ms: number): void;
  /**
   * Runs right after the receiver answered 250 to a message (in the same tick), e.g. to kill the
   * sender at the one moment it cannot know whether it is safe. Undefined removes the hook.
   */
  onAccepted(hook: ((message: ReceivedMessage) => void) | undefined): void;
  /** Nodemailer SMTP transport options that reach this receiver. */
  transportOptions(): {
    host: string;
    port: number;
    secure: false;
    ignoreTLS: true;
    auth?: { user: string; pass: string };
  };
  /** Answer the next `count` messages with `code` (e.g. 451, 550) at the end of DATA, or at RCPT TO. */
  replyNext(code: number, count?: number, options?: { stage?: 'rcpt' | 'data'; message?: string }): void;
  /** Receive the next `count` messages in full, then cut the connection before sending the reply. */
  dropNext(count?: number): void;
  /** Resolves with the first `n` messages once that many have been received (accepted or dropped). */
  waitForMessages(n: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
  byMessageId(messageId: string): ReceivedMessage[];
  clear(): void;
  close(): Promise<void>;
}

function headerText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return headerText(value[0]);
  if (typeof value === 'object' && 'text' in value && typeof value.text === 'string') return value.text;
  if (typeof value === 'object' && 'value' in value) return headerText(value.value);
  return String(value);
}

function envelopeOf(session: SMTPServerSession): { from: string | undefined; to: string[] } {
  const from = session.envelope.mailFrom;
  return {
    from: from === false ? undefined : from.address,
    to: session.envelope.rcptTo.map((r) => r.address),
  };
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpReceiver(options: SmtpReceiverOptions = {}): Promise<SmtpReceiver> {
  const messages: ReceivedMessage[] = [];
  const rejected: RejectedMessage[] = [];
  const abandoned: ReceivedMessage[] = [];
  const inFlight = new Set<string>();
  const inData = new Set<string>();
  let rcptHoldMs = 0;
  let acceptedHook: ((message: ReceivedMessage) => void) | undefined;
  const plans: Plan[] = [];
  const waiters = new Set<() => void>();
  // Sockets by client port, so a session can be cut from inside onData (smtp-server has no public way).
  const sockets = new Map<number, Socket>();

  const notify = (): void => {
    for (const wake of [...waiters]) wake();
  };

  const answerRcpt = (session: SMTPServerSession, callback: (err?: Error | null) => void): void => {
    const plan = plans[0];
    if (plan?.kind === 'reply' && plan.stage === 'rcpt') {
      plans.shift();
      rejected.push({
        code: plan.code,
        stage: 'rcpt',
        envelope: envelopeOf(session),
        messageId: undefined,
      });
      callback(smtpError(plan.code, plan.message));
      return;
    }
    callback();
  };

  const server = new SMTPServer({
    // No TLS in tests: nodemailer would otherwise upgrade and reject the self-signed certificate.
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      const ok = options.auth && auth.username === options.auth.user && auth.password === options.auth.pass;
      if (ok) callback(null, { user: auth.username });
      else callback(smtpError(535, 'Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      inFlight.add(session.id);
      callback();
    },
    onClose(session) {
      inFlight.delete(session.id);
      inData.delete(session.id);
    },
    onRcptTo(_address, session, callback) {
      if (rcptHoldMs > 0) setTimeout(() => answerRcpt(session, callback), rcptHoldMs);
      else answerRcpt(session, callback);
    },
    onData(stream, session, dataCallback) {
      inData.add(session.id);
      const callback = (err: Error | null, message?: string): void => {
        inData.delete(session.id);
        dataCallback(err, message);
      };
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const envelope = envelopeOf(session);
        void simpleParser(raw).then(
          (parsed) => {
            const messageId = parsed.messageId;
            const next = plans[0];
            const plan = next && (next.kind === 'drop' || next.stage === 'data') ? plans.shift() : undefined;
            if (plan?.kind === 'reply') {
              rejected.push({ code: plan.code, stage: 'data', envelope, messageId });
              notify();
              callback(smtpError(plan.code, plan.message));
              return;
            }
            const message: ReceivedMessage = {
              outcome: plan?.kind === 'drop' ? 'dropped' : 'accepted',
              receivedAt: new Date(),
              envelope,
              raw,
              parsed,
              messageId,
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: parsed.html || '',
              attachments: parsed.attachments,
              header: (name) => headerText(parsed.headers.get(name.toLowerCase())),
            };
            const socket = sockets.get(session.remotePort);
            if (plan?.kind !== 'drop' && (!socket || socket.destroyed)) {
              // The client left before the reply: no 250 was sent, so the message was never accepted.
              abandoned.push(message);
              inFlight.delete(session.id);
              callback(smtpError(421, 'client gone'));
              return;
            }
            messages.push(message);
            notify();
            if (plan?.kind === 'drop') {
              // The message is in; the client never hears so. The callback is never called.
              sockets.get(session.remotePort)?.destroy();
              return;
            }
            callback(null, 'Message accepted');
            inFlight.delete(session.id);
            acceptedHook?.(message);
          },
          (err: unknown) => callback(smtpError(554, `unparseable message: ${(err as Error).message}`)),
        );
      });
    },
  });
  server.on('error', () => undefined); // a client cut mid-session is expected in these tests

  server.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    sockets.set(port, socket);
    socket.on('close', () => sockets.delete(port));
  });

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;

  return {
    host: '127.0.0.1',
    port,
    messages,
    rejected,
    abandoned,
    inFlight: () => inFlight.size,
    receivingData: () => inData.size,
    holdRcpt(ms) {
      rcptHoldMs = ms;
    },
    onAccepted(hook) {
      acceptedHook = hook;
    },
    transportOptions: () => ({
      host: '127.0.0.1',
      port,
      secure: false,
      ignoreTLS: true,
      ...(options.auth ? { auth: { ...options.auth } } : {}),
    }),
    replyNext(code, count = 1, opts = {}) {
      const message =
        opts.message ?? (code >= 500 ? 'Requested action not taken: mailbox unavailable' : 'Try again later');
      for (let i = 0; i < count; i++)
        plans.push({ kind: 'reply', code, message, stage: opts.stage ?? 'data' });
    },
    dropNext(count = 1) {
      for (let i = 0; i < count; i++) plans.push({ kind: 'drop' });
    },
    waitForMessages(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (messages.length < n) return false;
          waiters.delete(wake);
          clearTimeout(timer);
          resolve(messages.slice(0, n));
          return true;
        };
        const wake = (): void => void check();
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(
            new Error(`SMTP receiver: waited ${timeoutMs} ms for ${n} message(s), got ${messages.length}`),
          );
        }, timeoutMs);
        waiters.add(wake);
        check();
      });
    },
    byMessageId: (messageId) => messages.filter((m) => m.messageId === messageId),
    clear() {
      messages.length = 0;
      rejected.length = 0;
      abandoned.length = 0;
      plans.length = 0;
    },
    close() {
      return new Promise((resolve) => {
        for (const socket of sockets.values()) socket.destroy();
        server.close(() => resolve());
      });
    },
  };
}
