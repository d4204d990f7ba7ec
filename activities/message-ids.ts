// Deterministic identities of the mail Docket sends. Each derives from the workflow ID and the notice
// key only (never from time or chance), so every attempt of one notice builds the same message: the
// same Message-ID, the same MIME boundaries, the same calendar UID. That is what lets the sent ledger
// recognise a retry, and a relay or mail client collapse the one duplicate that can still happen.
import { createHash } from 'node:crypto';

function digest(parts: readonly string[]): string {
  // JSON of the parts, not concatenation: ("a/b", "c") and ("a", "b/c") must not collide.
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

const docketId = (parts: readonly string[], domain: string): string =>
  `<docket.${digest(parts).slice(0, 40)}@${domain}>`;

/** `<docket.<40 hex>@domain>`: derived from the workflow ID and notice key only, so every retry gets the same one. */
export function noticeMessageId(workflowId: string, noticeKey: string, domain: string): string {
  return docketId(['notice', workflowId, noticeKey], domain);
}

/** Message-ID of one recipient's own message of a notice sent one message per recipient. */
export function recipientMessageId(noticeMessageId: string, recipientId: string, domain: string): string {
  return docketId(['recipient', noticeMessageId, recipientId], domain);
}

/** Message-ID of the administrators' alert about the failed notice `noticeKey`. */
export function adminAlertMessageId(workflowId: string, noticeKey: string, domain: string): string {
  return docketId(['admin-alert', workflowId, noticeKey], domain);
}

/** The (virtual) root message every notice about one deadline is threaded under (References:). */
export function deadlineThreadId(workflowId: string, entryKey: string, domain: string): string {
  return docketId(['thread', workflowId, entryKey], domain);
}

/** Calendar UID of a deadline: one event per case and deadline key, updated by later notices. */
export function deadlineEventUid(workflowId: string, entryKey: string, domain: string): string {
  return `${digest(['deadline', workflowId, entryKey]).slice(0, 40)}@${domain}`;
}

/** MIME boundary base of a message (nodemailer picks random ones, which would change a retry's bytes). */
export function mimeBoundary(messageId: string): string {
  return digest(['boundary', messageId]).slice(0, 24);
}
