// The two appeals after a guilty finding: to the facility head within 15 calendar days of receiving
// the hearing actions (§IV.C.11), then to the director within 15 days of receiving the response
// (§IV.C.12). A waived hearing was a plea of guilty and forfeits both (§IV.C.2).
import { eventBaseSchema } from '../../domain/cases/common';
import { appealDecisionSchema } from '../../domain/cases/discipline';
import { refuse } from '../refusals';
import { DIRECTOR_DECISION, FACILITY_RESPONSE, type DisciplineCase } from './case';
import { updateHandler, type DisciplineRuntime } from './model';

export class AppealEvents {
  private readonly runtime: DisciplineRuntime;

  constructor(private readonly disciplineCase: DisciplineCase) {
    this.runtime = disciplineCase.runtime;
  }

  readonly facilityAppealFiled = updateHandler({
    schema: eventBaseSchema,
    validate: (event) => {
      this.refuseForfeitedAppeal();
      this.runtime.requireEvent('hearing.actions.served', 'an appeal to the facility head');
      // Late first: after the window the answer is the deadline, whatever the stage.
      this.runtime.checkTimely('appeal.facility.filed', event.at);
      this.runtime.requireStage(['found-guilty'], 'an appeal to the facility head');
      this.runtime.requireAfter(event.at, 'hearing.actions.served', 'the appeal');
    },
    apply: async (event) => {
      await this.runtime.recordEvents({ 'appeal.facility.filed': event.at }, event, 'appeal.facility.filed');
      this.runtime.moveTo('facility-appeal');
    },
  });

  readonly facilityAppealDecided = updateHandler({
    schema: appealDecisionSchema,
    validate: (decision) => {
      this.runtime.requireStage(['facility-appeal'], "the facility head's response");
      this.runtime.requireAfter(decision.at, 'appeal.facility.filed', 'the response');
      this.runtime.checkTimely('appeal.facility.decided', decision.at);
    },
    apply: async (decision) => {
      await this.runtime.recordEvents(
        { 'appeal.facility.decided': decision.at },
        decision,
        'appeal.facility.decided',
      );
      this.disciplineCase.sanctions.appealDecided(decision.outcome);
      this.runtime.moveTo('facility-decided', decision.outcome);
      // Receipt of the response starts the inmate's 15 calendar days to go to the director (§IV.C.12).
      await this.runtime.addServiceTask(
        {
          key: FACILITY_RESPONSE,
          document: `Facility head's response to the appeal (${decision.outcome}), with the right to appeal to the director within 15 calendar days of receipt (OP-060125 §IV.C.12)`,
          to: 'inmate',
          role: 'facility-head',
        },
        this.disciplineCase.entry('appeal.facility.response'),
      );
    },
  });

  readonly directorAppealFiled = updateHandler({
    schema: eventBaseSchema,
    validate: (event) => {
      this.refuseForfeitedAppeal();
      this.runtime.requireEvent('appeal.facility.response.served', 'an appeal to the director');
      this.runtime.checkTimely('appeal.director.filed', event.at);
      this.runtime.requireStage(['facility-decided'], 'an appeal to the director');
      this.runtime.requireAfter(event.at, 'appeal.facility.response.served', 'the appeal');
    },
    apply: async (event) => {
      await this.runtime.recordEvents({ 'appeal.director.filed': event.at }, event, 'appeal.director.filed');
      this.runtime.moveTo('director-appeal');
    },
  });

  readonly directorAppealDecided = updateHandler({
    schema: appealDecisionSchema,
    validate: (decision) => {
      this.runtime.requireStage(['director-appeal'], "the director's decision");
      this.runtime.requireAfter(decision.at, 'appeal.director.filed', 'the decision');
      this.runtime.checkTimely('appeal.director.decided', decision.at);
    },
    apply: async (decision) => {
      await this.runtime.recordEvents(
        { 'appeal.director.decided': decision.at },
        decision,
        'appeal.director.decided',
      );
      this.disciplineCase.sanctions.appealDecided(decision.outcome);
      this.runtime.moveTo('director-decided', decision.outcome);
      await this.runtime.addServiceTask(
        {
          key: DIRECTOR_DECISION,
          document: `Director's decision on the appeal (${decision.outcome}); the decision is final (OP-060125 §IV.C.12)`,
          to: 'inmate',
          role: 'director',
        },
        this.disciplineCase.entry('appeal.director.review'),
      );
    },
  });

  private refuseForfeitedAppeal(): void {
    if (!this.runtime.events['hearing.waived']) return;
    refuse(
      'APPEAL_FORFEITED',
      'the hearing was waived: a plea of guilty that forfeits the right to appeal (OP-060125 §IV.C.2)',
      { rule: 'waiver-ends-appeal' },
    );
  }
}
