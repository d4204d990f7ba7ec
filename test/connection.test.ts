// TLS and mTLS for a real cluster come from configuration: certificate files are read once and
// handed to both the worker's and the clients' connections.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseConfig } from '../infra/config';
import { temporalConnectionOptions } from '../infra/connection';

describe('Temporal connection options', () => {
  test('plain by default; an API key alone switches TLS on (Temporal Cloud)', () => {
    expect(temporalConnectionOptions(parseConfig({}))).toEqual({ address: '127.0.0.1:7233' });
    expect(temporalConnectionOptions(parseConfig({}, { TEMPORAL_API_KEY: 'k-123' }))).toEqual({
      address: '127.0.0.1:7233',
      apiKey: 'k-123',
      tls: true,
    });
  });

  test('mTLS reads the CA, client certificate and key from the configured files', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'docket-tls-'));
    const file = (name: string, text: string) => {
      const p = path.join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const config = parseConfig({
      temporal: {
        address: 'temporal.agency.example:7233',
        tls: {
          serverNameOverride: 'temporal.internal',
          serverRootCACertificatePath: file('ca.pem', 'CA'),
          clientCertPath: file('client.pem', 'CERT'),
          clientKeyPath: file('client.key', 'KEY'),
        },
      },
    });
    const options = temporalConnectionOptions(config);
    expect(options.address).toBe('temporal.agency.example:7233');
    expect(options.tls).toEqual({
      serverNameOverride: 'temporal.internal',
      serverRootCACertificate: Buffer.from('CA'),
      clientCertPair: { crt: Buffer.from('CERT'), key: Buffer.from('KEY') },
    });
  });

  test('a missing certificate file fails at start, naming the file', () => {
    const config = parseConfig({ temporal: { tls: { serverRootCACertificatePath: '/nonexistent/ca.pem' } } });
    expect(() => temporalConnectionOptions(config)).toThrow(/\/nonexistent\/ca\.pem/);
  });
});
