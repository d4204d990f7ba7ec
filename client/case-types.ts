// The case-type registry: every case type the client, the API and the CLI know, with its workflow,
// its intake and the events a case system can record on it (each a workflow Update whose payload
// schema is the one its validator parses with).
import type { WorkflowHandle } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import { caseNumberSchema, eventBaseSchema, serviceProofSchema } from '../domain/cases/common';
import * as disciplineCase from '../domain/cases/discipline';
import * as contractCase from '../domain/cases/contract';
import * as conductCase from '../domain/cases/conduct-report';
import { grievanceIntakeSchema, parseGrievanceIntake } from '../domain/cases/grievance';
import * as workProgramsCase from '../domain/cases/work-programs';
import * as probationCase from '../domain/cases/probation';
import * as titleIxCase from '../domain/cases/title-ix';
import { recordServiceUpdate, type CaseView } from '../workflows/case-messages';
import * as disciplineFlow from '../workflows/discipline';
import * as contractFlow from '../workflows/contract';
import * as cwpFlow from '../workflows/cwp-project';
import * as transferFlow from '../workflows/enterprises-transfer';
import * as conductFlow from '../workflows/conduct-report';
import * as grievanceFlow from '../workflows/grievance';
import * as probationFlow from '../workflows/probation';
import * as titleIxFlow from '../workflows/title-ix';

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

/** A case type's `parse`: its intake parser, and the intake field that names the case. */
function namedBy<Field extends string, Intake extends Record<Field, string>>(
  parse: (raw: unknown) => Intake,
  field: Field,
): CaseTypeDefinition['parse'] {
  return (raw) => {
    const intake = parse(raw);
    return { caseNumber: intake[field], intake };
  };
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
    workflowType: grievanceFlow.grievance.name,
    caseNumberSchema,
    workflowId: grievanceFlow.grievanceWorkflowId,
    intakeSchema: grievanceIntakeSchema,
    parse: namedBy(parseGrievanceIntake, 'caseNumber'),
    events: {
      'rts-submitted': caseEvent(
        grievanceFlow.rtsSubmittedUpdate,
        eventBaseSchema,
        'The inmate submitted the Request to Staff (within 7 calendar days of the incident, §III.E.10.b).',
      ),
      'rts-responded': caseEvent(
        grievanceFlow.rtsRespondedUpdate,
        eventBaseSchema,
        'Staff answered the Request to Staff in writing (within 10 working days of receipt, §III.E.10.b).',
      ),
      'grievance-filed': caseEvent(
        grievanceFlow.grievanceFiledUpdate,
        eventBaseSchema,
        'The formal grievance was filed (within 15 calendar days of the incident or RTS response, §III.E.12.a).',
      ),
      'initial-response': caseEvent(
        grievanceFlow.initialResponseUpdate,
        eventBaseSchema,
        'The initial response on the PREA emergency track (within 48 hours, 28 CFR 115.52(f)).',
      ),
      'decision-issued': caseEvent(
        grievanceFlow.decisionIssuedUpdate,
        grievanceFlow.decisionSchema,
        "The reviewing authority's decision; `by` may not be staff directly involved (§III.E.5).",
      ),
      withdrawn: caseEvent(
        grievanceFlow.withdrawUpdate,
        eventBaseSchema,
        'The inmate withdrew the grievance.',
      ),
      ...commonEvents,
    },
  },
  discipline: {
    title: 'Disciplinary hearing (Oklahoma DOC OP-060125 §IV)',
    workflowType: disciplineFlow.discipline.name,
    caseNumberSchema,
    workflowId: disciplineFlow.disciplineWorkflowId,
    intakeSchema: disciplineCase.disciplineIntakeSchema,
    parse: namedBy(disciplineCase.parseDisciplineIntake, 'caseNumber'),
    events: {
      'investigation-started': caseEvent(
        disciplineFlow.investigationStartedUpdate,
        eventBaseSchema,
        'The investigation started (within 24 hours of the report, §IV.C.5).',
      ),
      'inmate-unavailable': caseEvent(
        disciplineFlow.inmateUnavailableUpdate,
        disciplineCase.inmateUnavailableSchema,
        'The inmate could not be served; documented with the reason, the 24 hours restart on availability (§IV.C.2).',
      ),
      'inmate-available': caseEvent(
        disciplineFlow.inmateAvailableUpdate,
        eventBaseSchema,
        'The inmate is available again: service is due within 24 hours (§IV.C.2).',
      ),
      'representative-requested': caseEvent(
        disciplineFlow.representativeRequestedUpdate,
        disciplineCase.representativeRequestSchema,
        'A staff representative was requested (and assigned, when `representativeId` is given; §IV.C.8).',
      ),
      'representative-consulted': caseEvent(
        disciplineFlow.representativeConsultedUpdate,
        eventBaseSchema,
        'The staff representative consulted the inmate (at least 24 hours before the hearing, §IV.C.8).',
      ),
      'hearing-scheduled': caseEvent(
        disciplineFlow.hearingScheduledUpdate,
        disciplineCase.hearingScheduleSchema,
        'The hearing was scheduled (not before the 24-hour preparation period, §IV.C.2).',
      ),
      'hearing-concluded': caseEvent(
        disciplineFlow.hearingConcludedUpdate,
        disciplineCase.hearingFindingSchema,
        "The hearing concluded with a finding and, if guilty, up to three punishments (§IV.B.3, §IV.C.9), each from the offense's class in the Range of Allowable Sanctions with its term (`days` or `hours`) within the row's maximum; the next higher class only for a second infraction of the same rule within six months.",
      ),
      'hearing-waived': caseEvent(
        disciplineFlow.hearingWaivedUpdate,
        eventBaseSchema,
        'The inmate waived the hearing: a guilty plea that ends the appeal rights (§IV.C.2).',
      ),
      'disposition-recorded': caseEvent(
        disciplineFlow.dispositionRecordedUpdate,
        disciplineCase.dispositionSchema,
        "The disciplinary officer's disposition of a guilty plea (§IV.C.5).",
      ),
      'facility-appeal-filed': caseEvent(
        disciplineFlow.facilityAppealFiledUpdate,
        eventBaseSchema,
        'Appeal to the facility head (within 15 calendar days of receipt of the hearing actions, §IV.C.11).',
      ),
      'facility-appeal-decided': caseEvent(
        disciplineFlow.facilityAppealDecidedUpdate,
        disciplineCase.appealDecisionSchema,
        "The facility head's decision on the appeal (§IV.C.11).",
      ),
      'director-appeal-filed': caseEvent(
        disciplineFlow.directorAppealFiledUpdate,
        eventBaseSchema,
        "Appeal to the director (within 15 calendar days of receipt of the facility head's response, §IV.C.12).",
      ),
      'director-appeal-decided': caseEvent(
        disciplineFlow.directorAppealDecidedUpdate,
        disciplineCase.appealDecisionSchema,
        "The director's decision on the appeal (§IV.C.12).",
      ),
      'privilege-restored': caseEvent(
        disciplineFlow.privilegeRestoredUpdate,
        disciplineCase.privilegeRestoredSchema,
        "The unit restored the privilege a sanction took away, on the last day of its term (Range of Allowable Sanctions); stops the restoration's reminders and breach alerts.",
      ),
      ...commonEvents,
    },
  },
  'title-ix': {
    title: 'Title IX complaint (Arkansas Correctional School District policies 3.26 and 8.20)',
    workflowType: titleIxFlow.titleIx.name,
    caseNumberSchema,
    workflowId: titleIxFlow.titleIxWorkflowId,
    intakeSchema: titleIxCase.titleIxIntakeSchema,
    parse: namedBy(titleIxCase.parseTitleIxIntake, 'caseNumber'),
    events: {
      'complainant-contacted': caseEvent(
        titleIxFlow.complainantContactedUpdate,
        eventBaseSchema,
        'The coordinator contacted the complainant about supportive measures (3.26).',
      ),
      'supportive-measures': caseEvent(
        titleIxFlow.supportiveMeasuresUpdate,
        titleIxCase.supportiveMeasuresSchema,
        'Supportive measures offered, accepted, declined, requested or provided (3.26).',
      ),
      'party-recorded': caseEvent(
        titleIxFlow.recordPartyUpdate,
        titleIxCase.recordPartySchema,
        'A party learned of after intake (contact details stay encrypted in the case).',
      ),
      'formal-complaint-received': caseEvent(
        titleIxFlow.formalComplaintReceivedUpdate,
        titleIxCase.formalComplaintSchema,
        'A formal complaint was filed: written notice to all known parties follows (3.26 Formal Complaint).',
      ),
      'parties-noticed': caseEvent(
        titleIxFlow.noticePartiesUpdate,
        titleIxCase.docketActSchema,
        'Send the written notice to all known parties simultaneously (3.26 Formal Complaint).',
      ),
      'evidence-sent': caseEvent(
        titleIxFlow.evidenceSentUpdate,
        titleIxCase.documentEventSchema,
        'Evidence sent to each party and advisor, at least 10 days before the report is completed (3.26).',
      ),
      'investigation-completed': caseEvent(
        titleIxFlow.investigationCompletedUpdate,
        titleIxCase.documentEventSchema,
        'The investigative report is complete (3.26).',
      ),
      'determination-issued': caseEvent(
        titleIxFlow.determinationIssuedUpdate,
        titleIxCase.determinationSchema,
        'The written determination, no earlier than 10 days after the investigation ends (3.26).',
      ),
      'appeal-filed': caseEvent(
        titleIxFlow.appealFiledUpdate,
        titleIxCase.appealSchema,
        'An appeal of the determination or a dismissal; the other party is told (3.26 Appeals).',
      ),
      'appeal-decided': caseEvent(
        titleIxFlow.appealDecidedUpdate,
        titleIxCase.appealDecisionSchema,
        'The appeal decision, by someone who is not the coordinator, investigator or decision-maker (3.26 Appeals).',
      ),
      'complaint-dismissed': caseEvent(
        titleIxFlow.dismissComplaintUpdate,
        titleIxCase.dismissalSchema,
        'The formal complaint was dismissed, with its required or discretionary reason (3.26).',
      ),
      'report-closed': caseEvent(
        titleIxFlow.closeReportUpdate,
        titleIxCase.closeReportSchema,
        'The report was closed.',
      ),
      ...commonEvents,
    },
  },
  probation: {
    title:
      'Employee probation record (Arkansas DOC SD 2022-17 §III.D–F): one per employee; the case number is the employee ID',
    workflowType: probationFlow.probationRecord.name,
    caseNumberSchema: probationCase.employeeIdSchema,
    workflowId: probationFlow.probationWorkflowId,
    intakeSchema: probationCase.probationIntakeSchema,
    parse: namedBy(probationCase.parseProbationIntake, 'employeeId'),
    events: {
      'action-recorded': caseEvent(
        probationFlow.recordActionUpdate,
        probationCase.actionInputSchema,
        'A disciplinary action or the start of an initial probation (hire, promotion; §III.D.3, §III.F.2).',
      ),
      'notification-received': caseEvent(
        probationFlow.notificationReceivedUpdate,
        probationCase.notificationInputSchema,
        'The employee received official notification of an action: its probation starts (§III.F.1).',
      ),
      'violation-reported': caseEvent(
        probationFlow.violationReportedUpdate,
        probationCase.violationInputSchema,
        'A new violation, judged against every earlier action’s look-back window (§III.D.4–5).',
      ),
      'verbal-warning-removed': caseEvent(
        probationFlow.verbalWarningRemovedUpdate,
        probationCase.removalInputSchema,
        'Documentation of a verbal warning removed on request after 1 year with no other incident (§III.D.3.a.iii).',
      ),
      separated: caseEvent(
        probationFlow.separateUpdate,
        probationCase.separationInputSchema,
        'The employment ended: the record closes.',
      ),
      ...commonEvents,
    },
  },
  contract: {
    title:
      'Inmate labor contract record (NC DOC Policy D.0700 §.0705): one per contract; the case number is the contract number',
    workflowType: contractFlow.contractRecord.name,
    caseNumberSchema,
    workflowId: contractFlow.contractWorkflowId,
    intakeSchema: contractCase.contractIntakeSchema,
    parse: namedBy(contractCase.parseContractIntake, 'contractNumber'),
    events: {
      'violation-confirmed': caseEvent(
        contractFlow.violationConfirmedUpdate,
        contractCase.violationConfirmedSchema,
        "A confirmed violation under heading a-e: it draws the rung of its heading's twelve-month count (§.0705(a)-(e)); the deciding authority is told.",
      ),
      'response-letter-received': caseEvent(
        contractFlow.responseLetterReceivedUpdate,
        contractCase.requirementEventSchema,
        "The contractor's letter specifying corrective action taken (answers a warning letter; needed before any suspension ends).",
      ),
      'safety-review-completed': caseEvent(
        contractFlow.safetyReviewCompletedUpdate,
        contractCase.requirementEventSchema,
        'An agency safety officer reviewed the safety program and corrective actions (needed to resume after (c), (d), (e)).',
      ),
      'osha-survey-completed': caseEvent(
        contractFlow.oshaSurveyCompletedUpdate,
        contractCase.requirementEventSchema,
        'The OSHA Consultative Services survey after a fatality, when the agency requires it (agency setting osha-survey).',
      ),
      'contract-resumed': caseEvent(
        contractFlow.contractResumedUpdate,
        contractCase.contractResumedSchema,
        'Contract activities resumed: refused before the suspension has run or before what it requires is in hand.',
      ),
      'contract-ended': caseEvent(
        contractFlow.contractEndedUpdate,
        contractCase.contractEndedSchema,
        'The contract ended: the record closes.',
      ),
      ...commonEvents,
    },
  },
  'cwp-project': {
    title: 'Community Work Program project (NC DOC Policy D.0700 §.0706): ten consecutive labor days or less',
    workflowType: cwpFlow.cwpProject.name,
    caseNumberSchema,
    workflowId: cwpFlow.cwpProjectWorkflowId,
    intakeSchema: workProgramsCase.cwpIntakeSchema,
    parse: namedBy(workProgramsCase.parseCwpIntake, 'caseNumber'),
    events: {
      'project-completed': caseEvent(
        cwpFlow.projectCompletedUpdate,
        eventBaseSchema,
        'The project was completed (by its planned end; an extension for an addition to the scope never reaches past labor day 10, §.0706).',
      ),
      'project-terminated': caseEvent(
        cwpFlow.projectTerminatedUpdate,
        workProgramsCase.projectTerminatedSchema,
        'The work was ended early (the supervising Correctional Officer may terminate it at any time, §.0706(h)).',
      ),
      ...commonEvents,
    },
  },
  'enterprises-transfer': {
    title:
      'Enterprises temporary transfer (NC DOC Policy D.0700 §.0707(h)): 24 hours notice, up to 4 hours of processing',
    workflowType: transferFlow.enterprisesTransfer.name,
    caseNumberSchema,
    workflowId: transferFlow.transferWorkflowId,
    intakeSchema: workProgramsCase.transferIntakeSchema,
    parse: namedBy(workProgramsCase.parseTransferIntake, 'caseNumber'),
    events: {
      'inmates-delivered': caseEvent(
        transferFlow.inmatesDeliveredUpdate,
        eventBaseSchema,
        'Enterprises delivered the inmates to the receiving facility: no earlier than 24 hours after the arrangements (§.0707(h)(1)).',
      ),
      'processing-completed': caseEvent(
        transferFlow.processingCompletedUpdate,
        eventBaseSchema,
        'The receiving facility processed the inmates in (up to 4 hours after delivery, §.0707(h)(3)).',
      ),
      'crew-released': caseEvent(
        transferFlow.crewReleasedUpdate,
        eventBaseSchema,
        'The inmates were released to the Enterprises work crew: only once processed (§.0707(h)(3)).',
      ),
      'inmates-returned': caseEvent(
        transferFlow.inmatesReturnedUpdate,
        eventBaseSchema,
        'The inmates were returned to their home facility (§.0707(h)(4)): the transfer closes.',
      ),
      'transfer-cancelled': caseEvent(
        transferFlow.transferCancelledUpdate,
        eventBaseSchema,
        'The transfer was called off before delivery.',
      ),
      ...commonEvents,
    },
  },
  'conduct-report': {
    title:
      'Staff conduct: a report of prohibited conduct with an offender or ex-offender (Oklahoma OMES public works programs), or a disclosure notice of a relationship with an inmate or offender (Wyoming DOC 1.006 §IV.A.2)',
    workflowType: conductFlow.conductReport.name,
    caseNumberSchema,
    workflowId: conductFlow.conductReportWorkflowId,
    intakeSchema: conductCase.conductIntakeSchema,
    parse: namedBy(conductCase.parseConductIntake, 'caseNumber'),
    events: {
      'investigation-started': caseEvent(
        conductFlow.conductInvestigationStartedUpdate,
        eventBaseSchema,
        'The investigation of a report started (agency setting: 2 working days after the report by default; seed 000 "will promptly investigate").',
      ),
      'investigation-completed': caseEvent(
        conductFlow.conductInvestigationCompletedUpdate,
        conductCase.investigationCompletedSchema,
        'The investigation was completed, with its finding (agency setting: 30 days after the report by default).',
      ),
      'retaliation-reported': caseEvent(
        conductFlow.retaliationReportedUpdate,
        conductCase.retaliationSchema,
        'Retaliation against the reporter, a witness or the offender: Human Resources is alerted at once (seed 000 Prohibited Retaliation).',
      ),
      'warden-decided': caseEvent(
        conductFlow.wardenDecidedUpdate,
        conductCase.wardenDecisionSchema,
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
