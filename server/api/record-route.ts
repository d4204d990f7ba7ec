// GET /cases/{type}/{number}/record.pdf: the court-ready record of a case (client/record/), for
// administrators only. The API process decrypts the case (it holds the payload keys) and prints the
// record in Chromium here; the caller receives only the PDF.
import { courtRecord, renderCourtRecordHtml } from '../../client/record/court-record';
import { printPdf, RendererUnavailableError } from '../../client/record/pdf';
import type { DocketClient } from '../../client/cases';
import type { CaseType } from '../../client/case-types';
import type { Principal } from './auth';
import { ApiError } from './errors';

export interface CaseRecordOptions {
  /** mail.messageIdDomain: the notices' Message-IDs are derived from it as the sender derived them. */
  messageIdDomain: string;
  /** records.chromiumPath (DOCKET_CHROMIUM). */
  chromiumPath: string;
}

export async function caseRecordPdf(
  docket: DocketClient,
  options: CaseRecordOptions,
  caseType: CaseType,
  caseNumber: string,
  principal: Principal,
): Promise<Buffer> {
  const record = await docket.getCase(caseType, caseNumber);
  const court = courtRecord(caseType, caseNumber, record, {
    messageIdDomain: options.messageIdDomain,
    generatedBy: `API key ${principal.keyId} (${principal.role})`,
  });
  try {
    return await printPdf(renderCourtRecordHtml(court), {
      chromiumPath: options.chromiumPath,
      footer: `${caseType} ${caseNumber} — produced ${court.generatedAt}`,
    });
  } catch (err) {
    if (err instanceof RendererUnavailableError)
      throw ApiError.of('RECORD_RENDERER_UNAVAILABLE', err.message);
    throw err;
  }
}
