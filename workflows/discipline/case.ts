// One disciplinary case's state and the rules its events share: the case runtime, the staff who may
// not act in it, the documents the inmate is served, and when the decision becomes final.
import {
  DISCIPLINE_POLICY_ID,
  involvementOf,
  CONFLICT_SOURCE,
  type DisciplineIntake,
} from '../../domain/cases/discipline';
import type { ScheduleEntry } from '../../domain/types';
import { CaseRuntime } from '../case-runtime';
import { refuse } from '../refusals';
import { type ServiceTask } from '../case-messages';
import {
  DISCIPLINE_CASE_TYPE,
  entryOf,
  JURISDICTION,
  LATE_RECORDING_GRACE_MS,
  OPEN_STAGES,
  type DisciplineResult,
  type DisciplineRuntime,
  type DisciplineStage,
  type DisciplineView,
} from './model';
import { CaseSanctions, RESTORE_TASK } from './sanctions';
import { SubjectWatchLink } from './subject-link';

// Documents the inmate receives; each is a service task whose proof of service records the event.
export const OFFENSE_REPORT = 'offense-report';
export const HEARING_ACTIONS = 'hearing-actions';
export const FACILITY_RESPONSE = 'facility-response';
export const DIRECTOR_DECISION = 'director-decision';
const SERVED_EVENT: Record<string, string> = {
  [OFFENSE_REPORT]: 'report.served',
  [HEARING_ACTIONS]: 'hearing.actions.served',
  [FACILITY_RESPONSE]: 'appeal.facility.response.served',
};
const documentOf = (task: ServiceTask): string => task.task.split('/service/')[0] ?? task.task;

export class DisciplineCase {
  readonly runtime: DisciplineRuntime;
  readonly sanctions: CaseSanctions;
  readonly watch: SubjectWatchLink;

  constructor(
    readonly intake: DisciplineIntake,
    /** Whether the case opened with SANCTION_RULES_PATCH. */
    readonly modern: boolean,
  ) {
    this.runtime = new CaseRuntime<DisciplineStage>({
      caseType: DISCIPLINE_CASE_TYPE,
      caseNumber: intake.caseNumber,
      facility: intake.facility,
      jurisdiction: JURISDICTION,
      policyId: DISCIPLINE_POLICY_ID,
      policyVersion: intake.policyVersion,
      facts: {},
      settings: intake.settings,
      events: { 'report.filed': intake.reportedAt, 'report.accepted': intake.acceptedAt },
      stage: 'awaiting-service',
      openStages: OPEN_STAGES,
      // An unavailable inmate stops the service clock (§IV.C.2); a waiver ends the hearing's limits.
      settleDroppedDeadlines: true,
      // §IV.B, §IV.B.3: "the inmate will receive documented notification of the extension".
      onExtended: async (entry, record) => void (await this.runtime.serveExtensionNotice(entry, record)),
      validateService: (task, proof) => this.validateService(task, proof.at),
      onServiceRecorded: (task) => this.afterService(task),
      extendView: (view): DisciplineView => (modern ? { ...view, sanctions: this.sanctions.view() } : view),
    });
    this.sanctions = new CaseSanctions(this.runtime, intake, modern);
    this.watch = new SubjectWatchLink(this.runtime, intake, modern);
  }

  entry(key: string): ScheduleEntry | undefined {
    return entryOf(this.runtime.schedule, key);
  }

  /** Staff who wrote, witnessed or accepted the report may not act as `role` (§IV.B.1). */
  refuseInvolved(staffId: string, role: string, field: string): void {
    const involvement = involvementOf(this.intake, staffId);
    if (!involvement) return;
    refuse(
      'CONFLICT_OF_INTEREST',
      `staff ${staffId} ${involvement} and may not serve as ${role} (${CONFLICT_SOURCE})`,
      { field, value: staffId, rule: 'direct-involvement', source: CONFLICT_SOURCE },
    );
  }

  /** The decision is final; the case stays open while a sanction's restoration is still owed. */
  finish(outcome?: string): void {
    this.runtime.moveTo(this.sanctions.restorationsPending() ? 'sanctions-in-force' : 'final', outcome);
  }

  /**
   * Opens the case. The offense report is the first document the inmate is owed (§IV.C.2): the
   * investigator is told to serve it, with the 24-hour limit, and records proof of service against
   * this task. The per-subject record then answers with the inmate's earlier findings of this rule,
   * before the hearing.
   */
  async open(): Promise<void> {
    await this.runtime.open();
    await this.runtime.addServiceTask(
      { key: OFFENSE_REPORT, document: 'Offense report', to: 'inmate', role: 'disciplinary-investigator' },
      this.entry('report.service'),
    );
    if (this.modern) await this.watch.subscribeToRecord();
  }

  /**
   * When the case lapses on its own: an appeal window that closes with nothing filed makes the
   * decision final (§IV.C.11, §IV.C.12), once the grace for an appeal recorded late has passed.
   */
  appealLapseAt(): string | undefined {
    const window = this.openAppealWindow();
    return window?.dueAt
      ? new Date(Date.parse(window.dueAt) + LATE_RECORDING_GRACE_MS).toISOString()
      : undefined;
  }

  appealLapsed(): void {
    const window = this.openAppealWindow();
    this.runtime.record({
      type: 'appeal.lapsed',
      detail: `no appeal filed by ${window?.localText ?? 'the deadline'} (${window?.key ?? 'appeal'}): the decision is final`,
    });
    this.finish();
  }

  result(): DisciplineResult {
    const { stage, outcome } = this.runtime;
    return { caseNumber: this.intake.caseNumber, stage, outcome, expunged: stage === 'expunged' };
  }

  private openAppealWindow(): ScheduleEntry | undefined {
    if (this.runtime.stage === 'found-guilty') return this.entry('appeal.facility');
    if (this.runtime.stage === 'facility-decided') return this.entry('appeal.director');
    return undefined;
  }

  private validateService(task: ServiceTask, at: string): void {
    const runtime = this.runtime;
    switch (documentOf(task)) {
      case OFFENSE_REPORT:
        runtime.requireStage(['awaiting-service'], 'service of the offense report');
        for (const earlier of ['report.accepted', 'inmate.unavailable', 'inmate.available'])
          runtime.requireAfter(at, earlier, 'service of the offense report');
        runtime.checkTimely('report.served', at);
        return;
      case HEARING_ACTIONS:
        return runtime.requireAfter(at, 'hearing.held', 'service of the hearing actions');
      case FACILITY_RESPONSE:
        return runtime.requireAfter(at, 'appeal.facility.decided', "service of the facility head's response");
      case DIRECTOR_DECISION:
        return runtime.requireAfter(at, 'appeal.director.decided', "service of the director's decision");
    }
    if (documentOf(task).startsWith(RESTORE_TASK)) {
      this.sanctions.validateRestoration(documentOf(task).slice(RESTORE_TASK.length), at);
    }
  }

  private async afterService(task: ServiceTask): Promise<void> {
    const proof = task.proof;
    if (!proof) return;
    const document = documentOf(task);
    const event = SERVED_EVENT[document];
    // A refused signature is still service: the inmate was presented with the document.
    if (event)
      await this.runtime.recordEvents({ [event]: proof.at }, { at: proof.at, by: proof.servedBy }, event);
    if (document === OFFENSE_REPORT) this.runtime.moveTo('awaiting-hearing');
    // §IV.C.12: "The decision of the director or designee is final."
    if (document === DIRECTOR_DECISION) this.finish();
    if (document.startsWith(RESTORE_TASK)) {
      const code = document.slice(RESTORE_TASK.length);
      await this.sanctions.recordRestoration(code, proof.at, proof.servedBy, proof.note);
    }
  }
}
