// The two appeals after a guilty finding: to the facility head within 15 calendar days of receiving
// the hearing actions (§IV.C.11), then to the director within 15 days of receiving the response
// (§IV.C.12). A waived hearing was a plea of guilty and forfeits both (§IV.C.2).
import { eventBaseSchema } from '../../domain/cases/common';
import { appealDecisionSchema } from '../../domain/cases/discipline';
import { refuse } from '../refusals';
import { DIRECTOR_DECISION, FACILITY_RESPONSE } from './case';
import { DisciplineEvents, updateHandler, type DisciplineStage } from './model';

/** One of the two appeal levels: what it follows, the stages it moves through, what it serves. */
interface AppealLevel {
  /** Its events and schedule entries are keyed `<key>.filed`, `<key>.decided`. */
  key: 'appeal.facility' | 'appeal.director';
  /** The served document whose receipt starts the appeal window. */
  follows: string;
  appeal: string;
  /** The stage it may be filed in, the stage while it is pending, and the stage once decided. */
  stages: [DisciplineStage, DisciplineStage, DisciplineStage];
  decision: string;
  decisionNoun: string;
  /** The decision served on the inmate, and the schedule entry that dates its service. */
  served: { key: string; role: string; entry: string; document: (outcome: string) => string };
}

const FACILITY: AppealLevel = {
  key: 'appeal.facility',
  follows: 'hearing.actions.served',
  appeal: 'an appeal to the facility head',
  stages: ['found-guilty', 'facility-appeal', 'facility-decided'],
  decision: "the facility head's response",
  decisionNoun: 'the response',
  // Receipt of the response starts the inmate's 15 calendar days to go to the director (§IV.C.12).
  served: {
    key: FACILITY_RESPONSE,
    role: 'facility-head',
    entry: 'appeal.facility.response',
    document: (outcome) =>
      `Facility head's response to the appeal (${outcome}), with the right to appeal to the director within 15 calendar days of receipt (OP-060125 §IV.C.12)`,
  },
};

const DIRECTOR: AppealLevel = {
  key: 'appeal.director',
  follows: 'appeal.facility.response.served',
  appeal: 'an appeal to the director',
  stages: ['facility-decided', 'director-appeal', 'director-decided'],
  decision: "the director's decision",
  decisionNoun: 'the decision',
  served: {
    key: DIRECTOR_DECISION,
    role: 'director',
    entry: 'appeal.director.review',
    document: (outcome) =>
      `Director's decision on the appeal (${outcome}); the decision is final (OP-060125 §IV.C.12)`,
  },
};

export class AppealEvents extends DisciplineEvents {
  readonly facilityAppealFiled = this.filed(FACILITY);
  readonly facilityAppealDecided = this.decided(FACILITY);
  readonly directorAppealFiled = this.filed(DIRECTOR);
  readonly directorAppealDecided = this.decided(DIRECTOR);

  private filed(level: AppealLevel) {
    const [from, pending] = level.stages;
    return updateHandler({
      schema: eventBaseSchema,
      validate: (event) => {
        this.refuseForfeitedAppeal();
        this.runtime.requireEvent(level.follows, level.appeal);
        // Late first: after the window the answer is the deadline, whatever the stage.
        this.runtime.checkTimely(`${level.key}.filed`, event.at);
        this.runtime.requireStage([from], level.appeal);
        this.runtime.requireAfter(event.at, level.follows, 'the appeal');
      },
      apply: async (event) => {
        await this.runtime.recordEvents({ [`${level.key}.filed`]: event.at }, event, `${level.key}.filed`);
        this.runtime.moveTo(pending);
      },
    });
  }

  private decided(level: AppealLevel) {
    const [, pending, decided] = level.stages;
    const key = `${level.key}.decided`;
    return updateHandler({
      schema: appealDecisionSchema,
      validate: (decision) => {
        this.runtime.requireStage([pending], level.decision);
        this.runtime.requireAfter(decision.at, `${level.key}.filed`, level.decisionNoun);
        this.runtime.checkTimely(key, decision.at);
      },
      apply: async (decision) => {
        await this.runtime.recordEvents({ [key]: decision.at }, decision, key);
        this.disciplineCase.sanctions.appealDecided(decision.outcome);
        this.runtime.moveTo(decided, decision.outcome);
        const { served } = level;
        await this.runtime.addServiceTask(
          { key: served.key, document: served.document(decision.outcome), to: 'inmate', role: served.role },
          this.disciplineCase.entry(served.entry),
        );
      },
    });
  }

  private refuseForfeitedAppeal(): void {
    if (!this.runtime.events['hearing.waived']) return;
    refuse(
      'APPEAL_FORFEITED',
      'the hearing was waived: a plea of guilty that forfeits the right to appeal (OP-060125 §IV.C.2)',
      { rule: 'waiver-ends-appeal' },
    );
  }
}
