// How a discipline case talks to its subject's watch: it reports its conviction (with any punishment
// suspended, and the rule and repeat window of cases that date one) and asks for the earlier findings
// of its rule, which the watch signals back.
import { getExternalWorkflowHandle, log, startChild, workflowInfo } from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import {
  subjectWatchRef,
  subjectWatchWorkflowId,
  type DisciplineIntake,
  type SanctionInput,
} from '../../domain/cases/discipline';
import { CaseTypeKey, JurisdictionKey } from '../search-attributes';
import { entryOf, JURISDICTION, type DisciplineRuntime } from './model';
import { suspendedSanctionWatch } from './suspended-sanction-watch';
import {
  guiltyFindingSignal,
  recordSubscribeSignal,
  SUBJECT_WATCH_CASE_TYPE,
  type GuiltyFinding,
  type RecordSubscription,
} from './watch-messages';

type WatchMessage = { finding: GuiltyFinding } | { subscription: RecordSubscription };

/** Attempts to reach the watch, which may complete between a refused start and a signal. */
const TELL_ATTEMPTS = 5;

export class SubjectWatchLink {
  private readonly subjectRef: string;

  constructor(
    private readonly runtime: DisciplineRuntime,
    private readonly intake: DisciplineIntake,
    /** Whether the case opened with SANCTION_RULES_PATCH. */
    private readonly modern: boolean,
  ) {
    this.subjectRef = subjectWatchRef(intake.subjectId);
  }

  /**
   * Tells the subject's watch of a conviction and of any punishment suspended with it (§IV.C.9), and,
   * for cases that date a repeat window, of the rule violated and the window's end.
   */
  async reportConviction(at: string, sanctions: readonly SanctionInput[]): Promise<void> {
    const finding: GuiltyFinding = {
      caseNumber: this.intake.caseNumber,
      facility: this.intake.facility,
      convictedAt: at,
      suspensions: sanctions.flatMap((s) =>
        s.suspendedUntil ? [{ sanction: s.code, until: s.suspendedUntil }] : [],
      ),
    };
    const window = this.modern ? entryOf(this.runtime.schedule, 'repeat.window') : undefined;
    if (window?.dueAt) {
      finding.rule = {
        offenseCode: this.intake.offenseCode,
        foundOn: window.anchorAt.slice(0, 10),
        windowUntil: window.dueAt,
        windowText: window.localText,
      };
    }
    await this.tell({ finding }, `conviction at ${at}`);
  }

  /** Asks the per-subject record for this rule's earlier findings; it answers now and on each new one. */
  subscribeToRecord(): Promise<void> {
    const { caseNumber, offenseCode, facility } = this.intake;
    return this.tell(
      {
        subscription: {
          caseNumber,
          workflowId: workflowInfo().workflowId,
          offenseCode,
          facility,
          at: new Date(Date.now()).toISOString(),
        },
      },
      `findings of rule ${offenseCode} requested`,
    );
  }

  /**
   * Workflows cannot signal-with-start, so the watch is started as a child that outlives this case
   * (ABANDON) with the message as its input, or, when it is already running, signalled through an
   * external handle. Both are workflow commands: recorded in history, delivered once, and sent with
   * the worker's own data converter (the payload codec), unlike an activity holding a second client
   * whose retries could deliver a message twice. If the watch ends between the two calls, start again.
   */
  private async tell(message: WatchMessage, what: string): Promise<void> {
    for (let attempt = 1; attempt <= TELL_ATTEMPTS; attempt++) {
      if (await this.startWatch(message)) {
        this.runtime.record({ type: 'subject-watch.started', detail: what });
        return;
      }
      if (await this.signalWatch(message)) {
        this.runtime.record({ type: 'subject-watch.told', detail: what });
        return;
      }
    }
    log.error('the subject watch could not be told', { caseNumber: this.intake.caseNumber });
    this.runtime.record({ type: 'subject-watch.failed', detail: `${what} not delivered` });
  }

  /** Starts the watch with the message as its input; false when the watch is already running. */
  private async startWatch(message: WatchMessage): Promise<boolean> {
    const subjectRef = this.subjectRef;
    try {
      await startChild(suspendedSanctionWatch, {
        workflowId: subjectWatchWorkflowId(subjectRef),
        args: [
          'finding' in message
            ? { subjectRef, findings: [message.finding] }
            : { subjectRef, findings: [], requests: [message.subscription] },
        ],
        parentClosePolicy: 'ABANDON',
        typedSearchAttributes: [
          { key: CaseTypeKey, value: SUBJECT_WATCH_CASE_TYPE },
          { key: JurisdictionKey, value: JURISDICTION },
        ],
        staticSummary: 'Suspended sanctions and findings by rule of one subject (OP-060125 §IV)',
      });
      return true;
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      return false;
    }
  }

  /** Signals the running watch; false when it completed after our start was refused. */
  private async signalWatch(message: WatchMessage): Promise<boolean> {
    try {
      const handle = getExternalWorkflowHandle(subjectWatchWorkflowId(this.subjectRef));
      if ('finding' in message) await handle.signal(guiltyFindingSignal, message.finding);
      else await handle.signal(recordSubscribeSignal, message.subscription);
      return true;
    } catch {
      return false;
    }
  }
}
