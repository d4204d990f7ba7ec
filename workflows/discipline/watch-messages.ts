// The messages between discipline cases and their subject's watch: a case reports its conviction and
// asks for the earlier findings of its rule; the watch answers each subscribed case.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { RuleFinding } from '../../domain/cases/discipline-record';

export const SUBJECT_WATCH_CASE_TYPE = 'suspended-sanction-watch';

/** A guilty finding as the subject's watch receives it: no identity, only case numbers and instants. */
export interface GuiltyFinding {
  caseNumber: string;
  facility: string;
  /** The finding of guilt (or the disposition of a guilty plea): the conviction. */
  convictedAt: string;
  /** Punishments suspended with it, each with the end of the period the officer specified. */
  suspensions: { sanction: string; until: string }[];
  /** The rule violated and the finding's repeat window (cases that date one, ok-doc-discipline 1.2.0). */
  rule?: { offenseCode: string; foundOn: string; windowUntil: string; windowText: string };
}

/** An open case asks for the subject's earlier findings of its rule, now and as new ones arrive. */
export interface RecordSubscription {
  caseNumber: string;
  /** The case's workflow ID, to which the record signals its answers. */
  workflowId: string;
  offenseCode: string;
  facility: string;
  /** When the case asked; the subscription lapses SUBSCRIPTION_MS later unless renewed. */
  at: string;
}

/** The record's answer to a subscribed case: every finding of the rule it holds, other cases only. */
export interface PriorFindings {
  offenseCode: string;
  findings: RuleFinding[];
}

export interface WatchedSubscription extends RecordSubscription {
  until: string;
}

export interface WatchedSuspension {
  caseNumber: string;
  facility: string;
  sanction: string;
  from: string;
  until: string;
  /** Case numbers whose conviction invoked it (the officer was told). */
  invokedBy: string[];
}

export interface WatchedConviction {
  caseNumber: string;
  facility: string;
  at: string;
}

export interface SubjectWatchInput {
  subjectRef: string;
  /** Findings that arrived with the start (the first one) or were still queued at continue-as-new. */
  findings: GuiltyFinding[];
  /** Subscriptions that arrived with the start or were still queued at continue-as-new. */
  requests?: RecordSubscription[];
  carried?: {
    suspensions: WatchedSuspension[];
    convictions: WatchedConviction[];
    ruleFindings?: RuleFinding[];
    subscriptions?: WatchedSubscription[];
  };
}

export interface SubjectWatchView {
  subjectRef: string;
  suspensions: WatchedSuspension[];
  convictions: WatchedConviction[];
  /** Guilty findings by rule, kept while their six-month windows can matter (the repeat rule). */
  findings: RuleFinding[];
  /** Open cases waiting for findings of their rule: case number and rule only. */
  subscriptions: { caseNumber: string; offenseCode: string; until: string }[];
}

export const guiltyFindingSignal = defineSignal<[GuiltyFinding]>('guiltyFinding');
export const recordSubscribeSignal = defineSignal<[RecordSubscription]>('recordSubscribe');
/** Sent by the record to a subscribed discipline case. */
export const priorFindingsSignal = defineSignal<[PriorFindings]>('priorFindings');
export const suspensionsQuery = defineQuery<SubjectWatchView>('suspensions');
