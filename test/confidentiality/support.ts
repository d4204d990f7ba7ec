// Shared helpers for the confidentiality tests: fake case data, keyrings made fresh for each run,
// and scanners that look for confidential text in a raw (never decoded) history.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPayloadConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { generateKey, Keyring } from '../../infra/keys';
import type { ConfidentialCaseInput } from '../fixtures/confidential-workflows';

/** Fake people and a fake allegation; distinctive enough that any occurrence is a leak. */
export function fakeCase(caseNumber: string): ConfidentialCaseInput {
  return {
    caseNumber,
    complainant: 'Marisol Quintanilla-Brightwater',
    respondent: 'Thaddeus Okonkwo-Lindqvist',
    allegation: 'repeated unwelcome remarks about her body in the band room after rehearsal',
  };
}

export const STATEMENT = 'witness Ingrid Vasquez-Halloran saw the remarks on 3 March';

export function secretsOf(input: ConfidentialCaseInput): string[] {
  return [input.complainant, input.respondent, input.allegation, STATEMENT];
}

export function keyringWith(current: string, ...otherIds: string[]): Keyring {
  const keys: Record<string, string> = { [current]: generateKey() };
  for (const id of otherIds) keys[id] = generateKey();
  return Keyring.fromSpec({ current, keys });
}

/** Base64 of `secret` wherever it sits in a byte string: the characters it fully determines at each of the 3 alignments. */
export function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [0, 1, 2].map((offset) => {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    return encoded.slice(first, end);
  });
}

function walk(value: unknown, visit: (node: unknown) => void, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) {
    visit(value);
    return;
  }
  seen.add(value);
  visit(value);
  if (value instanceof Uint8Array) return;
  for (const child of Object.values(value)) walk(child, visit, seen);
}

/** Every string and every byte field (as UTF-8) in a proto object, plus its JSON (bytes as base64). */
export function rawTexts(history: unknown): { text: string; json: string } {
  const parts: string[] = [];
  walk(history, (node) => {
    if (typeof node === 'string') parts.push(node);
    else if (node instanceof Uint8Array) parts.push(Buffer.from(node).toString('utf8'));
  });
  return { text: parts.join('\n'), json: JSON.stringify(history) };
}

/** Which secrets appear in a raw history, in clear or base64. */
export function findLeaks(history: unknown, secrets: string[]): string[] {
  const { text, json } = rawTexts(history);
  return secrets.filter(
    (secret) =>
      text.includes(secret) ||
      json.includes(secret) ||
      base64Forms(secret).some((form) => json.includes(form)),
  );
}

function isPayload(node: unknown): node is Payload {
  return (
    typeof node === 'object' &&
    node !== null &&
    'metadata' in node &&
    'data' in node &&
    (node as Payload).data instanceof Uint8Array &&
    typeof (node as Payload).metadata === 'object'
  );
}

/** Every Payload in a history (inputs, results, memos, summaries, failure attributes, details). */
export function payloadsIn(history: unknown): Payload[] {
  const found: Payload[] = [];
  walk(history, (node) => {
    if (isPayload(node)) found.push(node);
  });
  return found;
}

export function metadataText(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
}

/** The history as the codec sees it: every payload decoded and converted back to a value, as JSON. */
export async function decodedText(history: unknown, codec: PayloadCodec): Promise<string> {
  const values: string[] = [];
  for (const payload of payloadsIn(history)) {
    const [decoded] = await codec.decode([payload]);
    values.push(JSON.stringify(defaultPayloadConverter.fromPayload(decoded as Payload) ?? null));
  }
  return values.join('\n');
}

export interface HttpReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP(S) request through node:http, for what fetch cannot do: a Host header of the caller's
 * choosing, a Unix socket, or a server certificate signed by a test CA.
 */
export function httpRequest(
  target: { url: string; socketPath?: string; ca?: string | Buffer },
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpReply> {
  const url = new URL(target.url);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        method: options.method ?? 'GET',
        ...(target.socketPath
          ? { socketPath: target.socketPath }
          : { hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port }),
        path: `${url.pathname}${url.search}`,
        headers: options.headers,
        ...(target.ca ? { ca: target.ca } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

/** A payload as the remote codec protocol carries it: proto3 JSON, bytes as base64. */
export const toJson = (payload: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(payload.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(payload.data ?? []).toString('base64'),
});

export const fromJson = (json: JsonPayload): Payload => ({
  metadata: Object.fromEntries(
    Object.entries(json.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
  ),
  data: Buffer.from(json.data ?? '', 'base64'),
});

/** A /decode request body holding `value` encrypted by `codec`. */
export async function encryptedBody(
  codec: PayloadCodec,
  value: unknown,
): Promise<{ payloads: JsonPayload[] }> {
  const encoded = await codec.encode([defaultPayloadConverter.toPayload(value)]);
  return { payloads: encoded.map(toJson) };
}

/** The value inside the first payload of a /decode answer. */
export function decodedValue(body: string): unknown {
  const { payloads } = JSON.parse(body) as { payloads: JsonPayload[] };
  return defaultPayloadConverter.fromPayload(fromJson(payloads[0]!));
}

/**
 * A throwaway certificate for 127.0.0.1, made with Debian's openssl: the Temporal UI passes an
 * access token only to an https codec endpoint, so the server's TLS path is tested for real.
 */
export function selfSignedCertificate(): { dir: string; certFile: string; keyFile: string; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'docket-codec-tls-'));
  const certFile = path.join(dir, 'cert.pem');
  const keyFile = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile) };
}
