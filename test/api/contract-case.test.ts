// An inmate labor contract record (NC DOC Policy D.0700 §.0705) over HTTP, as a case system drives
// it: the official dev server in real time, a real worker with the encrypting data converter, the real
// API, and every notice read back from a real SMTP receiver. Violations are dated in the past so that
// the deadlines they set have already come: the breach and the "stays suspended" alert go out at once.
import type { ReceivedMessage } from '../helpers/smtp';
import type { ContractView } from '../../workflows/contract';
import type { TimelineEvent } from '../../workflows/deadlines';
import { type ApiResponse, apiTestbedPerFile, DAY, eventually, iso, newCaseNumber } from './support';

const bed = apiTestbedPerFile();

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

function expectError(response: ApiResponse, status: number, code: string): ErrorBody['error'] {
  expect({ status: response.status, code: (response.body as unknown as ErrorBody)?.error?.code }).toEqual({
    status,
    code,
  });
  return (response.body as unknown as ErrorBody).error;
}

const record = (path: string, event: string, body: unknown) =>
  bed().call<{ schedule: ContractView }>('POST', `${path}/events/${event}`, { as: 'caseSystem', body });

/** The one message to `address` about `contractNumber` whose text matches `pattern`, once it arrives. */
const mail = (address: string, contractNumber: string, pattern: RegExp): Promise<ReceivedMessage> =>
  eventually(
    async () =>
      bed().smtp.messages.find(
        (m) => m.envelope.to.includes(address) && m.text.includes(contractNumber) && pattern.test(m.text),
      ),
    `a message to ${address} matching ${pattern}`,
  );

async function openContract(settings?: Record<string, unknown>) {
  const contractNumber = newCaseNumber('ILC');
  const response = await bed().call('POST', '/cases/contract', {
    as: 'caseSystem',
    body: { contractNumber, facility: 'NC-PWF', ...(settings ? { settings } : {}) },
  });
  expect(response.status).toBe(201);
  expect(response.body).toMatchObject({ caseType: 'contract', workflowId: `contract-${contractNumber}` });
  return { contractNumber, path: `/cases/contract/${contractNumber}` };
}

test('a contract through warning, suspension, a refused resumption, the letter and the resumption, with real mail', async () => {
  const { contractNumber, path } = await openContract();
  const now = Date.now();

  // 1st (a): a letter of warning; its 30 days are long past, so the Facility Head's supervisor is alerted.
  let response = await record(path, 'violation-confirmed', {
    at: iso(now - 40 * DAY),
    by: 'S-0900',
    heading: 'a',
    reference: 'INC-API-1',
  });
  expect(response.status).toBe(200);
  expect(response.body.schedule.contract.violations[0]).toMatchObject({
    id: 'V1',
    position: 1,
    action: { sanction: 'warning-letter', authority: 'facility-head' },
  });
  const warning = await mail(
    'facility-head@nc-pwf.example.org',
    contractNumber,
    /letter of warning from the Facility Head/,
  );
  expect(warning.text).toContain('Policy D.0700 §D.0705(a)(1) (seed 004_1d446f472ab24b53.txt)');
  const breach = await mail('region-director@nc-pwf.example.org', contractNumber, /Deadline missed/);
  expect(breach.subject).toMatch(/^OVERDUE: V1:warning\.response was due/);

  // 2nd within twelve months: one week, already run; the letter is missing, so it stays suspended.
  response = await record(path, 'violation-confirmed', {
    at: iso(now - 10 * DAY),
    by: 'S-0900',
    heading: 'a',
    reference: 'INC-API-2',
  });
  expect(response.status).toBe(200);
  const view = response.body.schedule;
  expect(view.stage).toBe('suspended');
  expect(view.contract.violations[1]).toMatchObject({
    id: 'V2',
    position: 2,
    countedWith: ['V1'],
    action: { sanction: 'suspension', length: 'one week', authority: 'facility-head' },
    suspension: { startsAt: iso(now - 10 * DAY), waitingFor: [{ requirement: 'response-letter' }] },
  });
  const stays = await mail('facility-head@nc-pwf.example.org', contractNumber, /stays suspended/);
  expect(stays.text).toMatch(/the contractor's letter specifying corrective action taken/);

  // Resuming without the letter is refused with the rule and its source, and changes nothing.
  const refused = await record(path, 'contract-resumed', { at: iso(Date.now() - 60_000), by: 'S-0900' });
  const error = expectError(refused, 422, 'RESUMPTION_REQUIREMENT_MISSING');
  expect(error.message).toMatch(/before the contract is resumed/);
  expect(error.details).toMatchObject({
    violationId: 'V2',
    missing: ['response-letter'],
    source: 'Policy D.0700 §D.0705(a)(2) (seed 004_1d446f472ab24b53.txt)',
  });
  const before = await bed().call<{ schedule: ContractView; timeline: TimelineEvent[] }>('GET', path, {
    as: 'caseSystem',
  });
  expect(before.body.schedule.stage).toBe('suspended');
  expect(before.body.timeline.map((e) => e.type)).not.toContain('contract.resumed');

  expect(
    (
      await record(path, 'response-letter-received', {
        at: iso(Date.now() - 50_000),
        by: 'S-0900',
        violationId: 'V2',
      })
    ).status,
  ).toBe(200);
  response = await record(path, 'contract-resumed', { at: iso(Date.now() - 40_000), by: 'S-0900' });
  expect(response.status).toBe(200);
  expect(response.body.schedule.stage).toBe('active');

  // A fresh (c) suspension: resuming before its three months have run is refused with the earliest time.
  response = await record(path, 'violation-confirmed', {
    at: iso(Date.now() - 30_000),
    by: 'S-0900',
    heading: 'c',
    reference: 'MED-API-1',
  });
  expect(response.body.schedule.contract.violations[2]).toMatchObject({
    position: 1,
    action: { length: 'three month' },
  });
  await record(path, 'response-letter-received', { at: iso(Date.now() - 20_000), by: 'S-0900' });
  await record(path, 'safety-review-completed', { at: iso(Date.now() - 10_000), by: 'S-0901' });
  const early = expectError(
    await record(path, 'contract-resumed', { at: iso(Date.now() - 5_000), by: 'S-0900' }),
    422,
    'TOO_EARLY',
  );
  expect(early.details).toMatchObject({
    key: 'V3:resumption.earliest',
    earliest: response.body.schedule.contract.violations[2]?.suspension?.earliestEnd,
    source: 'Policy D.0700 §D.0705(c)(1) (seed 004_1d446f472ab24b53.txt)',
  });

  // Visible across cases from Temporal visibility, with the Stage search attribute.
  const due = await eventually(async () => {
    const r = await bed().call<{ cases: Array<{ caseNumber: string; stage: string }> }>(
      'GET',
      '/deadlines/due?caseType=contract&facility=NC-PWF',
      { as: 'administrator' },
    );
    return r.body.cases.find((c) => c.caseNumber === contractNumber && c.stage === 'suspended');
  }, 'the contract in /deadlines/due');
  expect(due).toMatchObject({ caseType: 'contract', caseNumber: contractNumber });
}, 120_000);

test('a bad setting, heading or event is refused naming the field; the OpenAPI document lists the contract events', async () => {
  const bad = await bed().call('POST', '/cases/contract', {
    as: 'caseSystem',
    body: {
      contractNumber: newCaseNumber('ILC'),
      facility: 'NC-PWF',
      settings: { 'osha-survey': 'sometimes' },
    },
  });
  expect(expectError(bad, 422, 'INVALID_SETTING').details).toMatchObject({ field: 'settings.osha-survey' });

  const { path } = await openContract();
  const heading = await record(path, 'violation-confirmed', {
    at: iso(Date.now() - 1_000),
    by: 'S-0900',
    heading: 'f',
    reference: 'X-1',
  });
  expect(expectError(heading, 422, 'INVALID_INPUT').details).toMatchObject({ field: 'heading' });
  expectError(
    await record(path, 'contract-resumed', { at: iso(Date.now() - 1_000), by: 'S-0900' }),
    422,
    'NOT_SUSPENDED',
  );
  expectError(
    await record(path, 'contract-suspended', { at: iso(Date.now()), by: 'S-0900' }),
    404,
    'UNKNOWN_EVENT',
  );

  const spec = await bed().call<{
    paths: Record<string, Record<string, unknown>>;
    components: { schemas: Record<string, unknown> };
  }>('GET', '/docs/openapi.json');
  for (const event of [
    'violation-confirmed',
    'response-letter-received',
    'safety-review-completed',
    'osha-survey-completed',
    'contract-resumed',
    'contract-ended',
  ]) {
    expect(spec.body.paths).toHaveProperty([`/cases/contract/{caseNumber}/events/${event}`, 'post']);
  }
  expect(spec.body.components.schemas).toHaveProperty(['ContractIntake', 'properties', 'contractNumber']);
}, 60_000);
