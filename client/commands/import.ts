// `docket cases import <file>`: opens the cases of a JSON Lines or CSV file and replays the events
// already recorded for them (client/import/importer.ts), a bounded number at a time, with a progress
// bar on stderr. Refused lines go to a rejects file in the input's format, ready to fix and import.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DomainError } from '../../domain/errors';
import {
  formatOf,
  formatRejects,
  ImportFormatError,
  parseCsv,
  parseJsonLines,
  type ImportFormat,
  type SourceLine,
} from '../import/format';
import { runImport, type LineResult } from '../import/importer';
import { withDocket } from './cases';
import { casesCommand, integerOption, type Output } from './shared';

const HELP = `
Each line is one case: {"caseType", "intake", "events": [{"event": "<name>", "at", "by", ...}]}
in JSON Lines, or a CSV with the columns caseType, intake (a JSON object) and events (a JSON array).
Events are replayed in order through the same validators as \`docket cases event\`.

Nothing is half-imported: each event is recorded whole or refused with no trace, and a line stops at
its first refused event. A refused line goes to the rejects file unchanged, with its refusal (code,
and a message naming the field, value and rule) and the state the case was left in (opened or not,
how many of its events are recorded). Fix the line there and import the rejects file: the case is
not opened twice, events already recorded are skipped (Temporal's history is checked for each one),
and the import continues from the refused event. Re-running a whole file is safe the same way.
An event the case did not take (its workflow task failed: UPDATE_ABORTED) or did not answer in time
is sent again under the same ID before its line is rejected; either way nothing is recorded twice.
Change only events that were refused; an edited event that was already recorded counts as a new one.`;

export function registerImportCommand(program: Command, io: Output, progress: Output): void {
  casesCommand(program)
    .command('import')
    .description(
      'import cases and their recorded events from JSON Lines or CSV (idempotent: re-run to resume)',
    )
    .argument('<file>', 'a .jsonl or .csv file, or - for stdin (JSON Lines)')
    .option('--format <format>', 'jsonl or csv (default: from the file name)')
    .option('--concurrency <n>', 'cases imported at once', '8')
    .option('--rejects <file>', 'where refused lines go, rewritten each run (default: <file>.rejects.<ext>)')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the per-line results as JSON')
    .addHelpText('after', HELP)
    .action(
      async (
        file: string,
        options: {
          format?: string;
          concurrency: string;
          rejects?: string;
          progress: boolean;
          json?: boolean;
        },
      ) => {
        const concurrency = integerOption('concurrency', options.concurrency, 1, 256);
        const format =
          file === '-' ? formatOf(file, options.format ?? 'jsonl') : formatOf(file, options.format);
        const sources = readSources(file, format);
        const rejectsPath = options.rejects ?? rejectsPathOf(file, format);
        let started = Date.now();
        let bar: SingleBar | undefined;
        let rejectedSoFar = 0;
        let done = 0;
        const results = await withDocket(progress, async (docket) => {
          // Timed from the connection on, so the rate is the import's own.
          started = Date.now();
          bar = options.progress ? progressBar(sources.length) : undefined;
          try {
            return await runImport(docket, sources, {
              concurrency,
              onResult: (result) => {
                done++;
                if (result.status === 'rejected') rejectedSoFar++;
                bar?.increment(1, { rejected: rejectedSoFar, rate: rateOf(done, started) });
              },
            });
          } finally {
            bar?.stop();
          }
        });
        reportResults(io, progress, { sources, results, format, rejectsPath, started, json: options.json });
      },
    );
}

function readSources(file: string, format: ImportFormat): SourceLine[] {
  const text = readFileSync(file === '-' ? 0 : file, 'utf8');
  try {
    return format === 'csv' ? parseCsv(text) : parseJsonLines(text);
  } catch (err) {
    if (err instanceof ImportFormatError)
      throw new DomainError('INVALID_INPUT', `${file}: ${err.message}`, err.details);
    throw err;
  }
}

function rejectsPathOf(file: string, format: ImportFormat): string {
  if (file === '-') return `rejects.${format}`;
  return `${file.replace(/\.(jsonl|ndjson|json|csv)$/i, '')}.rejects.${format}`;
}

const rateOf = (done: number, started: number): string =>
  (done / Math.max((Date.now() - started) / 1000, 0.001)).toFixed(1);

function progressBar(total: number): SingleBar {
  const bar = new SingleBar({
    format:
      'importing |{bar}| {value}/{total} lines | {rate} lines/s | {eta_formatted} left | {rejected} rejected',
    stream: process.stderr,
    hideCursor: true,
    // Redirected to a file or a CI log: a line every 5 s instead of a redrawn bar.
    noTTYOutput: true,
    notTTYSchedule: 5_000,
    etaBuffer: 200,
  });
  bar.start(total, 0, { rejected: 0, rate: '0.0' });
  return bar;
}

function reportResults(
  io: Output,
  progress: Output,
  run: {
    sources: SourceLine[];
    results: LineResult[];
    format: ImportFormat;
    rejectsPath: string;
    started: number;
    json?: boolean;
  },
): void {
  const { sources, results } = run;
  const rejected = results.flatMap((result, i) =>
    result.status === 'rejected' && result.rejection
      ? [{ source: sources[i] as SourceLine, rejection: result.rejection }]
      : [],
  );
  // Rewritten on every run that has one to write or finds one there: it holds what the last run refused.
  if (rejected.length > 0 || existsSync(run.rejectsPath)) {
    writeFileSync(run.rejectsPath, formatRejects(run.format, rejected));
  }
  const seconds = (Date.now() - run.started) / 1000;
  const count = (test: (r: LineResult) => boolean) => results.filter(test).length;
  const summary = {
    lines: results.length,
    imported: count((r) => r.status === 'imported'),
    opened: count((r) => r.created === true),
    resumed: count((r) => r.created === false),
    eventsRecorded: results.reduce((n, r) => n + r.recorded, 0),
    eventsSkipped: results.reduce((n, r) => n + r.skipped, 0),
    rejected: rejected.length,
    seconds: Number(seconds.toFixed(1)),
    linesPerSecond: Number((results.length / Math.max(seconds, 0.001)).toFixed(1)),
    ...(rejected.length > 0 ? { rejectsFile: run.rejectsPath } : {}),
  };
  if (run.json) io.out(JSON.stringify({ summary, results }, null, 2));
  else {
    io.out(
      `imported ${summary.imported} of ${summary.lines} lines in ${summary.seconds} s (${summary.linesPerSecond} lines/s): ` +
        `${summary.opened} cases opened, ${summary.resumed} already open; ` +
        `${summary.eventsRecorded} events recorded, ${summary.eventsSkipped} already recorded (skipped)`,
    );
    for (const { source, rejection } of rejected.slice(0, 20)) {
      progress.out(`line ${source.line}: ${rejection.message} [${rejection.code}]`);
    }
  }
  if (rejected.length > 0) {
    throw new DomainError(
      'INVALID_INPUT',
      `${rejected.length} of ${results.length} lines not imported (refused, or not answered in time): they are in ${run.rejectsPath} with the reason and the state each case was left in; fix them there and import that file`,
      { rejectsFile: run.rejectsPath },
    );
  }
}
