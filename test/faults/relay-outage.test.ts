// The mail relay goes down before a batch of breach alerts falls due and comes back after: every alert
// must arrive within 15 s of the relay's return, once, none early, whatever the outage's length up to
// the one-day give-up. Before the relay gate and the capped retry interval, alerts waited out their
// own backoff after a recovery (161 s after a 3-minute outage; up to an hour after a long one).
//
// The worker's log must say what is wrong: the cause of each failed attempt (ECONNREFUSED, without an
// address), when it tries next, one error-level line once the relay has failed longer than
// smtp.outageAlertAfter, and one line when it answers again.
//
// Outage: DOCKET_FAULT_OUTAGE_S (default 45 s; RELIABILITY.md's figure is a 20-minute run).
// Cases: 20 × DOCKET_FAULT_SCALE.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseYaml } from 'yaml';
import { startSmtpReceiver } from '../helpers/smtp';
import { uniqueName } from '../helpers/temporal';
import {
  breachMessageId,
  countDeliveries,
  type FaultStack,
  latenessS,
  type LogLine,
  openCases,
  REPO_ROOT,
  report,
  scaled,
  startFaultStack,
  waitFor,
} from './support';

const N = scaled(20);
const OUTAGE_S = Number(process.env.DOCKET_FAULT_OUTAGE_S ?? '45');
/** The error-level line is due this long into the outage. */
const ALERT_AFTER_S = Math.max(5, Math.min(300, Math.round(OUTAGE_S / 3)));
const DOWN_BEFORE_DUE_S = 5;

let stack: FaultStack;
const taskQueue = uniqueName('faults-outage');

beforeAll(async () => {
  stack = await startFaultStack({
    label: 'outage',
    taskQueue,
    extra: { DOCKET_SMTP_OUTAGE_ALERT_AFTER: `${ALERT_AFTER_S}s` },
  });
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

/** Every mail address in the sample directory: none may appear in a log line. */
function directoryAddresses(): string[] {
  const text = readFileSync(path.join(REPO_ROOT, 'config', 'directory.yaml'), 'utf8');
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node === 'string' && /^[^@\s]+@[^@\s]+$/.test(node)) found.add(node);
    else if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(parseYaml(text));
  return [...found];
}

const byMsg = (lines: readonly LogLine[], prefix: string) =>
  lines.filter((l) => String(l.msg).startsWith(prefix));

test(
  `relay down ${OUTAGE_S} s across due deadlines: every alert within 15 s of its return, once, none early`,
  async () => {
    const dueAt = Math.ceil((Date.now() + 20_000 + N * 1_500) / 1000) * 1000;
    const cases = await openCases(stack.clients.docket, 'OUT', N, dueAt);
    const ids = cases.map(breachMessageId);
    const downAt = dueAt - DOWN_BEFORE_DUE_S * 1_000;
    expect(Date.now()).toBeLessThan(downAt);

    await sleep(downAt - Date.now());
    await stack.smtp.close();
    const before = stack.smtp.messages.length;
    await sleep(downAt + OUTAGE_S * 1_000 - Date.now());
    stack.smtp = await startSmtpReceiver({ port: stack.smtpPort });
    const upAt = Date.now();

    await waitFor(
      () => countDeliveries(stack.smtp.messages, ids, dueAt).received === N,
      120_000,
      `${N} alerts`,
    );
    await sleep(10_000); // room for a duplicate to show
    const counted = countDeliveries(stack.smtp.messages, ids, dueAt);
    expect(before).toBe(0);
    expect(counted).toMatchObject({
      expected: N,
      received: N,
      missing: 0,
      duplicates: 0,
      early: 0,
      other: 0,
    });
    const afterRecovery = latenessS(stack.smtp.messages, ids, upAt);
    expect(afterRecovery.max).toBeLessThan(15);

    // What the log says.
    const lines = stack.worker.lines;
    const deferred = byMsg(lines, 'notice deferred; will retry');
    expect(deferred.length).toBeGreaterThan(0);
    for (const line of deferred) {
      expect(line.level).toBe(40);
      expect(line.nextRetryAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      expect(line.relay).toBe('primary');
    }
    const refused = deferred.filter(
      (l) => (l.cause as { errno?: string } | undefined)?.errno === 'ECONNREFUSED',
    );
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0]?.cause as { message: string }).message).toBe('connect ECONNREFUSED [endpoint]');
    // Attempts held at the gate fail after their wait with the relay's last cause in their message.
    const held = deferred.filter(
      (l) => (l.cause as { code?: string } | undefined)?.code === 'ERELAYUNREACHABLE',
    );
    const outageErrors = lines.filter((l) => l.level === 50);
    expect(outageErrors).toHaveLength(1);
    expect(outageErrors[0]?.msg).toMatch(/^mail relay failing for \d+ (s|min); notices are waiting for it$/);
    expect(outageErrors[0]).toMatchObject({ relay: 'primary', cause: { errno: 'ECONNREFUSED' } });
    expect(Number(outageErrors[0]?.failingForS)).toBeGreaterThanOrEqual(ALERT_AFTER_S);
    expect(byMsg(lines, 'mail relay is answering again')).toHaveLength(1);
    // One line per failed attempt: the SDK's own "Activity failed" does not repeat it at warn level.
    expect(lines.filter((l) => l.msg === 'Activity failed' && l.level >= 40)).toHaveLength(0);
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    for (const address of directoryAddresses()) expect(text).not.toContain(address);
    expect(text).not.toContain(`127.0.0.1:${stack.smtpPort}`);

    report('relay-outage', {
      cases: N,
      outageS: Math.round((upAt - downAt) / 1000),
      ...counted,
      latenessAfterRecoveryS: afterRecovery,
      failedAttempts: deferred.length,
      failedAttemptsHeldAtGate: held.length,
      attemptsPerAlertPerMinute: Math.round((deferred.length / N / (OUTAGE_S / 60)) * 10) / 10,
    });
  },
  (OUTAGE_S + 20 + N * 2 + 300) * 1_000,
);
