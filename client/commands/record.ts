// `docket cases record <type> <number> --pdf <out>`: the court-ready record of a case, printed to
// PDF in Chromium on this machine. The CLI decrypts the case with the payload keys it was given
// (DOCKET_CODEC_KEYS), as every `docket cases` command does: only whoever holds them can produce it.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import type { Command } from 'commander';
import { DomainError } from '../../domain/errors';
import { loadConfig } from '../../infra/config';
import { caseTypeNames, type CaseType } from '../case-types';
import { courtRecord, renderCourtRecordHtml } from '../record/court-record';
import { printPdf, RendererUnavailableError } from '../record/pdf';
import { caseTypeArg, withDocket } from './cases';
import { casesCommand, type Output } from './shared';

export function registerRecordCommand(program: Command, io: Output, progress: Output): void {
  casesCommand(program)
    .command('record')
    .description(
      "a case's court-ready record as PDF: events, deadlines and outcomes, notices with Message-IDs, proofs of service",
    )
    .argument('<caseType>', `one of ${caseTypeNames().join(', ')}`, caseTypeArg)
    .argument('<caseNumber>')
    .requiredOption('--pdf <file>', 'where to write the PDF')
    .option('--html <file>', 'also write the HTML it was printed from')
    .action(async (caseType: CaseType, caseNumber: string, options: { pdf: string; html?: string }) => {
      const config = loadConfig();
      const record = await withDocket(progress, (docket) => docket.getCase(caseType, caseNumber));
      const court = courtRecord(caseType, caseNumber, record, {
        messageIdDomain: config.mail.messageIdDomain,
        generatedBy: `docket CLI (${os.userInfo().username}@${os.hostname()})`,
      });
      const html = renderCourtRecordHtml(court);
      if (options.html) writeFileSync(options.html, html);
      let pdf: Buffer;
      try {
        pdf = await printPdf(html, {
          chromiumPath: config.records.chromiumPath,
          footer: `${caseType} ${caseNumber} — produced ${court.generatedAt}`,
        });
      } catch (err) {
        if (err instanceof RendererUnavailableError)
          throw new DomainError('INVALID_INPUT', err.message, { field: 'records.chromiumPath' });
        throw err;
      }
      writeFileSync(options.pdf, pdf);
      io.out(
        `wrote ${options.pdf} (${pdf.length} bytes): ${record.timeline.length} events, ${court.deadlines.length} deadlines, ` +
          `${court.notices.length} notices, ${court.serviceTasks.length} service tasks; from ${record.source === 'live' ? 'the live case' : 'the records archive'}`,
      );
    });
}
