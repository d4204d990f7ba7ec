// GET /reports/compliance: on-time rates per deadline key, facility and month, from the deadline
// outcomes the publish activity writes into the records store (activities/compliance.ts), the same
// figures `docket report compliance` prints. Counts only: no case number leaves this route.
import { z } from 'zod';
import {
  checkComplianceFilter,
  complianceCsv,
  complianceReport,
  type ComplianceFilter,
  type ComplianceLine,
  type OutcomeRow,
  type OutcomeStore,
} from '../../activities/compliance';
import { ApiError } from './errors';

export const complianceQuerySchema = z
  .object({
    from: z.string().meta({ description: 'First due date included, e.g. 2026-01-01' }),
    to: z.string().meta({ description: 'Last due date included, e.g. 2026-12-31' }),
    facility: z.string().optional(),
    caseType: z.string().optional(),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();

export const complianceLineSchema = z.object({
  deadlineKey: z.string(),
  facility: z.string(),
  month: z.string().meta({ description: 'YYYY-MM of the due date' }),
  metOnTime: z.number().int(),
  extended: z.number().int().meta({ description: 'Extended, then met by the extended due time' }),
  metLate: z.number().int(),
  breached: z.number().int(),
  waived: z.number().int(),
  onTimeRate: z
    .number()
    .nullable()
    .meta({ description: '(met on time + extended) ÷ every outcome but waived; null when all were waived' }),
});

export const complianceReportSchema = z.object({
  filter: z.object({
    from: z.string(),
    to: z.string(),
    facility: z.string().optional(),
    caseType: z.string().optional(),
  }),
  lines: z.array(complianceLineSchema),
});

export interface ComplianceFigures {
  filter: ComplianceFilter;
  lines: ComplianceLine[];
  csv(): string;
}

/**
 * The report over the outcomes `mayRead` lets the caller see (an API key limited to some case types
 * counts only those). A bad date is refused by checkComplianceFilter, naming the field and the rule.
 */
export async function complianceFigures(
  store: Pick<OutcomeStore, 'outcomes'> | undefined,
  query: z.infer<typeof complianceQuerySchema>,
  mayRead: (row: OutcomeRow) => boolean,
): Promise<ComplianceFigures> {
  const filter = checkComplianceFilter({
    from: query.from,
    to: query.to,
    ...(query.facility ? { facility: query.facility } : {}),
    ...(query.caseType ? { caseType: query.caseType } : {}),
  });
  if (!store) {
    throw ApiError.of(
      'REPORTS_UNAVAILABLE',
      'this API process has no records store open for compliance figures',
    );
  }
  const lines = complianceReport((await store.outcomes(filter)).filter(mayRead));
  return { filter, lines, csv: () => complianceCsv(lines) };
}
