// The morning digest's workflow, started by a facility's Temporal Schedule (client/digest-schedules.ts)
// at the start of business on weekdays. It only runs the activity, which reads visibility and the cases
// and mails the digest; keeping the work there keeps this history to a few events.
import { proxyActivities } from '@temporalio/workflow';
import type { DigestActivities, DigestRequest, DigestResult } from '../activities/digest';

export const DIGEST_WORKFLOW = 'facilityDigest';

const { sendFacilityDigest } = proxyActivities<DigestActivities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '2 minutes',
  // A digest is worth sending only on its morning: give up after a few hours rather than mail it at night.
  scheduleToCloseTimeout: '4 hours',
  retry: { initialInterval: '30 seconds', backoffCoefficient: 2, maximumInterval: '15 minutes' },
});

export async function facilityDigest(request: DigestRequest): Promise<DigestResult> {
  return sendFacilityDigest(request);
}
