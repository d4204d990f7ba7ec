// The sanctions of a discipline case opened with SANCTION_RULES_PATCH: each imposed sanction checked
// against the Range of Allowable Sanctions, the repeat rule assessed from the subject's earlier
// findings and told to the hearing officer, and each restorable sanction given a term whose end is a
// service task for the unit, open until the restoration is recorded. Suspensions (§IV.C.9) are checked
// in every case.
import { condition } from '@temporalio/workflow';
import {
  privilegeRestoredSchema,
  SANCTIONS_SOURCE,
  SUSPENSION_SOURCE,
  type DisciplineIntake,
  type SanctionInput,
} from '../../domain/cases/discipline';
import { assessRepeat, type RepeatAssessment, type RuleFinding } from '../../domain/cases/discipline-record';
import {
  amountOf,
  checkImposedSanctions,
  REPEAT_RULE_QUOTE,
  restoredEventOf,
  restoreRuleOf,
  sanctionRow,
  sanctionSourceText,
  termFacts,
  type ImposedSanction,
} from '../../domain/policies/ok-doc-sanctions';
import { versionAtLeast } from '../../domain/policies/versions';
import { formatLocalText, startOfLocalDay } from '../../domain/time';
import type { Schedule, ScheduleEntry } from '../../domain/types';
import { guard, refuse, refuseFutureEvent } from '../refusals';
import {
  entryOf,
  updateHandler,
  type DisciplineRuntime,
  type ImposedSanctionView,
  type SanctionsView,
} from './model';
import type { PriorFindings } from './watch-messages';

/** The policy version that dates terms and repeat windows (ok-doc-discipline 1.2.0). */
const TERMS_POLICY_VERSION = '1.2.0';
/** A restoration's service task is `restore-<sanction code>`. */
export const RESTORE_TASK = 'restore-';
/** Appeal outcomes after which a privilege may be restored before its term ends (§IV.C.11-12). */
const VOIDING_OUTCOMES = ['dismissed', 'modified'];

type Facts = Record<string, string | number | boolean>;

export class CaseSanctions {
  private readonly offense: SanctionsView['offense'];
  /** The subject's earlier findings of this rule, pushed by the per-subject record. */
  private priors: RuleFinding[] | undefined;
  private repeat: RepeatAssessment | undefined;
  private imposed: ImposedSanctionView[] = [];
  private readonly appealOutcomes: string[] = [];

  constructor(
    private readonly runtime: DisciplineRuntime,
    private readonly intake: DisciplineIntake,
    /** Whether the case opened with SANCTION_RULES_PATCH. */
    private readonly modern: boolean,
  ) {
    this.offense = { code: intake.offenseCode, class: intake.offenseClass };
  }

  /** The unit restored a privilege at the end of a sanction's term (or early, after an appeal). */
  readonly privilegeRestored = updateHandler({
    schema: privilegeRestoredSchema,
    validate: (event) => void this.validateRestoration(event.sanction, event.at),
    apply: (event) => this.recordRestoration(event.sanction, event.at, event.by, event.note),
  });

  receivePriors(message: PriorFindings): void {
    if (message.offenseCode === this.intake.offenseCode) this.priors = message.findings;
  }

  appealDecided(outcome: string): void {
    this.appealOutcomes.push(outcome);
  }

  view(): SanctionsView {
    return {
      offense: this.offense,
      imposed: this.imposed.map((i) => {
        if (!i.restoration) return i;
        const restoredAt = this.runtime.events[restoredEventOf(i.code)];
        return restoredAt ? { ...i, restoration: { ...i.restoration, restoredAt } } : i;
      }),
      priorFindings: this.priors ?? null,
      ...(this.repeat ? { repeat: this.repeat } : {}),
    };
  }

  /** Class X allows no suspension; a suspension ends after it starts (§IV.C.9, sanction table). */
  check(sanctions: readonly SanctionInput[], at: string): void {
    const suspended = sanctions.filter((s) => s.suspendedUntil !== undefined);
    if (suspended.length > 0 && this.intake.offenseClass === 'X') {
      refuse(
        'SUSPENSION_NOT_ALLOWED',
        `offense ${this.intake.offenseCode} is class X: "there is no discretion by hearing officer and no suspension of sanctions" (${SANCTIONS_SOURCE})`,
        { field: 'sanctions', rule: 'no-suspension-class-x', source: SANCTIONS_SOURCE },
      );
    }
    for (const s of suspended) {
      if (Date.parse(s.suspendedUntil as string) <= Date.parse(at)) {
        refuse('INVALID_INPUT', `sanction ${s.code}: suspendedUntil ${s.suspendedUntil} is not after ${at}`, {
          field: 'sanctions.suspendedUntil',
          value: s.suspendedUntil,
        });
      }
    }
    // A finding of not guilty imposes nothing to check.
    if (!this.modern || sanctions.length === 0) return;
    // The table: known rows of the offense's class (the next higher class only under the repeat rule),
    // terms stated and within each row's maximum, the mandatory class X sanctions.
    const assessment = assessRepeat(this.offense, at, this.priors, this.intake.caseNumber);
    guard(() =>
      checkImposedSanctions(this.offense, sanctions as ImposedSanction[], {
        applies: assessment.status === 'applies',
        statement: assessment.statement,
      }),
    );
  }

  /**
   * The 90-day maximum is a calendar-day limit in the calendar's zone, known only once the schedule
   * is recomputed with the finding; it is checked there, before anything changes.
   */
  withinSuspensionLimit(sanctions: readonly SanctionInput[]): (next: Schedule) => void {
    return (next) => {
      const limit = entryOf(next, 'sanction.suspension');
      if (!limit?.dueAt) return;
      for (const s of sanctions) {
        if (s.suspendedUntil && Date.parse(s.suspendedUntil) > Date.parse(limit.dueAt)) {
          refuse(
            'SUSPENSION_TOO_LONG',
            `sanction ${s.code}: suspended until ${s.suspendedUntil}, past the longest allowed period ending ${limit.localText} (${limit.rule}; ${SUSPENSION_SOURCE})`,
            {
              field: 'sanctions.suspendedUntil',
              value: s.suspendedUntil,
              dueAt: limit.dueAt,
              source: SUSPENSION_SOURCE,
            },
          );
        }
      }
    };
  }

  findingEvents(at: string, sanctions: readonly SanctionInput[]): Record<string, string> {
    return sanctions.some((s) => s.suspendedUntil) ? { 'sanction.suspended': at } : {};
  }

  /** The events and facts of a guilty finding under ok-doc-discipline 1.2.0: day 0 and the terms. */
  convictionRecord(
    at: string,
    sanctions: readonly SanctionInput[],
  ): { events: Record<string, string>; facts?: Facts } {
    if (!this.withTerms()) return { events: {} };
    return {
      events: { 'finding.guilty': at },
      facts: termFacts(this.intake.offenseCode, sanctions as ImposedSanction[]),
    };
  }

  /**
   * After a guilty finding: the repeat rule assessed and told to the hearing officer, the imposed
   * sanctions shown with their terms, and for each restorable one a service task for the unit to
   * restore the privilege on the term's last day (its reminder and breach alerts come from the
   * schedule entry).
   */
  async afterConviction(at: string, by: string, sanctions: readonly SanctionInput[]): Promise<void> {
    // The record answers when the case opens; a conclusion within moments of opening waits briefly.
    if (this.priors === undefined) await condition(() => this.priors !== undefined, '10 seconds');
    const repeat = assessRepeat(this.offense, at, this.priors, this.intake.caseNumber);
    this.repeat = repeat;
    this.runtime.record({ at, type: 'repeat.assessed', actor: by, detail: repeat.statement });
    await this.tellRepeatRule(repeat);
    this.imposed = sanctions.map((s) => this.imposedView(s));
    for (const view of this.imposed) await this.addRestorationTask(view, at);
  }

  restorationsPending(): boolean {
    return this.imposed.some(
      (i) => i.restoration !== undefined && !this.runtime.events[restoredEventOf(i.code)],
    );
  }

  /** A restoration: on the term's last day or later, or earlier once an appeal dismissed or modified it. */
  validateRestoration(code: string, at: string): ScheduleEntry {
    const entry = this.modern ? entryOf(this.runtime.schedule, restoreRuleOf(code)) : undefined;
    if (!entry?.dueAt) {
      const running = this.imposed.filter((i) => i.restoration).map((i) => i.code);
      refuse('UNKNOWN_SANCTION_TERM', `no sanction ${code} with a term to restore runs in this case`, {
        field: 'sanction',
        value: code,
        known: running,
      });
    }
    const restored = this.runtime.events[restoredEventOf(code)];
    if (restored) refuse('DUPLICATE_EVENT', `the restoration of ${code} was already recorded at ${restored}`);
    refuseFutureEvent(at);
    this.runtime.requireAfter(at, 'finding.guilty', 'the restoration');
    const lastDay = entry.dueAt.slice(0, 10);
    const earliest = startOfLocalDay(lastDay, entry.zone);
    const voided = this.appealOutcomes.find((o) => VOIDING_OUTCOMES.includes(o));
    if (Date.parse(at) < earliest && !voided) {
      const earliestText = formatLocalText(earliest, entry.zone);
      refuse(
        'TOO_EARLY',
        `${entry.key}: ${at} is before the last day of the term (${lastDay}); the privilege is restored on that day, from ${earliestText}, unless an appeal dismissed or modified the sanction (${entry.rule}; ${entry.sourceText})`,
        {
          key: entry.key,
          field: 'at',
          value: at,
          earliest: new Date(earliest).toISOString(),
          dueAt: entry.dueAt,
          source: entry.sourceText,
        },
      );
    }
    return entry;
  }

  async recordRestoration(code: string, at: string, by: string, note?: string): Promise<void> {
    // The timeline's entry names the event (privilege.restored-<code>); a note goes beside it.
    await this.runtime.recordEvents({ [restoredEventOf(code)]: at }, { at, by }, 'privilege.restored');
    if (note) this.runtime.record({ at, type: 'restoration.note', actor: by, detail: note });
    const task = this.runtime.serviceTasks.find((t) => t.task.startsWith(`${RESTORE_TASK}${code}/service/`));
    if (task && !task.proof) {
      task.proof = {
        task: task.task,
        servedBy: by,
        at,
        method: 'other',
        refused: false,
        note: 'privilege restored',
      };
    }
    if (this.runtime.stage === 'sanctions-in-force' && !this.restorationsPending())
      this.runtime.moveTo('final');
  }

  /** Terms are dated by the policy version that has them (ok-doc-discipline 1.2.0). */
  private withTerms(): boolean {
    const schedule = this.runtime.schedule;
    return (
      this.modern && schedule !== undefined && versionAtLeast(schedule.policyVersion, TERMS_POLICY_VERSION)
    );
  }

  private async tellRepeatRule(repeat: RepeatAssessment): Promise<void> {
    const finding =
      repeat.status === 'applies'
        ? 'a second infraction within six months'
        : repeat.status === 'unknown'
          ? 'not known'
          : 'not a second infraction within six months';
    await this.runtime.notify({
      kind: 'party-notice',
      noticeKey: 'finding.guilty/repeat-rule',
      role: 'disciplinary-officer',
      delivery: {
        document: `Repeat rule for the guilty finding of rule ${this.intake.offenseCode}: ${finding}`,
        to: 'disciplinary-officer',
      },
      context: {
        alert: repeat.statement,
        alertAction:
          repeat.status === 'applies' && repeat.higherClass
            ? `A sanction of class ${repeat.higherClass} may be imposed for this finding; Docket accepts one only while the repeat rule applies.`
            : 'No sanction of a higher class may be imposed for this finding.',
        alertRule: `${REPEAT_RULE_QUOTE} Counting: ${repeat.counting}.`,
        alertSource: repeat.source,
      },
    });
  }

  private imposedView(s: SanctionInput): ImposedSanctionView {
    const row = sanctionRow(s.code);
    const amount = amountOf(s as ImposedSanction);
    const view: ImposedSanctionView = {
      code: s.code,
      class: row?.class ?? this.intake.offenseClass,
      text: row?.text ?? s.code,
      source: sanctionSourceText(row),
      ...(amount?.unit === 'days' ? { days: amount.value } : {}),
      ...(amount?.unit === 'hours' ? { hours: amount.value } : {}),
      ...(s.suspendedUntil ? { suspendedUntil: s.suspendedUntil } : {}),
    };
    const entry = entryOf(this.runtime.schedule, restoreRuleOf(s.code));
    if (entry?.dueAt && row?.privilege) {
      view.restoration = {
        key: entry.key,
        privilege: row.privilege,
        dueAt: entry.dueAt,
        localText: entry.localText,
        explanation: entry.explanation.summary,
      };
    }
    return view;
  }

  /** A restorable sanction's term ends with a service task for the unit (§IV.C.9, sanction table). */
  private async addRestorationTask(view: ImposedSanctionView, at: string): Promise<void> {
    const restoration = view.restoration;
    if (!restoration) return;
    const task = await this.runtime.addServiceTask(
      {
        key: `${RESTORE_TASK}${view.code}`,
        document: `Restoration of ${restoration.privilege}: ${view.text} (${view.days} days from ${at.slice(0, 10)}, day 0) ends ${restoration.localText}. On that day restore the privilege, tell the inmate, and record the restoration (${view.source})`,
        to: 'inmate',
        role: 'unit-manager',
        dueAt: restoration.dueAt,
      },
      entryOf(this.runtime.schedule, restoration.key),
    );
    restoration.task = task.task;
  }
}
