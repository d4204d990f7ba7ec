// API roles on every route, against the real stack: no key or an unknown key is 401, a key whose role
// lacks the permission is 403 (and changes nothing), and each role the issue allows gets through to
// the real operation. The expected roles are written out here, not read from the code under test.
import { signAckLink } from '../../activities/ack-link';
import type { ApiRole } from '../../server/api/auth';
import { routes, type RouteName } from '../../server/api/routes';
import {
  type ApiTestbed,
  apiTestbedPerFile,
  eventually,
  grievanceIntake,
  iso,
  type KeyName,
} from './support';

const bed = apiTestbedPerFile();

const keyOfRole: Record<ApiRole, KeyName> = {
  'case-system': 'caseSystem',
  supervisor: 'supervisor',
  administrator: 'administrator',
};
const allRoles: ApiRole[] = ['case-system', 'supervisor', 'administrator'];

/** Issue 10 and the API brief: who may do what. */
const expectedRoles = {
  openCase: ['case-system', 'administrator'],
  importCases: ['case-system', 'administrator'],
  getCase: ['case-system', 'supervisor', 'administrator'],
  recordEvent: ['case-system', 'administrator'],
  grantExtension: ['case-system', 'administrator'],
  acknowledge: ['supervisor', 'administrator'],
  policies: ['case-system', 'supervisor', 'administrator'],
  preview: ['case-system', 'supervisor', 'administrator'],
  deadlinesDue: ['case-system', 'supervisor', 'administrator'],
  undeliveredNotices: ['administrator'],
  caseRecordPdf: ['administrator'],
  complianceReport: ['supervisor', 'administrator'],
} satisfies Partial<Record<RouteName, ApiRole[]>>;
type ProtectedRoute = keyof typeof expectedRoles;

interface Attempt {
  method: string;
  path: string;
  body?: unknown;
  /** Checks that a refused attempt left no trace. */
  unchanged?: () => Promise<void>;
}

async function openedCase(): Promise<string> {
  const intake = grievanceIntake();
  await bed().docket.openCase('grievance', intake);
  return intake.caseNumber;
}

async function timelineTypes(caseNumber: string): Promise<string[]> {
  return (await bed().docket.timeline('grievance', caseNumber)).map((e) => e.type);
}

/** For each protected route: a real request that an allowed role completes with `success`. */
const attempts: Record<ProtectedRoute, { make: () => Promise<Attempt>; success: number; code?: string }> = {
  openCase: {
    success: 201,
    make: async () => {
      const intake = grievanceIntake();
      return {
        method: 'POST',
        path: '/cases/grievance',
        body: intake,
        unchanged: async () => {
          await expect(bed().docket.handle('grievance', intake.caseNumber).describe()).rejects.toThrow(
            /not found/i,
          );
        },
      };
    },
  },
  importCases: {
    success: 200,
    make: async () => {
      const intake = grievanceIntake();
      return {
        method: 'POST',
        path: '/cases/import',
        body: { lines: [{ caseType: 'grievance', intake, events: [] }] },
        unchanged: async () => {
          await expect(bed().docket.handle('grievance', intake.caseNumber).describe()).rejects.toThrow(
            /not found/i,
          );
        },
      };
    },
  },
  getCase: {
    success: 200,
    make: async () => ({ method: 'GET', path: `/cases/grievance/${await openedCase()}` }),
  },
  recordEvent: {
    success: 200,
    make: async () => {
      const caseNumber = await openedCase();
      return {
        method: 'POST',
        path: `/cases/grievance/${caseNumber}/events/rts-submitted`,
        body: { at: iso(Date.now() - 60_000), by: 'S-0100' },
        unchanged: async () => expect(await timelineTypes(caseNumber)).not.toContain('rts.submitted'),
      };
    },
  },
  grantExtension: {
    success: 200,
    make: async () => {
      const caseNumber = await openedCase();
      const now = Date.now();
      await bed().docket.recordEvent('grievance', caseNumber, 'rts-submitted', {
        at: iso(now - 60_000),
        by: 'S-0100',
      });
      const view = await bed().docket.recordEvent('grievance', caseNumber, 'rts-responded', {
        at: iso(now - 30_000),
        by: 'S-0101',
      });
      const filing = view.deadlines.find((d) => d.key === 'grievance.filing');
      return {
        method: 'POST',
        path: `/cases/grievance/${caseNumber}/extensions`,
        body: {
          key: 'grievance.filing',
          dueAt: iso(Date.parse(filing?.dueAt as string) + 3 * 24 * 3_600_000),
          reason: 'inmate in the infirmary',
          approverRole: 'reviewing-authority',
          approvedBy: 'S-0200',
          at: iso(now),
        },
        unchanged: async () => expect(await timelineTypes(caseNumber)).not.toContain('deadline.extended'),
      };
    },
  },
  // Nothing is breached on a fresh case, so getting through means reaching the case's validator.
  acknowledge: {
    success: 422,
    code: 'NOTHING_TO_ACKNOWLEDGE',
    make: async () => ({
      method: 'POST',
      path: `/cases/grievance/${await openedCase()}/acknowledgements`,
      body: { key: 'rts.filing', by: 'S-0400' },
    }),
  },
  policies: { success: 200, make: async () => ({ method: 'GET', path: '/policies' }) },
  preview: {
    success: 200,
    make: async () => ({
      method: 'POST',
      path: '/preview/ok-doc-grievance',
      body: {
        facts: { category: 'general', track: 'standard' },
        events: { incident: '2026-11-02T10:00:00-06:00' },
      },
    }),
  },
  deadlinesDue: {
    success: 200,
    make: async () => ({ method: 'GET', path: '/deadlines/due?state=breached' }),
  },
  undeliveredNotices: {
    success: 200,
    make: async () => ({ method: 'GET', path: '/notices/undelivered' }),
  },
  caseRecordPdf: {
    success: 200,
    make: async () => ({ method: 'GET', path: `/cases/grievance/${await openedCase()}/record.pdf` }),
  },
  complianceReport: {
    success: 200,
    make: async () => ({ method: 'GET', path: '/reports/compliance?from=2026-01-01&to=2026-12-31' }),
  },
};

test('every route needs a key except health, docs, metrics and the acknowledgement pages, and each is covered here', () => {
  const open = Object.entries(routes)
    .filter(([, spec]) => spec.permission === null)
    .map(([name]) => name)
    .sort();
  // The acknowledgement pages' credential is the signed link itself (test/api/cases.test.ts).
  expect(open).toEqual(['ackPage', 'ackSubmit', 'docs', 'health', 'metrics', 'openapi']);
  const guarded = Object.keys(routes)
    .filter((name) => !open.includes(name))
    .sort();
  expect(guarded).toEqual(Object.keys(expectedRoles).sort());
});

describe.each(Object.keys(expectedRoles) as ProtectedRoute[])('%s', (name) => {
  const allowed: ApiRole[] = expectedRoles[name];
  const denied = allRoles.filter((role) => !allowed.includes(role));

  test(`401 without a key or with an unknown one; 403 for ${denied.join(', ') || 'no role'}`, async () => {
    const attempt = await attempts[name].make();
    const send = (as: Parameters<ApiTestbed['call']>[2]) =>
      bed().call<{ error: { code: string; details?: Record<string, unknown> } }>(
        attempt.method,
        attempt.path,
        {
          body: attempt.body,
          ...as,
        },
      );

    const none = await send({});
    expect([none.status, none.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const unknown = await send({ as: { token: 'x'.repeat(32) } });
    expect([unknown.status, unknown.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const basic = await send({
      headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    expect(basic.status).toBe(401);

    for (const role of denied) {
      const refused = await send({ as: keyOfRole[role] });
      expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
      expect(refused.body.error.details).toMatchObject({ role, allowedRoles: allowed });
    }
    await attempt.unchanged?.();
  });

  test(`${allowed.join(', ')} get through`, async () => {
    for (const role of allowed) {
      const attempt = await attempts[name].make();
      const response = await bed().call<{ error?: { code: string } }>(attempt.method, attempt.path, {
        as: keyOfRole[role],
        body: attempt.body,
      });
      expect({ role, status: response.status, code: response.body?.error?.code }).toEqual({
        role,
        status: attempts[name].success,
        code: attempts[name].code,
      });
    }
  });
});

test('the role is checked before the body is read: a refused caller gets 403 even for a malformed body', async () => {
  const response = await bed().call('POST', '/cases/grievance', {
    as: 'supervisor',
    rawBody: '{"caseNumber": ',
    headers: { 'content-type': 'application/json' },
  });
  expect(response.status).toBe(403);
  const anonymous = await bed().call('POST', '/cases/grievance', {
    rawBody: '{"caseNumber": ',
    headers: { 'content-type': 'application/json' },
  });
  expect(anonymous.status).toBe(401);
});

test('the open routes answer without a key', async () => {
  expect((await bed().call('GET', '/health')).status).toBe(200);
  expect((await bed().call('GET', '/docs/openapi.json')).status).toBe(200);
  expect((await fetch(`${bed().url}/docs`)).status).toBe(200);
  // The acknowledgement page's credential is its signed link: with one it reaches the case (which
  // has nothing breached yet), without one it is refused as a bad link, never asked for a key.
  const token = signAckLink(
    {
      workflowId: `grievance-${await openedCase()}`,
      deadline: 'rts.filing',
      recipientId: 'LARC-S002',
      noticeKey: 'rts.filing/breach/1',
      expiresAt: new Date(Date.now() + 3_600_000),
    },
    bed().ackLinkKey,
  );
  const page = await fetch(`${bed().url}/ack?t=${token}`);
  expect([page.status, await page.text()]).toEqual([409, expect.stringContaining('NOTHING_TO_ACKNOWLEDGE')]);
  const unsigned = await fetch(
    `${bed().url}/ack?workflowId=grievance-${await openedCase()}&deadline=rts.response`,
  );
  expect(unsigned.status).toBe(403);
  expect(unsigned.headers.get('www-authenticate')).toBeNull();
  expect(await unsigned.text()).toContain('ACK_LINK_INVALID');
});

test('a key limited to other case types is 403 on grievances and sees none of them in deadlines due', async () => {
  const caseNumber = await openedCase();
  const read = await bed().call<{ error: { code: string } }>('GET', `/cases/grievance/${caseNumber}`, {
    as: 'titleIxAdministrator',
  });
  expect([read.status, read.body.error.code]).toEqual([403, 'FORBIDDEN']);
  const intake = grievanceIntake();
  const open = await bed().call('POST', '/cases/grievance', { as: 'titleIxAdministrator', body: intake });
  expect(open.status).toBe(403);
  await expect(bed().docket.handle('grievance', intake.caseNumber).describe()).rejects.toThrow(/not found/i);
  // Its own case type it may open and read.
  const report = {
    caseNumber: `T9-${caseNumber.split('-').pop()}`,
    reportReceivedAt: iso(Date.now() - 3_600_000),
    coordinatorId: 'S-T9C',
    parties: [{ id: 'P-0001', role: 'complainant', email: 'complainant@home.example.net' }],
  };
  const ownOpen = await bed().call('POST', '/cases/title-ix', { as: 'titleIxAdministrator', body: report });
  expect(ownOpen.status).toBe(201);
  const ownRead = await bed().call('GET', `/cases/title-ix/${report.caseNumber}`, {
    as: 'titleIxAdministrator',
  });
  expect(ownRead.status).toBe(200);
  const filtered = await bed().call('GET', '/deadlines/due?caseType=grievance', {
    as: 'titleIxAdministrator',
  });
  expect(filtered.status).toBe(403);
  const all = await bed().call<{ cases: Array<{ caseType: string }> }>('GET', '/deadlines/due', {
    as: 'titleIxAdministrator',
  });
  expect(all.status).toBe(200);
  expect(all.body.cases.filter((c) => c.caseType === 'grievance')).toEqual([]);
  // The same request with an unlimited administrator key does see grievances (so the check can fail).
  await eventually(async () => {
    const unlimited = await bed().call<{ cases: Array<{ caseNumber: string }> }>('GET', '/deadlines/due', {
      as: 'administrator',
    });
    return unlimited.body.cases.some((c) => c.caseNumber === caseNumber) ? true : undefined;
  }, 'the case to show in deadlines due');
});
