// What a staff conduct case shows outside its workflow: its stages, its details for the case system
// and its result. Opaque IDs, codes and dates only.
import type {
  ConductReportIntake,
  ContactStatusView,
  DisclosureIntake,
  RetaliationInput,
} from '../../domain/cases/conduct-report';
import type { CaseView } from '../case-messages';

export type ConductStage = 'reported' | 'investigating' | 'investigated' | 'notice-received' | 'decided';

export interface RetaliationRecord {
  at: string;
  by: string;
  against: RetaliationInput['against'];
  byEmployeeId?: string;
  /** The notice key of the alert Human Resources was sent. */
  alert: string;
}

/** The warden's decision on a disclosure. */
export interface WardenDecision {
  decision: string;
  at: string;
  by: string;
}

/** The conduct part of the case for the case system: opaque IDs, codes and dates only. */
export interface ConductDetails {
  kind: 'report' | 'disclosure';
  report?: {
    category: ConductReportIntake['category'];
    reporterId: string;
    reportedTo: ConductReportIntake['reportedTo'];
    subjectEmployeeId?: string;
    learnedAt: string;
    reportedAt: string;
    /** Whether the report came later than the agency's limit for "promptly report". */
    late: boolean;
    dueAt?: string;
    localText?: string;
    source?: string;
    personId: string;
    /** Offender or ex-offender at the time of contact, and why. */
    contact: ContactStatusView;
    finding?: string;
  };
  disclosure?: {
    employeeId: string;
    personId: string;
    relationship: DisclosureIntake['relationship'];
    wishes?: DisclosureIntake['wishes'];
    intention?: DisclosureIntake['intention'];
    decision?: WardenDecision;
  };
  retaliation: RetaliationRecord[];
}

export interface ConductView extends CaseView {
  conduct: ConductDetails;
}

export interface ConductResult {
  caseNumber: string;
  kind: 'report' | 'disclosure';
  stage: ConductStage;
  outcome?: string;
}
