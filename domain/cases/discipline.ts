// Disciplinary case intake and event payloads (Oklahoma DOC OP-060125, seed 002 Part II §IV): what a
// case system sends to open a case when a supervisor accepts an offense report, and to record what
// happens next. Everything that can reach a workflow ID, a search attribute or a log line is an opaque
// code; the subject (the inmate) is known to Docket only by an opaque ID, and even that is hashed
// before it names the per-subject watch of suspended sanctions (§IV.C.9).
import { z } from 'zod';
import { sharedSchema } from '../shared-schemas';
import { citeSection } from '../policies/citations';
import { okDocDiscipline } from '../policies/ok-doc-discipline';
import * as common from './common';

export const DISCIPLINE_POLICY_ID = 'ok-doc-discipline';

export const CONFLICT_SOURCE = citeSection(okDocDiscipline, 'IV.B.1');
export const SANCTIONS_SOURCE = citeSection(okDocDiscipline, 'IV, Range of Allowable Sanctions');
export const SUSPENSION_SOURCE = citeSection(okDocDiscipline, 'IV.C.9');

/** Offense classes of the "Acts Constituting Rule Violation" table (X is the most serious). */
export const offenseClasses = ['X', 'A', 'B'] as const;
export type OffenseClass = (typeof offenseClasses)[number];

/** An offense code of the "Acts Constituting Rule Violation" table, e.g. 09-4. */
export const offenseCodeSchema = sharedSchema('cases/discipline#offenseCodeSchema', () =>
  z.string().regex(/^\d{2}-\d{1,2}$/, 'an offense code like 09-4 (Acts Constituting Rule Violation)'),
);

/** A sanction code of the "Range of Allowable Sanctions", e.g. 2A: number, then the class. */
export const sanctionCodeSchema = sharedSchema('cases/discipline#sanctionCodeSchema', () =>
  z.string().regex(/^\d{1,2}[XAB]$/, 'a sanction code like 2A (Range of Allowable Sanctions)'),
);

/** The subject's opaque ID in the case system (never a name or a pattern Docket chose). */
export const subjectIdSchema = sharedSchema('cases/discipline#subjectIdSchema', () =>
  z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'an opaque subject ID (A-Z, a-z, 0-9, . _ -)'),
);

export const disciplineIntakeSchema = sharedSchema('cases/discipline#disciplineIntakeSchema', () =>
  z
    .object({
      caseNumber: common.caseNumberSchema,
      facility: common.facilityCodeSchema,
      offenseCode: offenseCodeSchema,
      offenseClass: z.enum(offenseClasses),
      /** Opaque IDs of the staff who wrote, witnessed and accepted the report (§IV.B.1). */
      reportingStaffId: common.staffIdSchema,
      witnessingStaffIds: z.array(common.staffIdSchema).max(20).default([]),
      acceptingStaffId: common.staffIdSchema,
      /** §IV.C.4: held in pre-hearing detention because of an actual threat to security. */
      preHearingDetention: z.boolean(),
      /** Opaque ID of the inmate, used only to find the same subject's other cases (§IV.C.9). */
      subjectId: subjectIdSchema,
      /** When the violation was reported (anchors `investigation.start`, §IV.C.5). */
      reportedAt: common.isoInstantSchema,
      /** When the supervisor approved and accepted the report: the case's anchor (§IV.B.3, §IV.C.2). */
      acceptedAt: common.isoInstantSchema,
      ...common.policyFields('ok-doc-discipline'),
    })
    .refine((intake) => Date.parse(intake.acceptedAt) >= Date.parse(intake.reportedAt), {
      path: ['acceptedAt'],
      message: 'the report cannot be accepted before it was filed (reportedAt)',
    }),
);

export type DisciplineIntakeInput = z.input<typeof disciplineIntakeSchema>;
export type DisciplineIntake = z.output<typeof disciplineIntakeSchema>;

/** Parses and checks an intake; throws INVALID_INPUT naming every bad field. */
export function parseDisciplineIntake(raw: unknown): DisciplineIntake {
  return common.parseIntake(disciplineIntakeSchema, raw, 'discipline intake', DISCIPLINE_POLICY_ID);
}

/**
 * How a staff member is directly involved in the report, if at all (§IV.B.1.b, §IV.B.1.f): such staff
 * may not be the disciplinary officer or the staff representative. Serving the report, or knowing of
 * the offense, is not involvement (§IV.B.1.e).
 */
export function involvementOf(intake: DisciplineIntake, staffId: string): string | undefined {
  if (intake.reportingStaffId === staffId) return 'wrote the offense report';
  if (intake.witnessingStaffIds.includes(staffId)) return 'witnessed the offense';
  if (intake.acceptingStaffId === staffId) return 'accepted the offense report';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Event payloads (the updates of the discipline workflow)

export const inmateUnavailableSchema = sharedSchema('cases/discipline#inmateUnavailableSchema', () =>
  common.eventBaseSchema.extend({
    /** §IV.C.2: unavailability "will be documented in writing and attached to the completed report". */
    reason: z.string().trim().min(3, 'unavailability must be documented with its reason').max(500),
  }),
);
export type InmateUnavailableInput = z.input<typeof inmateUnavailableSchema>;

export const representativeRequestSchema = sharedSchema('cases/discipline#representativeRequestSchema', () =>
  common.eventBaseSchema.extend({
    /** The staff representative assigned, when known (checked for direct involvement). */
    representativeId: common.staffIdSchema.optional(),
  }),
);
export type RepresentativeRequestInput = z.input<typeof representativeRequestSchema>;

export const hearingScheduleSchema = sharedSchema('cases/discipline#hearingScheduleSchema', () =>
  common.eventBaseSchema.extend({
    /** When the hearing is to begin. */
    hearingAt: common.isoInstantSchema,
  }),
);
export type HearingScheduleInput = z.input<typeof hearingScheduleSchema>;

export const sanctionSchema = sharedSchema('cases/discipline#sanctionSchema', () =>
  z.object({
    code: sanctionCodeSchema,
    /**
     * For a suspended punishment: the end of the period the officer specified (the end of its last
     * day, local time, as the order states it). At most 90 days (§IV.C.9), checked against the
     * recorded `sanction.suspension` entry.
     */
    suspendedUntil: common.isoInstantSchema.optional(),
    /**
     * The term in days of a sanction measured in days (segregation, a level, visitation or telephone
     * restriction; or the days of credits revoked). Fixed rows ("for 30 days") need none; a row with a
     * range needs one within it (checked against the Range of Allowable Sanctions).
     */
    days: z.number().int().nonnegative().optional(),
    /** The hours of extra duty (6A, 5B). */
    hours: z.number().int().positive().optional(),
  }),
);
export type SanctionInput = z.input<typeof sanctionSchema>;

/** §IV.C.9: "no more than three (3) punishments"; an invoked suspended one is not among them. */
const sanctionsSchema = sharedSchema('cases/discipline#sanctionsSchema', () =>
  z
    .array(sanctionSchema)
    .max(3, 'no more than three punishments (§IV.C.9)')
    .refine((sanctions) => new Set(sanctions.map((s) => s.code)).size === sanctions.length, {
      message: 'each punishment is listed once',
    }),
);

export const hearingFindingSchema = sharedSchema('cases/discipline#hearingFindingSchema', () =>
  common.eventBaseSchema
    .extend({
      finding: z.enum(['guilty', 'not-guilty']),
      sanctions: sanctionsSchema.default([]),
    })
    .superRefine((finding, ctx) => {
      if (finding.finding === 'guilty' && finding.sanctions.length === 0) {
        common.fieldIssue(ctx, 'sanctions', 'a finding of guilt imposes a punishment');
      }
      if (finding.finding === 'not-guilty' && finding.sanctions.length > 0) {
        common.fieldIssue(ctx, 'sanctions', 'a finding of not guilty imposes none');
      }
    }),
);
export type HearingFindingInput = z.input<typeof hearingFindingSchema>;
export type HearingFinding = z.output<typeof hearingFindingSchema>;

/** The disciplinary officer's disposition of a guilty plea (a waived hearing, §IV.C.5). */
export const dispositionSchema = sharedSchema('cases/discipline#dispositionSchema', () =>
  common.eventBaseSchema.extend({
    sanctions: sanctionsSchema.min(1, 'a guilty plea is disposed of with a punishment'),
  }),
);
export type DispositionInput = z.input<typeof dispositionSchema>;

/**
 * The unit restored the privilege a sanction took away, on the last day of its term (Range of
 * Allowable Sanctions). `sanction` names the sanction, e.g. 7A.
 */
export const privilegeRestoredSchema = sharedSchema('cases/discipline#privilegeRestoredSchema', () =>
  common.eventBaseSchema.extend({ sanction: sanctionCodeSchema }),
);
export type PrivilegeRestoredInput = z.input<typeof privilegeRestoredSchema>;

/** §IV.C.12: the director affirms, dismisses, modifies, orders a rehearing, or remands. */
export const appealOutcomes = ['affirmed', 'dismissed', 'modified', 'rehearing-ordered', 'remanded'] as const;
export const appealDecisionSchema = sharedSchema('cases/discipline#appealDecisionSchema', () =>
  common.eventBaseSchema.extend({ outcome: z.enum(appealOutcomes) }),
);
export type AppealDecisionInput = z.input<typeof appealDecisionSchema>;

// ---------------------------------------------------------------------------------------------
// The per-subject watch of suspended sanctions

/**
 * The key of a subject's watch: a SHA-256 of the opaque subject ID (domain-separated and truncated to
 * 128 bits), so neither a name nor even the case system's opaque ID appears in a workflow ID.
 *
 * It is a fixed, unkeyed hash: anyone holding a candidate subject ID can compute its key. It keeps the
 * ID out of the UI and logs; it is not a secret against someone who can enumerate subject IDs.
 */
export function subjectWatchRef(subjectId: string): string {
  return sha256Hex(`docket/ok-doc-discipline/subject/v1:${subjectId}`).slice(0, 32);
}

export function subjectWatchWorkflowId(ref: string): string {
  return `subject-${ref}`;
}

// SHA-256 (FIPS 180-4) in plain TypeScript: workflow code runs in a sandbox without Node's crypto, and
// the key must be computed there, deterministically, on every replay.
const K = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
  0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
  0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
  0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
  0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
  0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
  0xc67178f2,
];
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

function utf8Bytes(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** Hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  const bytes = utf8Bytes(text);
  const bitLength = bytes.length * 8;
  bytes.push(0x80);
  while (bytes.length % 64 !== 56) bytes.push(0);
  // Length in bits as a 64-bit big-endian integer (the high word is 0 for any input we hash).
  const high = Math.floor(bitLength / 0x100000000);
  for (const word of [high, bitLength >>> 0])
    bytes.push(word >>> 24, (word >>> 16) & 255, (word >>> 8) & 255, word & 255);

  const h = [...H0];
  const w = new Array<number>(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let offset = 0; offset < bytes.length; offset += 64) {
    for (let i = 0; i < 16; i++) {
      const j = offset + i * 4;
      w[i] =
        ((bytes[j] as number) << 24) |
        ((bytes[j + 1] as number) << 16) |
        ((bytes[j + 2] as number) << 8) |
        (bytes[j + 3] as number);
    }
    for (let i = 16; i < 64; i++) {
      const w15 = w[i - 15] as number;
      const w2 = w[i - 2] as number;
      const s0 = rotr(w15, 7) ^ rotr(w15, 18) ^ (w15 >>> 3);
      const s1 = rotr(w2, 17) ^ rotr(w2, 19) ^ (w2 >>> 10);
      w[i] = ((w[i - 16] as number) + s0 + (w[i - 7] as number) + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h as [number, number, number, number, number, number, number, number];
    for (let i = 0; i < 64; i++) {
      const s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + s1 + ch + (K[i] as number) + (w[i] as number)) | 0;
      const s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (s0 + maj) | 0;
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    [a, b, c, d, e, f, g, hh].forEach((v, i) => (h[i] = ((h[i] as number) + v) | 0));
  }
  return h.map((v) => (v >>> 0).toString(16).padStart(8, '0')).join('');
}
