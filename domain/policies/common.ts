// Building blocks shared by the policy modules: seed citations, reminder lead times and escalation
// cadences. Lead times follow docs/rules.md "Notices and escalation" (half the time, one working day before).
import type { Source } from '../types';
import type { ReminderRule } from '../deadline/reminders';

export const SEED_000 = '000_ffa994603df00692.txt';
export const SEED_001 = '001_b3b55b34e85b5a66.txt';
export const SEED_002 = '002_5a28f52881808cb3.txt';
export const SEED_003 = '003_f6cc332a41fedc95.txt';
export const SEED_004 = '004_1d446f472ab24b53.txt';

export function seed(file: string, document: string, section: string, quote?: string): Source {
  return quote === undefined
    ? { kind: 'seed', file, document, section }
    : { kind: 'seed', file, document, section, quote };
}

export function statute(citation: string): Source {
  return { kind: 'statute', citation };
}

export function renderSource(source: Source): string {
  switch (source.kind) {
    case 'seed':
      return `${source.document} §${source.section} (seed ${source.file})`;
    case 'statute':
      return source.citation;
    case 'agency-setting':
      return `agency setting ${source.setting}${source.isDefault ? ' (default)' : ' (agency value)'}${source.note ? `: ${source.note}` : ''}`;
  }
}

export const HALF_TIME: ReminderRule = { kind: 'fraction', fraction: 0.5 };
export const ONE_WORKING_DAY_BEFORE: ReminderRule = { kind: 'before', amount: 1, unit: 'workingDays' };
export const FOUR_HOURS_BEFORE: ReminderRule = { kind: 'before', amount: 4, unit: 'hours' };

/** Day-scale staff deadlines: half the time, then the working day before. */
export const DAY_REMINDERS: ReminderRule[] = [HALF_TIME, ONE_WORKING_DAY_BEFORE];
/** Hour-scale staff deadlines (24 or 48 hours): half the time, then four hours before. */
export const HOUR_REMINDERS: ReminderRule[] = [HALF_TIME, FOUR_HOURS_BEFORE];

/** A missed day-scale deadline is re-alerted daily, up to three levels up the chain. */
export const DAILY_ESCALATION = { cadenceHours: 24, maxLevels: 3 };
/** A missed hour-scale deadline (a 24-hour service or investigation limit) is re-alerted every 4 hours. */
export const HOURLY_ESCALATION = { cadenceHours: 4, maxLevels: 3 };
/** PREA emergency grievances (substantial risk of imminent sexual abuse): every 2 hours, four levels. */
export const URGENT_ESCALATION = { cadenceHours: 2, maxLevels: 4 };
