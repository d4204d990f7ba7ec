// Docket's HTTP API on fastify: a thin layer over DocketClient (client/cases.ts), which Node case
// systems use directly. The API adds authentication (bearer keys mapped to roles), JSON errors with
// stable codes, OpenAPI, and the acknowledgement page that alert emails link to.
//
// Confidentiality: request logs carry only values a handler has validated as opaque (case type,
// case number, event name, policy ID), the key's ID, the status and the error code. Never bodies,
// never queries, never error messages, which can quote what a caller sent.
import { setTimeout as sleep } from 'node:timers/promises';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { describeIssues } from '../../domain/cases/common';
import { isDomainError } from '../../domain/errors';
import { listPolicies } from '../../domain/policies';
import { computeSchedule } from '../../domain/schedule';
import {
  caseOfWorkflowId,
  caseTypeDefinition,
  caseTypeNames,
  DocketClientError,
  isCaseType,
  type CaseType,
  type DocketClient,
  type UpdateOptions,
} from '../cases';
import type { AcknowledgeInput, ExtensionRequestInput } from '../../domain/cases/common';
import { ackDonePage, ackErrorPage, ackFormPage, HTML_SECURITY_HEADERS, type AckLink } from './ack-pages';
import { can, canAccessCaseType, rolesWith, type ApiAuth, type Permission, type Principal } from './auth';
import { ApiError, errorBody } from './errors';
import { buildOpenApiDocument, renderDocsPage } from './openapi';
import { routes, type RouteSpec } from './routes';
import { undeliveredNotices } from '../undelivered';
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
}

/** Values a handler validated as opaque codes: the only request data that reaches a log line. */
interface LogContext {
  caseType?: string;
  caseNumber?: string;
  event?: string;
  policyId?: string;
}

const HEALTH_TIMEOUT_MS = 2_000;
const ACK_BODY_LIMIT = 8 * 1024;

export function buildApi(options: BuildApiOptions): FastifyInstance {
  const { docket, auth, logger } = options;
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    return503OnClosing: true,
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

  route(routes.getCase, async (request) => {
    const { caseType, caseNumber } = caseParams(request);
    return docket.getCase(caseType, caseNumber);
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
    const body = parseWith(previewBodySchema, request.body ?? {}, 'preview');
    try {
      return computeSchedule({ policyId, ...body });
    } catch (err) {
      if (isDomainError(err)) throw new ApiError(422, err.code, err.message, { ...err.details });
      throw err;
    }
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

  // The acknowledgement link's pages, in their own scope: only here is a form body accepted.
  void app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: ACK_BODY_LIMIT },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    const linkOf = (request: FastifyRequest, raw: unknown): AckLink => {
      const link = parseWith(ackLinkQuerySchema, raw, 'acknowledgement link');
      const found = caseOfWorkflowId(link.workflowId);
      if (!found) throw ApiError.of('CASE_NOT_FOUND', 'the link does not name a Docket case');
      note(request, found);
      return { ...link, ...found };
    };

    scope.get(routes.ackPage.url, async (request, reply) => {
      reply.type('text/html; charset=utf-8').headers(HTML_SECURITY_HEADERS);
      try {
        return reply.send(ackFormPage(linkOf(request, request.query)));
      } catch (err) {
        const { status, body } = toErrorResponse(err as Error);
        errorCodes.set(request, body.error.code);
        return reply.code(status).send(ackErrorPage(body.error.code, body.error.message));
      }
    });

    scope.post(routes.ackSubmit.url, { bodyLimit: ACK_BODY_LIMIT }, async (request, reply) => {
      const fromForm = (request.headers['content-type'] ?? '').startsWith(
        'application/x-www-form-urlencoded',
      );
      try {
        const body = (request.body ?? {}) as Record<string, unknown>;
        // Browsers cannot send an Authorization header from a link, so the form carries the key.
        const principal = authenticate(request, typeof body.token === 'string' ? body.token : undefined);
        authorize(principal, routes.ackSubmit.permission);
        const form = parseWith(ackFormSchema, body, 'acknowledgement');
        const link = linkOf(request, form);
        const caseType = caseTypeOf(request, link.caseType);
        const schedule = await docket.acknowledge(caseType, link.caseNumber, {
          key: form.deadline,
          by: form.by,
        });
        if (!fromForm) return { schedule };
        return reply
          .type('text/html; charset=utf-8')
          .headers(HTML_SECURITY_HEADERS)
          .send(ackDonePage(link, form.by));
      } catch (err) {
        if (!fromForm) throw err;
        const { status, body } = toErrorResponse(err as Error);
        errorCodes.set(request, body.error.code);
        if (status === 401) reply.header('www-authenticate', 'Bearer realm="docket"');
        return reply
          .code(status)
          .type('text/html; charset=utf-8')
          .headers(HTML_SECURITY_HEADERS)
          .send(ackErrorPage(body.error.code, body.error.message));
      }
    });
  });

  return app;
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
    return { status: error.status, body: errorBody(error.code, error.message, error.details) };
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
