// Case events counted through the workflow metric meter: the SDK drops what a replay would emit
// again, so each breach and acknowledgement counts once. Emitting a metric issues no command, so
// histories replay unchanged. Labels: case type and facility code only, never a case number.
import { metricMeter } from '@temporalio/workflow';

export const CASE_METRICS = {
  breaches: 'docket_breaches',
  acknowledgements: 'docket_acknowledgements',
} as const;

interface Labels {
  caseType: string;
  facility: string;
}

const tags = (context: Labels) => ({ case_type: context.caseType, facility: context.facility });

export function countBreach(context: Labels): void {
  metricMeter.createCounter(CASE_METRICS.breaches, '1', 'Deadlines breached').add(1, tags(context));
}

export function countAcknowledgement(context: Labels): void {
  metricMeter
    .createCounter(CASE_METRICS.acknowledgements, '1', 'Breach alerts acknowledged')
    .add(1, tags(context));
}
