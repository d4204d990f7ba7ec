// One inmate labor contract's record under NC DOC Policy D.0700 §.0705: what a case system sends, and
// the rules the record applies on top of the policy's schedules. The policy (policies/nc-doc-contract.ts)
// dates each suspension, each count's twelve months and the warning letter's answer; this module counts
// a new violation against the earlier ones of its heading, picks the rung it draws, and says what a
// suspended contract still waits for before it may resume. It is pure: it reads only instants the
// workflow already holds (recorded schedules), never a calendar or the clock.
//
// Contracts and violations are identified by opaque codes only: no contractor names, no narrative.
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { DomainError } from '../errors';
import { sectionCiter } from '../policies/citations';
import {
  AUTHORITY_TITLES,
  CONTRACT_HEADINGS,
  contractLadders,
  ncDocContract,
  OSHA_SURVEY_QUOTE,
  SAFETY_REVIEW_QUOTE,
  type ContractHeading,
  type HeadingLadder,
  type LadderRung,
  type ResumptionRequirement,
} from '../policies/nc-doc-contract';
import type { ExtensionRecord } from '../types';
import * as common from './common';

export { CONTRACT_HEADINGS, type ContractHeading, type ResumptionRequirement };

export const CONTRACT_POLICY_ID = 'nc-doc-contract';
export const CONTRACT_CASE_TYPE = 'contract';
export const CONTRACT_JURISDICTION = 'US-NC';

/** Renders a citation of the policy, the way schedule entries do. */
export const cite = sectionCiter(ncDocContract);

export const contractIntakeSchema = sharedSchema('cases/contract#contractIntakeSchema', () =>
  z.object({
    /** The contract's opaque number, e.g. ILC-2027-0042: the record's case number. */
    contractNumber: common.caseNumberSchema,
    facility: common.facilityCodeSchema,
    /** Pins the record to this policy version; by default the latest when the record opens. */
    /** Agency settings of nc-doc-contract, e.g. `{ 'osha-survey': 'required' }`. */
    ...common.policyFields('nc-doc-contract'),
    ...common.recordLifeFields,
  }),
);
export type ContractIntakeInput = z.input<typeof contractIntakeSchema>;
export type ContractIntake = z.output<typeof contractIntakeSchema>;

/** Parses an intake (its settings checked against the policy version it pins). */
export function parseContractIntake(raw: unknown): ContractIntake {
  return common.parseIntake(contractIntakeSchema, raw, 'contract record', CONTRACT_POLICY_ID);
}

export const violationIdSchema = sharedSchema('cases/contract#violationIdSchema', () =>
  z.string().regex(/^V\d{1,6}$/, 'a violation ID of this record, like V2'),
);

/** The case system's own record of the violation: an opaque code, never a narrative. */
export const referenceSchema = sharedSchema('cases/contract#referenceSchema', () =>
  z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'an opaque reference like INC-2027-0042 (no names or text)'),
);

export const violationConfirmedSchema = sharedSchema('cases/contract#violationConfirmedSchema', () =>
  z.object({
    /** When the violation was confirmed: day 0 of its suspension and of its twelve-month count. */
    at: common.isoInstantSchema,
    by: common.staffIdSchema,
    heading: z.enum(CONTRACT_HEADINGS),
    reference: referenceSchema,
  }),
);
export type ViolationConfirmedInput = z.input<typeof violationConfirmedSchema>;

/** A letter, review or survey: for one violation (optional when only one is waiting for it). */
export const requirementEventSchema = sharedSchema('cases/contract#requirementEventSchema', () =>
  z.object({
    at: common.isoInstantSchema,
    by: common.staffIdSchema,
    violationId: violationIdSchema.optional(),
  }),
);
export type RequirementEventInput = z.input<typeof requirementEventSchema>;

export const contractResumedSchema = sharedSchema('cases/contract#contractResumedSchema', () =>
  z.object({ at: common.isoInstantSchema, by: common.staffIdSchema }),
);
export type ContractResumedInput = z.input<typeof contractResumedSchema>;

export const contractEndedSchema = sharedSchema('cases/contract#contractEndedSchema', () =>
  common.recordEndSchema(['expired', 'completed', 'terminated', 'other']),
);
export type ContractEndedInput = z.input<typeof contractEndedSchema>;

/** The ladder of a policy version; a version without one is a programming error, refused loudly. */
export function ladderOf(version: string, heading: ContractHeading): HeadingLadder {
  const ladders = contractLadders(version);
  if (!ladders) {
    throw new DomainError('UNKNOWN_POLICY_VERSION', `nc-doc-contract@${version} has no ladder table`, {
      field: 'policyVersion',
      value: version,
    });
  }
  return ladders[heading];
}

// ---------------------------------------------------------------------------------------------
// The count and the rung

export type BeyondLastRung = 'top-rung-and-alert' | 'top-rung';

/** What the record knows of an earlier violation, from its recorded schedule. */
export interface PriorViolation {
  id: string;
  heading: ContractHeading;
  at: string;
  /** The end of its twelve-month count (the recorded `count.window`); absent: it counts forever ((e)). */
  countsUntil?: string;
}

export interface LadderDecision {
  heading: ContractHeading;
  /** Its place in the heading's count: 1 + the earlier violations of the heading that still count. */
  position: number;
  /** The earlier violations it was counted with. */
  countedWith: string[];
  rung: LadderRung;
  /** Past the last rung: the top rung applies (agency setting `beyond-last-rung`). */
  beyondLadder: boolean;
  /** Who else is told, and why (past the last rung, when the agency setting says so). */
  alert?: { role: string; reason: string };
  summary: string;
}

const ORDINALS = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth'];
export const ordinal = (n: number): string => ORDINALS[n - 1] ?? `${n}th`;

/** Whether an earlier violation still counts at `at` (both are recorded in the order they occurred). */
export function countsAt(prior: PriorViolation, at: string): boolean {
  const when = Date.parse(at);
  if (Date.parse(prior.at) > when) return false;
  return prior.countsUntil === undefined || when <= Date.parse(prior.countsUntil);
}

/** The sanction in words: "a letter of warning from the Facility Head", "a three month suspension by ...". */
export function sanctionWords(rung: LadderRung): string {
  const by = AUTHORITY_TITLES[rung.authority];
  return rung.sanction === 'warning-letter'
    ? `a letter of warning from the ${by}`
    : `a ${rung.length?.words} suspension by the ${by}`;
}

/**
 * The rung a newly confirmed violation draws: its position among the violations of its heading that
 * still count (each heading keeps its own count, D.0705), the rung at that position, and past the
 * last rung the top rung, with the agency setting's alert.
 */
export function decideSanction(
  ladder: HeadingLadder,
  priors: readonly PriorViolation[],
  at: string,
  beyond: BeyondLastRung,
): LadderDecision {
  const counted = priors.filter((p) => p.heading === ladder.heading && countsAt(p, at));
  const position = counted.length + 1;
  const last = ladder.rungs[ladder.rungs.length - 1] as LadderRung;
  const rung = ladder.rungs[position - 1] ?? last;
  const beyondLadder = position > ladder.rungs.length && ladder.pastLastRung === 'agency-setting';
  const within = ladder.window === 'twelve-months' ? ' within a twelve month period' : '';
  const parts = [
    `The ${ordinal(position)} confirmed violation under ${ladder.section}${position > 1 ? within : ''}: ${sanctionWords(rung)} (${cite(rung.section)}).`,
  ];
  let alert: LadderDecision['alert'];
  if (beyondLadder) {
    parts.push(
      `${ladder.section} stops at the ${ordinal(ladder.rungs.length)}; past it the top rung applies (agency setting nc-doc-contract.beyond-last-rung = ${beyond}).`,
    );
    if (beyond === 'top-rung-and-alert') {
      alert = {
        role: ladder.nextAuthority,
        reason: `the ${ordinal(position)} confirmed violation under ${ladder.section}${within} is past the ladder's last rung`,
      };
    }
  } else if (position > ladder.rungs.length) {
    parts.push(`Any subsequent one draws the same (${cite(rung.section)}).`);
  }
  return {
    heading: ladder.heading,
    position,
    countedWith: counted.map((p) => p.id),
    rung,
    beyondLadder,
    ...(alert ? { alert } : {}),
    summary: parts.join(' '),
  };
}

// ---------------------------------------------------------------------------------------------
// Resumption

export const REQUIREMENT_EVENTS: Record<ResumptionRequirement, string> = {
  'response-letter': 'response-letter.received',
  'safety-review': 'safety-review.completed',
  'osha-survey': 'osha-survey.completed',
};

export const REQUIREMENT_LABELS: Record<ResumptionRequirement, string> = {
  'response-letter': "the contractor's letter specifying corrective action taken",
  'safety-review': "an agency safety officer's review of the safety program and corrective actions",
  'osha-survey': 'the OSHA Consultative Services survey and correction of its discrepancies',
};

export interface Requirement {
  requirement: ResumptionRequirement;
  rule: string;
  source: string;
}

/** What a violation's rung requires, with the OSHA survey when the agency requires it for (e). */
export function requirementsOf(
  ladder: HeadingLadder,
  rung: LadderRung,
  oshaRequired: boolean,
): Requirement[] {
  const list: Requirement[] = rung.requires.map((requirement) => ({
    requirement,
    rule:
      requirement === 'safety-review'
        ? SAFETY_REVIEW_QUOTE
        : rung.sanction === 'warning-letter'
          ? 'The warning letter will require a letter of response specifying corrective action taken.'
          : `As part of the suspension the ${AUTHORITY_TITLES[rung.authority]} will require a letter specifying corrective action taken before the contract is resumed.`,
    source: cite(rung.section),
  }));
  if (ladder.heading === 'e' && oshaRequired) {
    list.push({
      requirement: 'osha-survey',
      rule: OSHA_SURVEY_QUOTE,
      source: `${cite(rung.section)}; agency setting nc-doc-contract.osha-survey = required`,
    });
  }
  return list;
}

export interface SuspensionState {
  violationId: string;
  requirements: Requirement[];
  /** Requirement events recorded for the violation (policy event key → instant). */
  events: Record<string, string>;
}

/** The requirements not yet met at `at` (recorded at or before it). */
export function missingAt(suspension: SuspensionState, at: string): Requirement[] {
  const when = Date.parse(at);
  return suspension.requirements.filter((r) => {
    const done = suspension.events[REQUIREMENT_EVENTS[r.requirement]];
    return done === undefined || Date.parse(done) > when;
  });
}

/** Refuses a resumption while a suspension in force still waits for a letter, review or survey. */
export function requireResumable(suspensions: readonly SuspensionState[], at: string): void {
  for (const suspension of suspensions) {
    const missing = missingAt(suspension, at);
    const first = missing[0];
    if (!first) continue;
    throw new DomainError(
      'RESUMPTION_REQUIREMENT_MISSING',
      `the contract may not resume at ${at}: the suspension for ${suspension.violationId} still waits for ${missing.map((m) => REQUIREMENT_LABELS[m.requirement]).join(' and ')} ("${first.rule}" ${first.source})`,
      {
        field: 'at',
        value: at,
        violationId: suspension.violationId,
        missing: missing.map((m) => m.requirement),
        rule: first.rule,
        source: first.source,
      },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// The record's violations and their keys in the one deadline book

/** One confirmed violation as the record keeps it (and carries over at continue-as-new). */
export interface ContractViolation {
  /** V1, V2, ... in the order confirmed. */
  id: string;
  heading: ContractHeading;
  reference: string;
  at: string;
  confirmedBy: string;
  position: number;
  countedWith: string[];
  rung: number;
  beyondLadder: boolean;
  summary: string;
  /** The events of its schedule (policy event keys → instants). */
  events: Record<string, string>;
  extensions: ExtensionRecord[];
  resumedAt?: string;
  termEndedAt?: string;
  countEndedAt?: string;
}

/** `V3:suspension.term` → the violation and the policy key. */
export function splitViolationKey(key: string): { violationId: string; base: string } | undefined {
  const match = /^(V\d+):(.+)$/.exec(key);
  return match ? { violationId: match[1] as string, base: match[2] as string } : undefined;
}
