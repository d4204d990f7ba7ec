// The state and rules of one staff conduct case, of either kind (domain/cases/conduct-report.ts): a
// report of prohibited conduct (seed 000) or an employee's notice of a relationship (seed 001). What
// each event from the case system checks and does, the alerts to staff, and the case's details. The
// workflow (workflows/conduct-report.ts) registers these events and runs the case's loop.
import { eventBaseSchema } from '../../domain/cases/common';
import {
  CONDUCT_REPORT_POLICY_ID,
  contactStatusOf,
  DISCLOSURE_POLICY_ID,
  investigationCompletedSchema,
  retaliationSchema,
  wardenDecisionSchema,
  type ConductIntake,
  type ConductReportIntake,
  type ContactStatusView,
  type DisclosureIntake,
} from '../../domain/cases/conduct-report';
import { citeRule } from '../../domain/policies/citations';
import type { Policy } from '../../domain/policies/schema';
import type { ScheduleEntry } from '../../domain/types';
import { casePolicy, caseEvent, timedStep } from '../case-events';
import { CaseRuntime } from '../case-runtime';
import { guard, refuse, refuseFutureEvent } from '../refusals';
import {
  disclosureReviewAlert,
  lateReportAlert,
  reportReceivedAlert,
  retaliationAlert,
  type StaffAlert,
} from './alerts';
import type {
  ConductDetails,
  ConductResult,
  ConductStage,
  ConductView,
  RetaliationRecord,
  WardenDecision,
} from './types';

export const CONDUCT_REPORT_CASE_TYPE = 'conduct-report';

export class ConductCase {
  readonly runtime: CaseRuntime<ConductStage>;
  private readonly report?: ConductReportIntake;
  private readonly disclosure?: DisclosureIntake;
  private readonly retaliation: RetaliationRecord[] = [];
  private contact?: ContactStatusView;
  private finding?: string;
  private decision?: WardenDecision;

  constructor(private readonly intake: ConductIntake) {
    const report = intake.kind === 'report' ? intake : undefined;
    this.report = report;
    this.disclosure = intake.kind === 'disclosure' ? intake : undefined;
    this.runtime = new CaseRuntime<ConductStage>({
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
        : { 'notice.received': (this.disclosure as DisclosureIntake).noticeReceivedAt },
      stage: report ? 'reported' : 'notice-received',
      openStages: report ? ['reported', 'investigating'] : ['notice-received'],
      extendView: (view): ConductView => ({ ...view, conduct: this.details() }),
    });
  }

  details(): ConductDetails {
    const retaliation = [...this.retaliation];
    if (this.report) return { kind: 'report', report: this.reportDetails(this.report), retaliation };
    const notice = this.disclosure as DisclosureIntake;
    return {
      kind: 'disclosure',
      disclosure: {
        employeeId: notice.employeeId,
        personId: notice.personId,
        relationship: notice.relationship,
        ...(notice.wishes ? { wishes: notice.wishes } : {}),
        ...(notice.intention ? { intention: notice.intention } : {}),
        ...(this.decision ? { decision: this.decision } : {}),
      },
      retaliation,
    };
  }

  result(): ConductResult {
    const { stage, outcome } = this.runtime;
    return { caseNumber: this.intake.caseNumber, kind: this.intake.kind, stage, outcome };
  }

  /**
   * Once the first schedule is in: a report's contact status is decided and Human Resources alerted
   * (twice when the report came late); a disclosure goes to the warden for review.
   */
  async announce(): Promise<void> {
    if (this.report) {
      await this.announceReport(this.report);
      return;
    }
    const review = this.entryOf('warden.review');
    await this.alert(disclosureReviewAlert(this.policy(), this.disclosure as DisclosureIntake, review));
  }

  readonly investigationStarted = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'investigation.started',
    first: () => this.requireKind('report', 'the start of an investigation'),
    stages: ['reported'],
    doing: 'starting the investigation',
    follows: ['report.made', 'the investigation'],
    next: 'investigating',
  });

  readonly investigationCompleted = timedStep(() => this.runtime, investigationCompletedSchema, {
    key: 'investigation.completed',
    first: () => this.requireKind('report', 'the completion of an investigation'),
    stages: ['investigating'],
    doing: 'completing the investigation',
    follows: ['investigation.started', 'the completion'],
    then: (event) => {
      this.finding = event.finding;
      this.runtime.moveTo('investigated', event.finding);
    },
  });

  readonly retaliationReported = caseEvent(retaliationSchema, {
    validate: (event) => {
      this.requireKind('report', 'retaliation');
      this.runtime.requireOpen('recording retaliation');
      refuseFutureEvent(event.at);
      this.runtime.requireAfter(event.at, 'violation.learned', 'the retaliation');
    },
    apply: async (event) => {
      const record: RetaliationRecord = {
        at: event.at,
        by: event.by,
        against: event.against,
        ...(event.byEmployeeId ? { byEmployeeId: event.byEmployeeId } : {}),
        alert: `retaliation/${this.retaliation.length + 1}`,
      };
      this.retaliation.push(record);
      this.runtime.record({
        at: event.at,
        type: 'retaliation.reported',
        actor: event.by,
        detail: `against the ${event.against}`,
      });
      await this.alert(retaliationAlert(this.policy(), record.alert, event.against, event.at));
    },
  });

  readonly wardenDecided = timedStep(() => this.runtime, wardenDecisionSchema, {
    key: 'warden.decided',
    first: () => this.requireKind('disclosure', "the warden's decision"),
    stages: ['notice-received'],
    doing: "the warden's decision",
    check: (event) => {
      if (event.by === (this.disclosure as DisclosureIntake).employeeId) {
        const source = citeRule(this.policy(), 'warden.review');
        refuse(
          'CONFLICT_OF_INTEREST',
          `staff ${event.by} gave the notice and may not decide it: the warden / division administrator or designee does (${source})`,
          { field: 'by', value: event.by, source },
        );
      }
    },
    follows: ['notice.received', 'the decision'],
    then: (event) => {
      this.decision = { decision: event.decision, at: event.at, by: event.by };
      this.runtime.moveTo('decided', event.decision);
    },
  });

  private async announceReport(report: ConductReportIntake): Promise<void> {
    const contact = guard(() => contactStatusOf(report.person, this.entryOf('ex-offender.period')));
    this.contact = contact;
    this.runtime.record({ type: 'contact.status', detail: `${contact.status}: ${contact.explanation}` });
    const start = this.entryOf('investigation.start');
    const completion = this.entryOf('investigation.completion');
    await this.alert(reportReceivedAlert(this.policy(), report, contact, start, completion));
    const { late, entry } = this.reportTimeliness();
    if (late && entry) {
      this.runtime.record({
        type: 'report.late',
        detail: `reported ${report.reportedAt}, after the limit ${entry.localText} (${entry.sourceText})`,
      });
      await this.alert(lateReportAlert(this.policy(), report, entry));
    }
  }

  private reportDetails(report: ConductReportIntake): ConductDetails['report'] {
    const { late, entry } = this.reportTimeliness();
    return {
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
      contact: this.contact ?? { status: 'offender', explanation: 'not yet computed', source: '' },
      ...(this.finding ? { finding: this.finding } : {}),
    };
  }

  /** Whether the report came later than the agency's limit for "promptly report" (report.prompt). */
  private reportTimeliness(): { late: boolean; entry?: ScheduleEntry } {
    const entry = this.entryOf('report.prompt');
    const reportedAt = this.report?.reportedAt;
    const late = !!reportedAt && !!entry?.dueAt && Date.parse(reportedAt) > Date.parse(entry.dueAt);
    return { late, entry };
  }

  private requireKind(kind: 'report' | 'disclosure', what: string): void {
    if (this.intake.kind !== kind) {
      refuse('NOT_FOR_THIS_KIND', `${what} belongs to a ${kind}; this case is a ${this.intake.kind}`, {
        kind: this.intake.kind,
      });
    }
  }

  /** An alert to a staff role, sent at once (no deadline): what happened, what to do, the rule and its source. */
  private alert({ noticeKey, role, document, text }: StaffAlert): Promise<boolean> {
    return this.runtime.notify({
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
  }

  private entryOf(key: string): ScheduleEntry | undefined {
    return this.runtime.schedule?.entries.find((e) => e.key === key);
  }

  private policy(): Policy {
    return casePolicy(this.runtime);
  }
}
