// The TypeScript client for case systems written in Node, and the layer the HTTP API and CLI call.
// Opening a case is idempotent on its case number: the same intake returns the existing case, a
// different intake is a conflict, and a second workflow is never created. Every event is a workflow
// Update: its validator either refuses it (no trace in history) or the whole event applies, so a
// caller never sees a half-applied event. Every failure a caller can act on is a DocketClientError
// with a stable code.
import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  isGrpcServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError, type UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { CaseArchive } from '../activities/archive';
import { isDomainError } from '../domain/errors';
import {
  acknowledgeSchema,
  caseNumberSchema,
  describeIssues,
  eventBaseSchema,
  extensionRequestSchema,
  facilityCodeSchema,
  serviceProofSchema,
  type AcknowledgeInput,
  type ExtensionRequestInput,
} from '../domain/cases/common';
import {
  appealDecisionSchema as disciplineAppealDecisionSchema,
  dispositionSchema,
  disciplineIntakeSchema,
  hearingFindingSchema,
  hearingScheduleSchema,
  inmateUnavailableSchema,
  parseDisciplineIntake,
  privilegeRestoredSchema,
  representativeRequestSchema,
} from '../domain/cases/discipline';
import {
  contractEndedSchema,
  contractIntakeSchema,
  contractResumedSchema,
  parseContractIntake,
  requirementEventSchema,
  violationConfirmedSchema,
} from '../domain/cases/contract';
import {
  conductIntakeSchema,
  investigationCompletedSchema,
  parseConductIntake,
  retaliationSchema,
  wardenDecisionSchema,
} from '../domain/cases/conduct-report';
import { grievanceIntakeSchema, parseGrievanceIntake } from '../domain/cases/grievance';
import {
  cwpIntakeSchema,
  parseCwpIntake,
  parseTransferIntake,
  projectTerminatedSchema,
  transferIntakeSchema,
} from '../domain/cases/work-programs';
import {
  actionInputSchema,
  employeeIdSchema,
  notificationInputSchema,
  parseProbationIntake,
  probationIntakeSchema,
  removalInputSchema,
  separationInputSchema,
  violationInputSchema,
} from '../domain/cases/probation';
import {
  appealDecisionSchema as titleIxAppealDecisionSchema,
  appealSchema,
  closeReportSchema,
  determinationSchema,
  dismissalSchema,
  docketActSchema,
  documentEventSchema,
  formalComplaintSchema,
  parseTitleIxIntake,
  recordPartySchema,
  supportiveMeasuresSchema,
  titleIxIntakeSchema,
} from '../domain/cases/title-ix';
import {
  acknowledgeUpdate,
  extendDeadlineUpdate,
  recordServiceUpdate,
  scheduleQuery,
  timelineQuery,
  type CaseView,
} from '../workflows/case-support';
import type { OverallDeadlineState, TimelineEvent } from '../workflows/deadlines';
import {
  directorAppealDecidedUpdate,
  directorAppealFiledUpdate,
  discipline,
  disciplineWorkflowId,
  dispositionRecordedUpdate,
  facilityAppealDecidedUpdate,
  facilityAppealFiledUpdate,
  hearingConcludedUpdate,
  hearingScheduledUpdate,
  hearingWaivedUpdate,
  inmateAvailableUpdate,
  inmateUnavailableUpdate,
  investigationStartedUpdate,
  privilegeRestoredUpdate,
  representativeConsultedUpdate,
  representativeRequestedUpdate,
} from '../workflows/discipline';
import {
  contractEndedUpdate,
  contractRecord,
  contractResumedUpdate,
  contractWorkflowId,
  oshaSurveyCompletedUpdate,
  responseLetterReceivedUpdate,
  safetyReviewCompletedUpdate,
  violationConfirmedUpdate,
} from '../workflows/contract';
import {
  cwpProject,
  cwpProjectWorkflowId,
  projectCompletedUpdate,
  projectTerminatedUpdate,
} from '../workflows/cwp-project';
import {
  crewReleasedUpdate,
  enterprisesTransfer,
  inmatesDeliveredUpdate,
  inmatesReturnedUpdate,
  processingCompletedUpdate,
  transferCancelledUpdate,
  transferWorkflowId,
} from '../workflows/enterprises-transfer';
import {
  conductInvestigationCompletedUpdate,
  conductInvestigationStartedUpdate,
  conductReport,
  conductReportWorkflowId,
  retaliationReportedUpdate,
  wardenDecidedUpdate,
} from '../workflows/conduct-report';
import {
  decisionIssuedUpdate,
  decisionSchema,
  grievance,
  grievanceFiledUpdate,
  grievanceWorkflowId,
  initialResponseUpdate,
  rtsRespondedUpdate,
  rtsSubmittedUpdate,
  withdrawUpdate,
} from '../workflows/grievance';
import {
  notificationReceivedUpdate,
  probationRecord,
  probationWorkflowId,
  recordActionUpdate,
  separateUpdate,
  verbalWarningRemovedUpdate,
  violationReportedUpdate,
} from '../workflows/probation';
import {
  CaseTypeKey,
  DeadlineStateKey,
  FacilityKey,
  JurisdictionKey,
  NextDeadlineKey,
  PolicyVersionKey,
  StageKey,
} from '../workflows/search-attributes';
import {
  appealDecidedUpdate,
  appealFiledUpdate,
  closeReportUpdate,
  complainantContactedUpdate,
  determinationIssuedUpdate,
  dismissComplaintUpdate,
  evidenceSentUpdate,
  formalComplaintReceivedUpdate,
  investigationCompletedUpdate,
  noticePartiesUpdate,
  recordPartyUpdate,
  supportiveMeasuresUpdate,
  titleIx,
  titleIxWorkflowId,
} from '../workflows/title-ix';

/** An error a caller can branch on: a stable code, a one-line message, JSON details, an HTTP status. */
export class DocketClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status = 422,
  ) {
    super(message);
    this.name = 'DocketClientError';
  }
}

/** A zod schema whose input type is `Input`: ties an event's payload schema to its update's argument. */
type PayloadSchema<Input> = z.ZodType<unknown, Input>;

/** One event a case system can record on a case: the workflow Update it maps to, and its payload. */
export interface CaseEventDefinition {
  /** The workflow Update's name (for logs and docs; the definition itself is what is sent). */
  readonly updateName: string;
  readonly description: string;
  /**
   * The payload's schema, imported from the same domain module as the one the workflow's validator
   * parses with. The validator stays the authority; checking here only answers bad payloads sooner.
   */
  readonly schema: z.ZodType;
  /** Sends the Update; the payload has already passed `schema`. */
  send(handle: WorkflowHandle, payload: unknown, updateId: string | undefined): Promise<CaseView>;
}

/**
 * Declares an event. Generic over the Update's argument, so registering a schema that does not
 * accept what the workflow declares is a compile error, and the definition is imported, not copied.
 */
export function caseEvent<Payload>(
  update: UpdateDefinition<CaseView, [Payload]>,
  schema: PayloadSchema<Payload>,
  description: string,
): CaseEventDefinition {
  return {
    updateName: update.name,
    description,
    schema,
    send: (handle, payload, updateId) =>
      handle.executeUpdate(update, {
        // The payload passed `schema`, whose input type is Payload.
        args: [payload as Payload],
        ...(updateId !== undefined ? { updateId } : {}),
      }),
  };
}

/**
 * Everything the client, the API and the CLI need to know about a case type. To add a case type,
 * add an entry to `caseTypes` below with its workflow function's name, workflow ID function, intake
 * parser and schema (domain/cases/<type>.ts), and its events (each a workflow Update definition
 * exported by workflows/<type>.ts with the payload schema its validator parses).
 */
export interface CaseTypeDefinition {
  readonly title: string;
  readonly workflowType: string;
  /** What names one case of this type (an opaque case number; for probation, the employee ID). */
  readonly caseNumberSchema: z.ZodType<string>;
  workflowId(caseNumber: string): string;
  /** The intake as documented in OpenAPI; `parse` is the authority (it also applies the domain rules). */
  readonly intakeSchema: z.ZodType;
  /**
   * Parses and checks an intake: the workflow's argument and the case number it names. Throws a
   * DomainError (INVALID_INPUT, NOT_GRIEVABLE...) to refuse it.
   */
  parse(raw: unknown): { caseNumber: string; intake: unknown };
  /** Event name (kebab-case, as in the API's URL) → the Update it maps to. */
  readonly events: Readonly<Record<string, CaseEventDefinition>>;
}

/** Events every case type has, because CaseRuntime registers their Updates for every case. */
const commonEvents = {
  'service-recorded': caseEvent(
    recordServiceUpdate,
    serviceProofSchema,
    'Proof of service of a notice owed to someone without email (an inmate): who served it, when, how, whether refused.',
  ),
} as const;

export const caseTypes = {
  grievance: {
    title: 'Inmate grievance (Oklahoma DOC OP-090124 §III.E; PREA 28 CFR 115.52)',
    workflowType: grievance.name,
    caseNumberSchema,
    workflowId: grievanceWorkflowId,
    intakeSchema: grievanceIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseGrievanceIntake(raw);
      return { caseNumber: intake.caseNumber, intake };
    },
    events: {
      'rts-submitted': caseEvent(
        rtsSubmittedUpdate,
        eventBaseSchema,
        'The inmate submitted the Request to Staff (within 7 calendar days of the incident, §III.E.10.b).',
      ),
      'rts-responded': caseEvent(
        rtsRespondedUpdate,
        eventBaseSchema,
        'Staff answered the Request to Staff in writing (within 10 working days of receipt, §III.E.10.b).',
      ),
      'grievance-filed': caseEvent(
        grievanceFiledUpdate,
        eventBaseSchema,
        'The formal grievance was filed (within 15 calendar days of the incident or RTS response, §III.E.12.a).',
      ),
      'initial-response': caseEvent(
        initialResponseUpdate,
        eventBaseSchema,
        'The initial response on the PREA emergency track (within 48 hours, 28 CFR 115.52(f)).',
      ),
      'decision-issued': caseEvent(
        decisionIssuedUpdate,
        decisionSchema,
        "The reviewing authority's decision; `by` may not be staff directly involved (§III.E.5).",
      ),
      withdrawn: caseEvent(withdrawUpdate, eventBaseSchema, 'The inmate withdrew the grievance.'),
      ...commonEvents,
    },
  },
  discipline: {
    title: 'Disciplinary hearing (Oklahoma DOC OP-060125 §IV)',
    workflowType: discipline.name,
    caseNumberSchema,
    workflowId: disciplineWorkflowId,
    intakeSchema: disciplineIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseDisciplineIntake(raw);
      return { caseNumber: intake.caseNumber, intake };
    },
    events: {
      'investigation-started': caseEvent(
        investigationStartedUpdate,
        eventBaseSchema,
        'The investigation started (within 24 hours of the report, §IV.C.5).',
      ),
      'inmate-unavailable': caseEvent(
        inmateUnavailableUpdate,
        inmateUnavailableSchema,
        'The inmate could not be served; documented with the reason, the 24 hours restart on availability (§IV.C.2).',
      ),
      'inmate-available': caseEvent(
        inmateAvailableUpdate,
        eventBaseSchema,
        'The inmate is available again: service is due within 24 hours (§IV.C.2).',
      ),
      'representative-requested': caseEvent(
        representativeRequestedUpdate,
        representativeRequestSchema,
        'A staff representative was requested (and assigned, when `representativeId` is given; §IV.C.8).',
      ),
      'representative-consulted': caseEvent(
        representativeConsultedUpdate,
        eventBaseSchema,
        'The staff representative consulted the inmate (at least 24 hours before the hearing, §IV.C.8).',
      ),
      'hearing-scheduled': caseEvent(
        hearingScheduledUpdate,
        hearingScheduleSchema,
        'The hearing was scheduled (not before the 24-hour preparation period, §IV.C.2).',
      ),
      'hearing-concluded': caseEvent(
        hearingConcludedUpdate,
        hearingFindingSchema,
        "The hearing concluded with a finding and, if guilty, up to three punishments (§IV.B.3, §IV.C.9), each from the offense's class in the Range of Allowable Sanctions with its term (`days` or `hours`) within the row's maximum; the next higher class only for a second infraction of the same rule within six months.",
      ),
      'hearing-waived': caseEvent(
        hearingWaivedUpdate,
        eventBaseSchema,
        'The inmate waived the hearing: a guilty plea that ends the appeal rights (§IV.C.2).',
      ),
      'disposition-recorded': caseEvent(
        dispositionRecordedUpdate,
        dispositionSchema,
        "The disciplinary officer's disposition of a guilty plea (§IV.C.5).",
      ),
      'facility-appeal-filed': caseEvent(
        facilityAppealFiledUpdate,
        eventBaseSchema,
        'Appeal to the facility head (within 15 calendar days of receipt of the hearing actions, §IV.C.11).',
      ),
      'facility-appeal-decided': caseEvent(
        facilityAppealDecidedUpdate,
        disciplineAppealDecisionSchema,
        "The facility head's decision on the appeal (§IV.C.11).",
      ),
      'director-appeal-filed': caseEvent(
        directorAppealFiledUpdate,
        eventBaseSchema,
        "Appeal to the director (within 15 calendar days of receipt of the facility head's response, §IV.C.12).",
      ),
      'director-appeal-decided': caseEvent(
        directorAppealDecidedUpdate,
        disciplineAppealDecisionSchema,
        "The director's decision on the appeal (§IV.C.12).",
      ),
      'privilege-restored': caseEvent(
        privilegeRestoredUpdate,
        privilegeRestoredSchema,
        "The unit restored the privilege a sanction took away, on the last day of its term (Range of Allowable Sanctions); stops the restoration's reminders and breach alerts.",
      ),
      ...commonEvents,
    },
  },
  'title-ix': {
    title: 'Title IX complaint (Arkansas Correctional School District policies 3.26 and 8.20)',
    workflowType: titleIx.name,
    caseNumberSchema,
    workflowId: titleIxWorkflowId,
    intakeSchema: titleIxIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseTitleIxIntake(raw);
      return { caseNumber: intake.caseNumber, intake };
    },
    events: {
      'complainant-contacted': caseEvent(
        complainantContactedUpdate,
        eventBaseSchema,
        'The coordinator contacted the complainant about supportive measures (3.26).',
      ),
      'supportive-measures': caseEvent(
        supportiveMeasuresUpdate,
        supportiveMeasuresSchema,
        'Supportive measures offered, accepted, declined, requested or provided (3.26).',
      ),
      'party-recorded': caseEvent(
        recordPartyUpdate,
        recordPartySchema,
        'A party learned of after intake (contact details stay encrypted in the case).',
      ),
      'formal-complaint-received': caseEvent(
        formalComplaintReceivedUpdate,
        formalComplaintSchema,
        'A formal complaint was filed: written notice to all known parties follows (3.26 Formal Complaint).',
      ),
      'parties-noticed': caseEvent(
        noticePartiesUpdate,
        docketActSchema,
        'Send the written notice to all known parties simultaneously (3.26 Formal Complaint).',
      ),
      'evidence-sent': caseEvent(
        evidenceSentUpdate,
        documentEventSchema,
        'Evidence sent to each party and advisor, at least 10 days before the report is completed (3.26).',
      ),
      'investigation-completed': caseEvent(
        investigationCompletedUpdate,
        documentEventSchema,
        'The investigative report is complete (3.26).',
      ),
      'determination-issued': caseEvent(
        determinationIssuedUpdate,
        determinationSchema,
        'The written determination, no earlier than 10 days after the investigation ends (3.26).',
      ),
      'appeal-filed': caseEvent(
        appealFiledUpdate,
        appealSchema,
        'An appeal of the determination or a dismissal; the other party is told (3.26 Appeals).',
      ),
      'appeal-decided': caseEvent(
        appealDecidedUpdate,
        titleIxAppealDecisionSchema,
        'The appeal decision, by someone who is not the coordinator, investigator or decision-maker (3.26 Appeals).',
      ),
      'complaint-dismissed': caseEvent(
        dismissComplaintUpdate,
        dismissalSchema,
        'The formal complaint was dismissed, with its required or discretionary reason (3.26).',
      ),
      'report-closed': caseEvent(closeReportUpdate, closeReportSchema, 'The report was closed.'),
      ...commonEvents,
    },
  },
  probation: {
    title:
      'Employee probation record (Arkansas DOC SD 2022-17 §III.D–F): one per employee; the case number is the employee ID',
    workflowType: probationRecord.name,
    caseNumberSchema: employeeIdSchema,
    workflowId: probationWorkflowId,
    intakeSchema: probationIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseProbationIntake(raw);
      return { caseNumber: intake.employeeId, intake };
    },
    events: {
      'action-recorded': caseEvent(
        recordActionUpdate,
        actionInputSchema,
        'A disciplinary action or the start of an initial probation (hire, promotion; §III.D.3, §III.F.2).',
      ),
      'notification-received': caseEvent(
        notificationReceivedUpdate,
        notificationInputSchema,
        'The employee received official notification of an action: its probation starts (§III.F.1).',
      ),
      'violation-reported': caseEvent(
        violationReportedUpdate,
        violationInputSchema,
        'A new violation, judged against every earlier action’s look-back window (§III.D.4–5).',
      ),
      'verbal-warning-removed': caseEvent(
        verbalWarningRemovedUpdate,
        removalInputSchema,
        'Documentation of a verbal warning removed on request after 1 year with no other incident (§III.D.3.a.iii).',
      ),
      separated: caseEvent(separateUpdate, separationInputSchema, 'The employment ended: the record closes.'),
      ...commonEvents,
    },
  },
  contract: {
    title:
      'Inmate labor contract record (NC DOC Policy D.0700 §.0705): one per contract; the case number is the contract number',
    workflowType: contractRecord.name,
    caseNumberSchema,
    workflowId: contractWorkflowId,
    intakeSchema: contractIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseContractIntake(raw);
      return { caseNumber: intake.contractNumber, intake };
    },
    events: {
      'violation-confirmed': caseEvent(
        violationConfirmedUpdate,
        violationConfirmedSchema,
        "A confirmed violation under heading a-e: it draws the rung of its heading's twelve-month count (§.0705(a)-(e)); the deciding authority is told.",
      ),
      'response-letter-received': caseEvent(
        responseLetterReceivedUpdate,
        requirementEventSchema,
        "The contractor's letter specifying corrective action taken (answers a warning letter; needed before any suspension ends).",
      ),
      'safety-review-completed': caseEvent(
        safetyReviewCompletedUpdate,
        requirementEventSchema,
        'An agency safety officer reviewed the safety program and corrective actions (needed to resume after (c), (d), (e)).',
      ),
      'osha-survey-completed': caseEvent(
        oshaSurveyCompletedUpdate,
        requirementEventSchema,
        'The OSHA Consultative Services survey after a fatality, when the agency requires it (agency setting osha-survey).',
      ),
      'contract-resumed': caseEvent(
        contractResumedUpdate,
        contractResumedSchema,
        'Contract activities resumed: refused before the suspension has run or before what it requires is in hand.',
      ),
      'contract-ended': caseEvent(
        contractEndedUpdate,
        contractEndedSchema,
        'The contract ended: the record closes.',
      ),
      ...commonEvents,
    },
  },
  'cwp-project': {
    title: 'Community Work Program project (NC DOC Policy D.0700 §.0706): ten consecutive labor days or less',
    workflowType: cwpProject.name,
    caseNumberSchema,
    workflowId: cwpProjectWorkflowId,
    intakeSchema: cwpIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseCwpIntake(raw);
      return { caseNumber: intake.caseNumber, intake };
    },
    events: {
      'project-completed': caseEvent(
        projectCompletedUpdate,
        eventBaseSchema,
        'The project was completed (by its planned end; an extension for an addition to the scope never reaches past labor day 10, §.0706).',
      ),
      'project-terminated': caseEvent(
        projectTerminatedUpdate,
        projectTerminatedSchema,
        'The work was ended early (the supervising Correctional Officer may terminate it at any time, §.0706(h)).',
      ),
      ...commonEvents,
    },
  },
  'enterprises-transfer': {
    title:
      'Enterprises temporary transfer (NC DOC Policy D.0700 §.0707(h)): 24 hours notice, up to 4 hours of processing',
    workflowType: enterprisesTransfer.name,
    caseNumberSchema,
    workflowId: transferWorkflowId,
    intakeSchema: transferIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseTransferIntake(raw);
      return { caseNumber: intake.caseNumber, intake };
    },
    events: {
      'inmates-delivered': caseEvent(
        inmatesDeliveredUpdate,
        eventBaseSchema,
        'Enterprises delivered the inmates to the receiving facility: no earlier than 24 hours after the arrangements (§.0707(h)(1)).',
      ),
      'processing-completed': caseEvent(
        processingCompletedUpdate,
        eventBaseSchema,
        'The receiving facility processed the inmates in (up to 4 hours after delivery, §.0707(h)(3)).',
      ),
      'crew-released': caseEvent(
        crewReleasedUpdate,
        eventBaseSchema,
        'The inmates were released to the Enterprises work crew: only once processed (§.0707(h)(3)).',
      ),
      'inmates-returned': caseEvent(
        inmatesReturnedUpdate,
        eventBaseSchema,
        'The inmates were returned to their home facility (§.0707(h)(4)): the transfer closes.',
      ),
      'transfer-cancelled': caseEvent(
        transferCancelledUpdate,
        eventBaseSchema,
        'The transfer was called off before delivery.',
      ),
      ...commonEvents,
    },
  },
  'conduct-report': {
    title:
      'Staff conduct: a report of prohibited conduct with an offender or ex-offender (Oklahoma OMES public works programs), or a disclosure notice of a relationship with an inmate or offender (Wyoming DOC 1.006 §IV.A.2)',
    workflowType: conductReport.name,
    caseNumberSchema,
    workflowId: conductReportWorkflowId,
    intakeSchema: conductIntakeSchema,
    parse: (raw: unknown) => {
      const intake = parseConductIntake(raw);
      return { caseNumber: intake.caseNumber, intake };
    },
    events: {
      'investigation-started': caseEvent(
        conductInvestigationStartedUpdate,
        eventBaseSchema,
        'The investigation of a report started (agency setting: 2 working days after the report by default; seed 000 "will promptly investigate").',
      ),
      'investigation-completed': caseEvent(
        conductInvestigationCompletedUpdate,
        investigationCompletedSchema,
        'The investigation was completed, with its finding (agency setting: 30 days after the report by default).',
      ),
      'retaliation-reported': caseEvent(
        retaliationReportedUpdate,
        retaliationSchema,
        'Retaliation against the reporter, a witness or the offender: Human Resources is alerted at once (seed 000 Prohibited Retaliation).',
      ),
      'warden-decided': caseEvent(
        wardenDecidedUpdate,
        wardenDecisionSchema,
        "The warden's decision on a disclosure notice (agency setting: 10 working days by default; seed 001 §IV.A.2).",
      ),
      ...commonEvents,
    },
  },
} as const satisfies Record<string, CaseTypeDefinition>;

export type CaseType = keyof typeof caseTypes;

export function isCaseType(value: string): value is CaseType {
  return Object.prototype.hasOwnProperty.call(caseTypes, value);
}

export function caseTypeDefinition(caseType: CaseType): CaseTypeDefinition {
  return caseTypes[caseType];
}

export const caseTypeNames = (): CaseType[] => Object.keys(caseTypes) as CaseType[];

export function eventNames(caseType: CaseType): string[] {
  return Object.keys(caseTypeDefinition(caseType).events);
}

/** The case a workflow ID names, if it is a Docket case ID (e.g. from an acknowledgement link). */
export function caseOfWorkflowId(workflowId: string): { caseType: CaseType; caseNumber: string } | undefined {
  // Workflow ID functions are `prefix + caseNumber + suffix`; a probe finds both without each case
  // type having to declare them, and the round trip below rejects anything else.
  const probe = '\u0000';
  for (const caseType of caseTypeNames()) {
    const definition = caseTypeDefinition(caseType);
    const [prefix = '', suffix = ''] = definition.workflowId(probe).split(probe);
    if (!workflowId.startsWith(prefix) || !workflowId.endsWith(suffix)) continue;
    const caseNumber = workflowId.slice(prefix.length, workflowId.length - suffix.length);
    if (
      definition.caseNumberSchema.safeParse(caseNumber).success &&
      definition.workflowId(caseNumber) === workflowId
    ) {
      return { caseType, caseNumber };
    }
  }
  return undefined;
}

/** A digest of the validated intake: stored in the memo, so a re-open can be compared without a worker. */
export function intakeDigest(intake: unknown): string {
  return createHash('sha256').update(canonicalJson(intake)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface OpenedCase {
  caseType: CaseType;
  caseNumber: string;
  workflowId: string;
  /** False when the same case was already open with the same intake. */
  created: boolean;
}

/** A case as the API shows it: where its deadlines stand, and what has happened. */
export interface CaseRecord {
  schedule: CaseView;
  timeline: TimelineEvent[];
  /**
   * Where it was read: `live` from the case's workflow, `archive` from the records archive once
   * Temporal no longer has the workflow (the namespace's retention after closure has passed).
   */
  source: 'live' | 'archive';
  /** With source `archive`: when the record was archived and until when it is kept. */
  archive?: ArchiveSummary;
}

export interface ArchiveSummary {
  archivedAt: string;
  closedAt: string | null;
  retainUntil: string | null;
  retentionSource: string | null;
  legalHold: boolean;
  /** Runs archived: more than one for a long-lived record that continued as new. */
  runs: number;
}

export interface UpdateOptions {
  /**
   * The caller's idempotency key. Temporal keeps one outcome per Update ID in a case's history, so
   * a retry with the same key (after a timeout, say) returns the first outcome instead of recording
   * the event twice. Letters, digits and `._:-`, at most 100 characters.
   */
  idempotencyKey?: string;
}

export const deadlineStates = ['on-track', 'at-risk', 'breached'] as const satisfies OverallDeadlineState[];

export interface DeadlinesDueFilters {
  /** Only these case types (all registered types when absent). */
  caseTypes?: readonly CaseType[];
  facility?: string;
  states?: readonly OverallDeadlineState[];
  /** Only cases whose next open deadline falls before this instant. */
  dueBefore?: string | Date;
  /** At most this many cases (default 100, at most 1000). */
  limit?: number;
}

/** One open case with a deadline, as Temporal visibility knows it (search attributes only). */
export interface DueCase {
  caseType: CaseType;
  caseNumber: string;
  workflowId: string;
  facility: string | null;
  jurisdiction: string | null;
  stage: string | null;
  deadlineState: OverallDeadlineState | null;
  /** The earliest deadline still open; null when none is (e.g. only breached ones remain). */
  nextDeadline: string | null;
  policyVersion: string | null;
}

export interface DeadlinesDue {
  cases: DueCase[];
  /** More cases matched than `limit`: narrow the filters. */
  truncated: boolean;
  /** The visibility List Filter that answered, for the Temporal UI or CLI. */
  query: string;
}

const DEFAULT_DUE_LIMIT = 100;
const MAX_DUE_LIMIT = 1_000;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/**
 * The List Filter for deadlinesDue. Every value is checked against a narrow alphabet first (case
 * types from the registry, facility codes, fixed states, an instant re-serialised by Date), so
 * nothing a caller sends can change the query's structure.
 */
export function deadlinesDueQuery(filters: DeadlinesDueFilters = {}): string {
  const types = filters.caseTypes ?? caseTypeNames();
  for (const type of types) {
    if (!isCaseType(type)) throw invalidFilter('caseType', `unknown case type ${String(type)}`);
  }
  if (types.length === 0) throw invalidFilter('caseType', 'at least one case type');
  const clauses = [
    `ExecutionStatus = 'Running'`,
    `${CaseTypeKey.name} IN (${types.map((t) => `'${t}'`).join(', ')})`,
  ];
  if (filters.facility !== undefined) {
    const facility = facilityCodeSchema.safeParse(filters.facility);
    if (!facility.success) throw invalidFilter('facility', describeIssues(facility.error));
    clauses.push(`${FacilityKey.name} = '${facility.data}'`);
  }
  if (filters.states !== undefined && filters.states.length > 0) {
    for (const state of filters.states) {
      if (!(deadlineStates as readonly string[]).includes(state)) {
        throw invalidFilter('state', `state must be one of ${deadlineStates.join(', ')}`);
      }
    }
    clauses.push(`${DeadlineStateKey.name} IN (${filters.states.map((s) => `'${s}'`).join(', ')})`);
  }
  if (filters.dueBefore !== undefined) {
    const dueBefore = new Date(filters.dueBefore);
    if (Number.isNaN(dueBefore.getTime())) {
      throw invalidFilter('dueBefore', 'dueBefore must be an ISO-8601 instant');
    }
    clauses.push(`${NextDeadlineKey.name} < '${dueBefore.toISOString()}'`);
  }
  return clauses.join(' AND ');
}

function invalidFilter(field: string, message: string): DocketClientError {
  return new DocketClientError('INVALID_INPUT', `deadlines due: ${field}: ${message}`, { field });
}

export interface DocketClientOptions {
  client: Client;
  taskQueue: string;
  /**
   * How long one call may wait on Temporal. An Update waits for a worker to run its validator, so
   * without a limit a caller would hang while no worker is up. Default 30 seconds.
   */
  timeoutMs?: number;
  /** The records archive: where a case is read once Temporal no longer has its workflow. */
  archive?: CaseArchive;
}

// gRPC status codes (from @grpc/grpc-js, which is the SDK's dependency rather than ours).
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;
const REACHABILITY_PROBE_MS = 1_000;

/** How long to keep retrying an event that reached a case still computing its first schedule. */
const INITIALIZING_RETRY_MS = 10_000;

/**
 * A closed case's number stays its own once Temporal has deleted the workflow (the namespace's
 * retention): the records archive still holds the case, so a start would silently open a second one.
 */
async function refuseArchivedCaseNumber(
  archive: CaseArchive | undefined,
  caseType: CaseType,
  caseNumber: string,
): Promise<void> {
  const rows = archive ? await archive.store.cases({ caseNumber }) : [];
  const closed = rows.find((row) => row.caseType === caseType && row.closedAt !== null);
  if (!closed) return;
  throw new DocketClientError(
    'CASE_CONFLICT',
    `${caseType} case ${caseNumber} is closed (${closed.closedAt}) and archived; a case number names exactly one case, so it is not opened again`,
    { caseType, caseNumber, workflowId: closed.workflowId, closedAt: closed.closedAt },
    409,
  );
}

export class DocketClient {
  constructor(private readonly options: DocketClientOptions) {}

  get temporal(): Client {
    return this.options.client;
  }

  async openCase(caseType: CaseType, rawIntake: unknown): Promise<OpenedCase> {
    const definition = caseTypeDefinition(caseType);
    const { caseNumber, intake } = fromDomain(() => definition.parse(rawIntake));
    const workflowId = definition.workflowId(caseNumber);
    const digest = intakeDigest(intake);
    await refuseArchivedCaseNumber(this.options.archive, caseType, caseNumber);
    try {
      await this.withTimeout(() =>
        this.options.client.workflow.start(definition.workflowType, {
          taskQueue: this.options.taskQueue,
          workflowId,
          args: [intake],
          // A case number names one case forever: a closed case is not reopened by a new start.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          memo: { intakeDigest: digest },
          staticSummary: `${caseType} ${caseNumber}`,
        }),
      );
      return { caseType, caseNumber, workflowId, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError))
        throw await this.translateTemporalError(err);
      const existing = await this.withTimeout(() =>
        this.options.client.workflow.getHandle(workflowId).describe(),
      ).catch(async (e: unknown) => {
        throw await this.translateTemporalError(e);
      });
      if (existing.memo?.intakeDigest === digest) {
        return { caseType, caseNumber, workflowId, created: false };
      }
      throw new DocketClientError(
        'CASE_CONFLICT',
        `case ${caseNumber} already exists with a different intake; a case number names exactly one case`,
        { caseNumber, workflowId },
        409,
      );
    }
  }

  handle(caseType: CaseType, caseNumber: string): WorkflowHandle {
    return this.options.client.workflow.getHandle(caseTypeDefinition(caseType).workflowId(caseNumber));
  }

  schedule(caseType: CaseType, caseNumber: string): Promise<CaseView> {
    return this.read(caseType, caseNumber, (handle) => handle.query(scheduleQuery));
  }

  timeline(caseType: CaseType, caseNumber: string): Promise<TimelineEvent[]> {
    return this.read(caseType, caseNumber, (handle) => handle.query(timelineQuery));
  }

  /**
   * The schedule and the timeline together, from the case's workflow while Temporal has it, else
   * from the records archive (a closed case after the namespace's retention); `source` says which.
   */
  async getCase(caseType: CaseType, caseNumber: string): Promise<CaseRecord> {
    try {
      const [schedule, timeline] = await Promise.all([
        this.schedule(caseType, caseNumber),
        this.timeline(caseType, caseNumber),
      ]);
      return { schedule, timeline, source: 'live' };
    } catch (err) {
      const archive = this.options.archive;
      if (!archive || !(err instanceof DocketClientError) || err.code !== 'CASE_NOT_FOUND') throw err;
      const archived = await archive.read({ caseType, caseNumber });
      if (!archived) throw err;
      return {
        schedule: archived.record.snapshot.view,
        timeline: archived.timeline,
        source: 'archive',
        archive: {
          archivedAt: archived.record.snapshot.at,
          closedAt: archived.index.closedAt,
          retainUntil: archived.index.retainUntil,
          retentionSource: archived.index.retentionSource,
          legalHold: archived.index.hold !== null,
          runs: archived.runs.length,
        },
      };
    }
  }

  /**
   * Records an event (e.g. `rts-submitted`) on a case: the payload is checked against the event's
   * schema here, then the case's own validator checks it against the case's state and its limits.
   * A refusal is a DocketClientError with the workflow's code, message and details (rule, limit,
   * source); nothing of a refused event is recorded.
   */
  recordEvent(
    caseType: CaseType,
    caseNumber: string,
    eventName: string,
    payload: unknown,
    options: UpdateOptions = {},
  ): Promise<CaseView> {
    const definition = caseTypeDefinition(caseType);
    const event = Object.prototype.hasOwnProperty.call(definition.events, eventName)
      ? definition.events[eventName]
      : undefined;
    if (!event) {
      const known = Object.keys(definition.events);
      throw new DocketClientError(
        'UNKNOWN_EVENT',
        `a ${caseType} has no event '${eventName}' (known: ${known.join(', ')})`,
        { event: eventName, known },
        404,
      );
    }
    checkPayload(event.schema, payload, event.updateName);
    const updateId = updateIdFor(eventName, options);
    return this.update(caseType, caseNumber, (handle) => event.send(handle, payload, updateId));
  }

  /** Grants an extension of one deadline (the policy's cap and approver roles apply). */
  extend(
    caseType: CaseType,
    caseNumber: string,
    request: ExtensionRequestInput,
    options: UpdateOptions = {},
  ): Promise<CaseView> {
    checkPayload(extensionRequestSchema, request, extendDeadlineUpdate.name);
    const updateId = updateIdFor('extension', options);
    return this.update(caseType, caseNumber, (handle) =>
      handle.executeUpdate(extendDeadlineUpdate, { args: [request], ...(updateId ? { updateId } : {}) }),
    );
  }

  /** Acknowledges a breach alert: the repeats and escalations for that deadline stop. */
  acknowledge(
    caseType: CaseType,
    caseNumber: string,
    ack: AcknowledgeInput,
    options: UpdateOptions = {},
  ): Promise<CaseView> {
    checkPayload(acknowledgeSchema, ack, acknowledgeUpdate.name);
    const updateId = updateIdFor('acknowledgement', options);
    return this.update(caseType, caseNumber, (handle) =>
      handle.executeUpdate(acknowledgeUpdate, { args: [ack], ...(updateId ? { updateId } : {}) }),
    );
  }

  /**
   * Open cases with deadlines, answered from Temporal visibility (the search attributes every case
   * keeps current), so there is no second database to drift from the workflows. Visibility is
   * eventually consistent: a change made a moment ago may not show yet.
   */
  async deadlinesDue(filters: DeadlinesDueFilters = {}): Promise<DeadlinesDue> {
    const limit = filters.limit ?? DEFAULT_DUE_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_DUE_LIMIT) {
      throw invalidFilter('limit', `limit must be an integer from 1 to ${MAX_DUE_LIMIT}`);
    }
    const query = deadlinesDueQuery(filters);
    const cases: DueCase[] = [];
    let truncated = false;
    await this.withTimeout(async () => {
      for await (const info of this.options.client.workflow.list({ query, pageSize: limit + 1 })) {
        const found = caseOfWorkflowId(info.workflowId);
        if (!found) continue;
        if (cases.length === limit) {
          truncated = true;
          break;
        }
        const attributes = info.typedSearchAttributes;
        const state = attributes.get(DeadlineStateKey);
        cases.push({
          ...found,
          workflowId: info.workflowId,
          facility: attributes.get(FacilityKey) ?? null,
          jurisdiction: attributes.get(JurisdictionKey) ?? null,
          stage: attributes.get(StageKey) ?? null,
          deadlineState: (deadlineStates as readonly string[]).includes(state ?? '')
            ? (state as OverallDeadlineState)
            : null,
          nextDeadline: attributes.get(NextDeadlineKey)?.toISOString() ?? null,
          policyVersion: attributes.get(PolicyVersionKey) ?? null,
        });
      }
    }).catch(async (err: unknown) => {
      throw await this.translateTemporalError(err);
    });
    // Visibility on SQL stores cannot ORDER BY a custom attribute, so the order is made here.
    cases.sort(
      (a, b) =>
        (a.nextDeadline === null ? 1 : 0) - (b.nextDeadline === null ? 1 : 0) ||
        (a.nextDeadline ?? '').localeCompare(b.nextDeadline ?? '') ||
        a.caseNumber.localeCompare(b.caseNumber),
    );
    return { cases, truncated, query };
  }

  /** For reads built on this client elsewhere (client/undelivered.ts): connection trouble as 503/504. */
  translateError(err: unknown): Promise<unknown> {
    return this.translateTemporalError(err);
  }

  private withTimeout<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.client.withDeadline(Date.now() + (this.options.timeoutMs ?? 30_000), fn);
  }

  private async read<T>(
    caseType: CaseType,
    caseNumber: string,
    fn: (handle: WorkflowHandle) => Promise<T>,
  ): Promise<T> {
    try {
      return await this.withTimeout(() => fn(this.handle(caseType, caseNumber)));
    } catch (err) {
      throw await this.translateCaseError(err, caseType, caseNumber, false);
    }
  }

  private async update(
    caseType: CaseType,
    caseNumber: string,
    send: (handle: WorkflowHandle) => Promise<CaseView>,
  ): Promise<CaseView> {
    const handle = this.handle(caseType, caseNumber);
    const giveUpAt = Date.now() + INITIALIZING_RETRY_MS;
    for (let delayMs = 100; ; delayMs = Math.min(delayMs * 2, 1_000)) {
      try {
        return await this.withTimeout(() => send(handle));
      } catch (err) {
        // An event sent right after opening can reach the case before its first schedule exists.
        // The validator refused it, so nothing was recorded and sending it again is safe.
        if (refusalOf(err)?.type === 'CASE_INITIALIZING' && Date.now() + delayMs < giveUpAt) {
          await sleep(delayMs);
          continue;
        }
        throw await this.translateCaseError(err, caseType, caseNumber, true);
      }
    }
  }

  /** Turns a Temporal error on one case into a DocketClientError (or rethrows an unexpected one). */
  private async translateCaseError(
    err: unknown,
    caseType: CaseType,
    caseNumber: string,
    writing: boolean,
  ): Promise<unknown> {
    const refusal = refusalOf(err);
    if (refusal) return refusalError(refusal);
    if (err instanceof WorkflowNotFoundError) {
      // The server answers "not found" both for an unknown ID and for an Update to a closed run.
      const closed = await this.withTimeout(() => this.handle(caseType, caseNumber).describe()).then(
        (description) => description.status.name !== 'RUNNING',
        () => false,
      );
      if (closed) {
        return new DocketClientError(
          'CASE_CLOSED',
          `${caseType} ${caseNumber} is closed; it records no further events`,
          { caseType, caseNumber },
          409,
        );
      }
      return new DocketClientError(
        'CASE_NOT_FOUND',
        `no ${caseType} with case number ${caseNumber}`,
        { caseType, caseNumber },
        404,
      );
    }
    return this.translateTemporalError(err, writing);
  }

  /** Connection trouble and timeouts become 503/504 errors; anything else is returned unchanged. */
  private async translateTemporalError(err: unknown, writing = false): Promise<unknown> {
    if (err instanceof DocketClientError) return err;
    const code = grpcCode(err);
    const timedOut =
      err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || code === GRPC_DEADLINE_EXCEEDED;
    if (!timedOut && code !== GRPC_UNAVAILABLE) return err;
    // The SDK retries an unreachable server until the deadline, so a timeout may mean either a slow
    // answer (no worker running) or no server at all: a quick probe tells which.
    const reachable =
      code !== GRPC_UNAVAILABLE &&
      (await this.options.client
        .withDeadline(Date.now() + REACHABILITY_PROBE_MS, () =>
          this.options.client.workflowService.getSystemInfo({}),
        )
        .then(
          () => true,
          () => false,
        ));
    if (!reachable) {
      return new DocketClientError('TEMPORAL_UNAVAILABLE', 'Temporal is not reachable; retry later', {}, 503);
    }
    return new DocketClientError(
      'TEMPORAL_TIMEOUT',
      'Temporal did not answer in time (is a worker running?)' +
        (writing
          ? '; the change may still be recorded: retry with the same Idempotency-Key to learn its outcome'
          : ''),
      {},
      504,
    );
  }
}

/** Stable codes are SCREAMING_SNAKE_CASE; anything else is a bug's error class name, not a refusal. */
const STABLE_CODE = /^[A-Z][A-Z0-9_]*$/;

function refusalError(failure: ApplicationFailure): DocketClientError {
  const type = failure.type ?? '';
  if (!STABLE_CODE.test(type)) {
    // A handler crashed: its message is an internal detail, possibly quoting case data.
    return new DocketClientError('UPDATE_FAILED', 'the case could not apply the event', {}, 500);
  }
  const [first] = failure.details ?? [];
  const details =
    first !== null && typeof first === 'object' && !Array.isArray(first)
      ? (first as Record<string, unknown>)
      : {};
  return new DocketClientError(type, failure.message, details, 422);
}

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

function checkPayload(schema: z.ZodType, payload: unknown, what: string): void {
  // The same message and details the workflow's parsePayload gives, so callers see one error
  // whether the API or the case refused the payload.
  const result = schema.safeParse(payload);
  if (!result.success) {
    throw new DocketClientError('INVALID_INPUT', `${what}: ${describeIssues(result.error)}`, {
      field: result.error.issues[0]?.path.join('.'),
    });
  }
}

function updateIdFor(kind: string, options: UpdateOptions): string | undefined {
  const key = options.idempotencyKey;
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new DocketClientError(
      'INVALID_IDEMPOTENCY_KEY',
      'an idempotency key is 1-100 letters, digits, ".", "_", ":" or "-"',
      { field: 'Idempotency-Key' },
      400,
    );
  }
  // Scoped by the kind of update, so one key reused for a different event cannot return the first
  // event's outcome in its place.
  return `${kind}:${key}`;
}

/** Turns a domain error (bad intake, non-grievable) into a client error with the same code. */
function fromDomain<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isDomainError(err)) throw new DocketClientError(err.code, err.message, { ...err.details });
    throw err;
  }
}

/** Unwraps a refused update into the ApplicationFailure its validator threw (code, message, details). */
export function refusalOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}
