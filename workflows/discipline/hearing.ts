// The events from the offense report's acceptance to the hearing's outcome: investigation, the
// inmate's availability for service (§IV.C.2), the staff representative (§IV.C.8), scheduling and
// concluding the hearing within its limits (§IV.B.3), or its waiver and the disposition (§IV.C.5).
import { eventBaseSchema } from '../../domain/cases/common';
import {
  dispositionSchema,
  hearingFindingSchema,
  hearingScheduleSchema,
  inmateUnavailableSchema,
  representativeRequestSchema,
  type HearingFinding,
} from '../../domain/cases/discipline';
import { checkNotBefore } from '../../domain/deadline/checks';
import type { Schedule } from '../../domain/types';
import { timedStep } from '../case-events';
import { guard, refuse, refuseFutureEvent } from '../refusals';
import { HEARING_ACTIONS } from './case';
import { DisciplineEvents, entryOf, updateHandler } from './model';

export class HearingEvents extends DisciplineEvents {
  readonly investigationStarted = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'investigation.started',
    doing: 'starting the investigation',
    once: 'the start of the investigation',
    follows: ['report.filed', 'the investigation'],
  });

  // §IV.C.2: unavailability is documented, and the report is then served within 24 hours after
  // availability occurs. The domain restarts the clock; the runtime stops its timers meanwhile.
  readonly inmateUnavailable = timedStep(() => this.runtime, inmateUnavailableSchema, {
    key: 'inmate.unavailable',
    stages: ['awaiting-service'],
    doing: 'documenting that the inmate is unavailable',
    once: 'unavailability',
    follows: ['report.accepted', 'unavailability'],
    then: (event) =>
      this.runtime.record({
        at: event.at,
        type: 'unavailability.documented',
        actor: event.by,
        detail: event.reason,
      }),
  });

  readonly inmateAvailable = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'inmate.available',
    stages: ['awaiting-service'],
    doing: 'recording that the inmate is available',
    requires: ['inmate.unavailable', 'availability'],
    once: 'availability',
    follows: ['inmate.unavailable', 'availability'],
  });

  readonly representativeRequested = timedStep(() => this.runtime, representativeRequestSchema, {
    key: 'representative.requested',
    stages: ['awaiting-service', 'awaiting-hearing'],
    doing: 'requesting a staff representative',
    once: 'the request for a staff representative',
    check: (request) => {
      if (request.representativeId)
        this.disciplineCase.refuseInvolved(
          request.representativeId,
          'the staff representative',
          'representativeId',
        );
    },
    follows: ['report.accepted', 'the request'],
  });

  readonly representativeConsulted = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'representative.consulted',
    stages: ['awaiting-service', 'awaiting-hearing'],
    doing: "the staff representative's consultation",
    requires: ['representative.requested', 'the consultation'],
    once: 'the consultation',
    check: (event) => this.disciplineCase.refuseInvolved(event.by, 'the staff representative', 'by'),
    follows: ['representative.requested', 'the consultation'],
  });

  // Scheduling is recorded so the representative's 24 hours (§IV.C.8) can be counted back from it;
  // a time inside the preparation period (§IV.C.2) or past the 7 working days (§IV.B.3) is refused.
  readonly hearingScheduled = updateHandler({
    schema: hearingScheduleSchema,
    validate: (input) => {
      this.runtime.requireStage(['awaiting-hearing'], 'scheduling the hearing');
      refuseFutureEvent(input.at);
      const earliest = this.disciplineCase.entry('hearing.earliest');
      if (earliest) guard(() => checkNotBefore(earliest, input.hearingAt));
      this.refuseAfterConclusionLimit(input.hearingAt, 'a hearing scheduled');
    },
    apply: async (input) => {
      await this.runtime.recordEvents(
        { 'hearing.scheduledFor': input.hearingAt },
        input,
        'hearing.scheduled',
        (next) => this.refuseWithoutConsultation(next, input.hearingAt),
      );
      // Renews the request for earlier findings, which lapses after a while on its own.
      if (this.disciplineCase.modern) await this.disciplineCase.watch.subscribeToRecord();
    },
  });

  readonly hearingConcluded = updateHandler({
    schema: hearingFindingSchema,
    validate: (finding) => {
      this.runtime.requireStage(['awaiting-hearing'], 'the hearing');
      this.disciplineCase.refuseInvolved(finding.by, 'the disciplinary officer', 'by');
      this.runtime.requireEvent('hearing.scheduledFor', 'recording the hearing');
      this.runtime.requireAfter(finding.at, 'hearing.scheduledFor', 'the end of the hearing');
      this.runtime.checkTimely('hearing.held', finding.at);
      this.refuseAfterConclusionLimit(finding.at, 'a hearing concluded');
      const schedule = this.runtime.requireReady();
      this.refuseUnconsulted(schedule);
      this.refuseWithoutConsultation(schedule, this.runtime.events['hearing.scheduledFor'] as string);
      this.disciplineCase.sanctions.check(finding.sanctions, finding.at);
    },
    apply: async (finding) => {
      const { sanctions } = this.disciplineCase;
      const conviction =
        finding.finding === 'guilty'
          ? sanctions.convictionRecord(finding.at, finding.sanctions)
          : { events: {} };
      await this.runtime.recordEvents(
        {
          'hearing.held': finding.at,
          ...sanctions.findingEvents(finding.at, finding.sanctions),
          ...conviction.events,
        },
        finding,
        'hearing.held',
        sanctions.withinSuspensionLimit(finding.sanctions),
        conviction.facts,
      );
      if (finding.finding === 'not-guilty') this.expunge(finding);
      else await this.convict(finding);
    },
  });

  // §IV.C.2: waiving the hearing is a plea of guilty and forfeits the appeal; the report goes to the
  // disciplinary officer for disposition and sanctions (§IV.C.5). The policy arms no appeal limits.
  readonly hearingWaived = timedStep(() => this.runtime, eventBaseSchema, {
    key: 'hearing.waived',
    stages: ['awaiting-hearing'],
    doing: 'waiving the hearing',
    follows: ['report.served', 'the waiver'],
    then: (event) => {
      this.runtime.record({
        at: event.at,
        type: 'plea.guilty',
        actor: event.by,
        detail:
          'hearing waived: a plea of guilty, the right to appeal forfeited (OP-060125 §IV.C.2); to the disciplinary officer for sanctions (§IV.C.5)',
      });
      this.runtime.moveTo('awaiting-disposition', 'guilty-plea');
    },
  });

  readonly dispositionRecorded = updateHandler({
    schema: dispositionSchema,
    validate: (disposition) => {
      this.runtime.requireStage(['awaiting-disposition'], 'the disposition of a guilty plea');
      this.disciplineCase.refuseInvolved(disposition.by, 'the disciplinary officer', 'by');
      refuseFutureEvent(disposition.at);
      this.runtime.requireAfter(disposition.at, 'hearing.waived', 'the disposition');
      this.disciplineCase.sanctions.check(disposition.sanctions, disposition.at);
    },
    apply: async (disposition) => {
      const { at, by, sanctions: imposed } = disposition;
      const { sanctions, watch } = this.disciplineCase;
      const conviction = sanctions.convictionRecord(at, imposed);
      const events = { ...sanctions.findingEvents(at, imposed), ...conviction.events };
      if (Object.keys(events).length > 0)
        await this.runtime.recordEvents(
          events,
          disposition,
          conviction.events['finding.guilty'] ? 'finding.guilty' : 'sanction.suspended',
          sanctions.withinSuspensionLimit(imposed),
          conviction.facts,
        );
      this.runtime.record({
        at,
        type: 'disposition',
        actor: by,
        detail: `guilty plea; sanctions ${imposed.map((s) => s.code).join(', ')}`,
      });
      if (this.disciplineCase.modern) await sanctions.afterConviction(at, by, imposed);
      await watch.reportConviction(at, imposed);
      this.disciplineCase.finish('guilty-plea');
    },
  });

  /** "Updates that schedule or record a hearing against these limits are rejected." */
  private refuseAfterConclusionLimit(at: string, what: string): void {
    const limit = this.disciplineCase.entry('hearing.conclusion');
    if (!limit?.dueAt || Date.parse(at) <= Date.parse(limit.dueAt)) return;
    refuse(
      'DEADLINE_PASSED',
      `${what} at ${at} is after the hearing.conclusion limit ${limit.localText} (${limit.rule}; ${limit.sourceText}); an extension needs a written justification, and the inmate is notified`,
      { key: limit.key, field: 'at', value: at, dueAt: limit.dueAt, source: limit.sourceText },
    );
  }

  /** §IV.C.8: a requested staff representative consults the inmate before the hearing is held. */
  private refuseUnconsulted(schedule: Schedule): void {
    if (!this.runtime.events['representative.requested'] || this.runtime.events['representative.consulted'])
      return;
    const consult = entryOf(schedule, 'representative.consult');
    refuse(
      'REPRESENTATIVE_NOT_CONSULTED',
      `the inmate requested a staff representative, who must consult the inmate at least 24 hours before the hearing${consult ? ` (by ${consult.localText})` : ''}; no consultation is recorded (OP-060125 §IV.C.8)`,
      { key: 'representative.consult', dueAt: consult?.dueAt },
    );
  }

  /** §IV.C.8: the representative consults the inmate at least 24 hours before the hearing. */
  private refuseWithoutConsultation(schedule: Schedule, hearingAt: string): void {
    const events = this.runtime.events;
    if (!events['representative.requested']) return;
    const consult = entryOf(schedule, 'representative.consult');
    if (!consult?.dueAt) return;
    const consulted = events['representative.consulted'];
    const details = { key: consult.key, dueAt: consult.dueAt, source: consult.sourceText, value: hearingAt };
    if (consulted && Date.parse(consulted) > Date.parse(consult.dueAt)) {
      refuse(
        'TOO_EARLY',
        `a hearing at ${hearingAt} is less than 24 hours after the staff representative consulted the inmate (${consulted}); the consultation had to be by ${consult.localText} (${consult.rule}; ${consult.sourceText})`,
        details,
      );
    }
    if (!consulted && Date.parse(consult.dueAt) < Date.now()) {
      refuse(
        'TOO_EARLY',
        `a hearing at ${hearingAt} leaves no time for the requested staff representative to consult the inmate by ${consult.localText} (${consult.rule}; ${consult.sourceText})`,
        details,
      );
    }
  }

  /** §IV.C.10: all related material is expunged and not used in decisions about the inmate. */
  private expunge(finding: HearingFinding): void {
    this.runtime.waiveOpen('not guilty (§IV.C.10)', finding.by);
    this.runtime.record({
      at: finding.at,
      type: 'material.expunged',
      actor: finding.by,
      detail:
        'not guilty: all related material is expunged and may not be used in decisions concerning the inmate (OP-060125 §IV.C.10)',
    });
    this.runtime.moveTo('expunged', 'not-guilty');
  }

  private async convict(finding: HearingFinding): Promise<void> {
    this.runtime.record({
      at: finding.at,
      type: 'finding.guilty',
      actor: finding.by,
      detail: `sanctions ${finding.sanctions.map((s) => s.code + (s.suspendedUntil ? ' (suspended)' : '')).join(', ')}`,
    });
    this.runtime.moveTo('found-guilty', 'guilty');
    // §IV.C.9: the inmate is informed of the evidence, the basis for punishment and the right to
    // appeal; receipt of the Disciplinary Hearing Actions starts the appeal period (§IV.C.11).
    await this.runtime.addServiceTask(
      {
        key: HEARING_ACTIONS,
        document:
          'Disciplinary Hearing Actions: the finding of guilt, the evidence for it, the basis for each punishment, and the right to appeal within 15 calendar days of receipt (OP-060125 §IV.C.9, §IV.C.11)',
        to: 'inmate',
        role: 'disciplinary-officer',
      },
      this.disciplineCase.entry('hearing.conclusion'),
    );
    if (this.disciplineCase.modern)
      await this.disciplineCase.sanctions.afterConviction(finding.at, finding.by, finding.sanctions);
    await this.disciplineCase.watch.reportConviction(finding.at, finding.sanctions);
  }
}
