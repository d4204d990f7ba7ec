// The inmate labor contract ladders of NC DOC Policy D.0700 §.0705 as pure rules: the policy's
// schedules (suspension terms, the earliest resumption, each count's twelve months, the warning
// letter's answer) with hand-worked dates on the North Carolina state calendar (America/New_York),
// and the ladder decision over them: each heading's rungs, the rolling window's edges, past the last
// rung, and what a suspended contract waits for. DST in America/New_York begins 2027-03-14 and
// 2028-03-12, and ends 2027-11-07.
import {
  decideSanction,
  ladderOf,
  parseContractIntake,
  requireResumable,
  requirementsOf,
  type ContractHeading,
  type PriorViolation,
} from '../../domain/cases/contract';
import { DomainError } from '../../domain/errors';
import { definePolicy, getPolicy } from '../../domain/policies';
import { computeSchedule, type ScheduleEntry } from '../../domain';

const EST = (local: string) => `${local}-05:00`;
const EDT = (local: string) => `${local}-04:00`;

function entry(
  heading: ContractHeading,
  rung: number,
  at: string,
  key: string,
  settings: Record<string, unknown> = {},
): ScheduleEntry {
  const schedule = computeSchedule({
    policyId: 'nc-doc-contract',
    facts: { heading, rung: String(rung) },
    events: { 'violation.confirmed': at },
    settings,
  });
  const found = schedule.entries.find((e) => e.key === key);
  if (!found) throw new Error(`no ${key}; have ${schedule.entries.map((e) => e.key).join(', ')}`);
  return found;
}

/** An earlier violation as the record knows it: its count's end read off its recorded schedule. */
function prior(
  id: string,
  heading: ContractHeading,
  at: string,
  settings: Record<string, unknown> = {},
): PriorViolation {
  if (heading === 'e') return { id, heading, at };
  return { id, heading, at, countsUntil: entry(heading, 1, at, 'count.window', settings).dueAt as string };
}

const ladder = (heading: ContractHeading) => ladderOf('1.0.0', heading);

describe('the schedules of nc-doc-contract@1.0.0', () => {
  test.each([
    // [heading, rung, confirmed, last day of the suspension (end), earliest resumption, section]
    [
      'a',
      2,
      EST('2027-01-11T10:00:00'),
      EST('2027-01-18T23:59:59.999'),
      EST('2027-01-19T00:00:00.000'),
      '(a)(2)',
    ],
    [
      'b',
      3,
      EST('2027-01-31T10:00:00'),
      EDT('2027-04-30T23:59:59.999'),
      EDT('2027-05-01T00:00:00.000'),
      '(b)(3)',
    ],
    [
      'a',
      4,
      EDT('2027-08-31T10:00:00'),
      EST('2028-02-29T23:59:59.999'),
      EST('2028-03-01T00:00:00.000'),
      '(a)(4)',
    ],
    [
      'c',
      1,
      EST('2027-03-01T10:00:00'),
      EDT('2027-06-01T23:59:59.999'),
      EDT('2027-06-02T00:00:00.000'),
      '(c)(1)',
    ],
    [
      'c',
      3,
      EDT('2027-07-04T10:00:00'),
      EDT('2028-07-04T23:59:59.999'),
      EDT('2028-07-05T00:00:00.000'),
      '(c)(3)',
    ],
    [
      'd',
      1,
      EDT('2027-05-15T10:00:00'),
      EST('2027-11-15T23:59:59.999'),
      EST('2027-11-16T00:00:00.000'),
      '(d)(1)',
    ],
    [
      'e',
      2,
      EDT('2027-06-01T10:00:00'),
      EDT('2032-06-01T23:59:59.999'),
      EDT('2032-06-02T00:00:00.000'),
      '(e)(2)',
    ],
  ] as const)(
    '%s rung %i confirmed %s: runs through %s, resumes from %s',
    (h, rung, at, end, earliest, section) => {
      const term = entry(h, rung, at, 'suspension.term');
      expect(term.dueAt).toBe(end);
      expect(term.periodEnd).toBe(true);
      expect(term.sourceText).toBe(`Policy D.0700 §D.0705${section} (seed 004_1d446f472ab24b53.txt)`);
      const bound = entry(h, rung, at, 'resumption.earliest');
      expect(bound.kind).toBe('lowerBound');
      expect(bound.earliest).toBe(earliest);
      expect(bound.completedBy).toBe('contract.resumed');
      expect(bound.responsibleRole).toBe(ladder(h).rungs[rung - 1]?.authority);
    },
  );

  test("a warning letter's answer is due in 30 calendar days (agency setting), reminding the Facility Head", () => {
    const due = entry('a', 1, EST('2027-01-11T10:00:00'), 'warning.response');
    expect(due.dueAt).toBe(EST('2027-02-10T23:59:59.999'));
    expect(due.responsibleRole).toBe('facility-head');
    expect(due.completedBy).toBe('response-letter.received');
    expect(due.source).toMatchObject({
      kind: 'agency-setting',
      setting: 'nc-doc-contract.warning-response',
      isDefault: true,
    });
    expect(due.relatedSources?.[0]).toMatchObject({ kind: 'seed', section: 'D.0705(a)(1)' });
    expect(due.escalation).toEqual({ cadenceHours: 24, maxLevels: 3 });
    const longer = entry('b', 1, EST('2027-01-11T10:00:00'), 'warning.response', {
      'warning-response': '45 calendarDays',
    });
    expect(longer.dueAt).toBe(EST('2027-02-25T23:59:59.999'));
    expect(longer.sourceText).toMatch(/agency setting nc-doc-contract\.warning-response \(agency value\)/);
  });

  test('a count lasts through the day twelve months on (inclusive), or to the day before (exclusive)', () => {
    const at = EST('2027-03-10T16:00:00');
    expect(entry('a', 1, at, 'count.window').dueAt).toBe(EST('2028-03-10T23:59:59.999'));
    const exclusive = entry('a', 1, at, 'count.window', { 'count-window-edge': 'exclusive' });
    expect(exclusive.dueAt).toBe(EST('2028-03-09T23:59:59.999'));
    expect(exclusive.relatedSources).toContainEqual(
      expect.objectContaining({
        kind: 'agency-setting',
        setting: 'nc-doc-contract.count-window-edge',
        isDefault: false,
      }),
    );
    // 29 February + 12 months is 28 February, either reading.
    expect(entry('b', 1, EST('2028-02-29T09:00:00'), 'count.window').dueAt).toBe(
      EST('2029-02-28T23:59:59.999'),
    );
    // A fatality's count has no window: "any subsequent" (D.0705(e)(2)).
    const fatality = computeSchedule({
      policyId: 'nc-doc-contract',
      facts: { heading: 'e', rung: '1' },
      events: { 'violation.confirmed': at },
    });
    expect(fatality.entries.map((e) => e.key).sort()).toEqual(['resumption.earliest', 'suspension.term']);
  });

  test('the settings in force are reported with their defaults, and a bad choice is refused naming it', () => {
    const schedule = computeSchedule({
      policyId: 'nc-doc-contract',
      facts: { heading: 'a', rung: '1' },
      events: {},
    });
    expect(schedule.settings?.map((s) => [s.key, s.value, s.isDefault])).toEqual([
      ['warning-response', { amount: 30, unit: 'calendarDays' }, true],
      ['count-window-edge', 'inclusive', true],
      ['beyond-last-rung', 'top-rung-and-alert', true],
      ['osha-survey', 'not-required', true],
    ]);
    expect(() =>
      computeSchedule({
        policyId: 'nc-doc-contract',
        facts: { heading: 'a', rung: '1' },
        events: {},
        settings: { 'osha-survey': 'sometimes' },
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_SETTING',
        details: expect.objectContaining({
          field: 'settings.osha-survey',
          known: ['not-required', 'required'],
        }),
      }),
    );
  });

  test('a policy whose choice default is not one of its values, or whose condition names an unknown value, is invalid', () => {
    const base = getPolicy('nc-doc-contract');
    expect(() =>
      definePolicy({
        ...base,
        version: '9.9.9',
        settings: [{ key: 'x', kind: 'choice', values: ['p', 'q'], default: 'r', description: 'd' }],
      }),
    ).toThrow(/default 'r' is not one of p, q/);
    const rule = base.rules.find((r) => r.key === 'count.window') as (typeof base.rules)[number];
    expect(() =>
      definePolicy({
        ...base,
        version: '9.9.9',
        rules: [{ ...rule, when: { settings: { 'count-window-edge': ['sideways'] } } }],
      }),
    ).toThrow(/'sideways' is not a value of setting 'count-window-edge'/);
  });
});

describe('the ladder', () => {
  test('(a) and (b): warning letter, one week, three months (Facility Head), six months (Region Director)', () => {
    for (const h of ['a', 'b'] as const) {
      const priors: PriorViolation[] = [];
      const dates = ['2027-01-05', '2027-03-05', '2027-06-05', '2027-09-05'];
      const drawn = dates.map((date, i) => {
        const at = EST(`${date}T10:00:00`);
        const decision = decideSanction(ladder(h), priors, at, 'top-rung-and-alert');
        priors.push(prior(`V${i + 1}`, h, at));
        return [
          decision.position,
          decision.rung.sanction,
          decision.rung.length?.words,
          decision.rung.authority,
        ];
      });
      expect(drawn).toEqual([
        [1, 'warning-letter', undefined, 'facility-head'],
        [2, 'suspension', 'one week', 'facility-head'],
        [3, 'suspension', 'three month', 'facility-head'],
        [4, 'suspension', 'six month', 'region-director'],
      ]);
    }
  });

  test('each heading keeps its own count', () => {
    const priors = [
      prior('V1', 'a', EST('2027-01-05T10:00:00')),
      prior('V2', 'b', EST('2027-01-06T10:00:00')),
    ];
    const c = decideSanction(ladder('c'), priors, EST('2027-01-07T10:00:00'), 'top-rung-and-alert');
    expect([c.position, c.rung.length?.words, c.countedWith]).toEqual([1, 'three month', []]);
    const a = decideSanction(ladder('a'), priors, EST('2027-01-07T10:00:00'), 'top-rung-and-alert');
    expect([a.position, a.rung.length?.words, a.countedWith]).toEqual([2, 'one week', ['V1']]);
  });

  test('(c) three months, six months, one year; (d) six months, one year; with the deciding authorities', () => {
    const walk = (h: ContractHeading, n: number) => {
      const priors: PriorViolation[] = [];
      return Array.from({ length: n }, (_, i) => {
        const at = EST(`2027-0${i + 1}-15T10:00:00`);
        const d = decideSanction(ladder(h), priors, at, 'top-rung-and-alert');
        priors.push(prior(`V${i + 1}`, h, at));
        return `${d.rung.length?.words} by ${d.rung.authority}${d.rung.requires.includes('safety-review') ? ' + review' : ''}`;
      });
    };
    expect(walk('c', 3)).toEqual([
      'three month by facility-head + review',
      'six month by region-director + review',
      'one year by assistant-director + review',
    ]);
    expect(walk('d', 2)).toEqual([
      'six month by region-director + review',
      'one year by assistant-director + review',
    ]);
  });

  test('a second violation just inside twelve months climbs; the next day it does not (inclusive reading)', () => {
    const first = prior('V1', 'a', EST('2027-03-10T16:00:00'));
    const inside = decideSanction(ladder('a'), [first], EST('2028-03-10T23:30:00'), 'top-rung-and-alert');
    expect([inside.position, inside.rung.length?.words]).toEqual([2, 'one week']);
    const outside = decideSanction(ladder('a'), [first], EST('2028-03-11T00:00:01'), 'top-rung-and-alert');
    expect([outside.position, outside.rung.sanction, outside.countedWith]).toEqual([1, 'warning-letter', []]);
    // The exclusive reading moves the edge one day earlier.
    const early = prior('V1', 'a', EST('2027-03-10T16:00:00'), { 'count-window-edge': 'exclusive' });
    expect(decideSanction(ladder('a'), [early], EST('2028-03-10T09:00:00'), 'top-rung').position).toBe(1);
    expect(decideSanction(ladder('a'), [early], EST('2028-03-09T09:00:00'), 'top-rung').position).toBe(2);
  });

  test('the count rolls: the third within the twelve months before it, not since the first', () => {
    const priors = [
      prior('V1', 'b', EST('2027-01-15T10:00:00')),
      prior('V2', 'b', EDT('2027-06-15T10:00:00')),
      prior('V3', 'b', EST('2027-12-15T10:00:00')),
    ];
    const d = decideSanction(ladder('b'), priors, EST('2028-02-01T10:00:00'), 'top-rung-and-alert');
    expect([d.position, d.countedWith, d.rung.length?.words]).toEqual([3, ['V2', 'V3'], 'three month']);
  });

  test('past the last rung: the top rung, and an alert to the next authority unless the agency says not', () => {
    const priors = ['01', '02', '03', '04'].map((m, i) =>
      prior(`V${i + 1}`, 'a', EST(`2027-${m}-10T10:00:00`)),
    );
    const fifth = decideSanction(ladder('a'), priors, EST('2027-05-10T10:00:00'), 'top-rung-and-alert');
    expect(fifth).toMatchObject({ position: 5, beyondLadder: true, alert: { role: 'assistant-director' } });
    expect(fifth.rung).toMatchObject({
      rung: 4,
      length: { words: 'six month' },
      authority: 'region-director',
    });
    expect(fifth.summary).toMatch(
      /fifth confirmed violation under D\.0705\(a\) within a twelve month period: a six month suspension by the Region Director/,
    );
    expect(fifth.summary).toMatch(/beyond-last-rung = top-rung-and-alert/);
    const quiet = decideSanction(ladder('a'), priors, EST('2027-05-10T10:00:00'), 'top-rung');
    expect(quiet.alert).toBeUndefined();
    const cPriors = ['01', '02', '03'].map((m, i) => prior(`V${i + 1}`, 'c', EST(`2027-${m}-10T10:00:00`)));
    expect(
      decideSanction(ladder('c'), cPriors, EST('2027-04-10T10:00:00'), 'top-rung-and-alert').alert?.role,
    ).toBe('director');
  });

  test('(e): one year, then five years for any subsequent fatality, however many years apart', () => {
    const first = prior('V1', 'e', EST('2027-01-20T10:00:00'));
    expect(decideSanction(ladder('e'), [], first.at, 'top-rung-and-alert').rung.length?.words).toBe(
      'one year',
    );
    const later = decideSanction(ladder('e'), [first], EDT('2033-07-01T10:00:00'), 'top-rung-and-alert');
    expect(later).toMatchObject({ position: 2, beyondLadder: false, countedWith: ['V1'] });
    expect(later.rung).toMatchObject({ length: { words: 'five year' }, authority: 'assistant-director' });
    const third = decideSanction(
      ladder('e'),
      [first, { ...first, id: 'V2' }],
      EDT('2040-07-01T10:00:00'),
      'top-rung-and-alert',
    );
    expect([third.position, third.rung.length?.words, third.alert]).toEqual([3, 'five year', undefined]);
  });
});

describe('resumption', () => {
  const requirementsFor = (h: ContractHeading, rung: number, osha = false) =>
    requirementsOf(ladder(h), ladder(h).rungs[rung - 1]!, osha);

  test('a suspension waits for the corrective-action letter; (c)-(e) also for the safety review', () => {
    expect(requirementsFor('a', 2).map((r) => r.requirement)).toEqual(['response-letter']);
    expect(requirementsFor('d', 1).map((r) => r.requirement)).toEqual(['response-letter', 'safety-review']);
    expect(requirementsFor('e', 1).map((r) => r.requirement)).toEqual(['response-letter', 'safety-review']);
    expect(requirementsFor('e', 2, true).map((r) => r.requirement)).toEqual([
      'response-letter',
      'safety-review',
      'osha-survey',
    ]);
    expect(requirementsFor('c', 1, true).map((r) => r.requirement)).toEqual([
      'response-letter',
      'safety-review',
    ]);
  });

  test('a resumption before what the suspension requires is refused with the rule and its source', () => {
    const requirements = requirementsFor('c', 2);
    const letter = EST('2027-02-01T10:00:00');
    let caught: unknown;
    try {
      requireResumable(
        [{ violationId: 'V2', requirements, events: { 'response-letter.received': letter } }],
        EST('2027-02-02T10:00:00'),
      );
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({
      code: 'RESUMPTION_REQUIREMENT_MISSING',
      details: {
        violationId: 'V2',
        missing: ['safety-review'],
        source: 'Policy D.0700 §D.0705(c)(2) (seed 004_1d446f472ab24b53.txt)',
      },
    });
    expect((caught as DomainError).message).toMatch(/agency safety officer will review the safety program/);
    // A letter recorded after the resumption's instant does not count for it.
    expect(() =>
      requireResumable(
        [
          {
            violationId: 'V1',
            requirements: requirementsFor('a', 2),
            events: { 'response-letter.received': letter },
          },
        ],
        EST('2027-01-31T10:00:00'),
      ),
    ).toThrow(/still waits for the contractor's letter specifying corrective action taken/);
    expect(() =>
      requireResumable(
        [
          {
            violationId: 'V2',
            requirements,
            events: { 'response-letter.received': letter, 'safety-review.completed': letter },
          },
        ],
        EST('2027-02-02T10:00:00'),
      ),
    ).not.toThrow();
  });
});

describe('intake', () => {
  test('settings are checked against the policy when the record opens', () => {
    expect(parseContractIntake({ contractNumber: 'ILC-2027-0042', facility: 'NC-PWF' })).toMatchObject({
      continueAsNewAtEvents: 2_000,
    });
    expect(() =>
      parseContractIntake({
        contractNumber: 'ILC-2027-0042',
        facility: 'NC-PWF',
        settings: { 'beyond-last-rung': 'terminate' },
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_SETTING' }));
    expect(() => parseContractIntake({ contractNumber: 'Acme Paving Co', facility: 'NC-PWF' })).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', details: { field: 'contractNumber' } }),
    );
  });
});
