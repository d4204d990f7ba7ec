// The Community Work Program limit (Policy D.0700 §.0706) and the Enterprises transfer's notice and
// processing times (§.0707(h)) as pure rules, with hand-worked dates on the North Carolina state
// calendar (America/New_York; 2027-01-18 is Martin Luther King Jr. Day, DST begins 2027-03-14).
import { computeSchedule, type ScheduleEntry } from '../../domain';
import { parseCwpIntake, parseTransferIntake } from '../../domain/cases/work-programs';

const EST = (local: string) => `${local}-05:00`;
const EDT = (local: string) => `${local}-04:00`;

function entryOf(
  policyId: string,
  facts: Record<string, string>,
  events: Record<string, string>,
  key: string,
): ScheduleEntry {
  const found = computeSchedule({ policyId, facts, events }).entries.find((e) => e.key === key);
  if (!found) throw new Error(`no ${key}`);
  return found;
}

describe('nc-doc-cwp', () => {
  test.each([
    // [planned labor days, started, last labor day]
    [1, EST('2027-01-11T08:00:00'), EST('2027-01-11T23:59:59.999')],
    [5, EST('2027-01-11T08:00:00'), EST('2027-01-15T23:59:59.999')],
    // Labor day 6 would be Monday 2027-01-18, a state holiday: it is Tuesday the 19th.
    [6, EST('2027-01-11T08:00:00'), EST('2027-01-19T23:59:59.999')],
    [10, EST('2027-01-11T08:00:00'), EST('2027-01-25T23:59:59.999')],
  ])('%i labor days from %s end %s', (days, started, end) => {
    const entry = entryOf(
      'nc-doc-cwp',
      { plannedLaborDays: String(days) },
      { 'project.started': started },
      'project.end',
    );
    expect(entry.dueAt).toBe(end);
    expect(entry.sourceText).toBe('Policy D.0700 §D.0706 (seed 004_1d446f472ab24b53.txt)');
    expect(entry.relatedSources).toContainEqual(
      expect.objectContaining({ kind: 'agency-setting', setting: 'nc-doc-cwp.labor-day', isDefault: true }),
    );
    // However long it is planned, an extension may not reach past labor day 10.
    expect(entry.extensionPolicy).toMatchObject({
      capAt: EST('2027-01-25T23:59:59.999'),
      overrideAuthorities: [],
    });
  });

  test('an intake of more than ten labor days is refused quoting the rule', () => {
    expect(() =>
      parseCwpIntake({
        caseNumber: 'CWP-2027-1',
        facility: 'NC-PWF',
        plannedLaborDays: 11,
        startedAt: EST('2027-01-11T08:00:00'),
      }),
    ).toThrow(
      /plannedLaborDays: at most 10: "These work projects have a duration of ten \(10\) consecutive labor days or less\." \(Policy D\.0700 §D\.0706/,
    );
  });
});

describe('nc-doc-transfer', () => {
  test('24 hours are exact elapsed hours, across the change to daylight saving time', () => {
    const bound = entryOf(
      'nc-doc-transfer',
      {},
      { 'transfer.arranged': EST('2027-03-13T09:00:00') },
      'transfer.earliest',
    );
    expect(bound).toMatchObject({
      kind: 'lowerBound',
      earliest: EDT('2027-03-14T10:00:00.000'),
      completedBy: 'inmates.delivered',
    });
    expect(bound.sourceText).toBe('Policy D.0700 §D.0707(h)(1) (seed 004_1d446f472ab24b53.txt)');
    const processing = entryOf(
      'nc-doc-transfer',
      {},
      { 'transfer.arranged': EST('2027-01-18T09:00:00'), 'inmates.delivered': EST('2027-01-19T22:30:00') },
      'processing.window',
    );
    expect(processing).toMatchObject({
      dueAt: EST('2027-01-20T02:30:00.000'),
      responsibleRole: 'receiving-officer',
    });
  });

  test('a transfer requested less than 24 hours after its arrangements is refused at intake', () => {
    const intake = {
      caseNumber: 'ENT-2027-1',
      facility: 'NC-PWF',
      homeFacility: 'NC-HOME',
      arrangedAt: EST('2027-01-18T09:00:00'),
      transferAt: EST('2027-01-19T08:59:00'),
    };
    expect(() => parseTransferIntake(intake)).toThrow(
      expect.objectContaining({
        code: 'TOO_EARLY',
        details: expect.objectContaining({
          field: 'transferAt',
          earliest: '2027-01-19T14:00:00.000Z',
          source: 'Policy D.0700 §D.0707(h)(1) (seed 004_1d446f472ab24b53.txt)',
        }),
      }),
    );
    expect(parseTransferIntake({ ...intake, transferAt: EST('2027-01-19T09:00:00') }).transferAt).toBe(
      EST('2027-01-19T09:00:00'),
    );
    expect(() =>
      parseTransferIntake({ ...intake, transferAt: EST('2027-01-19T09:00:00'), homeFacility: 'NC-PWF' }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: expect.objectContaining({ field: 'homeFacility' }),
      }),
    );
  });
});
