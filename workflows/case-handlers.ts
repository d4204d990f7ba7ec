// The queries and updates every case has: its schedule and timeline, the acknowledgement of a breach
// alert, an extension of a deadline, and the proof that a notice was served by hand. A case type adds
// its own updates through `CaseRuntime.handle` and may replace the extension handler.
import { setHandler } from '@temporalio/workflow';
import {
  acknowledgeSchema,
  extensionRequestSchema,
  serviceProofSchema,
  type ExtensionRequestInput,
  type ServiceProof,
} from '../domain/cases/common';
import { findEntry } from '../domain/deadline/checks';
import { validateExtension } from '../domain/deadline/extensions';
import type { ExtensionRecord } from '../domain/types';
import type { CaseRuntime, CaseUpdateSpec } from './case-runtime';
import {
  acknowledgeUpdate,
  extendDeadlineUpdate,
  recordServiceUpdate,
  scheduleQuery,
  timelineQuery,
  type ServiceTask,
} from './case-messages';
import { guard, refuse, refuseFutureEvent } from './refusals';

export type ExtensionSpec = CaseUpdateSpec<ExtensionRequestInput, ExtensionRequestInput>;

/** See `CaseRuntime.registerCommonHandlers`. */
export function registerCommonHandlers<Stage extends string>(
  c: CaseRuntime<Stage>,
  overrides: { extendDeadline?: ExtensionSpec } = {},
): void {
  setHandler(scheduleQuery, () => c.view());
  setHandler(timelineQuery, () => c.timeline());

  c.handle(acknowledgeUpdate, {
    schema: acknowledgeSchema,
    validate: (ack) => {
      // Before the first schedule the book knows no deadline: "unknown deadline" would be wrong,
      // and CASE_INITIALIZING is the refusal the client retries.
      c.requireReady();
      c.requireBreached(ack.key);
    },
    apply: async (ack) => void c.acknowledge(ack.key, ack.by),
  });
  c.handle(extendDeadlineUpdate, overrides.extendDeadline ?? commonExtension(c));
  c.handle(recordServiceUpdate, serviceProof(c));
}

/** The extension every case type allows: the policy's terms, recorded, the responsible role told. */
function commonExtension<Stage extends string>(c: CaseRuntime<Stage>): ExtensionSpec {
  return {
    schema: extensionRequestSchema,
    validate: (request) => {
      c.requireOpen('an extension');
      refuseFutureEvent(request.at);
      extensionRecordFor(c, request);
    },
    apply: async (request) => {
      const record = extensionRecordFor(c, request);
      const nextExtensions = [...c.extensions, record];
      const next = await c.computeSchedule(c.events, nextExtensions);
      c.extensions.push(record);
      c.adopt(next);
      c.record({
        at: request.at,
        type: 'deadline.extended',
        actor: request.approvedBy,
        detail: `${record.key} to ${record.dueAt} by ${record.overrideAuthority ?? record.approverRole}: ${record.reason}`,
      });
      const entry = findEntry(next, record.key);
      if (entry.actor !== 'subject') {
        await c.notify({
          kind: 'extension',
          noticeKey: `${record.key}/extension/${nextExtensions.length}`,
          role: entry.responsibleRole,
          entry,
        });
      }
      await c.options.onExtended?.(entry, record, request);
    },
  };
}

function extensionRecordFor<Stage extends string>(
  c: CaseRuntime<Stage>,
  request: ExtensionRequestInput,
): ExtensionRecord {
  const current = c.requireReady();
  const entry = guard(() => findEntry(current, request.key));
  return guard(() =>
    validateExtension(
      // The entry carries the extension terms recorded with its schedule: no policy lookup here.
      {
        id: current.policyId,
        version: current.policyVersion,
        rules: [{ key: entry.key, extension: entry.extensionPolicy }],
      },
      entry,
      { ...request, grantedAt: request.at },
    ),
  );
}

/** Proof that a service task was done (or refused by the person served). */
function serviceProof<Stage extends string>(
  c: CaseRuntime<Stage>,
): CaseUpdateSpec<ServiceProof, ServiceProof> {
  return {
    schema: serviceProofSchema,
    validate: (proof) => {
      refuseFutureEvent(proof.at);
      const task = c.serviceTasks.find((t) => t.task === proof.task);
      if (!task) {
        refuse('UNKNOWN_SERVICE_TASK', `no service task ${proof.task} in this case`, {
          field: 'task',
          value: proof.task,
          known: c.serviceTasks.map((t) => t.task),
        });
      }
      if (task.proof)
        refuse('DUPLICATE_EVENT', `service of ${proof.task} was already recorded at ${task.proof.at}`);
      c.options.validateService?.(task, proof);
    },
    apply: async (proof: ServiceProof) => {
      const task = c.serviceTasks.find((t) => t.task === proof.task) as ServiceTask;
      task.proof = proof;
      c.record({
        at: proof.at,
        type: proof.refused ? 'service.refused' : 'service.completed',
        actor: proof.servedBy,
        detail: `${task.document} (${proof.method})`,
        noticeKey: task.task,
      });
      await c.options.onServiceRecorded?.(task);
    },
  };
}
