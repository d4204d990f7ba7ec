// The API against its own OpenAPI document, with Schemathesis (pinned, scripts/ensure-schemathesis.sh):
// every check enabled, on a real Temporal dev server and worker. Each operation on a case gets a case
// of its own, opened first, so requests reach the case instead of a 404 and an event that closes its
// case does not starve the others. The only leeway granted: a schema-valid request may be refused
// with 422, because business rules (order of events, limits, roles) are not expressible in a schema;
// the document's Refusal schema lists every refusal code, and response_schema_conformance holds each
// 422 to that list.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiErrorCodes } from '../../server/api/errors';
import { caseTypeNames, type CaseType } from '../../client/case-types';
import { refusalCodes } from '../../domain/errors';
import { sampleDisciplineIntake } from '../../scripts/sample-intakes';
import { grievanceIntake, HOUR, iso, newCaseNumber, startApiTestbed, type ApiTestbed } from './support';

/**
 * Test cases per operation in the fuzzing phase (the coverage phase's count is fixed by the document):
 * about 4,600 requests, 2-4 minutes on a shared 2-core machine.
 */
const MAX_EXAMPLES = 10;
/** Fewer requests than this means operations were skipped or cut short. */
const MIN_REQUESTS = 3_000;

interface HarEntry {
  request: { method: string; url: string };
  response: { status: number; content: { text?: string } };
}

let bed: ApiTestbed;
let workDir: string;
beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'docket-contract-'));
  bed = await startApiTestbed();
}, 180_000);
afterAll(async () => {
  await bed?.teardown();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

function schemathesisExecutable(): string {
  const fromEnv = process.env.DOCKET_SCHEMATHESIS;
  if (fromEnv) return fromEnv;
  const out = execFileSync('bash', [path.join(__dirname, '..', '..', 'scripts', 'ensure-schemathesis.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop() ?? '';
}

/** A valid intake of each case type, for a fresh case number. */
function intake(caseType: CaseType): { caseNumber: string; body: Record<string, unknown> } {
  const now = Date.now();
  switch (caseType) {
    case 'grievance': {
      const body = grievanceIntake();
      return { caseNumber: body.caseNumber, body: { ...body } };
    }
    case 'discipline': {
      const caseNumber = newCaseNumber('DSC');
      return { caseNumber, body: sampleDisciplineIntake(caseNumber, 'SUBJ-CONTRACT', now) };
    }
    case 'title-ix': {
      const caseNumber = newCaseNumber('T9');
      return {
        caseNumber,
        body: {
          caseNumber,
          reportReceivedAt: iso(now - HOUR),
          coordinatorId: 'S-T9C',
          parties: [
            { id: 'P-0001', role: 'complainant', email: 'complainant@home.example.net' },
            { id: 'P-0002', role: 'respondent', email: 'respondent@home.example.net' },
          ],
        },
      };
    }
    case 'probation': {
      const caseNumber = newCaseNumber('EMP');
      return { caseNumber, body: { employeeId: caseNumber } };
    }
    case 'contract': {
      const caseNumber = newCaseNumber('ILC');
      return { caseNumber, body: { contractNumber: caseNumber, facility: 'NC-PWF' } };
    }
    case 'cwp-project': {
      const caseNumber = newCaseNumber('CWP');
      return {
        caseNumber,
        body: { caseNumber, facility: 'NC-PWF', plannedLaborDays: 5, startedAt: iso(now - HOUR) },
      };
    }
    case 'enterprises-transfer': {
      const caseNumber = newCaseNumber('ENT');
      return {
        caseNumber,
        body: {
          caseNumber,
          facility: 'NC-PWF',
          homeFacility: 'NC-HOME',
          arrangedAt: iso(now - HOUR),
          transferAt: iso(now + 48 * HOUR),
        },
      };
    }
    case 'conduct-report': {
      const caseNumber = newCaseNumber('CR');
      return {
        caseNumber,
        body: {
          kind: 'report',
          caseNumber,
          category: 'over-familiarity',
          reporterId: 'S-5101',
          reportedTo: 'supervisor',
          subjectEmployeeId: 'S-5102',
          person: {
            id: 'P-CONTRACT-1',
            status: 'discharged',
            dischargedAt: iso(now - 60 * 24 * HOUR),
            contactAt: iso(now - 48 * HOUR),
          },
          learnedAt: iso(now - 3 * HOUR),
          reportedAt: iso(now - 2 * HOUR),
        },
      };
    }
  }
}

const toml = (value: string): string => JSON.stringify(value);

test('schemathesis finds no break of the OpenAPI contract', async () => {
  const document = (await bed.call('GET', '/docs/openapi.json')).body as {
    paths: Record<string, Record<string, unknown>>;
    components: {
      schemas: Record<string, { properties: { error: { properties: { code: { enum: string[] } } } } }>;
    };
  };
  // The document lists the refusal codes from their one definition, and every 422 the API itself
  // answers with is among them.
  const listed = document.components.schemas.Refusal?.properties.error.properties.code.enum;
  expect(listed).toEqual(Object.keys(refusalCodes));
  expect(listed).toEqual(expect.arrayContaining(['OUT_OF_ORDER', 'DEADLINE_PASSED', 'EXTENSION_OVER_CAP']));
  const api422 = Object.entries(apiErrorCodes).filter(([, { status }]) => status === 422);
  expect(api422.map(([code]) => code).filter((code) => !listed?.includes(code))).toEqual([]);

  // One real case per operation on a case.
  const operations: string[] = [];
  let caseOperations = 0;
  for (const documentPath of Object.keys(document.paths)) {
    const caseType = /^\/cases\/([^/]+)\/\{caseNumber\}/.exec(documentPath)?.[1];
    if (caseType === undefined) continue;
    expect(caseTypeNames()).toContain(caseType);
    const { caseNumber, body } = intake(caseType as CaseType);
    const opened = await bed.call('POST', `/cases/${caseType}`, { as: 'caseSystem', body });
    expect([documentPath, opened.status]).toEqual([documentPath, 201]);
    caseOperations += 1;
    operations.push(
      '[[operations]]',
      `include-path = ${toml(documentPath)}`,
      `parameters = { caseNumber = ${toml(caseNumber)} }`,
      '',
    );
  }
  // Each case type: read, extensions, acknowledgements and its events.
  expect(caseOperations).toBeGreaterThan(4 * caseTypeNames().length);

  const config = [
    '# Written by test/api/contract.test.ts. Keys come from the environment, never from this file.',
    '[auth.openapi.bearer]',
    'bearer = "${DOCKET_CONTRACT_CASE_SYSTEM_KEY}"',
    '',
    '# A business-rule refusal (422) is a valid answer to schema-valid data; its code must be one the',
    '# Refusal schema lists, which response_schema_conformance checks.',
    '[checks.positive_data_acceptance]',
    'expected-statuses = ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]',
    '',
    '# Acknowledging is for supervisors and administrators: those operations use the administrator key.',
    '[[operations]]',
    'include-path-regex = "/acknowledgements$"',
    'headers = { Authorization = "Bearer ${DOCKET_CONTRACT_ADMINISTRATOR_KEY}" }',
    '',
    ...operations,
  ].join('\n');
  const configFile = path.join(workDir, 'schemathesis.toml');
  writeFileSync(configFile, config);
  const reportDir = path.join(workDir, 'report');

  const args = [
    '--config-file',
    configFile,
    'run',
    `${bed.url}/docs/openapi.json`,
    '--checks',
    'all',
    '--max-examples',
    String(MAX_EXAMPLES),
    // One worker: Hypothesis's source inspection is not thread-safe on every Python 3.11 release.
    '--workers',
    '1',
    '--generation-database',
    'none',
    '--report',
    'junit,har',
    '--report-dir',
    reportDir,
    '--no-color',
    // The API answers every request within its own Temporal timeout (api.temporalTimeoutMs, 30 s: 504
    // after that); schemathesis's default of 10 s fails a slow but correct answer on a loaded machine.
    '--request-timeout',
    '45',
    // `--checks all` includes a response-time check with a 10 s limit; the API's own bound is its
    // Temporal timeout (30 s, then 504), so that is what the check holds it to.
    '--max-response-time',
    '35',
    ...(process.env.DOCKET_CONTRACT_SEED ? ['--seed', process.env.DOCKET_CONTRACT_SEED] : []),
  ];
  const run = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(schemathesisExecutable(), args, {
      cwd: workDir,
      env: {
        ...process.env,
        DOCKET_CONTRACT_CASE_SYSTEM_KEY: bed.tokens.caseSystem,
        DOCKET_CONTRACT_ADMINISTRATOR_KEY: bed.tokens.administrator,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output: Buffer.concat(chunks).toString('utf8') }));
  });
  // On failure the whole report (each failure with a curl line to reproduce it, and the seed) shows.
  expect({ exitCode: run.code, output: run.code === 0 ? '' : run.output }).toEqual({
    exitCode: 0,
    output: '',
  });

  const reports = readdirSync(reportDir);
  const junitFile = reports.find((name) => name.startsWith('junit'));
  const harFile = reports.find((name) => name.startsWith('har'));
  expect({ junitFile, harFile }).toEqual({ junitFile: expect.any(String), harFile: expect.any(String) });
  const junit = readFileSync(path.join(reportDir, junitFile as string), 'utf8');
  const totals = /<testsuites\b[^>]*>/.exec(junit)?.[0] ?? '';
  const attribute = (name: string): number => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(totals)?.[1]);
  expect({ failures: attribute('failures'), errors: attribute('errors') }).toEqual({
    failures: 0,
    errors: 0,
  });
  expect(attribute('tests')).toBeGreaterThan(50);

  const entries = (
    JSON.parse(readFileSync(path.join(reportDir, harFile as string), 'utf8')) as {
      log: { entries: HarEntry[] };
    }
  ).log.entries;
  expect(entries.length).toBeGreaterThanOrEqual(MIN_REQUESTS);
  expect(entries.filter((entry) => entry.response.status >= 500)).toEqual([]);
  // Each refusal carries a listed code.
  const refusals = entries.filter((entry) => entry.response.status === 422);
  const codes = new Set(
    refusals.map(
      (entry) =>
        (JSON.parse(entry.response.content.text ?? '{}') as { error?: { code?: string } }).error?.code,
    ),
  );
  expect([...codes].filter((code) => code === undefined || !listed?.includes(code))).toEqual([]);
  expect(codes).toContain('OUT_OF_ORDER');
  // Requests reached real cases: each type's were read, and events were recorded.
  const accepted = entries
    .filter((entry) => entry.response.status === 200)
    .map((entry) => `${entry.request.method} ${new URL(entry.request.url).pathname}`);
  for (const caseType of caseTypeNames()) {
    expect({ caseType, read: accepted.some((line) => line.startsWith(`GET /cases/${caseType}/`)) }).toEqual({
      caseType,
      read: true,
    });
  }
  expect(
    accepted.filter((line) => /^POST \/cases\/[^/]+\/[^/]+\/events\//.test(line)).length,
  ).toBeGreaterThan(0);
}, 600_000);
