// One staff conduct case, of either kind (domain/cases/conduct-report.ts):
// - a report of prohibited conduct with an offender or ex-offender at an Oklahoma OMES public works
//   program (seed 000), from the report through the start and the completion of the investigation,
//   with retaliation against the reporter (or a witness, or the offender) alerted to Human Resources at
//   once, and whether the person was an offender or an ex-offender when the contact took place;
// - an employee's written notice of a pre-existing relationship or of regular social contact with an
//   inmate or offender at the Wyoming DOC (seed 001 §IV.A.2), through the warden's decision.
// Events arrive as Updates whose validators refuse anything out of order, too early or too late (a
// refused event leaves no trace in history).
//
// Confidentiality: the people in the case are known here by opaque IDs, and the allegation's category
// only in the workflow's input and state (payloads the codec encrypts). The workflow ID, search
// attributes, current details, summaries, log lines and the notices to staff carry the case number,
// roles and dates only.
import { defineUpdate } from '@temporalio/workflow';
import { eventBaseSchema, type EventBase } from '../domain/cases/common';
import {
  CONDUCT_REPORT_POLICY_ID,
  contactStatusOf,
  DISCLOSURE_POLICY_ID,
  investigationCompletedSchema,
  parseConductIntake,
  retaliationSchema,
  wardenDecisionSchema,
  type ConductIntakeInput,
  type ConductReportIntake,
  type ContactStatusView,
  type DisclosureIntake,
  type InvestigationCompletedInput,
  type RetaliationInput,
  type WardenDecisionInput,
} from '../domain/cases/conduct-report';
import type { ScheduleEntry } from '../domain/types';
import { CaseRuntime } from './case-runtime';
import { guard, refuse, refuseFutureEvent, type CaseView } from './case-support';

export const CONDUCT_REPORT_CASE_TYPE = 'conduct-report';

export const conductInvestigationStartedUpdate = defineUpdate<CaseView, [EventBase]>('investigationStarted');
export const conductInvestigationCompletedUpdate = defineUpdate<CaseView, [InvestigationCompletedInput]>(
  'investigationCompleted',
);
export const retaliationReportedUpdate = defineUpdate<CaseView, [RetaliationInput]>('retaliationReported');
export const wardenDecidedUpdate = defineUpdate<CaseView, [WardenDecisionInput]>('wardenDecided');

export type ConductStage = 'reported' | 'investigating' | 'investigated' | 'notice-received' | 'decided';

const SEED_000_SOURCE = (section: string) =>
  `OMES Public Works Programs policy §${section} (seed 000_ffa994603df00692.txt)`;
const SEED_001_SOURCE = (section: string) =>
  `WDOC Policy and Procedure #1.006 §IV.A.${section} (seed 001_b3b55b34e85b5a66.txt)`;

export interface RetaliationRecord {
  at: string;
  by: string;
  against: RetaliationInput['against'];
  byEmployeeId?: string;
  /** The notice key of the alert Human Resources was sent. */
  alert: string;
}

/** The conduct part of the case for the case system: opaque IDs, codes and dates only. */
export interface ConductDetails {
  kind: 'report' | 'disclosure';
  report?: {
    category: ConductReportIntake['category'];
    reporterId: string;
    reportedTo: ConductReportIntake['reportedTo'];
    subjectEmployeeId?: string;
    learnedAt: string;
    reportedAt: string;
    /** Whether the report came later than the agency's limit for "promptly report". */
    late: boolean;
    dueAt?: string;
    localText?: string;
    source?: string;
    personId: string;
    /** Offender or ex-offender at the time of contact, and why. */
    contact: ContactStatusView;
    finding?: string;
  };
  disclosure?: {
    employeeId: string;
    personId: string;
    relationship: DisclosureIntake['relationship'];
    wishes?: DisclosureIntake['wishes'];
    intention?: DisclosureIntake['intention'];
    decision?: { decision: string; at: string; by: string };
  };
  retaliation: RetaliationRecord[];
}

export interface ConductView extends CaseView {
  conduct: ConductDetails;
}

export interface ConductResult {
  caseNumber: string;
  kind: 'report' | 'disclosure';
  stage: ConductStage;
  outcome?: string;
}

export function conductReportWorkflowId(caseNumber: string): string {
  return `conduct-report-${caseNumber}`;
}

export async function conductReport(rawIntake: ConductIntakeInput): Promise<ConductResult> {
  const intake = guard(() => parseConductIntake(rawIntake));
  const report = intake.kind === 'report' ? intake : undefined;
  const disclosure = intake.kind === 'disclosure' ? intake : undefined;
  const retaliation: RetaliationRecord[] = [];
  let contact: ContactStatusView | undefined;
  let finding: string | undefined;
  let decision: { decision: string; at: string; by: string } | undefined;

  const c: CaseRuntime<ConductStage> = new CaseRuntime<ConductStage>({
    caseType: CONDUCT_REPORT_CASE_TYPE,
    caseNumber: intake.caseNumber,
    facility: intake.facility,
    jurisdiction: report ? 'US-OK' : 'US-WY',
    policyId: report ? CONDUCT_REPORT_POLICY_ID : DISCLOSURE_POLICY_ID,
    policyVersion: intake.policyVersion,
    facts: report
      ? { 'person-status': report.person.status === 'discharged' ? 'discharged' : 'offender' }
      : {},
    settings: intake.settings,
    events: report
      ? {
          'violation.learned': report.learnedAt,
          'report.made': report.reportedAt,
          ...(report.person.dischargedAt ? { 'person.discharged': report.person.dischargedAt } : {}),
        }
      : { 'notice.received': (disclosure as DisclosureIntake).noticeReceivedAt },
    stage: report ? 'reported' : 'notice-received',
    openStages: report ? ['reported', 'investigating'] : ['notice-received'],
    extendView: (view): ConductView => ({ ...view, conduct: details() }),
  });

  const entryOf = (key: string): ScheduleEntry | undefined => c.schedule?.entries.find((e) => e.key === key);

  function reportTimeliness(): { late: boolean; entry?: ScheduleEntry } {
    const entry = entryOf('report.prompt');
    const late = !!report && !!entry?.dueAt && Date.parse(report.reportedAt) > Date.parse(entry.dueAt);
    return { late, entry };
  }

  function details(): ConductDetails {
    if (report) {
      const { late, entry } = reportTimeliness();
      return {
        kind: 'report',
        report: {
          category: report.category,
          reporterId: report.reporterId,
          reportedTo: report.reportedTo,
          ...(report.subjectEmployeeId ? { subjectEmployeeId: report.subjectEmployeeId } : {}),
          learnedAt: report.learnedAt,
          reportedAt: report.reportedAt,
          late,
          dueAt: entry?.dueAt,
          localText: entry?.localText,
          source: entry?.sourceText,
          personId: report.person.id,
          contact: contact ?? { status: 'offender', explanation: 'not yet computed', source: '' },
          ...(finding ? { finding } : {}),
        },
        retaliation: [...retaliation],
      };
    }
    const notice = disclosure as DisclosureIntake;
    return {
      kind: 'disclosure',
      disclosure: {
        employeeId: notice.employeeId,
        personId: notice.personId,
        relationship: notice.relationship,
        ...(notice.wishes ? { wishes: notice.wishes } : {}),
        ...(notice.intention ? { intention: notice.intention } : {}),
        ...(decision ? { decision } : {}),
      },
      retaliation: [...retaliation],
    };
  }

  function requireKind(kind: 'report' | 'disclosure', what: string): void {
    if (intake.kind !== kind) {
      refuse('NOT_FOR_THIS_KIND', `${what} belongs to a ${kind}; this case is a ${intake.kind}`, {
        kind: intake.kind,
      });
    }
  }

  /** An alert to a staff role, sent at once (no deadline): what happened, what to do, the rule and its source. */
  const alert = (
    noticeKey: string,
    role: string,
    document: string,
    text: { alert: string; action: string; rule: string; source: string },
  ): Promise<boolean> =>
    c.notify({
      kind: 'party-notice',
      noticeKey,
      role,
      delivery: { document, to: role },
      context: {
        alert: text.alert,
        alertAction: text.action,
        alertRule: text.rule,
        alertSource: text.source,
      },
    });

  c.registerCommonHandlers();

  c.handle(conductInvestigationStartedUpdate, {
    schema: eventBaseSchema,
    validate: (event) => {
      requireKind('report', 'the start of an investigation');
      c.requireStage(['reported'], 'starting the investigation');
      c.requireAfter(event.at, 'report.made', 'the investigation');
      c.checkTimely('investigation.started', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'investigation.started': event.at }, event, 'investigation.started');
      c.moveTo('investigating');
    },
  });

  c.handle(conductInvestigationCompletedUpdate, {
    schema: investigationCompletedSchema,
    validate: (event) => {
      requireKind('report', 'the completion of an investigation');
      c.requireStage(['investigating'], 'completing the investigation');
      c.requireAfter(event.at, 'investigation.started', 'the completion');
      c.checkTimely('investigation.completed', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'investigation.completed': event.at }, event, 'investigation.completed');
      finding = event.finding;
      c.moveTo('investigated', event.finding);
    },
  });

  // Seed 000 Prohibited Retaliation: retaliation against anyone for reporting or taking part is itself
  // a violation; Human Resources is alerted at once, each time, whatever else the case is waiting for.
  c.handle(retaliationReportedUpdate, {
    schema: retaliationSchema,
    validate: (event) => {
      requireKind('report', 'retaliation');
      c.requireOpen('recording retaliation');
      refuseFutureEvent(event.at);
      c.requireAfter(event.at, 'violation.learned', 'the retaliation');
    },
    apply: async (event) => {
      const n = retaliation.length + 1;
      const record: RetaliationRecord = {
        at: event.at,
        by: event.by,
        against: event.against,
        ...(event.byEmployeeId ? { byEmployeeId: event.byEmployeeId } : {}),
        alert: `retaliation/${n}`,
      };
      retaliation.push(record);
      c.record({
        at: event.at,
        type: 'retaliation.reported',
        actor: event.by,
        detail: `against the ${event.against}`,
      });
      await alert(record.alert, 'hr', `Retaliation against the ${event.against} reported`, {
        alert: `Retaliation against the ${event.against} in this case was reported at ${event.at}. Retaliation for reporting or providing information is a violation of its own.`,
        action:
          'Protect the person retaliated against, and open the retaliation to investigation; the case system holds the details.',
        rule: 'Any employee who retaliates against an individual for reporting or providing information concerning violation of this policy shall be subject to disciplinary action up to and including termination.',
        source: SEED_000_SOURCE('Prohibited Retaliation'),
      });
    },
  });

  c.handle(wardenDecidedUpdate, {
    schema: wardenDecisionSchema,
    validate: (event) => {
      requireKind('disclosure', "the warden's decision");
      c.requireStage(['notice-received'], "the warden's decision");
      const notice = disclosure as DisclosureIntake;
      if (event.by === notice.employeeId) {
        refuse(
          'CONFLICT_OF_INTEREST',
          `staff ${event.by} gave the notice and may not decide it: the warden / division administrator or designee does (${SEED_001_SOURCE('2.i')})`,
          { field: 'by', value: event.by, source: SEED_001_SOURCE('2.i') },
        );
      }
      c.requireAfter(event.at, 'notice.received', 'the decision');
      c.checkTimely('warden.decided', event.at);
    },
    apply: async (event) => {
      await c.recordEvents({ 'warden.decided': event.at }, event, 'warden.decided');
      decision = { decision: event.decision, at: event.at, by: event.by };
      c.moveTo('decided', event.decision);
    },
  });

  await c.open();
  if (report) {
    contact = guard(() => contactStatusOf(report.person, entryOf('ex-offender.period')));
    c.record({ type: 'contact.status', detail: `${contact.status}: ${contact.explanation}` });
    const start = entryOf('investigation.start');
    const completion = entryOf('investigation.completion');
    await alert('report.made/received', 'hr', 'A report of prohibited conduct was received', {
      alert: `An employee reported a violation of the public works programs policy to the ${report.reportedTo === 'hr' ? 'Human Resources office' : 'supervisor'} at ${report.reportedAt}. The person concerned was ${contact.status === 'ex-offender' ? 'an ex-offender' : contact.status === 'offender' ? 'an offender' : 'neither an offender nor an ex-offender'} at the time of contact.`,
      action: `Start the investigation by ${start?.localText ?? 'the agency limit'} and complete it by ${completion?.localText ?? 'the agency limit'}; record both in the case system.`,
      rule: `${start?.rule ?? ''} (${start?.sourceText ?? ''})`,
      source: SEED_000_SOURCE('Prohibited Retaliation (investigation)'),
    });
    const { late, entry } = reportTimeliness();
    if (late && entry) {
      c.record({
        type: 'report.late',
        detail: `reported ${report.reportedAt}, after the limit ${entry.localText} (${entry.sourceText})`,
      });
      await alert('report.made/late', 'hr', 'A violation was reported late', {
        alert: `The employee who reported learned of the violation at ${report.learnedAt} and reported it at ${report.reportedAt}, after the limit for a prompt report, ${entry.localText}.`,
        action: 'Consider the late report itself under the policy; the case system holds the details.',
        rule: `${entry.rule}. Any employee who fails to promptly report a violation shall be subject to disciplinary action, up to and including termination.`,
        source: `${entry.sourceText}; ${SEED_000_SOURCE('Prohibited Retaliation (reporting)')}`,
      });
    }
  } else {
    const review = entryOf('warden.review');
    await alert(
      'notice.received/review',
      'warden',
      'A written notice of a relationship with an inmate or offender was received',
      {
        alert: `An employee's written notice (${(disclosure as DisclosureIntake).relationship}) reached the warden / division administrator at ${(disclosure as DisclosureIntake).noticeReceivedAt}.`,
        action: `Review the notice and record the decision by ${review?.localText ?? 'the agency limit'}.`,
        rule: `${review?.rule ?? ''} (${review?.sourceText ?? ''})`,
        source: SEED_001_SOURCE('2.i'),
      },
    );
  }
  await c.runUntilClosed();
  return { caseNumber: intake.caseNumber, kind: intake.kind, stage: c.stage, outcome: c.outcome };
}
