// The pages behind the acknowledgement link in breach and escalation emails. Clicking a link must not
// change anything (mail scanners and link previews fetch every link), so GET /ack only shows a form;
// the acknowledgement itself is the form's POST, which needs a supervisor or administrator key.
// Pages show only what the link carried (opaque workflow ID, deadline key) and are served with a
// strict Content-Security-Policy: no scripts, no external assets, no framing.

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
    '<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}' +
    'label{display:block;margin:.75rem 0}input{font:inherit;width:100%;padding:.3rem}button{font:inherit;padding:.4rem 1rem}</style>' +
    `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`
  );
}

export interface AckLink {
  workflowId: string;
  deadline: string;
  notice?: string;
  caseType: string;
  caseNumber: string;
}

export function ackFormPage(link: AckLink): string {
  const hidden = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`;
  return page(
    'Acknowledge a breach alert',
    `<p>Deadline <code>${escapeHtml(link.deadline)}</code> of ${escapeHtml(link.caseType)} <code>${escapeHtml(link.caseNumber)}</code> was missed.` +
      ' Acknowledging records who took charge and stops further alerts and escalations for it.</p>' +
      '<form method="post" action="ack">' +
      hidden('workflowId', link.workflowId) +
      hidden('deadline', link.deadline) +
      hidden('notice', link.notice) +
      '<label>Your staff ID <input name="by" required autocomplete="username" pattern="[A-Za-z0-9][A-Za-z0-9._\\-]{0,39}"></label>' +
      '<label>Supervisor API key <input type="password" name="token" required autocomplete="current-password"></label>' +
      '<button type="submit">Acknowledge</button></form>',
  );
}

export function ackDonePage(link: AckLink, by: string): string {
  return page(
    'Alert acknowledged',
    `<p>The breach alert for <code>${escapeHtml(link.deadline)}</code> of ${escapeHtml(link.caseType)} <code>${escapeHtml(link.caseNumber)}</code> is acknowledged by <code>${escapeHtml(by)}</code>. No further alerts will be sent for it.</p>`,
  );
}

export function ackErrorPage(code: string, message: string): string {
  return page(
    'The alert was not acknowledged',
    `<p>${escapeHtml(message)}</p><p><small>Code: <code>${escapeHtml(code)}</code></small></p>`,
  );
}
