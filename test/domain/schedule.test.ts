// computeSchedule behaviour beyond single dates: which entries apply, tolling, reminders, extensions,
// states, typed errors, and the validator helpers the workflows use.
import {
  checkEvent,
  computeSchedule,
  definePolicy,
  DomainError,
  findEntry,
  getPolicy,
  listPolicies,
  okDocGrievance,
  validateExtension,
  type ScheduleInput,
} from '../../domain';
import { FULL_DISCIPLINE_CASE } from './full-cases';

const STANDARD_GRIEVANCE: ScheduleInput = {
  policyId: 'ok-doc-grievance',
  events: {
    incident: '2026-11-18T14:00:00-06:00',
    'rts.submitted': '2026-11-20T09:00:00-06:00',
    'rts.responded': '2026-12-03T10:00:00-06:00',
  },
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return undefined;
}

describe('which entries apply', () => {
  test('standard grievance: the RTS and filing-window entries; the filing window waits for the RTS response', () => {
    const early = computeSchedule({
      ...STANDARD_GRIEVANCE,
      events: { incident: '2026-11-18T14:00:00-06:00' },
    });
    expect(early.entries.map((e) => e.key)).toEqual(['rts.filing']);
    expect(early.awaiting?.find((a) => a.key === 'grievance.filing')?.waitingFor).toEqual(['rts.responded']);
    const later = computeSchedule(STANDARD_GRIEVANCE);
    expect(later.entries.map((e) => e.key)).toEqual([
      'rts.filing',
      'rts.response',
      'grievance.filing',
      'grievance.filing.extended',
      'grievance.filing.absolute',
    ]);
  });

  test('PREA sexual-abuse track: no filing time limit and no informal resolution (28 CFR 115.52(b))', () => {
    const schedule = computeSchedule({
      policyId: 'ok-doc-grievance',
      facts: { category: 'sexual-abuse' },
      events: { incident: '2025-01-10T08:00:00-06:00', 'grievance.filed': '2026-09-26T10:00:00-05:00' },
    });
    expect(schedule.entries.map((e) => e.key)).toEqual([
      'grievance.response',
      'prea.final-decision',
      'prea.final-decision.extended',
    ]);
    expect(schedule.constraints?.map((c) => c.key)).toContain('prea.no-time-limit');
  });

  test('a waived hearing drops the preparation period, the representative and the appeals (§IV.C.2)', () => {
    const schedule = computeSchedule({
      policyId: 'ok-doc-discipline',
      events: {
        'report.accepted': '2026-11-20T10:00:00-06:00',
        'report.served': '2026-11-20T12:00:00-06:00',
        'hearing.waived': '2026-11-20T12:05:00-06:00',
      },
    });
    expect(schedule.entries.map((e) => e.key)).toEqual(['report.service']);
  });

  test('Title IX: no finality entry once an appeal is filed', () => {
    const events = { 'determination.issued': '2027-03-10T13:00:00-06:00' };
    expect(computeSchedule({ policyId: 'acsd-title-ix', events }).entries.map((e) => e.key)).toContain(
      'determination.final',
    );
    const appealed = computeSchedule({
      policyId: 'acsd-title-ix',
      events: { ...events, 'appeal.filed': '2027-03-15T09:00:00-05:00' },
    });
    expect(appealed.entries.map((e) => e.key)).toEqual(['appeal.filing']);
    expect(appealed.entries[0]?.state).toBe('met');
  });
});

describe('tolling: report.service restarts on availability (§IV.C.2)', () => {
  const accepted = { 'report.accepted': '2026-11-20T08:00:00-06:00' };

  test('unavailable and not yet available: the clock is stopped and the entry waits', () => {
    const schedule = computeSchedule({
      policyId: 'ok-doc-discipline',
      events: { ...accepted, 'inmate.unavailable': '2026-11-20T12:00:00-06:00' },
    });
    expect(schedule.entries.find((e) => e.key === 'report.service')).toBeUndefined();
    const waiting = schedule.awaiting?.find((a) => a.key === 'report.service');
    expect(waiting?.waitingFor).toEqual(['inmate.available']);
    expect(waiting?.note).toContain('clock stopped');
  });

  test('unavailability documented after the 24 hours had run does not restart the clock', () => {
    const entry = findEntry(
      computeSchedule({
        policyId: 'ok-doc-discipline',
        events: {
          ...accepted,
          'inmate.unavailable': '2026-11-21T09:00:00-06:00',
          'inmate.available': '2026-11-22T09:00:00-06:00',
        },
      }),
      'report.service',
    );
    expect(entry.dueAt).toBe('2026-11-21T08:00:00.000-06:00');
    expect(entry.anchorEvent).toBe('report.accepted');
    expect(entry.explanation.summary).toContain('does not restart');
  });

  test('availability without documented unavailability is refused', () => {
    expect(
      codeOf(() =>
        computeSchedule({
          policyId: 'ok-doc-discipline',
          events: { ...accepted, 'inmate.available': '2026-11-21T09:00:00-06:00' },
        }),
      ),
    ).toBe('MISSING_EVENT');
  });

  test('the restart is explained and the anchor is the availability event', () => {
    const entry = findEntry(
      computeSchedule({
        policyId: 'ok-doc-discipline',
        events: {
          ...accepted,
          'inmate.unavailable': '2026-11-20T12:00:00-06:00',
          'inmate.available': '2026-11-23T07:00:00-06:00',
        },
      }),
      'report.service',
    );
    expect(entry.anchorEvent).toBe('inmate.available');
    expect(entry.dueAt).toBe('2026-11-24T07:00:00.000-06:00');
    expect(entry.explanation.summary).toContain('clock restarted on inmate.available');
  });
});

describe('reminders and escalation', () => {
  test('rts.response: half the time (moved into business hours), then 08:00 on the working day before', () => {
    const entry = findEntry(computeSchedule(STANDARD_GRIEVANCE), 'rts.response');
    expect(entry.reminders).toEqual([
      // Half time is Sunday 16:30; Thanksgiving and the day after are holidays, so Wednesday 08:00.
      {
        key: 'half-time',
        at: '2026-11-25T08:00:00.000-06:00',
        computedAt: '2026-11-29T16:30:00.000-06:00',
        movedBecause:
          'outside business hours (08:00–17:00 America/Chicago): Sunday is not a working day; moved to the start of the previous working day',
      },
      { key: '1-working-day-before', at: '2026-12-07T08:00:00.000-06:00' },
    ]);
    expect(entry.escalation).toEqual({ cadenceHours: 24, maxLevels: 3 });
  });

  test('subject deadlines (the inmate) get no reminders and no escalation', () => {
    const entry = findEntry(computeSchedule(STANDARD_GRIEVANCE), 'grievance.filing');
    expect(entry.actor).toBe('subject');
    expect(entry.reminders).toEqual([]);
    expect(entry.escalation).toBeUndefined();
  });

  test('probation reminders come from the agency setting; lead times before the anchor are dropped', () => {
    const base = {
      policyId: 'adc-probation',
      facts: { action: 'written-warning' },
      events: { 'notification.received': '2026-01-15T10:00:00-06:00' },
    };
    expect(findEntry(computeSchedule(base), 'probation.written-warning').reminders).toEqual([
      // 2026-06-14 is a Sunday: the Friday before.
      {
        key: '30-calendar-days-before',
        at: '2026-06-12T08:00:00.000-05:00',
        computedAt: '2026-06-14T08:00:00.000-05:00',
        movedBecause:
          'outside business hours (08:00–17:00 America/Chicago): Sunday is not a working day; moved to the start of the previous working day',
      },
      { key: '5-working-days-before', at: '2026-07-07T08:00:00.000-05:00' },
    ]);
    const overridden = computeSchedule({
      ...base,
      settings: { 'reminder-lead-times': '400 calendarDays, 1 workingDays' },
    });
    expect(findEntry(overridden, 'probation.written-warning').reminders).toEqual([
      { key: '1-working-day-before', at: '2026-07-13T08:00:00.000-05:00' },
    ]);
    expect(overridden.settings?.find((s) => s.key === 'reminder-lead-times')?.isDefault).toBe(false);
  });

  test('every reminder of every entry lies strictly between the anchor and the deadline', () => {
    const schedule = computeSchedule({
      policyId: 'ok-doc-discipline',
      events: {
        'report.filed': '2026-10-31T17:00:00-05:00',
        'report.accepted': '2026-10-31T18:00:00-05:00',
        'report.served': '2026-11-01T09:00:00-06:00',
        'representative.requested': '2026-11-01T09:10:00-06:00',
        'hearing.scheduledFor': '2026-11-04T09:00:00-06:00',
      },
    });
    for (const entry of schedule.entries) {
      for (const reminder of entry.reminders) {
        expect(Date.parse(reminder.at)).toBeLessThan(Date.parse(entry.dueAt as string));
        expect(Date.parse(reminder.at)).toBeGreaterThan(
          Math.min(Date.parse(entry.anchorAt), Date.parse('2026-11-01T09:10:00-06:00')),
        );
      }
    }
    expect(findEntry(schedule, 'representative.consult').reminders.map((r) => r.key)).toEqual([
      '24-hours-before',
      '4-hours-before',
    ]);
  });
});

describe('agency settings', () => {
  test('defaults are marked isDefault; an override is used and marked as an agency value', () => {
    const events = { 'grievance.filed': '2026-12-28T09:00:00-06:00' };
    const byDefault = findEntry(
      computeSchedule({ policyId: 'ok-doc-grievance', events }),
      'grievance.response',
    );
    expect(byDefault.source).toMatchObject({ kind: 'agency-setting', isDefault: true });
    const overridden = findEntry(
      computeSchedule({
        policyId: 'ok-doc-grievance',
        events,
        settings: { 'grievance.response': '10 workingDays' },
      }),
      'grievance.response',
    );
    expect(overridden.source).toMatchObject({ kind: 'agency-setting', isDefault: false });
    expect(overridden.dueAt).toBe('2027-01-12T23:59:59.999-06:00');
  });

  test('unknown or malformed settings are typed errors', () => {
    const events = { 'grievance.filed': '2026-12-28T09:00:00-06:00' };
    expect(
      codeOf(() => computeSchedule({ policyId: 'ok-doc-grievance', events, settings: { nope: 1 } })),
    ).toBe('INVALID_SETTING');
    expect(
      codeOf(() =>
        computeSchedule({ policyId: 'ok-doc-grievance', events, settings: { 'grievance.response': 'soon' } }),
      ),
    ).toBe('INVALID_SETTING');
    expect(
      codeOf(() =>
        computeSchedule({
          policyId: 'ok-doc-grievance',
          events,
          settings: { 'grievance.response': '-2 workingDays' },
        }),
      ),
    ).toBe('NEGATIVE_AMOUNT');
  });
});

describe('extensions', () => {
  const schedule = computeSchedule(STANDARD_GRIEVANCE);
  const filing = findEntry(schedule, 'grievance.filing');
  const request = {
    reason: 'inmate hospitalised',
    approverRole: 'reviewing-authority',
    approvedBy: 'staff-1042',
    grantedAt: '2026-12-15T10:00:00-06:00',
  };

  test('the cap is 60 days from the same anchor (§III.E.12.b)', () => {
    expect(filing.extensionPolicy?.capAt).toBe('2027-02-01T23:59:59.999-06:00');
  });

  test('within the cap, by the reviewing authority: accepted and applied by computeSchedule', () => {
    const record = validateExtension(okDocGrievance, filing, {
      ...request,
      dueAt: '2027-01-15T23:59:59.999-06:00',
    });
    expect(record.key).toBe('grievance.filing');
    const extended = findEntry(
      computeSchedule({ ...STANDARD_GRIEVANCE, extensions: [record] }),
      'grievance.filing',
    );
    expect(extended.dueAt).toBe('2027-01-15T23:59:59.999-06:00');
    expect(extended.state).toBe('extended');
    expect(extended.extensions).toHaveLength(1);
    expect(extended.explanation.summary).toContain('extended to 2027-01-15 23:59 CST by reviewing-authority');
  });

  test('beyond the cap: refused, unless an allowed override authority is cited (§III.E.12.c)', () => {
    const late = { ...request, dueAt: '2027-02-02T23:59:59.999-06:00' };
    let caught: DomainError | undefined;
    try {
      validateExtension(okDocGrievance, filing, late);
    } catch (error) {
      caught = error as DomainError;
    }
    expect(caught?.code).toBe('EXTENSION_OVER_CAP');
    expect(caught?.details.capAt).toBe('2027-02-01T23:59:59.999-06:00');
    expect(caught?.message).toContain('court');
    expect(
      validateExtension(okDocGrievance, filing, { ...late, overrideAuthority: 'court' }).overrideAuthority,
    ).toBe('court');
    expect(
      codeOf(() => validateExtension(okDocGrievance, filing, { ...late, overrideAuthority: 'warden' })),
    ).toBe('EXTENSION_APPROVER_NOT_ALLOWED');
  });

  test('wrong approver, no reason, not later, or a limit that cannot be extended', () => {
    const due = '2027-01-15T23:59:59.999-06:00';
    expect(
      codeOf(() =>
        validateExtension(okDocGrievance, filing, { ...request, dueAt: due, approverRole: 'case-manager' }),
      ),
    ).toBe('EXTENSION_APPROVER_NOT_ALLOWED');
    expect(
      codeOf(() => validateExtension(okDocGrievance, filing, { ...request, dueAt: due, reason: ' ' })),
    ).toBe('EXTENSION_INVALID');
    expect(
      codeOf(() =>
        validateExtension(okDocGrievance, filing, { ...request, dueAt: '2026-12-01T00:00:00-06:00' }),
      ),
    ).toBe('EXTENSION_INVALID');
    const rtsResponse = findEntry(schedule, 'rts.response');
    expect(codeOf(() => validateExtension(okDocGrievance, rtsResponse, { ...request, dueAt: due }))).toBe(
      'EXTENSION_NOT_ALLOWED',
    );
  });

  test('PREA: up to 70 days past the 90, with written notice to the inmate; never beyond', () => {
    const prea = computeSchedule({
      policyId: 'ok-doc-grievance',
      facts: { category: 'sexual-abuse' },
      events: { incident: '2026-01-05T08:00:00-06:00', 'grievance.filed': '2026-09-26T10:00:00-05:00' },
    });
    const decision = findEntry(prea, 'prea.final-decision');
    expect(decision.extensionPolicy).toMatchObject({
      capAt: '2027-03-05T23:59:59.999-06:00',
      noticeTo: 'inmate',
    });
    const ask = {
      reason: 'expert review pending',
      approverRole: 'administrative-review-authority',
      approvedBy: 'staff-7',
      grantedAt: '2026-12-01T09:00:00-06:00',
    };
    expect(() =>
      validateExtension(okDocGrievance, decision, { ...ask, dueAt: '2027-03-05T23:59:59.999-06:00' }),
    ).not.toThrow();
    expect(
      codeOf(() =>
        validateExtension(okDocGrievance, decision, {
          ...ask,
          dueAt: '2027-03-06T00:00:00.000-06:00',
          overrideAuthority: 'director',
        }),
      ),
    ).toBe('EXTENSION_APPROVER_NOT_ALLOWED');
  });

  test('an extension for an entry not in the schedule is a typed error', () => {
    const bogus = { key: 'hearing.conclusion', dueAt: '2027-01-15T23:59:59.999-06:00', ...request };
    expect(codeOf(() => computeSchedule({ ...STANDARD_GRIEVANCE, extensions: [bogus] }))).toBe(
      'UNKNOWN_ENTRY',
    );
  });
});

describe('states and validator helpers', () => {
  test('met, pending, breached by a late act, breached by `now`', () => {
    const schedule = computeSchedule({
      ...STANDARD_GRIEVANCE,
      events: { ...STANDARD_GRIEVANCE.events, 'rts.responded': '2026-12-09T08:00:00-06:00' },
      now: '2026-12-30T00:00:00-06:00',
    });
    expect(findEntry(schedule, 'rts.filing').state).toBe('met');
    expect(findEntry(schedule, 'rts.response').state).toBe('breached');
    expect(findEntry(schedule, 'grievance.filing').state).toBe('breached');
    const notYet = computeSchedule({ ...STANDARD_GRIEVANCE, now: '2026-12-10T00:00:00-06:00' });
    expect(findEntry(notYet, 'grievance.filing').state).toBe('pending');
  });

  test('checkEvent refuses a late filing by the inmate and an early hearing, but records a late staff act', () => {
    const grievance = computeSchedule(STANDARD_GRIEVANCE);
    expect(codeOf(() => checkEvent(grievance, 'grievance.filed', '2026-12-19T00:00:00-06:00'))).toBe(
      'DEADLINE_PASSED',
    );
    expect(() => checkEvent(grievance, 'grievance.filed', '2026-12-18T23:59:00-06:00')).not.toThrow();
    const discipline = computeSchedule({
      policyId: 'ok-doc-discipline',
      events: {
        'report.accepted': '2026-11-20T08:00:00-06:00',
        'report.served': '2026-11-20T15:00:00-06:00',
      },
    });
    expect(codeOf(() => checkEvent(discipline, 'hearing.held', '2026-11-21T14:00:00-06:00'))).toBe(
      'TOO_EARLY',
    );
    expect(() => checkEvent(discipline, 'report.served', '2026-11-25T00:00:00-06:00')).not.toThrow();
  });
});

describe('typed input errors', () => {
  test.each([
    ['unknown policy', 'UNKNOWN_POLICY', { policyId: 'ok-doc-parole', events: {} }],
    [
      'unknown version',
      'UNKNOWN_POLICY_VERSION',
      { policyId: 'ok-doc-grievance', policyVersion: '9.9.9', events: {} },
    ],
    [
      'unknown event',
      'UNKNOWN_EVENT',
      { policyId: 'ok-doc-grievance', events: { incidnet: '2026-11-18T14:00:00-06:00' } },
    ],
    [
      'malformed date',
      'INVALID_DATE',
      { policyId: 'ok-doc-grievance', events: { incident: '2026-11-31T14:00:00-06:00' } },
    ],
    [
      'no offset',
      'INVALID_DATE',
      { policyId: 'ok-doc-grievance', events: { incident: '2026-11-18T14:00:00' } },
    ],
    [
      'out of order',
      'EVENT_OUT_OF_ORDER',
      {
        policyId: 'ok-doc-grievance',
        events: {
          'rts.submitted': '2026-11-20T09:00:00-06:00',
          'rts.responded': '2026-11-19T09:00:00-06:00',
        },
      },
    ],
    [
      'bad fact value',
      'INVALID_FACT',
      { policyId: 'ok-doc-grievance', facts: { category: 'food' }, events: {} },
    ],
    ['unknown fact', 'INVALID_FACT', { policyId: 'ok-doc-grievance', facts: { color: 'red' }, events: {} }],
    ['missing required fact', 'INVALID_FACT', { policyId: 'adc-probation', events: {} }],
    [
      'suspension of 11 days',
      'INVALID_FACT',
      { policyId: 'adc-probation', facts: { action: 'suspension', suspensionWorkingDays: 11 }, events: {} },
    ],
  ] as [string, string, ScheduleInput][])('%s → %s', (_name, code, input) => {
    expect(codeOf(() => computeSchedule(input))).toBe(code);
  });

  test("a suspension of up to 15 working days is allowed in the driver's-license case (§III.D.3.c.ii)", () => {
    const facts = { action: 'suspension', suspensionWorkingDays: 15, licenseSuspension: true };
    expect(() => computeSchedule({ policyId: 'adc-probation', facts, events: {} })).not.toThrow();
  });

  test('the out-of-order message names both events', () => {
    expect(() =>
      computeSchedule({
        policyId: 'ok-doc-grievance',
        events: {
          'rts.submitted': '2026-11-20T09:00:00-06:00',
          'rts.responded': '2026-11-19T09:00:00-06:00',
        },
      }),
    ).toThrow(
      "event 'rts.responded' (2026-11-19T09:00:00-06:00) is before 'rts.submitted' (2026-11-20T09:00:00-06:00)",
    );
  });
});

describe('policies as versioned data', () => {
  test('the registry lists the policies and returns the exact version asked for', () => {
    expect(listPolicies().map((p) => p.id)).toEqual([
      'ok-doc-grievance',
      'ok-doc-discipline',
      'acsd-title-ix',
      'adc-probation',
      'nc-doc-contract',
      'nc-doc-cwp',
      'nc-doc-transfer',
      'omes-pwp-conduct',
      'wdoc-employee-contact',
    ]);
    expect(getPolicy('ok-doc-grievance', '1.0.0')).toBe(okDocGrievance);
    expect(computeSchedule({ ...STANDARD_GRIEVANCE, policyVersion: '1.0.0' }).policyVersion).toBe('1.0.0');
  });

  test('a malformed policy is refused by the zod schema', () => {
    const broken = {
      ...okDocGrievance,
      id: 'broken',
      rules: [{ ...okDocGrievance.rules[0]!, anchor: { event: 'no.such.event' } }],
    };
    expect(() => definePolicy(broken)).toThrow(expect.objectContaining({ code: 'INVALID_POLICY' }));
  });

  test('every entry of a full schedule is complete: source, role, action, anchor, instant, local text, explanation', () => {
    const schedule = computeSchedule(FULL_DISCIPLINE_CASE);
    expect(schedule.entries).toHaveLength(9);
    for (const entry of schedule.entries) {
      expect(entry.sourceText).toMatch(/§|CFR|agency setting/);
      expect(entry.responsibleRole).toMatch(/^[a-z][a-z.-]+$/);
      expect(entry.action.length).toBeGreaterThan(10);
      expect(entry.anchorAt).toMatch(/[+-]\d{2}:\d{2}$/);
      expect(entry.localText).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2} C[SD]T$/);
      expect(Boolean(entry.dueAt) !== Boolean(entry.earliest)).toBe(true);
      expect(entry.calendar).toBe('us-ok-state');
      expect(entry.zone).toBe('America/Chicago');
    }
    expect(JSON.parse(JSON.stringify(schedule))).toEqual(schedule);
  });
});
