// POST /cases/import: the bulk import of `docket cases import` as one request, a batch of lines with
// a result per line. The lines are the JSON Lines records of the CLI; the work is the same
// (client/import/importer.ts), so a line gets the same refusal from either, and a batch re-sent after
// a timeout or with fixed lines resumes exactly as a re-run of the CLI does.
import { z } from 'zod';
import { importLineSchema, parseRecord, type SourceLine } from '../../client/import/format';
import { runImport, type LineResult } from '../../client/import/importer';
import type { DocketClient } from '../../client/cases';
import { canAccessCaseType, type Principal } from './auth';

/** Lines per request: a batch answers within a request's time; larger files go in several batches. */
export const MAX_IMPORT_LINES = 500;
const IMPORT_CONCURRENCY = 8;

export const importRequestSchema = z
  .object({
    lines: z
      .array(importLineSchema.or(z.unknown()))
      .min(1)
      .max(MAX_IMPORT_LINES)
      .meta({
        description:
          "One case a line, as a line of the CLI's JSON Lines file: `{ caseType, intake, events: [{ event, at, by, ... }] }`. " +
          `At most ${MAX_IMPORT_LINES}.`,
      }),
  })
  .meta({ description: 'A batch of cases to import' });

const rejectionSchema = z.object({
  code: z.string().meta({ description: 'Stable: the same code the single-case operation answers with.' }),
  message: z.string().meta({ description: 'Names the field, the value and the rule.' }),
  details: z.record(z.string(), z.unknown()).optional(),
  state: z
    .record(z.string(), z.unknown())
    .optional()
    .meta({
      description:
        'Where the case was left: `opened`, `recordedEvents` (the events before the refused one are recorded), ' +
        '`refusedEvent`, `stage`. Re-send the fixed line to continue from there.',
    }),
});

export const importResultSchema = z.object({
  summary: z.object({
    lines: z.number().int(),
    imported: z.number().int(),
    rejected: z.number().int(),
  }),
  results: z.array(
    z.object({
      line: z.number().int().meta({ description: '1-based position in `lines`' }),
      status: z.enum(['imported', 'rejected']),
      caseType: z.string().optional(),
      caseNumber: z.string().optional(),
      created: z
        .boolean()
        .optional()
        .meta({ description: 'False: the case was already open with this intake.' }),
      recorded: z.number().int().meta({ description: 'Events recorded by this request' }),
      skipped: z.number().int().meta({ description: 'Events already recorded earlier, skipped' }),
      events: z.number().int(),
      rejection: rejectionSchema.optional(),
    }),
  ),
});

export const IMPORT_DESCRIPTION =
  "Opens each line's case and replays its recorded events, in order, through the same validators as POST " +
  '/cases/{type} and POST /cases/{type}/{number}/events/{event}, eight lines at a time. Idempotent: an open case ' +
  "with the same intake is not opened again and events already recorded (found in the case's Temporal history) " +
  'are skipped, so a batch can be re-sent. Nothing is half-imported: an event is recorded whole or refused with no ' +
  'trace; a line stops at its first refused event and its result gives the refusal and the state the case was ' +
  'left in. A line the key may not touch (its case types) is refused with FORBIDDEN. The answer is 200 with a ' +
  "result per line, whatever each line's outcome.";

export async function importCases(
  docket: DocketClient,
  body: z.output<typeof importRequestSchema>,
  principal: Principal,
): Promise<z.input<typeof importResultSchema>> {
  const sources: SourceLine[] = body.lines.map((value, index) => ({
    line: index + 1,
    raw: JSON.stringify(value),
    parsed: parseRecord(value),
  }));
  const results: LineResult[] = await runImport(docket, sources, {
    concurrency: IMPORT_CONCURRENCY,
    refuseCaseType: (caseType) =>
      canAccessCaseType(principal, caseType)
        ? undefined
        : {
            code: 'FORBIDDEN',
            message: `this API key may not touch ${caseType} cases`,
            details: { field: 'caseType', value: caseType, allowedCaseTypes: principal.caseTypes },
          },
  });
  const imported = results.filter((r) => r.status === 'imported').length;
  return { summary: { lines: results.length, imported, rejected: results.length - imported }, results };
}
