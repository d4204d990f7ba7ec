// How long each policy's case records are kept once the case closes. Temporal keeps a closed
// workflow's history only for its namespace's retention (a day on the dev server), so the record
// outlives it in the archive; this table says for how long, and on whose authority.
//
// A period from the seed or a statute is a legal minimum: the agency may keep records longer, never
// shorter. Where the seed states no period it is an agency setting, marked as such, with the default
// below until the agency sets its own (config `records.retention`).
import { DateTime, Duration } from 'luxon';
import { DomainError } from '../errors';
import type { Source } from '../types';
import { renderSource, SEED_003, seed } from './common';

export interface RecordsRetention {
  /** Counted from the case's closure (for a long-lived record: its final closure, e.g. separation). */
  after: 'closure';
  /** ISO 8601 duration, e.g. P7Y. */
  period: string;
  source: Source;
}

/** Seven years: the Title IX minimum, and the default wherever the agency has not set a period. */
const DEFAULT_PERIOD = 'P7Y';

const agencySetting = (note: string): Source => ({
  kind: 'agency-setting',
  setting: 'records.retention',
  isDefault: true,
  note,
});

/** Policy ID → its records statement. Every registered policy has one (test/archive/retention.test.ts). */
export const RECORDS_RETENTION: Readonly<Record<string, RecordsRetention>> = {
  'acsd-title-ix': {
    after: 'closure',
    period: 'P7Y',
    source: seed(
      SEED_003,
      'ACSD Policy 3.26 / 8.20',
      'Records',
      'The District shall maintain the following records for a minimum of seven (7) years',
    ),
  },
  'ok-doc-grievance': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'OP-090124 states no period; grievance records are evidence in litigation, so 7 years after closure unless the agency sets otherwise',
    ),
  },
  'ok-doc-discipline': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'OP-060125 states no period; disciplinary records are evidence in litigation, so 7 years after closure unless the agency sets otherwise',
    ),
  },
  'adc-probation': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'SD 2022-17 states no period for the record; 7 years after the employee separates unless the agency sets otherwise',
    ),
  },
  'nc-doc-contract': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'D.0700 states no period; a contract record carries twelve-month counts and suspensions that may be contested, so 7 years after the contract ends unless the agency sets otherwise',
    ),
  },
  'nc-doc-cwp': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'D.0706 states no period; 7 years after the project closes unless the agency sets otherwise',
    ),
  },
  'nc-doc-transfer': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'D.0707 states no period; 7 years after the transfer closes unless the agency sets otherwise',
    ),
  },
  'omes-pwp-conduct': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      'The OMES public works policy states no period; conduct reports may be evidence in employment and civil proceedings, so 7 years after closure unless the agency sets otherwise',
    ),
  },
  'wdoc-employee-contact': {
    after: 'closure',
    period: DEFAULT_PERIOD,
    source: agencySetting(
      "WDOC 1.006 states no period; 7 years after the warden's decision unless the agency sets otherwise",
    ),
  },
};

/** The period in force for one policy's records, and where it comes from, in words. */
export interface ResolvedRetention {
  policyId: string;
  period: string;
  /** Rendered authority: the seed's section, or the agency setting (default or agency value). */
  source: string;
  /** True when the period is the agency's to set (no seed or statute fixes it). */
  agencySetting: boolean;
  /** True when the agency set this period itself (config), rather than the stated default or minimum. */
  configured: boolean;
}

const ISO_PERIOD = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/;

/** Whether `text` is a whole-day ISO 8601 period such as P7Y, P18M or P30D. */
export function isRetentionPeriod(text: string): boolean {
  return ISO_PERIOD.test(text) && Duration.fromISO(text).isValid;
}

/** A period's length in days on a fixed reference date, for comparing two periods. */
function approximateDays(period: string): number {
  const start = Date.UTC(2000, 0, 1);
  const end = Date.parse(addPeriod(new Date(start).toISOString(), period));
  return (end - start) / 86_400_000;
}

/** `instant` plus an ISO period, in UTC (a year later is the same calendar date a year on). */
export function addPeriod(instant: string, period: string): string {
  const at = DateTime.fromISO(instant, { zone: 'utc' });
  if (!at.isValid)
    throw new DomainError('INVALID_DATE', `not an ISO instant: ${instant}`, { value: instant });
  return at.plus(Duration.fromISO(period)).toUTC().toISO() as string;
}

/**
 * The retention of `policyId`'s records with the agency's configured periods applied (policy ID →
 * ISO period). A configured period shorter than a seed's or statute's minimum is refused, naming the
 * minimum and its source; an unknown policy ID or a malformed period is refused too.
 */
export function resolveRetention(
  policyId: string,
  configured: Readonly<Record<string, string>> = {},
): ResolvedRetention {
  const stated = RECORDS_RETENTION[policyId];
  if (!stated) {
    throw new DomainError(
      'UNKNOWN_POLICY',
      `policy '${policyId}' states no records retention (known: ${Object.keys(RECORDS_RETENTION).join(', ')})`,
      { field: 'records.retention', value: policyId, known: Object.keys(RECORDS_RETENTION) },
    );
  }
  const agency = stated.source.kind === 'agency-setting';
  const own = Object.prototype.hasOwnProperty.call(configured, policyId) ? configured[policyId] : undefined;
  if (own === undefined) {
    return {
      policyId,
      period: stated.period,
      source: renderSource(stated.source),
      agencySetting: agency,
      configured: false,
    };
  }
  if (!isRetentionPeriod(own)) {
    throw new DomainError(
      'INVALID_SETTING',
      `records.retention.${policyId}: '${own}' is not an ISO 8601 period of whole days (e.g. P7Y, P18M, P90D)`,
      { field: `records.retention.${policyId}`, value: own },
    );
  }
  if (!agency && approximateDays(own) < approximateDays(stated.period)) {
    const source = renderSource(stated.source);
    throw new DomainError(
      'INVALID_SETTING',
      `records.retention.${policyId}: ${own} is shorter than the minimum ${stated.period} (${source}); the agency may keep records longer, never shorter`,
      { field: `records.retention.${policyId}`, value: own, limit: stated.period, source },
    );
  }
  return {
    policyId,
    period: own,
    source: agency
      ? renderSource({ kind: 'agency-setting', setting: 'records.retention', isDefault: false, note: own })
      : `${renderSource(stated.source)}; agency period ${own}`,
    agencySetting: agency,
    configured: true,
  };
}

/** Checks every configured period at start-up, so a bad setting stops the process before any case closes. */
export function checkRetentionSettings(configured: Readonly<Record<string, string>>): void {
  for (const policyId of Object.keys(configured)) resolveRetention(policyId, configured);
}
