// The API's routes in one table: the server registers them from it, the OpenAPI document describes
// them from it, and the role tests walk it, so a route cannot exist without a permission and docs.
import type { Permission } from './auth';

export interface RouteSpec {
  method: 'GET' | 'POST';
  /** Fastify path syntax (`:param`). */
  url: string;
  /** Null: open to anyone (health, docs, the acknowledgement page, which changes nothing). */
  permission: Permission | null;
  summary: string;
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
  openCase: { method: 'POST', url: '/cases/:caseType', permission: 'cases:open', summary: 'Open a case' },
  getCase: {
    method: 'GET',
    url: '/cases/:caseType/:caseNumber',
    permission: 'cases:read',
    summary: 'A case: its schedule and its timeline',
  },
  recordEvent: {
    method: 'POST',
    url: '/cases/:caseType/:caseNumber/events/:event',
    permission: 'events:record',
    summary: 'Record an event on a case',
  },
  grantExtension: {
    method: 'POST',
    url: '/cases/:caseType/:caseNumber/extensions',
    permission: 'extensions:grant',
    summary: 'Grant an extension of one deadline',
  },
  acknowledge: {
    method: 'POST',
    url: '/cases/:caseType/:caseNumber/acknowledgements',
    permission: 'alerts:acknowledge',
    summary: 'Acknowledge a breach alert',
  },
  ackPage: {
    method: 'GET',
    url: '/ack',
    permission: null,
    summary: 'The page an alert email links to: a form that posts the acknowledgement',
  },
  ackSubmit: {
    method: 'POST',
    url: '/ack',
    permission: 'alerts:acknowledge',
    summary: "Acknowledge from an alert email's link (form or JSON)",
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
