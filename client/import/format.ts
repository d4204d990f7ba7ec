// The bulk-import file formats: JSON Lines (one case a line) and CSV (one case a row, with the
// intake and the events as JSON cells, so a spreadsheet can hold them). Both carry the same record,
// and a rejects file is written in the format it was read in, with the refusal beside the line, so
// it can be fixed and imported again as it is: the refusal columns are ignored on import.
import { z } from 'zod';
import { describeIssues } from '../../domain/cases/common';

export type ImportFormat = 'jsonl' | 'csv';

/** One event already recorded in the case system: its name and its payload (`at`, `by`, ...). */
export const importEventSchema = z.looseObject({ event: z.string().min(1) });

/** One case to import: its type, its intake, and its events in the order they happened. */
export const importLineSchema = z.object({
  caseType: z.string().min(1),
  intake: z.record(z.string(), z.unknown()),
  events: z.array(importEventSchema).default([]),
});
export type ImportLine = z.output<typeof importLineSchema>;

/** A line's refusal as the rejects file records it. */
export interface Rejection {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Where the case was left: what a re-run after fixing the line continues from. */
  state?: Record<string, unknown>;
}

/** A line of the input: its number (1-based, data rows for CSV), its text, and what it parsed to. */
export interface SourceLine {
  line: number;
  /** The line as read (JSONL) or its cells (CSV), to write it back unchanged in a rejects file. */
  raw: string | Record<string, string>;
  parsed: { ok: true; value: ImportLine } | { ok: false; rejection: Rejection };
}

export function formatOf(file: string, explicit?: string): ImportFormat {
  const format = explicit ?? (/\.csv$/i.test(file) ? 'csv' : 'jsonl');
  if (format !== 'csv' && format !== 'jsonl') {
    throw new ImportFormatError(`--format '${format}' is not one of jsonl, csv`, { field: 'format' });
  }
  return format;
}

export class ImportFormatError extends Error {
  constructor(
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ImportFormatError';
  }
}

/** Checks one record's shape; the intake and events are checked by the case type's own validators. */
export function parseRecord(value: unknown): SourceLine['parsed'] {
  const result = importLineSchema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    rejection: {
      code: 'INVALID_INPUT',
      message: `import line: ${describeIssues(result.error)}`,
      details: { field: result.error.issues[0]?.path.join('.') },
    },
  };
}

export function parseJsonLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      const rejection = { code: 'INVALID_INPUT', message: `not JSON: ${(err as Error).message}` };
      lines.push({ line: index + 1, raw, parsed: { ok: false, rejection } });
      return;
    }
    // A line fixed from a rejects file still carries its old refusal: the schema drops that key.
    lines.push({ line: index + 1, raw, parsed: parseRecord(value) });
  });
  return lines;
}

export const CSV_COLUMNS = ['caseType', 'intake', 'events'] as const;
export const CSV_REJECT_COLUMNS = ['rejectedCode', 'rejectedMessage', 'rejectedState'] as const;

export function parseCsv(text: string): SourceLine[] {
  const rows = csvRows(text);
  const header = rows.shift();
  const missing = CSV_COLUMNS.filter((column) => !header?.includes(column));
  if (!header || missing.length > 0) {
    throw new ImportFormatError(
      `the CSV header needs the columns ${CSV_COLUMNS.join(', ')} (missing: ${missing.join(', ')})`,
      { field: 'header', missing },
    );
  }
  return rows.flatMap((cells, index) => {
    if (cells.every((cell) => cell.trim() === '')) return [];
    const raw = Object.fromEntries(header.map((column, i) => [column, cells[i] ?? '']));
    const line = index + 1;
    const cell = (column: 'intake' | 'events'): unknown => {
      const text = raw[column]?.trim() ?? '';
      if (column === 'events' && text === '') return [];
      try {
        return JSON.parse(text);
      } catch (err) {
        throw new ImportFormatError(`${column}: not JSON: ${(err as Error).message}`, { field: column });
      }
    };
    try {
      return [
        {
          line,
          raw,
          parsed: parseRecord({ caseType: raw.caseType, intake: cell('intake'), events: cell('events') }),
        },
      ];
    } catch (err) {
      const { message, details } = err as ImportFormatError;
      return [
        { line, raw, parsed: { ok: false as const, rejection: { code: 'INVALID_INPUT', message, details } } },
      ];
    }
  });
}

/** RFC 4180: fields separated by commas, quoted with `"` when they hold commas, quotes or newlines. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvField).join(',');
}

/** The rejects file: each rejected line as it was read, with its refusal beside it. */
export function formatRejects(
  format: ImportFormat,
  rejected: ReadonlyArray<{ source: SourceLine; rejection: Rejection }>,
): string {
  if (format === 'jsonl') {
    return rejected
      .map(({ source, rejection }) => {
        const raw = source.raw as string;
        let record: unknown;
        try {
          record = JSON.parse(raw);
        } catch {
          // Not JSON: written back as a string, to fix by hand.
          return JSON.stringify({ unparsed: raw, rejected: rejection });
        }
        if (!record || typeof record !== 'object' || Array.isArray(record))
          return JSON.stringify({ unparsed: raw, rejected: rejection });
        return JSON.stringify({ ...(record as object), rejected: rejection });
      })
      .map((line) => `${line}\n`)
      .join('');
  }
  const header = [...CSV_COLUMNS, ...CSV_REJECT_COLUMNS];
  const rows = rejected.map(({ source, rejection }) => {
    const raw = source.raw as Record<string, string>;
    return csvLine([
      ...CSV_COLUMNS.map((column) => raw[column] ?? ''),
      rejection.code,
      rejection.message,
      rejection.state ? JSON.stringify(rejection.state) : '',
    ]);
  });
  return [csvLine(header), ...rows].map((line) => `${line}\n`).join('');
}
