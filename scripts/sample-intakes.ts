// Intakes that pass every rule of their case type, for the sample cases of a local system
// (scripts/sample-cases.ts) and for tests that need a valid case to work on.

/** A disciplinary case accepted an hour ago, on a report filed two hours ago: offense 09-4, class A. */
export function sampleDisciplineIntake(
  caseNumber: string,
  subjectId: string,
  now: number,
): Record<string, unknown> {
  return {
    caseNumber,
    facility: 'LARC',
    offenseCode: '09-4',
    offenseClass: 'A',
    reportingStaffId: 'S-0201',
    witnessingStaffIds: ['S-0202'],
    acceptingStaffId: 'S-0203',
    preHearingDetention: false,
    subjectId,
    reportedAt: new Date(now - 2 * 3_600_000).toISOString(),
    acceptedAt: new Date(now - 3_600_000).toISOString(),
  };
}
