// Docket's HTTP API on fastify: a thin layer over DocketClient (client/cases.ts), which Node case
// systems use directly. The API adds authentication (bearer keys mapped to roles), JSON errors with
// stable codes, OpenAPI, and the acknowledgement pages that alert emails' signed links open.
//
// Confidentiality: request logs carry only values a handler has validated as opaque (case type,
// case number, event name, policy ID), the key's ID, the status and the error code. Never bodies,
// never queries, never error messages, which can quote what a caller sent.
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describeIssues } from '../../domain/cases/common';
import { isDomainError } from '../../domain/errors';
import { parseConfig } from '../../infra/config';
import type { BusinessHours } from '../../domain/types';
import { listPolicies } from '../../domain/policies';
import { computeSchedule } from '../../domain/schedule';
import {
  caseOfWorkflowId,
  caseTypeDefinition,
  caseTypeNames,
  isCaseType,
  type CaseType,
} from '../../client/case-types';
import { type DocketClient, type UpdateOptions } from '../../client/cases';
import { DocketClientError } from '../../client/errors';
import type { AcknowledgeInput, ExtensionRequestInput } from '../../domain/cases/common';
import { verifyAckLink } from '../../activities/ack-link';
import {
  ackDonePage,
  ackErrorPage,
  ackFormPage,
  HTML_SECURITY_HEADERS,
  type AckDeadlineState,
  type AckLinkView,
} from './ack-pages';
import { can, canAccessCaseType, rolesWith, type ApiAuth, type Permission, type Principal } from './auth';
import { ackPageStatus, ApiError, clientErrorStatusOf, errorBody } from './errors';
import { createApiMetrics, isLoopback, type ApiMetrics } from './metrics';
import { buildOpenApiDocument, renderDocsPage } from './openapi';
import { routes, type RouteSpec } from './routes';
import { undeliveredNotices } from '../../client/undelivered';
import { importCases, importRequestSchema } from './import-route';
import { caseRecordPdf, type CaseRecordOptions } from './record-route';
import { complianceFigures, complianceQuerySchema } from './report-route';
import type { OutcomeStore } from '../../activities/compliance';
import {
  ackFormSchema,
  ackLinkQuerySchema,
  deadlinesDueQuerySchema,
  previewBodySchema,
  undeliveredQuerySchema,
} from './schemas';
import type { z } from 'zod';

export interface BuildApiOptions {
  docket: DocketClient;
  auth: ApiAuth;
  /** Request and error logs (opaque fields only); silent when omitted. */
  logger?: Logger;
  /** Largest JSON body accepted (default 1 MiB). */
  bodyLimit?: number;
  /** The agency's business hours per calendar ID (config `calendars`), for previews; defaults otherwise. */
  businessHours?: Record<string, BusinessHours>;
  /** Verifies the signed links in alert emails (DOCKET_ACK_LINK_KEY, the key the worker signs with). */
  ackLinkKey: Buffer;
  /** Request metrics served at GET /metrics; a fresh registry when omitted. */
  metrics?: ApiMetrics;
  /** Court-ready records (GET .../record.pdf); the configuration's defaults when omitted. */
  caseRecords?: CaseRecordOptions;
  /** The records store's deadline outcomes (GET /reports/compliance); that route answers 503 without. */
  outcomes?: Pick<OutcomeStore, 'outcomes'>;
}

/** Values a handler validated as opaque codes: the only request data that reaches a log line. */
interface LogContext {
  caseType?: string;
  caseNumber?: string;
  event?: string;
  policyId?: string;
}

const HEALTH_TIMEOUT_MS = 2_000;
// The form carries one token of at most 2,048 characters; percent-encoded, a character takes up to 12
// bytes. Room for that lets an over-long token reach validation (400) instead of the body limit (413).
const ACK_BODY_LIMIT = 32 * 1024;
/** How long the acknowledgement page waits for the case to say when the deadline was due. */
const ACK_LOOKUP_MS = 3_000;

/** The case's refusals of an acknowledgement, as the link's pages answer them. */
export function buildApi(options: BuildApiOptions): FastifyInstance {
  const { docket, auth, logger } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // A `__proto__` or `constructor.prototype` key is dropped, not refused: the schemas let a body
    // carry fields they do not name (and ignore them), and these can pollute nothing once removed.
    onProtoPoisoning: 'remove',
    onConstructorPoisoning: 'remove',
    return503OnClosing: true,
    // Node answers 431 before any route runs once the request line and headers pass 16 KiB. A link
    // token at its schema's limit (2,048 characters), mangled into multi-byte characters by a mail
    // client and percent-encoded, is about 24 KiB: it must reach the link page and get its 403.
    http: { maxHeaderSize: 64 * 1024 },
  });
  const principals = new WeakMap<FastifyRequest, Principal>();
  const logContexts = new WeakMap<FastifyRequest, LogContext>();
  const errorCodes = new WeakMap<FastifyRequest, string>();
  const openApiDocument = buildOpenApiDocument();
  const docsPage = renderDocsPage(openApiDocument);
  const policyIds = new Set(listPolicies().map((p) => p.id));

  const note = (request: FastifyRequest, context: LogContext): void => {
    logContexts.set(request, { ...logContexts.get(request), ...context });
  };

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    // Responses carry case data: no shared cache may keep them.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });

  const metrics = options.metrics ?? createApiMetrics();
  app.addHook('onResponse', async (request, reply) => {
    metrics.observe(
      request.method,
      request.routeOptions.url ?? 'unmatched',
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!logger) return;
    const principal = principals.get(request);
    const code = errorCodes.get(request);
    logger[reply.statusCode >= 500 ? 'error' : 'info'](
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        ...(principal ? { keyId: principal.keyId, role: principal.role } : {}),
        ...logContexts.get(request),
        ...(code ? { code } : {}),
      },
      'api request',
    );
  });

  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    const { status, body } = toErrorResponse(error);
    errorCodes.set(request, body.error.code);
    if (status >= 500 && logger) {
      // The class name only: messages of unexpected errors can quote case data.
      logger.error({ errorName: error.name, route: request.routeOptions.url }, 'request failed unexpectedly');
    }
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="docket"');
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    errorCodes.set(request, 'ROUTE_NOT_FOUND');
    return reply
      .code(404)
      .send(
        errorBody('ROUTE_NOT_FOUND', `no route ${request.method} ${request.url.split('?')[0]}; see /docs`),
      );
  });

  /** Who is calling; throws 401. */
  const authenticate = (request: FastifyRequest, fallbackToken?: string): Principal => {
    const token = bearerToken(request) ?? fallbackToken;
    if (token === undefined || token === '') {
      throw ApiError.of('UNAUTHENTICATED', 'missing credential: send Authorization: Bearer <API key>');
    }
    const principal = auth.authenticate(token);
    if (!principal) throw ApiError.of('UNAUTHENTICATED', 'the bearer token is not a valid API key');
    principals.set(request, principal);
    return principal;
  };

  /** Whether the caller's role allows the permission; throws 403. */
  const authorize = (principal: Principal, permission: Permission): void => {
    if (!can(principal, permission)) {
      const allowed = rolesWith(permission);
      throw ApiError.of(
        'FORBIDDEN',
        `role ${principal.role} may not do this (${permission}); it needs ${allowed.join(' or ')}`,
        { role: principal.role, permission, allowedRoles: allowed },
      );
    }
  };

  // Runs before the body is read, so an unauthenticated caller cannot make the server parse it.
  const guard = (permission: Permission) => async (request: FastifyRequest) => {
    authorize(authenticate(request), permission);
  };

  // Runs once the body is parsed: a request that sent none is told so, not that a field is missing.
  const requireBody = async (request: FastifyRequest) => {
    if (request.body === undefined) {
      throw ApiError.of(
        'MISSING_BODY',
        `missing body: ${request.method} ${request.url.split('?')[0]} needs a JSON object (Content-Type: application/json)`,
        { field: 'body' },
      );
    }
  };

  const caseTypeOf = (request: FastifyRequest, name: string): CaseType => {
    if (!isCaseType(name)) {
      const known = caseTypeNames();
      throw ApiError.of('UNKNOWN_CASE_TYPE', `no case type '${name}' (known: ${known.join(', ')})`, {
        known,
      });
    }
    const principal = principals.get(request);
    if (principal && !canAccessCaseType(principal, name)) {
      throw ApiError.of('FORBIDDEN', `this API key may not touch ${name} cases`, {
        caseType: name,
        allowedCaseTypes: principal.caseTypes,
      });
    }
    note(request, { caseType: name });
    return name;
  };

  const caseNumberOf = (request: FastifyRequest, caseType: CaseType, raw: string): string => {
    if (!caseTypeDefinition(caseType).caseNumberSchema.safeParse(raw).success) {
      // A malformed number cannot name a case; saying 404 keeps one answer for "no such case".
      throw ApiError.of('CASE_NOT_FOUND', `no ${caseType} with case number ${raw}`, { caseType });
    }
    note(request, { caseNumber: raw });
    return raw;
  };

  const caseParams = (request: FastifyRequest): { caseType: CaseType; caseNumber: string } => {
    const params = request.params as { caseType: string; caseNumber: string };
    const caseType = caseTypeOf(request, params.caseType);
    return { caseType, caseNumber: caseNumberOf(request, caseType, params.caseNumber) };
  };

  const route = (
    spec: RouteSpec,
    handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ): void => {
    app.route({
      method: spec.method,
      url: spec.url,
      ...(spec.permission ? { onRequest: guard(spec.permission) } : {}),
      ...(spec.jsonBody ? { preValidation: requireBody } : {}),
      handler,
    });
  };

  route(routes.health, async () => {
    const probe = docket.temporal
      .withDeadline(Date.now() + HEALTH_TIMEOUT_MS, () => docket.temporal.workflowService.getSystemInfo({}))
      .then(
        () => 'reachable' as const,
        () => 'unreachable' as const,
      );
    // The gRPC deadline does not bound the wait for a first connection; this does.
    const stopTimer = new AbortController();
    const timeout = sleep(HEALTH_TIMEOUT_MS, 'unreachable' as const, { signal: stopTimer.signal }).catch(
      () => 'unreachable' as const,
    );
    try {
      return { status: 'ok', temporal: await Promise.race([probe, timeout]) };
    } finally {
      stopTimer.abort();
    }
  });

  route(routes.docs, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').headers(HTML_SECURITY_HEADERS).send(docsPage),
  );
  route(routes.openapi, async (_request, reply) =>
    reply.header('cache-control', 'no-cache').send(openApiDocument),
  );

  route(routes.openCase, async (request, reply) => {
    const caseType = caseTypeOf(request, (request.params as { caseType: string }).caseType);
    const opened = await docket.openCase(caseType, request.body);
    note(request, { caseNumber: opened.caseNumber });
    return reply
      .code(opened.created ? 201 : 200)
      .header('location', `/cases/${caseType}/${opened.caseNumber}`)
      .send(opened);
  });

  route(routes.importCases, async (request) =>
    importCases(
      docket,
      parseWith(importRequestSchema, request.body, 'import'),
      principals.get(request) as Principal,
    ),
  );

  route(routes.getCase, async (request) => {
    const { caseType, caseNumber } = caseParams(request);
    return docket.getCase(caseType, caseNumber);
  });

  route(routes.complianceReport, async (request, reply) => {
    const query = parseWith(complianceQuerySchema, request.query, 'compliance report');
    if (query.caseType) caseTypeOf(request, query.caseType);
    const principal = principals.get(request) as Principal;
    const figures = await complianceFigures(options.outcomes, query, (row) =>
      canAccessCaseType(principal, row.caseType),
    );
    if (query.format === 'csv') return reply.type('text/csv; charset=utf-8').send(figures.csv());
    return { filter: figures.filter, lines: figures.lines };
  });

  route(routes.caseRecordPdf, async (request, reply) => {
    const { caseType, caseNumber } = caseParams(request);
    const recordOptions = options.caseRecords ?? recordDefaults();
    const pdf = await caseRecordPdf(
      docket,
      recordOptions,
      caseType,
      caseNumber,
      principals.get(request) as Principal,
    );
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="${caseType}-${caseNumber}-record.pdf"`)
      .send(pdf);
  });

  route(routes.recordEvent, async (request) => {
    const { caseType, caseNumber } = caseParams(request);
    const event = (request.params as { event: string }).event;
    if (Object.prototype.hasOwnProperty.call(caseTypeDefinition(caseType).events, event))
      note(request, { event });
    const schedule = await docket.recordEvent(
      caseType,
      caseNumber,
      event,
      request.body,
      updateOptions(request),
    );
    return { schedule };
  });

  route(routes.grantExtension, async (request) => {
    const { caseType, caseNumber } = caseParams(request);
    // DocketClient.extend checks the body against the extension schema before anything is sent.
    const body = request.body as ExtensionRequestInput;
    return { schedule: await docket.extend(caseType, caseNumber, body, updateOptions(request)) };
  });

  route(routes.acknowledge, async (request) => {
    const { caseType, caseNumber } = caseParams(request);
    const body = request.body as AcknowledgeInput;
    return { schedule: await docket.acknowledge(caseType, caseNumber, body, updateOptions(request)) };
  });

  route(routes.policies, async () => ({
    policies: listPolicies().map(({ id, title, latest, versions }) => ({ id, title, latest, versions })),
  }));

  route(routes.preview, async (request) => {
    const policyId = (request.params as { policyId: string }).policyId;
    if (!policyIds.has(policyId)) {
      const known = [...policyIds];
      throw ApiError.of('UNKNOWN_POLICY', `no policy '${policyId}' (known: ${known.join(', ')})`, { known });
    }
    note(request, { policyId });
    const body = parseWith(previewBodySchema, request.body, 'preview');
    try {
      return computeSchedule({ policyId, ...body, businessHours: options.businessHours ?? {} });
    } catch (err) {
      if (isDomainError(err)) throw new ApiError(422, err.code, err.message, { ...err.details });
      throw err;
    }
  });

  route(routes.metrics, async (request, reply) => {
    if (!isLoopback(request.socket.remoteAddress)) {
      throw ApiError.of('FORBIDDEN', '/metrics answers only callers on this host (scrape it from here)');
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  route(routes.deadlinesDue, async (request) => {
    const query = parseWith(deadlinesDueQuerySchema, request.query, 'deadlines due');
    const principal = principals.get(request) as Principal;
    let caseTypes: CaseType[];
    if (query.caseType) {
      caseTypes = query.caseType.map((name) => {
        if (!isCaseType(name)) {
          throw ApiError.of('INVALID_INPUT', `deadlines due: caseType: no case type '${name}'`, {
            field: 'caseType',
            known: caseTypeNames(),
          });
        }
        return caseTypeOf(request, name);
      });
    } else {
      // A key limited to some case types sees only those.
      caseTypes = caseTypeNames().filter((name) => canAccessCaseType(principal, name));
      if (caseTypes.length === 0) return { cases: [], truncated: false, query: '' };
    }
    return docket.deadlinesDue({
      caseTypes,
      ...(query.facility !== undefined ? { facility: query.facility } : {}),
      ...(query.state ? { states: query.state } : {}),
      ...(query.dueBefore !== undefined ? { dueBefore: query.dueBefore } : {}),
      limit: query.limit,
    });
  });

  route(routes.undeliveredNotices, async (request) => {
    const query = parseWith(undeliveredQuerySchema, request.query, 'undelivered notices');
    const principal = principals.get(request) as Principal;
    const caseTypes = query.caseType
      ? query.caseType.map((name) => {
          if (!isCaseType(name)) {
            throw ApiError.of('INVALID_INPUT', `undelivered notices: caseType: no case type '${name}'`, {
              field: 'caseType',
              known: caseTypeNames(),
            });
          }
          return caseTypeOf(request, name);
        })
      : caseTypeNames().filter((name) => canAccessCaseType(principal, name));
    try {
      return await undeliveredNotices(docket, { caseTypes, limit: query.limit });
    } catch (err) {
      throw await docket.translateError(err);
    }
  });

  // The acknowledgement link's pages, in their own scope: only here is a form body accepted, and
  // every answer, errors included, is an HTML page. No API key: the signed token is the credential.
  void app.register(async (scope) => {
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: ACK_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    const html = (reply: FastifyReply, status: number, body: string) =>
      reply.code(status).type('text/html; charset=utf-8').headers(HTML_SECURITY_HEADERS).send(body);

    const errorPage = (request: FastifyRequest, reply: FastifyReply, err: Error) => {
      const { status, body } = toErrorResponse(err);
      const { code } = body.error;
      errorCodes.set(request, code);
      if (status >= 500 && logger && !(err instanceof DocketClientError)) {
        logger.error({ errorName: err.name, route: request.routeOptions.url }, 'request failed unexpectedly');
      }
      const message =
        code === 'UNSUPPORTED_MEDIA_TYPE'
          ? 'send the form as application/x-www-form-urlencoded'
          : body.error.message;
      return html(reply, status, ackErrorPage(code, message));
    };
    scope.setErrorHandler((error: Error, request, reply) => errorPage(request, reply, error));

    /** The link's token, verified: its MAC, then its expiry, then the case it names. */
    const linkOf = (
      request: FastifyRequest,
      schema: typeof ackLinkQuerySchema | typeof ackFormSchema,
      raw: unknown,
    ): AckLinkView & { caseType: CaseType; workflowId: string } => {
      const parsed = schema.safeParse(raw);
      const check = parsed.success
        ? verifyAckLink(parsed.data.t, options.ackLinkKey)
        : ({ status: 'invalid' } as const);
      if (check.status === 'invalid') {
        throw ApiError.of(
          'ACK_LINK_INVALID',
          'This link is not valid: it is incomplete or has been altered. Open it again from the alert email, exactly as it was sent.',
        );
      }
      if (check.status === 'expired') {
        throw ApiError.of(
          'ACK_LINK_EXPIRED',
          `This link expired at ${check.claims.expiresAt.toISOString()}. Acknowledge from a newer alert email about this deadline, or ask the case system's operators.`,
        );
      }
      const { workflowId, deadline, recipientId } = check.claims;
      const found = caseOfWorkflowId(workflowId);
      if (!found) throw ApiError.of('CASE_NOT_FOUND', 'the link does not name a Docket case');
      note(request, found);
      return { workflowId, deadline, recipientId, ...found };
    };

    /** A refusal the case would give, told before the button is offered; undefined when it cannot say in time. */
    const deadlineState = async (
      link: AckLinkView & { caseType: CaseType },
    ): Promise<AckDeadlineState | undefined> => {
      const stopTimer = new AbortController();
      const timeout = sleep(ACK_LOOKUP_MS, { timedOut: true } as const, { signal: stopTimer.signal }).catch(
        () => ({ timedOut: true }) as const,
      );
      const lookup = docket.schedule(link.caseType, link.caseNumber).then(
        (view) => ({ view }),
        (error: unknown) => ({ error }),
      );
      let answer: Awaited<typeof lookup> | { timedOut: true };
      try {
        answer = await Promise.race([lookup, timeout]);
      } finally {
        stopTimer.abort();
      }
      if ('timedOut' in answer) return undefined;
      if ('error' in answer) {
        const { error } = answer;
        // Temporal or the worker slow or away: show the page; the POST will get the case's answer.
        if (error instanceof DocketClientError && clientErrorStatusOf(error) >= 500) return undefined;
        throw error;
      }
      const found = answer.view.deadlines.find((d) => d.key === link.deadline);
      if (!found) {
        throw new ApiError(
          ackPageStatus.UNKNOWN_DEADLINE,
          'UNKNOWN_DEADLINE',
          `case ${link.caseNumber} has no deadline ${link.deadline}`,
        );
      }
      if (found.acknowledged) {
        throw new ApiError(
          ackPageStatus.ALREADY_ACKNOWLEDGED,
          'ALREADY_ACKNOWLEDGED',
          `The alert for ${link.deadline} was already acknowledged by ${found.acknowledged.by} at ${found.acknowledged.at}.`,
        );
      }
      if (found.state !== 'breached') {
        throw new ApiError(
          ackPageStatus.NOTHING_TO_ACKNOWLEDGE,
          'NOTHING_TO_ACKNOWLEDGE',
          `Deadline ${link.deadline} is ${found.state}, not breached: there is no alert to acknowledge.`,
        );
      }
      return { localText: found.localText };
    };

    // Changes nothing: a mail scanner that fetches the link acknowledges nothing.
    scope.get(routes.ackPage.url, async (request, reply) => {
      const token = (request.query as { t?: unknown }).t;
      const link = linkOf(request, ackLinkQuerySchema, request.query);
      const state = await deadlineState(link);
      return html(reply, 200, ackFormPage(link, token as string, state));
    });

    scope.post(routes.ackSubmit.url, { bodyLimit: ACK_BODY_LIMIT }, async (request, reply) => {
      const link = linkOf(request, ackFormSchema, request.body ?? {});
      let view;
      try {
        view = await docket.acknowledge(link.caseType, link.caseNumber, {
          key: link.deadline,
          by: link.recipientId,
        });
      } catch (err) {
        const status =
          err instanceof DocketClientError && err.refusal && Object.hasOwn(ackPageStatus, err.code)
            ? ackPageStatus[err.code as keyof typeof ackPageStatus]
            : undefined;
        if (status === undefined) throw err;
        const refusal = err as DocketClientError;
        throw new ApiError(status, refusal.code, refusal.message, refusal.details);
      }
      const acknowledged = view.deadlines.find((d) => d.key === link.deadline)?.acknowledged;
      return html(reply, 200, ackDonePage(link, acknowledged?.at));
    });
  });

  // Any other method on a known path is 405 with the methods it takes, before authentication or
  // body parsing: what a path accepts is no secret (the OpenAPI document says it).
  const allowedByUrl = new Map<string, Set<string>>();
  for (const spec of Object.values(routes) as RouteSpec[]) {
    const allowed = allowedByUrl.get(spec.url) ?? new Set<string>();
    // fastify answers HEAD on every GET route.
    for (const method of spec.method === 'GET' ? ['GET', 'HEAD'] : [spec.method]) allowed.add(method);
    allowedByUrl.set(spec.url, allowed);
  }
  for (const [url, allowed] of allowedByUrl) {
    const allow = [...allowed].join(', ');
    app.route({
      method: app.supportedMethods.filter((method) => !allowed.has(method)),
      url,
      onRequest: async (request, reply) => {
        errorCodes.set(request, 'METHOD_NOT_ALLOWED');
        return reply
          .code(405)
          .header('allow', allow)
          .send(
            errorBody(
              'METHOD_NOT_ALLOWED',
              `${request.method} is not allowed here; this path takes ${allow}`,
              {
                allowed: [...allowed],
              },
            ),
          );
      },
      handler: async () => undefined,
    });
  }

  return app;
}

/** The configuration's defaults (mail.messageIdDomain, records.chromiumPath), for an API built without them. */
function recordDefaults(): CaseRecordOptions {
  const config = parseConfig({});
  return { messageIdDomain: config.mail.messageIdDomain, chromiumPath: config.records.chromiumPath };
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  return /^Bearer[ ]+(\S+)\s*$/i.exec(header)?.[1];
}

function updateOptions(request: FastifyRequest): UpdateOptions {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return {};
  if (Array.isArray(key)) {
    throw ApiError.of('INVALID_IDEMPOTENCY_KEY', 'send one Idempotency-Key header', {
      field: 'Idempotency-Key',
    });
  }
  return { idempotencyKey: key };
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw ApiError.of('INVALID_INPUT', `${what}: ${describeIssues(result.error)}`, {
      field: result.error.issues[0]?.path.join('.'),
    });
  }
  return result.data;
}

/** Every error becomes `{ error: { code, message, details? } }` with a stable code and status. */
function toErrorResponse(error: Error & { statusCode?: number; code?: string }): {
  status: number;
  body: ReturnType<typeof errorBody>;
} {
  if (error instanceof ApiError) {
    return { status: error.status, body: errorBody(error.code, error.message, error.details) };
  }
  if (error instanceof DocketClientError) {
    return { status: clientErrorStatusOf(error), body: errorBody(error.code, error.message, error.details) };
  }
  if (isDomainError(error)) {
    return { status: 422, body: errorBody(error.code, error.message, { ...error.details }) };
  }
  // fastify's own errors, answered without their messages (a JSON parser's can quote the body).
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: errorBody('UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json'),
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, body: errorBody('PAYLOAD_TOO_LARGE', 'the body is too large') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, body: errorBody('MALFORMED_JSON', 'the body is empty; send a JSON object') };
  }
  if (error.statusCode === 400 && (error instanceof SyntaxError || error.code?.startsWith('FST_ERR_CTP'))) {
    return { status: 400, body: errorBody('MALFORMED_JSON', 'the body is not valid JSON') };
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, body: errorBody('BAD_REQUEST', 'the request could not be read') };
  }
  return { status: 500, body: errorBody('INTERNAL', 'internal error') };
}
