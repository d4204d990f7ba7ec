// Intake of the two short procedures of NC DOC Policy D.0700 beside the contract record: a Community
// Work Program project (§.0706) and an Enterprises temporary transfer (§.0707(h)). Opaque codes only.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { DomainError } from '../errors';
import { CWP_MAX_LABOR_DAYS } from '../policies/nc-doc-work-programs';
import * as common from './common';
import { cite } from './contract';

export const CWP_POLICY_ID = 'nc-doc-cwp';
export const CWP_CASE_TYPE = 'cwp-project';
export const TRANSFER_POLICY_ID = 'nc-doc-transfer';
export const TRANSFER_CASE_TYPE = 'enterprises-transfer';
export const NC_JURISDICTION = 'US-NC';

export const cwpIntakeSchema = sharedSchema('cases/work-programs#cwpIntakeSchema', () =>
  z.object({
    caseNumber: common.caseNumberSchema,
    facility: common.facilityCodeSchema,
    /** Planned length in consecutive labor days, day 1 being the day work began. */
    plannedLaborDays: z
      .number()
      .int()
      .min(1)
      .max(
        CWP_MAX_LABOR_DAYS,
        `at most ${CWP_MAX_LABOR_DAYS}: "These work projects have a duration of ten (10) consecutive labor days or less." (${cite('D.0706')})`,
      ),
    /** When work on the project began: labor day 1. */
    startedAt: common.isoInstantSchema,
    ...common.policyFields('nc-doc-cwp'),
  }),
);
export type CwpIntakeInput = z.input<typeof cwpIntakeSchema>;
export type CwpIntake = z.output<typeof cwpIntakeSchema>;

export const parseCwpIntake = (raw: unknown): CwpIntake =>
  common.parseIntake(cwpIntakeSchema, raw, 'community work project', CWP_POLICY_ID);

/** The supervising Correctional Officer may end the work at any time (D.0706(h)). */
export const projectTerminatedSchema = sharedSchema('cases/work-programs#projectTerminatedSchema', () =>
  common.eventBaseSchema.extend({
    reason: z.enum(['terminated-by-officer', 'cancelled-by-agency', 'other']),
  }),
);
export type ProjectTerminatedInput = z.input<typeof projectTerminatedSchema>;

export const TRANSFER_NOTICE_HOURS = 24;

export const transferIntakeSchema = sharedSchema('cases/work-programs#transferIntakeSchema', () =>
  z.object({
    caseNumber: common.caseNumberSchema,
    /** The receiving facility, nearer the job site. */
    facility: common.facilityCodeSchema,
    /** The inmates' home facility, to which they return at the end of the workweek (D.0707(h)(4)). */
    homeFacility: common.facilityCodeSchema,
    /** When the arrangements were made with DOP Transportation staff and the receiving facility. */
    arrangedAt: common.isoInstantSchema,
    /** The requested transfer. */
    transferAt: common.isoInstantSchema,
    ...common.policyFields('nc-doc-transfer'),
  }),
);
export type TransferIntakeInput = z.input<typeof transferIntakeSchema>;
export type TransferIntake = z.output<typeof transferIntakeSchema>;

/**
 * Parses a transfer and refuses one requested less than 24 hours after its arrangements
 * (D.0707(h)(1)): hours are exact elapsed time, so this needs no calendar.
 */
export function parseTransferIntake(raw: unknown): TransferIntake {
  const intake = common.parseIntake(transferIntakeSchema, raw, 'enterprises transfer', TRANSFER_POLICY_ID);
  const earliest = Date.parse(intake.arrangedAt) + TRANSFER_NOTICE_HOURS * 3_600_000;
  if (Date.parse(intake.transferAt) < earliest) {
    const source = cite('D.0707(h)(1)');
    throw new DomainError(
      'TOO_EARLY',
      `transferAt ${intake.transferAt} is less than 24 hours after the arrangements (${intake.arrangedAt}); the earliest transfer is ${new Date(earliest).toISOString()}: arrangements are made at least 24 hours prior to the requested transfer (${source})`,
      {
        field: 'transferAt',
        value: intake.transferAt,
        earliest: new Date(earliest).toISOString(),
        rule: 'transfer.earliest',
        source,
      },
    );
  }
  if (intake.homeFacility === intake.facility) {
    throw new DomainError('INVALID_INPUT', 'homeFacility: a temporary transfer goes to another facility', {
      field: 'homeFacility',
      value: intake.homeFacility,
    });
  }
  return intake;
}
