// Opens one sample case of each type on the local system brought up by `npm run up`, so the Temporal
// UI and the local inbox show something at once. Idempotent: the case numbers are fixed, so a
// restart finds the same cases, and records only the sample events the case's timeline still lacks
// (a first start that stopped between opening a case and recording its events is completed). The sample grievance is a PREA emergency filed 50 hours ago with no
// initial response yet, so its 48-hour limit is already breached: the alert reaches the inbox within
// seconds.
import { loadConfig } from '../infra/config';
import { DocketClientError } from '../client/errors';
import { connectDocket } from '../client/connect';
import { sampleDisciplineIntake } from './sample-intakes';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

async function main(): Promise<void> {
  const conn = await connectDocket(loadConfig());
  const { docket } = conn;
  const now = Date.now();
  const opened: string[] = [];
  const open = async (caseType: Parameters<typeof docket.openCase>[0], intake: unknown) => {
    try {
      const result = await docket.openCase(caseType, intake);
      opened.push(`${result.workflowId}${result.created ? '' : ' (already open)'}`);
    } catch (err) {
      // A sample from an earlier start (its intake's times differ) is still there: leave it.
      if (err instanceof DocketClientError && err.code === 'CASE_CONFLICT') {
        opened.push(`${String(err.details.workflowId)} (already open, from an earlier start)`);
        return;
      }
      throw err;
    }
  };

  // How many events of this type the case's timeline holds: the sample events are recorded once.
  const recorded = async (
    caseType: Parameters<typeof docket.timeline>[0],
    caseNumber: string,
    type: string,
  ) => (await docket.timeline(caseType, caseNumber)).filter((event) => event.type === type).length;

  await open('grievance', {
    caseNumber: 'GRV-SAMPLE-0001',
    facility: 'LARC',
    category: 'sexual-abuse',
    preaEmergency: true,
    incidentAt: iso(now - 3 * DAY),
  });
  if ((await recorded('grievance', 'GRV-SAMPLE-0001', 'grievance.filed')) === 0) {
    await docket.recordEvent('grievance', 'GRV-SAMPLE-0001', 'grievance-filed', {
      at: iso(now - 50 * 3_600_000),
      by: 'S-0100',
    });
  }
  await open('discipline', sampleDisciplineIntake('DSC-SAMPLE-0001', 'SUBJ-SAMPLE-1', now));
  await open('title-ix', {
    caseNumber: 'T9-SAMPLE-0001',
    reportReceivedAt: iso(now - 3_600_000),
    coordinatorId: 'S-T9C',
    parties: [
      { id: 'P-0001', role: 'complainant', email: 'party-one@student.example.org' },
      { id: 'P-0002', role: 'respondent', email: 'party-two@student.example.org' },
    ],
  });
  await open('probation', { employeeId: 'EMP-SAMPLE-0001' });
  if ((await recorded('probation', 'EMP-SAMPLE-0001', 'action.written-warning')) === 0) {
    await docket.recordEvent('probation', 'EMP-SAMPLE-0001', 'action-recorded', {
      action: 'written-warning',
      by: 'S-0300',
      issuedAt: iso(now - DAY),
      notifiedAt: iso(now - DAY),
    });
  }
  // An inmate labor contract with a second (a) violation ten days ago: its one-week suspension has run
  // without the corrective-action letter, so the Facility Head's "stays suspended" notice is in the inbox.
  await open('contract', { contractNumber: 'ILC-SAMPLE-0001', facility: 'NC-PWF' });
  const confirmed = await recorded('contract', 'ILC-SAMPLE-0001', 'violation.confirmed');
  for (const [daysAgo, reference] of (
    [
      [40, 'INC-SAMPLE-1'],
      [10, 'INC-SAMPLE-2'],
    ] as const
  ).slice(confirmed)) {
    await docket.recordEvent('contract', 'ILC-SAMPLE-0001', 'violation-confirmed', {
      at: iso(now - daysAgo * DAY),
      by: 'S-0500',
      heading: 'a',
      reference,
    });
  }
  await open('conduct-report', {
    kind: 'report',
    caseNumber: 'CR-SAMPLE-0001',
    category: 'over-familiarity',
    reporterId: 'S-0401',
    reportedTo: 'supervisor',
    person: {
      id: 'P-SAMPLE-1',
      status: 'discharged',
      dischargedAt: iso(now - 30 * DAY),
      contactAt: iso(now - 2 * DAY),
    },
    learnedAt: iso(now - DAY),
    reportedAt: iso(now - 3_600_000),
  });
  for (const line of opened) console.error(`  sample case: ${line}`);
  await conn.close();
}

main().catch((err: unknown) => {
  console.error(`sample cases: ${(err as Error).message}`);
  process.exit(1);
});
