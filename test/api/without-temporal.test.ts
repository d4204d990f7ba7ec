// The API with no Temporal server at all (a port nobody listens on): it starts, previews schedules,
// lists policies and serves its docs; case routes answer 503 TEMPORAL_UNAVAILABLE instead of hanging.
// Also the API key configuration: formats, validation, and messages that never quote a token.
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import { ApiAuth, ApiAuthConfigError, loadApiAuth, parseApiKeysEnv, sha256Hex } from '../../server/api/auth';
import { signAckLink } from '../../activities/ack-link';
import { buildApi } from '../../server/api/server';
import { apiErrorCodes } from '../../server/api/errors';
import { caseTypeNames } from '../../client/case-types';
import { DocketClient } from '../../client/cases';
import { refusalCodes } from '../../domain/errors';
import { ConfigError, parseConfig } from '../../infra/config';
import { grievanceIntake } from './support';

const ADMIN_TOKEN = 'admin-token-0123456789abcdefghij';
const ACK_LINK_KEY = randomBytes(32);
let app: FastifyInstance;
let url: string;
let connection: Connection;

/** A port that was free a moment ago and has no listener. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  connection = Connection.lazy({ address: `127.0.0.1:${await closedPort()}` });
  const docket = new DocketClient({
    client: new Client({ connection }),
    taskQueue: 'unused',
    timeoutMs: 1_500,
  });
  const auth = new ApiAuth([{ id: 'admin', role: 'administrator', tokenSha256: sha256Hex(ADMIN_TOKEN) }]);
  // The agency's business hours (config `calendars`), which previews place reminders in.
  app = buildApi({
    docket,
    auth,
    ackLinkKey: ACK_LINK_KEY,
    businessHours: { 'us-ok-state': { start: '07:30', end: '16:00' } },
  });
  url = await app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await app?.close();
  await connection?.close();
});

type Json = Record<string, unknown>;
type ResponseBody = Record<string, unknown> & {
  error?: { code: string; message: string; details?: Record<string, unknown> };
};

async function call(method: string, path: string, body?: unknown, token: string | null = ADMIN_TOKEN) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as ResponseBody };
}

describe('preview and policies need no Temporal', () => {
  test('POST /preview/:policyId computes the schedule: 10 working days skipping Thanksgiving', async () => {
    const { status, body } = await call('POST', '/preview/ok-doc-grievance', {
      facts: { category: 'general', track: 'standard' },
      events: { incident: '2026-11-19T10:00:00-06:00', 'rts.submitted': '2026-11-20T09:00:00-06:00' },
    });
    expect(status).toBe(200);
    expect(body.policyId).toBe('ok-doc-grievance');
    const entries = body.entries as Array<{ key: string; explanation: { skipped: unknown[] } }>;
    const response = entries.find((e) => e.key === 'rts.response');
    expect(response).toMatchObject({
      dueAt: '2026-12-08T23:59:59.999-06:00',
      localText: '2026-12-08 23:59 CST',
      sourceText: expect.stringMatching(/OP-090124 §III\.E\.10\.b/),
    });
    expect(response?.explanation.skipped).toEqual(
      expect.arrayContaining([expect.objectContaining({ date: '2026-11-26', reason: 'holiday' })]),
    );
  });

  test("POST /preview/:policyId places reminders in the agency's business hours and says where they were computed for", async () => {
    const { status, body } = await call('POST', '/preview/ok-doc-grievance', {
      events: { incident: '2026-10-02T16:00:00-05:00', 'rts.submitted': '2026-10-03T03:38:00-05:00' },
    });
    expect(status).toBe(200);
    expect(body.businessHours).toEqual({ start: '07:30', end: '16:00', isDefault: false });
    const entries = body.entries as Array<{ key: string; reminders: unknown[] }>;
    expect(entries.find((e) => e.key === 'rts.response')?.reminders[0]).toEqual({
      key: 'half-time',
      at: '2026-10-09T07:30:00.000-05:00',
      computedAt: '2026-10-10T01:49:00.000-05:00',
      movedBecause:
        'outside business hours (07:30–16:00 America/Chicago): Saturday is not a working day; moved to the start of the previous working day',
    });
    const spec = await fetch(`${url}/docs/openapi.json`);
    const reminderFields = JSON.stringify(await spec.json());
    for (const field of ['computedAt', 'movedBecause', 'outsideBusinessHours']) {
      expect(reminderFields).toContain(`"${field}"`);
    }
  });

  test('unknown policy 404, unknown event 422 listing the known ones, unknown field 422', async () => {
    const unknownPolicy = await call('POST', '/preview/ok-doc-parking', { events: {} });
    expect(unknownPolicy.status).toBe(404);
    expect(unknownPolicy.body.error).toMatchObject({
      code: 'UNKNOWN_POLICY',
      details: { known: expect.arrayContaining(['ok-doc-grievance']) },
    });
    const unknownEvent = await call('POST', '/preview/ok-doc-grievance', {
      events: { 'rts.lost': '2026-11-20T09:00:00-06:00' },
    });
    expect(unknownEvent.status).toBe(422);
    expect(unknownEvent.body.error).toMatchObject({
      code: 'UNKNOWN_EVENT',
      details: { field: 'events.rts.lost', known: expect.arrayContaining(['incident', 'rts.submitted']) },
    });
    const extraField = await call('POST', '/preview/ok-doc-grievance', { events: {}, incidentAt: 'x' });
    expect(extraField.status).toBe(422);
    expect(extraField.body.error?.code).toBe('INVALID_INPUT');
  });

  test('GET /policies lists every policy with its versions; preview still needs a key', async () => {
    const { status, body } = await call('GET', '/policies');
    expect(status).toBe(200);
    expect(body.policies).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: 'ok-doc-grievance', latest: expect.any(String) }),
      ]),
    );
    expect((await call('POST', '/preview/ok-doc-grievance', { events: {} }, null)).status).toBe(401);
  });
});

describe('what the OpenAPI document promises about requests', () => {
  test('a JSON operation sent no body is 400 MISSING_BODY naming the body; a JSON null is 422', async () => {
    for (const path of ['/preview/ok-doc-grievance', '/cases/grievance']) {
      const missing = await call('POST', path);
      expect([path, missing.status, missing.body.error?.code]).toEqual([path, 400, 'MISSING_BODY']);
      expect(missing.body.error?.message).toBe(
        `missing body: POST ${path} needs a JSON object (Content-Type: application/json)`,
      );
      expect(missing.body.error?.details).toEqual({ field: 'body' });
    }
    const nullBody = await call('POST', '/preview/ok-doc-grievance', null);
    expect([nullBody.status, nullBody.body.error?.code]).toEqual([422, 'INVALID_INPUT']);
    // Authentication still comes first: without a key, no word about the body.
    expect((await call('POST', '/preview/ok-doc-grievance', undefined, null)).status).toBe(401);
  });

  test('a __proto__ key is dropped like any field the schema does not name, polluting nothing', async () => {
    const response = await fetch(`${url}/preview/ok-doc-grievance`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: '{"events": {"incident": "2026-11-19T10:00:00-06:00"}, "settings": {"__proto__": {"polluted": true}}}',
    });
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('a method a path does not take is 405 with Allow, before authentication', async () => {
    const cases: Array<[string, string, string]> = [
      ['QUERY', '/cases/discipline/DSC-2026-1', 'GET, HEAD'],
      ['DELETE', '/cases/grievance/GRV-2026-1/events/rts-submitted', 'POST'],
      ['PUT', '/preview/ok-doc-grievance', 'POST'],
      ['OPTIONS', '/health', 'GET, HEAD'],
      ['PATCH', '/ack', 'GET, HEAD, POST'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${url}${path}`, { method });
      const body = (await response.json()) as ResponseBody;
      expect([method, path, response.status, response.headers.get('allow'), body.error?.code]).toEqual([
        method,
        path,
        405,
        allow,
        'METHOD_NOT_ALLOWED',
      ]);
    }
    // A path that does not exist at all is still 404.
    expect((await fetch(`${url}/cases`, { method: 'PUT' })).status).toBe(404);
  });

  test('every JSON operation documents its body errors; every 422 is a Refusal listing its codes', async () => {
    const { body } = await call('GET', '/docs/openapi.json', undefined, null);
    const document = body as unknown as {
      paths: Record<string, Record<string, { requestBody?: unknown; responses: Record<string, Json> }>>;
      components: { schemas: Record<string, Json> };
    };
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ name: `${method} ${path}`, op })),
    );
    const jsonBodies = operations.filter(({ name }) => name.startsWith('post') && name !== 'post /ack');
    expect(jsonBodies.length).toBeGreaterThan(40);
    for (const { name, op } of jsonBodies) {
      expect([name, op.responses['400']?.description]).toEqual([
        name,
        expect.stringMatching(/MALFORMED_JSON.*MISSING_BODY/),
      ]);
      expect([name, Object.keys(op.responses)]).toEqual([name, expect.arrayContaining(['413', '415'])]);
    }
    for (const { name, op } of operations) {
      const refusal = op.responses['422'] as { content: Record<string, { schema: Json }> } | undefined;
      if (name !== 'post /ack' && refusal) {
        expect([name, refusal.content['application/json']?.schema]).toEqual([
          name,
          { $ref: '#/components/schemas/Refusal' },
        ]);
      }
    }
    const code = (
      document.components.schemas.Refusal as { properties: { error: { properties: { code: Json } } } }
    ).properties.error.properties.code;
    expect(code.enum).toEqual(Object.keys(refusalCodes));
    expect(code['x-enum-descriptions']).toEqual(Object.values(refusalCodes));
    expect(code.enum).toEqual(
      expect.arrayContaining(['OUT_OF_ORDER', 'DUPLICATE_EVENT', 'EXTENSION_OVER_CAP']),
    );
    // Any other error carries an API code or a refusal code, and the Error schema lists them all.
    const anyCode = (
      document.components.schemas.Error as { properties: { error: { properties: { code: Json } } } }
    ).properties.error.properties.code;
    expect(new Set(anyCode.enum as string[])).toEqual(
      new Set([...Object.keys(apiErrorCodes), ...Object.keys(refusalCodes)]),
    );
  });
});

describe('case routes while Temporal is down', () => {
  test('health reports Temporal unreachable, promptly', async () => {
    const started = Date.now();
    const { status, body } = await call('GET', '/health', undefined, null);
    expect(status).toBe(200);
    expect(body).toEqual({ status: 'ok', temporal: 'unreachable' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  test('opening, reading and recording answer 503 TEMPORAL_UNAVAILABLE, not a hang or a 500', async () => {
    const intake = grievanceIntake();
    const open = await call('POST', '/cases/grievance', intake);
    expect([open.status, open.body.error?.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
    const read = await call('GET', `/cases/grievance/${intake.caseNumber}`);
    expect([read.status, read.body.error?.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
    const event = await call('POST', `/cases/grievance/${intake.caseNumber}/events/rts-submitted`, {
      at: '2026-11-20T09:00:00-06:00',
      by: 'S-0100',
    });
    expect([event.status, event.body.error?.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
    const due = await call('GET', '/deadlines/due');
    expect([due.status, due.body.error?.code]).toEqual([503, 'TEMPORAL_UNAVAILABLE']);
    // Validation still comes first: a bad intake is 422 whether or not Temporal is up.
    const invalid = await call('POST', '/cases/grievance', { ...intake, facility: 'not a code' });
    expect([invalid.status, invalid.body.error?.code]).toEqual([422, 'INVALID_INPUT']);
  }, 30_000);
});

describe('the acknowledgement pages while Temporal is down, and their bad requests', () => {
  const token = (expiresAt: Date) =>
    signAckLink(
      {
        workflowId: 'grievance-GRV-2026-000123',
        deadline: 'rts.response',
        recipientId: 'LARC-S002',
        noticeKey: 'rts.response/breach/1',
        expiresAt,
      },
      ACK_LINK_KEY,
    );
  const valid = token(new Date(Date.now() + 3_600_000));
  async function page(response: Response, status: number, text: string): Promise<void> {
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(await response.text()).toContain(text);
  }
  const post = (body: string, contentType = 'application/x-www-form-urlencoded') =>
    fetch(`${url}/ack`, { method: 'POST', headers: { 'content-type': contentType }, body });

  test('the page still shows what the link names (without the due time); the button answers 503', async () => {
    const started = Date.now();
    const shown = await fetch(`${url}/ack?t=${valid}`);
    await page(shown.clone(), 200, '<button type="submit">Acknowledge</button>');
    const html = await shown.text();
    expect(html).toContain('GRV-2026-000123');
    expect(html).not.toContain('Was due');
    expect(Date.now() - started).toBeLessThan(10_000);
    await page(await post(new URLSearchParams({ t: valid }).toString()), 503, 'TEMPORAL_UNAVAILABLE');
  });

  test('bad requests get HTML pages too: 403, 410, 413, 415', async () => {
    await page(await fetch(`${url}/ack?t=${valid}&t=${valid}`), 403, 'ACK_LINK_INVALID');
    await page(await post(''), 403, 'ACK_LINK_INVALID');
    await page(await post('t=%ZZ'), 403, 'ACK_LINK_INVALID');
    // A token one past its 2,048-character limit in four-byte characters, percent-encoded: 24 KiB of
    // request line, past Node's default 16 KiB, still reaches the page (not Node's bare 431).
    await page(
      await fetch(`${url}/ack?t=${encodeURIComponent('\u{1F600}'.repeat(2_049))}`),
      403,
      'ACK_LINK_INVALID',
    );
    await page(await fetch(`${url}/ack?t=${token(new Date(Date.now() - 1_000))}`), 410, 'ACK_LINK_EXPIRED');
    await page(await post(`t=${'x'.repeat(40_000)}`), 413, 'PAYLOAD_TOO_LARGE');
    // The page's form is the only way in: a JSON body is not accepted.
    await page(await post(JSON.stringify({ t: valid }), 'application/json'), 415, 'x-www-form-urlencoded');
  });
});

describe('API key configuration', () => {
  const token = (c: string) => c.repeat(32);

  test('DOCKET_API_KEYS: id:role:token[:caseTypes], kept only as digests', () => {
    const keys = parseApiKeysEnv(
      ` cms:case-system:${token('a')} , tix:administrator:${token('b')}:title-ix+grievance`,
    );
    expect(keys).toEqual([
      { id: 'cms', role: 'case-system', tokenSha256: sha256Hex(token('a')) },
      {
        id: 'tix',
        role: 'administrator',
        tokenSha256: sha256Hex(token('b')),
        caseTypes: ['title-ix', 'grievance'],
      },
    ]);
    expect(JSON.stringify(keys)).not.toContain(token('a'));
  });

  test('bad entries are refused with messages that never quote the token', () => {
    const secret = 'S3cret-but-short';
    const cases: Array<[string, RegExp]> = [
      [`cms:case-system:${secret}`, /at least 24 characters/],
      [`cms:root:${token('c')}`, /role must be one of case-system, supervisor, administrator/],
      [`just-a-token-${token('d')}`, /entry 1 is not in the form id:role:token/],
    ];
    for (const [value, message] of cases) {
      let error: unknown;
      try {
        parseApiKeysEnv(value);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ApiAuthConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain(secret);
      expect((error as Error).message).not.toContain(token('c'));
      expect((error as Error).message).not.toContain(token('d'));
    }
  });

  test('config file digests and environment tokens combine; no keys, duplicates and unknown case types fail', () => {
    const config = parseConfig({
      api: { keys: [{ id: 'sup', role: 'supervisor', tokenSha256: sha256Hex(token('e')) }] },
    });
    const auth = loadApiAuth(config, { DOCKET_API_KEYS: `cms:case-system:${token('f')}` }, caseTypeNames());
    expect(auth.authenticate(token('e'))).toEqual({ keyId: 'sup', role: 'supervisor' });
    expect(auth.authenticate(token('f'))).toEqual({ keyId: 'cms', role: 'case-system' });
    expect(auth.authenticate(token('f').slice(1))).toBeUndefined();
    expect(auth.authenticate('')).toBeUndefined();
    expect(JSON.stringify(auth.describe())).not.toMatch(/[0-9a-f]{64}/);

    expect(() => loadApiAuth(parseConfig({}), {})).toThrow(/no API keys: set DOCKET_API_KEYS/);
    expect(() => loadApiAuth(config, { DOCKET_API_KEYS: `sup:case-system:${token('g')}` })).toThrow(
      /"sup" is given twice/,
    );
    expect(() => loadApiAuth(config, { DOCKET_API_KEYS: `other:administrator:${token('e')}` })).toThrow(
      /same token/,
    );
    expect(() =>
      loadApiAuth(config, { DOCKET_API_KEYS: `cms:case-system:${token('h')}:parking` }, caseTypeNames()),
    ).toThrow(/unknown case type\(s\) parking/);
    expect(() =>
      parseConfig({ api: { keys: [{ id: 'x', role: 'supervisor', tokenSha256: 'abc' }] } }),
    ).toThrow(ConfigError);
  });
});
