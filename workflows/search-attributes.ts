// Search attributes Docket sets on every case. They carry opaque codes only (case type, jurisdiction,
// facility code, stage, policy version) and instants: never names, inmate numbers or allegations.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const CaseTypeKey = defineSearchAttributeKey('CaseType', SearchAttributeType.KEYWORD);
export const JurisdictionKey = defineSearchAttributeKey('Jurisdiction', SearchAttributeType.KEYWORD);
export const FacilityKey = defineSearchAttributeKey('Facility', SearchAttributeType.KEYWORD);
export const StageKey = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const NextDeadlineKey = defineSearchAttributeKey('NextDeadline', SearchAttributeType.DATETIME);
export const DeadlineStateKey = defineSearchAttributeKey('DeadlineState', SearchAttributeType.KEYWORD);
export const PolicyVersionKey = defineSearchAttributeKey('PolicyVersion', SearchAttributeType.KEYWORD);

export const docketSearchAttributes = [
  CaseTypeKey,
  JurisdictionKey,
  FacilityKey,
  StageKey,
  NextDeadlineKey,
  DeadlineStateKey,
  PolicyVersionKey,
] as const;

/** `Name=Type` pairs as the Temporal CLI's `--search-attribute` flag expects them. */
export const searchAttributeCliArgs: string[] = docketSearchAttributes.map(
  (key) => `${key.name}=${key.type === SearchAttributeType.DATETIME ? 'Datetime' : 'Keyword'}`,
);
