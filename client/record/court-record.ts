// The court-ready record of one case: what DocketClient.getCase reads (from the case's workflow, or
// from the records archive once Temporal no longer has it) arranged as a court or an auditor reads
// it, and rendered as a self-contained HTML document for printing to PDF. Each event with who
// recorded it and when; each deadline with its rule, source, due time, explanation and outcome (met
// and when, extended by whom and why, breached, acknowledged); each notice with its Message-ID; each
// proof of service. The same derivations as the archive's own record (activities/archive.ts), so a
// live case and an archived one read alike.
import {
  deadlineOutcome,
  noticesOf,
  type ArchivedNotice,
  type DeadlineOutcome,
} from '../../activities/archive';
import type { ServiceTask } from '../../workflows/case-messages';
import type { DeadlineView, TimelineEvent } from '../../workflows/deadlines';
import type { CaseRecord } from '../cases';
import { caseTypeDefinition, type CaseType } from '../case-types';

export interface CourtRecord {
  caseType: CaseType;
  caseNumber: string;
  title: string;
  record: CaseRecord;
  deadlines: Array<DeadlineView & { outcome: DeadlineOutcome }>;
  notices: ArchivedNotice[];
  serviceTasks: ServiceTask[];
  /** When the document was produced, and by whom (an API key's ID, or the CLI's operator). */
  generatedAt: string;
  generatedBy: string;
}

export function courtRecord(
  caseType: CaseType,
  caseNumber: string,
  record: CaseRecord,
  options: { messageIdDomain: string; generatedBy: string; now?: Date },
): CourtRecord {
  const definition = caseTypeDefinition(caseType);
  return {
    caseType,
    caseNumber,
    title: definition.title,
    record,
    deadlines: record.schedule.deadlines.map((d) => ({ ...d, outcome: deadlineOutcome(d) })),
    notices: noticesOf(definition.workflowId(caseNumber), record.timeline, options.messageIdDomain),
    serviceTasks: record.schedule.serviceTasks,
    generatedAt: (options.now ?? new Date()).toISOString(),
    generatedBy: options.generatedBy,
  };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const cell = (value: string | number | boolean | undefined | null): string =>
  value === undefined || value === null || value === ''
    ? '<td class="none">—</td>'
    : `<td>${escapeHtml(String(value))}</td>`;

const table = (headers: string[], rows: string[][], empty: string): string =>
  rows.length === 0
    ? `<p class="none">${escapeHtml(empty)}</p>`
    : `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
        .map((r) => `<tr>${r.join('')}</tr>`)
        .join('')}</tbody></table>`;

/** An instant or an identifier a reader copies whole (a Message-ID): never broken across lines. */
const whole = (value: string): string => `<td class="t">${escapeHtml(value)}</td>`;

function eventRows(timeline: TimelineEvent[]): string[][] {
  return timeline.map((e) => [whole(e.at), cell(e.type), cell(e.actor ?? 'Docket'), cell(e.detail)]);
}

const OUTCOME_TEXT: Record<DeadlineOutcome, string> = {
  'met-on-time': 'met on time',
  'met-late': 'met late',
  extended: 'extended',
  tolled: 'tolled',
  waived: 'waived',
  breached: 'BREACHED',
  acknowledged: 'BREACHED (alert acknowledged)',
  open: 'open',
  'lower-bound': 'earliest allowed time',
};

function deadlineBlock(d: CourtRecord['deadlines'][number]): string {
  const facts: Array<[string, string | undefined]> = [
    ['Rule', d.rule],
    ['Source', d.source],
    [d.kind === 'lowerBound' ? 'Not before' : 'Due', `${d.localText} (${d.dueAt ?? d.earliest ?? '—'})`],
    ['Responsible', d.responsibleRole],
    ['Explanation', d.explanation],
    ['Outcome', OUTCOME_TEXT[d.outcome]],
    ['Met at', d.metAt],
    ['Breached at', d.breachedAt],
    ['Alert acknowledged', d.acknowledged ? `by ${d.acknowledged.by} at ${d.acknowledged.at}` : undefined],
    ['Tolled', d.tolled],
  ];
  const extensions = d.extensions.map(
    (x) =>
      `Extended to ${x.dueAt} by ${x.approvedBy} (${x.approverRole}) at ${x.grantedAt}: ${x.reason}` +
      (x.overrideAuthority ? ` — past the cap on the authority of ${x.overrideAuthority}` : ''),
  );
  const rows = [...facts, ...extensions.map((text): [string, string] => ['Extension', text])]
    .filter((row): row is [string, string] => row[1] !== undefined)
    .map(([label, value]) => `<tr><th>${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`);
  return `<section class="deadline"><h3>${escapeHtml(d.key)} — ${escapeHtml(OUTCOME_TEXT[d.outcome])}</h3><table class="facts">${rows.join('')}</table></section>`;
}

function serviceRows(tasks: ServiceTask[]): string[][] {
  return tasks.map((t) => [
    cell(t.task),
    cell(t.document),
    cell(t.to),
    cell(t.dueAt),
    cell(
      t.proof
        ? `served by ${t.proof.servedBy} at ${t.proof.at}, ${t.proof.method}${t.proof.refused ? ', refused' : ''}${t.proof.note ? ` (${t.proof.note})` : ''}`
        : 'not served yet',
    ),
  ]);
}

/** A self-contained page (no script, no external asset) for Chromium to print. */
export function renderCourtRecordHtml(r: CourtRecord): string {
  const view = r.record.schedule;
  const source =
    r.record.source === 'live'
      ? 'the case’s workflow in Temporal (live)'
      : `the records archive (Temporal no longer has the workflow); archived ${r.record.archive?.archivedAt ?? '—'}, kept until ${r.record.archive?.retainUntil ?? '—'}${r.record.archive?.legalHold ? ', under legal hold' : ''}`;
  const header: Array<[string, string]> = [
    ['Case', `${r.caseType} ${r.caseNumber}`],
    ['Facility', view.facility],
    ['Policy', `${view.policyId} version ${view.policyVersion}`],
    ['Stage', `${view.stage}${view.closed ? ` (closed${view.outcome ? `: ${view.outcome}` : ''})` : ''}`],
    ['Deadline state', view.deadlineState],
    ['Source', source],
    ['Produced', `${r.generatedAt} by ${r.generatedBy}`],
  ];
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Case record ${escapeHtml(r.caseNumber)}</title>
<style>
body{font:10pt/1.35 "DejaVu Sans",Arial,sans-serif;color:#000;margin:0}
h1{font-size:15pt;margin:0 0 2pt}h2{font-size:12pt;margin:14pt 0 4pt;border-bottom:1px solid #000}
h3{font-size:10.5pt;margin:8pt 0 2pt}
table{border-collapse:collapse;width:100%;margin:2pt 0;font-size:8.5pt}th,td{border:1px solid #888;padding:2pt 4pt;text-align:left;vertical-align:top;overflow-wrap:anywhere}
td.t{white-space:nowrap;overflow-wrap:normal}
thead{display:table-header-group}tr,section.deadline{break-inside:avoid}
table.facts th{width:22%;background:#f2f2f2}.none{color:#555}.sub{color:#333;margin:0 0 8pt}
</style></head><body>
<h1>Case record: ${escapeHtml(r.caseType)} ${escapeHtml(r.caseNumber)}</h1>
<p class="sub">${escapeHtml(r.title)}</p>
<table class="facts">${header.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>
<h2>Events</h2>
${table(['When (UTC)', 'Event', 'Recorded by', 'Detail'], eventRows(r.record.timeline), 'No events recorded.')}
<h2>Deadlines</h2>
${r.deadlines.length === 0 ? '<p class="none">No deadlines.</p>' : r.deadlines.map(deadlineBlock).join('')}
<h2>Notices</h2>
<p class="sub">A notice whose emails carry acknowledgement links goes as one message per recipient, each under a Message-ID derived from the notice's and the recipient's staff ID.</p>
${table(
  ['When (UTC)', 'Notice', 'Kind', 'To (role)', 'Status', 'Message-ID'],
  r.notices.map((n) => [
    whole(n.at),
    cell(n.noticeKey),
    cell(n.kind),
    cell(n.role),
    cell(
      n.status === 'sent'
        ? `sent${n.recipients !== undefined ? ` to ${n.recipients}` : ''}`
        : `failed: ${n.detail}`,
    ),
    whole(n.messageId),
  ]),
  'No notices.',
)}
<h2>Proofs of service</h2>
${table(['Task', 'Document', 'To', 'Due', 'Proof'], serviceRows(r.serviceTasks), 'No notices owed to someone without email.')}
</body></html>`;
}
