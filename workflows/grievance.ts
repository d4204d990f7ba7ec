// One inmate grievance (Oklahoma DOC OP-090124 §III.E, with the PREA track of 28 CFR 115.52), from
// the incident to the decision served on the inmate. Events from the case system arrive as Updates;
// their validators refuse anything out of order, late, or decided by an involved employee, so a
// refused event leaves no trace in history.
import {
  allHandlersFinished,
  condition,
  defineUpdate,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  acknowledgeSchema,
  eventBaseSchema,
  extensionRequestSchema,
  serviceProofSchema,
  type EventBase,
  type ExtensionRequestInput,
} from '../domain/cases/common';
import {
  GRIEVANCE_POLICY_ID,
  grievanceFacts,
  parseGrievanceIntake,
  type GrievanceIntakeInput,
} from '../domain/cases/grievance';
import { checkEvent, findEntry } from '../domain/deadline/checks';
import { validateExtension } from '../domain/deadline/extensions';
import type { ExtensionRecord, Schedule, ScheduleEntry } from '../domain/types';
import { z } from 'zod';
import {
  acknowledgeUpdate,
  computeScheduleRecorded,
  guard,
  parsePayload,
  recordServiceUpdate,
  refuse,
  refuseFutureEvent,
  scheduleQuery,
  SerialQueue,
  setStage,
  timelineQuery,
  type CaseView,
  type ServiceTask,
} from './case-support';
import { DeadlineBook, type TrackedDeadline } from './deadlines';
import { CaseTypeKey, FacilityKey, JurisdictionKey, PolicyVersionKey, StageKey } from './search-attributes';

export const GRIEVANCE_CASE_TYPE = 'grievance';

export const decisionSchema = eventBaseSchema.extend({
  outcome: z.enum(['granted', 'denied', 'partially-granted', 'dismissed']),
});
export type DecisionInput = z.input<typeof decisionSchema>;

export const rtsSubmittedUpdate = defineUpdate<CaseView, [EventBase]>('rtsSubmitted');
export const rtsRespondedUpdate = defineUpdate<CaseView, [EventBase]>('rtsResponded');
export const grievanceFiledUpdate = defineUpdate<CaseView, [EventBase]>('grievanceFiled');
export const initialResponseUpdate = defineUpdate<CaseView, [EventBase]>('initialResponse');
export const decisionIssuedUpdate = defineUpdate<CaseView, [DecisionInput]>('decisionIssued');
export const extendDeadlineUpdate = defineUpdate<CaseView, [ExtensionRequestInput]>('extendDeadline');
export const withdrawUpdate = defineUpdate<CaseView, [EventBase]>('withdraw');

export type GrievanceStage =
  'informal' | 'awaiting-filing' | 'formal' | 'decided' | 'closed' | 'withdrawn' | 'lapsed';

export interface GrievanceResult {
  caseNumber: string;
  stage: GrievanceStage;
  outcome?: string;
}

const CONFLICT_SOURCE = 'OP-090124 §III.E.5 (seed 002_5a28f52881808cb3.txt)';
const OPEN_STAGES: GrievanceStage[] = ['informal', 'awaiting-filing', 'formal', 'decided'];

export async function grievance(rawIntake: GrievanceIntakeInput): Promise<GrievanceResult> {
  const intake = guard(() => parseGrievanceIntake(rawIntake));
  const facts = grievanceFacts(intake);
  const events: Record<string, string> = { incident: intake.incidentAt };
  const extensions: ExtensionRecord[] = [];
  const serviceTasks: ServiceTask[] = [];
  const queue = new SerialQueue();
  let scheduleVersion = 0;
  let outcome: string | undefined;
  let stage: GrievanceStage =
    facts.track === 'standard' && facts.category !== 'sexual-abuse' ? 'informal' : 'awaiting-filing';

  const book = new DeadlineBook(
    { caseNumber: intake.caseNumber, caseType: GRIEVANCE_CASE_TYPE, facility: intake.facility },
    { onBreach: (deadline) => onBreach(deadline) },
  );

  const scheduleFor = (nextEvents: Record<string, string>, nextExtensions: ExtensionRecord[]) =>
    computeScheduleRecorded({
      policyId: GRIEVANCE_POLICY_ID,
      policyVersion: schedule?.policyVersion ?? intake.policyVersion,
      facts,
      events: nextEvents,
      extensions: nextExtensions,
      settings: intake.settings,
    });

  let schedule: Schedule | undefined;
  const view = (): CaseView => ({
    caseNumber: intake.caseNumber,
    caseType: GRIEVANCE_CASE_TYPE,
    facility: intake.facility,
    stage,
    policyId: GRIEVANCE_POLICY_ID,
    policyVersion: schedule?.policyVersion ?? '',
    deadlineState: book.overallState(),
    deadlines: book.view(),
    awaiting: schedule?.awaiting ?? [],
    serviceTasks,
    closed: !OPEN_STAGES.includes(stage),
    outcome,
  });

  const moveTo = (next: GrievanceStage): void => {
    if (next === stage) return;
    book.record({ type: 'stage', detail: `${stage} → ${next}` });
    stage = next;
    setStage(stage);
  };

  const requireReady = (): Schedule => {
    if (!schedule)
      refuse('CASE_INITIALIZING', 'the case is still computing its first schedule; retry shortly');
    return schedule;
  };

  const requireStage = (allowed: GrievanceStage[], what: string): void => {
    if (!allowed.includes(stage)) {
      refuse(
        'OUT_OF_ORDER',
        `${what} is not possible while the grievance is ${stage} (allowed when ${allowed.join(' or ')})`,
        {
          stage,
          allowed,
        },
      );
    }
  };

  /** Validates an event against the recorded schedule: not in the future, not after a subject's window. */
  const checkTimely = (eventKey: string, event: EventBase): void => {
    refuseFutureEvent(event.at);
    const current = requireReady();
    if (Date.parse(event.at) < Date.parse(intake.incidentAt)) {
      refuse(
        'EVENT_OUT_OF_ORDER',
        `${eventKey} at ${event.at} is before the incident (${intake.incidentAt})`,
        {
          field: 'at',
          value: event.at,
        },
      );
    }
    guard(() => checkEvent(current, eventKey, event.at));
  };

  /**
   * Records an event: recomputes the schedule (recorded in history) and only then changes any state,
   * so a failure part-way leaves the case as it was.
   */
  const recordEvent = async (
    eventKey: string,
    event: EventBase,
    after?: () => Promise<void> | void,
    alsoRecords: string[] = [],
  ) => {
    const nextEvents = { ...events, [eventKey]: event.at };
    for (const key of alsoRecords) nextEvents[key] = event.at;
    const next = await scheduleFor(nextEvents, extensions);
    Object.assign(events, nextEvents);
    schedule = next;
    scheduleVersion += 1;
    book.record({
      at: event.at,
      type: eventKey,
      actor: event.by,
      detail: event.note ? 'with note' : eventKey,
    });
    book.apply(next);
    await after?.();
    book.publish();
    return view();
  };

  const addServiceTask = async (task: Omit<ServiceTask, 'task'> & { key: string }, entry?: ScheduleEntry) => {
    const n = serviceTasks.filter((t) => t.document === task.document).length + 1;
    const noticeKey = `${task.key}/service/${n}`;
    serviceTasks.push({
      task: noticeKey,
      document: task.document,
      to: task.to,
      role: task.role,
      dueAt: task.dueAt,
    });
    await book.notify({
      kind: 'service-task',
      noticeKey,
      role: task.role,
      entry,
      delivery: { document: task.document, to: task.to },
    });
  };

  async function onBreach(deadline: TrackedDeadline): Promise<void> {
    // 28 CFR 115.52(d)(4): with no response by the final due date, the inmate may consider the
    // absence of a response a denial. Record it, and have staff tell the inmate.
    if (deadline.key.startsWith('prea.') && deadline.key.endsWith('final-decision')) {
      book.record({
        type: 'prea.deemed-denial',
        detail: `no final decision by ${deadline.entry.localText} (28 CFR 115.52(d)(4))`,
      });
      await addServiceTask(
        {
          key: `${deadline.key}.deemed-denial`,
          document:
            'Notice: no decision by the final due date; the grievance may be treated as denied (28 CFR 115.52(d)(4))',
          to: 'inmate',
          role: deadline.entry.responsibleRole,
        },
        deadline.entry,
      );
    }
  }

  // Handlers are registered before the first await so no early update is lost; they refuse with
  // CASE_INITIALIZING until the first schedule is recorded.
  setHandler(scheduleQuery, view);
  setHandler(timelineQuery, () => book.timeline());

  setHandler(
    rtsSubmittedUpdate,
    (raw) =>
      queue.run(() => recordEvent('rts.submitted', parsePayload(eventBaseSchema, raw, 'rtsSubmitted'))),
    {
      validator: (raw) => {
        const event = parsePayload(eventBaseSchema, raw, 'rtsSubmitted');
        requireStage(['informal'], 'a Request to Staff');
        if (events['rts.submitted'])
          refuse(
            'DUPLICATE_EVENT',
            `the Request to Staff was already recorded at ${events['rts.submitted']}`,
          );
        checkTimely('rts.submitted', event);
      },
    },
  );

  setHandler(
    rtsRespondedUpdate,
    (raw) =>
      queue.run(() =>
        recordEvent('rts.responded', parsePayload(eventBaseSchema, raw, 'rtsResponded'), () =>
          moveTo('awaiting-filing'),
        ),
      ),
    {
      validator: (raw) => {
        const event = parsePayload(eventBaseSchema, raw, 'rtsResponded');
        requireStage(['informal'], 'a Request to Staff response');
        if (!events['rts.submitted'])
          refuse('OUT_OF_ORDER', 'no Request to Staff has been recorded to respond to');
        if (Date.parse(event.at) < Date.parse(events['rts.submitted'] as string)) {
          refuse(
            'EVENT_OUT_OF_ORDER',
            `the response at ${event.at} is before the Request to Staff (${events['rts.submitted']})`,
            {
              field: 'at',
              value: event.at,
            },
          );
        }
        checkTimely('rts.responded', event);
      },
    },
  );

  setHandler(
    grievanceFiledUpdate,
    (raw) =>
      queue.run(() =>
        recordEvent('grievance.filed', parsePayload(eventBaseSchema, raw, 'grievanceFiled'), () =>
          moveTo('formal'),
        ),
      ),
    {
      validator: (raw) => {
        const event = parsePayload(eventBaseSchema, raw, 'grievanceFiled');
        if (stage === 'informal') {
          refuse(
            'INFORMAL_RESOLUTION_REQUIRED',
            'the formal grievance needs the Request to Staff response first (OP-090124 §III.E.9, §III.E.12); emergency or sensitive grievances skip this (§III.E.11)',
            { stage },
          );
        }
        requireStage(['awaiting-filing'], 'filing the grievance');
        if (events['rts.responded'] && Date.parse(event.at) < Date.parse(events['rts.responded'])) {
          refuse(
            'EVENT_OUT_OF_ORDER',
            `the filing at ${event.at} is before the Request to Staff response (${events['rts.responded']})`,
            {
              field: 'at',
              value: event.at,
            },
          );
        }
        checkTimely('grievance.filed', event);
      },
    },
  );

  setHandler(
    initialResponseUpdate,
    (raw) =>
      queue.run(() =>
        recordEvent('grievance.initial-response', parsePayload(eventBaseSchema, raw, 'initialResponse')),
      ),
    {
      validator: (raw) => {
        const event = parsePayload(eventBaseSchema, raw, 'initialResponse');
        requireStage(['formal'], 'an initial response');
        if (!(facts.category === 'sexual-abuse' && facts.track === 'emergency')) {
          refuse(
            'NOT_APPLICABLE',
            'an initial response is recorded only on the PREA emergency track (28 CFR 115.52(f))',
          );
        }
        if (events['grievance.initial-response'])
          refuse('DUPLICATE_EVENT', 'the initial response was already recorded');
        checkTimely('grievance.initial-response', event);
      },
    },
  );

  setHandler(
    decisionIssuedUpdate,
    (raw) =>
      queue.run(async () => {
        const decision = parsePayload(decisionSchema, raw, 'decisionIssued');
        outcome = decision.outcome;
        // The reviewing authority's answer is the agency's decision; on the PREA track it is also the
        // final decision on the merits (115.52(d)); the PREA emergency track has no separate answer.
        const preaEmergency = facts.category === 'sexual-abuse' && facts.track === 'emergency';
        const alsoRecords =
          facts.category === 'sexual-abuse' && !preaEmergency ? ['grievance.final-decision'] : [];
        const eventKey = preaEmergency ? 'grievance.final-decision' : 'grievance.responded';
        return recordEvent(
          eventKey,
          decision,
          async () => {
            moveTo('decided');
            const responder =
              book.get('grievance.response') ??
              book.get('prea.final-decision') ??
              book.get('prea.emergency.final-decision');
            await addServiceTask(
              {
                key: 'grievance.decision',
                document: `Grievance decision (${decision.outcome})`,
                to: 'inmate',
                role: responder?.entry.responsibleRole ?? 'reviewing-authority',
              },
              responder?.entry,
            );
          },
          alsoRecords,
        );
      }),
    {
      validator: (raw) => {
        const decision = parsePayload(decisionSchema, raw, 'decisionIssued');
        requireStage(['formal'], 'a decision');
        if (intake.involvedStaffIds.includes(decision.by)) {
          refuse(
            'CONFLICT_OF_INTEREST',
            `staff ${decision.by} is directly involved in the complaint and may not decide it; a designee must be appointed (${CONFLICT_SOURCE})`,
            { field: 'by', value: decision.by, rule: 'direct-involvement', source: CONFLICT_SOURCE },
          );
        }
        if (Date.parse(decision.at) < Date.parse(events['grievance.filed'] as string)) {
          refuse(
            'EVENT_OUT_OF_ORDER',
            `the decision at ${decision.at} is before the filing (${events['grievance.filed']})`,
            {
              field: 'at',
              value: decision.at,
            },
          );
        }
        checkTimely(
          facts.category === 'sexual-abuse' && facts.track === 'emergency'
            ? 'grievance.final-decision'
            : 'grievance.responded',
          decision,
        );
      },
    },
  );

  const extensionRecordFor = (request: ExtensionRequestInput): ExtensionRecord => {
    const current = requireReady();
    const entry = guard(() => findEntry(current, request.key));
    return guard(() =>
      validateExtension(
        {
          id: current.policyId,
          version: current.policyVersion,
          rules: [{ key: entry.key, extension: entry.extensionPolicy }],
        },
        entry,
        { ...request, grantedAt: request.at },
      ),
    );
  };

  setHandler(
    extendDeadlineUpdate,
    (raw) =>
      queue.run(async () => {
        const request = parsePayload(extensionRequestSchema, raw, 'extendDeadline');
        const record = extensionRecordFor(request);
        const nextExtensions = [...extensions, record];
        const next = await scheduleFor(events, nextExtensions);
        extensions.push(record);
        schedule = next;
        scheduleVersion += 1;
        book.record({
          at: request.at,
          type: 'deadline.extended',
          actor: request.approvedBy,
          detail: `${record.key} to ${record.dueAt} by ${record.overrideAuthority ?? record.approverRole}: ${record.reason}`,
        });
        book.apply(next);
        const entry = findEntry(next, record.key);
        // Each extension notifies the affected party: the inmate, through staff (a service task).
        const serveRole = entry.actor === 'subject' ? request.approverRole : entry.responsibleRole;
        if (entry.actor !== 'subject') {
          await book.notify({
            kind: 'extension',
            noticeKey: `${record.key}/extension/${nextExtensions.length}`,
            role: entry.responsibleRole,
            entry,
          });
        }
        if (entry.actor === 'subject' || entry.extensionPolicy?.noticeTo === 'inmate') {
          await addServiceTask(
            {
              key: `${record.key}.extension-${nextExtensions.length}`,
              document: `Written notice of extension: ${entry.key} now due ${entry.localText}`,
              to: 'inmate',
              role: serveRole === 'inmate' ? 'reviewing-authority' : serveRole,
            },
            entry,
          );
        }
        book.publish();
        return view();
      }),
    {
      validator: (raw) => {
        const request = parsePayload(extensionRequestSchema, raw, 'extendDeadline');
        requireStage(OPEN_STAGES, 'an extension');
        refuseFutureEvent(request.at);
        extensionRecordFor(request);
      },
    },
  );

  setHandler(
    withdrawUpdate,
    (raw) =>
      queue.run(async () => {
        const event = parsePayload(eventBaseSchema, raw, 'withdraw');
        for (const deadline of book.view()) {
          if (deadline.kind === 'deadline') book.waive(deadline.key, 'grievance withdrawn', event.by);
        }
        book.record({ at: event.at, type: 'withdrawn', actor: event.by, detail: 'grievance withdrawn' });
        outcome = 'withdrawn';
        moveTo('withdrawn');
        return view();
      }),
    {
      validator: (raw) => {
        const event = parsePayload(eventBaseSchema, raw, 'withdraw');
        requireStage(['informal', 'awaiting-filing', 'formal'], 'a withdrawal');
        refuseFutureEvent(event.at);
      },
    },
  );

  setHandler(
    acknowledgeUpdate,
    (raw) =>
      queue.run(async () => {
        const ack = parsePayload(acknowledgeSchema, raw, 'acknowledge');
        book.acknowledge(ack.key, ack.by);
        return view();
      }),
    {
      validator: (raw) => {
        const ack = parsePayload(acknowledgeSchema, raw, 'acknowledge');
        book.requireBreached(ack.key);
      },
    },
  );

  setHandler(
    recordServiceUpdate,
    (raw) =>
      queue.run(async () => {
        const proof = parsePayload(serviceProofSchema, raw, 'recordService');
        const task = serviceTasks.find((t) => t.task === proof.task) as ServiceTask;
        task.proof = proof;
        book.record({
          at: proof.at,
          type: proof.refused ? 'service.refused' : 'service.completed',
          actor: proof.servedBy,
          detail: `${task.document} (${proof.method})`,
          noticeKey: task.task,
        });
        if (stage === 'decided' && task.task.startsWith('grievance.decision/')) moveTo('closed');
        return view();
      }),
    {
      validator: (raw) => {
        const proof = parsePayload(serviceProofSchema, raw, 'recordService');
        refuseFutureEvent(proof.at);
        const task = serviceTasks.find((t) => t.task === proof.task);
        if (!task) {
          refuse('UNKNOWN_SERVICE_TASK', `no service task ${proof.task} in this case`, {
            field: 'task',
            value: proof.task,
            known: serviceTasks.map((t) => t.task),
          });
        }
        if (task.proof)
          refuse('DUPLICATE_EVENT', `service of ${proof.task} was already recorded at ${task.proof.at}`);
      },
    },
  );

  upsertSearchAttributes([
    { key: CaseTypeKey, value: GRIEVANCE_CASE_TYPE },
    { key: JurisdictionKey, value: 'US-OK' },
    { key: FacilityKey, value: intake.facility },
    { key: StageKey, value: stage },
  ]);
  schedule = await scheduleFor(events, extensions);
  upsertSearchAttributes([
    { key: PolicyVersionKey, value: `${schedule.policyId}@${schedule.policyVersion}` },
  ]);
  book.record({
    type: 'opened',
    detail: `${intake.category} grievance at ${intake.facility}`,
    actor: workflowInfo().workflowId,
  });
  book.apply(schedule);

  // The case closes when the decision is served, on withdrawal, or when the inmate's filing window
  // lapses with nothing filed (the last day an extension or the absolute limit allows).
  while (OPEN_STAGES.includes(stage)) {
    const lapseAt = lapseInstant();
    const before = stage;
    const version = scheduleVersion;
    const changed = () => stage !== before || scheduleVersion !== version;
    if (lapseAt === undefined) {
      await condition(() => changed());
      continue;
    }
    const remaining = Math.max(1, Date.parse(lapseAt) - Date.now());
    if (await condition(changed, remaining, { summary: `filing window closes ${lapseAt}` })) continue;
    if (lapseInstant() === lapseAt) {
      book.record({
        type: 'lapsed',
        detail: `no ${stage === 'informal' ? 'Request to Staff' : 'grievance'} filed by ${lapseAt}`,
      });
      outcome = 'lapsed';
      moveTo('lapsed');
    }
  }
  book.publish();
  // Let an update that closed the case return its answer before the workflow completes.
  await condition(allHandlersFinished);
  return { caseNumber: intake.caseNumber, stage, outcome };

  /** When the inmate's window to take the next step closes, if the case is waiting on the inmate. */
  function lapseInstant(): string | undefined {
    const entries = schedule?.entries ?? [];
    const due = (key: string) => entries.find((e) => e.key === key)?.dueAt;
    if (stage === 'informal' && !events['rts.submitted']) return due('rts.filing');
    if (stage === 'awaiting-filing') {
      const candidates = [due('grievance.filing'), due('grievance.filing.absolute')].filter(
        (d): d is string => Boolean(d),
      );
      if (candidates.length === 0) return undefined;
      return candidates.reduce((a, b) => (Date.parse(a) > Date.parse(b) ? a : b));
    }
    return undefined;
  }
}
