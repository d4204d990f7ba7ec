// Suspended sanctions and findings by rule, per subject (§IV.C.9; the Range of Allowable Sanctions).
import { condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { timelineQuery } from '../case-messages';
import { SubjectRecord } from './subject-record';
import {
  guiltyFindingSignal,
  recordSubscribeSignal,
  suspensionsQuery,
  type SubjectWatchInput,
} from './watch-messages';

/**
 * One subject's suspended punishments and convictions, found by the hash of an opaque subject ID
 * (`subject-<hash>`): cases of the same inmate find each other without an identity in any workflow ID
 * or search attribute. When a conviction falls inside another case's suspension period, the
 * disciplinary officer of the new case is told to invoke the suspended punishment, to run
 * consecutive to the new one; a conviction after the period invokes nothing. The watch ends when
 * nothing it holds can matter any more.
 */
export async function suspendedSanctionWatch(input: SubjectWatchInput): Promise<void> {
  const record = new SubjectRecord(input, workflowInfo().workflowId);
  setHandler(guiltyFindingSignal, (finding) => record.receive(finding));
  setHandler(recordSubscribeSignal, (request) => record.request(request));
  setHandler(suspensionsQuery, () => record.view());
  setHandler(timelineQuery, () => record.timeline());

  for (;;) {
    await record.takeReceived();
    const nextExpiry = record.forgetExpired();
    if (nextExpiry === undefined) {
      if (!record.waiting()) return;
      continue;
    }
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof suspendedSanctionWatch>(record.carryOver());
    }
    await condition(() => record.waiting(), Math.max(1, nextExpiry - Date.now()), {
      summary: 'until the next suspension period or conviction can be forgotten',
    });
  }
}
