// Title IX intake and event payloads (ACSD Policy 3.26 / 8.20, seed 003): what a case system sends to
// open a case for one report of sexual harassment, and the payloads of the events that follow.
//
// Confidentiality (3.26 Confidentiality): the District keeps confidential the identity of every
// reporter, complainant, respondent and witness. So a person is known to Docket by an opaque party ID
// (which may appear in notice keys, the timeline and logs) plus contact details (name, email) that
// live only in the workflow's input and state and in the notice activity's input, all of which the
// payload codec encrypts. Contact details never reach a workflow ID, a search attribute, a log line, a
// timer or activity summary, or the workflow's current details.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import * as common from './common';

export const TITLE_IX_POLICY_ID = 'acsd-title-ix';

/** An opaque party ID from the case system, e.g. P-0001: upper-case letters, digits and dashes. */
export const partyIdSchema = sharedSchema('cases/title-ix#partyIdSchema', () =>
  common.opaquePersonIdSchema('party ID', 'P-0001'),
);

export const partyRoles = ['complainant', 'respondent', 'reporter', 'witness'] as const;
export type PartyRole = (typeof partyRoles)[number];

/** The parties to the grievance process proper: they receive its written notices (3.26). */
export const NOTICED_ROLES: readonly PartyRole[] = ['complainant', 'respondent'];

const contactSchema = sharedSchema('cases/title-ix#contactSchema', () =>
  z.object({
    email: common.emailSchema('not a valid email address'),
    /** Shown in the To: header of the person's own notices only. */
    name: z.string().trim().min(1).max(200).optional(),
  }),
);

export const partySchema = sharedSchema('cases/title-ix#partySchema', () =>
  z
    .object({
      id: partyIdSchema,
      role: z.enum(partyRoles),
      email: common.emailSchema('not a valid email address').optional(),
      name: z.string().trim().min(1).max(200).optional(),
      /** 3.26: evidence goes to "each party and the party's advisor, if any". */
      advisor: contactSchema.optional(),
    })
    .superRefine((party, ctx) => {
      if (NOTICED_ROLES.includes(party.role) && party.email === undefined) {
        common.fieldIssue(
          ctx,
          'email',
          `a ${party.role} receives the written notices of 3.26 by email: an address is required`,
        );
      }
      // The party ID travels where identities may not (notice keys, timeline, logs): refuse one that
      // spells out part of the person's name or address. The message never repeats the value.
      const id = party.id.toLowerCase();
      const tokens = [party.name ?? '', party.email?.split('@')[0] ?? '', party.advisor?.name ?? '']
        .flatMap((text) => text.toLowerCase().split(/[^\p{L}\p{N}]+/u))
        .filter((token) => token.length >= 3);
      if (tokens.some((token) => id.includes(token))) {
        common.fieldIssue(
          ctx,
          'id',
          'the party ID must be opaque: it may not contain any part of the name or email address',
        );
      }
    }),
);
export type PartyInput = z.input<typeof partySchema>;
export type Party = z.output<typeof partySchema>;

export const titleIxIntakeSchema = sharedSchema('cases/title-ix#titleIxIntakeSchema', () =>
  z
    .object({
      caseNumber: common.caseNumberSchema,
      facility: common.facilityCodeSchema.default('ACSD'),
      /** When the Title IX Coordinator received the report (directly or from another staff member). */
      reportReceivedAt: common.isoInstantSchema,
      /** Opaque staff ID of the Title IX Coordinator handling the case (role separation, 3.26 Appeals). */
      coordinatorId: common.staffIdSchema,
      /** Everyone known at intake; more may be recorded later (`recordParty`). */
      parties: z.array(partySchema).min(1).max(20),
      ...common.policyFields('acsd-title-ix'),
    })
    .superRefine((intake, ctx) => {
      const ids = intake.parties.map((p) => p.id);
      const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
      if (duplicate !== undefined) {
        common.fieldIssue(ctx, 'parties', `party ID ${duplicate} appears twice`);
      }
      // 3.26: "the Title IX Coordinator shall contact the complainant": there must be one to contact.
      if (!intake.parties.some((p) => p.role === 'complainant')) {
        common.fieldIssue(ctx, 'parties', 'a report names at least one complainant');
      }
    }),
);
export type TitleIxIntakeInput = z.input<typeof titleIxIntakeSchema>;
export type TitleIxIntake = z.output<typeof titleIxIntakeSchema>;

/** Parses and checks an intake; throws INVALID_INPUT naming the field (never echoing a value). */
export function parseTitleIxIntake(raw: unknown): TitleIxIntake {
  return common.parseIntake(titleIxIntakeSchema, raw, 'title IX intake', TITLE_IX_POLICY_ID);
}

// ---------------------------------------------------------------------------------------------
// Event payloads. `by` is always the opaque staff ID of the person who performed the act: the role
// separation checks of 3.26 rest on it.

/** An act Docket performs itself (sending a written notice): its instant is Docket's clock. */
export const docketActSchema = sharedSchema('cases/title-ix#docketActSchema', () =>
  z.object({
    by: common.staffIdSchema,
    documentRef: common.documentRefSchema.optional(),
    note: z.string().max(2_000).optional(),
  }),
);
export type DocketActInput = z.input<typeof docketActSchema>;

export const documentEventSchema = sharedSchema('cases/title-ix#documentEventSchema', () =>
  common.eventBaseSchema.extend({ documentRef: common.documentRefSchema.optional() }),
);
export type DocumentEventInput = z.input<typeof documentEventSchema>;

export const formalComplaintSchema = sharedSchema('cases/title-ix#formalComplaintSchema', () =>
  common.eventBaseSchema.extend({
    /** Opaque staff IDs of the investigator(s) assigned (3.26: the District may hire investigators). */
    investigatorIds: z.array(common.staffIdSchema).max(10).default([]),
  }),
);
export type FormalComplaintInput = z.input<typeof formalComplaintSchema>;

export const supportiveMeasureStatuses = [
  'offered',
  'accepted',
  'declined',
  'requested',
  'provided',
] as const;

export const supportiveMeasuresSchema = sharedSchema('cases/title-ix#supportiveMeasuresSchema', () =>
  common.eventBaseSchema.extend({
    party: partyIdSchema,
    status: z.enum(supportiveMeasureStatuses),
    /** 3.26 Supportive Measures: a complainant's decline counts only in writing. */
    inWriting: z.boolean().default(false),
  }),
);
export type SupportiveMeasuresInput = z.input<typeof supportiveMeasuresSchema>;

export const recordPartySchema = sharedSchema('cases/title-ix#recordPartySchema', () =>
  z.object({ by: common.staffIdSchema, party: partySchema }),
);
export type RecordPartyInput = z.input<typeof recordPartySchema>;

export const determinationOutcomes = ['responsible', 'not-responsible', 'mixed'] as const;

export const determinationSchema = sharedSchema('cases/title-ix#determinationSchema', () =>
  docketActSchema.extend({ outcome: z.enum(determinationOutcomes) }),
);
export type DeterminationInput = z.input<typeof determinationSchema>;

/** 3.26 Appeals, bases a to d. */
export const appealBases = [
  'procedural-irregularity',
  'new-evidence',
  'conflict-of-interest',
  'sanctions',
] as const;

export const appealSchema = sharedSchema('cases/title-ix#appealSchema', () =>
  common.eventBaseSchema.extend({
    /** The party who appealed. */
    party: partyIdSchema,
    basis: z.array(z.enum(appealBases)).min(1).max(4),
  }),
);
export type AppealInput = z.input<typeof appealSchema>;

export const appealResults = ['affirmed', 'reversed', 'modified'] as const;

export const appealDecisionSchema = sharedSchema('cases/title-ix#appealDecisionSchema', () =>
  docketActSchema.extend({ result: z.enum(appealResults) }),
);
export type AppealDecisionInput = z.input<typeof appealDecisionSchema>;

/** 3.26: the grounds on which the District shall dismiss, and those on which it may. */
export const REQUIRED_DISMISSAL_REASONS = [
  'not-sexual-harassment',
  'not-in-education-program',
  'not-in-united-states',
] as const;
export const DISCRETIONARY_DISMISSAL_REASONS = [
  'complainant-withdrew-in-writing',
  'respondent-not-enrolled',
  'evidence-unobtainable',
] as const;

export const DISMISSAL_REASON_TEXT: Record<string, string> = {
  'not-sexual-harassment':
    'the conduct alleged would not constitute sexual harassment as defined in the policy even if proved',
  'not-in-education-program': "the conduct did not occur in the District's education program or activity",
  'not-in-united-states': 'the conduct did not occur against a person in the United States',
  'complainant-withdrew-in-writing':
    'the complainant notified the Title IX Coordinator in writing that the complainant would like to withdraw the formal complaint',
  'respondent-not-enrolled': 'the respondent is no longer enrolled at the District',
  'evidence-unobtainable':
    'specific circumstances prevent the District from gathering evidence sufficient to reach a determination',
};

export const dismissalSchema = sharedSchema('cases/title-ix#dismissalSchema', () =>
  docketActSchema
    .extend({
      grounds: z.enum(['required', 'discretionary']),
      reason: z.enum([...REQUIRED_DISMISSAL_REASONS, ...DISCRETIONARY_DISMISSAL_REASONS]),
    })
    .refine(
      (d) =>
        (d.grounds === 'required' ? REQUIRED_DISMISSAL_REASONS : DISCRETIONARY_DISMISSAL_REASONS).some(
          (reason) => reason === d.reason,
        ),
      {
        path: ['reason'],
        message:
          'the reason does not match the grounds: required dismissals are not-sexual-harassment, not-in-education-program, not-in-united-states; discretionary ones complainant-withdrew-in-writing, respondent-not-enrolled, evidence-unobtainable (3.26)',
      },
    ),
);
export type DismissalInput = z.input<typeof dismissalSchema>;

export const closeReportSchema = sharedSchema(
  'cases/title-ix#closeReportSchema',
  () => common.eventBaseSchema,
);
export type CloseReportInput = z.input<typeof closeReportSchema>;
