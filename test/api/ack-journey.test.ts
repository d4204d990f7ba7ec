// The supervisor's journey on the time-skipping server, through the real API, worker and mail: a
// missed deadline's alert reaches each supervisor with a link of their own; one click on the page's
// button acknowledges it, and the escalation a day later never comes, while the same alert left
// unacknowledged on another case does escalate.
import type { ReceivedMessage } from '../helpers/smtp';
import type { CaseView } from '../../workflows/case-messages';
import { apiTestbedPerFile, DAY, eventually, grievanceIntake, iso } from './support';

const bed = apiTestbedPerFile({ timeSkipping: true });

const SUPERVISORS = ['supervisor@acsd.example.org', 'supervisor.backup@acsd.example.org'];
// The supervisor role's own supervisor at ACSD: where the first escalation goes.
const FACILITY_HEAD = 'facility-head@acsd.example.org';

const rtsResponse = (view: CaseView) => {
  const found = view.deadlines.find((d) => d.key === 'rts.response');
  if (!found) throw new Error('no rts.response');
  return found;
};

/** A grievance at ACSD whose Request to Staff was received now (the server's clock). */
async function openWithRtsResponse() {
  const now = await bed().env.currentTimeMs();
  const intake = grievanceIntake({ facility: 'ACSD', incidentAt: iso(now - DAY) });
  const path = `/cases/grievance/${intake.caseNumber}`;
  expect((await bed().call('POST', '/cases/grievance', { as: 'caseSystem', body: intake })).status).toBe(201);
  const submitted = await bed().call<{ schedule: CaseView }>('POST', `${path}/events/rts-submitted`, {
    as: 'caseSystem',
    body: { at: iso(now), by: 'S-0100' },
  });
  expect(submitted.status).toBe(200);
  return {
    caseNumber: intake.caseNumber,
    path,
    dueMs: Date.parse(rtsResponse(submitted.body.schedule).dueAt!),
  };
}

const alertsOf = (caseNumber: string, to: string): ReceivedMessage[] =>
  bed().smtp.messages.filter((m) => m.text.includes(caseNumber) && m.envelope.to.includes(to));

async function advanceTo(ms: number): Promise<void> {
  const now = await bed().env.currentTimeMs();
  if (ms > now) await bed().env.sleep(ms - now);
}

test('one click acknowledges as the recipient, and the next escalation does not come', async () => {
  const acknowledgedCase = await openWithRtsResponse();
  const control = await openWithRtsResponse();
  const dueMs = Math.max(acknowledgedCase.dueMs, control.dueMs);

  // Past the deadline: each supervisor gets an alert of their own, with a link of their own.
  await advanceTo(dueMs + 60_000);
  const alerts = await eventually(async () => {
    const found = SUPERVISORS.map((to) => alertsOf(acknowledgedCase.caseNumber, to));
    return found.every((f) => f.length === 1) ? found.map((f) => f[0] as ReceivedMessage) : undefined;
  }, 'one breach alert per supervisor');
  for (const alert of alerts) expect(alert.envelope.to).toHaveLength(1);
  const links = alerts.map((m) => /Acknowledge: (\S+)/.exec(m.text)?.[1] as string);
  expect(new Set(links).size).toBe(2);
  await eventually(
    async () => (SUPERVISORS.every((to) => alertsOf(control.caseNumber, to).length === 1) ? true : undefined),
    "the control case's alerts",
  );

  // The page shows the deadline and its due time, and opening it acknowledges nothing.
  const page = await fetch(links[0] as string);
  const html = await page.text();
  expect(page.status).toBe(200);
  const before = await bed().call<{ schedule: CaseView }>('GET', acknowledgedCase.path, { as: 'supervisor' });
  expect(html).toContain(rtsResponse(before.body.schedule).localText);
  expect(html).toContain('ACSD-S012');
  expect(rtsResponse(before.body.schedule).acknowledged).toBeUndefined();

  // The button: a form POST carrying only the token.
  const form = /<form method="post" action="ack"><input type="hidden" name="t" value="([^"]+)">/.exec(html);
  const done = await fetch(new URL('ack', links[0]), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ t: form?.[1] as string }).toString(),
  });
  expect(done.status).toBe(200);
  expect(await done.text()).toContain('Acknowledged');
  const after = await bed().call<{ schedule: CaseView }>('GET', acknowledgedCase.path, { as: 'supervisor' });
  expect(rtsResponse(after.body.schedule).acknowledged?.by).toBe('ACSD-S012');

  // A day and more later: the unacknowledged control case escalates to the facility head (with a
  // link for the facility head); the acknowledged case does not, and sends nothing more at all.
  const mailsBefore = bed().smtp.messages.filter((m) => m.text.includes(acknowledgedCase.caseNumber)).length;
  await advanceTo(dueMs + 2 * DAY);
  const escalation = await eventually(
    async () => alertsOf(control.caseNumber, FACILITY_HEAD)[0],
    "the control case's escalation",
  );
  expect(escalation.text).toMatch(/Acknowledge: \S+\/ack\?t=/);
  expect(alertsOf(acknowledgedCase.caseNumber, FACILITY_HEAD)).toEqual([]);
  expect(bed().smtp.messages.filter((m) => m.text.includes(acknowledgedCase.caseNumber))).toHaveLength(
    mailsBefore,
  );

  // The second supervisor's link now finds the alert already acknowledged.
  const late = await fetch(links[1] as string);
  expect(late.status).toBe(409);
  expect(await late.text()).toContain('already acknowledged by ACSD-S012');
});
