// The OpenAPI 3.1 document, generated from the route table, the case-type registry and the zod
// schemas (zod 4's z.toJSONSchema), so it cannot describe a payload the API would parse differently.
// Each case type and each of its events gets its own concrete path with its own schema, which gives
// generated clients in other languages one typed method per event. The /docs page is rendered from
// the same document, without any script or external asset.
import { z } from 'zod';
import { acknowledgeSchema, eventBaseSchema, extensionRequestSchema } from '../../domain/cases/common';
import { listPolicies } from '../../domain/policies';
import { caseTypeDefinition, caseTypeNames, type CaseTypeDefinition } from '../../client/case-types';
import { deadlineStates } from '../../client/deadlines-due';
import { rolesWith, type Permission } from './auth';
import { IMPORT_DESCRIPTION, importRequestSchema, importResultSchema } from './import-route';
import { complianceReportSchema } from './report-route';
import { apiErrorCodes } from './errors';
import { routes, type RouteSpec } from './routes';
import {
  ackLinkQuerySchema,
  caseRecordSchema,
  caseUpdatedSchema,
  caseViewSchema,
  deadlinesDueSchema,
  errorSchema,
  healthSchema,
  openedCaseSchema,
  policiesSchema,
  previewBodySchema,
  refusalSchema,
  scheduleSchema,
  undeliveredNoticesSchema,
} from './schemas';

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Json>>;
  components: { schemas: Record<string, Json>; securitySchemes: Json };
}

const pascal = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]?.toUpperCase() + part.slice(1))
    .join('');

const ref = (id: string): Json => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: Json): Json => ({ 'application/json': { schema } });

function componentsOf(
  registry: z.core.$ZodRegistry<{ id: string }>,
  io: 'input' | 'output',
): Record<string, Json> {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    // Responses may gain fields (a case type's view adds its own, e.g. probation's `record`); a
    // closed schema would make every such addition a breaking change for generated clients.
    override: (ctx) => {
      if (io === 'output' && ctx.jsonSchema.additionalProperties === false) {
        delete ctx.jsonSchema.additionalProperties;
      }
    },
  });
  // `$schema` and `$id` belong to standalone JSON Schema documents, not OpenAPI components.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Json;
      return [id, rest];
    }),
  );
}

const errorResponse = (description: string, status?: number): Json => ({
  description,
  // Every 422 is a refusal, whose code is one of those the Refusal schema lists.
  content: json(ref(status === 422 ? 'Refusal' : 'Error')),
});

type ErrorCode = keyof typeof apiErrorCodes | 'REFUSED';

/** The error responses a route can give, besides 401/403 (added for every protected route). */
function errors(...codes: ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = code === 'REFUSED' ? 422 : apiErrorCodes[code].status;
    const text = code === 'REFUSED' ? 'a refusal by the case (a code the Refusal schema lists)' : code;
    const texts = byStatus.get(status) ?? [];
    if (!texts.includes(text)) texts.push(text);
    byStatus.set(status, texts);
  }
  return Object.fromEntries(
    [...byStatus].map(([status, texts]) => [String(status), errorResponse(texts.join(', '), status)]),
  );
}

/** What any operation that reads a JSON body can answer about the body itself. */
const BODY_ERRORS: ErrorCode[] = [
  'MALFORMED_JSON',
  'MISSING_BODY',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
];

function operation(
  route: RouteSpec,
  spec: {
    operationId: string;
    tags: string[];
    description?: string;
    parameters?: Json[];
    requestBody?: Json;
    responses: Record<string, Json>;
    /** Error codes, grouped by status into responses. */
    errors?: ErrorCode[];
  },
): Json {
  const secured = route.permission !== null;
  const errorCodes = [
    ...(spec.errors ?? []),
    ...(route.jsonBody ? BODY_ERRORS : []),
    ...(secured ? (['UNAUTHENTICATED', 'FORBIDDEN'] as const) : []),
  ];
  return {
    operationId: spec.operationId,
    summary: route.summary,
    tags: spec.tags,
    ...(spec.description ? { description: spec.description } : {}),
    ...(spec.parameters ? { parameters: spec.parameters } : {}),
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: { ...spec.responses, ...errors(...errorCodes) },
    security: secured ? [{ bearer: [] }] : [],
    ...(secured ? { 'x-docket-roles': rolesWith(route.permission as Permission) } : {}),
  };
}

/** A query parameter that takes several of `values`, comma-separated or the parameter repeated. */
const listQueryParam = (name: string, values: string[]): Json => ({
  name,
  in: 'query',
  description: 'Comma-separated (or the parameter repeated).',
  style: 'form',
  explode: false,
  schema: { type: 'array', minItems: 1, items: { type: 'string', enum: values } },
});

const caseNumberParamOf = (definition: CaseTypeDefinition): Json => {
  const { $schema: _schema, ...schema } = z.toJSONSchema(definition.caseNumberSchema, {
    target: 'draft-2020-12',
  });
  return { name: 'caseNumber', in: 'path', required: true, schema };
};
const idempotencyHeader: Json = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Makes a retry safe: the same key returns the first outcome instead of recording the event twice ' +
    '(1-100 of A-Z a-z 0-9 . _ : -).',
  schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$' },
};
const caseErrors: ErrorCode[] = ['CASE_NOT_FOUND', 'CASE_CLOSED', 'TEMPORAL_UNAVAILABLE', 'TEMPORAL_TIMEOUT'];
/** What an event, an extension or an acknowledgement may meet besides a refusal. */
const updateErrors: ErrorCode[] = [...caseErrors, 'UPDATE_ABORTED'];

const DESCRIPTION = `Docket's HTTP API for case-management systems and supervisors.

**Authentication.** Send \`Authorization: Bearer <API key>\`. Each key has a role: \`case-system\` (open cases, record events, grant extensions, read), \`supervisor\` (acknowledge alerts, read), \`administrator\` (everything); a key may also be limited to some case types. A missing or unknown key gets 401, a key whose role does not allow the operation gets 403. /health, /docs and the acknowledgement pages (/ack) need no key: the signed link in an alert email is their credential.

**Errors.** Every error is \`{ "error": { "code", "message", "details" } }\`. Branch on \`code\`; it never changes. A case's refusal of an event (out of order, too late, too early, over a cap, decided by an involved employee...) is 422 with the case's own code, a message naming the rule, the limit and its source, and \`details\` (\`rule\`, \`source\`, \`dueAt\`/\`earliest\`/\`capAt\`, \`field\`...). An event is either recorded whole or refused with no trace: never half-applied. Every 422 is such a refusal; the \`Refusal\` schema lists its codes and what each means.

**Requests.** An operation that takes a body needs a JSON object (\`Content-Type: application/json\`): no body is 400 \`MISSING_BODY\`, a body that is not JSON 400 \`MALFORMED_JSON\`. A method a path does not list is 405 \`METHOD_NOT_ALLOWED\`, with an \`Allow\` header naming the methods it takes.

API codes: ${Object.entries(apiErrorCodes)
  .map(([code, { status }]) => `\`${code}\` (${status})`)
  .join(', ')}.`;

const CASE_RECORD_DESCRIPTION =
  'The court-ready record: every event with who recorded it and when; every deadline with its rule, source, due ' +
  'time, explanation and outcome (met and when, extended by whom and why, breached, alert acknowledged); every ' +
  "notice with its Message-ID; every proof of service. Read from the case's workflow, or from the records archive " +
  'once Temporal no longer has it (the document says which). Decrypted and printed in the API process; administrators only.';

export function buildOpenApiDocument(): OpenApiDocument {
  const requests = z.registry<{ id: string }>();
  const responses = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries({
    Error: errorSchema,
    Refusal: refusalSchema,
    CaseView: caseViewSchema,
    CaseRecord: caseRecordSchema,
    CaseUpdated: caseUpdatedSchema,
    OpenedCase: openedCaseSchema,
    DeadlinesDue: deadlinesDueSchema,
    UndeliveredNotices: undeliveredNoticesSchema,
    Schedule: scheduleSchema,
    Policies: policiesSchema,
    Health: healthSchema,
    ImportResult: importResultSchema,
    ComplianceReport: complianceReportSchema,
  })) {
    responses.add(schema, { id });
  }
  // A schema shared by several events (most are the plain event base) is one component.
  const requestIds = new Map<z.ZodType, string>([
    [eventBaseSchema, 'EventBase'],
    [extensionRequestSchema, 'ExtensionRequest'],
    [acknowledgeSchema, 'Acknowledgement'],
    [previewBodySchema, 'PreviewRequest'],
    [importRequestSchema, 'ImportRequest'],
  ]);
  const requestId = (schema: z.ZodType, id: string): string => {
    const existing = requestIds.get(schema);
    if (existing) return existing;
    requestIds.set(schema, id);
    return id;
  };

  const paths: OpenApiDocument['paths'] = {};
  const add = (path: string, method: string, op: Json) => {
    paths[path] = { ...paths[path], [method]: op };
  };

  add(
    '/health',
    'get',
    operation(routes.health, {
      operationId: 'health',
      tags: ['service'],
      responses: { '200': { description: 'Up', content: json(ref('Health')) } },
    }),
  );
  add(
    '/docs',
    'get',
    operation(routes.docs, {
      operationId: 'docs',
      tags: ['service'],
      responses: { '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } } },
    }),
  );
  add(
    '/docs/openapi.json',
    'get',
    operation(routes.openapi, {
      operationId: 'openapi',
      tags: ['service'],
      responses: { '200': { description: 'This document', content: json({ type: 'object' }) } },
    }),
  );

  add(
    '/metrics',
    'get',
    operation(routes.metrics, {
      operationId: 'metrics',
      tags: ['service'],
      description:
        'Request counts and latencies by route template and status, in the Prometheus text format. ' +
        'Answered only to callers on the same host (a 403 otherwise); no API key, so Prometheus can scrape it.',
      responses: {
        '200': {
          description: 'Prometheus text format',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
      errors: ['FORBIDDEN'],
    }),
  );

  add(
    '/cases/import',
    'post',
    operation(routes.importCases, {
      operationId: 'importCases',
      tags: ['import'],
      description: IMPORT_DESCRIPTION,
      requestBody: { required: true, content: json(ref('ImportRequest')) },
      responses: { '200': { description: 'A result per line', content: json(ref('ImportResult')) } },
      errors: ['INVALID_INPUT'],
    }),
  );

  for (const caseType of caseTypeNames()) {
    const definition = caseTypeDefinition(caseType);
    const name = pascal(caseType);
    const tags = [caseType];
    const intakeId = requestId(definition.intakeSchema, `${name}Intake`);
    const caseNumberParam = caseNumberParamOf(definition);
    add(
      `/cases/${caseType}`,
      'post',
      operation(routes.openCase, {
        operationId: `open${name}`,
        tags,
        description:
          `${definition.title}. Idempotent on the case number: the same intake again returns the existing ` +
          'case (200); a different intake with the same case number is a conflict (409).',
        requestBody: { required: true, content: json(ref(intakeId)) },
        responses: {
          '201': { description: 'Opened', content: json(ref('OpenedCase')) },
          '200': { description: 'Already open with the same intake', content: json(ref('OpenedCase')) },
        },
        errors: [
          'CASE_CONFLICT',
          'INVALID_INPUT',
          'NOT_GRIEVABLE',
          'REFUSED',
          'TEMPORAL_UNAVAILABLE',
          'TEMPORAL_TIMEOUT',
        ],
      }),
    );
    const casePath = `/cases/${caseType}/{caseNumber}`;
    add(
      casePath,
      'get',
      operation(routes.getCase, {
        operationId: `get${name}`,
        tags,
        parameters: [caseNumberParam],
        responses: {
          '200': {
            description:
              "The case, from its workflow (`source: live`) or, once Temporal no longer has a closed case's workflow, from the records archive (`source: archive`)",
            content: json(ref('CaseRecord')),
          },
        },
        errors: ['CASE_NOT_FOUND', 'TEMPORAL_UNAVAILABLE', 'TEMPORAL_TIMEOUT'],
      }),
    );
    add(
      `${casePath}/record.pdf`,
      'get',
      operation(routes.caseRecordPdf, {
        operationId: `get${name}RecordPdf`,
        tags,
        description: CASE_RECORD_DESCRIPTION,
        parameters: [caseNumberParam],
        responses: {
          '200': {
            description: 'The record, as PDF',
            content: {
              'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } },
            },
          },
        },
        errors: ['CASE_NOT_FOUND', 'TEMPORAL_UNAVAILABLE', 'TEMPORAL_TIMEOUT', 'RECORD_RENDERER_UNAVAILABLE'],
      }),
    );
    // Every change to a case is a workflow Update: a JSON body, an idempotency key, the case back.
    const caseUpdate = (
      route: RouteSpec,
      operationId: string,
      description: string,
      body: string,
      done: string,
    ) =>
      operation(route, {
        operationId,
        tags,
        description,
        parameters: [caseNumberParam, idempotencyHeader],
        requestBody: { required: true, content: json(ref(body)) },
        responses: { '200': { description: done, content: json(ref('CaseUpdated')) } },
        errors: ['INVALID_INPUT', 'REFUSED', 'INVALID_IDEMPOTENCY_KEY', ...updateErrors],
      });
    for (const [event, eventDefinition] of Object.entries(definition.events)) {
      const payloadId = requestId(eventDefinition.schema, `${name}${pascal(event)}Event`);
      add(
        `${casePath}/events/${event}`,
        'post',
        caseUpdate(
          routes.recordEvent,
          `record${name}${pascal(event)}`,
          `${eventDefinition.description} (workflow Update \`${eventDefinition.updateName}\`)`,
          payloadId,
          'Recorded',
        ),
      );
    }
    add(
      `${casePath}/extensions`,
      'post',
      caseUpdate(
        routes.grantExtension,
        `extend${name}Deadline`,
        "Extends one deadline within the policy's cap by an approver role it names; past the cap only " +
          'with an override authority the policy allows. The affected party is notified.',
        'ExtensionRequest',
        'Extended',
      ),
    );
    add(
      `${casePath}/acknowledgements`,
      'post',
      caseUpdate(
        routes.acknowledge,
        `acknowledge${name}Alert`,
        'Acknowledges the breach alert of one deadline: its repeats and escalations stop.',
        'Acknowledgement',
        'Acknowledged',
      ),
    );
  }
  for (const [schema, id] of requestIds) requests.add(schema, { id });

  // The acknowledgement pages answer every outcome, errors included, as an HTML page.
  const page = (description: string): Json => ({
    description,
    content: { 'text/html': { schema: { type: 'string' } } },
  });
  const ackOutcomes = {
    '200': page(
      'The page (GET: what would be acknowledged, and an Acknowledge button; POST: "Acknowledged")',
    ),
    '403': page('ACK_LINK_INVALID: the token is missing, malformed, altered or signed with another key'),
    '404': page('CASE_NOT_FOUND, UNKNOWN_DEADLINE: the case or its deadline does not exist'),
    '409': page('ALREADY_ACKNOWLEDGED, NOTHING_TO_ACKNOWLEDGE, CASE_CLOSED: nothing left to acknowledge'),
    '410': page('ACK_LINK_EXPIRED: the link has expired'),
  };
  const { $schema: _ackSchema, ...ackTokenSchema } = z.toJSONSchema(ackLinkQuerySchema.shape.t, {
    target: 'draft-2020-12',
  });
  add(
    '/ack',
    'get',
    operation(routes.ackPage, {
      operationId: 'ackPage',
      tags: ['alerts'],
      description:
        'Breach and escalation emails carry one link per recipient (configure `mail.ackBaseUrl` as `<API URL>/ack`), ' +
        'signed with DOCKET_ACK_LINK_KEY for one case, one deadline and one recipient, valid `mail.ackLinkTtlDays` ' +
        'days. Opening it changes nothing (mail scanners fetch links): the page shows what would be acknowledged ' +
        'and a button that posts the token. No API key and no staff ID are asked for.',
      parameters: [{ name: 't', in: 'query', required: true, schema: ackTokenSchema }],
      responses: {
        ...ackOutcomes,
        '503': page('TEMPORAL_UNAVAILABLE'),
        '504': page('TEMPORAL_TIMEOUT'),
      },
    }),
  );
  add(
    '/ack',
    'post',
    operation(routes.ackSubmit, {
      operationId: 'ackSubmit',
      tags: ['alerts'],
      description:
        "The page's Acknowledge button: records the acknowledgement of the token's deadline by the token's " +
        'recipient (their opaque staff ID), through the same workflow Update as POST ' +
        '/cases/{type}/{number}/acknowledgements; repeats and escalations for that deadline stop. A link is ' +
        'good for one acknowledgement: again is 409.',
      requestBody: {
        required: true,
        content: {
          'application/x-www-form-urlencoded': {
            schema: { type: 'object', properties: { t: ackTokenSchema }, required: ['t'] },
          },
        },
      },
      responses: {
        ...ackOutcomes,
        '400': page('BAD_REQUEST: the form could not be read'),
        '413': page('PAYLOAD_TOO_LARGE'),
        '415': page('UNSUPPORTED_MEDIA_TYPE: send application/x-www-form-urlencoded'),
        '500': page('UPDATE_FAILED: the case failed while recording the acknowledgement'),
        '503': page('TEMPORAL_UNAVAILABLE'),
        '504': page('TEMPORAL_TIMEOUT'),
      },
    }),
  );

  add(
    '/policies',
    'get',
    operation(routes.policies, {
      operationId: 'listPolicies',
      tags: ['preview'],
      responses: { '200': { description: 'Policies', content: json(ref('Policies')) } },
    }),
  );
  add(
    '/preview/{policyId}',
    'post',
    operation(routes.preview, {
      operationId: 'preview',
      tags: ['preview'],
      description:
        'Computes the whole schedule a case would get, with the same function the workflows use. Needs no Temporal.',
      parameters: [
        {
          name: 'policyId',
          in: 'path',
          required: true,
          schema: { type: 'string', enum: listPolicies().map((p) => p.id) },
        },
      ],
      requestBody: { required: true, content: json(ref('PreviewRequest')) },
      responses: {
        '200': { description: 'The schedule', content: json(ref('Schedule')) },
      },
      errors: ['UNKNOWN_POLICY', 'INVALID_INPUT', 'REFUSED'],
    }),
  );
  add(
    '/deadlines/due',
    'get',
    operation(routes.deadlinesDue, {
      operationId: 'deadlinesDue',
      tags: ['deadlines'],
      description:
        "Open cases, from Temporal visibility (each case's search attributes), sorted by next deadline. " +
        'Visibility is eventually consistent: a change made a moment ago may take a moment to show.',
      parameters: [
        { name: 'facility', in: 'query', schema: { type: 'string' }, example: 'LARC' },
        listQueryParam('caseType', caseTypeNames()),
        listQueryParam('state', [...deadlineStates]),
        { name: 'dueBefore', in: 'query', schema: { type: 'string', format: 'date-time' } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 } },
      ],
      responses: {
        '200': { description: 'Matching cases', content: json(ref('DeadlinesDue')) },
      },
      errors: ['INVALID_INPUT', 'TEMPORAL_UNAVAILABLE', 'TEMPORAL_TIMEOUT'],
    }),
  );

  add(
    '/notices/undelivered',
    'get',
    operation(routes.undeliveredNotices, {
      operationId: 'undeliveredNotices',
      tags: ['notices'],
      description:
        'Notices Docket has not delivered, read from Temporal itself: for each running case (from visibility), ' +
        'the notice activities Temporal is retrying after a failed attempt (attempts, last failure, next attempt, ' +
        'give-up time, from DescribeWorkflowExecution), and the notices its timeline records as given up, with ' +
        "whether the administrators' alert about them went out. One describe and one query per running case: " +
        "an administrator's view, not a dashboard to poll.",
      parameters: [
        {
          name: 'caseType',
          in: 'query',
          schema: { type: 'string' },
          description: `Comma-separated: ${caseTypeNames().join(', ')}`,
        },
        {
          name: 'limit',
          in: 'query',
          description: 'Running cases to scan',
          schema: { type: 'integer', minimum: 1, maximum: 5000, default: 1000 },
        },
      ],
      responses: {
        '200': { description: 'Undelivered notices', content: json(ref('UndeliveredNotices')) },
        ...errors('INVALID_INPUT', 'TEMPORAL_UNAVAILABLE', 'TEMPORAL_TIMEOUT'),
      },
    }),
  );
  add(
    '/reports/compliance',
    'get',
    operation(routes.complianceReport, {
      operationId: 'complianceReport',
      tags: ['reports'],
      description:
        "Every deadline's outcome (met on time, extended, met late, breached, waived) as it settled, grouped by " +
        'deadline key, facility and month of the due date; on-time rate = (met on time + extended) ÷ all but ' +
        'waived. Counts only, no case numbers; a key limited to some case types counts only those. `format=csv` ' +
        'returns the same lines as CSV (the CLI: `docket report compliance`).',
      parameters: [
        { name: 'from', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
        { name: 'to', in: 'query', required: true, schema: { type: 'string', format: 'date' } },
        { name: 'facility', in: 'query', schema: { type: 'string' } },
        {
          name: 'caseType',
          in: 'query',
          schema: { type: 'string', enum: caseTypeNames() },
        },
        { name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'csv'], default: 'json' } },
      ],
      responses: {
        '200': {
          description: 'The report',
          content: { ...json(ref('ComplianceReport')), 'text/csv': { schema: { type: 'string' } } },
        },
        ...errors('INVALID_INPUT', 'UNKNOWN_CASE_TYPE', 'REPORTS_UNAVAILABLE'),
      },
    }),
  );

  return {
    openapi: '3.1.0',
    info: { title: 'Docket API', version: '1', description: DESCRIPTION },
    paths,
    components: {
      schemas: { ...componentsOf(requests, 'input'), ...componentsOf(responses, 'output') },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from DOCKET_API_KEYS or api.keys',
        },
      },
    },
  };
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Inline code spans and bold, the only markdown the descriptions use. */
const inline = (text: string): string =>
  escapeHtml(text)
    .replace(/`([^`]+)`/g, '<code>$1</code>')
    .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');

/** The readable reference at /docs: every operation with its roles, parameters, body and responses. */
export function renderDocsPage(document: OpenApiDocument): string {
  const sections: string[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const roles = (op['x-docket-roles'] as string[] | undefined) ?? [];
      const parameters = (op.parameters as Json[] | undefined) ?? [];
      const body = (op.requestBody as { content?: Record<string, { schema?: Json }> } | undefined)?.content;
      const bodyRef = body?.['application/json']?.schema?.$ref as string | undefined;
      const bodyId = bodyRef?.split('/').pop();
      const responses = Object.entries((op.responses as Record<string, { description: string }>) ?? {});
      sections.push(
        `<section id="${escapeHtml(String(op.operationId))}"><h3><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>` +
          `<p>${inline(String(op.summary ?? ''))}${op.description ? ` ${inline(String(op.description))}` : ''}</p>` +
          `<p class="roles">${roles.length > 0 ? `Roles: ${roles.map((r) => `<code>${r}</code>`).join(', ')}` : 'No credential needed'}</p>` +
          (parameters.length > 0
            ? `<p>Parameters: ${parameters.map((p) => `<code>${escapeHtml(String(p.name))}</code> (${escapeHtml(String(p.in))})`).join(', ')}</p>`
            : '') +
          (bodyId && document.components.schemas[bodyId]
            ? `<details><summary>Body: <code>${escapeHtml(bodyId)}</code></summary><pre>${escapeHtml(JSON.stringify(document.components.schemas[bodyId], null, 2))}</pre></details>`
            : '') +
          `<ul>${responses.map(([status, r]) => `<li><code>${status}</code> ${escapeHtml(r.description)}</li>`).join('')}</ul></section>`,
      );
    }
  }
  const paragraphs = document.info.description
    .split('\n\n')
    .map((p) => `<p>${inline(p)}</p>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(document.info.title)}</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}h3{margin:.5rem 0}.m{display:inline-block;min-width:3.5rem;font-size:.8rem;padding:.1rem .4rem;border-radius:3px;color:#fff;text-align:center}
.get{background:#2a7}.post{background:#27c}pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:12px}.roles{color:#555}code{font-size:.9em}</style></head>
<body><h1>${escapeHtml(document.info.title)}</h1>${paragraphs}<p>Machine-readable: <a href="docs/openapi.json">openapi.json</a> (OpenAPI ${escapeHtml(document.openapi)}).</p>
${sections.join('\n')}</body></html>`;
}
