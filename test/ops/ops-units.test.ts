// One function each: the worker's metrics endpoint options from configuration, the digest settings'
// validation, and which digest section a deadline belongs in.
import { DateTime } from 'luxon';
import { sectionOf, startOfBusiness } from '../../activities/digest';
import { digestScheduleOptions } from '../../client/digest-schedules';
import { parseConfig } from '../../infra/config';
import { telemetryOptionsFor } from '../../worker/main';
import type { DeadlineView } from '../../workflows/deadlines';

describe('the worker metrics endpoint', () => {
  test('loopback port 9464 by default; DOCKET_METRICS_PORT=0 turns it off; an IPv6 host is bracketed', () => {
    expect(telemetryOptionsFor(parseConfig({}))).toEqual({
      metrics: {
        prometheus: {
          bindAddress: '127.0.0.1:9464',
          countersTotalSuffix: true,
          useSecondsForDurations: true,
        },
      },
    });
    expect(telemetryOptionsFor(parseConfig({}, { DOCKET_METRICS_PORT: '0' }))).toBeUndefined();
    const v6 = telemetryOptionsFor(parseConfig({ metrics: { host: '::1', workerPort: 9500 } }));
    expect(v6?.metrics).toMatchObject({ prometheus: { bindAddress: '[::1]:9500' } });
  });

  test('a bad port is refused, naming the field', () => {
    expect(() => parseConfig({}, { DOCKET_METRICS_PORT: '70000' })).toThrow(/metrics\.workerPort/);
  });
});

describe('digest settings', () => {
  test('an unknown calendar or a malformed facility code is refused, naming the field', () => {
    expect(() => parseConfig({ digest: { facilities: { LARC: { calendar: 'us-tx-state' } } } })).toThrow(
      /digest\.facilities\.LARC\.calendar/,
    );
    expect(() => parseConfig({ digest: { facilities: { 'no code': { calendar: 'us-ok-state' } } } })).toThrow(
      /digest\.facilities/,
    );
  });

  test("the Schedule follows the agency's business hours and the calendar's zone", () => {
    const config = parseConfig({
      calendars: { 'us-nc-state': { businessHours: { start: '07:30', end: '16:00' } } },
    });
    expect(startOfBusiness('us-nc-state', { 'us-nc-state': { start: '07:30', end: '16:00' } })).toMatchObject(
      {
        hour: 7,
        minute: 30,
        zone: 'America/New_York',
      },
    );
    const options = digestScheduleOptions(config, 'NC-PWF', 'us-nc-state');
    expect(options.spec.timezone).toBe('America/New_York');
    expect(options.spec.calendars?.[0]).toMatchObject({ hour: 7, minute: 30 });
  });
});

describe('digest sections', () => {
  const zone = 'America/Chicago';
  const now = DateTime.fromISO('2026-12-07T08:00:00', { zone });
  const deadline = (over: Partial<DeadlineView>): DeadlineView =>
    ({
      key: 'rts.response',
      kind: 'deadline',
      state: 'pending',
      dueAt: '2026-12-10T23:59:59.999-06:00',
      localText: '',
      responsibleRole: 'rts.responder',
      rule: '',
      source: '',
      explanation: '',
      reminders: [],
      attempt: 1,
      extensions: [],
      ...over,
    }) as DeadlineView;

  test('due today, at risk once reminded, breached until acknowledged; the rest are left out', () => {
    expect(sectionOf(deadline({ dueAt: '2026-12-07T17:00:00-06:00' }), now, zone)).toBe('today');
    expect(
      sectionOf(deadline({ reminders: [{ at: '2026-12-04T08:00:00-06:00', key: 'half-time' }] }), now, zone),
    ).toBe('atRisk');
    expect(
      sectionOf(deadline({ reminders: [{ at: '2026-12-08T08:00:00-06:00', key: 'half-time' }] }), now, zone),
    ).toBe(undefined);
    expect(sectionOf(deadline({ state: 'breached' }), now, zone)).toBe('breached');
    expect(
      sectionOf(
        deadline({ state: 'breached', acknowledged: { by: 'LARC-S002', at: '2026-12-06T10:00:00Z' } }),
        now,
        zone,
      ),
    ).toBe(undefined);
    expect(sectionOf(deadline({ state: 'met', dueAt: '2026-12-07T17:00:00-06:00' }), now, zone)).toBe(
      undefined,
    );
    expect(sectionOf(deadline({ kind: 'lowerBound', dueAt: '2026-12-07T17:00:00-06:00' }), now, zone)).toBe(
      undefined,
    );
  });
});
