// `docket notices undelivered`: the notices Docket has not delivered (being retried, or given up),
// from Temporal itself; the same list as GET /notices/undelivered (client/undelivered.ts).
import type { Command } from 'commander';
import { caseTypeNames } from '../case-types';
import { undeliveredNotices } from '../undelivered';
import { caseTypeArg, table, withDocket } from './cases';
import { integerOption, type Output } from './shared';

export function registerNoticeCommands(program: Command, io: Output, progress: Output): void {
  const notices = program.command('notices').description('notices and their delivery');
  notices
    .command('undelivered')
    .description('notices not delivered yet (Temporal is retrying them) or given up, across running cases')
    .option('--case-type <types>', `comma-separated (${caseTypeNames().join(', ')})`)
    .option('--limit <n>', 'running cases to scan (1-5000)', '1000')
    .option('--json', 'print JSON')
    .action(async (options: { caseType?: string; limit: string; json?: boolean }) => {
      const limit = integerOption('limit', options.limit, 1, 5_000);
      const caseTypes = options.caseType?.split(',').map((t) => caseTypeArg(t.trim()));
      const found = await withDocket(progress, (docket) => undeliveredNotices(docket, { caseTypes, limit }));
      if (options.json) {
        io.out(JSON.stringify(found, null, 2));
        return;
      }
      io.out(
        table([
          [
            'STATE',
            'CASE TYPE',
            'CASE',
            'NOTICE',
            'ATTEMPTS',
            'LAST FAILURE',
            'NEXT TRY / FAILED AT',
            'ADMINS',
          ],
          ...found.notices.map((n) => [
            n.state,
            n.caseType,
            n.caseNumber,
            n.noticeKey ?? `(${n.activity})`,
            n.attempts === null ? '-' : String(n.attempts),
            n.lastFailure?.type ?? '-',
            (n.state === 'retrying' ? n.nextAttemptAt : n.failedAt) ?? '-',
            n.administrators ?? '-',
          ]),
        ]),
      );
      progress.out(`${found.notices.length} undelivered notice(s) in ${found.casesScanned} running case(s)`);
      if (found.truncated) progress.out('more running cases than --limit: the rest were not scanned');
      if (found.timelineUnavailable.length > 0) {
        progress.out(
          `${found.timelineUnavailable.length} case(s) did not answer the timeline query (is a worker running?): ` +
            'their given-up notices are not listed',
        );
      }
    });
}
