// `docket preview <policy>`: the whole schedule a case would get, from the same computeSchedule the
// workflows use (through their activity) and the API exposes.
import type { Command } from 'commander';
import { listPolicies } from '../../domain/policies';
import { computeSchedule } from '../../domain/schedule';
import { configuredBusinessHours, loadConfig } from '../../infra/config';
import { collectPair, type Output } from './shared';

interface PreviewOptions {
  event?: Record<string, string>;
  fact?: Record<string, string>;
  setting?: Record<string, string>;
  policyVersion?: string;
  now?: string;
}

export function registerPreviewCommand(program: Command, io: Output): void {
  program
    .command('preview')
    .description('compute the whole schedule for a policy and the given events, as JSON')
    .argument(
      '<policy>',
      `policy id (${listPolicies()
        .map((p) => p.id)
        .join(', ')})`,
    )
    .option(
      '-e, --event <key=instant>',
      'a recorded event (repeatable), e.g. rts.submitted=2026-11-20T09:00:00-06:00',
      collectPair,
    )
    .option('-f, --fact <key=value>', 'a case fact (repeatable), e.g. category=medical', collectPair)
    .option(
      '-s, --setting <key=value>',
      "an agency setting override (repeatable), e.g. grievance.response='10 workingDays'",
      collectPair,
    )
    .option('--policy-version <version>', 'the policy version the case opened with (default: latest)')
    .option('--now <instant>', 'classify deadlines already past this instant as breached')
    .action((policyId: string, options: PreviewOptions) => {
      const schedule = computeSchedule({
        policyId,
        ...(options.policyVersion ? { policyVersion: options.policyVersion } : {}),
        events: options.event ?? {},
        facts: options.fact ?? {},
        settings: options.setting ?? {},
        ...(options.now ? { now: options.now } : {}),
        // Reminders are placed in the agency's business hours, as a case's would be.
        businessHours: configuredBusinessHours(loadConfig()),
      });
      io.out(JSON.stringify(schedule, null, 2));
    });
}
