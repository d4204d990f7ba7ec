// The Range of Allowable Sanctions (OP-060125, seed 002 Part II §IV) as Docket checks it, the terms it
// dates (ok-doc-discipline 1.2.0), and the repeat rule's six-month window, with dates worked by hand.
// America/Chicago: DST starts 2026-03-08 and ends 2026-11-01.
import { assessRepeat, type RuleFinding } from '../../domain/cases/discipline-record';
import { computeSchedule, DomainError, type ScheduleEntry } from '../../domain';
import {
  checkImposedSanctions,
  RESTORABLE_SANCTIONS,
  SANCTION_TABLE,
  termFacts,
  type ImposedSanction,
} from '../../domain/policies/ok-doc-sanctions';

const NO_REPEAT = { applies: false, statement: 'No earlier guilty finding of rule 02-1 is on record.' };
const REPEAT = { applies: true, statement: 'Second infraction.' };
const SEED = /seed 002_5a28f52881808cb3\.txt/;

function refusal(fn: () => void): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const check = (
  offense: { code: string; class: 'X' | 'A' | 'B' },
  sanctions: ImposedSanction[],
  repeat = NO_REPEAT,
) => checkImposedSanctions(offense, sanctions, repeat);

describe('the table', () => {
  test('every row of the seed is there, with its class, and the restorable ones measure days', () => {
    expect(SANCTION_TABLE.map((r) => r.code)).toEqual([
      '1X', '2X', '3X', '4X', '5X', '6X',
      '1A', '2A', '3A', '4A', '5A', '6A', '7A', '8A',
      '1B', '3B', '4B', '5B', '6B', '7B',
    ]); // prettier-ignore
    for (const row of SANCTION_TABLE) expect(row.text.startsWith(`${row.code}. `)).toBe(true);
    expect(RESTORABLE_SANCTIONS.map((r) => r.code)).toEqual([
      '1X',
      '3X',
      '5X',
      '1A',
      '3A',
      '7A',
      '8A',
      '6B',
      '7B',
    ]);
  });
});

describe('checkImposedSanctions', () => {
  const classB = { code: '02-1', class: 'B' as const };

  test('a 100-day visitation restriction for a class B offense is refused, citing row 6B', () => {
    const error = refusal(() => check(classB, [{ code: '6B', days: 100 }]));
    expect(error.code).toBe('SANCTION_TERM_TOO_LONG');
    expect(error.message).toMatch(/sanctions\.0\.days: 100 days is beyond the maximum of 90 days for 6B/);
    expect(error.message).toContain('"6B. Visitation Restriction not to exceed 90 days.**"');
    expect(error.details).toMatchObject({ field: 'sanctions.0.days', value: 100, limit: 90 });
    expect(error.details.source).toMatch(
      /OP-060125 §IV, Acts Constituting Rule Violation: Range of Allowable Sanctions, class B, 6B/,
    );
    expect(error.details.source).toMatch(SEED);
    expect(() => check(classB, [{ code: '6B', days: 90 }])).not.toThrow();
  });

  test('extra duty is counted in hours, not over 40 (5B) or 60 (6A), and must be stated', () => {
    expect(refusal(() => check(classB, [{ code: '5B', hours: 41 }])).code).toBe('SANCTION_TERM_TOO_LONG');
    expect(refusal(() => check(classB, [{ code: '5B' }])).code).toBe('SANCTION_TERM_REQUIRED');
    const inDays = refusal(() => check(classB, [{ code: '5B', days: 3 }]));
    expect(inDays.code).toBe('SANCTION_TERM_INVALID');
    expect(inDays.message).toContain('5B is not measured in days');
    expect(() => check({ code: '11-2', class: 'A' }, [{ code: '6A', hours: 60 }])).not.toThrow();
  });

  test('fixed terms apply by themselves and cannot be changed; a suspended range may wait for its length', () => {
    expect(() => check({ code: '11-2', class: 'A' }, [{ code: '3A' }])).not.toThrow();
    expect(refusal(() => check({ code: '11-2', class: 'A' }, [{ code: '3A', days: 30 }])).code).toBe(
      'SANCTION_TERM_INVALID',
    );
    expect(refusal(() => check({ code: '11-2', class: 'A' }, [{ code: '7A' }])).code).toBe(
      'SANCTION_TERM_REQUIRED',
    );
    expect(() =>
      check({ code: '11-2', class: 'A' }, [{ code: '7A', suspendedUntil: '2026-05-01T23:59:59.999-05:00' }]),
    ).not.toThrow();
  });

  test('a sanction of the next higher class only under the repeat rule; never two classes up or down', () => {
    const higher = refusal(() => check(classB, [{ code: '7A', days: 120 }]));
    expect(higher.code).toBe('SANCTION_CLASS_NOT_ALLOWED');
    expect(higher.message).toMatch(
      /7A is a class A sanction; offense 02-1 is class B: a class A sanction is allowed only for the second infraction of the same rule within six months; no earlier guilty finding/,
    );
    expect(higher.details.source).toMatch(SEED);
    expect(() => check(classB, [{ code: '7A', days: 120 }], REPEAT)).not.toThrow();
    expect(refusal(() => check(classB, [{ code: '1X' }], REPEAT)).code).toBe('SANCTION_CLASS_NOT_ALLOWED');
    expect(refusal(() => check({ code: '11-2', class: 'A' }, [{ code: '4B' }])).code).toBe(
      'SANCTION_CLASS_NOT_ALLOWED',
    );
    expect(refusal(() => check(classB, [{ code: '2B' }])).code).toBe('UNKNOWN_SANCTION');
  });

  test('class X: segregation, credits and level one are mandatory', () => {
    const x = { code: '02-24', class: 'X' as const };
    const missing = refusal(() => check(x, [{ code: '1X' }]));
    expect(missing.code).toBe('MANDATORY_SANCTIONS');
    expect(missing.details.missing).toEqual(['2X', '3X']);
    expect(() => check(x, [{ code: '1X' }, { code: '2X' }, { code: '3X' }])).not.toThrow();
  });

  test('offense 02-6 may lose the telephone past 180 days (footnote **); others may not', () => {
    expect(() => check({ code: '02-6', class: 'A' }, [{ code: '8A', days: 400 }])).not.toThrow();
    expect(refusal(() => check({ code: '02-2', class: 'A' }, [{ code: '8A', days: 181 }])).code).toBe(
      'SANCTION_TERM_TOO_LONG',
    );
  });

  test('term facts: restorable, unsuspended sanctions with days; fixed rows supply their own', () => {
    expect(
      termFacts('11-2', [
        { code: '3A' },
        { code: '7A', days: 45 },
        { code: '8A', days: 30, suspendedUntil: '2026-05-01T23:59:59.999-05:00' },
        { code: '6A', hours: 10 },
      ]),
    ).toEqual({ 'telephone-exception': false, 'term.3A': 60, 'term.7A': 45 });
  });
});

describe('ok-doc-discipline 1.2.0: terms and the repeat window', () => {
  const events = {
    'report.filed': '2026-03-13T08:00:00-05:00',
    'report.accepted': '2026-03-13T09:00:00-05:00',
    'finding.guilty': '2026-03-20T10:00:00-05:00',
  };
  const entry = (key: string, facts: Record<string, number | boolean> = {}): ScheduleEntry => {
    const schedule = computeSchedule({ policyId: 'ok-doc-discipline', events, facts });
    const found = schedule.entries.find((e) => e.key === key);
    if (!found) throw new Error(`no ${key}: ${schedule.entries.map((e) => e.key).join(', ')}`);
    return found;
  };

  test('a 90-day visitation restriction imposed Fri 2026-03-20 ends Thu 2026-06-18; the unit is reminded Wed 08:00', () => {
    const restore = entry('privilege.restore-6B', { 'term.6B': 90 });
    expect(restore).toMatchObject({
      kind: 'deadline',
      dueAt: '2026-06-18T23:59:59.999-05:00',
      responsibleRole: 'unit-manager',
      completedBy: 'privilege.restored-6B',
      escalation: { cadenceHours: 24, maxLevels: 3 },
    });
    expect(restore.reminders).toEqual([{ key: '1-working-day-before', at: '2026-06-17T08:00:00.000-05:00' }]);
    expect(restore.sourceText).toMatch(/class B, 6B \(seed 002_5a28f52881808cb3\.txt\)/);
    expect(restore.explanation.summary).toContain(
      '90 calendar days from 2026-03-20 (day 0) ends 2026-06-18 23:59 CDT',
    );
    expect(restore.explanation.summary).toContain('as decided for this case (term.6B)');
  });

  test('the reminder skips back over a holiday: a term ending Tue 2026-05-26 is reminded Fri 2026-05-22', () => {
    // Monday 2026-05-25 is Memorial Day (25 O.S. §82.1).
    const restore = entry('privilege.restore-7A', { 'term.7A': 67 });
    expect(restore.dueAt).toBe('2026-05-26T23:59:59.999-05:00');
    expect(restore.reminders[0]?.at).toBe('2026-05-22T08:00:00.000-05:00');
  });

  test('a term beyond the row is refused by the policy too; no term, no entry; 1.1.0 has neither', () => {
    expect(() => entry('privilege.restore-6B', { 'term.6B': 91 })).toThrow(/term\.6B.*outside 1-90/);
    const schedule = computeSchedule({ policyId: 'ok-doc-discipline', events, facts: {} });
    expect(schedule.entries.filter((e) => e.key.startsWith('privilege.'))).toEqual([]);
    const old = computeSchedule({
      policyId: 'ok-doc-discipline',
      policyVersion: '1.1.0',
      events: { 'report.filed': events['report.filed'], 'report.accepted': events['report.accepted'] },
    });
    expect(old.entries.some((e) => e.key === 'repeat.window')).toBe(false);
  });

  test('the repeat window: day 0 is the finding date, through the same date six months later', () => {
    const window = entry('repeat.window');
    expect(window).toMatchObject({ dueAt: '2026-09-20T23:59:59.999-05:00', periodEnd: true });
    expect(window.explanation.summary).toContain(
      'counting: day 0 is 2026-03-20 (the day of the event, not counted); the last day is 2026-09-20',
    );
    expect(window.sourceText).toMatch(SEED);
    expect(window.source).toMatchObject({ quote: expect.stringContaining('within six months') });
  });

  test('31 August + six months is the last day of February', () => {
    const schedule = computeSchedule({
      policyId: 'ok-doc-discipline',
      events: {
        'report.filed': '2026-08-28T08:00:00-05:00',
        'report.accepted': '2026-08-28T09:00:00-05:00',
        'finding.guilty': '2026-08-31T10:00:00-05:00',
      },
    });
    expect(schedule.entries.find((e) => e.key === 'repeat.window')?.dueAt).toBe(
      '2027-02-28T23:59:59.999-06:00',
    );
  });
});

describe('assessRepeat', () => {
  const prior: RuleFinding = {
    caseNumber: 'DSC-2026-0001',
    facility: 'LARC',
    offenseCode: '02-1',
    foundAt: '2026-03-20T10:00:00-05:00',
    foundOn: '2026-03-20',
    windowUntil: '2026-09-20T23:59:59.999-05:00',
    windowText: '2026-09-20 23:59 CDT',
  };
  const offense = { code: '02-1', class: 'B' as const };

  test('a finding on the last day of the window is a second infraction, one the next day is not', () => {
    const inside = assessRepeat(offense, '2026-09-20T23:30:00-05:00', [prior], 'DSC-2026-0002');
    expect(inside).toMatchObject({ status: 'applies', prior, higherClass: 'A' });
    expect(inside.statement).toBe(
      'Second infraction of rule 02-1 within six months: case DSC-2026-0001 found the inmate guilty of 02-1 on 2026-03-20, and its window runs through 2026-09-20 23:59 CDT; a sanction of the next higher class of offense (class A) may be imposed.',
    );
    expect(inside.counting).toMatch(/^day 0 is the date of the earlier finding/);
    expect(inside.source).toMatch(SEED);

    const outside = assessRepeat(offense, '2026-09-21T00:00:00-05:00', [prior], 'DSC-2026-0002');
    expect(outside.status).toBe('does-not-apply');
    expect(outside.statement).toContain(
      'case DSC-2026-0001 on 2026-03-20, has a window that ended 2026-09-20 23:59 CDT',
    );
  });

  test('another rule, the same case, or a later finding is no prior; an unanswered record is unknown', () => {
    const at = '2026-05-01T10:00:00-05:00';
    expect(assessRepeat({ code: '02-5', class: 'B' }, at, [prior], 'D2').status).toBe('does-not-apply');
    expect(assessRepeat(offense, at, [prior], prior.caseNumber).status).toBe('does-not-apply');
    expect(assessRepeat(offense, '2026-03-19T10:00:00-05:00', [prior], 'D2').status).toBe('does-not-apply');
    expect(assessRepeat(offense, at, [], 'D2').statement).toBe(
      "No earlier guilty finding of rule 02-1 is on the inmate's record for the prior six months.",
    );
    expect(assessRepeat(offense, at, undefined, 'D2').status).toBe('unknown');
  });

  test('class X has no higher class', () => {
    const x = assessRepeat({ code: '02-1', class: 'X' }, '2026-05-01T10:00:00-05:00', [prior], 'D2');
    expect(x.status).toBe('applies');
    expect(x.higherClass).toBeUndefined();
    expect(x.statement).toContain('no higher sanction exists');
  });
});
