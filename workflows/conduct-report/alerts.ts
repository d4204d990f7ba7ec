// What the alerts of a staff conduct case say: to Human Resources (a report received, a report made
// late, retaliation) or to the warden (a disclosure to review). Each names what happened, what to do,
// the rule and its source; the citations come from the policy the case runs.
import type {
  ConductReportIntake,
  ContactStatusView,
  DisclosureIntake,
} from '../../domain/cases/conduct-report';
import { citeConstraint, citeRule } from '../../domain/policies/citations';
import type { Policy } from '../../domain/policies/schema';
import type { ScheduleEntry } from '../../domain/types';

/** An alert to a staff role, sent at once (no deadline). */
export interface StaffAlert {
  noticeKey: string;
  role: string;
  document: string;
  text: { alert: string; action: string; rule: string; source: string };
}

const AGENCY_LIMIT = 'the agency limit';

const contactWords = (contact: ContactStatusView): string =>
  contact.status === 'ex-offender'
    ? 'an ex-offender'
    : contact.status === 'offender'
      ? 'an offender'
      : 'neither an offender nor an ex-offender';

/** Seed 000: a report received; Human Resources starts and completes the investigation in time. */
export function reportReceivedAlert(
  policy: Policy,
  report: ConductReportIntake,
  contact: ContactStatusView,
  start: ScheduleEntry | undefined,
  completion: ScheduleEntry | undefined,
): StaffAlert {
  const to = report.reportedTo === 'hr' ? 'Human Resources office' : 'supervisor';
  return {
    noticeKey: 'report.made/received',
    role: 'hr',
    document: 'A report of prohibited conduct was received',
    text: {
      alert: `An employee reported a violation of the public works programs policy to the ${to} at ${report.reportedAt}. The person concerned was ${contactWords(contact)} at the time of contact.`,
      action: `Start the investigation by ${start?.localText ?? AGENCY_LIMIT} and complete it by ${completion?.localText ?? AGENCY_LIMIT}; record both in the case system.`,
      rule: `${start?.rule ?? ''} (${start?.sourceText ?? ''})`,
      source: citeRule(policy, 'investigation.start'),
    },
  };
}

/** Seed 000: a report later than the agency's limit for "promptly" is itself a matter for HR. */
export function lateReportAlert(
  policy: Policy,
  report: ConductReportIntake,
  limit: ScheduleEntry,
): StaffAlert {
  return {
    noticeKey: 'report.made/late',
    role: 'hr',
    document: 'A violation was reported late',
    text: {
      alert: `The employee who reported learned of the violation at ${report.learnedAt} and reported it at ${report.reportedAt}, after the limit for a prompt report, ${limit.localText}.`,
      action: 'Consider the late report itself under the policy; the case system holds the details.',
      rule: `${limit.rule}. Any employee who fails to promptly report a violation shall be subject to disciplinary action, up to and including termination.`,
      source: `${limit.sourceText}; ${citeConstraint(policy, 'late-report').source}`,
    },
  };
}

/** Seed 000 Prohibited Retaliation: retaliation is a violation of its own, alerted each time. */
export function retaliationAlert(policy: Policy, noticeKey: string, against: string, at: string): StaffAlert {
  const retaliation = citeConstraint(policy, 'retaliation');
  return {
    noticeKey,
    role: 'hr',
    document: `Retaliation against the ${against} reported`,
    text: {
      alert: `Retaliation against the ${against} in this case was reported at ${at}. Retaliation for reporting or providing information is a violation of its own.`,
      action:
        'Protect the person retaliated against, and open the retaliation to investigation; the case system holds the details.',
      rule: retaliation.text,
      source: retaliation.source,
    },
  };
}

/** Seed 001 §IV.A.2.i: the warden / division administrator reviews the notice and decides. */
export function disclosureReviewAlert(
  policy: Policy,
  notice: DisclosureIntake,
  review: ScheduleEntry | undefined,
): StaffAlert {
  return {
    noticeKey: 'notice.received/review',
    role: 'warden',
    document: 'A written notice of a relationship with an inmate or offender was received',
    text: {
      alert: `An employee's written notice (${notice.relationship}) reached the warden / division administrator at ${notice.noticeReceivedAt}.`,
      action: `Review the notice and record the decision by ${review?.localText ?? AGENCY_LIMIT}.`,
      rule: `${review?.rule ?? ''} (${review?.sourceText ?? ''})`,
      source: citeRule(policy, 'warden.review'),
    },
  };
}
