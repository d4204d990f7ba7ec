// Compliance figures: how each deadline ended, and on-time rates per deadline key, facility and month.
//
// The deadline-event activity (activities/deadline-events.ts) writes a deadline's outcome when it
// settles: met on time, met late, met within an extension (`extended`), waived, or breached. A breach
// later met is the same deadline met late, so each deadline has one row, replaced by its later
// outcome; the row keeps the event ID that set it, and writing the same event again changes nothing.
// Opaque identifiers only. The month is the local month of the due date as the schedule gave it.
//
// On-time rate = (met on time + extended) / (met on time + extended + met late + breached); a waived
// deadline asked nothing of anyone and is left out.
import { DomainError } from '../domain/errors';
import type { DeadlineChange } from '../workflows/deadlines';

export const DEADLINE_OUTCOMES = ['met-on-time', 'met-late', 'extended', 'waived', 'breached'] as const;
export type DeadlineOutcome = (typeof DEADLINE_OUTCOMES)[number];

export interface OutcomeRow {
  caseType: string;
  caseNumber: string;
  facility: string;
  deadlineKey: string;
  outcome: DeadlineOutcome;
  /** Local date of the due time (YYYY-MM-DD), or of the settlement for a deadline without one. */
  dueDate: string;
  settledAt: string;
  eventId: string;
}

export interface ComplianceFilter {
  /** First and last due date included, YYYY-MM-DD. */
  from: string;
  to: string;
  facility?: string;
  caseType?: string;
}

/** Where outcomes are kept: the records archive's store (SQLite file or PostgreSQL). */
export interface OutcomeStore {
  recordOutcomes(rows: OutcomeRow[]): Promise<void>;
  outcomes(filter: ComplianceFilter): Promise<OutcomeRow[]>;
}

/** The outcome a change settles its deadline with; undefined while the deadline is still open. */
export function settledOutcome(change: DeadlineChange): DeadlineOutcome | undefined {
  if (change.state === 'waived') return 'waived';
  if (change.state === 'breached') return 'breached';
  if (change.state !== 'met') return undefined;
  if (change.dueAt !== undefined && Date.parse(change.at) > Date.parse(change.dueAt)) return 'met-late';
  return change.extensions > 0 ? 'extended' : 'met-on-time';
}

export interface ComplianceLine {
  deadlineKey: string;
  facility: string;
  month: string;
  metOnTime: number;
  extended: number;
  metLate: number;
  breached: number;
  waived: number;
  /** Null when nothing in the group was due of anyone (all waived). */
  onTimeRate: number | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Refuses a filter the report cannot use, naming the field, the value and the rule. */
export function checkComplianceFilter(filter: ComplianceFilter): ComplianceFilter {
  for (const field of ['from', 'to'] as const) {
    const value = filter[field];
    if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) {
      throw new DomainError('INVALID_INPUT', `${field}: '${String(value)}' is not a date like 2026-01-31`, {
        field,
        value,
      });
    }
  }
  if (filter.from > filter.to) {
    throw new DomainError('INVALID_INPUT', `from: '${filter.from}' is after to '${filter.to}'`, {
      field: 'from',
      value: filter.from,
    });
  }
  return filter;
}

/** Groups outcomes by deadline key, facility and month, in that order. */
export function complianceReport(rows: OutcomeRow[]): ComplianceLine[] {
  const groups = new Map<string, ComplianceLine>();
  for (const row of rows) {
    const month = row.dueDate.slice(0, 7);
    const id = JSON.stringify([row.deadlineKey, row.facility, month]);
    let line = groups.get(id);
    if (!line) {
      line = {
        deadlineKey: row.deadlineKey,
        facility: row.facility,
        month,
        metOnTime: 0,
        extended: 0,
        metLate: 0,
        breached: 0,
        waived: 0,
        onTimeRate: null,
      };
      groups.set(id, line);
    }
    const field = {
      'met-on-time': 'metOnTime',
      'met-late': 'metLate',
      extended: 'extended',
      waived: 'waived',
      breached: 'breached',
    } as const;
    line[field[row.outcome]] += 1;
  }
  const lines = [...groups.values()].map((line) => {
    const onTime = line.metOnTime + line.extended;
    const due = onTime + line.metLate + line.breached;
    return { ...line, onTimeRate: due === 0 ? null : onTime / due };
  });
  return lines.sort(
    (a, b) =>
      a.deadlineKey.localeCompare(b.deadlineKey) ||
      a.facility.localeCompare(b.facility) ||
      a.month.localeCompare(b.month),
  );
}

const COLUMNS = [
  'deadline',
  'facility',
  'month',
  'met_on_time',
  'extended',
  'met_late',
  'breached',
  'waived',
  'on_time_rate',
];

function cells(line: ComplianceLine): string[] {
  return [
    line.deadlineKey,
    line.facility,
    line.month,
    String(line.metOnTime),
    String(line.extended),
    String(line.metLate),
    String(line.breached),
    String(line.waived),
    line.onTimeRate === null ? '' : line.onTimeRate.toFixed(3),
  ];
}

/** RFC 4180 CSV with a header line. */
export function complianceCsv(lines: ComplianceLine[]): string {
  const quote = (cell: string) => (/[",\r\n]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
  return [COLUMNS, ...lines.map(cells)].map((row) => row.map(quote).join(',')).join('\r\n') + '\r\n';
}

/** The rows of a plain-text table: header first. */
export function complianceTableRows(lines: ComplianceLine[]): string[][] {
  return [
    ['DEADLINE', 'FACILITY', 'MONTH', 'ON TIME', 'EXTENDED', 'LATE', 'BREACHED', 'WAIVED', 'ON-TIME RATE'],
    ...lines.map((line) => {
      const row = cells(line);
      row[8] = line.onTimeRate === null ? '-' : `${(line.onTimeRate * 100).toFixed(1)}%`;
      return row;
    }),
  ];
}

/** The on-time rate per month over every line given (all keys and facilities together). */
export function monthlyOnTimeRates(lines: ComplianceLine[]): Array<{ month: string; rate: number | null }> {
  const months = new Map<string, { onTime: number; due: number }>();
  for (const line of lines) {
    const m = months.get(line.month) ?? { onTime: 0, due: 0 };
    m.onTime += line.metOnTime + line.extended;
    m.due += line.metOnTime + line.extended + line.metLate + line.breached;
    months.set(line.month, m);
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([month, m]) => ({ month, rate: m.due === 0 ? null : m.onTime / m.due }));
}

/** On-time rate per month as an SVG line chart, rendered server-side by ECharts. */
export async function complianceChartSvg(
  lines: ComplianceLine[],
  size: { width: number; height: number } = { width: 800, height: 400 },
): Promise<string> {
  const echarts = await import('echarts');
  const rates = monthlyOnTimeRates(lines);
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, ...size });
  try {
    chart.setOption({
      animation: false,
      title: { text: 'On-time rate per month' },
      xAxis: { type: 'category', data: rates.map((r) => r.month) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          type: 'line',
          name: 'on time',
          data: rates.map((r) => (r.rate === null ? null : Math.round(r.rate * 1000) / 10)),
          label: { show: true, formatter: '{c}%' },
        },
      ],
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}
