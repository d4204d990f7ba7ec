// Whole cases with every event recorded, on hand-checked dates: the schedule test reads each entry of
// one, and the speed test and the stand-alone benchmark (schedule-bench.ts) time them.
import type { ScheduleInput } from '../../domain';

/** A disciplinary case through the director's appeal: 9 entries. */
export const FULL_DISCIPLINE_CASE: ScheduleInput = {
  policyId: 'ok-doc-discipline',
  events: {
    'report.filed': '2026-11-19T17:00:00-06:00',
    'report.accepted': '2026-11-20T08:00:00-06:00',
    'report.served': '2026-11-20T12:00:00-06:00',
    'investigation.started': '2026-11-20T09:00:00-06:00',
    'representative.requested': '2026-11-20T12:05:00-06:00',
    'hearing.scheduledFor': '2026-11-24T09:00:00-06:00',
    'hearing.held': '2026-11-24T10:00:00-06:00',
    'hearing.actions.served': '2026-11-24T15:00:00-06:00',
    'appeal.facility.filed': '2026-12-01T09:00:00-06:00',
    'appeal.facility.decided': '2026-12-10T09:00:00-06:00',
    'appeal.facility.response.served': '2026-12-11T09:00:00-06:00',
    'appeal.director.filed': '2026-12-18T09:00:00-06:00',
  },
};

/** A grievance through its formal filing: 6 entries. */
export const FULL_GRIEVANCE_CASE: ScheduleInput = {
  policyId: 'ok-doc-grievance',
  events: {
    incident: '2026-11-18T14:00:00-06:00',
    'rts.submitted': '2026-11-20T09:00:00-06:00',
    'rts.responded': '2026-12-03T10:00:00-06:00',
    'grievance.filed': '2026-12-10T10:00:00-06:00',
  },
};

/** A Title IX complaint through its determination. */
export const FULL_TITLE_IX_CASE: ScheduleInput = {
  policyId: 'acsd-title-ix',
  events: {
    'report.received': '2026-12-23T15:00:00-06:00',
    'formal-complaint.received': '2027-01-04T09:00:00-06:00',
    'notice.sent': '2027-01-06T09:00:00-06:00',
    'evidence.sent': '2027-02-01T09:00:00-06:00',
    'investigation.completed': '2027-02-22T09:00:00-06:00',
    'determination.issued': '2027-03-10T13:00:00-06:00',
  },
};
