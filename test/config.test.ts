import { ConfigError, configuredBusinessHours, parseConfig } from '../infra/config';

describe('configuration', () => {
  test('defaults fill an empty file, and the environment overrides the file', () => {
    const config = parseConfig(
      { temporal: { namespace: 'agency' } },
      { TEMPORAL_ADDRESS: 'temporal.example:7233', DOCKET_SMTP_PORT: '2525' },
    );
    expect(config.temporal).toMatchObject({ address: 'temporal.example:7233', namespace: 'agency' });
    expect(config.smtp.port).toBe(2525);
    expect(config.worker.maxCachedWorkflows).toBeGreaterThan(0);
  });

  test('a bad value fails fast with a message naming the field', () => {
    expect(() => parseConfig({ smtp: { port: 70_000 } }, {}, 'config test.yaml')).toThrow(ConfigError);
    expect(() => parseConfig({ smtp: { port: 70_000 } }, {}, 'config test.yaml')).toThrow(
      /invalid config test\.yaml: smtp\.port: /,
    );
  });

  test('workflow threads: one by default, a count from 1 to 16 otherwise, named when refused', () => {
    expect(parseConfig({}).worker.workflowThreads).toBe(1);
    expect(parseConfig({ worker: { workflowThreads: 4 } }).worker.workflowThreads).toBe(4);
    expect(() => parseConfig({ worker: { workflowThreads: 0 } }, {}, 'docket.yaml')).toThrow(
      /invalid docket\.yaml: worker\.workflowThreads: /,
    );
  });

  test('mTLS needs both the client certificate and its key', () => {
    expect(() => parseConfig({ temporal: { tls: { clientCertPath: '/etc/docket/client.pem' } } })).toThrow(
      /temporal\.tls: clientCertPath and clientKeyPath must be given together/,
    );
  });

  test('business hours per calendar: the agency overrides a calendar, the others keep their default', () => {
    expect(configuredBusinessHours(parseConfig({}))).toEqual({});
    const config = parseConfig({
      calendars: { 'us-ok-state': { businessHours: { start: '07:30', end: '16:00' } }, 'us-nc-state': {} },
    });
    expect(configuredBusinessHours(config)).toEqual({ 'us-ok-state': { start: '07:30', end: '16:00' } });
  });

  test('bad business hours fail fast, naming the calendar and the field', () => {
    const parse = (calendars: unknown) => () => parseConfig({ calendars }, {}, 'config test.yaml');
    expect(parse({ 'us-xx-state': {} })).toThrow(
      /calendars\.us-xx-state: no calendar 'us-xx-state' \(known: us-ok-state, us-ar-state, us-wy-state, us-nc-state\)/,
    );
    expect(parse({ 'us-ok-state': { businessHours: { start: '17:00', end: '08:00' } } })).toThrow(
      /calendars\.us-ok-state\.businessHours: start must be before end/,
    );
    expect(parse({ 'us-ok-state': { businessHours: { start: '8:00', end: '17:00' } } })).toThrow(
      /calendars\.us-ok-state\.businessHours\.start: a 24-hour local time like 08:00$/,
    );
    expect(parse({ 'us-ok-state': { businessHours: { start: '08:00' } } })).toThrow(
      /calendars\.us-ok-state\.businessHours\.end: /,
    );
  });

  test('delivery settings: outage alert threshold as a duration, a fallback relay, the alert webhook', () => {
    const defaults = parseConfig({});
    expect(defaults.smtp.outageAlertAfter).toBe(300_000);
    expect(defaults.smtp.fallback).toBeUndefined();
    expect(defaults.alerts.webhookUrl).toBeUndefined();

    const config = parseConfig(
      { smtp: { outageAlertAfter: '90s', fallback: { host: 'relay2.agency.example.org' } } },
      {
        DOCKET_SMTP_FALLBACK_PASSWORD: 'from-the-secret-store',
        DOCKET_ALERT_WEBHOOK_URL: 'https://pager.agency.example.org/hooks/docket',
      },
    );
    expect(config.smtp.outageAlertAfter).toBe(90_000);
    expect(config.smtp.fallback).toEqual({
      host: 'relay2.agency.example.org',
      port: 25,
      secure: false,
      password: 'from-the-secret-store',
    });
    expect(config.alerts.webhookUrl).toBe('https://pager.agency.example.org/hooks/docket');
    expect(parseConfig({ smtp: { outageAlertAfter: 120 } }).smtp.outageAlertAfter).toBe(120_000);
    expect(parseConfig({}, { DOCKET_SMTP_OUTAGE_ALERT_AFTER: '1h' }).smtp.outageAlertAfter).toBe(3_600_000);
  });

  test('bad delivery settings name the field and the rule', () => {
    expect(() => parseConfig({ smtp: { outageAlertAfter: 'soon' } })).toThrow(
      /smtp\.outageAlertAfter: a duration like 90s, 5m or 1h, not "soon"/,
    );
    expect(() => parseConfig({}, { DOCKET_SMTP_FALLBACK_PORT: '2525' })).toThrow(/smtp\.fallback\.host: /);
    expect(() => parseConfig({ smtp: { fallback: { host: 'x', relay: 'y' } } })).toThrow(/smtp\.fallback: /);
    expect(() => parseConfig({ alerts: { webhookUrl: 'http://pager.agency.example.org/x' } })).toThrow(
      /alerts\.webhookUrl: an https URL \(http only for a loopback host\)/,
    );
    expect(parseConfig({ alerts: { webhookUrl: 'http://127.0.0.1:9000/x' } }).alerts.webhookUrl).toBe(
      'http://127.0.0.1:9000/x',
    );
  });
});
