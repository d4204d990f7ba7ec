// Notice templates: one handlebars file per notice kind and part (subject, plain text, HTML), kept
// as files so compliance staff can change the wording without touching code. The views below
// (NoticeView, built from a request by deadlineView and contextView) are everything a template may
// show; templates only choose words and layout.
//
// Templates compile in strict mode, so a misspelt field ({{deadline.locl}}) is an error rather than
// a silently blank line in a legal notice. Every template set is rendered once against a complete
// sample view when it is loaded, so such a mistake stops the worker at start-up instead of failing
// a notice at 3 a.m.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import { formatLocalText, localWeekdayName } from '../domain/time';
import type { ScheduleEntry } from '../domain/types';
import { TEMPLATE_KINDS, type TemplateKind } from './notice-codes';
import type { ContextValue } from './notice-requests';

/** The deadline as a notice shows it. Every field is always present (null when it does not apply) for strict mode. */
export interface NoticeDeadline {
  key: string;
  isLowerBound: boolean;
  rule: string;
  /** Rendered citation, e.g. "OP-090124 §III.E.10.b (seed 002_5a28f52881808cb3.txt)". */
  source: string;
  action: string;
  responsibleRole: string;
  /** Due (or earliest) instant in the calendar's local time with its zone abbreviation: "2026-12-09 23:59 CST". */
  local: string;
  weekday: string;
  /** IANA zone, e.g. America/Chicago. */
  zone: string;
  /** The same instant as ISO-8601 with offset. */
  instant: string;
  calendar: string;
  anchorEvent: string;
  anchorLocal: string;
  explanation: string;
  extension: {
    previousLocal: string;
    reason: string;
    approverRole: string;
    overrideAuthority: string | null;
    grantedLocal: string;
  } | null;
  /** Whether an .ics file for this deadline is attached. */
  hasCalendarFile: boolean;
}

export interface NoticeView {
  kind: TemplateKind;
  workflowId: string;
  noticeKey: string;
  caseNumber: string;
  caseType: string;
  facility: { code: string; name: string };
  /** The role the notice is about (the role responsible for the step). */
  role: string;
  /** The role the message is addressed to (differs from `role` for breach and escalation notices). */
  recipientRole: string;
  escalationLevel: number | null;
  /** True when the requested escalation level was above the top of the directory's chain. */
  escalationCapped: boolean;
  deadline: NoticeDeadline | null;
  ackUrl: string | null;
  /** For service tasks and party notices: what to deliver and to whom (a role in the case, never a name). */
  delivery: { document: string; to: string } | null;
  /** Free fields from the workflow; use {{lookup context "name"}} or {{#if context.name}} for optional ones. */
  context: Record<string, string>;
  /** `context` as a list, for a generic "details" section. */
  details: { key: string; value: string }[];
  /** For the administrators' alert: the notice that failed. kind/facility/role are null when the workflow did not say. */
  failure: {
    noticeKey: string;
    kind: string | null;
    facility: string | null;
    role: string | null;
    errorType: string;
    errorMessage: string;
  } | null;
}

// The domain's formatting, whose zone names are cached: luxon's `toFormat` with a zone token builds an
// Intl.DateTimeFormat per call, which showed in the notice activity's profile (BENCHMARKS.md).
function formatLocal(iso: string, zone: string): { local: string; weekday: string } {
  const instant = Date.parse(iso); // validated by the request schemas (notice-requests.ts) as an ISO instant
  return { local: formatLocalText(instant, zone), weekday: localWeekdayName(instant, zone) };
}

/** The deadline as every template shows it, in the deadline's own zone. */
export function deadlineView(entry: ScheduleEntry): NoticeDeadline {
  const instant = entry.kind === 'deadline' ? entry.dueAt : entry.earliest;
  const when =
    instant !== undefined ? formatLocal(instant, entry.zone) : { local: entry.localText, weekday: '' };
  const last = entry.extensions.at(-1);
  const previous = entry.extensions.at(-2)?.dueAt;
  let extension: NoticeDeadline['extension'] = null;
  if (last) {
    // The limit before the last extension: the previous extension's, or the original one, which
    // the schedule no longer carries once extended; fall back to saying so rather than guessing.
    extension = {
      previousLocal: previous !== undefined ? formatLocal(previous, entry.zone).local : 'the original limit',
      reason: last.reason,
      approverRole: last.approverRole,
      overrideAuthority: last.overrideAuthority ?? null,
      grantedLocal: formatLocal(last.grantedAt, entry.zone).local,
    };
  }
  return {
    key: entry.key,
    isLowerBound: entry.kind === 'lowerBound',
    rule: entry.rule,
    source: entry.sourceText,
    action: entry.action,
    responsibleRole: entry.responsibleRole,
    local: when.local,
    weekday: when.weekday,
    zone: entry.zone,
    instant: instant ?? '',
    calendar: entry.calendar,
    anchorEvent: entry.anchorEvent,
    anchorLocal: formatLocal(entry.anchorAt, entry.zone).local,
    explanation: entry.explanation.summary,
    extension,
    hasCalendarFile: entry.kind === 'deadline' && entry.dueAt !== undefined,
  };
}

/** The workflow's free fields, by name and as a list. */
export function contextView(
  context: Record<string, ContextValue> | undefined,
): Pick<NoticeView, 'context' | 'details'> {
  const entries = Object.entries(context ?? {}).map(([key, value]) => [key, String(value)] as const);
  return { context: Object.fromEntries(entries), details: entries.map(([key, value]) => ({ key, value })) };
}

export interface RenderedNotice {
  subject: string;
  text: string;
  html: string;
}

export interface NoticeTemplates {
  readonly dir: string;
  render(kind: TemplateKind, view: NoticeView): RenderedNotice;
}

export class NoticeTemplateError extends Error {
  override readonly name = 'NoticeTemplateError';
}

type Part = 'subject' | 'txt' | 'html';
const PARTS: readonly Part[] = ['subject', 'txt', 'html'];

/** Where the shipped templates live (next to this file, so it works from source with tsx and from dist). */
export const DEFAULT_TEMPLATES_DIR = path.join(__dirname, 'templates');

/**
 * Loads `<kind>.subject.hbs`, `<kind>.txt.hbs`, `<kind>.html.hbs` for every kind, and the partials in
 * `partials/` (`partials/deadline_text.hbs` is used as {{> deadline_text}}). Throws listing every
 * missing or broken file.
 */
export function loadNoticeTemplates(dir: string = DEFAULT_TEMPLATES_DIR): NoticeTemplates {
  // A private handlebars environment per load: partials and helpers never leak between factories.
  const hbs = Handlebars.create();
  const problems: string[] = [];

  const partialsDir = path.join(dir, 'partials');
  let partialFiles: string[] = [];
  try {
    partialFiles = readdirSync(partialsDir).filter((f) => f.endsWith('.hbs'));
  } catch {
    // No partials directory is fine.
  }
  for (const file of partialFiles) {
    const name = file.slice(0, -'.hbs'.length);
    // Partials are compiled here, not left to handlebars: it compiles a string partial once with the
    // options of whichever template uses it first, so a text partial could end up unescaped in HTML.
    // The name says which it is.
    const html = name.endsWith('_html');
    if (!html && !name.endsWith('_text')) {
      problems.push(`${path.join(partialsDir, file)}: partial names end in _text or _html`);
      continue;
    }
    try {
      const source = readFileSync(path.join(partialsDir, file), 'utf8');
      hbs.registerPartial(name, hbs.compile(source, { strict: true, noEscape: !html }));
    } catch (err) {
      problems.push(`${path.join(partialsDir, file)}: ${(err as Error).message}`);
    }
  }

  const compiled = new Map<string, HandlebarsTemplateDelegate>();
  for (const kind of TEMPLATE_KINDS) {
    for (const part of PARTS) {
      const file = path.join(dir, `${kind}.${part}.hbs`);
      let source: string;
      try {
        source = readFileSync(file, 'utf8');
      } catch {
        problems.push(`${file}: missing`);
        continue;
      }
      try {
        // Only HTML is escaped: escaping plain text or a subject would show "&amp;" to the reader.
        const template = hbs.compile(source, { strict: true, noEscape: part !== 'html' });
        compiled.set(`${kind}.${part}`, template);
      } catch (err) {
        problems.push(`${file}: ${(err as Error).message}`);
      }
    }
  }
  if (problems.length > 0) {
    throw new NoticeTemplateError(
      `Notice templates in ${dir} are not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  const render = (kind: TemplateKind, view: NoticeView): RenderedNotice => {
    const run = (part: Part): string => {
      const template = compiled.get(`${kind}.${part}`);
      if (!template) throw new NoticeTemplateError(`no ${part} template for notice kind ${kind}`);
      try {
        return template(view);
      } catch (err) {
        throw new NoticeTemplateError(`${path.join(dir, `${kind}.${part}.hbs`)}: ${(err as Error).message}`);
      }
    };
    return {
      // A subject is one header line: fold whatever the template produced into single spaces.
      subject: run('subject').replace(/\s+/g, ' ').trim(),
      text: `${run('txt')
        .replace(/\n{3,}/g, '\n\n')
        .trim()}\n`,
      html: run('html'),
    };
  };

  // Render every template against a complete sample and a sparse one (every optional part null, as
  // the activities may send it for that kind) so strict-mode mistakes surface now.
  for (const kind of TEMPLATE_KINDS) {
    for (const full of [true, false]) {
      try {
        render(kind, sampleView(kind, full));
      } catch (err) {
        problems.push(`${(err as Error).message} (with ${full ? 'every' : 'no'} optional field set)`);
      }
    }
  }
  if (problems.length > 0) {
    throw new NoticeTemplateError(
      `Notice templates in ${dir} do not render:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
  }

  return { dir, render };
}

/**
 * A sample view for `kind`. `full`: every optional part filled in, so rendering exercises every
 * branch. Not `full`: every part the activities may leave null for this kind is null, so a template
 * that uses such a part without an {{#if}} guard fails here.
 */
function sampleView(kind: TemplateKind, full: boolean): NoticeView {
  const view: NoticeView = {
    kind,
    workflowId: 'sample-workflow',
    noticeKey: 'sample.deadline/reminder/half-time/1',
    caseNumber: 'SAMPLE-0001',
    caseType: 'sample',
    facility: { code: 'SAMPLE', name: 'Sample Facility' },
    role: 'sample.role',
    recipientRole: 'sample.supervisor',
    escalationLevel: 1,
    escalationCapped: true,
    deadline: {
      key: 'sample.deadline',
      isLowerBound: false,
      rule: 'Sample rule',
      source: 'Sample source §1',
      action: 'Do the sample step',
      responsibleRole: 'sample.role',
      local: '2026-12-09 23:59 CST',
      weekday: 'Wednesday',
      zone: 'America/Chicago',
      instant: '2026-12-09T23:59:59.999-06:00',
      calendar: 'us-ok-state',
      anchorEvent: 'sample event',
      anchorLocal: '2026-11-20 09:00 CST',
      explanation: 'Sample explanation',
      extension: {
        previousLocal: '2026-12-01 23:59 CST',
        reason: 'Sample reason',
        approverRole: 'sample.approver',
        overrideAuthority: 'sample authority',
        grantedLocal: '2026-11-25 10:00 CST',
      },
      hasCalendarFile: true,
    },
    ackUrl: 'https://docket.example.org/ack?sample',
    delivery: { document: 'Sample document', to: 'inmate' },
    context: { sample: 'value' },
    details: [{ key: 'sample', value: 'value' }],
    failure: {
      noticeKey: 'sample.deadline/breach/1',
      kind: 'breach',
      facility: 'SAMPLE',
      role: 'sample.role',
      errorType: 'SMTP_PERMANENT',
      errorMessage: 'sample error',
    },
  };
  if (full) return view;
  const deadlineOptional = kind === 'party-notice' || kind === 'admin-alert';
  return {
    ...view,
    escalationLevel: kind === 'breach' ? 0 : kind === 'escalation' ? 1 : null,
    escalationCapped: false,
    deadline:
      deadlineOptional || view.deadline === null
        ? null
        : { ...view.deadline, extension: kind === 'extension' ? view.deadline.extension : null },
    ackUrl: null,
    delivery: kind === 'service-task' || kind === 'party-notice' ? view.delivery : null,
    context: {},
    details: [],
    failure:
      kind === 'admin-alert' && view.failure
        ? { ...view.failure, kind: null, facility: null, role: null }
        : null,
  };
}
