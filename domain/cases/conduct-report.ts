// Staff conduct cases: what a case system sends to open one and to record what follows, for two kinds.
// - `report` (Oklahoma OMES public works programs, seed 000): an employee reports prohibited
//   activities, relationships, over-familiarity, sexual misconduct or harassment, or retaliation with an
//   offender or ex-offender; OMES investigates.
// - `disclosure` (Wyoming DOC Policy 1.006 §IV.A.2, seed 001): an employee's written notice of a
//   pre-existing relationship or of regular lawful social contact with an inmate or offender, and the
//   warden's decision on it.
//
// Confidentiality: the reporter, the employee reported, the employee giving notice and the inmate or
// offender are known to Docket by opaque IDs only. No name, no narrative: the allegation's category
// and the dates live in the workflow's input and state (payloads, which the codec encrypts) and never in
// a workflow ID, a search attribute, a log line, a notice to staff or a summary.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { DomainError } from '../errors';
import { citeSection } from '../policies/citations';
import { omesPwpConduct } from '../policies/omes-pwp-conduct';
import { localDateOf } from '../time';
import type { ScheduleEntry } from '../types';
import * as common from './common';

export const CONDUCT_REPORT_POLICY_ID = 'omes-pwp-conduct';
export const DISCLOSURE_POLICY_ID = 'wdoc-employee-contact';
export const DEFINITIONS_SOURCE = citeSection(omesPwpConduct, 'Definitions');

/** An opaque ID of the inmate, offender or ex-offender in the case system: never a name or DOC number. */
export const personIdSchema = sharedSchema('cases/conduct-report#personIdSchema', () =>
  common.opaquePersonIdSchema('person ID', 'P-0042'),
);

/** The headings of seed 000 under which conduct is prohibited. */
export const conductCategories = [
  'prohibited-activity',
  'prohibited-relationship',
  'over-familiarity',
  'sexual-misconduct',
  'sexual-harassment',
  'retaliation',
  'offender-on-offender',
] as const;

export const personStatuses = ['in-custody', 'under-supervision', 'discharged'] as const;

const personSchema = sharedSchema('cases/conduct-report#personSchema', () =>
  z
    .object({
      id: personIdSchema,
      /** Where the person stood at the time of the contact, as the case system records it. */
      status: z.enum(personStatuses),
      /** For `discharged`: when the discharge or termination from custody or supervision took effect. */
      dischargedAt: common.isoInstantSchema.optional(),
      /** When the contact (the conduct reported) took place; the last one, if several. */
      contactAt: common.isoInstantSchema,
    })
    .superRefine((person, ctx) => {
      if (person.status === 'discharged' && person.dischargedAt === undefined) {
        common.fieldIssue(
          ctx,
          'dischargedAt',
          'a discharged person needs the date of discharge (ex-offender status runs 180 days from it)',
        );
      }
      if (person.status !== 'discharged' && person.dischargedAt !== undefined) {
        common.fieldIssue(ctx, 'dischargedAt', `a person ${person.status} has not been discharged`);
      }
    }),
);

export const conductReportIntakeSchema = sharedSchema('cases/conduct-report#conductReportIntakeSchema', () =>
  z
    .object({
      kind: z.literal('report'),
      caseNumber: common.caseNumberSchema,
      facility: common.facilityCodeSchema.default('OMES-PWP'),
      category: z.enum(conductCategories),
      /** Opaque staff ID of the employee who reported. */
      reporterId: common.staffIdSchema,
      reportedTo: z.enum(['supervisor', 'hr']),
      /** Opaque staff ID of the employee whose conduct is reported, when an employee's is. */
      subjectEmployeeId: common.staffIdSchema.optional(),
      person: personSchema,
      /** When the reporting employee witnessed or learned of the violation. */
      learnedAt: common.isoInstantSchema,
      /** When the report reached the supervisor or Human Resources. */
      reportedAt: common.isoInstantSchema,
      ...common.policyFields('omes-pwp-conduct'),
    })
    .superRefine((intake, ctx) => {
      if (Date.parse(intake.reportedAt) < Date.parse(intake.learnedAt)) {
        common.fieldIssue(ctx, 'reportedAt', 'the report cannot precede learning of it (learnedAt)');
      }
      if (Date.parse(intake.learnedAt) < Date.parse(intake.person.contactAt)) {
        common.fieldIssue(
          ctx,
          'learnedAt',
          'the violation cannot be learned of before the contact took place (person.contactAt)',
        );
      }
      if (intake.subjectEmployeeId !== undefined && intake.subjectEmployeeId === intake.reporterId) {
        common.fieldIssue(
          ctx,
          'subjectEmployeeId',
          'the employee reported is the reporter: record a self-report with reportedTo and no subjectEmployeeId',
        );
      }
    }),
);

export const relationshipKinds = [
  /** §IV.A.2.i.a: a pre-existing relationship with an inmate. */
  'pre-existing-inmate',
  /** §IV.A.2.i.b: a pre-existing relationship with an offender. */
  'pre-existing-offender',
  /** §IV.A.2.ii: regular lawful social contact expected to continue. */
  'social-contact',
] as const;

export const disclosureIntakeSchema = sharedSchema('cases/conduct-report#disclosureIntakeSchema', () =>
  z
    .object({
      kind: z.literal('disclosure'),
      caseNumber: common.caseNumberSchema,
      facility: common.facilityCodeSchema.default('WDOC'),
      /** Opaque staff ID of the employee who gave the notice. */
      employeeId: common.staffIdSchema,
      relationship: z.enum(relationshipKinds),
      personId: personIdSchema,
      /** When the written notice reached the warden / division administrator or designee. */
      noticeReceivedAt: common.isoInstantSchema,
      documentRef: common.documentRefSchema.optional(),
      /** §IV.A.2.i.a: whether the employee wishes to correspond with, visit, or send money to the inmate. */
      wishes: z.object({ correspond: z.boolean(), visit: z.boolean(), sendMoney: z.boolean() }).optional(),
      /** §IV.A.2.i.b: the intention to continue and/or modify the relationship. */
      intention: z.enum(['continue', 'modify', 'continue-and-modify']).optional(),
      ...common.policyFields('wdoc-employee-contact'),
    })
    .superRefine((intake, ctx) => {
      if (intake.relationship === 'pre-existing-inmate' && intake.wishes === undefined) {
        common.fieldIssue(
          ctx,
          'wishes',
          'a notice of a pre-existing relationship with an inmate says whether the employee wishes to correspond, visit or send money (Policy 1.006 §IV.A.2.i.a)',
        );
      }
      if (intake.relationship === 'pre-existing-offender' && intake.intention === undefined) {
        common.fieldIssue(
          ctx,
          'intention',
          'a notice of a pre-existing relationship with an offender states the intention to continue and/or modify it (Policy 1.006 §IV.A.2.i.b)',
        );
      }
    }),
);

export const conductIntakeSchema = sharedSchema('cases/conduct-report#conductIntakeSchema', () =>
  z.discriminatedUnion('kind', [conductReportIntakeSchema, disclosureIntakeSchema]),
);

export type ConductIntakeInput = z.input<typeof conductIntakeSchema>;
export type ConductIntake = z.output<typeof conductIntakeSchema>;
export type ConductReportIntake = z.output<typeof conductReportIntakeSchema>;
export type DisclosureIntake = z.output<typeof disclosureIntakeSchema>;

/** Parses and checks an intake; throws INVALID_INPUT naming every bad field (never echoing a value). */
export function parseConductIntake(raw: unknown): ConductIntake {
  return common.parseIntake(conductIntakeSchema, raw, 'conduct-report intake', (intake) =>
    intake.kind === 'disclosure' ? DISCLOSURE_POLICY_ID : CONDUCT_REPORT_POLICY_ID,
  );
}

// ---------------------------------------------------------------------------------------------
// Event payloads

export const investigationCompletedSchema = sharedSchema(
  'cases/conduct-report#investigationCompletedSchema',
  () =>
    common.eventBaseSchema.extend({
      finding: z.enum(['substantiated', 'unsubstantiated', 'inconclusive']),
      documentRef: common.documentRefSchema.optional(),
    }),
);
export type InvestigationCompletedInput = z.input<typeof investigationCompletedSchema>;

/** Retaliation against someone for reporting or taking part (seed 000 Prohibited Retaliation). */
export const retaliationSchema = sharedSchema('cases/conduct-report#retaliationSchema', () =>
  common.eventBaseSchema.extend({
    /** Who was retaliated against, by role in the case. */
    against: z.enum(['reporter', 'witness', 'offender']),
    /** Opaque staff ID of the employee said to retaliate, when known. */
    byEmployeeId: common.staffIdSchema.optional(),
  }),
);
export type RetaliationInput = z.input<typeof retaliationSchema>;

export const wardenDecisionSchema = sharedSchema('cases/conduct-report#wardenDecisionSchema', () =>
  common.eventBaseSchema.extend({
    decision: z.enum(['approved', 'approved-with-conditions', 'denied']),
    documentRef: common.documentRefSchema.optional(),
  }),
);
export type WardenDecisionInput = z.input<typeof wardenDecisionSchema>;

// ---------------------------------------------------------------------------------------------
// Offender or ex-offender at the time of contact (seed 000 Definitions)

export type ContactStatus = 'offender' | 'ex-offender' | 'not-covered';

export interface ContactStatusView {
  status: ContactStatus;
  /** How it was decided, in words: the dates, the counting and the rule. */
  explanation: string;
  source: string;
  /** For a discharged person: the last instant of ex-offender status (end of discharge date + 180 days). */
  exOffenderUntil?: string;
}

/**
 * Whether the person was an offender or an ex-offender when the contact took place. An offender is
 * under the care, custody or supervision of the Oklahoma DOC; an ex-offender is "within 180 days of the
 * date following their discharge or termination": the `ex-offender.period` entry of the case's schedule
 * (day 0 = the discharge date; the date following it is the first of the 180 days; the last is the
 * discharge date plus 180 days, included to the end of that day in the calendar's zone).
 */
export function contactStatusOf(
  person: ConductReportIntake['person'],
  period: ScheduleEntry | undefined,
): ContactStatusView {
  if (person.status !== 'discharged') {
    return {
      status: 'offender',
      explanation: `At the contact (${person.contactAt}) the person was ${person.status === 'in-custody' ? 'in the custody' : 'under the supervision'} of the Oklahoma Department of Corrections: an offender.`,
      source: DEFINITIONS_SOURCE,
    };
  }
  const dischargedAt = person.dischargedAt as string;
  if (Date.parse(person.contactAt) < Date.parse(dischargedAt)) {
    return {
      status: 'offender',
      explanation: `The contact (${person.contactAt}) came before the discharge (${dischargedAt}): the person was still an offender.`,
      source: DEFINITIONS_SOURCE,
    };
  }
  if (!period?.dueAt) {
    throw new DomainError('MISSING_EVENT', 'the schedule has no ex-offender.period for a discharged person', {
      key: 'ex-offender.period',
    });
  }
  const contactOn = localDateOf(Date.parse(person.contactAt), period.zone);
  const dischargedOn = period.anchorAt.slice(0, 10);
  const lastDay = period.dueAt.slice(0, 10);
  const quote = period.source.kind === 'seed' && period.source.quote ? `"${period.source.quote}" ` : '';
  const counting = `${quote}The discharge was on ${dischargedOn}; the date following it is day 1 of the 180 days, so day 180 is ${lastDay}, included to ${period.localText}; from the next day the person is no longer an ex-offender.`;
  const within = Date.parse(person.contactAt) <= Date.parse(period.dueAt);
  return {
    status: within ? 'ex-offender' : 'not-covered',
    explanation: within
      ? `The contact on ${contactOn} falls within the 180 days: the person was an ex-offender. ${counting}`
      : `The contact on ${contactOn} falls after the 180 days: the person was neither an offender nor an ex-offender under this policy. ${counting}`,
    source: DEFINITIONS_SOURCE,
    exOffenderUntil: period.dueAt,
  };
}
