// Grievance intake: what a case system sends to open an inmate grievance (OP-090124 §III.E), and the
// rules that refuse a non-grievable matter at the door (§III.E.2, §III.E.10.c).
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { DomainError } from '../errors';
import { citeSection } from '../policies/citations';
import { okDocGrievance } from '../policies/ok-doc-grievance';
import * as common from './common';

export const GRIEVANCE_POLICY_ID = 'ok-doc-grievance';

export const grievanceCategories = ['general', 'medical', 'emergency', 'sensitive', 'sexual-abuse'] as const;
export type GrievanceCategory = (typeof grievanceCategories)[number];

export const grievanceIntakeSchema = sharedSchema('cases/grievance#grievanceIntakeSchema', () =>
  z
    .object({
      caseNumber: common.caseNumberSchema,
      facility: common.facilityCodeSchema,
      category: z.enum(grievanceCategories),
      /** PREA 115.52(f): a sexual-abuse grievance alleging substantial risk of imminent sexual abuse. */
      preaEmergency: z.boolean().default(false),
      incidentAt: common.isoInstantSchema,
      /** Opaque IDs of staff directly involved: they may not decide the grievance (§III.E.5). */
      involvedStaffIds: z.array(common.staffIdSchema).max(50).default([]),
      /** The matter is in the course of litigation (§III.E.10.c). */
      inLitigation: z.boolean().default(false),
      /** The complaint is about a misconduct (disciplinary) report or finding (§III.E.2). */
      disciplinaryMatter: z.boolean().default(false),
      ...common.policyFields('ok-doc-grievance'),
    })
    .refine((intake) => !intake.preaEmergency || intake.category === 'sexual-abuse', {
      path: ['preaEmergency'],
      message: 'the PREA emergency track applies only to the sexual-abuse category',
    }),
);

export type GrievanceIntakeInput = z.input<typeof grievanceIntakeSchema>;
export type GrievanceIntake = z.output<typeof grievanceIntakeSchema>;

/** Parses and checks an intake; throws INVALID_INPUT or NOT_GRIEVABLE naming the field and the rule. */
export function parseGrievanceIntake(raw: unknown): GrievanceIntake {
  const intake = common.parseIntake(grievanceIntakeSchema, raw, 'grievance intake', GRIEVANCE_POLICY_ID);
  if (intake.disciplinaryMatter) {
    throw new DomainError(
      'NOT_GRIEVABLE',
      'not grievable: misconduct (disciplinary) reports and findings have their own appeal process (OP-090124 §III.E.2)',
      {
        field: 'disciplinaryMatter',
        value: true,
        rule: 'non-grievable',
        source: citeSection(okDocGrievance, 'III.E.2'),
      },
    );
  }
  if (intake.inLitigation) {
    throw new DomainError(
      'NOT_GRIEVABLE',
      'not grievable: the matter is in the course of litigation (OP-090124 §III.E.10.c, §III.E.2)',
      {
        field: 'inLitigation',
        value: true,
        rule: 'non-grievable',
        source: citeSection(okDocGrievance, 'III.E.10.c'),
      },
    );
  }
  return intake;
}

/** The policy facts a grievance's category selects (routing and track). */
export function grievanceFacts(intake: GrievanceIntake): { category: string; track: string } {
  switch (intake.category) {
    case 'general':
    case 'medical':
      return { category: intake.category, track: 'standard' };
    case 'emergency':
    case 'sensitive':
      // §III.E.11: straight to the reviewing authority, skipping informal resolution.
      return { category: 'general', track: 'emergency' };
    case 'sexual-abuse':
      return { category: 'sexual-abuse', track: intake.preaEmergency ? 'emergency' : 'standard' };
  }
}

/** The reviewing authority's decision on a grievance. */
export const decisionSchema = sharedSchema('cases/grievance#decisionSchema', () =>
  common.eventBaseSchema.extend({
    outcome: z.enum(['granted', 'denied', 'partially-granted', 'dismissed']),
  }),
);
export type DecisionInput = z.input<typeof decisionSchema>;
