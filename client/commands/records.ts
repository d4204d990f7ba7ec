// `docket records list|hold|release|dispose`: the records archive as a records officer uses it.
// Temporal keeps a closed case's workflow only for the namespace's retention; the archive keeps its
// record until the policy's retention date (domain/policies/records.ts). Disposal removes only records
// past that date and not under a legal hold, and says what it removed by case number; anything else
// is refused with the date, the hold, and the rule.
import type { Command } from 'commander';
import { openCaseArchive } from '../../activities/archive-open';
import { ArchiveError } from '../../activities/archive-store';
import type { CaseArchive } from '../../activities/archive';
import { DomainError, type DomainErrorCode } from '../../domain/errors';
import { loadConfig } from '../../infra/config';
import { loadKeyring } from '../../infra/keys';
import { table } from './cases';
import type { Output } from './shared';

async function withArchive<T>(
  progress: Output,
  needsKeys: boolean,
  run: (archive: CaseArchive) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  const archive = openCaseArchive(config, needsKeys ? loadKeyring() : undefined);
  progress.out(`records archive: ${archive.store.description}`);
  try {
    return await run(archive);
  } catch (err) {
    // A refusal is one line with its code and exit code 2, like every other refused input.
    if (err instanceof ArchiveError)
      throw new DomainError(err.code as DomainErrorCode, err.message, err.details);
    throw err;
  } finally {
    await archive.close();
  }
}

function instantArg(value: string): string {
  const at = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at)) {
    throw new DomainError('INVALID_INPUT', `--before: '${value}' is not a date (e.g. 2031-07-01)`, {
      field: 'before',
      value,
    });
  }
  return new Date(at).toISOString();
}

export function registerRecordsCommands(program: Command, io: Output, progress: Output): void {
  const records = program
    .command('records')
    .description("the records archive: closed cases' records, their retention, legal holds and disposal");

  records
    .command('list')
    .description('every archived case with its retention date and any legal hold')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const rows = await withArchive(progress, false, (archive) => archive.list());
      if (options.json) {
        io.out(
          JSON.stringify(
            rows.map(({ hold, ...row }) => ({ ...row, heldSince: hold?.since ?? null })),
            null,
            2,
          ),
        );
        return;
      }
      io.out(
        table([
          ['TYPE', 'CASE', 'CLOSED', 'KEPT UNTIL', 'HOLD', 'RUNS'],
          ...rows.map((r) => [
            r.caseType,
            r.caseNumber,
            r.closedAt ?? 'open',
            r.retainUntil ?? '-',
            r.hold ? `since ${r.hold.since}` : '-',
            String(r.runs),
          ]),
        ]),
      );
    });

  records
    .command('hold')
    .description("place a legal hold on a case's records: they are not disposed of until it is released")
    .argument('<caseNumber>')
    .option('--type <caseType>', 'the case type, when the number names cases of several types')
    .option('--reason <text>', 'why (kept encrypted with the records)', 'legal hold')
    .action(async (caseNumber: string, options: { type?: string; reason: string }) => {
      const row = await withArchive(progress, true, async (archive) => {
        const found = await archive.resolve(caseNumber, options.type);
        return archive.hold({ caseType: found.caseType, caseNumber }, options.reason);
      });
      io.out(`held: ${row.caseType} ${row.caseNumber} since ${row.hold?.since}`);
    });

  records
    .command('release')
    .description('lift the legal hold on a case; its records are again disposed of at their retention date')
    .argument('<caseNumber>')
    .option('--type <caseType>', 'the case type, when the number names cases of several types')
    .action(async (caseNumber: string, options: { type?: string }) => {
      const row = await withArchive(progress, false, async (archive) => {
        const found = await archive.resolve(caseNumber, options.type);
        return archive.release({ caseType: found.caseType, caseNumber });
      });
      io.out(
        `released: ${row.caseType} ${row.caseNumber} (kept until ${row.retainUntil ?? 'its closure dates it'})`,
      );
    });

  records
    .command('dispose')
    .description(
      'remove the records whose retention date is at or before --before and that no legal hold keeps; reports them by case number',
    )
    .requiredOption(
      '--before <date>',
      'dispose of records kept until this date or earlier (not in the future)',
      instantArg,
    )
    .option(
      '--case <caseNumbers...>',
      'only these cases: each must be past its date and not held, or nothing is removed',
    )
    .option('--type <caseType>', 'the case type of --case numbers that name cases of several types')
    .option('--json', 'print JSON')
    .action(async (options: { before: string; case?: string[]; type?: string; json?: boolean }) => {
      const report = await withArchive(progress, false, async (archive) => {
        const only = options.case
          ? await Promise.all(
              options.case.map(async (number) => {
                const found = await archive.resolve(number, options.type);
                return { caseType: found.caseType, caseNumber: number };
              }),
            )
          : undefined;
        return archive.dispose({ before: options.before, ...(only ? { only } : {}) });
      });
      if (options.json) {
        io.out(JSON.stringify(report, null, 2));
        return;
      }
      const lines = [
        ...report.removed.map(
          (r) =>
            `disposed: ${r.caseType} ${r.caseNumber} (closed ${r.closedAt}, kept until ${r.retainUntil})`,
        ),
        ...report.held.map(
          (r) =>
            `kept under legal hold: ${r.caseType} ${r.caseNumber} (kept until ${r.retainUntil}, held since ${r.heldSince})`,
        ),
      ];
      io.out(lines.length > 0 ? lines.join('\n') : `nothing to dispose of before ${options.before}`);
    });
}
