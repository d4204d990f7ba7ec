// The TypeScript client for case systems written in Node, and the layer the HTTP API and CLI call.
// Opening a case is idempotent on its case number: the same intake returns the existing case, a
// different intake is a conflict, and a second workflow is never created.
import { createHash } from 'node:crypto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { isDomainError } from '../domain/errors';
import { parseGrievanceIntake, type GrievanceIntakeInput } from '../domain/cases/grievance';
import { scheduleQuery, timelineQuery, type CaseView } from '../workflows/case-support';
import type { TimelineEvent } from '../workflows/deadlines';
import { grievance, grievanceWorkflowId } from '../workflows/grievance';

/** An error a caller can branch on: a stable code, a one-line message, JSON details. */
export class DocketClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    readonly status = 422,
  ) {
    super(message);
    this.name = 'DocketClientError';
  }
}

interface CaseTypeDefinition<Intake> {
  workflowType: string;
  workflowId(caseNumber: string): string;
  parse(raw: unknown): Intake & { caseNumber: string };
}

export const caseTypes = {
  grievance: {
    workflowType: grievance.name,
    workflowId: grievanceWorkflowId,
    parse: (raw: unknown) => parseGrievanceIntake(raw),
  } satisfies CaseTypeDefinition<GrievanceIntakeInput>,
} as const;

export type CaseType = keyof typeof caseTypes;

export function isCaseType(value: string): value is CaseType {
  return Object.prototype.hasOwnProperty.call(caseTypes, value);
}

/** A digest of the validated intake: stored in the memo, so a re-open can be compared without a worker. */
export function intakeDigest(intake: unknown): string {
  return createHash('sha256').update(canonicalJson(intake)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface OpenedCase {
  caseType: CaseType;
  caseNumber: string;
  workflowId: string;
  /** False when the same case was already open with the same intake. */
  created: boolean;
}

export interface DocketClientOptions {
  client: Client;
  taskQueue: string;
}

export class DocketClient {
  constructor(private readonly options: DocketClientOptions) {}

  get temporal(): Client {
    return this.options.client;
  }

  async openCase(caseType: CaseType, rawIntake: unknown): Promise<OpenedCase> {
    const definition = caseTypes[caseType];
    const intake = fromDomain(() => definition.parse(rawIntake));
    const workflowId = definition.workflowId(intake.caseNumber);
    const digest = intakeDigest(intake);
    try {
      await this.options.client.workflow.start(definition.workflowType, {
        taskQueue: this.options.taskQueue,
        workflowId,
        args: [intake],
        // A case number names one case forever: a closed case is not reopened by a new start.
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        memo: { intakeDigest: digest },
        staticSummary: `${caseType} ${intake.caseNumber}`,
      });
      return { caseType, caseNumber: intake.caseNumber, workflowId, created: true };
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      const existing = await this.options.client.workflow.getHandle(workflowId).describe();
      if (existing.memo?.intakeDigest === digest) {
        return { caseType, caseNumber: intake.caseNumber, workflowId, created: false };
      }
      throw new DocketClientError(
        'CASE_CONFLICT',
        `case ${intake.caseNumber} already exists with a different intake; a case number names exactly one case`,
        { caseNumber: intake.caseNumber, workflowId },
        409,
      );
    }
  }

  handle(caseType: CaseType, caseNumber: string): WorkflowHandle {
    return this.options.client.workflow.getHandle(caseTypes[caseType].workflowId(caseNumber));
  }

  schedule(caseType: CaseType, caseNumber: string): Promise<CaseView> {
    return this.handle(caseType, caseNumber).query(scheduleQuery);
  }

  timeline(caseType: CaseType, caseNumber: string): Promise<TimelineEvent[]> {
    return this.handle(caseType, caseNumber).query(timelineQuery);
  }
}

/** Turns a domain error (bad intake, non-grievable) into a client error with the same code. */
function fromDomain<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (isDomainError(err)) throw new DocketClientError(err.code, err.message, { ...err.details });
    throw err;
  }
}

/** Unwraps a refused update into the ApplicationFailure its validator threw (code, message, details). */
export function refusalOf(err: unknown): ApplicationFailure | undefined {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) return err.cause;
  return undefined;
}
