// What a Title IX case shows outside its workflow: its stages, its details for the case system and
// its result. Opaque IDs and roles only, never a party's contact details.
import type { PartyRole } from '../../domain/cases/title-ix';

export type TitleIxStage =
  | 'report'
  | 'formal-complaint'
  | 'investigation'
  | 'evidence-review'
  | 'awaiting-determination'
  | 'determined'
  | 'dismissed'
  | 'appealed'
  | 'final'
  | 'dismissal-final'
  | 'closed';

export const OPEN_STAGES: readonly TitleIxStage[] = [
  'report',
  'formal-complaint',
  'investigation',
  'evidence-review',
  'awaiting-determination',
  'determined',
  'dismissed',
  'appealed',
];

/** Stages in which the formal complaint may still be dismissed (3.26: "at any time during the grievance process"). */
export const DISMISSIBLE: readonly TitleIxStage[] = [
  'formal-complaint',
  'investigation',
  'evidence-review',
  'awaiting-determination',
];

/** Where the records date stands once the case closes (3.26 Records). */
export interface RecordsRetention {
  /** The first instant at which the records may be disposed of: at least seven years after closure. */
  notBefore: string;
  localText: string;
  /** The directory role told when that date arrives. */
  notify: string;
  source: string;
}

export interface TitleIxResult {
  caseNumber: string;
  stage: TitleIxStage;
  outcome?: string;
  retention?: RecordsRetention;
}

export interface SupportiveMeasureRecord {
  at: string;
  by: string;
  party: string;
  role: PartyRole;
  status: string;
  inWriting: boolean;
}

export interface AppealRecord {
  at: string;
  party: string;
  role: PartyRole;
  basis: string[];
}

/** The staff who have held each role in the case, by opaque staff ID. */
export interface StaffRoles {
  coordinators: string[];
  investigators: string[];
  decisionMakers: string[];
  appealDecisionMakers: string[];
}

/** The Title IX part of the case for the case system: opaque IDs and roles only, never contact details. */
export interface TitleIxDetails {
  parties: { id: string; role: PartyRole; advisor: boolean }[];
  staff: StaffRoles;
  supportiveMeasures: SupportiveMeasureRecord[];
  appeals: AppealRecord[];
  retention?: RecordsRetention;
}
