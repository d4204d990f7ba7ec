// The pages behind the acknowledgement link in breach and escalation emails. The link carries a
// token signed for one case, one deadline and one recipient (activities/ack-link.ts), so the
// supervisor types nothing: no key, no staff ID. Opening the link must not change anything (mail
// scanners and link previews fetch every link), so GET /ack only shows what would be acknowledged and
// one button; the acknowledgement itself is that button's form POST. Pages show only opaque codes
// (case type and number, deadline key, staff ID) and are served with a strict Content-Security-Policy:
// no scripts, no external assets, no framing, and no Referer that could carry the token elsewhere.

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const HTML_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

function page(title: string, body: string): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}' +
    'dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{color:#555}dd{margin:0}' +
    'button{font:inherit;padding:.4rem 1.2rem}</style>' +
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

/** What a verified link names, with the case it resolves to. */
export interface AckLinkView {
  caseType: string;
  caseNumber: string;
  deadline: string;
  recipientId: string;
}

/** What the case itself says about the deadline, when the case answered in time. */
export interface AckDeadlineState {
  /** Local due time with its zone, e.g. "2026-12-09 23:59 CST". */
  localText?: string;
}

const code = (text: string): string => `<code>${escapeHtml(text)}</code>`;

function facts(link: AckLinkView, state: AckDeadlineState | undefined): string {
  return (
    '<dl>' +
    `<dt>Case type</dt><dd>${escapeHtml(link.caseType)}</dd>` +
    `<dt>Case number</dt><dd>${code(link.caseNumber)}</dd>` +
    `<dt>Deadline</dt><dd>${code(link.deadline)}</dd>` +
    (state?.localText ? `<dt>Was due</dt><dd>${escapeHtml(state.localText)}</dd>` : '') +
    `<dt>Acknowledged as</dt><dd>${code(link.recipientId)} (your staff ID)</dd>` +
    '</dl>'
  );
}

/** The page the link opens: what will be acknowledged, and one button that posts the token. */
export function ackFormPage(link: AckLinkView, token: string, state: AckDeadlineState | undefined): string {
  return page(
    'Acknowledge a missed deadline',
    `<p>This records that you have taken charge of the missed deadline below. Its repeated alerts and escalations then stop.</p>` +
      facts(link, state) +
      // Relative action: the form posts back to wherever this page is served, behind any path prefix.
      '<form method="post" action="ack">' +
      `<input type="hidden" name="t" value="${escapeHtml(token)}">` +
      '<button type="submit">Acknowledge</button></form>',
  );
}

export function ackDonePage(link: AckLinkView, acknowledgedAt: string | undefined): string {
  return page(
    'Acknowledged',
    `<p>Acknowledged: the alert for deadline ${code(link.deadline)} of ${escapeHtml(link.caseType)} ${code(link.caseNumber)} ` +
      `is recorded as acknowledged by ${code(link.recipientId)}${acknowledgedAt ? ` at ${escapeHtml(acknowledgedAt)}` : ''}. ` +
      'No further alerts or escalations will be sent for it.</p>',
  );
}

export function ackErrorPage(errorCode: string, message: string): string {
  return page(
    'Nothing was acknowledged',
    `<p>${escapeHtml(message)}</p><p><small>Code: ${code(errorCode)}</small></p>`,
  );
}
