// Connection options for the Temporal frontend, shared by the worker (NativeConnection) and every
// client (Connection), so TLS and mTLS are configured in one place.
import { readFileSync } from 'node:fs';
import type { DocketConfig } from './config';

export interface TemporalConnectionOptions {
  address: string;
  apiKey?: string;
  tls?:
    | boolean
    | {
        serverNameOverride?: string;
        serverRootCACertificate?: Buffer;
        clientCertPair?: { crt: Buffer; key: Buffer };
      };
}

export function temporalConnectionOptions(config: DocketConfig): TemporalConnectionOptions {
  const { address, apiKey, tls } = config.temporal;
  if (!tls) return { address, ...(apiKey ? { apiKey, tls: true } : {}) };
  return {
    address,
    ...(apiKey ? { apiKey } : {}),
    tls: {
      ...(tls.serverNameOverride ? { serverNameOverride: tls.serverNameOverride } : {}),
      ...(tls.serverRootCACertificatePath
        ? { serverRootCACertificate: readFileSync(tls.serverRootCACertificatePath) }
        : {}),
      ...(tls.clientCertPath && tls.clientKeyPath
        ? { clientCertPair: { crt: readFileSync(tls.clientCertPath), key: readFileSync(tls.clientKeyPath) } }
        : {}),
    },
  };
}
