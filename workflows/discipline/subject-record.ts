// What one subject's watch holds and the rules it applies: suspended punishments invoked by a later
// conviction inside their period (§IV.C.9), guilty findings kept by rule for the repeat rule, and the
// open cases subscribed to the findings of their rule. Each item is forgotten once it can matter to
// no one, so the watch ends when it holds nothing.
import { getExternalWorkflowHandle, patched } from '@temporalio/workflow';
import { SUSPENSION_SOURCE } from '../../domain/cases/discipline';
import type { RuleFinding } from '../../domain/cases/discipline-record';
import { DeadlineBook } from '../deadlines';
import { LATE_RECORDING_GRACE_MS } from './model';
import {
  priorFindingsSignal,
  SUBJECT_WATCH_CASE_TYPE,
  type GuiltyFinding,
  type RecordSubscription,
  type SubjectWatchInput,
  type SubjectWatchView,
  type WatchedConviction,
  type WatchedSubscription,
  type WatchedSuspension,
} from './watch-messages';

/**
 * A subscription lasts this long after the case asked (it asks again when the hearing is scheduled);
 * a case that closes without a conviction is then forgotten, or sooner, when an answer to it fails.
 */
const SUBSCRIPTION_MS = 90 * 24 * 3_600_000;
/** patched() id: the record answers subscribed cases (commands only runs with subscriptions have). */
const RECORD_ANSWERS_PATCH = 'subject-record-answers';

/**
 * A conviction is kept as long as a suspension that began before it could still be reported late
 * (a period is at most 90 days, §IV.C.9, plus the recording grace); then it can matter to no one.
 */
const CONVICTION_MEMORY_MS = 91 * 24 * 3_600_000 + LATE_RECORDING_GRACE_MS;

// A conviction or finding recorded late may still fall inside a period or window that has just ended.
const suspensionEnd = (s: WatchedSuspension): number => Date.parse(s.until) + LATE_RECORDING_GRACE_MS;
const convictionEnd = (k: WatchedConviction): number => Date.parse(k.at) + CONVICTION_MEMORY_MS;
const findingEnd = (f: RuleFinding): number => Date.parse(f.windowUntil) + LATE_RECORDING_GRACE_MS;
const subscriptionEnd = (s: WatchedSubscription): number => Date.parse(s.until);

const within = (s: WatchedSuspension, at: string): boolean =>
  Date.parse(s.from) <= Date.parse(at) && Date.parse(at) <= Date.parse(s.until);

/** Keeps, in place, the items of `list` that `end` places after `now`. */
function keepLive<T>(list: T[], end: (item: T) => number, now: number): void {
  const kept = list.filter((item) => end(item) > now);
  list.splice(0, list.length, ...kept);
}

export class SubjectRecord {
  /** The watch's own timeline; the watch is not a case, so it keeps a book without a schedule. */
  private readonly book: DeadlineBook;
  private readonly suspensions: WatchedSuspension[];
  private readonly convictions: WatchedConviction[];
  private readonly ruleFindings: RuleFinding[];
  private readonly subscriptions: WatchedSubscription[];
  /** Findings and subscriptions received and not yet taken. */
  private readonly inbox: GuiltyFinding[];
  private readonly requests: RecordSubscription[];

  constructor(
    private readonly input: SubjectWatchInput,
    workflowId: string,
  ) {
    this.book = new DeadlineBook(
      { caseNumber: workflowId, caseType: SUBJECT_WATCH_CASE_TYPE, facility: '-' },
      { maxTimelineEvents: 1_000 },
    );
    this.suspensions = [...(input.carried?.suspensions ?? [])];
    this.convictions = [...(input.carried?.convictions ?? [])];
    this.ruleFindings = [...(input.carried?.ruleFindings ?? [])];
    this.subscriptions = [...(input.carried?.subscriptions ?? [])];
    this.inbox = [...input.findings];
    this.requests = [...(input.requests ?? [])];
  }

  receive(finding: GuiltyFinding): void {
    this.inbox.push(finding);
  }

  request(subscription: RecordSubscription): void {
    this.requests.push(subscription);
  }

  waiting(): boolean {
    return this.inbox.length > 0 || this.requests.length > 0;
  }

  view(): SubjectWatchView {
    return {
      subjectRef: this.input.subjectRef,
      suspensions: this.suspensions,
      convictions: this.convictions,
      findings: this.ruleFindings,
      subscriptions: this.subscriptions.map((s) => ({
        caseNumber: s.caseNumber,
        offenseCode: s.offenseCode,
        until: s.until,
      })),
    };
  }

  timeline(): ReturnType<DeadlineBook['timeline']> {
    return this.book.timeline();
  }

  /** Takes what was received: the findings first, so that a case asking at the same moment hears of them. */
  async takeReceived(): Promise<void> {
    while (this.inbox.length > 0) await this.take(this.inbox.shift() as GuiltyFinding);
    while (this.requests.length > 0) await this.subscribe(this.requests.shift() as RecordSubscription);
  }

  /** Drops what can no longer matter; returns when the next item expires, if any remains. */
  forgetExpired(): number | undefined {
    const now = Date.now();
    keepLive(this.suspensions, suspensionEnd, now);
    keepLive(this.convictions, convictionEnd, now);
    keepLive(this.ruleFindings, findingEnd, now);
    keepLive(this.subscriptions, subscriptionEnd, now);
    const ends = [
      ...this.suspensions.map(suspensionEnd),
      ...this.convictions.map(convictionEnd),
      ...this.ruleFindings.map(findingEnd),
      ...this.subscriptions.map(subscriptionEnd),
    ];
    return ends.length > 0 ? Math.min(...ends) : undefined;
  }

  /**
   * The next run's input, emptying the queues into it. A watch without findings by rule or
   * subscriptions carries only what runs before them carried, so their inputs keep their shape.
   */
  carryOver(): SubjectWatchInput {
    const more = this.ruleFindings.length > 0 || this.subscriptions.length > 0 || this.requests.length > 0;
    const { suspensions, convictions, ruleFindings, subscriptions } = this;
    return {
      subjectRef: this.input.subjectRef,
      findings: this.inbox.splice(0),
      ...(more
        ? {
            requests: this.requests.splice(0),
            carried: { suspensions, convictions, ruleFindings, subscriptions },
          }
        : { carried: { suspensions, convictions } }),
    };
  }

  /** Tells a subscribed case every finding of its rule held for other cases; a closed case is dropped. */
  private async answer(sub: WatchedSubscription): Promise<void> {
    if (!patched(RECORD_ANSWERS_PATCH)) return;
    const findings = this.ruleFindings.filter(
      (f) => f.offenseCode === sub.offenseCode && f.caseNumber !== sub.caseNumber,
    );
    try {
      await getExternalWorkflowHandle(sub.workflowId).signal(priorFindingsSignal, {
        offenseCode: sub.offenseCode,
        findings,
      });
      this.book.record({
        type: 'findings.sent',
        detail: `${findings.length} finding(s) of rule ${sub.offenseCode} to ${sub.caseNumber}`,
      });
    } catch {
      const i = this.subscriptions.indexOf(sub);
      if (i >= 0) this.subscriptions.splice(i, 1);
      this.book.record({
        type: 'subscription.dropped',
        detail: `${sub.caseNumber}: the case is no longer open`,
      });
    }
  }

  private async subscribe(request: RecordSubscription): Promise<void> {
    const existing = this.subscriptions.findIndex((s) => s.caseNumber === request.caseNumber);
    if (existing >= 0) this.subscriptions.splice(existing, 1);
    const sub: WatchedSubscription = {
      ...request,
      until: new Date(Date.parse(request.at) + SUBSCRIPTION_MS).toISOString(),
    };
    this.subscriptions.push(sub);
    this.book.record({
      type: 'subscription.recorded',
      detail: `${sub.caseNumber} (rule ${sub.offenseCode})`,
    });
    await this.answer(sub);
  }

  /** Keeps a finding's rule and window, and tells the open cases of the same rule. */
  private async keepRuleFinding(finding: GuiltyFinding): Promise<void> {
    const rule = finding.rule;
    if (!rule) return;
    this.ruleFindings.push({
      caseNumber: finding.caseNumber,
      facility: finding.facility,
      offenseCode: rule.offenseCode,
      foundAt: finding.convictedAt,
      foundOn: rule.foundOn,
      windowUntil: rule.windowUntil,
      windowText: rule.windowText,
    });
    this.book.record({
      type: 'finding.recorded',
      detail: `${finding.caseNumber}: rule ${rule.offenseCode} on ${rule.foundOn}, window through ${rule.windowText}`,
    });
    // The case that reported it has concluded: it needs no more answers.
    const own = this.subscriptions.findIndex((s) => s.caseNumber === finding.caseNumber);
    if (own >= 0) this.subscriptions.splice(own, 1);
    for (const sub of this.subscriptions.filter((s) => s.offenseCode === rule.offenseCode)) {
      await this.answer(sub);
    }
  }

  /** The disciplinary officer of the convicting case is told to invoke the suspended punishment. */
  private async invoke(s: WatchedSuspension, conviction: WatchedConviction): Promise<void> {
    s.invokedBy.push(conviction.caseNumber);
    this.book.record({
      type: 'suspension.invoked',
      detail: `${s.sanction} of ${s.caseNumber} (suspended ${s.from} to ${s.until}) by the conviction in ${conviction.caseNumber} at ${conviction.at}`,
    });
    await this.book.notify({
      kind: 'party-notice',
      noticeKey: `suspended-sanction/${s.caseNumber}/${s.sanction}/invoke/${conviction.caseNumber}`,
      role: 'disciplinary-officer',
      facility: conviction.facility,
      caseNumber: conviction.caseNumber,
      delivery: {
        document: `Suspended punishment ${s.sanction} of case ${s.caseNumber} (suspended until ${s.until}) is invoked by this conviction, to run consecutive to the new punishment; it does not count among the new offense's three punishments (${SUSPENSION_SOURCE})`,
        to: 'inmate',
      },
      context: {
        suspendedCase: s.caseNumber,
        suspendedSanction: s.sanction,
        suspendedFrom: s.from,
        suspendedUntil: s.until,
        convictedAt: conviction.at,
      },
    });
  }

  private async take(finding: GuiltyFinding): Promise<void> {
    // A finding is delivered once, but a case number names one case: a repeat is ignored.
    if (this.convictions.some((known) => known.caseNumber === finding.caseNumber)) return;
    const conviction = {
      caseNumber: finding.caseNumber,
      facility: finding.facility,
      at: finding.convictedAt,
    };
    this.book.record({
      type: 'conviction.recorded',
      detail: `${finding.caseNumber} at ${finding.convictedAt}`,
    });
    await this.keepRuleFinding(finding);
    for (const s of this.suspensions) {
      if (s.caseNumber !== finding.caseNumber && within(s, conviction.at)) await this.invoke(s, conviction);
    }
    this.convictions.push(conviction);
    for (const { sanction, until } of finding.suspensions) await this.suspend(finding, sanction, until);
  }

  /** A punishment suspended with a conviction: watched until its period ends. */
  private async suspend(finding: GuiltyFinding, sanction: string, until: string): Promise<void> {
    const s: WatchedSuspension = {
      caseNumber: finding.caseNumber,
      facility: finding.facility,
      sanction,
      from: finding.convictedAt,
      until,
      invokedBy: [],
    };
    this.suspensions.push(s);
    this.book.record({
      type: 'suspension.recorded',
      detail: `${sanction} of ${s.caseNumber} until ${until}`,
    });
    // Another case's conviction inside this period that reached the watch first.
    for (const earlier of this.convictions) {
      if (earlier.caseNumber !== s.caseNumber && within(s, earlier.at)) await this.invoke(s, earlier);
    }
  }
}
