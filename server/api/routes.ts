// The API's routes in one table: the server registers them from it, the OpenAPI document describes
// them from it, and the role tests walk it, so a route cannot exist without a permission and docs.
import type { Permission } from './auth';

export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify path syntax (`:param`). */
  url: string;
  /** Null: no API key (health, docs, and the acknowledgement pages, whose signed link is the credential). */
  permission: Permission | null;
  summary: string;
  /** The operation takes a JSON body, which it requires: a request without one is 400 MISSING_BODY. */
  jsonBody?: true;
}

export const routes = {
  health: {
    method: 'GET',
    url: '/health',
    permission: null,
    summary: 'Liveness, and whether Temporal answers',
  },
  docs: { method: 'GET', url: '/docs', permission: null, summary: 'This reference, readable' },
  openapi: {
    method: 'GET',
    url: '/docs/openapi.json',
    permission: null,
    summary: 'The OpenAPI 3.1 document',
  },
  openCase: {
    method: 'POST',
    url: '/cases/:caseType',
    permission: 'cases:open',
    summary: 'Open a case',
    jsonBody: true,
  },
  // Static, so it wins over `/cases/:caseType` (no case type is named `import`).
  importCases: {
    method: 'POST',
    url: '/cases/import',
    permission: 'cases:import',
    summary: 'Import cases and their recorded events, with a result per line',
    jsonBody: true,
  },
  getCase: {
    method: 'GET',
    url: '/cases/:caseType/:caseNumber',
    permission: 'cases:read',
    summary: 'A case: its schedule and its timeline',
  },
  complianceReport: {
    method: 'GET',
    url: '/reports/compliance',
    permission: 'reports:read',
    summary: 'On-time rates per deadline, facility and month (JSON or CSV)',
  },
  caseRecordPdf: {
    method: 'GET',
    url: '/cases/:caseType/:caseNumber/record.pdf',
    permission: 'records:export',
    summary: "A case's court-ready record as PDF: events, deadlines and outcomes, notices, proofs of service",
  },
  recordEvent: {
    method: 'POST',
    url: '/cases/:caseType/:caseNumber/events/:event',
    permission: 'events:record',
    summary: 'Record an event on a case',
    jsonBody: true,
  },
  grantExtension: {
    method: 'POST',
    url: '/cases/:caseType/:caseNumber/extensions',
    permission: 'extensions:grant',
    summary: 'Grant an extension of one deadline',
    jsonBody: true,
  },
  acknowledge: {
    method: 'POST',
    url: '/cases/:caseType/:caseNumber/acknowledgements',
    permission: 'alerts:acknowledge',
    summary: 'Acknowledge a breach alert',
    jsonBody: true,
  },
  ackPage: {
    method: 'GET',
    url: '/ack',
    permission: null,
    summary: "The page an alert email's signed link opens: what would be acknowledged, and one button",
  },
  // Open too: the signed token in the form is the credential, good for one deadline and one recipient.
  ackSubmit: {
    method: 'POST',
    url: '/ack',
    permission: null,
    summary: "Acknowledge from an alert email's signed link (the page's form)",
  },
  policies: {
    method: 'GET',
    url: '/policies',
    permission: 'policies:preview',
    summary: 'Policies and versions',
  },
  preview: {
    method: 'POST',
    url: '/preview/:policyId',
    permission: 'policies:preview',
    summary: 'Preview a schedule (needs no Temporal)',
    jsonBody: true,
  },
  // No key: Prometheus scrapes it. It answers loopback peers only (server.ts); its labels are route
  // templates and statuses, never case data.
  metrics: {
    method: 'GET',
    url: '/metrics',
    permission: null,
    summary: 'Request counts and latencies in Prometheus format (loopback callers only)',
  },
  deadlinesDue: {
    method: 'GET',
    url: '/deadlines/due',
    permission: 'cases:read',
    summary: 'Open cases with deadlines, from Temporal visibility',
  },
  undeliveredNotices: {
    method: 'GET',
    url: '/notices/undelivered',
    permission: 'notices:read',
    summary: 'Notices not delivered yet (being retried) or given up, from Temporal',
  },
} as const satisfies Record<string, RouteSpec>;

export type RouteName = keyof typeof routes;
