import { ConfigError, parseConfig } from '../worker/config';

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

  test('mTLS needs both the client certificate and its key', () => {
    expect(() => parseConfig({ temporal: { tls: { clientCertPath: '/etc/docket/client.pem' } } })).toThrow(
      /temporal\.tls: clientCertPath and clientKeyPath must be given together/,
    );
  });
});
