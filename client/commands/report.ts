// `docket report compliance`: on-time rates per deadline key, facility and month, from the outcomes the
// deadline-event activity writes into the records store (activities/compliance.ts).
import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { openArchiveStore } from '../../activities/archive-open';
import {
  checkComplianceFilter,
  complianceChartSvg,
  complianceCsv,
  complianceReport,
  complianceTableRows,
} from '../../activities/compliance';
import { loadConfig } from '../../infra/config';
import { table } from './cases';
import type { Output } from './shared';

interface ComplianceOptions {
  from: string;
  to: string;
  facility?: string;
  caseType?: string;
  csv?: boolean;
  chart?: string;
}

export function registerReportCommands(program: Command, io: Output, progress: Output): void {
  const report = program.command('report').description('figures over the deadlines of many cases');

  report
    .command('compliance')
    .description('on-time rate per deadline key, facility and month (by due date)')
    .requiredOption('--from <date>', 'first due date included, e.g. 2026-01-01')
    .requiredOption('--to <date>', 'last due date included, e.g. 2026-12-31')
    .option('--facility <code>', 'one facility only')
    .option('--case-type <type>', 'one case type only')
    .option('--csv', 'print CSV instead of a table')
    .option('--chart <file.svg>', 'also write the on-time rate per month as an SVG chart')
    .action(async (options: ComplianceOptions) => {
      const filter = checkComplianceFilter({
        from: options.from,
        to: options.to,
        ...(options.facility ? { facility: options.facility } : {}),
        ...(options.caseType ? { caseType: options.caseType } : {}),
      });
      const store = openArchiveStore(loadConfig());
      progress.out(`compliance figures: ${store.description}`);
      let lines;
      try {
        lines = complianceReport(await store.outcomes(filter));
      } finally {
        await store.close();
      }
      io.out(options.csv ? complianceCsv(lines).trimEnd() : table(complianceTableRows(lines)));
      if (options.chart) {
        await writeFile(options.chart, await complianceChartSvg(lines));
        progress.out(`chart written to ${options.chart}`);
      }
    });
}
