// A record of the Message-IDs the SMTP relay has accepted, consulted before every send.
//
// Why it exists: Temporal retries an activity whose attempt did not complete, including one whose
// SMTP transaction had already ended in "250 accepted" when the worker crashed, timed out or lost
// its connection to the server. Without a record of that 250 the retry would mail the same notice a
// second time. The deterministic Message-ID makes the duplicate recognisable, but a plain mailbox
// still shows it twice, so the activity checks this ledger and skips the SMTP session instead.
//
// Only the window between the relay's 250 and the ledger write stays open; see notifications.ts.
import { fdatasync, openSync, writeSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface SentRecord {
  messageId: string;
  workflowId: string;
  noticeKey: string;
  kind: string;
  /** Directory role that received it (after escalation). */
  recipientRole: string;
  /** Opaque staff IDs: never names or addresses. */
  recipientIds: string[];
  rejectedCount: number;
  /** The requested escalation level was above the top of the chain. */
  escalationCapped?: boolean;
  /** The message's Date header (ISO). */
  sentAt: string;
  /** ISO instant the relay accepted the message (worker clock). */
  acceptedAt: string;
}

export interface SentLedger {
  find(messageId: string): Promise<SentRecord | undefined>;
  /** Must be durable when it resolves: a retry after a crash relies on it. */
  record(entry: SentRecord): Promise<void>;
}

/** For tests and single-process tools: forgets everything when the process ends. */
export function createMemorySentLedger(): SentLedger & { records(): SentRecord[] } {
  const byId = new Map<string, SentRecord>();
  return {
    find: async (messageId) => byId.get(messageId),
    record: async (entry) => {
      byId.set(entry.messageId, entry);
    },
    records: () => [...byId.values()],
  };
}

/**
 * A JSON-lines file (one SentRecord a line), appended and fsynced per accepted message. Workers on
 * the same host may share the file: a miss re-reads whatever other processes appended since the
 * last read before answering, so a retry that lands on a sibling process still finds the record.
 * Workers on different hosts do not share it; the activity's heartbeat details cover that case.
 *
 * Growth: about 300 bytes a notice. Records are only needed while Temporal may still retry the
 * activity (its schedule-to-close timeout), so the file can be rotated offline at any quiet time.
 */
export async function openFileSentLedger(path: string): Promise<SentLedger> {
  await mkdir(dirname(path), { recursive: true });
  const byId = new Map<string, SentRecord>();
  let readOffset = 0;

  const catchUp = async (): Promise<void> => {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const { size } = await handle.stat();
      if (size <= readOffset) return;
      const chunk = Buffer.alloc(size - readOffset);
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, readOffset);
      // Only consume complete lines: a line another process is still appending is read next time.
      const end = chunk.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (end < 0) return;
      for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          const entry = JSON.parse(line) as SentRecord;
          if (typeof entry.messageId === 'string') byId.set(entry.messageId, entry);
        } catch {
          // A torn line from a crash mid-append: its record was never acknowledged, so skip it.
        }
      }
      readOffset += end + 1;
    } finally {
      await handle.close();
    }
  };

  await catchUp();

  let appendFd: number | undefined;
  let flushing: Promise<void> | undefined;
  let flushAgain: Promise<void> | undefined;
  /** One fdatasync covers every write before it; a write made during a flush waits for the next one. */
  const flush = (): Promise<void> => {
    if (!flushing) {
      const fd = appendFd as number;
      flushing = new Promise<void>((resolve, reject) =>
        fdatasync(fd, (err) => (err ? reject(err) : resolve())),
      ).finally(() => {
        flushing = undefined;
      });
      return flushing;
    }
    flushAgain ??= flushing
      .catch(() => undefined)
      .then(() => {
        flushAgain = undefined;
        return flush();
      });
    return flushAgain;
  };

  return {
    async find(messageId) {
      const known = byId.get(messageId);
      if (known) return known;
      await catchUp();
      return byId.get(messageId);
    },
    async record(entry) {
      // Written synchronously, at once: once the relay has said 250, the record must reach the file
      // before anything else can run, or a worker killed in between sends the message again. One
      // small write with O_APPEND lands whole between concurrent appenders; the leading newline
      // isolates it from a torn line left by a crash mid-append (blank lines are skipped).
      appendFd ??= openSync(path, 'a');
      writeSync(appendFd, `\n${JSON.stringify(entry)}\n`);
      // A killed process cannot lose what the kernel has; a machine crash can, so the record is also
      // flushed to disk before the activity reports success. Concurrent records share one flush.
      await flush();
      byId.set(entry.messageId, entry);
    },
  };
}
